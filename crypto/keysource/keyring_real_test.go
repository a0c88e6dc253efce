//go:build linux

package keysource_test

// Tests of OSKeyring against a real Secret Service: a private dbus-daemon and
// gnome-keyring-daemon per test (internal/testkeyring). go-keyring shares one
// session bus connection per process, so the keyring calls run in a fresh
// process of this test binary (k.Run / testkeyring.Subprocess). They skip
// when the daemons are missing, unless CABINET_REQUIRE_KEYRING=1.

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/crypto/keysource"
	"github.com/cabinethq/cabinet/internal/testkeyring"
	"github.com/cabinethq/cabinet/inventory"
)

// noEnv keeps the developer's CABINET_IDENTITY* out of Resolve.
func noEnv(string) string { return "" }

func newIdentity(t *testing.T) crypto.Generated {
	t.Helper()
	g, err := crypto.GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func get(t *testing.T, kr keysource.Keyring) string {
	t.Helper()
	s, err := kr.Get(keysource.Service, keysource.User)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return s
}

// Whole words: CABINET_IDENTITY is also a prefix of CABINET_IDENTITY_FILE.
var (
	envIdentityFile = regexp.MustCompile(`\bCABINET_IDENTITY_FILE\b`)
	envIdentity     = regexp.MustCompile(`\bCABINET_IDENTITY\b`)
)

// checkUnavailable checks that err is ErrKeyringUnavailable and that its
// message and hint name both other identity sources.
func checkUnavailable(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, keysource.ErrKeyringUnavailable) {
		t.Fatalf("err = %v, want ErrKeyringUnavailable", err)
	}
	if errors.Is(err, keysource.ErrKeyringEmpty) {
		t.Errorf("an unavailable keyring must not look empty: %v", err)
	}
	text := err.Error() + "\n" + inventory.HintOf(err)
	if inventory.HintOf(err) == "" {
		t.Errorf("no hint: %v", err)
	}
	for _, re := range []*regexp.Regexp{envIdentityFile, envIdentity} {
		if !re.MatchString(text) {
			t.Errorf("message and hint do not name %s:\n%s", re, text)
		}
	}
}

func TestOSKeyringRealRoundTrip(t *testing.T) {
	k := testkeyring.Start(t)
	k.Run(t, func(t *testing.T) {
		kr := keysource.OSKeyring{}
		if _, err := kr.Get(keysource.Service, keysource.User); !errors.Is(err, keysource.ErrKeyringEmpty) {
			t.Fatalf("Get on an empty keyring: %v, want ErrKeyringEmpty", err)
		}
		if err := kr.Delete(keysource.Service, keysource.User); !errors.Is(err, keysource.ErrKeyringEmpty) {
			t.Fatalf("Delete on an empty keyring: %v, want ErrKeyringEmpty", err)
		}
		if _, err := (keysource.Sources{Getenv: noEnv, Keyring: kr}).Resolve(); !errors.Is(err, keysource.ErrNoIdentity) {
			t.Fatalf("Resolve with an empty keyring: %v, want ErrNoIdentity", err)
		}

		first := newIdentity(t)
		if err := kr.Set(keysource.Service, keysource.User, first.Secret); err != nil {
			t.Fatalf("Set: %v", err)
		}
		if got := get(t, kr); got != first.Secret {
			t.Fatalf("Get returned another value than Set wrote")
		}

		// Overwrite: one item, the new value.
		second := newIdentity(t)
		if err := kr.Set(keysource.Service, keysource.User, second.Secret); err != nil {
			t.Fatalf("Set (overwrite): %v", err)
		}
		if got := get(t, kr); got != second.Secret {
			t.Fatalf("Get after overwrite returned the old value")
		}
		// Another user of the same service is another entry.
		if _, err := kr.Get(keysource.Service, "someone-else"); !errors.Is(err, keysource.ErrKeyringEmpty) {
			t.Fatalf("Get of another user: %v, want ErrKeyringEmpty", err)
		}

		id, err := keysource.Sources{Getenv: noEnv, Keyring: kr}.Resolve()
		if err != nil {
			t.Fatalf("Resolve: %v", err)
		}
		if id.Source != "OS keyring" {
			t.Errorf("Source = %q, want %q", id.Source, "OS keyring")
		}
		if pub := id.PublicKeys(); len(pub) != 1 || pub[0] != second.Public {
			t.Errorf("PublicKeys = %v, want [%s]", pub, second.Public)
		}

		if err := kr.Delete(keysource.Service, keysource.User); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := kr.Get(keysource.Service, keysource.User); !errors.Is(err, keysource.ErrKeyringEmpty) {
			t.Fatalf("Get after Delete: %v, want ErrKeyringEmpty", err)
		}
	})
}

