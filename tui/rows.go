package tui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// row is one secret as the inventory shows it, computed once per load so
// that filtering and drawing touch no YAML and no clock.
type row struct {
	path     string
	env      string
	owner    string
	version  string
	age      string // age of the current value, "3d"
	deadline time.Time
	hasDL    bool
	status   inventory.Status
	statusT  string // the status in words, readable without colour
	key      string // lower-case fields the filter matches, NUL-separated: path, owner, status, tags
}

// newRows makes the inventory's rows, in the store's order (by path).
func newRows(secrets []inventory.Secret, now time.Time, warning time.Duration) []row {
	rows := make([]row, len(secrets))
	for i := range secrets {
		rows[i] = newRow(&secrets[i], now, warning)
	}
	return rows
}

func newRow(sec *inventory.Secret, now time.Time, warning time.Duration) row {
	r := row{path: sec.Path, env: inventory.Environment(sec.Path), owner: sec.Owner, version: "-", age: "-"}
	if cur := sec.CurrentVersion(); cur != nil {
		r.version = fmt.Sprintf("v%d", cur.Number)
		r.age = shortDays(inventory.WholeDays(now.Sub(cur.Created)))
	}
	r.deadline, r.hasDL = inventory.Deadline(sec)
	r.status = inventory.StatusAt(sec, now, warning)
	r.statusT = statusText(r.status, r.deadline, now)
	r.key = strings.ToLower(strings.Join(append([]string{sec.Path, sec.Owner, string(r.status)}, sec.Tags...), fieldSep))
	return r
}

func shortDays(n int) string {
	if n <= 0 {
		return "today"
	}
	return fmt.Sprintf("%dd", n)
}

// statusSymbols mark each status with a symbol as well as a colour.
var statusSymbols = map[inventory.Status]string{
	inventory.StatusOverdue:  "✖",
	inventory.StatusDue:      "▲",
	inventory.StatusOK:       "✓",
	inventory.StatusNoPolicy: "○",
	inventory.StatusNoValue:  "∅",
	inventory.StatusRotating: "↻",
	inventory.StatusExposed:  "!",
}

// statusWords are the statuses as a person reads them.
var statusWords = map[inventory.Status]string{
	inventory.StatusOverdue:  "overdue",
	inventory.StatusDue:      "due",
	inventory.StatusOK:       "ok",
	inventory.StatusNoPolicy: "no policy",
	inventory.StatusNoValue:  "no value",
	inventory.StatusRotating: "rotating",
	inventory.StatusExposed:  "exposed",
}

// statusText is the status in a symbol and words, with the days that make
// it: "✖ overdue 7d", "▲ due in 5d", "✓ ok".
func statusText(st inventory.Status, deadline, now time.Time) string {
	sym := statusSymbols[st]
	switch st {
	case inventory.StatusOverdue:
		return fmt.Sprintf("%s overdue %dd", sym, max(0, -inventory.WholeDays(deadline.Sub(now))))
	case inventory.StatusDue:
		return fmt.Sprintf("%s due in %dd", sym, max(0, inventory.WholeDays(deadline.Sub(now))))
	}
	return sym + " " + statusWords[st]
}

// sortMode is the order of the inventory.
type sortMode int

const (
	byDeadline sortMode = iota // what needs action first
	byPath
	byOwner
	sortModes // how many there are
)

func (s sortMode) String() string { return [...]string{"deadline", "path", "owner"}[s] }

// urgency orders statuses for the deadline sort: what needs action first.
var urgency = map[inventory.Status]int{
	inventory.StatusExposed: 0, inventory.StatusOverdue: 1, inventory.StatusDue: 2, inventory.StatusRotating: 3,
	inventory.StatusOK: 4, inventory.StatusNoValue: 5, inventory.StatusNoPolicy: 6,
}

func sortRows(rows []row, mode sortMode) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := &rows[i], &rows[j]
		switch mode {
		case byOwner:
			if a.owner != b.owner {
				return a.owner < b.owner
			}
		case byDeadline:
			if urgency[a.status] != urgency[b.status] {
				return urgency[a.status] < urgency[b.status]
			}
			if a.hasDL && b.hasDL && !a.deadline.Equal(b.deadline) {
				return a.deadline.Before(b.deadline)
			}
		}
		return a.path < b.path
	})
}

// fieldSep separates the fields of a row's filter key; no field holds it.
const fieldSep = "\x00"

// matches reports whether each word of query is a fuzzy match (its
// characters in order, as in fzf) within one field of key: "dtplt" finds
// the owner data-platform but not a path that happens to hold a d, a t and
// a p somewhere. query is lower case.
func matches(key, query string) bool {
	for _, word := range strings.Fields(query) {
		if !inOneField(key, word) {
			return false
		}
	}
	return true
}

// inOneField reports whether word is a subsequence of one NUL-separated
// field of key. It walks key once: a field boundary restarts the match.
func inOneField(key, word string) bool {
	j := 0
	for i := 0; i < len(key); i++ {
		switch key[i] {
		case word[j]:
			j++
			if j == len(word) {
				return true
			}
		case 0:
			j = 0
		}
	}
	return false
}
