package tui

import "github.com/charmbracelet/bubbles/key"

// auditKeys are the keys of the audit screen.
type auditKeys struct {
	listKeys
	Open, Back, Clear, Reload          key.Binding
	Path, Member, Action, Since, Until key.Binding
	// While a filter is typed: the footer says these.
	Keep, Cancel, Complete key.Binding
	typing                 bool
}

func defaultAuditKeys() auditKeys {
	return auditKeys{
		listKeys: defaultListKeys("newest", "oldest"),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		// Enabled while a filter is set: esc clears the filters first, as
		// it clears the inventory's, and goes back the next time.
		Clear:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear"), key.WithDisabled()),
		Reload: key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "reload")),
		Path:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "path")),
		Member: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "member")),
		Action: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "action")),
		Since:  key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "since")),
		Until:  key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "until")),
		Keep:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		// Enabled for the member and action filters, which have names to
		// complete.
		Complete: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete"), key.WithDisabled()),
	}
}

// ShortHelp is the footer: leaving, opening, and the filters; while a
// filter is typed, how to keep it or leave it as it was.
func (k auditKeys) ShortHelp() []key.Binding {
	if k.typing {
		return []key.Binding{k.Keep, k.Cancel, k.Complete}
	}
	return []key.Binding{k.Clear, k.Back, k.Open, k.Path, k.Member, k.Action, k.Since}
}

// FullHelp is every key, in columns, for the help screen.
func (k auditKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{described(k.Open, "open the event's secret"), described(k.Back, "back to the inventory"), described(k.Clear, "clear the filters (then esc goes back)"),
			described(k.Reload, "read the logs again now")},
		{described(k.Path, "filter by a secret or a folder (prod/db)"),
			described(k.Member, "filter by member (tab completes)"),
			described(k.Action, "filter by action: read, set…, rotate, access (tab completes)"),
			described(k.Since, "since an age (30d, 12h, 2w) or a date (2026-03-01)"),
			described(k.Until, "until an age or a date (that day included)")},
	}
}
