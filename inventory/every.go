package inventory

import (
	"fmt"
	"strconv"
	"time"
)

// Every is a rotation period, written as a whole number of hours, days or
// weeks: "12h", "90d", "2w". The zero value means no policy.
type Every struct {
	N    int
	Unit byte // 'h', 'd' or 'w'
}

// everyUnits are the units of a period, and maxEvery the longest period
// (100000 days, about 273 years), well inside what a time.Duration holds:
// 20000w would overflow it and come out negative, a deadline always past.
var (
	everyUnits = map[byte]time.Duration{'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}
	maxEvery   = 100000 * 24 * time.Hour
)

// ParseEvery reads "90d", "2w" or "12h". An empty string, "none" or "0"
// mean no policy.
func ParseEvery(s string) (Every, error) {
	if s == "" || s == "none" || s == "0" {
		return Every{}, nil
	}
	unit := s[len(s)-1]
	n, err := strconv.Atoi(s[:len(s)-1])
	d, known := everyUnits[unit]
	if err != nil || n <= 0 || n > 100000 || !known || time.Duration(n) > maxEvery/d || s[0] == '+' {
		return Every{}, fmt.Errorf("invalid rotation period %q: use a whole number of hours, days or weeks, like 90d, 2w or 12h", s)
	}
	return Every{N: n, Unit: unit}, nil
}

// IsZero reports whether there is no policy.
func (e Every) IsZero() bool { return e.N == 0 }

// Duration is the length of the period.
func (e Every) Duration() time.Duration {
	return time.Duration(e.N) * everyUnits[e.Unit]
}

// String gives the form ParseEvery reads, "" for no policy.
func (e Every) String() string {
	if e.IsZero() {
		return ""
	}
	return strconv.Itoa(e.N) + string(e.Unit)
}
