package tui

import (
	tea "github.com/charmbracelet/bubbletea"
)

// updateMouse gives a mouse event to the top screen only, as a key goes
// (a click must not act on a screen hidden below), with Y counted from
// the top of the screen's body, under the header. The help and a
// terminal too small take none.
func (m *Model) updateMouse(msg tea.MouseMsg) tea.Cmd {
	if m.width < minWidth || m.height < minHeight {
		return nil
	}
	if m.showHelp {
		m.wheelHelp(msg)
		return nil
	}
	msg.Y-- // the header's line
	if msg.Y < 0 || msg.Y >= m.bodyHeight() {
		return nil
	}
	return m.top().Update(msg)
}

// wheelHelp scrolls the help with the mouse wheel.
func (m *Model) wheelHelp(msg tea.MouseMsg) {
	if msg.Action != tea.MouseActionPress {
		return
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		m.helpTop -= wheelRows
	case tea.MouseButtonWheelDown:
		m.helpTop += wheelRows
	}
}

// wheelRows is how far one notch of the wheel scrolls a list.
const wheelRows = 3

// The inventory's lines above its rows: the tabs, the filter, the column
// titles.
const (
	tabsLine    = 0
	rowsFromTop = 3
)

// updateMouse scrolls the list with the wheel; a click selects a row or
// an environment's tab, and a click on the selected row opens it.
func (s *inventoryScreen) updateMouse(msg tea.MouseMsg) tea.Cmd {
	if msg.Action != tea.MouseActionPress {
		return nil
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		s.scroll(-wheelRows)
	case tea.MouseButtonWheelDown:
		s.scroll(wheelRows)
	case tea.MouseButtonLeft:
		return s.click(msg.X, msg.Y)
	}
	return nil
}

// scroll moves the rows on screen by n, the cursor staying on screen.
func (s *inventoryScreen) scroll(n int) {
	visible := s.listHeight()
	s.offset = max(0, min(s.offset+n, len(s.shown)-visible))
	s.cursor = max(s.offset, min(s.cursor, s.offset+visible-1))
	s.clampCursor()
}

func (s *inventoryScreen) click(x, y int) tea.Cmd {
	if y == tabsLine {
		if tab, ok := s.tabAt(x); ok {
			s.setEnv(tab)
		}
		return nil
	}
	i := s.offset + y - rowsFromTop
	if y < rowsFromTop || y-rowsFromTop >= s.listHeight() || i >= len(s.shown) {
		return nil
	}
	s.filter.Blur() // the filter stays, as Enter leaves it
	if i == s.cursor {
		return openDetail(s.d, s.selectedPath(), nil, nil)
	}
	s.cursor = i
	s.clampCursor()
	return nil
}

// tabAt is the environment tab at column x, as tabsView lays them out:
// each label with a cell either side, one space between.
func (s *inventoryScreen) tabAt(x int) (int, bool) {
	left := 0
	for i := range s.envs {
		right := left + len(s.tabLabel(i)) + 2
		if x >= left && x < right {
			return i, true
		}
		left = right + 1
	}
	return 0, false
}
