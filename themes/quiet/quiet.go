// Package quiet keeps lipgloss from asking the terminal for its background
// colour. Import it, for its side effect only, in every program that links
// bubbletea.
//
// bubbletea v1 calls lipgloss.HasDarkBackground in its package init
// (tea_init.go, upstream bubbletea#1771). On a terminal, termenv then writes
// OSC 11 and a cursor-position query, and reads stdin until they are
// answered or 5 s pass: every command, even --version, stalls on a terminal
// that does not answer (a bare pty, script, a pre-commit runner) and the
// keys typed meanwhile are eaten. Declaring the background here, before
// that init runs, makes the call a plain read. The workbench learns the
// real background itself, once, before bubbletea takes the terminal.
//
// Why this init runs first: Go initialises packages in import-path order
// among those whose imports are ready (the Go spec, "Package
// initialization", since Go 1.21). This package imports only lipgloss, which
// bubbletea imports too, and "github.com/cabinethq/..." sorts before
// "github.com/charmbracelet/bubbletea". Keep both true: the end-to-end test
// of `cabinet --version` under script(1) fails if either breaks.
package quiet

import "github.com/charmbracelet/lipgloss"

func init() {
	// Dark is the default theme's background; the workbench replaces this
	// guess with the terminal's answer.
	lipgloss.SetHasDarkBackground(true)
}
