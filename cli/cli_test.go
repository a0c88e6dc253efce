package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/crypto/keysource"
	"github.com/cabinethq/cabinet/internal/memkeyring"
)

// fixedNow is the clock of every command in these tests.
var fixedNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// env is one user's shell: a store folder, an environment and a keyring.
type env struct {
	t       *testing.T
	dir     string
	vars    map[string]string
	keyring keysource.Keyring
	now     time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	return &env{t: t, dir: dir, keyring: &memkeyring.Keyring{}, now: fixedNow,
		vars: map[string]string{"CABINET_STORE": filepath.Join(dir, "store"), "USER": "alice", "HOME": dir}}
}

type result struct {
	code     ExitCode
	out, err string
}

// run runs one command line with stdin and returns what a user sees.
func (e *env) run(stdin string, args ...string) result {
	e.t.Helper()
	var out, errb bytes.Buffer
	a := &App{
		In: strings.NewReader(stdin), Out: &out, Err: &errb,
		Getenv:   func(k string) string { return e.vars[k] },
		Now:      func() time.Time { return e.now },
		Keyring:  e.keyring,
		Terminal: func(any) bool { return false },
	}
	code := Run(a, args)
	return result{code: code, out: out.String(), err: errb.String()}
}

// must runs a command that has to succeed.
func (e *env) must(stdin string, args ...string) result {
	e.t.Helper()
	r := e.run(stdin, args...)
	if r.code != ExitOK {
		e.t.Fatalf("cabinet %s: exit %d, stderr %q", strings.Join(args, " "), r.code, r.err)
	}
	return r
}

// setup makes an identity in the keyring and a store with alice in it.
func (e *env) setup() (public string) {
	e.t.Helper()
	r := e.must("", "identity", "new")
	e.must("", "init")
	return strings.TrimSpace(r.out)
}

func (e *env) store() string { return e.vars["CABINET_STORE"] }

func TestTourThroughTheCommandLine(t *testing.T) {
	e := newEnv(t)
	pub := e.setup()
	if !strings.HasPrefix(pub, "age1") {
		t.Fatalf("identity new printed %q, want a public key", pub)
	}
	e.must("hunter2\n", "set", "prod/db/password", "--owner", "data-platform", "--every", "90d", "--tags", "warehouse,etl")
	if r := e.must("", "get", "prod/db/password"); r.out != "hunter2" {
		t.Fatalf("get printed %q, want the bare value without newline", r.out)
	}
	e.must("", "set", "prod/db/password", "--generate", "--length", "40", "--charset", "hex")
	r := e.must("", "get", "prod/db/password")
	if len(r.out) != 40 || strings.Trim(r.out, "0123456789abcdef") != "" {
		t.Fatalf("generated value %q is not 40 hex characters", r.out)
	}
	if r := e.must("", "get", "prod/db/password@previous"); r.out != "hunter2" {
		t.Fatalf("get @previous = %q", r.out)
	}
	if r := e.must("", "get", "secret://prod/db/password#1"); r.out != "hunter2" {
		t.Fatalf("get #1 = %q", r.out)
	}
	e.must("", "edit", "prod/db/password", "--owner", "analytics", "--description", "ETL user")

	var list []lsEntry
	if err := json.Unmarshal([]byte(e.must("", "ls", "--json").out), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Owner != "analytics" || *list[0].Version != 2 || list[0].Status != "ok" || list[0].Every != "90d" {
		t.Fatalf("ls --json = %+v", list)
	}
	table := e.must("", "ls").out
	for _, want := range []string{"PATH", "prod/db/password", "analytics", "v2", "ok", "2027-02-21"} {
		if !strings.Contains(table, want) {
			t.Errorf("ls table lacks %q:\n%s", want, table)
		}
	}
	show := e.must("", "show", "prod/db/password").out
	for _, want := range []string{"owner:       analytics", "policy 90d", "v2", "current", "previous", "by alice", "scope:       * (alice)"} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}
	e.must("", "rm", "prod/db/password", "--force")
	if r := e.run("", "get", "prod/db/password"); r.code != ExitNotFound {
		t.Fatalf("get after rm: exit %d", r.code)
	}
}

