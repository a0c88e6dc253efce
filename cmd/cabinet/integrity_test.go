package main

// What a teammate with write access to the store (or anyone who can push to
// its Git remote) can do by editing files, tried through the real binary.

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/internal/tmuxdrive"
)

// withIdentityFile gives u an identity file of its own and returns its
// public key.
func (u *user) withIdentityFile(name string) string {
	u.t.Helper()
	file := filepath.Join(u.home, name+".key")
	pub := strings.TrimSpace(u.must("", "identity", "new", "--file", file).out)
	u.env = append(u.env, "CABINET_IDENTITY_FILE="+file)
	return pub
}

func (u *user) secretFile(path string) string {
	return filepath.Join(u.home, "store", "secrets", filepath.FromSlash(path)+".yaml")
}

func (u *user) read(name string) string {
	u.t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		u.t.Fatal(err)
	}
	return string(data)
}

func (u *user) write(name, content string) {
	u.t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		u.t.Fatal(err)
	}
}

var armoredValues = regexp.MustCompile(`(?s)-----BEGIN AGE ENCRYPTED FILE-----.*?-----END AGE ENCRYPTED FILE-----`)

// values returns the armored values of a secret file, newest first.
func values(t *testing.T, content string, want int) []string {
	t.Helper()
	all := armoredValues.FindAllString(content, -1)
	if len(all) != want {
		t.Fatalf("the file has %d values, want %d", len(all), want)
	}
	return all
}

// assertTampered checks that get refuses path with exit 5, names both
// places and prints no value.
func assertTampered(t *testing.T, u *user, path string, mentions ...string) {
	t.Helper()
	r := u.run("", "get", path)
	if r.code != 5 || r.out != "" {
		t.Fatalf("get %s = exit %d, stdout %d bytes, stderr %q; want exit 5 and nothing on stdout", path, r.code, len(r.out), r.err)
	}
	for _, m := range mentions {
		if !strings.Contains(r.err, m) {
			t.Errorf("get %s: error %q does not name %s", path, r.err, m)
		}
	}
	if strings.Count(strings.TrimSpace(r.err), "\n") != 0 {
		t.Errorf("the error is not one line: %q", r.err)
	}
}

func newIntegrityStore(t *testing.T) *user {
	u := newUser(t)
	u.withIdentityFile("alice")
	u.must("", "init", "--member", "alice")
	u.must("prod-pw-1\n", "set", "prod/db/password", "--owner", "data-platform")
	u.must("dev-pw-1\n", "set", "dev/db/password", "--owner", "data-platform")
	return u
}

// TestSwappedValueBlocks: the value blocks of a prod and a dev secret
// swapped by hand are refused on both sides, doctor names them, and the
// files are left as they are.
func TestSwappedValueBlocks(t *testing.T) {
	t.Parallel()
	u := newIntegrityStore(t)
	prodName, devName := u.secretFile("prod/db/password"), u.secretFile("dev/db/password")
	prod, dev := u.read(prodName), u.read(devName)
	pv, dv := values(t, prod, 1)[0], values(t, dev, 1)[0]
	u.write(prodName, strings.Replace(prod, pv, dv, 1))
	u.write(devName, strings.Replace(dev, dv, pv, 1))
	swappedProd := u.read(prodName)

	assertTampered(t, u, "prod/db/password", "prod/db/password", "dev/db/password")
	assertTampered(t, u, "dev/db/password", "dev/db/password", "prod/db/password")
	if r := u.run("", "show", "prod/db/password"); r.code != 5 || !strings.Contains(r.out, "owner:") || !strings.Contains(r.err, "dev/db/password version 1") {
		t.Errorf("show of a swapped value = exit %d, %q", r.code, r.err)
	}
	if r := u.run("", "doctor"); r.code == 0 || !strings.Contains(r.out+r.err, "secrets/prod/db/password.yaml") || !strings.Contains(r.out+r.err, "dev/db/password") {
		t.Errorf("doctor = exit %d:\n%s%s", r.code, r.out, r.err)
	}
	if r := u.run("", "rekey"); r.code == 0 {
		t.Errorf("rekey of swapped values exit 0:\n%s", r.err)
	}
	if u.read(prodName) != swappedProd {
		t.Error("get, doctor or rekey rewrote the tampered file")
	}
}

