package tui

import "github.com/charmbracelet/bubbles/key"

// inventoryKeys are the keys of the inventory screen.
type inventoryKeys struct {
	listKeys
	Open, Filter, ClearFilter, Sort    key.Binding
	Reverse, Reload                    key.Binding
	NextEnv, PrevEnv, New, Rotate, Due key.Binding
	Conflicts, Exposed, Sync           key.Binding
	Audit, Owners                      key.Binding
}

func defaultInventoryKeys() inventoryKeys {
	return inventoryKeys{
		listKeys:    defaultListKeys("first", "last"),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Sort:        key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort")),
		Reverse:     key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "reverse the sort")),
		Reload:      key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "reload")),
		NextEnv:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "environment")),
		PrevEnv:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous environment")),
		New:         key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new")),
		Rotate:      key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "rotate")),
		Due:         key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "due")),
		Conflicts:   key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "conflicts")),
		Exposed:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "exposed")),
		Audit:       key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "audit")),
		Owners:      key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "owners")),
		// Enabled once the store shows itself a Git store.
		Sync: key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "sync"), key.WithDisabled()),
	}
}

// ShortHelp is the footer: the most useful keys.
func (k inventoryKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Open, k.Filter, k.Sort, k.NextEnv, k.New, k.Rotate, k.Due, k.Sync}
}

// FullHelp is every key, in columns, for the help screen.
func (k inventoryKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Open, k.Filter, k.ClearFilter, described(k.Sort, "sort by deadline, path or owner"), k.Reverse, described(k.Reload, "read the store again now"),
			described(k.NextEnv, "next environment"), k.PrevEnv, described(k.New, "new secret"),
			described(k.Rotate, "rotate the secret (its runbook, step by step)"), described(k.Due, "due view: what needs rotating, in order"),
			described(k.Conflicts, "conflicts view: what two clones changed at once"),
			described(k.Exposed, "exposed view: what a member who lost access could read"),
			described(k.Audit, "audit: who read and changed what, and when"),
			described(k.Owners, "owners view: what each owner has overdue, due, exposed"),
			described(k.Sync, "sync a Git store: fetch, merge, push")},
	}
}
