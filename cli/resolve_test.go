package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// conflicted puts prod/db/password in conflict, as a merge of two clones'
// concurrent sets leaves it: v3 "theirs" current (sealed as 2), v2 "ours"
// in conflict, v1 "first" previous.
func conflicted(t *testing.T, e *env) {
	t.Helper()
	file := filepath.Join(e.store(), "secrets", "prod", "db", "password.yaml")
	read := func() string {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	e.must("first", "set", "prod/db/password", "--owner", "data-platform")
	base := read()
	e.now = fixedNow.Add(time.Hour)
	e.must("ours", "set", "prod/db/password")
	ours := read()
	e.now = fixedNow.Add(2 * time.Hour)
	if err := os.WriteFile(file, []byte(base), 0o600); err != nil {
		t.Fatal(err)
	}
	e.must("theirs", "set", "prod/db/password")
	theirs := read()
	o, a, b := driverFiles(t, base, ours, strings.Replace(theirs, "owner: data-platform", "owner: platform", 1))
	e.must("", "merge-driver", o, a, b, "secrets/prod/db/password.yaml")
	data, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	e.now = fixedNow.Add(3 * time.Hour)
}

func TestConflictAtTheCommandLine(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.setup()
	e.must("other", "set", "prod/api/token", "--owner", "growth")
	conflicted(t, e)

	// ls says so, and --conflicts lists only it.
	if r := e.must("", "ls"); !strings.Contains(r.out, "prod/db/password  platform  v3       conflict") {
		t.Errorf("ls:\n%s", r.out)
	}
	if r := e.must("", "ls", "--conflicts"); strings.Contains(r.out, "prod/api/token") || !strings.Contains(r.out, "prod/db/password") {
		t.Errorf("ls --conflicts:\n%s", r.out)
	}
	if r := e.must("", "ls", "--conflicts", "--json"); !strings.Contains(r.out, `"status":"conflict"`) || !strings.Contains(r.out, `{"version":3,"sealed_as":2,"state":"current"`) {
		t.Errorf("ls --conflicts --json:\n%s", r.out)
	}
	// show says what clashes and how to settle it.
	r := e.must("", "show", "prod/db/password")
	for _, want := range []string{
		"status:      conflict",
		"conflict:    v2 made on another clone at the same time (v3, the later, is current); `cabinet resolve prod/db/password --keep N` keeps one",
		"v3    current",
		"(renumbered by a merge: sealed as v2)",
		"v2    conflict",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("show lacks %q:\n%s", want, r.out)
		}
	}
	// get gives the later value, and warns.
	r = e.must("", "get", "prod/db/password")
	if r.out != "theirs" || !strings.Contains(r.err, "warning: prod/db/password is in conflict: another clone made a new value at the same time (v2; this is v3, the later one)") {
		t.Errorf("get: %q, stderr %q", r.out, r.err)
	}
	if r := e.must("", "get", "prod/api/token"); r.err != "" {
		t.Errorf("get of a secret in no conflict warns: %q", r.err)
	}

	// No rotation until it is settled: which value would it replace?
	if r := e.run("new", "rotate", "prod/db/password", "--yes", "--value-stdin"); r.code != ExitConflict || !strings.Contains(r.err, "prod/db/password is in conflict: v2 made on another clone") {
		t.Errorf("rotate of a secret in conflict: exit %d, %q", r.code, r.err)
	}

	// resolve needs to be told which.
	if r := e.run("", "resolve", "prod/db/password"); r.code != ExitUsage || !strings.Contains(r.err, "name the one to keep") {
		t.Errorf("resolve without --keep: exit %d, %q", r.code, r.err)
	}
	if r := e.run("", "resolve", "prod/db/password", "--keep", "1"); r.code != ExitUsage {
		t.Errorf("resolve --keep 1 (previous): exit %d, %q", r.code, r.err)
	}
	r = e.must("", "resolve", "prod/db/password", "--keep", "2")
	if !strings.Contains(r.err, "resolved prod/db/password: v4 is current") {
		t.Errorf("resolve says %q", r.err)
	}
	r = e.must("", "get", "prod/db/password")
	if r.out != "ours" || r.err != "" {
		t.Errorf("get after resolve: %q, stderr %q", r.out, r.err)
	}
	data, _ := os.ReadFile(filepath.Join(e.store(), "secrets", "prod", "db", "password.yaml"))
	file := string(data)
	if strings.Contains(file, "state: conflict") || strings.Contains(file, "conflicts:") || !strings.Contains(file, "  - version: 4\n    state: current\n") {
		t.Errorf("after resolve, the file (the kept value sealed again as v4):\n%s", file)
	}
	if !strings.Contains(file, "  - version: 3\n    sealed_as: 2\n    state: previous\n") {
		t.Errorf("after resolve, the value not kept is gone:\n%s", file)
	}
	if r := e.must("", "get", "prod/db/password#3"); r.out != "theirs" {
		t.Errorf("the value not kept: %q", r.out)
	}
	audit, _ := os.ReadFile(filepath.Join(e.store(), "audit", "alice.jsonl"))
	if !strings.Contains(string(audit), `"action":"resolve","path":"prod/db/password","version":4,"outcome":"ok","detail":"kept v4"`) {
		t.Errorf("the audit log lacks the resolve:\n%s", audit)
	}
	if r := e.run("", "resolve", "prod/db/password", "--keep", "4"); r.code != ExitFailed || !strings.Contains(r.err, "is not in conflict") {
		t.Errorf("resolve again: exit %d, %q", r.code, r.err)
	}

	// Fields changed on both clones: the merge kept one; resolve accepts it.
	file = filepath.Join(e.store(), "secrets", "prod", "api", "token.yaml")
	data, _ = os.ReadFile(file)
	base := string(data)
	o, a, b := driverFiles(t, base, strings.Replace(base, "owner: growth", "owner: sales", 1), strings.Replace(base, "owner: growth", "owner: marketing", 1))
	e.must("", "merge-driver", o, a, b, "secrets/prod/api/token.yaml")
	data, _ = os.ReadFile(a)
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "owner: sales\n") || !strings.Contains(string(data), "conflicts: [owner]\n") {
		t.Errorf("the merged file:\n%s", data)
	}
	if r := e.must("", "show", "prod/api/token"); !strings.Contains(r.out, "conflict:    owner changed on two clones at the same time; `cabinet resolve prod/api/token` accepts what the merge kept") {
		t.Errorf("show:\n%s", r.out)
	}
	if r := e.must("", "get", "prod/api/token"); !strings.Contains(r.err, "prod/api/token is in conflict: two clones changed its owner at the same time") {
		t.Errorf("get warns %q", r.err)
	}
	if r := e.must("", "resolve", "prod/api/token"); !strings.Contains(r.err, "resolved prod/api/token: the fields the merge kept stay") {
		t.Errorf("resolve says %q", r.err)
	}
	if r := e.must("", "ls", "--conflicts"); r.out != "" {
		t.Errorf("ls --conflicts after resolving everything:\n%s", r.out)
	}
}
