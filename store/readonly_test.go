//go:build linux

package store

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
)

// TestGetOnAReadOnlyStore: every read is recorded in the audit log, so on
// a read-only store (a read-only mount, someone else's checkout) a read is
// refused; the message names the audit log and says what to do, on one
// line. The store is made read-only with a read-only bind mount, which
// needs root (these tests run as root in CI, where permissions alone do not
// stop a write); elsewhere the test is skipped.
func TestGetOnAReadOnlyStore(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	mustSet(t, s, "prod/db/password", []byte("s3cret"), day("alice", 1))
	ro := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(ro, dirPerm); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "--bind", "-o", "ro", s.Dir, ro).CombinedOutput(); err != nil {
		t.Skipf("cannot make a read-only bind mount here: %v: %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", ro).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", ro, err, out)
		}
	})
	r, err := Open(ro)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, _, err := r.List(); err != nil {
		t.Errorf("ls on a read-only store: %v", err)
	}
	value, _, err := r.Read("prod/db/password", inventory.Selector{}, alice.ID, day("alice", 2))
	if value != nil {
		t.Error("the read returned the value without recording it")
	}
	assertErr(t, err, nil, "failed to write the audit log audit/alice.jsonl", "read-only file system")
	if strings.Contains(err.Error(), ro) {
		t.Errorf("error %q names the audit log by its full path, not relative to the store", err)
	}
	if hint := inventory.HintOf(err); !strings.Contains(hint, "make the store writable") {
		t.Errorf("hint %q", hint)
	}
}
