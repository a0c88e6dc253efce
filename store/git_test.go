package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/internal/gittest"
	"github.com/cabinethq/cabinet/inventory"
)

// git runs git in a folder for a test (see gittest.Run).
var git = gittest.Run

// newGitStore is newStore made a Git repository, as `cabinet init --git`
// makes it.
func newGitStore(t *testing.T, first member) *Store {
	t.Helper()
	gittest.Env(t)
	s := newStore(t, first)
	if err := s.InitGit("cabinet", day(first.Name, 0)); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestGitCommitPerChange: in a Git store every change is one commit with
// a message that says what changed, holding the files it wrote and the
// audit lines it appended, and nothing the user had staged or edited.
func TestGitCommitPerChange(t *testing.T) {
	alice, bob := newMember(t, "alice"), newMember(t, "bob")
	s := newGitStore(t, alice)
	if got := git(t, s.Dir, "status", "--porcelain"); got != "" {
		t.Fatalf("after init the work tree is not clean:\n%s", got)
	}
	// The user is editing a runbook and has staged another file by hand.
	if err := os.WriteFile(filepath.Join(s.Dir, "runbooks/draft.yaml"), []byte("steps: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.Dir, "NOTES"), []byte("mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	git(t, s.Dir, "add", "NOTES")

	mustSet(t, s, "prod/db/password", []byte("v1"), day("alice", 1))
	mustSet(t, s, "prod/db/password", []byte("v2"), day("alice", 2))
	if _, err := s.Edit("prod/db/password", day("alice", 3), func(sec *inventory.Secret) error {
		sec.Description = "the warehouse"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	addMember(t, s, bob, alice)
	if err := s.Remove("prod/db/password", day("alice", 4)); err != nil {
		t.Fatal(err)
	}

	log := git(t, s.Dir, "log", "--format=%s")
	want := []string{"rm prod/db/password", "members: add bob", "edit prod/db/password", "set prod/db/password: v2", "set prod/db/password: v1"}
	if got := strings.Split(log, "\n"); len(got) != len(want)+1 || strings.Join(got[:len(want)], "\n") != strings.Join(want, "\n") {
		t.Errorf("commits:\n%s\nwant, above the init:\n%s", log, strings.Join(want, "\n"))
	}
	files := git(t, s.Dir, "show", "--name-only", "--format=", "HEAD~3") // the second set
	if files != "audit/alice.jsonl\nsecrets/prod/db/password.yaml" {
		t.Errorf("the set's commit holds:\n%s", files)
	}
	if diff := git(t, s.Dir, "show", "--format=", "HEAD~3", "--", "audit/alice.jsonl"); !strings.Contains(diff, `+{"time"`) || !strings.Contains(diff, `"action":"set"`) {
		t.Errorf("the set's commit does not hold its audit line:\n%s", diff)
	}
	status := git(t, s.Dir, "status", "--porcelain")
	if status != "A  NOTES\n?? runbooks/draft.yaml" {
		t.Errorf("what the user had staged or edited was touched:\n%s", status)
	}
	for _, rev := range []string{"HEAD", "HEAD~1", "HEAD~2", "HEAD~3", "HEAD~4"} {
		if files := git(t, s.Dir, "show", "--name-only", "--format=", rev); strings.Contains(files, "NOTES") || strings.Contains(files, "draft") {
			t.Errorf("%s swept in a file cabinet did not write:\n%s", rev, files)
		}
	}
}

// TestGitFailedCommitUndoesTheChange: a change whose commit fails (a hook
// refuses it) is reported and leaves the store as the last commit has it.
func TestGitFailedCommitUndoesTheChange(t *testing.T) {
	alice := newMember(t, "alice")
	s := newGitStore(t, alice)
	mustSet(t, s, "prod/db/password", []byte("v1"), day("alice", 1))
	before := git(t, s.Dir, "rev-parse", "HEAD")
	hook := filepath.Join(s.Dir, ".git/hooks/pre-commit")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho 'refused by policy' >&2\nexit 1\n"), 0o700); err != nil {
		t.Fatal(err)
	}

	_, _, err := s.SetValue("prod/db/password", []byte("v2"), day("alice", 2), ownerIfNew)
	if err == nil || !strings.Contains(err.Error(), "could not commit") || !strings.Contains(err.Error(), "undone") {
		t.Fatalf("SetValue with a refusing hook: %v", err)
	}
	_, _, err = s.SetValue("prod/api/key", []byte("k"), day("alice", 2), ownerIfNew)
	if err == nil {
		t.Fatal("a new secret was set though its commit failed")
	}
	if got := git(t, s.Dir, "rev-parse", "HEAD"); got != before {
		t.Errorf("HEAD moved from %s to %s", before, got)
	}
	sec, err := s.Load("prod/db/password")
	if err != nil || len(sec.Versions) != 1 {
		t.Errorf("prod/db/password after the failed commit: %v versions, %v; want the one committed", len(sec.Versions), err)
	}
	if _, err := s.Load("prod/api/key"); !errors.Is(err, ErrNotFound) {
		t.Errorf("prod/api/key after the failed commit: %v, want not found", err)
	}
	// Only audit lines (the failures, said as such) are left to commit.
	if status := git(t, s.Dir, "status", "--porcelain"); status != "M audit/alice.jsonl" {
		t.Errorf("after the undo:\n%s", status)
	}
	os.Remove(hook)
	mustSet(t, s, "prod/db/password", []byte("v2"), day("alice", 3))
	if status := git(t, s.Dir, "status", "--porcelain"); status != "" {
		t.Errorf("the next change left:\n%s", status)
	}
}

// twoClones makes a bare remote holding alice's Git store, and a clone of
// it in which bob (a member in scope dev/) works.
func twoClones(t *testing.T) (remote string, a, b *Store, alice, bob member) {
	t.Helper()
	alice, bob = newMember(t, "alice"), newMember(t, "bob")
	a = newGitStore(t, alice)
	if _, err := a.AddMember(bob.Name, bob.Public, []string{"dev/"}, alice.ID, day("alice", 0)); err != nil {
		t.Fatal(err)
	}
	remote = filepath.Join(t.TempDir(), "remote.git")
	git(t, t.TempDir(), "init", "-q", "--bare", remote)
	git(t, a.Dir, "remote", "add", "origin", remote)
	if r, err := a.Sync(nil); err != nil || !r.UpstreamSet || r.Pushed == 0 {
		t.Fatalf("first sync: %+v, %v", r, err)
	}
	b, err := Clone(remote, filepath.Join(t.TempDir(), "b"), "cabinet")
	if err != nil {
		t.Fatal(err)
	}
	return remote, a, b, alice, bob
}

// TestSyncBringsChangesBothWays: two clones change different secrets; after
// syncing each way both hold every change, and the same tree.
func TestSyncBringsChangesBothWays(t *testing.T) {
	_, a, b, _, _ := twoClones(t)
	mustSet(t, a, "prod/db/password", []byte("a1"), day("alice", 1))
	mustSet(t, b, "dev/db/password", []byte("b1"), day("bob", 1))
	if _, err := a.Sync(nil); err != nil {
		t.Fatal(err)
	}
	r, err := b.Sync(nil)
	if err != nil || r.Fetched != 1 || r.Pushed != 2 { // bob's set and the merge
		t.Fatalf("bob's sync: %+v, %v", r, err)
	}
	if r, err := a.Sync(nil); err != nil || r.Fetched != 2 || r.Pushed != 0 {
		t.Fatalf("alice's second sync: %+v, %v", r, err)
	}
	if ta, tb := git(t, a.Dir, "rev-parse", "HEAD^{tree}"), git(t, b.Dir, "rev-parse", "HEAD^{tree}"); ta != tb {
		t.Errorf("the clones' trees differ: %s and %s", ta, tb)
	}
	// What git wrote (the clone, what the merge brought in) is as private
	// as what cabinet writes.
	assertPerms(t, b.Dir)
	for _, s := range []*Store{a, b} {
		secrets, bad := mustList(t, s)
		if listPaths(secrets) != "dev/db/password prod/db/password" || len(bad) != 0 {
			t.Errorf("%s lists %q, bad %v", s.Dir, listPaths(secrets), bad)
		}
	}
}

// TestSyncFailuresKeepLocalCommits: an unreachable remote and a refused
// push each fail in one line naming the remote, keep every local commit,
// and the next sync completes.
func TestSyncFailuresKeepLocalCommits(t *testing.T) {
	remote, a, _, _, _ := twoClones(t)
	mustSet(t, a, "prod/db/password", []byte("a1"), day("alice", 1))
	head := git(t, a.Dir, "rev-parse", "HEAD")

	moved := remote + ".away"
	if err := os.Rename(remote, moved); err != nil {
		t.Fatal(err)
	}
	_, err := a.Sync(nil)
	if !errors.Is(err, ErrSync) || !strings.Contains(err.Error(), "origin") || strings.Contains(err.Error(), "\n") {
		t.Errorf("sync with the remote gone: %v", err)
	}
	if got := git(t, a.Dir, "rev-parse", "HEAD"); got != head {
		t.Errorf("HEAD moved to %s", got)
	}
	if err := os.Rename(moved, remote); err != nil {
		t.Fatal(err)
	}

	hook := filepath.Join(remote, "hooks/pre-receive")
	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho 'pushes are closed' >&2\nexit 1\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	_, err = a.Sync(nil)
	if !errors.Is(err, ErrSync) || !strings.Contains(err.Error(), "could not push to origin") || strings.Contains(err.Error(), "\n") {
		t.Errorf("sync with the push refused: %v", err)
	}
	if got := git(t, a.Dir, "rev-parse", "HEAD"); got != head {
		t.Errorf("HEAD moved to %s", got)
	}
	os.Remove(hook)
	if r, err := a.Sync(nil); err != nil || r.Pushed != 1 {
		t.Errorf("the next sync: %+v, %v", r, err)
	}
	if got := git(t, remote, "rev-parse", "HEAD"); got != head {
		t.Errorf("the remote is at %s, want %s", got, head)
	}
}

// TestRemovedMemberExposedByHistory: removing a member marks as exposed
// what they could read at any commit, not only what the current scopes let
// them read: a value they could read before they lost the scope, still held
// as the previous value after a rotation, is exposed again; a value made
// after they lost it is not.
func TestRemovedMemberExposedByHistory(t *testing.T) {
	alice, bob := newMember(t, "alice"), newMember(t, "bob")
	s := newGitStore(t, alice)
	// Real time: versions are compared with Git's commit times.
	now := func() Act { return Act{Actor: "alice", Now: time.Now()} }
	if _, err := s.AddMember(bob.Name, bob.Public, []string{"prod/", "dev/"}, alice.ID, now()); err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, "prod/db/password", []byte("v1"), now())
	mustSet(t, s, "dev/db/password", []byte("d1"), now())
	if _, err := s.SetScope("prod/", []string{"alice"}, alice.ID, now()); err != nil {
		t.Fatal(err)
	}
	// Git's commit times are whole seconds: what follows is made later.
	time.Sleep(1100 * time.Millisecond)
	mustSet(t, s, "prod/db/password", []byte("v2"), now()) // the rotation answers the exposure; v1 stays as previous
	mustSet(t, s, "prod/api/key", []byte("k1"), now())     // made after bob lost prod/
	if sec, _ := s.Load("prod/db/password"); len(sec.Exposures) != 0 {
		t.Fatalf("before the removal prod/db/password is exposed to %v", sec.Exposures)
	}

	if _, err := s.RemoveMember("bob", alice.ID, now()); err != nil {
		t.Fatal(err)
	}
	exposedTo := func(path string) string {
		sec, err := s.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		var who []string
		for _, x := range sec.Exposures {
			who = append(who, x.Member)
		}
		return strings.Join(who, ",")
	}
	for path, want := range map[string]string{"prod/db/password": "bob", "dev/db/password": "bob", "prod/api/key": ""} {
		if got := exposedTo(path); got != want {
			t.Errorf("%s is exposed to %q, want %q", path, got, want)
		}
	}
	if log := git(t, s.Dir, "log", "-1", "--format=%s"); log != "members: remove bob (2 secrets exposed)" {
		t.Errorf("the removal's commit is %q", log)
	}
	// A value written after the removal is sealed without bob.
	mustSet(t, s, "dev/db/password", []byte("d2"), now())
	if _, _, err := s.Read("dev/db/password", inventory.Selector{}, bob.ID, now()); !errors.Is(err, crypto.ErrNoMatch) {
		t.Errorf("bob reading a value written after his removal: %v, want no match", err)
	}
}

// TestAddedMemberReadsAfterSync: alice adds carol to prod/ on one clone
// while, on another, bob (also in prod/) sets a new prod value sealed to
// the scope as he knew it. bob's sync merges, finds the value not sealed to
// carol and re-encrypts it; after carol's clone syncs, she reads it.
func TestAddedMemberReadsAfterSync(t *testing.T) {
	alice, bob, carol := newMember(t, "alice"), newMember(t, "bob"), newMember(t, "carol")
	a := newGitStore(t, alice)
	if _, err := a.AddMember(bob.Name, bob.Public, []string{"prod/"}, alice.ID, day("alice", 0)); err != nil {
		t.Fatal(err)
	}
	remote := filepath.Join(t.TempDir(), "remote.git")
	git(t, t.TempDir(), "init", "-q", "--bare", remote)
	git(t, a.Dir, "remote", "add", "origin", remote)
	if _, err := a.Sync(nil); err != nil {
		t.Fatal(err)
	}
	b, err := Clone(remote, filepath.Join(t.TempDir(), "b"), "cabinet")
	if err != nil {
		t.Fatal(err)
	}

	if _, err := a.AddMember(carol.Name, carol.Public, []string{"prod/"}, alice.ID, day("alice", 1)); err != nil {
		t.Fatal(err)
	}
	mustSet(t, b, "prod/db/password", []byte("bobs value"), day("bob", 1))
	if _, err := a.Sync(nil); err != nil {
		t.Fatal(err)
	}
	r, err := b.Sync(func() *SyncKey { return &SyncKey{ID: bob.ID, Act: day("bob", 2)} })
	if err != nil || r.Resealed != 1 || r.Stale != 0 {
		t.Fatalf("bob's sync: %+v, %v", r, err)
	}
	if subject := git(t, b.Dir, "log", "-1", "--format=%s"); subject != "re-encrypt (1 secret)" {
		t.Errorf("the re-encryption's commit is %q", subject)
	}

	c, err := Clone(remote, filepath.Join(t.TempDir(), "c"), "cabinet")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := mustRead(t, c, "prod/db/password", inventory.Selector{}, carol); string(got) != "bobs value" {
		t.Errorf("carol reads %q", got)
	}
}

// TestSyncMergeConflictKeepsLocalCommits: a file cabinet does not merge (a
// runbook edited on both clones) stops the merge; the sync names the file,
// undoes the merge and keeps the local commit.
func TestSyncMergeConflictKeepsLocalCommits(t *testing.T) {
	_, a, b, _, _ := twoClones(t)
	for i, s := range []*Store{a, b} {
		name := filepath.Join(s.Dir, "runbooks/db.yaml")
		if err := os.WriteFile(name, []byte(fmt.Sprintf("steps:\n  - name: step %d\n", i)), 0o600); err != nil {
			t.Fatal(err)
		}
		git(t, s.Dir, "add", "runbooks/db.yaml")
		git(t, s.Dir, "commit", "-q", "-m", "runbook")
	}
	if _, err := a.Sync(nil); err != nil {
		t.Fatal(err)
	}
	head := git(t, b.Dir, "rev-parse", "HEAD")
	_, err := b.Sync(nil)
	if !errors.Is(err, ErrSync) || !strings.Contains(err.Error(), "runbooks/db.yaml changed on both sides") || strings.Contains(err.Error(), "\n") {
		t.Errorf("sync with a runbook changed on both sides: %v", err)
	}
	if got := git(t, b.Dir, "rev-parse", "HEAD"); got != head {
		t.Errorf("HEAD moved to %s", got)
	}
	if status := git(t, b.Dir, "status", "--porcelain"); status != "" {
		t.Errorf("the merge was not undone:\n%s", status)
	}
}

// TestSyncPushedMeanwhile: someone pushes between this sync's fetch and its
// push (here a pre-push hook of the clone pushes another clone's commit);
// the push is refused as behind, and the sync fetches, merges and pushes
// again, so that both commits reach the remote in one sync.
func TestSyncPushedMeanwhile(t *testing.T) {
	remote, a, b, _, _ := twoClones(t)
	mustSet(t, b, "dev/db/password", []byte("b1"), day("bob", 1))
	mustSet(t, a, "prod/db/password", []byte("a1"), day("alice", 1))
	hook := filepath.Join(a.Dir, ".git/hooks/pre-push")
	raced := filepath.Join(t.TempDir(), "raced")
	script := "#!/bin/sh\n[ -e '" + raced + "' ] && exit 0\ntouch '" + raced + "'\ncd '" + b.Dir + "' && unset GIT_DIR && git push -q origin HEAD:refs/heads/$(git rev-parse --abbrev-ref HEAD) >&2\n"
	if err := os.WriteFile(hook, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	r, err := a.Sync(nil)
	if err != nil {
		t.Fatalf("sync with a push in between: %+v, %v", r, err)
	}
	if _, err := os.Stat(raced); err != nil {
		t.Fatal("the race did not happen: the hook did not run")
	}
	for _, msg := range []string{"set dev/db/password: v1", "set prod/db/password: v1"} {
		if !strings.Contains(git(t, remote, "log", "--format=%s"), msg) {
			t.Errorf("the remote lacks %q", msg)
		}
	}
	if r.Fetched != 1 {
		t.Errorf("the sync brought in %d commits, want bob's 1", r.Fetched)
	}
}

// TestInitGitCommitsOnlyTheStore: a folder made a Git store keeps out of
// the first commit what cabinet did not write: a file already there, and
// what the user had staged in a repository that was there before.
func TestInitGitCommitsOnlyTheStore(t *testing.T) {
	gittest.Env(t)
	dir := filepath.Join(t.TempDir(), "store")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "init", "-q")
	for name, content := range map[string]string{".env": "DB_PASSWORD=hunter2\n", "NOTES": "mine\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	git(t, dir, "add", "NOTES")
	alice := newMember(t, "alice")
	s, err := Init(dir, alice.Name, alice.Public)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Audit(day("alice", 0).event(inventory.ActionMemberAdd, "", 0, inventory.OutcomeOK, "alice")); err != nil {
		t.Fatal(err)
	}
	// A secret set while the store was a plain folder comes along; a note
	// left among the secrets does not.
	mustSet(t, s, "prod/db/password", []byte("v1"), day("alice", 0))
	if err := os.WriteFile(filepath.Join(dir, "secrets/prod/notes.txt"), []byte("the password is v1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.InitGit("cabinet", day("alice", 0)); err != nil {
		t.Fatal(err)
	}
	files := git(t, dir, "ls-tree", "-r", "--name-only", "HEAD")
	want := ".cabinet/.gitignore\n.cabinet/store.yaml\n.gitattributes\n.gitignore\naudit/.keep\naudit/alice.jsonl\nrecipients.yaml\nrunbooks/.keep\nsecrets/.gitignore\nsecrets/.keep\nsecrets/prod/db/password.yaml"
	if files != want {
		t.Errorf("the commits hold:\n%s\nwant:\n%s", files, want)
	}
	if status := git(t, dir, "status", "--porcelain"); status != "A  NOTES\n?? .env\n?? secrets/prod/notes.txt" {
		t.Errorf("after init --git:\n%s", status)
	}
}
