package tui

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
	"github.com/cabinethq/cabinet/themes"
)

// Options is what the workbench needs; cli builds it.
type Options struct {
	Store *store.Store
	// Identity finds the operator's identity; it may wait on the OS
	// keyring, so it is only ever called from a tea.Cmd.
	Identity  func() (*crypto.Identity, error)
	Now       func() time.Time
	Styles    themes.Styles
	Clipboard Clipboard
}

// The smallest terminal the layout fits in.
const (
	minWidth  = 60
	minHeight = 12
)

// Model is the root of the workbench.
type Model struct {
	opts     Options
	styles   *themes.Styles
	keys     globalKeys
	help     help.Model
	spinner  spinner.Model
	inv      *inventoryScreen
	detail   *detailScreen // nil unless a secret is open
	showHelp bool
	width    int
	height   int

	identity   *crypto.Identity
	actor      string
	identityOK bool   // resolved, successfully or not
	identityE  error  // why there is none
	busy       string // what background work is running, for the spinner
	flash      string // the last outcome or error, in the footer
	flashErr   bool
	copiedSum  [32]byte // SHA-256 of the value last copied, to clear it later
	copiedN    int
}

// New builds the workbench on a store.
func New(opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	styles := opts.Styles
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(styles.Spinner))
	h := help.New()
	h.Styles.ShortKey, h.Styles.ShortDesc = styles.HelpKey, styles.HelpDesc
	h.Styles.FullKey, h.Styles.FullDesc = styles.HelpKey, styles.HelpDesc
	m := &Model{opts: opts, styles: &styles, keys: defaultGlobalKeys(), help: h, spinner: sp, busy: "loading"}
	m.inv = newInventoryScreen(m.styles)
	return m
}

// Run starts the workbench full-screen and returns when the user quits.
// bubbletea restores the terminal on exit, on Ctrl+C and on a panic.
func Run(opts Options) error {
	_, err := tea.NewProgram(New(opts), tea.WithAltScreen()).Run()
	return err
}

// Messages from background work.
type (
	inventoryLoadedMsg struct {
		rows []row
		bad  []store.BadFile
		err  error
	}
	identityMsg struct {
		id  *crypto.Identity
		err error
	}
	detailLoadedMsg struct {
		sec     *inventory.Secret
		scope   string
		readers []string
		runbook string
		err     error
	}
	copiedMsg struct {
		sum [32]byte
		err error
	}
	clipboardClearMsg struct{ n int }
	flashMsg          struct {
		text string
		err  bool
	}
)

func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.loadInventory(), m.resolveIdentity(), m.spinner.Tick)
}

func (m *Model) loadInventory() tea.Cmd {
	s, now := m.opts.Store, m.opts.Now()
	return func() tea.Msg {
		secrets, bad, err := s.List()
		rows := make([]row, len(secrets))
		for i := range secrets {
			rows[i] = newRow(&secrets[i], now, s.Config.Warning)
		}
		return inventoryLoadedMsg{rows: rows, bad: bad, err: err}
	}
}

func (m *Model) resolveIdentity() tea.Cmd {
	find := m.opts.Identity
	return func() tea.Msg {
		if find == nil {
			return identityMsg{err: crypto.ErrNoIdentity}
		}
		id, err := find()
		return identityMsg{id: id, err: err}
	}
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
	typing := m.detail == nil && m.inv.filtering()
	if !typing {
		switch {
		case key.Matches(km, m.keys.Help):
			m.showHelp = !m.showHelp
			return nil
		case m.showHelp && (km.Type == tea.KeyEsc || key.Matches(km, m.keys.Quit)):
			m.showHelp = false
			return nil
		case key.Matches(km, m.keys.Quit):
			return tea.Quit
		}
	}
	m.flash = ""
	if m.detail != nil {
		return m.detail.Update(km)
	}
	return m.inv.Update(km)
}

