package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// file writes a file into the test's folder and returns its name.
func (e *env) file(name, content string) string {
	e.t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// showLines is what `cabinet show` says of path, for comparing metadata.
func (e *env) showLines(path string, prefixes ...string) string {
	e.t.Helper()
	var kept []string
	for _, line := range strings.Split(e.must("", "show", path).out, "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(line, p) {
				kept = append(kept, line)
			}
		}
	}
	return strings.Join(kept, "\n")
}

func TestImportListFromTheIssue(t *testing.T) {
	e := newEnv(t)
	e.setup()
	list := e.file("secrets.json", `{"secrets": [{"path": "db/password", "env": "prod", "owner": "data-platform", "rotation_days": 90}]}`)
	r := e.must("", "import", list)
	if r.out != "created   prod/db/password (no value)\n" || r.err != "imported 1 secret: 1 created\n" {
		t.Fatalf("import printed %q and %q", r.out, r.err)
	}
	var ls []lsEntry
	if err := json.Unmarshal([]byte(e.must("", "ls", "--json").out), &ls); err != nil {
		t.Fatal(err)
	}
	if len(ls) != 1 || ls[0].Path != "prod/db/password" || ls[0].Owner != "data-platform" || ls[0].Every != "90d" || ls[0].Status != "no-value" || ls[0].Version != nil {
		t.Fatalf("ls --json = %+v", ls)
	}
	if r := e.run("", "get", "prod/db/password"); r.code != ExitNotFound {
		t.Fatalf("get of a secret without a value: exit %d", r.code)
	}
}

func TestImportYAMLWithValues(t *testing.T) {
	e := newEnv(t)
	e.setup()
	list := e.file("secrets.yaml", `
stg/api/token:
  owner: growth
  description: partner API
  tags: [partner, billing]
  every: 2w
  value: "tok:1 #not a comment"
stg/api/pem:
  owner: growth
  value: |
    -----BEGIN KEY-----
    abc
    -----END KEY-----
`)
	r := e.must("", "import", list)
	if !strings.Contains(r.out, "created   stg/api/token v1\n") || !strings.Contains(r.out, "created   stg/api/pem v1\n") {
		t.Fatalf("import printed %q", r.out)
	}
	if strings.Contains(r.out+r.err, "tok:1") || strings.Contains(r.out+r.err, "abc") {
		t.Fatalf("import printed a value: %q %q", r.out, r.err)
	}
	if got := e.must("", "get", "stg/api/token").out; got != "tok:1 #not a comment" {
		t.Fatalf("value %q", got)
	}
	if got := e.must("", "get", "stg/api/pem").out; got != "-----BEGIN KEY-----\nabc\n-----END KEY-----\n" {
		t.Fatalf("multi-line value %q", got)
	}
	if got := e.showLines("stg/api/token", "description:", "tags:"); got != "description: partner API\ntags:        partner, billing" {
		t.Fatalf("metadata:\n%s", got)
	}
}

// A bad entry anywhere stops the import before anything is written: one
// line naming the entry and the field, exit 2, no value quoted.
func TestImportBadEntryImportsNothing(t *testing.T) {
	e := newEnv(t)
	e.setup()
	before := snapshotStore(t, e.store())
	for name, c := range map[string]struct{ list, want string }{
		"bad path":      {`[{"path": "prod/ok", "owner": "o", "value": "SEKRET"}, {"path": "prod/Bad", "owner": "o", "value": "SEKRET"}]`, `entry 2 (prod/Bad): path: invalid secret path`},
		"missing owner": {`[{"path": "prod/ok", "owner": "o"}, {"path": "prod/x", "value": "SEKRET"}]`, `entry 2 (prod/x): owner: missing`},
		"unknown field": {`[{"path": "prod/ok", "owner": "o"}, {"path": "prod/y", "owner": "o", "pasword": "SEKRET"}]`, `entry 2 (prod/y): unknown field "pasword"`},
		"too large":     {`[{"path": "prod/ok", "owner": "o", "value": "x"}, {"path": "prod/big", "owner": "o", "value": "` + strings.Repeat("S", 1<<20+1) + `"}]`, `prod/big: `},
		"no runbook":    {`[{"path": "prod/ok", "owner": "o"}, {"path": "prod/z", "owner": "o", "runbook": "nope"}]`, `prod/z: runbook: unknown runbook "nope"`},
	} {
		t.Run(name, func(t *testing.T) {
			r := e.run("", "import", e.file("bad.json", c.list))
			if r.code != ExitUsage {
				t.Fatalf("exit %d, stderr %q", r.code, r.err)
			}
			if !strings.Contains(r.err, c.want) || strings.Count(r.err, "\n") != 1 || strings.Contains(r.err, "SEKRET") || r.out != "" {
				t.Fatalf("stderr %q, want one line with %q and no value", r.err, c.want)
			}
			if after := snapshotStore(t, e.store()); after != before {
				t.Fatalf("the store changed:\n%s", after)
			}
		})
	}
}

