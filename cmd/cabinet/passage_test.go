package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// passageStore is a passage store (github.com/FiloSottile/passage) at
// dir, its files sealed to the identity in identities.
type passageStore struct {
	t                *testing.T
	dir, identities  string
	passage, ageTool string // passage's script, or "" to write as it does with age
}

// newPassageStore makes an empty passage store with a new identity. The
// entries are written by the passage script when it is installed ($PATH,
// or CABINET_PASSAGE naming the script), else by the stock age command
// exactly as `passage insert -m` runs it: the folders made, and
// `age -e -R STORE/.age-recipients -o STORE/NAME.age` reading the entry.
func newPassageStore(t *testing.T, home string) *passageStore {
	t.Helper()
	ageTool, err := exec.LookPath("age")
	if err != nil {
		if os.Getenv("CABINET_REQUIRE_AGE_CLI") == "1" {
			t.Fatalf("the age command is required (CABINET_REQUIRE_AGE_CLI=1) but not found: %v", err)
		}
		t.Skip("the age command is not installed; set CABINET_REQUIRE_AGE_CLI=1 to make this a failure")
	}
	p := &passageStore{t: t, dir: filepath.Join(home, ".passage", "store"), identities: filepath.Join(home, ".passage", "identities"), ageTool: ageTool}
	if script := os.Getenv("CABINET_PASSAGE"); script != "" {
		p.passage = script
	} else if script, err := exec.LookPath("passage"); err == nil {
		p.passage = script
	}
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("age-keygen", "-o", p.identities).CombinedOutput()
	if err != nil {
		t.Fatalf("age-keygen: %v: %s", err, out)
	}
	recipient, err := exec.Command("age-keygen", "-y", p.identities).Output()
	if err != nil {
		t.Fatalf("age-keygen -y: %v", err)
	}
	if err := os.WriteFile(filepath.Join(p.dir, ".age-recipients"), recipient, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// insert adds name with content, as `passage insert -m name` does.
func (p *passageStore) insert(name, content string) {
	p.t.Helper()
	var cmd *exec.Cmd
	if p.passage != "" {
		cmd = exec.Command(p.passage, "insert", "-m", name)
		// None of the caller's own passage settings: PASSAGE_RECIPIENTS or
		// PASSAGE_RECIPIENTS_FILE would seal the entry to them rather than to
		// the store's .age-recipients.
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "PASSAGE_") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, "PASSAGE_DIR="+p.dir, "PASSAGE_IDENTITIES_FILE="+p.identities)
	} else {
		file := filepath.Join(p.dir, filepath.FromSlash(name)+".age")
		if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
			p.t.Fatal(err)
		}
		cmd = exec.Command(p.ageTool, "-e", "-R", filepath.Join(p.dir, ".age-recipients"), "-o", file)
	}
	cmd.Stdin = strings.NewReader(content)
	if out, err := cmd.CombinedOutput(); err != nil {
		p.t.Fatalf("passage insert %s: %v: %s", name, err, out)
	}
}

// TestImportPassageStore: a passage store's entries become secrets, their
// first line the value and their owner:, description: and tags: lines the
// metadata, decrypted with PASSAGE_IDENTITIES_FILE.
func TestImportPassageStore(t *testing.T) {
	u := fileUser(t)
	p := newPassageStore(t, u.home)
	t.Logf("passage store written by %s", map[bool]string{true: "the passage script " + p.passage, false: "age, as passage insert -m runs it"}[p.passage != ""])
	p.insert("db/password", "hunter2\nowner: data-platform\ndescription: the warehouse login\ntags: etl, warehouse\nurl: postgres://db\n")
	p.insert("api/partner-token", "tok-123\n")
	if err := os.Mkdir(filepath.Join(p.dir, ".git"), 0o700); err != nil {
		t.Fatal(err)
	}
	u.write(filepath.Join(p.dir, ".git", "junk.age"), "not a secret")

	// The identities come from PASSAGE_IDENTITIES_FILE; a new secret with no
	// owner: line needs --owner.
	u.env = append(u.env, "PASSAGE_IDENTITIES_FILE="+p.identities)
	if r := u.run("", "import", p.dir, "--prefix", "prod/"); r.code != 2 || !strings.Contains(r.err, "prod/api/partner-token is a new secret: give its owner") {
		t.Fatalf("without --owner: exit %d, %q", r.code, r.err)
	}
	r := u.must("", "import", p.dir, "--prefix", "prod/", "--owner", "growth")
	if r.out != "created   prod/api/partner-token v1\ncreated   prod/db/password v1\n" {
		t.Fatalf("import printed %q", r.out)
	}
	if !strings.Contains(r.err, "warning: db/password.age: line 5 ignored") || strings.Contains(r.err+r.out, "hunter2") || strings.Contains(r.err, "postgres://") {
		t.Fatalf("stderr %q", r.err)
	}
	if got := u.must("", "get", "prod/db/password").out; got != "hunter2" {
		t.Fatalf("value %q", got)
	}
	if got := u.must("", "get", "prod/api/partner-token").out; got != "tok-123" {
		t.Fatalf("value %q", got)
	}
	show := u.must("", "show", "prod/db/password").out
	for _, want := range []string{"owner:       data-platform", "description: the warehouse login", "tags:        etl, warehouse"} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}
	if got := u.must("", "show", "prod/api/partner-token").out; !strings.Contains(got, "owner:       growth") {
		t.Errorf("--owner not used:\n%s", got)
	}
	// Again: nothing changes.
	if r := u.must("", "import", p.dir, "--prefix", "prod/", "--owner", "growth"); strings.Count(r.out, "unchanged") != 2 {
		t.Fatalf("re-import: %q", r.out)
	}
}

// Without the right identity, or with paths that name no environment,
// nothing is imported.
func TestImportPassageRefusals(t *testing.T) {
	u := fileUser(t)
	p := newPassageStore(t, u.home)
	p.insert("db/password", "hunter2\n")
	other := filepath.Join(u.home, "other-identity")
	if out, err := exec.Command("age-keygen", "-o", other).CombinedOutput(); err != nil {
		t.Fatalf("age-keygen: %v: %s", err, out)
	}
	if r := u.run("", "import", p.dir, "--prefix", "prod", "--owner", "o", "--identities", other); r.code != 4 || !strings.Contains(r.err, "db/password.age: cannot decrypt it: no identity matches") {
		t.Fatalf("another identity: exit %d, %q", r.code, r.err)
	}
	if r := u.run("", "import", p.dir, "--owner", "o", "--identities", p.identities); r.code != 2 || !strings.Contains(r.err, `db/password.age: invalid secret path "db/password"`) {
		t.Fatalf("no prefix: exit %d, %q", r.code, r.err)
	}
	if r := u.must("", "ls", "--json"); strings.TrimSpace(r.out) != "[]" {
		t.Fatalf("something was imported: %s", r.out)
	}
}
