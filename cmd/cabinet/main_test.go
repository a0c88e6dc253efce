package main

// End-to-end tests of the built binary, run as a user would run it: a real
// Secret Service on a private D-Bus, identity files, the stock age command.

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/internal/testkeyring"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cabinet-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "cabinet")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// user is one person at a shell: a home, a store and an environment.
type user struct {
	t    *testing.T
	home string
	env  []string
}

func newUser(t *testing.T, extra ...string) *user {
	home := t.TempDir()
	tmp := filepath.Join(home, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"HOME=" + home, "USER=alice", "PATH=" + os.Getenv("PATH"), "TMPDIR=" + tmp,
		"CABINET_STORE=" + filepath.Join(home, "store"),
		// No session bus unless the test gives one: never the developer's.
		"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(home, "no-bus"),
	}
	return &user{t: t, home: home, env: append(env, extra...)}
}

type run struct {
	code     int
	out, err string
	took     time.Duration
}

func (u *user) run(stdin string, args ...string) run {
	u.t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = u.env
	cmd.Dir = u.home
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := run{out: out.String(), err: errb.String(), took: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		u.t.Fatal(err)
	}
	return r
}

func (u *user) must(stdin string, args ...string) run {
	u.t.Helper()
	r := u.run(stdin, args...)
	if r.code != 0 {
		u.t.Fatalf("cabinet %s: exit %d: %s", strings.Join(args, " "), r.code, r.err)
	}
	return r
}

// The README's tour with the identity in the OS keyring.
func TestTourWithOSKeyring(t *testing.T) {
	k := testkeyring.Start(t)
	u := newUser(t)
	u.env = append(u.env, k.Env...)
	pub := strings.TrimSpace(u.must("", "identity", "new").out)
	u.must("", "init", "--member", "alice")
	u.must("s3cr3t-pw\n", "set", "prod/db/password", "--owner", "data-platform", "--every", "90d")
	if got := u.must("", "get", "prod/db/password").out; got != "s3cr3t-pw" {
		t.Fatalf("get = %q", got)
	}
	if r := u.must("", "identity", "show"); strings.TrimSpace(r.out) != pub || !strings.Contains(r.err, "OS keyring") {
		t.Fatalf("identity show = %q %q", r.out, r.err)
	}
	// The key is in the real Secret Service, where secret-tool sees it.
	lookup := exec.Command(testkeyring.LookPath(t, "secret-tool"), "lookup", "service", "cabinet", "username", "identity")
	lookup.Env = u.env
	key, err := lookup.Output()
	if err != nil || !strings.HasPrefix(string(key), "AGE-SECRET-KEY-1") {
		t.Fatalf("secret-tool lookup: %v", err)
	}
	if r := u.must("", "doctor"); !strings.Contains(r.out, "OS keyring: reachable, holds an identity") {
		t.Fatalf("doctor:\n%s", r.out)
	}
}

// The tour again with CABINET_IDENTITY_FILE and no keyring at all; the
// stock age command decrypts the value straight from the secret file.
func TestTourWithIdentityFileAndStockAge(t *testing.T) {
	age := testkeyring.LookPath(t, "age")
	u := newUser(t)
	idFile := filepath.Join(u.home, "identity.txt")
	u.env = append(u.env, "CABINET_IDENTITY_FILE="+idFile)
	u.must("", "identity", "new", "--file", idFile)
	u.must("", "init")
	u.must("line one\nline two\n", "set", "stg/partner/cert", "--owner", "growth")
	if got := u.must("", "get", "stg/partner/cert").out; got != "line one\nline two\n" {
		t.Fatalf("get = %q", got)
	}
	block := armoredValue(t, filepath.Join(u.home, "store", "secrets", "stg", "partner", "cert.yaml"))
	cmd := exec.Command(age, "-d", "-i", idFile)
	cmd.Stdin = strings.NewReader(block)
	out, err := cmd.CombinedOutput()
	if err != nil || string(out) != "line one\nline two\n" {
		t.Fatalf("age -d: %v, %q", err, out)
	}
}

