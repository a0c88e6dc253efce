//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// A second writer waits briefly for the store's lock, then fails with the
// conflict exit code and changes nothing.
func TestSecondWriterFailsWhileLockIsHeld(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.must("v1", "set", "prod/db/password", "--owner", "o")
	f, err := os.OpenFile(filepath.Join(e.store(), ".cabinet", "lock"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	before, audit := snapshot(t, e.store()), readAudit(e.store())
	r := e.run("v2", "set", "prod/db/password")
	if r.code != ExitConflict || !strings.Contains(r.err, ".cabinet/lock") || !strings.Contains(r.err, "try again") {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	sameExceptAuditAppends(t, e.store(), before, snapshot(t, e.store()), audit)
	unix.Flock(int(f.Fd()), unix.LOCK_UN)
	if r := e.must("v2", "set", "prod/db/password"); !strings.Contains(r.err, "v2") {
		t.Fatalf("after the lock is released: %q", r.err)
	}
}
