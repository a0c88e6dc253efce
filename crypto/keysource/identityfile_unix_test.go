//go:build unix

package keysource_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/crypto/keysource"
	"github.com/cabinethq/cabinet/internal/agetest"
	"github.com/cabinethq/cabinet/inventory"
)

// resolveWithin runs Resolve with --identity file and fails the test if
// it has not returned within a second: a FIFO or a device must be refused,
// not read.
func resolveWithin(t *testing.T, file string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := keysource.Sources{File: file, Getenv: env(nil)}.Resolve()
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Second):
		t.Fatalf("Resolve of identity file %s has not returned after 1s", file)
		return nil
	}
}

// checkRefused checks that err is "no identity" (exit 4), one line that
// names the file and says why.
func checkRefused(t *testing.T, err error, file, why string) {
	t.Helper()
	if err == nil {
		t.Fatalf("identity file %s was accepted", file)
	}
	msg := err.Error()
	if !errors.Is(err, keysource.ErrNoIdentity) || !strings.Contains(msg, file) || !strings.Contains(msg, why) || strings.Contains(msg, "\n") {
		t.Fatalf("want one line of ErrNoIdentity naming %s and saying %q, got %q", file, why, msg)
	}
	if inventory.HintOf(err) == "" {
		t.Errorf("no hint: %v", err)
	}
}

func TestIdentityFileThatIsAFIFOIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "identity.txt")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	// Whatever happens, a reader left blocked is let go at the end.
	t.Cleanup(func() {
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	checkRefused(t, resolveWithin(t, fifo), fifo, "named pipe (FIFO)")
	// A symlink to it is no better.
	link := filepath.Join(t.TempDir(), "link.txt")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	checkRefused(t, resolveWithin(t, link), link, "named pipe (FIFO)")
}

func TestIdentityFileThatIsADeviceIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	checkRefused(t, resolveWithin(t, "/dev/zero"), "/dev/zero", "a device")
}

func TestIdentityFileOver64KiBIsRefused(t *testing.T) {
	t.Parallel()
	gen, _ := agetest.X25519(t)
	key := gen.Secret + "\n"
	// Exactly 64 KiB, padded with comments, is read; one byte more is not.
	const limit = 64 << 10
	pad := "# " + strings.Repeat("x", limit-len(key)-3) + "\n"
	fits := agetest.WriteFile(t, "fits.txt", []byte(pad+key))
	if len(pad+key) != limit {
		t.Fatalf("the file has %d bytes", len(pad+key))
	}
	if err := resolveWithin(t, fits); err != nil {
		t.Fatalf("a 64 KiB identity file is refused: %v", err)
	}
	big := agetest.WriteFile(t, "big.txt", []byte("#"+pad+key))
	checkRefused(t, resolveWithin(t, big), big, "larger than 64 KiB")
}