// TestSwappedCurrentAndPrevious: the values of v2 and v1 swapped in one file
// bring no old value back.
func TestSwappedCurrentAndPrevious(t *testing.T) {
	t.Parallel()
	u := newIntegrityStore(t)
	u.must("prod-pw-2\n", "set", "prod/db/password")
	name := u.secretFile("prod/db/password")
	content := u.read(name)
	vs := values(t, content, 2)
	swapped := strings.Replace(strings.Replace(content, vs[0], "@@V2@@", 1), vs[1], vs[0], 1)
	u.write(name, strings.Replace(swapped, "@@V2@@", vs[1], 1))

	assertTampered(t, u, "prod/db/password", "prod/db/password version 1")
	assertTampered(t, u, "prod/db/password@previous", "prod/db/password version 2")
}

// TestCopiedSecretFile: a dev secret's file copied over a prod one, its
// path: edited to match.
func TestCopiedSecretFile(t *testing.T) {
	t.Parallel()
	u := newIntegrityStore(t)
	dev := u.read(u.secretFile("dev/db/password"))
	u.write(u.secretFile("prod/db/password"), strings.Replace(dev, "path: dev/db/password", "path: prod/db/password", 1))
	assertTampered(t, u, "prod/db/password", "prod/db/password", "dev/db/password")
}

// TestRemovalWithForgedReaders: bob, about to be removed, edits readers:
// and readers_sum of the prod secret to say he never could read it. The
// removal goes by the scopes: the value is re-encrypted without him, bob's
// key no longer opens it (cabinet or the stock age), and it is exposed.
func TestRemovalWithForgedReaders(t *testing.T) {
	t.Parallel()
	age := requireAge(t)
	alice := newIntegrityStore(t)
	bob := newUser(t, "CABINET_STORE="+filepath.Join(alice.home, "store"), "USER=bob")
	bobPub := bob.withIdentityFile("bob")
	alice.must("", "members", "add", "bob", bobPub, "--scope", "prod/")
	if got := bob.must("", "get", "prod/db/password").out; got != "prod-pw-1" {
		t.Fatalf("bob's get before removal = %q", got)
	}
	// bob's forgery: the readers of a secret sealed to alice alone.
	name := alice.secretFile("prod/db/password")
	dev := alice.read(alice.secretFile("dev/db/password"))
	sum := regexp.MustCompile(`(?m)^readers_sum: .*$`).FindString(dev)
	forged := regexp.MustCompile(`(?m)^readers: .*$`).ReplaceAllString(alice.read(name), "readers: [alice]")
	alice.write(name, regexp.MustCompile(`(?m)^readers_sum: .*$`).ReplaceAllString(forged, sum))

	r := alice.must("", "members", "rm", "bob")
	if !strings.Contains(r.err, "re-encrypted 1 of 2") {
		t.Errorf("members rm bob: %q", r.err)
	}
	if r := bob.run("", "get", "prod/db/password"); r.code != 4 || r.out != "" {
		t.Errorf("bob's get after removal = exit %d, %q", r.code, r.err)
	}
	current := values(t, alice.read(name), 1)[0]
	cmd := exec.Command(age, "-d", "-i", filepath.Join(bob.home, "bob.key"))
	cmd.Stdin = strings.NewReader(unindent(current))
	if out, err := cmd.Output(); err == nil {
		t.Errorf("bob's key opens the value after removal with age -d (%d bytes)", len(out))
	}
	if r := alice.must("", "show", "prod/db/password"); !regexp.MustCompile(`status:\s+exposed`).MatchString(r.out) || !strings.Contains(r.out, "bob") {
		t.Errorf("show after removal:\n%s", r.out)
	}
	if r := alice.must("", "ls", "--exposed"); !strings.Contains(r.out, "prod/db/password") || strings.Contains(r.out, "dev/db/password") {
		t.Errorf("ls --exposed after removal:\n%s", r.out)
	}
	if got := alice.must("", "get", "prod/db/password").out; got != "prod-pw-1" {
		t.Errorf("alice's get after removal = %q", got)
	}
}

