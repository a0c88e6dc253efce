package tui

import (
	"errors"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/crypto/keysource"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/rotation"
	"github.com/cabinethq/cabinet/store"
	"github.com/cabinethq/cabinet/themes"
)

// Store is what the workbench uses of a store: what its screens read and
// change, and what the rotation wizard and approve hand to rotation.Engine
// (hence rotation.Store, embedded). *store.Store is one. It is named Store,
// as rotation's is, because it stands for the store where tui.Options takes
// one; it is an interface so that the workbench names the methods it calls
// instead of taking all of *store.Store with its exported fields, and so
// that tests where a real store is not the point give a fake (memStore).
type Store interface {
	// rotation.Store: Load, ReadAs (reveal, copy), LoadRunbook, Members
	// (scopes and readers), Folder (runbooks/ for $EDITOR, the live
	// watch), and Change and StartRotation for the engine.
	rotation.Store
	// List is the inventory, and the files it could not read.
	List() ([]inventory.Secret, []store.BadFile, error)
	Runbooks() ([]string, error)
	// Runbook is runbooks/NAME.yaml as it is, for the detail.
	Runbook(name string) ([]byte, error)
	// MemberOf is the member whose key is one of keys: the operator.
	MemberOf(keys []string) (string, bool)
	// Settings are the environments (the inventory's tabs, the new
	// secret's hint) and the warning (when a secret is due).
	Settings() store.Config
	ValidatePath(path string) error
	Create(path string, act store.Act, edit func(*inventory.Secret) error) (*inventory.Secret, error)
	SetValue(path string, value []byte, act store.Act, edit func(sec *inventory.Secret, created bool) error) (*inventory.Secret, inventory.Version, error)
	Edit(path string, act store.Act, edit func(*inventory.Secret) error) (*inventory.Secret, error)
	Remove(path string, act store.Act) error
	// GitState is where a Git store stands against its upstream, for the
	// header; ok is false for a plain folder.
	GitState() (st store.GitState, ok bool, err error)
	// Resolve settles what a merge left in conflict in path, keeping
	// version keep (0: the merged fields), re-sealing with id.
	Resolve(path string, keep int, id *crypto.Identity, act store.Act) (*inventory.Secret, error)
	// Sync fetches, merges and pushes a Git store.
	Sync(key func() *store.SyncKey) (store.SyncResult, error)
	// AuditLogs are every member's audit log, read and checked: the audit
	// screen, a secret's recent events, the owners view.
	AuditLogs() ([]store.AuditLog, error)
	// SetWarn sends the warnings that do not stop a command (a value not
	// yet bound to its secret) to the footer.
	SetWarn(warn func(msg string))
}

var _ Store = (*store.Store)(nil)

// deps is what every screen is built with: the store, who the operator
// is, the clock, the clipboard, the environment rotation steps start
// from and the styles. One value, shared by the screens.
type deps struct {
	store     Store
	who       *operator
	clock     clock
	clipboard *copies
	environ   []string
	styles    *themes.Styles
	// busy is what runs on the screens' behalf, for the footer's spinner.
	busy *activity
}

// clock is the time the screens read, and their timers.
type clock struct {
	now func() time.Time
	// after fires fire once d has passed: tea.Tick, but for tests, which
	// fire timers on demand instead of waiting for them.
	after func(d time.Duration, fire func(time.Time) tea.Msg) tea.Cmd
}

// activity is what the workbench is busy with ("revealing"), or "".
type activity struct{ what string }

func (a *activity) start(what string) { a.what = what }
func (a *activity) stop()             { a.what = "" }

// storeChangedMsg says that a screen changed the store: the screens that
// show it read it again.
type storeChangedMsg struct{}

func storeChanged() tea.Msg { return storeChangedMsg{} }

// operator is the identity the workbench acts with. Finding it may wait
// on the OS keyring, so it is resolved once, in a command, and the
// screens read what it found.
type operator struct {
	find     func() (*crypto.Identity, error)
	store    Store
	id       *crypto.Identity
	actor    string
	resolved bool  // found, or failed to
	err      error // why there is none
}

type identityMsg struct {
	id    *crypto.Identity
	actor string // the store member it is, or "unknown"
	err   error
}

// resolve finds the identity, and the store member it is, in a command.
func (o *operator) resolve() tea.Cmd {
	find, st := o.find, o.store
	return func() tea.Msg {
		if find == nil {
			return identityMsg{err: keysource.ErrNoIdentity}
		}
		id, err := find()
		if id == nil {
			return identityMsg{err: err}
		}
		name, ok := st.MemberOf(id.PublicKeys())
		if !ok {
			name = inventory.UnknownActor
		}
		return identityMsg{id: id, actor: name, err: err}
	}
}

// found records what resolve found.
func (o *operator) found(msg identityMsg) {
	o.id, o.actor, o.err, o.resolved = msg.id, msg.actor, msg.err, true
}

// missing says why there is no identity to act with, or nil.
func (o *operator) missing() error {
	switch {
	case o.id != nil:
		return nil
	case !o.resolved:
		return errors.New("still looking for your identity in the OS keyring; try again in a moment")
	case o.err != nil:
		return o.err
	}
	return keysource.ErrNoIdentity
}

// withIdentity runs next once the identity is known, or flashes why it
// is not.
func (d *deps) withIdentity(what string, next func(*crypto.Identity) tea.Cmd) tea.Cmd {
	if err := d.who.missing(); err != nil {
		return flashError(err)
	}
	d.busy.start(what)
	return next(d.who.id)
}

func (d *deps) act() store.Act { return store.Act{Actor: d.who.actor, Now: d.clock.now()} }

// copies is the clipboard, and the last value copied to it, so that the
// timer that clears it leaves a newer copy, or what the user copied
// since, alone. The timer outlives the screen that copied.
type copies struct {
	Clipboard
	mu  sync.Mutex
	sum [32]byte // SHA-256 of the value copied
	n   int      // counts copies
}

// copied records a copy and returns its number.
func (c *copies) copied(sum [32]byte) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sum, c.n = sum, c.n+1
	return c.n
}

// last is the number and sum of the last copy.
func (c *copies) last() (int, [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n, c.sum
}
