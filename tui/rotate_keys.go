package tui

import "github.com/charmbracelet/bubbles/key"

// rotateKeys are the keys of the rotation wizard.
type rotateKeys struct {
	Start, Yes, No, Rollback, Interrupt, Next, Back key.Binding
	Up, Down, PageUp, PageDown                      key.Binding
}

func defaultRotateKeys() rotateKeys {
	return rotateKeys{
		Start:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "start / resume")),
		Yes:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes, done")),
		No:        key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "not yet (stop here)")),
		Rollback:  key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "roll back…")),
		Interrupt: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "interrupt")),
		Next:      key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "next due secret")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll the output up")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll the output down")),
		PageUp:    key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "output page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "output page down")),
	}
}

// ShortHelp shows the keys that do something in the wizard's phase.
func (k rotateKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Start, k.Yes, k.No, k.Rollback, k.Interrupt, k.Next, k.Back}
}

func (k rotateKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Start, described(k.Yes, "answer yes to a confirm step"), described(k.No, "answer no: the rotation waits, to resume later")},
		{described(k.Rollback, "roll back (asks first): run the rollback steps, discard the new value"), described(k.Interrupt, "interrupt the running step"), k.Next, k.Back},
		{k.Up, k.Down, k.PageUp, k.PageDown},
	}
}
