package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// click presses the left button at x, y of the terminal (the header is
// line 0).
func (h *harness) click(x, y int) {
	h.t.Helper()
	h.send(tea.MouseMsg{X: x, Y: y, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft})
	h.send(tea.MouseMsg{X: x, Y: y, Action: tea.MouseActionRelease, Button: tea.MouseButtonNone})
}

func (h *harness) wheel(button tea.MouseButton) {
	h.t.Helper()
	h.send(tea.MouseMsg{X: 10, Y: 10, Action: tea.MouseActionPress, Button: button})
}

// The terminal's line of the inventory's i-th row on screen: under the
// header, the tabs, the filter and the column titles.
func rowLine(i int) int { return 1 + rowsFromTop + i }

// A click selects a row; a second click on it opens it.
func TestAClickSelectsARowAndASecondOpensIt(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.click(20, rowLine(2))
	if got := h.selectedPath(); got != "dev/api/token" {
		t.Fatalf("the click selected %s", got)
	}
	if h.detail() != nil {
		t.Fatal("the first click opened the secret")
	}
	h.click(20, rowLine(2))
	if h.detail() == nil || h.detail().sec.Path != "dev/api/token" {
		t.Fatal("the second click did not open the secret")
	}
	h.click(20, rowLine(0)) // on the detail: the inventory below takes no click
	if got := h.selectedPath(); got != "dev/api/token" {
		t.Fatalf("a click on the detail selected %s in the inventory below", got)
	}
}

// A click below the last row, or on the column titles, selects nothing.
func TestAClickOutsideTheRowsSelectsNothing(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.click(20, rowLine(-1))
	h.click(20, rowLine(7))
	if got := h.selectedPath(); got != "prod/db/password" || h.detail() != nil {
		t.Fatalf("selected %s", got)
	}
}

// A click on an environment's tab shows it.
func TestAClickSelectsATab(t *testing.T) {
	h := newHarness(t, 120, 30)
	// "[all 5]  dev 2   stg 1   prod 2": dev's tab is columns 8 to 14.
	h.click(10, 1)
	if got := h.shownPaths(); got != "dev/api/token dev/airflow/fernet" {
		t.Fatalf("the dev tab shows %s", got)
	}
	h.click(2, 1)
	if got := len(h.m.inv.shown); got != 5 {
		t.Fatalf("the all tab shows %d", got)
	}
}

// The wheel scrolls the list, the cursor staying on screen.
func TestTheWheelScrollsTheList(t *testing.T) {
	h := newHarness(t, 100, 12) // 7 rows on screen
	h.loadSecrets(syntheticSecrets(50)...)
	h.wheel(tea.MouseButtonWheelDown)
	if h.m.inv.offset != wheelRows || h.m.inv.cursor != wheelRows {
		t.Fatalf("offset %d, cursor %d after a notch down", h.m.inv.offset, h.m.inv.cursor)
	}
	h.wheel(tea.MouseButtonWheelUp)
	if h.m.inv.offset != 0 || h.m.inv.cursor != wheelRows {
		t.Fatalf("offset %d, cursor %d after a notch up", h.m.inv.offset, h.m.inv.cursor)
	}
	for range 30 {
		h.wheel(tea.MouseButtonWheelDown)
	}
	if h.m.inv.offset != 50-7 {
		t.Fatalf("offset %d at the end", h.m.inv.offset)
	}
}
