package tui

import "github.com/charmbracelet/bubbles/key"

// formKeys are the keys of a form. Every printable key is typed into the
// field, so the form has no single-letter keys (and ? and q are text).
type formKeys struct {
	Next, Prev, Left, Right, Save, Cancel key.Binding
}

func defaultFormKeys() formKeys {
	return formKeys{
		Next:   key.NewBinding(key.WithKeys("tab", "down", "enter"), key.WithHelp("enter/tab", "next field")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Left:   key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←", "previous choice")),
		Right:  key.NewBinding(key.WithKeys("right", "l", " "), key.WithHelp("→/space", "next choice")),
		Save:   key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

func (k formKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Next, k.Right, k.Save, k.Cancel}
}

func (k formKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Next, k.Prev}, {k.Left, k.Right}, {k.Save, k.Cancel}}
}