// armoredValue cuts the first armored age value out of a secret file.
func armoredValue(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)-----BEGIN AGE ENCRYPTED FILE-----.*?-----END AGE ENCRYPTED FILE-----`).Find(data)
	if m == nil {
		t.Fatalf("no armored value in %s", name)
	}
	lines := strings.Split(string(m), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, "\n") + "\n"
}

// A Secret Service that owns its bus name but never answers (a stopped
// gnome-keyring-daemon) must not hang cabinet: it fails within the deadline
// and says which other identity sources to use.
func TestHungKeyringFailsWithinTheDeadline(t *testing.T) {
	k := testkeyring.Start(t)
	u := newUser(t)
	u.env = append(u.env, k.Env...)
	u.must("", "identity", "new")
	u.must("", "init")
	u.must("v", "set", "dev/app/key", "--owner", "me")
	k.Freeze()
	for _, c := range []struct {
		timeout string
		limit   time.Duration
	}{{"1s", time.Second}, {"", 3 * time.Second}} {
		v := &user{t: t, home: u.home, env: append(append([]string{}, u.env...), "CABINET_KEYRING_TIMEOUT="+c.timeout)}
		r := v.run("", "get", "dev/app/key")
		if r.code != 4 {
			t.Fatalf("exit %d, want 4: %s", r.code, r.err)
		}
		if r.took > c.limit+2*time.Second {
			t.Fatalf("took %v with a deadline of %v", r.took, c.limit)
		}
		if strings.Count(r.err, "\n") != 1 || !strings.Contains(r.err, "CABINET_IDENTITY_FILE") || !strings.Contains(r.err, "CABINET_IDENTITY ") {
			t.Fatalf("want one line naming both sources, got %q", r.err)
		}
		if !strings.Contains(r.err, "did not answer within "+c.limit.String()) {
			t.Fatalf("stderr %q does not give the deadline", r.err)
		}
	}
}

// No plaintext value appears in the store folder, the audit folder, the
// temporary folder or any command's output other than get's stdout.
func TestNoPlaintextAnywhere(t *testing.T) {
	u := newUser(t)
	idFile := filepath.Join(u.home, "identity.txt")
	u.env = append(u.env, "CABINET_IDENTITY_FILE="+idFile)
	u.must("", "identity", "new", "--file", idFile)
	u.must("", "init")
	canaries := []string{"CANARY-one-4f1d2c", "CANARY-two-88ab01\nsecond line\n", strings.Repeat("CANARY-big-", 20000)}
	// Both streams of every command kept: a successful get, whose job is to
	// print the value, is the one command whose stdout is not kept (a get
	// that fails must print nothing of it either).
	var outputs []string
	keep := func(r run) { outputs = append(outputs, r.out, r.err) }
	for i, v := range canaries {
		keep(u.must(v, "set", fmt.Sprintf("prod/app/key%d", i), "--owner", "me", "--every", "30d"))
		keep(u.must(v+"-next", "set", fmt.Sprintf("prod/app/key%d", i)))
		if got := u.must("", "get", fmt.Sprintf("prod/app/key%d@previous", i)); got.out != v {
			t.Fatalf("get @previous = %.40q", got.out)
		}
	}
	keep(u.must("", "ls"))
	keep(u.must("", "show", "prod/app/key0"))
	keep(u.must("", "ls", "--json"))
	// Failures too: a wrong identity, a damaged file, a value too large.
	other := filepath.Join(u.home, "other.txt")
	u.must("", "identity", "new", "--file", other)
	keep(u.run("", "--identity", other, "get", "prod/app/key0"))
	keep(u.run(canaries[0]+strings.Repeat("x", 1<<20), "set", "prod/app/key0"))
	keep(u.run(canaries[1], "set", "Bad/Path", "--owner", "x"))
	for _, o := range outputs {
		for _, c := range canaries {
			if strings.Contains(o, strings.SplitN(c, "\n", 2)[0]) {
				t.Errorf("a value appears in a command's output: %.80q", o)
			}
		}
	}
	scanned := 0
	_ = filepath.WalkDir(u.home, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		scanned++
		if bytes.Contains(data, []byte("CANARY-")) {
			t.Errorf("%s holds a plaintext value", p)
		}
		return nil
	})
	if scanned < 8 {
		t.Fatalf("scanned only %d files", scanned)
	}
}