// TestRemoveUnknownMember: `members rm ghost` is not found (exit 3) and
// writes nothing.
func TestRemoveUnknownMember(t *testing.T) {
	t.Parallel()
	u := newIntegrityStore(t)
	audit := u.read(filepath.Join(u.home, "store", "audit", "alice.jsonl"))
	r := u.run("", "members", "rm", "ghost")
	if r.code != 3 || !strings.Contains(r.err, "ghost") || strings.Contains(r.err, "removed") {
		t.Errorf("members rm ghost = exit %d, %q", r.code, r.err)
	}
	if u.read(filepath.Join(u.home, "store", "audit", "alice.jsonl")) != audit {
		t.Error("members rm ghost wrote to the audit log")
	}
}

func unindent(block string) string {
	lines := strings.Split(block, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, "\n") + "\n"
}

// requireAge returns the stock age command; CABINET_REQUIRE_AGE_CLI=1 makes
// its absence a failure instead of a skip.
func requireAge(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("age")
	if err != nil {
		if os.Getenv("CABINET_REQUIRE_AGE_CLI") == "1" {
			t.Fatalf("the age command is required (CABINET_REQUIRE_AGE_CLI=1): %v", err)
		}
		t.Skip("the age command is not installed")
	}
	return path
}

// TestWorkbenchRevealsAnUnboundValueCleanly: a value sealed by the stock age
// command (no binding, as before bindings existed) is read on the command
// line with a warning on stderr, and in the workbench without one, which
// would tear the screen it owns.
func TestWorkbenchRevealsAnUnboundValueCleanly(t *testing.T) {
	age := requireAge(t)
	u := newIntegrityStore(t)
	pub := strings.TrimSpace(u.must("", "identity", "show").out)
	enc := exec.Command(age, "-e", "-a", "-r", pub)
	enc.Stdin = strings.NewReader("Unbound-Value-42")
	sealed, err := enc.Output()
	if err != nil {
		t.Fatal(err)
	}
	name := u.secretFile("prod/db/password")
	content := u.read(name)
	old := values(t, content, 1)[0]
	indent := old[strings.LastIndex(old, "\n")+1 : strings.Index(old, "-----END")]
	u.write(name, strings.Replace(content, old, strings.ReplaceAll(strings.TrimSpace(string(sealed)), "\n", "\n"+indent), 1))

	r := u.must("", "get", "prod/db/password")
	if r.out != "Unbound-Value-42" || !strings.Contains(r.err, "not bound to its secret yet") {
		t.Fatalf("get = %q, stderr %q", r.out, r.err)
	}
	p := tmuxdrive.Start(t, 80, 24, u.env, u.home, binary)
	p.WaitFor("dev/db/password", screenWait)
	p.Keys("/")
	p.Type("prod")
	p.WaitFor("1 of 2", screenWait)
	p.Keys("Enter", "Enter")
	p.WaitFor("r reveal", screenWait)
	p.Keys("r")
	screen := p.WaitFor("Unbound-Value-42", screenWait)
	if first := strings.SplitN(screen, "\n", 2)[0]; !strings.HasPrefix(first, "cabinet") || strings.Contains(screen, "cabinet: warning") {
		t.Fatalf("the screen was torn:\n%s", screen)
	}
	// The warning is in the footer, in the workbench's own words.
	p.WaitFor("is not bound to its secret yet", screenWait)
}