// updateWork handles what background work and screens report.
func (m *Model) updateWork(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case inventoryLoadedMsg:
		m.busy = ""
		if msg.err != nil {
			m.setFlash(msg.err)
			return nil
		}
		m.inv.setRows(msg.rows)
		if len(msg.bad) > 0 {
			m.setFlash(fmt.Errorf("%d secret files cannot be read, first %w", len(msg.bad), msg.bad[0]))
		}
	case identityMsg:
		m.identity, m.identityE, m.identityOK = msg.id, msg.err, true
		if msg.id != nil {
			m.actor = "unknown"
			if name, ok := m.opts.Store.MemberOf(msg.id.PublicKeys()); ok {
				m.actor = name
			}
		}
	case openDetailMsg:
		m.busy = "opening " + msg.path
		return m.loadDetail(msg.path)
	case detailLoadedMsg:
		m.busy = ""
		if msg.err != nil {
			m.setFlash(msg.err)
			return nil
		}
		m.detail = newDetailScreen(m.styles, msg, m.opts.Now(), m.opts.Store.Config.Warning)
		m.layout()
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
	case editMsg, setMsg, newSecretMsg:
		m.flash, m.flashErr = "editing from the workbench comes next; use `cabinet edit` or `cabinet set` meanwhile", false
	default:
		if m.detail != nil {
			return m.detail.Update(msg)
		}
	}
	return nil
}

func (m *Model) setFlash(err error) {
	m.busy = ""
	m.flash, m.flashErr = oneLine(err), true
}

func oneLine(err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if h := inventory.HintOf(err); h != "" {
		msg += "; " + h
	}
	return msg
}

func (m *Model) loadDetail(path string) tea.Cmd {
	s := m.opts.Store
	return func() tea.Msg {
		sec, err := s.Load(path)
		if err != nil {
			return detailLoadedMsg{err: err}
		}
		scope, _ := s.Recipients.ScopeOf(path)
		d := detailLoadedMsg{sec: sec, scope: scope, readers: s.Recipients.ReadersOf(path)}
		if rb := sec.Rotation.Runbook; rb != "" {
			if data, err := os.ReadFile(filepath.Join(s.Dir, "runbooks", rb+".yaml")); err == nil {
				d.runbook = string(data)
			}
		}
		return d
	}
}

// withIdentity runs next once the identity is known, or says why it is not.
func (m *Model) withIdentity(what string, next func(*crypto.Identity) tea.Cmd) tea.Cmd {
	if m.identity == nil {
		if !m.identityOK {
			m.flash, m.flashErr = "still looking for your identity (OS keyring)…", false
			return nil
		}
		err := m.identityE
		if err == nil {
			err = crypto.ErrNoIdentity
		}
		m.setFlash(err)
		return nil
	}
	m.busy = what
	return next(m.identity)
}

func (m *Model) act() store.Act { return store.Act{Actor: m.actor, Now: m.opts.Now()} }

func (m *Model) reveal(path string, id *crypto.Identity) tea.Cmd {
	s, act := m.opts.Store, m.act()
	return func() tea.Msg {
		value, v, err := s.ReadAs(inventory.ActionReveal, path, inventory.Selector{}, id, act)
		if err != nil {
			return flashMsg{text: oneLine(err), err: true}
		}
		return revealedMsg{path: path, version: v.Number, value: string(value)}
	}
}

func (m *Model) copy(path string, id *crypto.Identity) tea.Cmd {
	s, act, clip := m.opts.Store, m.act(), m.opts.Clipboard
	return func() tea.Msg {
		if clip == nil {
			return copiedMsg{err: errors.New("no clipboard")}
		}
		value, _, err := s.ReadAs(inventory.ActionCopy, path, inventory.Selector{}, id, act)
		if err != nil {
			return flashMsg{text: oneLine(err), err: true}
		}
		sum := sha256.Sum256(value)
		err = clip.Write(string(value))
		clear(value)
		return copiedMsg{sum: sum, err: err}
	}
}

// afterCopy starts the timer that clears the clipboard.
func (m *Model) afterCopy(msg copiedMsg) tea.Cmd {
	m.busy = ""
	if msg.err != nil {
		m.setFlash(fmt.Errorf("failed to copy: %w", msg.err))
		return nil
	}
	m.copiedSum, m.copiedN = msg.sum, m.copiedN+1
	m.flash, m.flashErr = fmt.Sprintf("copied; the clipboard is cleared in %s", copyFor), false
	n := m.copiedN
	return tea.Tick(copyFor, func(time.Time) tea.Msg { return clipboardClearMsg{n} })
}

