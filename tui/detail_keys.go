package tui

import "github.com/charmbracelet/bubbles/key"

// detailKeys are the keys of a secret's detail screen.
type detailKeys struct {
	Back, Reveal, Copy, CopyPath, Edit, SetValue, Rotate, Approve, Runbook, Delete, Up, Down key.Binding
	Settle, Events                                                                           key.Binding
}

func defaultDetailKeys() detailKeys {
	return detailKeys{
		Back:     key.NewBinding(key.WithKeys("esc", "backspace", "left", "h"), key.WithHelp("esc", "back")),
		Reveal:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reveal")),
		Copy:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy")),
		CopyPath: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy path")),
		Edit:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		SetValue: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "new value")),
		Rotate:   key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "rotate")),
		Approve:  key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "approve")),
		Runbook:  key.NewBinding(key.WithKeys("E"), key.WithHelp("E", "edit runbook")),
		Delete:   key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "delete")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		Events:   key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "all events")),
		// Enabled while the secret is in conflict.
		Settle: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "settle the conflict"), key.WithDisabled()),
	}
}

// ShortHelp puts the approval first when a rotation waits for one: it is
// what the user came for.
func (k detailKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Back, k.Settle, k.Approve, k.Reveal, k.Copy, k.Edit, k.SetValue, k.Rotate}
}

func (k detailKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{
		k.Back, k.Up, k.Down, described(k.CopyPath, "copy the secret's path"),
		described(k.Events, "all of the secret's events, or the recent ones"),
	}, {
		described(k.Reveal, "reveal or hide the value (hides itself after 30s)"),
		described(k.Copy, "copy the value (cleared from the clipboard after 45s where cabinet can)"),
		described(k.Edit, "edit owner, description, tags, policy, runbook"),
		described(k.SetValue, "set a new value at once (no runbook step runs)"),
	}, {
		described(k.Rotate, "rotate with the runbook, step by step; resume or roll back"),
		described(k.Approve, "approve the rotation that waits for your approval"),
		described(k.Runbook, "open the secret's runbook in $EDITOR"),
		described(k.Delete, "delete the secret and all its versions (asks first)"),
		described(k.Settle, "settle a conflict a merge left: the values side by side, keep one"),
	}}
}
