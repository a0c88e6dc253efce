package inventory

import (
	"fmt"
	"math"
	"time"
)

// Explain says in words where a secret stands at now, e.g. "rotated 97
// days ago, policy 90d: 7 days overdue (deadline 2026-11-16)".
func Explain(sec *Secret, now time.Time, warning time.Duration) string {
	cur := sec.CurrentVersion()
	if cur == nil {
		return "no value yet"
	}
	age := WholeDays(now.Sub(cur.Created))
	if sec.Rotation.Every.IsZero() {
		return fmt.Sprintf("set %s, no rotation policy", daysAgo(age))
	}
	deadline, _ := Deadline(sec)
	left := WholeDays(deadline.Sub(now))
	head := fmt.Sprintf("rotated %s, policy %s", daysAgo(age), sec.Rotation.Every)
	switch StatusAt(sec, now, warning) {
	case StatusOverdue:
		return fmt.Sprintf("%s: %s overdue (deadline %s)", head, plural(-left, "day"), deadline.Format(time.DateOnly))
	case StatusDue:
		return fmt.Sprintf("%s: due in %s (deadline %s)", head, plural(left, "day"), deadline.Format(time.DateOnly))
	}
	return fmt.Sprintf("%s: next rotation by %s (in %s)", head, deadline.Format(time.DateOnly), plural(left, "day"))
}

// WholeDays rounds to the nearest day, so that a 30-day policy set a minute
// ago reads "in 30 days".
func WholeDays(d time.Duration) int {
	return int(math.Round(d.Hours() / 24))
}

func daysAgo(n int) string {
	if n <= 0 {
		return "today"
	}
	return plural(n, "day") + " ago"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