// TestOSKeyringRealHung: a Secret Service that owns its bus name but never
// answers (SIGSTOPped) must not hang cabinet.
func TestOSKeyringRealHung(t *testing.T) {
	k := testkeyring.Start(t)
	k.Freeze()
	k.Run(t, func(t *testing.T) {
		// The deadline and its slack end far before the default: a keyring
		// that ignored its configured deadline would take 3s, and fail
		// here by more than a second.
		const timeout, slack, defaultTimeout = 300 * time.Millisecond, time.Second, 3 * time.Second
		if timeout+slack > defaultTimeout-time.Second {
			t.Fatalf("the deadline %s (+%s slack) is too close to the default %s to tell them apart", timeout, slack, defaultTimeout)
		}
		kr := keysource.OSKeyring{Timeout: timeout}

		start := time.Now()
		_, err := kr.Get(keysource.Service, keysource.User)
		took := time.Since(start)
		t.Logf("Get on a hung keyring returned after %s: %v", took.Round(time.Millisecond), err)
		if took > timeout+slack || took < timeout {
			t.Errorf("Get took %s, want its deadline %s (+%s slack)", took, timeout, slack)
		}
		checkUnavailable(t, err)
		if !strings.Contains(err.Error(), "did not answer within "+timeout.String()) {
			t.Errorf("want the deadline error with its deadline (the keyring is frozen), got %v", err)
		}

		// Resolve passes it on: a hung keyring is not "no identity".
		start = time.Now()
		_, err = keysource.Sources{Getenv: noEnv, Keyring: kr}.Resolve()
		if took := time.Since(start); took > timeout+slack {
			t.Errorf("Resolve took %s", took)
		}
		checkUnavailable(t, err)
		if errors.Is(err, keysource.ErrNoIdentity) {
			t.Errorf("Resolve on a hung keyring: %v, want ErrKeyringUnavailable, not ErrNoIdentity", err)
		}
	})
	// Thawed, the same keyring answers again (from a new process: the
	// subprocess above left its calls blocked behind).
	k.Thaw()
	k.Run(t, func(t *testing.T) {
		if _, err := (keysource.OSKeyring{}).Get(keysource.Service, keysource.User); !errors.Is(err, keysource.ErrKeyringEmpty) {
			t.Fatalf("Get after Thaw: %v, want ErrKeyringEmpty", err)
		}
	})
}

// checkFast checks that a keyring call failed on its own, well before its
// deadline: the error of a missing keyring, not a timeout.
func checkFast(t *testing.T, took, timeout time.Duration, err error) {
	t.Helper()
	if took >= timeout/2 || strings.Contains(err.Error(), "did not answer") {
		t.Errorf("took %s (deadline %s): want an immediate failure, got %v", took, timeout, err)
	}
}

