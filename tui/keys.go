package tui

import "github.com/charmbracelet/bubbles/key"

// globalKeys work on every screen.
type globalKeys struct {
	Help, Quit, ForceQuit key.Binding
}

func defaultGlobalKeys() globalKeys {
	return globalKeys{
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit now")),
	}
}

// described is b with a longer description, for the help screen, where
// there is room for one.
func described(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}
