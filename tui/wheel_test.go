package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func wheel(button tea.MouseButton, y int) tea.MouseMsg {
	return tea.MouseMsg{X: 10, Y: y, Action: tea.MouseActionPress, Button: button}
}

// TestTheWheelScrollsPanes: the mouse wheel scrolls what the keys scroll:
// the wizard's output, the help, and the secret's detail.
func TestTheWheelScrollsPanes(t *testing.T) {
	t.Run("wizard output", func(t *testing.T) {
		d := slowWizard(t, 60, 12)
		h, s := d.h, d.h.rotate()
		for i := range 30 {
			s.addOutput(fmt.Sprintf("line %d", i))
		}
		h.m.View() // the program draws after every message
		h.send(wheel(tea.MouseButtonWheelUp, 8))
		if view := h.m.View(); strings.Contains(view, "line 29") || !s.scrolledBack {
			t.Fatalf("the wheel did not scroll the output back:\n%s", view)
		}
		h.send(wheel(tea.MouseButtonWheelDown, 8))
		if !s.outView.AtBottom() {
			t.Fatal("the wheel did not scroll the output down again")
		}
		d.key("x")
		d.until("the interrupt", func() bool { return s.phase == phaseStopped })
	})
	t.Run("help", func(t *testing.T) {
		h := newHarness(t, 60, 12)
		h.keys("?")
		h.send(wheel(tea.MouseButtonWheelDown, 5))
		if view := h.m.View(); !strings.Contains(view, "lines 4–") {
			t.Fatalf("the wheel did not scroll the help:\n%s", view)
		}
	})
	t.Run("detail", func(t *testing.T) {
		h := newHarness(t, 60, 12)
		h.keys("enter")
		d := h.detail()
		before := d.view.YOffset
		h.send(wheel(tea.MouseButtonWheelDown, 5))
		if d.view.YOffset <= before {
			t.Fatalf("the wheel did not scroll the secret (offset %d):\n%s", d.view.YOffset, h.m.View())
		}
	})
}
