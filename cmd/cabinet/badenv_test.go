package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestBogusKeyringTimeout: a CABINET_KEYRING_TIMEOUT that is not a duration
// is a usage error (exit 2) naming the variable for a command that needs
// the keyring, and leaves the others alone.
func TestBogusKeyringTimeout(t *testing.T) {
	t.Parallel()
	u := newUser(t, "CABINET_KEYRING_TIMEOUT=bogus")
	r := u.run("", "identity", "show")
	if r.code != 2 || !strings.Contains(r.err, "CABINET_KEYRING_TIMEOUT") || !strings.Contains(r.err, "5s") {
		t.Errorf("identity show = exit %d, %q; want 2 naming the variable and its form", r.code, r.err)
	}
	if r := u.run("", "--version"); r.code != 0 {
		t.Errorf("--version = exit %d, %q", r.code, r.err)
	}
}

// TestIdentityImportRefusesAFIFO: importing from a named pipe fails at once
// instead of waiting for a writer.
func TestIdentityImportRefusesAFIFO(t *testing.T) {
	t.Parallel()
	u := newUser(t)
	fifo := filepath.Join(u.home, "key.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	r := u.run("", "identity", "import", fifo)
	if r.code != 2 || !strings.Contains(r.err, fifo) || r.took.Seconds() > 2 {
		t.Errorf("identity import FIFO = exit %d after %v, %q", r.code, r.took, r.err)
	}
}
