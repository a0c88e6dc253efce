package tui

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/rotation"
	"github.com/cabinethq/cabinet/store"
)

// Background work: every call that touches the disk, the keyring or a
// clipboard runs in a tea.Cmd and reports back with one of these messages.
type (
	inventoryLoadedMsg struct {
		listing  listing
		runbooks []string
		bad      []store.BadFile
		err      error
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

func (m *Model) loadInventory() tea.Cmd {
	s, now, mode := m.opts.Store, m.opts.Now(), m.inv.sort
	return func() tea.Msg {
		secrets, bad, err := s.List()
		if err != nil {
			return inventoryLoadedMsg{err: err}
		}
		runbooks, err := s.Runbooks()
		return inventoryLoadedMsg{listing: newListing(secrets, now, s.Config.Warning, mode), runbooks: runbooks, bad: bad, err: err}
	}
}

func (m *Model) inventoryLoaded(msg inventoryLoadedMsg) {
	if m.busy == "loading the inventory" {
		m.busy = ""
	}
	if msg.err != nil {
		m.setFlash(msg.err)
		return
	}
	m.inv.setRows(msg.listing)
	m.runbooks = msg.runbooks
	if len(msg.bad) > 0 {
		m.setFlash(fmt.Errorf("%d secret files cannot be read and are left out; the first: %w", len(msg.bad), msg.bad[0]))
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

func (m *Model) identityResolved(msg identityMsg) {
	m.identity, m.identityE, m.identityOK = msg.id, msg.err, true
	if msg.id == nil {
		return
	}
	m.actor = "unknown"
	if name, ok := m.opts.Store.MemberOf(msg.id.PublicKeys()); ok {
		m.actor = name
	}
}

// identityError says why there is no identity to act with, or nil.
func (m *Model) identityError() error {
	switch {
	case m.identity != nil:
		return nil
	case !m.identityOK:
		return errors.New("still looking for your identity in the OS keyring; try again in a moment")
	case m.identityE != nil:
		return m.identityE
	}
	return crypto.ErrNoIdentity
}

// withIdentity runs next once the identity is known, or says why it is not.
func (m *Model) withIdentity(what string, next func(*crypto.Identity) tea.Cmd) tea.Cmd {
	if err := m.identityError(); err != nil {
		m.setFlash(err)
		return nil
	}
	m.busy = what
	return next(m.identity)
}

// withActor runs do in a command as the operator; without an identity the
// save fails with the reason.
func (m *Model) withActor(do func(store.Act) tea.Msg) tea.Cmd {
	if err := m.identityError(); err != nil {
		return func() tea.Msg { return savedMsg{err: err} }
	}
	m.busy = "saving"
	act := m.act()
	return func() tea.Msg { return do(act) }
}

func (m *Model) act() store.Act { return store.Act{Actor: m.actor, Now: m.opts.Now()} }

func (m *Model) setFlash(err error) {
	m.busy = ""
	m.flash, m.flashErr = oneLine(err), true
}

// oneLine is an error on one line with its hint after a semicolon, as the
// command line prints it.
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
			if data, err := s.Runbook(rb); err == nil {
				d.runbook = string(data)
			}
		}
		return d
	}
}

func (m *Model) detailLoaded(msg detailLoadedMsg) {
	m.busy = ""
	if msg.err != nil {
		m.setFlash(msg.err)
		return
	}
	m.detail = newDetailScreen(m.styles, msg, m.opts.Now(), m.opts.Store.Config.Warning)
	m.layout()
}

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

// How long a revealed value stays on screen, and a copied one in the
// clipboard.
const (
	revealFor = 30 * time.Second
	copyFor   = 45 * time.Second
)

// clipState remembers the last copy, to clear the clipboard after copyFor
// only if it still holds that value.
type clipState struct {
	sum [32]byte // SHA-256 of the value copied
	n   int      // counts copies, so that an old timer leaves a newer copy alone
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
	m.clip.sum, m.clip.n = msg.sum, m.clip.n+1
	m.flash, m.flashErr = fmt.Sprintf("copied; the clipboard is cleared in %s", copyFor), false
	n := m.clip.n
	return tea.Tick(copyFor, func(time.Time) tea.Msg { return clipboardClearMsg{n} })
}

// clearClipboard empties the clipboard if it still holds what was copied
// (where the clipboard can be read: over OSC 52 it cannot, and is cleared).
func (m *Model) clearClipboard(n int) tea.Cmd {
	if n != m.clip.n {
		return nil // copied again since: that copy's own timer clears it
	}
	clip, want := m.opts.Clipboard, m.clip.sum
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

// openRotation opens the wizard of path; it needs the identity, whose key
// opens the values the steps get.
func (m *Model) openRotation(path string) tea.Cmd {
	return m.withIdentity("opening the rotation of "+path, func(id *crypto.Identity) tea.Cmd {
		e := &rotation.Engine{Store: m.opts.Store, Identity: id, Actor: m.actor, Now: m.opts.Now, Env: m.opts.Environ}
		m.rotate = newRotateScreen(m.styles, path, m.opts.Now())
		m.rotate.engine = e
		m.layout()
		return func() tea.Msg {
			sec, err := e.Store.Load(path)
			if err != nil {
				return rotationLoadedMsg{err: err}
			}
			rb, err := e.Runbook(sec)
			return rotationLoadedMsg{sec: sec, rb: rb, err: err}
		}
	})
}

func (m *Model) rotationLoaded(msg rotationLoadedMsg) tea.Cmd {
	m.busy = ""
	if m.rotate == nil {
		return nil
	}
	if msg.err != nil {
		m.rotate = nil
		m.setFlash(msg.err)
		return nil
	}
	return m.rotate.loaded(msg)
}

// reload reads the inventory again, and the open secret.
func (m *Model) reload() tea.Cmd {
	cmds := []tea.Cmd{m.loadInventory()}
	if m.detail != nil {
		cmds = append(cmds, m.loadDetail(m.detail.sec.Path))
	}
	return tea.Batch(cmds...)
}

// nextDue opens the wizard of the most urgent secret that needs rotating
// (exposed, overdue or due), other than after.
func (m *Model) nextDue(after string) tea.Cmd {
	m.rotate = nil
	next := m.inv.nextDue(after)
	if next == "" {
		m.flash, m.flashErr = "nothing else needs rotating", false
		return m.reload()
	}
	m.detail = nil
	return tea.Batch(m.loadInventory(), m.loadDetail(next), m.openRotation(next))
}
