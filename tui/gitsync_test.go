package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/internal/gittest"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// gitClones is the test store made a Git store and pushed to a bare
// remote, and a second clone of it where bob (a member in scope dev/)
// works; the workbench is not opened.
type gitClones struct {
	remote string
	a, b   *store.Store
	alice  *crypto.Identity
	bob    *crypto.Identity
}

func newGitClones(t *testing.T) gitClones {
	t.Helper()
	gittest.Env(t)
	a, alice := testStore(t)
	act := store.Act{Actor: "alice", Now: testNow}
	if err := a.InitGit("cabinet", act); err != nil {
		t.Fatal(err)
	}
	bob, bobPublic := newIdentity(t, "bob")
	if _, err := a.AddMember("bob", bobPublic, []string{"dev/"}, alice, act); err != nil {
		t.Fatal(err)
	}
	remote := filepath.Join(t.TempDir(), "remote.git")
	gittest.Run(t, t.TempDir(), "init", "-q", "--bare", remote)
	gittest.Run(t, a.Dir, "remote", "add", "origin", remote)
	if _, err := a.Sync(nil); err != nil {
		t.Fatal(err)
	}
	b, err := store.Clone(remote, filepath.Join(t.TempDir(), "b"), "cabinet")
	if err != nil {
		t.Fatal(err)
	}
	return gitClones{remote: remote, a: a, b: b, alice: alice, bob: bob}
}

// open opens the workbench on clone a, as alice.
func (g gitClones) open(t *testing.T, w, h int) *harness {
	hs := startHarness(t, w, h, g.a, func() (*crypto.Identity, error) { return g.alice, nil })
	hs.s, hs.id = g.a, g.alice
	return hs
}

