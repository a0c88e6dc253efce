package tui

import "github.com/charmbracelet/bubbles/key"

// detailKeys are the keys of a secret's detail screen.
type detailKeys struct {
	Back, Reveal, Copy, Edit, SetValue, Rotate, Up, Down key.Binding
}

func defaultDetailKeys() detailKeys {
	return detailKeys{
		Back:     key.NewBinding(key.WithKeys("esc", "backspace", "left", "h"), key.WithHelp("esc", "back")),
		Reveal:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reveal")),
		Copy:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy")),
		Edit:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		SetValue: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "new value")),
		Rotate:   key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "rotate")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
	}
}

func (k detailKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Back, k.Reveal, k.Copy, k.Edit, k.SetValue, k.Rotate}
}

func (k detailKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Back, k.Up, k.Down}, {
		described(k.Reveal, "reveal or hide the value (hides itself after 30s)"),
		described(k.Copy, "copy the value (the clipboard is cleared after 45s)"),
		described(k.Edit, "edit owner, description, tags, policy, runbook"),
		described(k.SetValue, "set a new value (typed or generated)"),
		described(k.Rotate, "rotate with the runbook, step by step; resume or roll back"),
	}}
}
