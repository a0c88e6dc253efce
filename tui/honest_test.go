package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// TestStatusSaysToday: a deadline that falls today reads "overdue today"
// or "due today", never "overdue 0d".
func TestStatusSaysToday(t *testing.T) {
	now := time.Date(2026, 11, 29, 15, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		st       inventory.Status
		deadline time.Time
		want     string
	}{
		{inventory.StatusOverdue, now.Add(-2 * time.Hour), "✖ overdue today"},
		{inventory.StatusOverdue, now.Add(-49 * time.Hour), "✖ overdue 2d"},
		{inventory.StatusDue, now.Add(2 * time.Hour), "▲ due today"},
		{inventory.StatusDue, now.Add(73 * time.Hour), "▲ due in 3d"},
	} {
		if got := statusText(tt.st, tt.deadline, now); got != tt.want {
			t.Errorf("statusText(%s, %v) = %q, want %q", tt.st, tt.deadline.Sub(now), got, tt.want)
		}
	}
}

// TestInventoryCountsInWords: "1 secret", not "1 secrets"; and no command
// line in the workbench's hints.
func TestInventoryCountsInWords(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("tab", "tab") // stg: one secret
	if view := h.m.View(); !strings.Contains(view, "1 secret · / to filter") {
		t.Fatalf("the count is not in words:\n%s", view)
	}
	s := h.m.inv
	s.all, s.shown = nil, nil
	if view := s.tableView(); strings.Contains(view, "cabinet ") || !strings.Contains(view, "Press n") {
		t.Fatalf("the empty inventory's hint: %q", view)
	}
}
