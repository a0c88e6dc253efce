package inventory_test

import (
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

func TestExplain(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	sec := func(every string, ageDays int) *inventory.Secret {
		e, err := inventory.ParseEvery(every)
		if err != nil {
			t.Fatal(err)
		}
		s := &inventory.Secret{Path: "prod/db/password", Owner: "o", Rotation: inventory.Rotation{Every: e}}
		if ageDays >= 0 {
			s.AddCurrent("x", "alice", now.AddDate(0, 0, -ageDays))
		}
		return s
	}
	for _, c := range []struct {
		every string
		age   int
		want  string
	}{
		{"90d", 97, "rotated 97 days ago, policy 90d: 7 days overdue (deadline 2026-11-16)"},
		{"90d", 85, "rotated 85 days ago, policy 90d: due in 5 days (deadline 2026-11-28)"},
		{"90d", 1, "rotated 1 day ago, policy 90d: next rotation by 2027-02-20 (in 89 days)"},
		{"30d", 0, "rotated today, policy 30d: next rotation by 2026-12-23 (in 30 days)"},
		{"", 12, "set 12 days ago, no rotation policy"},
		{"90d", -1, "no value yet"},
	} {
		if got := inventory.Explain(sec(c.every, c.age), now, inventory.DefaultWarning); got != c.want {
			t.Errorf("Explain(%s, %dd) = %q, want %q", c.every, c.age, got, c.want)
		}
	}
}
