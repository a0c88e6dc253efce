package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/cabinethq/cabinet/themes"
)

// confirmScreen asks a y/N question before something that cannot be
// undone (a rollback, a delete, dropping what a form holds). It is pushed
// over the screen that asks, which stays visible above the question; y
// closes it and runs yes, anything that means no closes it and does
// nothing.
type confirmScreen struct {
	styles   *themes.Styles
	keys     confirmKeys
	under    screen // the screen that asked, drawn above the question
	question string
	yes      tea.Cmd
	width    int
	height   int
}

type confirmKeys struct{ Yes, No key.Binding }

func defaultConfirmKeys() confirmKeys {
	return confirmKeys{
		Yes: key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:  key.NewBinding(key.WithKeys("n", "N", "esc", "enter"), key.WithHelp("n/esc", "no")),
	}
}

func (k confirmKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Yes, k.No} }
func (k confirmKeys) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Yes, k.No}} }

// confirm opens the question over under; yes runs once the user says y.
func confirm(d *deps, under screen, question string, yes tea.Cmd) tea.Cmd {
	return push(&confirmScreen{styles: d.styles, keys: defaultConfirmKeys(), under: under, question: question, yes: yes})
}

func (c *confirmScreen) Init() tea.Cmd     { return nil }
func (c *confirmScreen) Keys() help.KeyMap { return c.keys }
func (c *confirmScreen) Typing() bool      { return false }
func (c *confirmScreen) Title() string     { return "confirm" }

func (c *confirmScreen) SetSize(w, h int) { c.width, c.height = w, h }

// Update answers on y or n; other keys are ignored, so that a stray key
// neither confirms nor silently cancels.
func (c *confirmScreen) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	switch {
	case !ok:
		return nil
	case key.Matches(km, c.keys.Yes):
		return tea.Batch(pop(c), c.yes)
	case key.Matches(km, c.keys.No):
		return pop(c)
	}
	return nil
}

// View is the asking screen, cut to leave room for the question at the
// bottom.
func (c *confirmScreen) View() string {
	question := wrapText(c.styles.Revealed.Render("? "+c.question)+c.styles.Muted.Render("  y/N"), c.width)
	lines := strings.Split(c.under.View(), "\n")
	room := max(0, c.height-1-lipgloss.Height(question))
	if len(lines) > room {
		lines = lines[:room]
	}
	for len(lines) < room {
		lines = append(lines, "")
	}
	return strings.Join(append(lines, "", question), "\n")
}
