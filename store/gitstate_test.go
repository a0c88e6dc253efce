package store

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
)

// TestGitStateCountsAheadBehindAndUncommitted: against a bare remote, a
// clone's state counts the commits it has to push, those the last fetch
// brought and it has to merge, and the files of its own that differ from
// HEAD (a runbook being edited), but not the audit lines of reads; a plain
// folder has no state.
func TestGitStateCountsAheadBehindAndUncommitted(t *testing.T) {
	_, a, b, alice, _ := twoClones(t)
	st, ok, err := a.GitState()
	if err != nil || !ok || st.Upstream == "" || st.Ahead != 0 || st.Behind != 0 || st.Uncommitted != 0 {
		t.Fatalf("a synced clone: %+v, %v, %v", st, ok, err)
	}
	mustSet(t, a, "prod/db/password", []byte("a1"), day("alice", 1))
	mustSet(t, a, "prod/db/user", []byte("a2"), day("alice", 1))
	if _, _, err := a.Read("prod/db/password", inventory.Selector{}, alice.ID, day("alice", 2)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(a.Dir, "runbooks", "draft.yaml"), []byte("name: draft\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(a.Dir, "NOTES"), []byte("not cabinet's\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if st, _, err := a.GitState(); err != nil || st.Ahead != 2 || st.Behind != 0 || st.Uncommitted != 1 {
		t.Fatalf("two sets, a read and a draft runbook: %+v, %v", st, err)
	}
	if _, err := a.Sync(nil); err != nil {
		t.Fatal(err)
	}
	mustSet(t, b, "dev/db/password", []byte("b1"), day("bob", 1))
	git(t, b.Dir, "fetch", "-q", "origin")
	if st, _, err := b.GitState(); err != nil || st.Ahead != 1 || st.Behind != 2 || st.Uncommitted != 0 {
		t.Fatalf("bob after a fetch: %+v, %v", st, err)
	}

	plain := newStore(t, alice)
	if st, ok, err := plain.GitState(); ok || err != nil || st != (GitState{}) {
		t.Fatalf("a plain store: %+v, %v, %v", st, ok, err)
	}
}
