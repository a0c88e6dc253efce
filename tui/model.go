package tui

import (
	"errors"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/themes"
)

// Options is what the workbench needs; cli builds it.
type Options struct {
	Store Store
	// Name is how the header names the store.
	Name string
	// Identity finds the operator's identity; it may wait on the OS
	// keyring, so it is only ever called from a tea.Cmd.
	Identity  func() (*crypto.Identity, error)
	Now       func() time.Time
	Styles    themes.Styles
	Clipboard Clipboard
	// Environ is the environment rotation steps start from (os.Environ()).
	Environ []string
	// Typed holds the keys typed while cli asked the terminal for its
	// background; the workbench handles them first.
	Typed []byte
}

// The smallest terminal the layout fits in.
const (
	minWidth  = 60
	minHeight = 12
)

// Model is the root of the workbench: a stack of screens under a header
// and a footer. It handles the size, quitting, the help and the footer's
// messages, opens and closes screens, and forwards the rest: keys to the
// top screen, what commands report to every screen.
type Model struct {
	name     string
	typed    []byte
	deps     *deps
	keys     globalKeys
	help     help.Model
	spinner  spinner.Model
	inv      *inventoryScreen // the bottom of the stack, whose counts the header shows
	stack    []screen
	showHelp bool
	helpTop  int // the first line of the help shown, when it is taller than the screen
	width    int
	height   int
	flash    string // the last outcome or error, in the footer
	flashErr bool
}

// New builds the workbench on a store.
func New(opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return newModel(opts, clock{now: opts.Now, after: tea.Tick})
}

func newModel(opts Options, clk clock) *Model {
	styles := opts.Styles
	d := &deps{
		store:     opts.Store,
		who:       &operator{find: opts.Identity, store: opts.Store},
		clock:     clk,
		clipboard: &copies{Clipboard: opts.Clipboard},
		environ:   opts.Environ,
		styles:    &styles,
		busy:      &activity{},
	}
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(styles.Spinner))
	h := help.New()
	h.Styles.ShortKey, h.Styles.ShortDesc, h.Styles.ShortSeparator = styles.HelpKey, styles.HelpDesc, styles.Muted
	h.Styles.FullKey, h.Styles.FullDesc, h.Styles.FullSeparator = styles.HelpKey, styles.HelpDesc, styles.Muted
	h.Styles.Ellipsis = styles.Muted
	inv := newInventoryScreen(d)
	return &Model{name: opts.Name, typed: opts.Typed, deps: d, keys: defaultGlobalKeys(), help: h, spinner: sp, inv: inv, stack: []screen{inv}}
}

// Run starts the workbench full-screen and returns when the user quits.
// bubbletea restores the terminal on exit, on Ctrl+C, on SIGINT or SIGTERM
// and on a panic, which it turns into an error.
func Run(opts Options) error {
	return runProgram(New(opts), func(p *tea.Program) {
		// The store's warnings (a value not yet bound to its secret) go
		// to the footer: written to stderr they would tear the screen.
		opts.Store.SetWarn(func(msg string) { p.Send(flashMsg{text: msg}) })
	})
}

// runProgram runs m full-screen; ready, if set, gets the program before it
// starts.
func runProgram(m tea.Model, ready func(*tea.Program), extra ...tea.ProgramOption) error {
	p := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithAltScreen(), tea.WithMouseCellMotion()}, extra...)...)
	if ready != nil {
		ready(p)
	}
	// A closed terminal (SIGHUP) ends the workbench as q does, so that what
	// the caller set up is cleaned up (cabinet demo's throwaway store);
	// bubbletea itself handles only SIGINT and SIGTERM.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer func() { signal.Stop(hup); close(hup) }()
	go func() {
		if _, ok := <-hup; ok {
			p.Quit()
		}
	}()
	_, err := p.Run()
	if errors.Is(err, tea.ErrInterrupted) {
		return nil // SIGINT: the user asked to leave
	}
	return err
}

func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.inv.Init(), m.deps.who.resolve(), m.spinner.Tick, replay(m.typed))
}

func (m *Model) top() screen { return m.stack[len(m.stack)-1] }

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
	case tea.KeyMsg:
		return m, m.updateKey(msg)
	case tea.MouseMsg:
		return m, m.updateMouse(msg)
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case identityMsg:
		m.deps.who.found(msg)
	case flashMsg:
		m.deps.busy.stop()
		m.flash, m.flashErr = msg.text, msg.err
	case pushMsg:
		return m, m.push(msg)
	case popMsg:
		m.remove(msg.s)
	default:
		return m, m.broadcast(msg)
	}
	return m, nil
}

