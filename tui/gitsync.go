package tui

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// A Git store's sync state: where the work tree stands against its
// upstream (ahead, behind, uncommitted), looked at in a command on the
// live reload tick, and the sync key's run and outcome.

// gitLookEvery is how many live looks pass between two looks at the Git
// state when nothing changed in the store: a look runs one git process,
// more than the live watch's stats. A change seen, a load or a sync looks
// at once.
const gitLookEvery = 10

// gitState is what the inventory last learnt of the store's Git state.
type gitState struct {
	st      store.GitState
	known   bool // a Git store whose state was read
	looking bool // a look is running
	stale   bool // something changed since the last look
	ticks   int  // live looks since the last look at Git
	syncing bool // a sync is running: quitting would cut it short
}

// stillRunning keeps q from quitting in the middle of a sync (it holds the
// store's lock while git merges).
func (s *inventoryScreen) stillRunning() string {
	if s.git.syncing {
		return "a sync is running"
	}
	return ""
}

func (s *inventoryScreen) quitAdvice() string {
	return "wait for it (ctrl+c quits at once: local commits are kept, and the next sync finishes the work)"
}

// gitStateMsg is what a look at the Git state found; ok is false for a
// plain store or when git could not say.
type gitStateMsg struct {
	st store.GitState
	ok bool
}

// lookAtGit looks at the Git state in a command, unless a look is running
// or it is not yet time for one.
func (s *inventoryScreen) lookAtGit(now bool) tea.Cmd {
	g := &s.git
	g.ticks++
	if g.looking {
		g.stale = g.stale || now
		return nil
	}
	if !now && !g.stale && g.ticks < gitLookEvery {
		return nil
	}
	g.looking, g.stale, g.ticks = true, false, 0
	st := s.d.store
	return func() tea.Msg {
		state, ok, err := st.GitState()
		return gitStateMsg{st: state, ok: ok && err == nil}
	}
}

func (s *inventoryScreen) gitLooked(msg gitStateMsg) {
	s.git.looking, s.git.known, s.git.st = false, msg.ok, msg.st
	s.keys.Sync.SetEnabled(msg.ok) // a plain store has nothing to sync
}

// syncState is the header's sync state, "⇡2 ⇣1 ●3 ≠1", each part only when
// it is not zero and "≡" when every part is; "" for a plain store.
func (m *Model) syncState() string {
	g := m.inv.git
	if !g.known {
		return ""
	}
	st := m.deps.styles
	var parts []string
	add := func(sym string, n int, style func(string) string) {
		if n > 0 {
			parts = append(parts, style(fmt.Sprintf("%s%d", sym, n)))
		}
	}
	stat := func(s string) string { return st.HeaderStat.Render(s) }
	if g.st.Upstream == "" {
		parts = append(parts, stat("⇡?"))
	}
	add("⇡", g.st.Ahead, stat)
	add("⇣", g.st.Behind, stat)
	add("●", g.st.Uncommitted, stat)
	add("≠", m.inv.counts[inventory.StatusConflict], func(s string) string { return st.Status(inventory.StatusConflict).Render(s) })
	if len(parts) == 0 {
		return st.Muted.Render("≡")
	}
	return strings.Join(parts, " ")
}

// syncSymbols are the sync state's symbols in words, for the help.
var syncSymbols = [][2]string{
	{"⇡2", "commits to push (⇡? the branch has no upstream yet: a sync sets it)"},
	{"⇣1", "commits the last fetch brought, to merge"},
	{"●3", "files changed and not committed (made by hand, a runbook being edited)"},
	{"≠1", "secrets in conflict"},
	{"≡", "even with the remote as of the last fetch, nothing uncommitted"},
}

// Messages of a sync.
type syncedMsg struct {
	r   store.SyncResult
	err error
}

const syncing = "syncing with the remote"

// sync fetches, merges and pushes in a command, the footer's spinner
// turning; its outcome goes to the footer, and the inventory reads the
// store again. The operator's identity, if found yet, re-encrypts what the
// merge left sealed to other readers than their scope's.
func (s *inventoryScreen) sync() tea.Cmd {
	if s.d.busy.what == syncing {
		return flash("a sync is already running")
	}
	if !s.git.known {
		return flashError(fmt.Errorf("this store is not a Git repository: there is nothing to sync with"))
	}
	var key *store.SyncKey
	if s.d.who.id != nil {
		key = &store.SyncKey{ID: s.d.who.id, Act: s.d.act()}
	}
	s.d.busy.start(syncing)
	s.git.syncing = true
	st := s.d.store
	return func() tea.Msg {
		r, err := st.Sync(func() *store.SyncKey { return key })
		return syncedMsg{r: r, err: err}
	}
}

// synced reports a sync's outcome and reads the store again.
func (s *inventoryScreen) synced(msg syncedMsg) tea.Cmd {
	s.git.stale, s.git.syncing = true, false
	report := flash(syncWords(msg.r))
	if msg.err != nil {
		report = flashError(msg.err)
	}
	return tea.Batch(report, storeChanged)
}

// syncWords says what a sync did: "synced with origin/main: merged 2
// commits, pushed 1".
func syncWords(r store.SyncResult) string {
	var did []string
	if r.Fetched > 0 {
		did = append(did, "merged "+plural(r.Fetched, "commit", "commits"))
	}
	if r.Resealed > 0 {
		did = append(did, "re-encrypted "+plural(r.Resealed, "secret", "secrets")+" for the merged scopes")
	}
	if r.Pushed > 0 {
		did = append(did, fmt.Sprintf("pushed %d", r.Pushed))
	}
	if r.UpstreamSet {
		did = append(did, "set as the upstream")
	}
	if len(did) == 0 {
		did = append(did, "already up to date")
	}
	text := fmt.Sprintf("synced with %s/%s: %s", inventory.Printable(r.Remote), inventory.Printable(r.Branch), strings.Join(did, ", "))
	if r.Stale > 0 {
		text += "; " + plural(r.Stale, "secret is", "secrets are") + " still sealed to other readers than its scope's: a member who can read them runs cabinet rekey"
	}
	return text
}