func TestReimportChangesNothingWithoutUpdate(t *testing.T) {
	e := newEnv(t)
	e.setup()
	list := e.file("s.json", `[{"path": "prod/db/password", "owner": "data-platform", "every": "90d", "value": "first"}]`)
	e.must("", "import", list)
	before := snapshotStore(t, e.store())
	r := e.must("", "import", list)
	if r.out != "unchanged prod/db/password (already there: --update changes it)\n" || r.err != "imported 1 secret: 1 unchanged\n" {
		t.Fatalf("re-import printed %q and %q", r.out, r.err)
	}
	// A changed list is not applied either without --update.
	changed := e.file("s.json", `[{"path": "prod/db/password", "owner": "analytics", "every": "30d", "value": "second"}]`)
	e.must("", "import", changed)
	if after := snapshotStore(t, e.store()); after != before {
		t.Fatalf("a re-import changed the store")
	}
	if got := e.must("", "get", "prod/db/password").out; got != "first" {
		t.Fatalf("value %q", got)
	}
}

func TestImportUpdate(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.must("", "import", e.file("s.json", `[
	  {"path": "prod/a", "owner": "data-platform", "value": "one"},
	  {"path": "prod/b", "owner": "data-platform", "value": "two"},
	  {"path": "prod/c", "owner": "data-platform"}]`))
	// a: same value, new owner; b: new value; c: gets a value; d: new.
	list := e.file("s.json", `[
	  {"path": "prod/a", "owner": "analytics", "value": "one"},
	  {"path": "prod/b", "owner": "data-platform", "value": "two-changed"},
	  {"path": "prod/c", "owner": "data-platform", "value": "three"},
	  {"path": "prod/d", "owner": "data-platform"}]`)
	dry := e.must("", "import", list, "--update", "--dry-run")
	if !strings.Contains(dry.err, "dry run") || e.must("", "get", "prod/b").out != "two" {
		t.Fatalf("--dry-run: %q, or it changed prod/b", dry.err)
	}
	r := e.must("", "import", list, "--update", "--json")
	var got struct {
		Secrets []importLine `json:"secrets"`
	}
	if err := json.Unmarshal([]byte(r.out), &got); err != nil {
		t.Fatal(err)
	}
	want := []importLine{{Path: "prod/a", Action: "updated"}, {Path: "prod/b", Action: "set", Version: 2}, {Path: "prod/c", Action: "set", Version: 1}, {Path: "prod/d", Action: "created", Note: "no value"}}
	if len(got.Secrets) != len(want) {
		t.Fatalf("--json = %s", r.out)
	}
	for i := range want {
		if got.Secrets[i] != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, got.Secrets[i], want[i])
		}
	}
	if e.showLines("prod/a", "owner:") != "owner:       analytics" || e.must("", "get", "prod/b").out != "two-changed" || e.must("", "get", "prod/c").out != "three" {
		t.Fatal("--update did not change the store as it said")
	}
	// The same list again: nothing differs.
	if r := e.must("", "import", list, "--update"); strings.Count(r.out, "unchanged") != 4 {
		t.Fatalf("second --update: %q", r.out)
	}
}

func TestImportDotenv(t *testing.T) {
	e := newEnv(t)
	e.setup()
	file := e.file("etl.env", "# the ETL job\nexport DB_PASSWORD=\"p@ss w\\\"rd\\n2\"\nAPI_TOKEN=abc123 # comment\nRAW_KEY='it $s'\n\n")
	if r := e.run("", "import", file, "--prefix", "prod/etl/"); r.code != ExitUsage || !strings.Contains(r.err, "prod/etl/db-password is a new secret: give its owner with --owner") {
		t.Fatalf("without --owner: exit %d, %q", r.code, r.err)
	}
	if r := e.run("", "import", file); r.code != ExitUsage || !strings.Contains(r.err, "needs --prefix") {
		t.Fatalf("without --prefix: exit %d, %q", r.code, r.err)
	}
	r := e.must("", "import", file, "--prefix", "prod/etl/", "--owner", "data-platform")
	if r.out != "created   prod/etl/db-password v1\ncreated   prod/etl/api-token v1\ncreated   prod/etl/raw-key v1\n" {
		t.Fatalf("import printed %q", r.out)
	}
	for path, want := range map[string]string{"prod/etl/db-password": "p@ss w\"rd\n2", "prod/etl/api-token": "abc123", "prod/etl/raw-key": "it $s"} {
		if got := e.must("", "get", path).out; got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	bad := e.file("bad.env", "A=1\nB=\"SEKRET\n")
	if r := e.run("", "import", bad, "--prefix", "prod/etl", "--owner", "o"); r.code != ExitUsage || !strings.Contains(r.err, "line 2: B: the double quote is not closed") || strings.Contains(r.err, "SEKRET") {
		t.Fatalf("bad .env: exit %d, %q", r.code, r.err)
	}
}

func TestImportRefusesFlagsItWouldIgnore(t *testing.T) {
	e := newEnv(t)
	e.setup()
	list := e.file("s.json", `[]`)
	for _, args := range [][]string{
		{"import", list, "--prefix", "prod/"},
		{"import", list, "--format", "dotenv", "--env", "prod"},
		{"import", list, "--format", "yaml"},
		{"import", e.file("secrets.txt", "A=1")},
		{"import", e.dir, "--format", "list"},
	} {
		if r := e.run("", args...); r.code != ExitUsage {
			t.Errorf("%v: exit %d, %q", args, r.code, r.err)
		}
	}
}
