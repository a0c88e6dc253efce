package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// TestHelpFitsSmallTerminals: at 80×24 and at the 60×12 minimum the help
// is shown a screenful at a time, says how to scroll, and scrolling
// reaches its last line.
func TestHelpFitsSmallTerminals(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"60x12", 60, 12}} {
		t.Run(size.name, func(t *testing.T) {
			h := newHarness(t, size.w, size.h)
			h.keys("?")
			view := h.m.View()
			if lines := strings.Count(view, "\n") + 1; lines > size.h {
				t.Fatalf("the help is %d lines on a %d-line terminal", lines, size.h)
			}
			if !strings.Contains(view, "↑/↓ scroll the help") || strings.Contains(view, "esc closes this help") {
				t.Fatalf("the help does not say how to see the rest:\n%s", view)
			}
			golden.RequireEqual(t, []byte(view))
			h.keys("G")
			if view := h.m.View(); !strings.Contains(view, "? or esc closes this help") {
				t.Fatalf("G does not reach the end of the help:\n%s", view)
			}
			h.keys("g", "j")
			if view := h.m.View(); !strings.Contains(view, "lines 2–") {
				t.Fatalf("j does not scroll the help:\n%s", view)
			}
			h.keys("esc")
			if strings.Contains(h.m.View(), "scroll the help") {
				t.Fatal("esc does not close the help")
			}
		})
	}
}