func TestSetKeepsMultiLineValuesExactly(t *testing.T) {
	e := newEnv(t)
	e.setup()
	pem := "-----BEGIN KEY-----\nabc\n-----END KEY-----\n"
	e.must(pem, "set", "dev/app/key", "--owner", "me")
	if r := e.must("", "get", "dev/app/key"); r.out != pem {
		t.Fatalf("get = %q, want %q", r.out, pem)
	}
	e.must("a\r\n", "set", "dev/app/crlf", "--owner", "me")
	if r := e.must("", "get", "dev/app/crlf"); r.out != "a" {
		t.Fatalf("a single line loses its CRLF: got %q", r.out)
	}
}

func TestLsFiltersByPrefixAndDeadline(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.now = fixedNow.AddDate(0, 0, -100)
	e.must("x", "set", "prod/db/password", "--owner", "a", "--every", "90d") // overdue now
	e.now = fixedNow.AddDate(0, 0, -80)
	e.must("x", "set", "prod/dbx/token", "--owner", "a", "--every", "90d") // due in 10 days
	e.now = fixedNow
	e.must("x", "set", "dev/app/key", "--owner", "a", "--every", "90d") // ok
	e.must("x", "set", "stg/app/key", "--owner", "a")                   // no policy
	paths := func(args ...string) string {
		var list []lsEntry
		if err := json.Unmarshal([]byte(e.must("", append([]string{"ls", "--json"}, args...)...).out), &list); err != nil {
			t.Fatal(err)
		}
		var p []string
		for _, x := range list {
			p = append(p, x.Path+"="+x.Status)
		}
		return strings.Join(p, " ")
	}
	for _, c := range []struct{ args, want string }{
		{"", "dev/app/key=ok prod/db/password=overdue prod/dbx/token=due stg/app/key=no-policy"},
		{"prod/db", "prod/db/password=overdue"},
		{"--due", "prod/db/password=overdue prod/dbx/token=due"},
		{"--overdue", "prod/db/password=overdue"},
	} {
		if got := paths(strings.Fields(c.args)...); got != c.want {
			t.Errorf("ls %s = %q, want %q", c.args, got, c.want)
		}
	}
}