func setOn(t *testing.T, s *store.Store, actor, path, value string) {
	t.Helper()
	if _, _, err := s.SetValue(path, []byte(value), store.Act{Actor: actor, Now: testNow}, func(sec *inventory.Secret, _ bool) error {
		sec.Owner = actor
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func (h *harness) header() string { return strings.SplitN(h.m.View(), "\n", 2)[0] }

func (h *harness) footer() string {
	lines := strings.Split(h.m.View(), "\n")
	return lines[len(lines)-1]
}

// TestHeaderShowsTheSyncState: in a Git store the header shows, on the
// live reload tick, the commits to push, those the last fetch brought, the
// files not committed and the secrets in conflict; "≡" when there is
// nothing to say. A plain store shows none of it.
func TestHeaderShowsTheSyncState(t *testing.T) {
	g := newGitClones(t)
	h := g.open(t, 120, 30)
	if got := h.header(); !strings.Contains(got, "≡") || strings.Contains(got, "⇡") {
		t.Fatalf("a clone even with its remote: %q", got)
	}
	setOn(t, g.b, "bob", "dev/b/token", "from bob")
	if _, err := g.b.Sync(nil); err != nil {
		t.Fatal(err)
	}
	setOn(t, g.a, "alice", "prod/a/token", "from alice")
	if err := os.WriteFile(filepath.Join(g.a.Dir, "runbooks", "draft.yaml"), []byte("name: draft\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	gittest.Run(t, g.a.Dir, "fetch", "-q", "origin")
	for range gitLookEvery {
		h.fire(liveEvery)
	}
	if got := h.header(); !strings.Contains(got, "⇡1 ⇣1 ●1  ✖ 1 overdue") || strings.Contains(got, "≡") || len([]rune(got)) > 120 {
		t.Fatalf("one to push, one to merge, a draft runbook: %q", got)
	}
	h.keys("?")
	if view := h.m.View(); !strings.Contains(view, "ctrl+s    sync a Git store: fetch, merge, push") {
		t.Fatalf("the help does not say what ctrl+s does:\n%s", view)
	}
	h.keys("G")
	if view := h.m.View(); !strings.Contains(view, "⇡2            commits to push") || !strings.Contains(view, "≠1            secrets in conflict") {
		t.Fatalf("the help does not say what the sync state is:\n%s", view)
	}
	h.keys("esc")

	plain := newHarness(t, 120, 30)
	plain.fire(liveEvery)
	if got := plain.header(); strings.ContainsAny(got, "≡⇡⇣●") {
		t.Fatalf("a plain store's header shows a sync state: %q", got)
	}
	plain.keys("ctrl+s")
	if strings.Contains(plain.footer(), "sync") || strings.Contains(plain.m.View(), "ctrl+s") {
		t.Fatalf("a plain store offers to sync:\n%s", plain.m.View())
	}
}

// gitMemStore is a memStore that says it is a Git store in state st.
type gitMemStore struct {
	*memStore
	st store.GitState
}

func (g gitMemStore) GitState() (store.GitState, bool, error) { return g.st, true, nil }

// TestTheSyncStateIsDroppedFirst: the sync state shows at 80 columns with
// every part, conflicts counted from the inventory's rows; at 60 it is
// dropped, and the counts stay.
func TestTheSyncStateIsDroppedFirst(t *testing.T) {
	conflicted := secretAged("prod/db/password", 90, 1)
	conflicted.Conflicts = []string{"owner"}
	fake := gitMemStore{memStore: &memStore{secrets: []inventory.Secret{conflicted, secretAged("prod/db/user", 30, 40)}},
		st: store.GitState{Upstream: "origin/main", Ahead: 12, Behind: 3, Uncommitted: 2}}
	for _, tt := range []struct {
		width int
		sync  bool
	}{{140, true}, {80, true}, {60, false}} {
		h := startHarness(t, tt.width, 24, fake, nil)
		got := h.header()
		if strings.Contains(got, "⇡12 ⇣3 ●2 ≠1") != tt.sync || !strings.Contains(got, "✖ 1 overdue") && !strings.Contains(got, "✖ 1") {
			t.Errorf("at %d columns: %q", tt.width, got)
		}
		if w := len([]rune(got)); w > tt.width {
			t.Errorf("at %d columns the header is %d wide: %q", tt.width, w, got)
		}
	}
	// A branch with no upstream yet: its commits are all to push.
	fake.st = store.GitState{Uncommitted: 1}
	if got := startHarness(t, 120, 24, fake, nil).header(); !strings.Contains(got, "⇡? ●1 ≠1  ✖ 1 overdue") {
		t.Errorf("no upstream: %q", got)
	}
}

// TestSyncFromTheInventory: ctrl+s syncs with the spinner turning, says in
// the footer what it did, and the inventory shows what the merge brought;
// a sync that fails says why in one line and keeps the local commit.
func TestSyncFromTheInventory(t *testing.T) {
	g := newGitClones(t)
	h := g.open(t, 120, 30)
	setOn(t, g.b, "bob", "dev/b/token", "from bob")
	if _, err := g.b.Sync(nil); err != nil {
		t.Fatal(err)
	}
	setOn(t, g.a, "alice", "prod/a/token", "from alice")

	_, cmd := h.m.Update(keyMsg("ctrl+s"))
	if got := h.footer(); !strings.Contains(got, "syncing with the remote…") {
		t.Fatalf("no spinner while syncing: %q", got)
	}
	h.run(cmd)
	branch := gittest.Run(t, g.a.Dir, "rev-parse", "--abbrev-ref", "HEAD")
	if got, want := h.footer(), "synced with origin/"+branch+": merged 1 commit, pushed 2"; !strings.Contains(got, want) {
		t.Fatalf("footer %q, want %q", got, want)
	}
	if !strings.Contains(h.shownPaths(), "dev/b/token") {
		t.Fatalf("the inventory does not show what the merge brought: %s", h.shownPaths())
	}
	if got := h.header(); !strings.Contains(got, "≡") {
		t.Fatalf("after the sync the header is not even: %q", got)
	}
	if a, r := gittest.Run(t, g.a.Dir, "rev-parse", "HEAD"), gittest.Run(t, g.remote, "rev-parse", branch); a != r {
		t.Fatalf("the remote is at %s, the clone at %s", r, a)
	}

	setOn(t, g.a, "alice", "prod/c/token", "kept")
	head := gittest.Run(t, g.a.Dir, "rev-parse", "HEAD")
	if err := os.Rename(g.remote, g.remote+".away"); err != nil {
		t.Fatal(err)
	}
	h.keys("ctrl+s")
	if got := h.footer(); !strings.Contains(got, "✖ sync failed: could not fetch from origin") || !strings.Contains(got, "local commits are") {
		t.Fatalf("a failed sync says %q", got)
	}
	if got := gittest.Run(t, g.a.Dir, "rev-parse", "HEAD"); got != head {
		t.Fatalf("HEAD moved to %s", got)
	}
	if got := h.header(); !strings.Contains(got, "⇡1") {
		t.Fatalf("the commit not pushed is not counted: %q", got)
	}
}

// keyMsg is the message of a key as the harness's keys sends it.
func keyMsg(k string) tea.KeyMsg {
	if t, ok := namedKeys[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// slowSync is a Git store whose sync waits until it is let go.
type slowSync struct {
	gitMemStore
	release chan struct{}
}

func (s slowSync) Sync(func() *store.SyncKey) (store.SyncResult, error) {
	<-s.release
	return store.SyncResult{Remote: "origin", Branch: "main"}, nil
}

// TestQDoesNotCutASyncShort: q while a sync runs says why it does not
// quit, and what to do; once the sync is done q quits.
func TestQDoesNotCutASyncShort(t *testing.T) {
	fake := slowSync{gitMemStore: gitMemStore{memStore: &memStore{secrets: []inventory.Secret{secretAged("prod/db/user", 30, 1)}},
		st: store.GitState{Upstream: "origin/main"}}, release: make(chan struct{})}
	h := startHarness(t, 160, 24, fake, nil)
	_, cmd := h.m.Update(keyMsg("ctrl+s"))
	if _, quit := h.m.Update(keyMsg("q")); quit != nil {
		t.Fatal("q quit in the middle of a sync")
	}
	if got := h.footer(); !strings.Contains(got, "✖ a sync is running: wait for it (ctrl+c quits at once: local commits are kept") {
		t.Fatalf("footer %q", got)
	}
	close(fake.release)
	h.run(cmd)
	if got := h.footer(); !strings.Contains(got, "synced with origin/main: already up to date") {
		t.Fatalf("footer %q", got)
	}
	if _, quit := h.m.Update(keyMsg("q")); quit == nil {
		t.Fatal("q does not quit once the sync is done")
	}
}