// clearClipboard empties the clipboard if it still holds what was copied
// (where the clipboard can be read: over OSC 52 it cannot, and is cleared).
func (m *Model) clearClipboard(n int) tea.Cmd {
	if n != m.copiedN {
		return nil // copied again since: that copy's own timer clears it
	}
	clip, want := m.opts.Clipboard, m.copiedSum
	return func() tea.Msg {
		if now, err := clip.Read(); err == nil && sha256.Sum256([]byte(now)) != want {
			return flashMsg{text: "the clipboard changed since the copy; left as it is"}
		}
		if err := clip.Write(""); err != nil {
			return flashMsg{text: "failed to clear the clipboard: " + err.Error(), err: true}
		}
		return flashMsg{text: "clipboard cleared"}
	}
}

func (m *Model) layout() {
	h := m.height - 2 // header and footer
	m.inv.SetSize(m.width, h)
	if m.detail != nil {
		m.detail.SetSize(m.width, h)
	}
	m.help.Width = m.width
}

func (m *Model) View() string {
	if m.width == 0 {
		return ""
	}
	if m.width < minWidth || m.height < minHeight {
		return fmt.Sprintf("Terminal too small: %d×%d.\nThe workbench needs at least %d×%d.\nResize it, or press q to quit.", m.width, m.height, minWidth, minHeight)
	}
	var body string
	switch {
	case m.showHelp:
		body = m.helpView()
	case m.detail != nil:
		body = m.detail.View()
	default:
		body = m.inv.View()
	}
	body = lipgloss.NewStyle().Height(m.height - 2).MaxHeight(m.height - 2).Render(body)
	return m.headerView() + "\n" + body + "\n" + m.footerView()
}

func (m *Model) headerView() string {
	st := m.styles
	who := "identity: looking…"
	switch {
	case m.identity != nil:
		who = fmt.Sprintf("%s (%s)", m.actor, m.identity.Source)
	case m.identityOK:
		who = "no identity"
	}
	counts := map[inventory.Status]int{}
	for i := range m.inv.all {
		counts[m.inv.all[i].status]++
	}
	stat := func(st inventory.Status, label string) string {
		return m.styles.Status(st).Render(fmt.Sprintf("%s %d %s", statusSymbols[st], counts[st], label))
	}
	left := st.HeaderTitle.Render("cabinet") + " " + st.Header.Render(filepath.Base(m.opts.Store.Dir)+" · "+who)
	right := strings.Join([]string{stat(inventory.StatusOverdue, "overdue"), stat(inventory.StatusDue, "due"), stat(inventory.StatusExposed, "exposed")}, "  ")
	gap := max(1, m.width-lipgloss.Width(left)-lipgloss.Width(right))
	return left + strings.Repeat(" ", gap) + right
}

func (m *Model) footerView() string {
	st := m.styles
	switch {
	case m.busy != "":
		return m.spinner.View() + " " + st.Muted.Render(m.busy+"…")
	case m.flash != "" && m.flashErr:
		return st.Error.Render(pad(m.flash, m.width))
	case m.flash != "":
		return st.Hint.Render(pad(m.flash, m.width))
	}
	return m.help.ShortHelpView(append(m.screenKeys().ShortHelp(), m.keys.Help, m.keys.Quit))
}

func (m *Model) screenKeys() help.KeyMap {
	if m.detail != nil {
		return m.detail.keys
	}
	return m.inv.keys
}

func (m *Model) helpView() string {
	title := "Keys: inventory"
	if m.detail != nil {
		title = "Keys: secret"
	}
	groups := append(m.screenKeys().FullHelp(), []key.Binding{m.keys.Help, m.keys.Quit, m.keys.ForceQuit})
	return m.styles.Title.Render(title) + "\n\n" + m.help.FullHelpView(groups) + "\n\n" + m.styles.Muted.Render("? or esc closes this help")
}