func TestNewSecretNeedsAnOwner(t *testing.T) {
	e := newEnv(t)
	e.setup()
	r := e.run("v", "set", "prod/db/password")
	if r.code != ExitUsage || !strings.Contains(r.err, "--owner") {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
}

func TestIdentityCommands(t *testing.T) {
	e := newEnv(t)
	pub := strings.TrimSpace(e.must("", "identity", "new").out)
	if r := e.run("", "identity", "new"); r.code == ExitOK || !strings.Contains(r.err, "--force") {
		t.Fatalf("a second identity new must refuse without --force: exit %d %q", r.code, r.err)
	}
	r := e.must("", "identity", "show")
	if strings.TrimSpace(r.out) != pub || !strings.Contains(r.err, "OS keyring") {
		t.Fatalf("identity show = %q / %q", r.out, r.err)
	}
	if strings.Contains(r.out+r.err, "AGE-SECRET-KEY") {
		t.Fatal("identity show printed the private key without being asked")
	}
	priv := e.must("", "identity", "show", "--private-key").out
	if !strings.HasPrefix(priv, "AGE-SECRET-KEY-1") {
		t.Fatalf("--private-key printed %q", priv)
	}
	if r := e.run("", "identity", "rm"); r.code != ExitUsage {
		t.Fatalf("identity rm without a terminal or --yes: exit %d", r.code)
	}
	e.must("", "identity", "rm", "--yes")
	if r := e.run("", "identity", "show"); r.code != ExitNoIdentity || !strings.Contains(r.err, "cabinet identity new") {
		t.Fatalf("after rm: exit %d %q", r.code, r.err)
	}
	// Import it back from a file, then from stdin.
	file := filepath.Join(e.dir, "key.txt")
	if err := os.WriteFile(file, []byte("# a comment\n"+priv), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := e.must("", "identity", "import", file); strings.TrimSpace(r.out) != pub {
		t.Fatalf("import printed %q, want %s", r.out, pub)
	}
	if r := e.must(priv, "identity", "import", "--force"); strings.TrimSpace(r.out) != pub {
		t.Fatalf("import from stdin printed %q", r.out)
	}
	if r := e.run("age1notakey\n", "identity", "import", "--force"); r.code == ExitOK || !strings.Contains(r.err, "public key") {
		t.Fatalf("importing a public key: exit %d %q", r.code, r.err)
	}
}

func TestIdentityFileBeatsKeyring(t *testing.T) {
	e := newEnv(t)
	e.setup()
	file := filepath.Join(e.dir, "other.txt")
	other := strings.TrimSpace(e.must("", "identity", "new", "--file", file).out)
	info, err := os.Stat(file)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("identity file mode: %v %v", info.Mode(), err)
	}
	e.vars["CABINET_IDENTITY_FILE"] = file
	r := e.must("", "identity", "show")
	if strings.TrimSpace(r.out) != other || !strings.Contains(r.err, file) {
		t.Fatalf("identity show with CABINET_IDENTITY_FILE = %q %q", r.out, r.err)
	}
}

func TestMembersAndScopes(t *testing.T) {
	alice := newEnv(t)
	alice.setup()
	alice.must("prod-secret", "set", "prod/db/password", "--owner", "a")
	alice.must("dev-secret", "set", "dev/db/password", "--owner", "a")

	// Bob has his own keyring and shares alice's store.
	bob := newEnv(t)
	bob.vars["CABINET_STORE"] = alice.store()
	bobKey := strings.TrimSpace(bob.must("", "identity", "new").out)
	if r := bob.run("", "get", "dev/db/password"); r.code != ExitNoIdentity || !strings.Contains(r.err, "alice") {
		t.Fatalf("bob before being added: exit %d %q", r.code, r.err)
	}
	alice.must("", "members", "add", "bob", bobKey, "--scope", "dev/")
	if r := bob.must("", "get", "dev/db/password"); r.out != "dev-secret" {
		t.Fatalf("bob reads %q", r.out)
	}
	if r := bob.run("", "get", "prod/db/password"); r.code != ExitNoIdentity {
		t.Fatalf("bob must not read prod: exit %d", r.code)
	}
	if out := alice.must("", "scopes", "ls").out; !strings.Contains(out, "dev/   alice bob") && !strings.Contains(out, "dev/  alice bob") {
		t.Fatalf("scopes ls:\n%s", out)
	}
	alice.must("", "members", "rm", "bob")
	if r := bob.run("", "get", "dev/db/password"); r.code != ExitNoIdentity {
		t.Fatalf("bob after removal: exit %d", r.code)
	}
	if r := alice.must("", "ls", "dev/"); !strings.Contains(r.out, "exposed") {
		t.Fatalf("a secret bob could read is not exposed:\n%s", r.out)
	}
	if r := alice.run("", "scopes", "set", "prod/", "carol"); r.code != ExitUsage || !strings.Contains(r.err, "carol is not a member") {
		t.Fatalf("scope with an unknown member: exit %d %q", r.code, r.err)
	}
	if r := alice.must("", "doctor"); !strings.Contains(r.out, "sealed to its scope") {
		t.Fatalf("doctor:\n%s", r.out)
	}
}

// snapshot records every file's mode and content digest below dir, except
// the local index cache and lock, which are not part of the inventory.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == ".cabinet/cache" {
			return filepath.SkipDir
		}
		if rel == ".cabinet/lock" {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		entry := info.Mode().String()
		if !d.IsDir() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			entry += " " + hex.EncodeToString(sum[:])
		}
		snap[rel] = entry
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// auditGrowsOnly checks that audit files only gained lines at their end.
func sameExceptAuditAppends(t *testing.T, dir string, before, after map[string]string, beforeAudit map[string][]byte) {
	t.Helper()
	for name, entry := range before {
		if strings.HasPrefix(name, "audit/") && strings.HasSuffix(name, ".jsonl") {
			data, _ := os.ReadFile(filepath.Join(dir, name))
			if !bytes.HasPrefix(data, beforeAudit[name]) {
				t.Errorf("%s was rewritten, not appended to", name)
			}
			continue
		}
		if after[name] != entry {
			t.Errorf("%s changed: %s -> %s", name, entry, after[name])
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok && !strings.HasPrefix(name, "audit/") {
			t.Errorf("%s appeared", name)
		}
	}
}

func readAudit(dir string) map[string][]byte {
	m := map[string][]byte{}
	files, _ := filepath.Glob(filepath.Join(dir, "audit", "*.jsonl"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		rel, _ := filepath.Rel(dir, f)
		m[rel] = data
	}
	return m
}

var errNever = errors.New("never")