// TestOSKeyringNoBus: no session bus at all (a headless server).
func TestOSKeyringNoBus(t *testing.T) {
	env := []string{testkeyring.BusEnv + "=unix:path=/nonexistent/cabinet-test-bus"}
	testkeyring.Subprocess(t, env, func(t *testing.T) {
		const timeout = 10 * time.Second
		kr := keysource.OSKeyring{Timeout: timeout}
		for name, call := range map[string]func() error{
			"Get":    func() error { _, err := kr.Get(keysource.Service, keysource.User); return err },
			"Set":    func() error { return kr.Set(keysource.Service, keysource.User, "x") },
			"Delete": func() error { return kr.Delete(keysource.Service, keysource.User) },
		} {
			start := time.Now()
			err := call()
			took := time.Since(start)
			t.Logf("%s without a bus: %s: %v", name, took.Round(time.Millisecond), err)
			checkUnavailable(t, err)
			checkFast(t, took, timeout, err)
		}
		_, err := keysource.Sources{Getenv: noEnv, Keyring: kr}.Resolve()
		checkUnavailable(t, err)
	})
}

// TestOSKeyringRealNoProvider: a session bus, but no Secret Service on it.
func TestOSKeyringRealNoProvider(t *testing.T) {
	k := testkeyring.Start(t)
	k.StopKeyring()
	k.Run(t, func(t *testing.T) {
		const timeout = 10 * time.Second
		start := time.Now()
		_, err := keysource.OSKeyring{Timeout: timeout}.Get(keysource.Service, keysource.User)
		took := time.Since(start)
		t.Logf("Get without a Secret Service: %s: %v", took.Round(time.Millisecond), err)
		checkUnavailable(t, err)
		checkFast(t, took, timeout, err)
		if !strings.Contains(err.Error(), "org.freedesktop.secrets") {
			t.Errorf("want the bus's error, got %v", err)
		}
	})
}

// TestOSKeyringRealSecretTool: the stock secret-tool (libsecret) sees what
// OSKeyring wrote, and the other way round, under go-keyring's attributes
// service=cabinet username=identity: it is the real Secret Service.
func TestOSKeyringRealSecretTool(t *testing.T) {
	testkeyring.LookPath(t, "secret-tool")
	k := testkeyring.Start(t)
	k.Run(t, func(t *testing.T) {
		secretTool := func(stdin string, args ...string) (string, error) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, "secret-tool", args...)
			cmd.Stdin = strings.NewReader(stdin)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil && stderr.Len() > 0 {
				err = errors.New(err.Error() + ": " + strings.TrimSpace(stderr.String()))
			}
			return string(out), err
		}
		attrs := []string{"service", keysource.Service, "username", keysource.User}
		lookup := append([]string{"lookup"}, attrs...)
		kr := keysource.OSKeyring{}

		written := newIdentity(t)
		if err := kr.Set(keysource.Service, keysource.User, written.Secret); err != nil {
			t.Fatalf("Set: %v", err)
		}
		out, err := secretTool("", lookup...)
		if err != nil {
			t.Fatalf("secret-tool lookup: %v", err)
		}
		if strings.TrimSuffix(out, "\n") != written.Secret {
			t.Fatalf("secret-tool lookup does not return what OSKeyring.Set wrote (%d bytes)", len(out))
		}

		// The other way: secret-tool store replaces the item, OSKeyring reads it.
		stored := newIdentity(t)
		if _, err := secretTool(stored.Secret, append([]string{"store", "--label=cabinet test"}, attrs...)...); err != nil {
			t.Fatalf("secret-tool store: %v", err)
		}
		if get(t, kr) != stored.Secret {
			t.Fatalf("OSKeyring.Get does not return what secret-tool stored")
		}
		id, err := keysource.Sources{Getenv: noEnv, Keyring: kr}.Resolve()
		if err != nil || id.PublicKeys()[0] != stored.Public {
			t.Fatalf("Resolve of the identity stored by secret-tool: %v", err)
		}

		// Delete through OSKeyring: gone for secret-tool too.
		if err := kr.Delete(keysource.Service, keysource.User); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if out, err := secretTool("", lookup...); err == nil || out != "" {
			t.Fatalf("secret-tool still finds the deleted item: %q, %v", out, err)
		}
	})
}
