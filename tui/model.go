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
	"github.com/cabinethq/cabinet/store"
	"github.com/cabinethq/cabinet/themes"
)

// Options is what the workbench needs; cli builds it.
type Options struct {
	Store *store.Store
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

// Model is the root of the workbench. It owns what the screens share (the
// size, the identity, the header and footer) and forwards keys to the
// active screen: a form if one is open, else a secret's detail if one is
// open, else the inventory.
type Model struct {
	opts     Options
	styles   *themes.Styles
	keys     globalKeys
	help     help.Model
	spinner  spinner.Model
	inv      *inventoryScreen
	detail   *detailScreen // nil unless a secret is open
	rotate   *rotateScreen // nil unless the rotation wizard is open
	form     *form         // nil unless a form is open
	showHelp bool
	width    int
	height   int
	runbooks []string // names in runbooks/, for the forms

	identity   *crypto.Identity
	actor      string
	identityOK bool  // resolved, successfully or not
	identityE  error // why there is none
	busy       string
	flash      string // the last outcome or error, in the footer
	flashErr   bool
	clip       clipState
}

// New builds the workbench on a store.
func New(opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	styles := opts.Styles
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(styles.Spinner))
	h := help.New()
	h.Styles.ShortKey, h.Styles.ShortDesc, h.Styles.ShortSeparator = styles.HelpKey, styles.HelpDesc, styles.Muted
	h.Styles.FullKey, h.Styles.FullDesc, h.Styles.FullSeparator = styles.HelpKey, styles.HelpDesc, styles.Muted
	h.Styles.Ellipsis = styles.Muted
	m := &Model{opts: opts, styles: &styles, keys: defaultGlobalKeys(), help: h, spinner: sp, busy: "loading the inventory"}
	m.inv = newInventoryScreen(m.styles, opts.Store.Config.Environments)
	return m
}

// Run starts the workbench full-screen and returns when the user quits.
// bubbletea restores the terminal on exit, on Ctrl+C, on SIGINT or SIGTERM
// and on a panic, which it turns into an error.
func Run(opts Options) error {
	return runProgram(New(opts))
}

func runProgram(m tea.Model, extra ...tea.ProgramOption) error {
	p := tea.NewProgram(m, append([]tea.ProgramOption{tea.WithAltScreen()}, extra...)...)
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
	return tea.Batch(m.loadInventory(), m.resolveIdentity(), m.spinner.Tick, replay(m.opts.Typed))
}

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case tea.KeyMsg:
		return m, m.updateKey(msg)
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	}
	return m, m.updateWork(msg)
}

// updateKey handles the keys every screen shares, then hands the key to
// the active screen.
func (m *Model) updateKey(km tea.KeyMsg) tea.Cmd {
	if key.Matches(km, m.keys.ForceQuit) {
		return tea.Quit
	}
	if m.width < minWidth || m.height < minHeight {
		if key.Matches(km, m.keys.Quit) {
			return tea.Quit
		}
		return nil
	}
	if !m.typing() {
		switch {
		case key.Matches(km, m.keys.Help):
			m.showHelp = !m.showHelp
			return nil
		case m.showHelp && (km.Type == tea.KeyEsc || key.Matches(km, m.keys.Quit)):
			m.showHelp = false
			return nil
		case m.showHelp:
			return nil
		case key.Matches(km, m.keys.Quit) && m.rotate != nil && m.rotate.busy():
			m.flash, m.flashErr = "a rotation step is running: x interrupts it (ctrl+c quits at once and leaves it to resume)", true
			return nil
		case key.Matches(km, m.keys.Quit):
			return tea.Quit
		}
	}
	if !m.flashErr || m.form == nil {
		m.flash, m.flashErr = "", false
	}
	switch {
	case m.form != nil:
		return m.form.Update(km)
	case m.rotate != nil:
		return m.rotate.Update(km)
	case m.detail != nil:
		return m.detail.Update(km)
	}
	return m.inv.Update(km)
}

// typing reports whether printable keys are text for an input, so that ?
// and q are typed rather than acted on.
func (m *Model) typing() bool {
	switch {
	case m.form != nil:
		return true
	case m.rotate != nil:
		return m.rotate.needsValue()
	}
	return m.detail == nil && m.inv.filtering()
}

// updateWork handles what background work and screens report.
func (m *Model) updateWork(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case inventoryLoadedMsg:
		m.inventoryLoaded(msg)
	case identityMsg:
		m.identityResolved(msg)
	case openDetailMsg:
		m.busy = "opening " + msg.path
		return m.loadDetail(msg.path)
	case detailLoadedMsg:
		m.detailLoaded(msg)
	case closeMsg:
		m.detail = nil
	case revealMsg:
		return m.withIdentity("revealing", func(id *crypto.Identity) tea.Cmd { return m.reveal(msg.path, id) })
	case copyMsg:
		return m.withIdentity("copying", func(id *crypto.Identity) tea.Cmd { return m.copy(msg.path, id) })
	case revealedMsg:
		m.busy = ""
		if m.detail != nil {
			return m.detail.Update(msg)
		}
	case copiedMsg:
		return m.afterCopy(msg)
	case clipboardClearMsg:
		return m.clearClipboard(msg.n)
	case flashMsg:
		m.busy = ""
		m.flash, m.flashErr = msg.text, msg.err
	case newSecretMsg:
		m.openForm(m.newSecretForm())
	case editMsg:
		m.openForm(m.editForm(m.detail.sec))
	case setMsg:
		m.openForm(m.setValueForm(m.detail.sec))
	case cancelMsg:
		m.closeForm()
	case savedMsg:
		return m.saved(msg)
	case openRotationMsg:
		return m.openRotation(msg.path)
	case rotationLoadedMsg:
		return m.rotationLoaded(msg)
	case closeRotationMsg:
		m.rotate = nil
		return m.reload()
	case nextDueMsg:
		return m.nextDue(msg.after)
	case rotOutputMsg, rotProgressMsg, rotAskMsg, rotDoneMsg, rotRefreshedMsg, rotTickMsg:
		if m.rotate != nil {
			return m.rotate.Update(msg)
		}
	default:
		if m.detail != nil {
			return m.detail.Update(msg)
		}
	}
	return nil
}

func (m *Model) closeForm() {
	if m.form != nil {
		m.form.clearSecrets()
	}
	m.form = nil
}

func (m *Model) openForm(f *form) {
	m.form = f
	m.layout()
}

// saved closes the form after a save, reloads what it changed and opens
// the secret; a failed save stays in the form, to be corrected.
func (m *Model) saved(msg savedMsg) tea.Cmd {
	m.busy = ""
	if msg.err != nil {
		if m.form != nil {
			m.form.failed(msg.err)
			return nil
		}
		m.setFlash(msg.err)
		return nil
	}
	m.closeForm()
	m.flash, m.flashErr = msg.text, false
	return tea.Batch(m.loadInventory(), m.loadDetail(msg.path))
}

func (m *Model) layout() {
	h := m.height - 2 // header and footer
	m.inv.SetSize(m.width, h)
	if m.detail != nil {
		m.detail.SetSize(m.width, h)
	}
	if m.form != nil {
		m.form.SetSize(m.width, h)
	}
	if m.rotate != nil {
		m.rotate.SetSize(m.width, h)
	}
	m.help.Width = m.width
}
