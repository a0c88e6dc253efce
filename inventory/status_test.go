package inventory_test

import (
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

func TestDeadline(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	every90, _ := inventory.ParseEvery("90d")
	withCurrent := func(every inventory.Every) *inventory.Secret {
		return &inventory.Secret{Path: "prod/x", Owner: "o", Rotation: inventory.Rotation{Every: every}, Versions: []inventory.Version{
			{Number: 2, State: inventory.Pending, Created: created.Add(48 * time.Hour), Value: armored},
			{Number: 1, State: inventory.Current, Created: created, Value: armored},
		}}
	}

	d, ok := inventory.Deadline(withCurrent(every90))
	if want := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC); !ok || !d.Equal(want) {
		t.Errorf("Deadline = %v, %v; want %v (current's creation + 90d, not the pending one's)", d, ok, want)
	}
	if d, ok := inventory.Deadline(withCurrent(inventory.Every{})); ok || !d.IsZero() {
		t.Errorf("Deadline without a policy = %v, %v; want none", d, ok)
	}
	noCurrent := withCurrent(every90)
	noCurrent.Versions = noCurrent.Versions[:1]
	if d, ok := inventory.Deadline(noCurrent); ok || !d.IsZero() {
		t.Errorf("Deadline without a current version = %v, %v; want none", d, ok)
	}
}

func TestStatusAt(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	deadline := created.Add(90 * 24 * time.Hour) // 2026-04-01
	every90, _ := inventory.ParseEvery("90d")
	const day = 24 * time.Hour

	type secretOpt func(*inventory.Secret)
	build := func(opts ...secretOpt) *inventory.Secret {
		s := &inventory.Secret{Path: "prod/db/password", Owner: "o", Rotation: inventory.Rotation{Every: every90}, Versions: []inventory.Version{
			{Number: 2, State: inventory.Current, Created: created, Value: armored},
			{Number: 1, State: inventory.Previous, Created: created.Add(-90 * day), Value: armored},
		}}
		for _, o := range opts {
			o(s)
		}
		return s
	}
	noPolicy := func(s *inventory.Secret) { s.Rotation.Every = inventory.Every{} }
	pending := func(s *inventory.Secret) {
		s.Versions = append([]inventory.Version{{Number: 3, State: inventory.Pending, Created: deadline, Value: armored}}, s.Versions...)
	}
	noVersions := func(s *inventory.Secret) { s.Versions = nil }
	exposedAt := func(at time.Time) secretOpt {
		return func(s *inventory.Secret) {
			s.Exposures = append(s.Exposures, inventory.Exposure{Member: "bob", At: at})
		}
	}

	tests := []struct {
		name    string
		secret  *inventory.Secret
		now     time.Time
		warning time.Duration
		want    inventory.Status
	}{
		{"ok right after creation", build(), created, inventory.DefaultWarning, inventory.StatusOK},
		{"ok well before the window", build(), deadline.Add(-30 * day), inventory.DefaultWarning, inventory.StatusOK},
		{"ok just before the window", build(), deadline.Add(-14*day - time.Second), inventory.DefaultWarning, inventory.StatusOK},
		{"due just inside the window", build(), deadline.Add(-14*day + time.Second), inventory.DefaultWarning, inventory.StatusDue},
		{"due a day before", build(), deadline.Add(-day), inventory.DefaultWarning, inventory.StatusDue},
		{"due a second before", build(), deadline.Add(-time.Second), inventory.DefaultWarning, inventory.StatusDue},
		{"overdue at the deadline", build(), deadline, inventory.DefaultWarning, inventory.StatusOverdue},
		{"overdue after", build(), deadline.Add(365 * day), inventory.DefaultWarning, inventory.StatusOverdue},
		{"no warning window: ok until the deadline", build(), deadline.Add(-time.Second), 0, inventory.StatusOK},
		{"wider window", build(), deadline.Add(-20 * day), 30 * day, inventory.StatusDue},
		{"no policy", build(noPolicy), deadline.Add(365 * day), inventory.DefaultWarning, inventory.StatusNoPolicy},
		{"no value", build(noVersions), created, inventory.DefaultWarning, inventory.StatusNoValue},
		{"only retired versions", build(func(s *inventory.Secret) {
			s.Versions = []inventory.Version{{Number: 1, State: inventory.Retired, Created: created}}
		}), created, inventory.DefaultWarning, inventory.StatusNoValue},
		{"rotating", build(pending), created.Add(day), inventory.DefaultWarning, inventory.StatusRotating},
		{"rotating beats overdue", build(pending), deadline.Add(day), inventory.DefaultWarning, inventory.StatusRotating},
		{"rotating beats exposed", build(pending, exposedAt(created.Add(day))), created.Add(2 * day), inventory.DefaultWarning, inventory.StatusRotating},
		{"rotating a first value", build(noVersions, pending), created, inventory.DefaultWarning, inventory.StatusRotating},
		{"exposed after creation", build(exposedAt(created.Add(day))), created.Add(2 * day), inventory.DefaultWarning, inventory.StatusExposed},
		{"exposed in the same second as creation", build(exposedAt(created)), created, inventory.DefaultWarning, inventory.StatusExposed},
		{"exposed beats no policy", build(noPolicy, exposedAt(created.Add(day))), created.Add(2 * day), inventory.DefaultWarning, inventory.StatusExposed},
		{"exposed beats overdue", build(exposedAt(created.Add(day))), deadline.Add(day), inventory.DefaultWarning, inventory.StatusExposed},
		{"exposure before the current value is healed", build(exposedAt(created.Add(-time.Second))), created.Add(day), inventory.DefaultWarning, inventory.StatusOK},
		{"exposure of a secret with no value", build(noVersions, exposedAt(created)), created, inventory.DefaultWarning, inventory.StatusNoValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := inventory.StatusAt(tt.secret, tt.now, tt.warning); got != tt.want {
				t.Errorf("StatusAt(%s) = %s, want %s", tt.now.Format(time.RFC3339), got, tt.want)
			}
		})
	}
}

func TestStatusAtAfterRotation(t *testing.T) {
	t.Parallel()
	// The life of a secret: set, grow old, rotate, member removed, rotate.
	every, _ := inventory.ParseEvery("30d")
	s := &inventory.Secret{Path: "prod/api/token", Owner: "o", Rotation: inventory.Rotation{Every: every}}
	t1 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	steps := []struct {
		do   func()
		now  time.Time
		want inventory.Status
	}{
		{func() {}, t1, inventory.StatusNoValue},
		{func() { s.AddCurrent(armored, "a", t1) }, t1, inventory.StatusOK},
		{func() {}, t1.AddDate(0, 0, 20), inventory.StatusDue},
		{func() {}, t1.AddDate(0, 0, 31), inventory.StatusOverdue},
		{func() { s.AddCurrent(armored, "a", t1.AddDate(0, 0, 31)) }, t1.AddDate(0, 0, 31), inventory.StatusOK},
		{func() { s.Exposures = append(s.Exposures, inventory.Exposure{Member: "bob", At: t1.AddDate(0, 0, 32)}) }, t1.AddDate(0, 0, 32), inventory.StatusExposed},
		{func() { s.AddCurrent(armored, "a", t1.AddDate(0, 0, 33)) }, t1.AddDate(0, 0, 33), inventory.StatusOK},
	}
	for i, st := range steps {
		st.do()
		if got := inventory.StatusAt(s, st.now, inventory.DefaultWarning); got != st.want {
			t.Fatalf("step %d: StatusAt = %s, want %s", i, got, st.want)
		}
	}
}