// broadcast gives msg to every screen, bottom first.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(m.stack))
	for _, s := range m.stack {
		cmds = append(cmds, s.Update(msg))
	}
	return tea.Batch(cmds...)
}

func (m *Model) push(msg pushMsg) tea.Cmd {
	if msg.onto != nil {
		m.removeAbove(msg.onto)
	}
	m.stack = append(m.stack, msg.s)
	msg.s.SetSize(m.width, m.bodyHeight())
	return tea.Batch(msg.s.Init(), msg.then)
}

// remove closes s. The inventory at the bottom always stays. What s was
// busy with no longer shows.
func (m *Model) remove(s screen) {
	for i := len(m.stack) - 1; i > 0; i-- {
		if m.stack[i] == s {
			m.stack = append(m.stack[:i], m.stack[i+1:]...)
			m.deps.busy.stop()
			return
		}
	}
}

// removeAbove closes the screens above s.
func (m *Model) removeAbove(s screen) {
	for i, o := range m.stack {
		if o == s {
			m.stack = m.stack[:i+1]
			return
		}
	}
}

// updateKey handles the keys every screen shares, then hands the key to
// the top screen.
func (m *Model) updateKey(km tea.KeyMsg) tea.Cmd {
	if isBurst(km) && !m.top().Typing() {
		return m.updateBurst(km)
	}
	if key.Matches(km, m.keys.ForceQuit) {
		return tea.Quit
	}
	if m.width < minWidth || m.height < minHeight {
		if key.Matches(km, m.keys.Quit) {
			return m.quit()
		}
		return nil
	}
	typing := m.top().Typing()
	if !typing {
		switch {
		case key.Matches(km, m.keys.Help):
			m.showHelp, m.helpTop = !m.showHelp, 0
			return nil
		case m.showHelp && (km.Type == tea.KeyEsc || key.Matches(km, m.keys.Quit)):
			m.showHelp = false
			return nil
		case m.showHelp:
			m.scrollHelp(km)
			return nil
		case key.Matches(km, m.keys.Quit):
			return m.quit()
		}
	}
	// An error stays on screen while the user types, to be read.
	if !m.flashErr || !typing {
		m.flash, m.flashErr = "", false
	}
	return m.top().Update(km)
}

// isBurst reports whether km holds several characters: bubbletea
// delivers what arrives in one read (fast typing, a paste, tmux send-keys)
// as one key.
func isBurst(km tea.KeyMsg) bool {
	return km.Type == tea.KeyRunes && len(km.Runes) > 1 && !km.Alt
}

// updateBurst handles a burst one key at a time, so that jjj moves three
// rows. A key can make the top screen start typing (/ opens the filter):
// the rest of the burst is then its text, in one message.
func (m *Model) updateBurst(km tea.KeyMsg) tea.Cmd {
	var cmds []tea.Cmd
	for i, r := range km.Runes {
		if m.top().Typing() {
			rest := km
			rest.Runes = km.Runes[i:]
			cmds = append(cmds, m.updateKey(rest))
			break
		}
		cmds = append(cmds, m.updateKey(runeKey(r)))
	}
	return tea.Batch(cmds...)
}

// runeKey is the key of one character, as bubbletea reports it when it
// arrives alone.
func runeKey(r rune) tea.KeyMsg {
	if r == ' ' {
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{r}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}
}

// quit quits, unless a screen is in the middle of something that quitting
// would break.
func (m *Model) quit() tea.Cmd {
	if what := m.stillRunning(); what != "" {
		advice := "x interrupts it (ctrl+c quits at once and leaves it to resume)"
		for _, s := range m.stack {
			g, guard := s.(quitGuard)
			if a, ok := s.(quitAdvisor); ok && guard && g.stillRunning() != "" {
				advice = a.quitAdvice()
				break
			}
		}
		m.flash, m.flashErr = what+": "+advice, true
		return nil
	}
	return tea.Quit
}

func (m *Model) stillRunning() string {
	for _, s := range m.stack {
		if g, ok := s.(quitGuard); ok && g.stillRunning() != "" {
			return g.stillRunning()
		}
	}
	return ""
}

// bodyHeight is the screens' height: the terminal less the header and
// the footer.
func (m *Model) bodyHeight() int { return m.height - 2 }

func (m *Model) layout() {
	for _, s := range m.stack {
		s.SetSize(m.width, m.bodyHeight())
	}
	m.help.Width = m.width
}
