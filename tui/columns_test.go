package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/mattn/go-runewidth"
)

// TestColumnsDropInOrder: as the terminal narrows the age goes first, then
// the deadline's date, then the version, then the owner; the path and the
// status stay.
func TestColumnsDropInOrder(t *testing.T) {
	for _, tt := range []struct {
		width int
		want  columns
	}{
		{140, columns{owner: true, version: true, age: true, deadline: true}},
		{80, columns{owner: true, version: true, deadline: true}},
		{70, columns{owner: true, version: true}},
		{64, columns{owner: true}},
		{60, columns{}},
	} {
		got := layoutColumns(tt.width)
		got.pathW = 0
		if got != tt.want {
			t.Errorf("at %d columns: %+v, want %+v", tt.width, got, tt.want)
		}
		if c := layoutColumns(tt.width); c.pathW+c.fixed() > tt.width {
			t.Errorf("at %d columns the row is %d wide", tt.width, c.pathW+c.fixed())
		}
	}
}

// TestLongPathsAreCutInTheMiddle: a path too long for its column keeps its
// environment and its name, never wrapped.
func TestLongPathsAreCutInTheMiddle(t *testing.T) {
	const path = "prod/postgres/replication/primary-password"
	for _, tt := range []struct {
		w    int
		want string
	}{
		{60, path},
		{36, "prod/…/replication/primary-password"},
		{30, "prod/…/primary-password"},
		{20, "…ry-password"[0:0] + "…" + path[len(path)-19:]},
	} {
		got, _ := cutPath(path, tt.w, nil)
		if got != tt.want || runewidth.StringWidth(got) > tt.w {
			t.Errorf("cutPath(%d) = %q, want %q", tt.w, got, tt.want)
		}
	}
	marks := matchMarks(path, []string{"prod", "password"})
	shown, kept := cutPath(path, 30, marks)
	if len(kept) != len(shown) || !kept[0] || !kept[len(kept)-1] {
		t.Errorf("the marks did not follow the cut: %q %v", shown, kept)
	}
}

// TestInventoryFitsSmallTerminals: the inventory at 80×24 and at the 60×12
// minimum: every line within the width (nothing wraps), the counts in the
// header.
func TestInventoryFitsSmallTerminals(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"60x12", 60, 12}} {
		t.Run(size.name, func(t *testing.T) {
			h := newHarness(t, size.w, size.h)
			view := h.m.View()
			lines := strings.Split(view, "\n")
			if len(lines) > size.h {
				t.Fatalf("%d lines on a %d-line terminal", len(lines), size.h)
			}
			for _, line := range lines {
				if w := runewidth.StringWidth(line); w > size.w {
					t.Fatalf("a line is %d wide: %q", w, line)
				}
			}
			if !strings.Contains(lines[0], "✖ 1 overdue") || !strings.Contains(view, "STATUS") {
				t.Fatalf("the inventory lost its counts or its status column:\n%s", view)
			}
			golden.RequireEqual(t, []byte(view))
		})
	}
}
