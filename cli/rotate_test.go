package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const confirmRunbook = `name: db-password
steps:
  - name: apply
    run: echo "applying $CABINET_NEW over $CABINET_OLD"
  - name: promote
  - name: old one revoked
    confirm: "Old password revoked?"
rollback:
  - run: echo "restoring $CABINET_OLD"
`

func (e *env) runbook(name, text string) {
	e.t.Helper()
	if err := os.WriteFile(filepath.Join(e.store(), "runbooks", name+".yaml"), []byte(text), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

func TestRotateWithoutARunbook(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.must("first-value\n", "set", "prod/db/password", "--owner", "data-platform", "--every", "90d")
	r := e.must("", "rotate", "prod/db/password")
	if !strings.Contains(r.err, "rotated prod/db/password: v2 is current") {
		t.Fatalf("stderr %q", r.err)
	}
	if got := e.must("", "get", "prod/db/password").out; len(got) != 32 || got == "first-value" {
		t.Fatalf("new value of %d characters", len(got))
	}
	if got := e.must("", "get", "prod/db/password@previous").out; got != "first-value" {
		t.Fatal("the old value is not previous")
	}
	e.must("typed-next\n", "rotate", "prod/db/password", "--value-stdin")
	if got := e.must("", "get", "prod/db/password").out; got != "typed-next" {
		t.Fatalf("--value-stdin: %q", got)
	}
}

// runOnTerminal runs a command line as run does, with stdin and stderr
// taken for a terminal (confirm steps read their answers from stdin).
func (e *env) runOnTerminal(stdin string, args ...string) result {
	e.t.Helper()
	var out, errb bytes.Buffer
	a := &App{
		In: strings.NewReader(stdin), Out: &out, Err: &errb,
		Getenv:   func(k string) string { return e.vars[k] },
		Now:      func() time.Time { return e.now },
		Keyring:  e.keyring,
		Terminal: func(s any) bool { return s != any(&out) },
	}
	code := Run(a, args)
	return result{code: code, out: out.String(), err: errb.String()}
}

// snapshotStore is every file of the store, the audit log included, but
// the listing cache and the lock.
func snapshotStore(t *testing.T, dir string) string {
	t.Helper()
	data, _ := os.ReadFile(filepath.Join(dir, "audit", "alice.jsonl"))
	return snapshotFiles(t, dir) + "audit\n" + string(data)
}

// Off a terminal and without --yes, a rotation whose runbook would ask a
// confirm step is refused before anything happens: nothing staged, no step
// run, no audit line. Before, it staged, applied and promoted the new
// value, and only then stopped with exit 2 at the question.
func TestRotateOffATerminalRefusesBeforeAnything(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.runbook("db-password", confirmRunbook)
	e.runbook("undo-asks", "name: undo-asks\nsteps:\n  - name: promote\nrollback:\n  - confirm: \"Restored by hand?\"\n")
	e.must("old-pw\n", "set", "prod/db/password", "--owner", "data-platform", "--runbook", "db-password")
	e.must("old-pw\n", "set", "prod/db/other", "--owner", "data-platform", "--runbook", "undo-asks")
	refused := func(question string, args ...string) {
		t.Helper()
		before := snapshotStore(t, e.store())
		r := e.run("", args...)
		if r.code != ExitUsage || strings.Count(r.err, "\n") != 1 || !strings.Contains(r.err, "asks \""+question+"\" and no terminal is attached") ||
			!strings.Contains(r.err, "nothing was done: pass --yes") || !strings.Contains(r.err, "run it on a terminal") {
			t.Fatalf("cabinet %s: exit %d: %q", strings.Join(args, " "), r.code, r.err)
		}
		if after := snapshotStore(t, e.store()); after != before {
			t.Fatalf("cabinet %s changed the store or its audit log", strings.Join(args, " "))
		}
	}
	refused("Old password revoked?", "rotate", "prod/db/password")
	// A step that fails would roll back, and a rollback step asks.
	refused("Restored by hand?", "rotate", "prod/db/other")
	if got := e.must("", "get", "prod/db/password").out; got != "old-pw" {
		t.Fatal("current changed")
	}

	// Stopped at the question (answered no on a terminal), resuming or
	// rolling back off a terminal is refused as well while a step ahead
	// asks; with --yes it goes on.
	if r := e.runOnTerminal("n\n", "rotate", "prod/db/password"); r.code != ExitFailed || !strings.Contains(r.err, "Old password revoked? [y/N]") {
		t.Fatalf("answered no: exit %d: %s", r.code, r.err)
	}
	refused("Old password revoked?", "rotate", "prod/db/password", "--resume")
	e.must("", "rotate", "prod/db/password", "--rollback") // its rollback asks nothing
	if r := e.runOnTerminal("y\n", "rotate", "prod/db/other"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	// A runbook that asks nothing needs no --yes.
	e.runbook("quiet", "name: quiet\nsteps:\n  - run: echo applied\n  - name: promote\n")
	e.must("", "edit", "prod/db/password", "--runbook", "quiet")
	e.must("", "rotate", "prod/db/password")
}

func TestRotateStopsAtAnUnconfirmedStep(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.runbook("db-password", confirmRunbook)
	e.must("old-pw\n", "set", "prod/db/password", "--owner", "data-platform", "--runbook", "db-password")
	r := e.runOnTerminal("no\n", "rotate", "prod/db/password")
	if r.code != ExitFailed || !strings.Contains(r.err, `a step was not confirmed: step 3: Old password revoked?`) || !strings.Contains(r.err, "--resume") {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if strings.Contains(r.err, "old-pw") || !strings.Contains(r.err, "applying *** over ***") {
		t.Fatalf("step output not masked: %s", r.err)
	}
	var list []lsEntry
	if err := json.Unmarshal([]byte(e.must("", "ls", "--json").out), &list); err != nil {
		t.Fatal(err)
	}
	if list[0].Status != "rotating" || list[0].Rotating == nil || list[0].Rotating.NextStep != 3 || list[0].Rotating.Last != "step 2 promote: ok" {
		t.Fatalf("ls --json: %+v %+v", list[0], list[0].Rotating)
	}
	if table := e.must("", "ls").out; !strings.Contains(table, "rotating (v2 by alice, step 2 promote: ok)") {
		t.Fatalf("ls:\n%s", table)
	}
	if show := e.must("", "show", "prod/db/password").out; !strings.Contains(show, "rotating:    v2 by alice, step 2 promote: ok (next: step 3)") {
		t.Fatalf("show:\n%s", show)
	}
	// A second rotation is a conflict; resume finishes this one.
	if r := e.run("", "rotate", "prod/db/password"); r.code != ExitConflict || !strings.Contains(r.err, "--resume") {
		t.Fatalf("second rotation: exit %d: %s", r.code, r.err)
	}
	r = e.must("", "rotate", "prod/db/password", "--resume", "--yes")
	if !strings.Contains(r.err, "step 3: old one revoked: confirmed") || !strings.Contains(r.err, "v2 is current") {
		t.Fatalf("resume: %s", r.err)
	}
	if r := e.run("", "rotate", "prod/db/password", "--resume"); r.code != ExitNotFound || !strings.Contains(r.err, "no rotation in progress") {
		t.Fatalf("resume with none: exit %d: %s", r.code, r.err)
	}
}

func TestRotateRollback(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.runbook("db-password", confirmRunbook)
	e.must("old-pw\n", "set", "prod/db/password", "--owner", "data-platform", "--runbook", "db-password")
	e.runOnTerminal("n\n", "rotate", "prod/db/password") // stops at the confirm step, promoted
	r := e.must("", "rotate", "prod/db/password", "--rollback")
	if !strings.Contains(r.err, "restoring ***") || !strings.Contains(r.err, "rolled back prod/db/password: v2 discarded") {
		t.Fatalf("rollback: %s", r.err)
	}
	if got := e.must("", "get", "prod/db/password").out; got != "old-pw" {
		t.Fatalf("current after rollback: %q", got)
	}
	if st := e.must("", "ls").out; strings.Contains(st, "rotating") {
		t.Fatalf("still rotating:\n%s", st)
	}
}

func TestRotateBadInput(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.must("v\n", "set", "prod/db/password", "--owner", "x")
	e.must("v\n", "set", "prod/db/other", "--owner", "x", "--runbook", "") // no runbook
	e.runbook("broken", "name: broken\nsteps:\n  - name: promote\n  - wait: soon\n")
	e.must("", "edit", "prod/db/other", "--runbook", "broken")
	e.runbook("typed", "name: typed\ngenerate: prompt\nsteps:\n  - name: promote\n")
	e.must("v\n", "set", "prod/db/typed", "--owner", "x", "--runbook", "typed")
	for _, c := range []struct {
		name    string
		stdin   string
		args    []string
		code    ExitCode
		mention string
	}{
		{"bad path", "", []string{"rotate", "Prod/x"}, ExitUsage, `invalid secret path "Prod/x"`},
		{"missing secret", "", []string{"rotate", "prod/db/nosuch"}, ExitNotFound, "prod/db/nosuch"},
		{"invalid runbook", "", []string{"rotate", "prod/db/other"}, ExitCorrupt, `runbooks/broken.yaml:4: invalid runbook: steps[2].wait: "soon"`},
		{"prompt runbook without a value", "", []string{"rotate", "prod/db/typed"}, ExitUsage, "--value-stdin"},
		{"empty value", "", []string{"rotate", "prod/db/password", "--value-stdin"}, ExitUsage, "the value is empty"},
		{"resume and rollback", "", []string{"rotate", "prod/db/password", "--resume", "--rollback"}, ExitUsage, "resume"},
		{"approve without a rotation", "", []string{"approve", "prod/db/password"}, ExitNotFound, "no rotation in progress"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := snapshotFiles(t, e.store())
			r := e.run(c.stdin, c.args...)
			if r.code != c.code || !strings.Contains(r.err, c.mention) || strings.Count(r.err, "\n") != 1 {
				t.Fatalf("exit %d (want %d): %q, want one line with %q", r.code, c.code, r.err, c.mention)
			}
			if after := snapshotFiles(t, e.store()); after != before {
				t.Fatal("the store changed")
			}
		})
	}
}

// snapshotFiles is every file of the store but the audit log and the
// listing cache, with its content.
func snapshotFiles(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasPrefix(rel, "audit") || strings.HasPrefix(rel, ".cabinet/cache") || rel == ".cabinet/lock" {
			return nil
		}
		data, _ := os.ReadFile(p)
		b.WriteString(rel + "\n" + string(data))
		return nil
	})
	return b.String()
}

func TestRotateWaitsForTheApprover(t *testing.T) {
	alice := newEnv(t)
	alice.setup()
	bob := newEnv(t)
	bob.vars["CABINET_STORE"] = alice.store()
	bobKey := strings.TrimSpace(bob.must("", "identity", "new").out)
	alice.must("", "members", "add", "bob", bobKey, "--scope", "*")
	alice.runbook("approved", "name: approved\nsteps:\n  - run: echo applied\n  - name: promote\napprove: bob\n")
	alice.must("old\n", "set", "prod/db/password", "--owner", "data-platform", "--runbook", "approved")

	r := alice.run("", "rotate", "prod/db/password", "--yes")
	if r.code != ExitFailed || !strings.Contains(r.err, "the rotation needs an approval before promote by bob; bob runs `cabinet approve prod/db/password`") {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if got := alice.must("", "get", "prod/db/password").out; got != "old" {
		t.Fatal("promoted without the approval")
	}
	if r := alice.run("", "approve", "prod/db/password"); r.code != ExitFailed || !strings.Contains(r.err, "alice may not approve this rotation; bob may approve it") {
		t.Fatalf("alice approves: exit %d: %s", r.code, r.err)
	}
	bob.must("", "approve", "prod/db/password")
	if show := alice.must("", "show", "prod/db/password").out; !strings.Contains(show, "rotating:") {
		t.Fatalf("show:\n%s", show)
	}
	alice.must("", "rotate", "prod/db/password", "--resume")
	if got := alice.must("", "get", "prod/db/password").out; got == "old" {
		t.Fatal("not rotated after the approval")
	}
}

func TestDoctorChecksRunbooks(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.runbook("good", "name: good\nsteps:\n  - name: promote\n")
	e.runbook("bad", "name: bad\nsteps:\n  - name: promote\n  - wait: later\n")
	r := e.run("", "doctor")
	if r.code == ExitOK || !strings.Contains(r.out, `runbooks/bad.yaml:4: invalid runbook: steps[2].wait: "later"`) || !strings.Contains(r.out, "runbooks: 1 of 2 valid") {
		t.Fatalf("doctor: exit %d\n%s%s", r.code, r.out, r.err)
	}
}
