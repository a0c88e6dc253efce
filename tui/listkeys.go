package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// listKeys move the cursor of a list: the inventory, the audit timeline,
// the owners. One set, so that every list moves alike.
type listKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

// defaultListKeys names the ends of the list: "first" and "last", or
// "newest" and "oldest" for a timeline.
func defaultListKeys(first, last string) listKeys {
	return listKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", first)),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", last)),
	}
}

// step is how far km moves the cursor of a list of n rows that shows page
// of them at once; ok is false for a key that does not move it.
func (k listKeys) step(km tea.KeyMsg, page, n int) (delta int, ok bool) {
	switch {
	case key.Matches(km, k.Up):
		return -1, true
	case key.Matches(km, k.Down):
		return 1, true
	case key.Matches(km, k.PageUp):
		return -page, true
	case key.Matches(km, k.PageDown):
		return page, true
	case key.Matches(km, k.Top):
		return -n, true
	case key.Matches(km, k.Bottom):
		return n, true
	}
	return 0, false
}
