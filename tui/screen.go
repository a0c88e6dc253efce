package tui

import (
	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
)

// screen is one page of the workbench: the inventory, a secret, a form,
// the rotation wizard. The root keeps them in a stack and shows the top
// one; a screen opens another by returning push, and closes with pop.
//
// Key messages go to the top screen only. Every other message (what a
// command reports) goes to every screen in the stack, and each ignores
// what is not its own, so that the answer to a command lands even when
// the screen that issued it is no longer on top.
type screen interface {
	// Init is the first command of a screen, run when it is pushed.
	Init() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	// Keys are the screen's keys, for the footer and the help.
	Keys() help.KeyMap
	// Typing reports whether printable keys are text for an input, so
	// that ? and q are typed rather than acted on.
	Typing() bool
	// Title names the screen in the help.
	Title() string
}

// quitGuard is a screen that quitting would interrupt in the middle of
// something (a rotation step); stillRunning says what, or "".
type quitGuard interface {
	stillRunning() string
}

// quitAdvisor is a quitGuard that says what to do instead of quitting, when
// x (which interrupts a rotation step) is not it.
type quitAdvisor interface {
	quitAdvice() string
}

// Messages from the screens to the root.
type (
	// pushMsg opens s on top of the others, or, if onto is set, on top of
	// onto in place of what is above it; then runs after s's Init.
	pushMsg struct {
		s    screen
		onto screen
		then tea.Cmd
	}
	// popMsg closes s, wherever it is in the stack (a screen closes
	// itself with it).
	popMsg struct{ s screen }
	// flashMsg is an outcome or an error for the footer; it ends what was
	// busy.
	flashMsg struct {
		text string
		err  bool
	}
)

func push(s screen) tea.Cmd     { return func() tea.Msg { return pushMsg{s: s} } }
func pop(s screen) tea.Cmd      { return func() tea.Msg { return popMsg{s} } }
func flash(text string) tea.Cmd { return func() tea.Msg { return flashMsg{text: text} } }
func flashError(err error) tea.Cmd {
	return func() tea.Msg { return flashMsg{text: workbenchWords(err), err: true} }
}
