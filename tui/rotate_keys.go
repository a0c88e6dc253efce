package tui

import "github.com/charmbracelet/bubbles/key"

// rotateKeys are the keys of the rotation wizard.
type rotateKeys struct {
	Start, Yes, No, Rollback, Interrupt, Next, Back key.Binding
}

func defaultRotateKeys() rotateKeys {
	return rotateKeys{
		Start:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "start / resume")),
		Yes:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes, done")),
		No:        key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "not yet (stop here)")),
		Rollback:  key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "roll back")),
		Interrupt: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "interrupt")),
		Next:      key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "next due secret")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}

// ShortHelp shows the keys that do something in the wizard's phase.
func (k rotateKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Start, k.Yes, k.No, k.Rollback, k.Interrupt, k.Next, k.Back}
}

func (k rotateKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Start, described(k.Yes, "answer yes to a confirm step"), described(k.No, "answer no: the rotation waits, to resume later")},
		{described(k.Rollback, "roll back: run the rollback steps, discard the new value"), described(k.Interrupt, "interrupt the running step"), k.Next, k.Back},
	}
}
