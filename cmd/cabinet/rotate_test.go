package main

// Guided rotation end to end: the built binary rotates the password of a
// real PostgreSQL role with examples/etl's runbook, and survives being killed in
// the middle of a step.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/internal/testpg"
	"github.com/cabinethq/cabinet/internal/tmuxdrive"
)

// rotationUser is a user with an identity file and a store.
func rotationUser(t *testing.T) *user {
	u := newUser(t)
	id := filepath.Join(u.home, "identity.txt")
	u.env = append(u.env, "CABINET_IDENTITY_FILE="+id)
	u.must("", "identity", "new", "--file", id)
	u.must("", "init")
	return u
}

func (u *user) installRunbook(t *testing.T, src string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(u.home, "store", "runbooks", filepath.Base(src)), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestRotateAPostgresRolePassword(t *testing.T) {
	pg := testpg.Start(t)
	const role, oldPassword = "etl_service", "Old-Pw-6a1f0c"
	pg.Role(role, oldPassword)
	u := rotationUser(t)
	u.env = append(append(u.env, pg.Env()...), "PG_ROLE="+role)
	u.installRunbook(t, "../../examples/etl/pg-role-password.yaml")
	const path = "prod/warehouse/etl-password"
	u.must(oldPassword, "set", path, "--owner", "data-platform", "--every", "90d", "--runbook", "pg-role-password")

	r := u.must("", "rotate", path, "--yes")
	newPassword := u.must("", "get", path).out
	switch {
	case newPassword == oldPassword || len(newPassword) != 32:
		t.Fatalf("get after the rotation returns %d characters", len(newPassword))
	case !pg.CanLogin(role, newPassword):
		t.Fatal("the role does not accept the new password")
	case pg.CanLogin(role, oldPassword):
		t.Fatal("the role still accepts the old password")
	}
	if strings.Contains(r.err, newPassword) || strings.Contains(r.err, oldPassword) {
		t.Fatalf("a value reached the output:\n%s", r.err)
	}
	for _, want := range []string{"step 1: set the new password on the role", "step 3: promote", "the old password is refused", "rotated " + path + ": v2 is current"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("output lacks %q:\n%s", want, r.err)
		}
	}

	// A rotation whose validation fails (the role may not log in) is
	// rolled back: the password in the database and current are unchanged.
	pg.Admin("ALTER ROLE " + role + " NOLOGIN;")
	r = u.run("", "rotate", path, "--yes")
	if r.code != 1 || !strings.Contains(r.err, "step 2 (log in with the new password)") || !strings.Contains(r.err, "rolled back") {
		t.Fatalf("exit %d:\n%s", r.code, r.err)
	}
	pg.Admin("ALTER ROLE " + role + " LOGIN;")
	if got := u.must("", "get", path).out; got != newPassword {
		t.Fatal("current changed after a failed rotation")
	}
	if !pg.CanLogin(role, newPassword) {
		t.Fatal("after the rollback the role refuses the password in use")
	}
	if show := u.must("", "show", path).out; strings.Contains(show, "v3") || strings.Contains(show, "rotating:") {
		t.Fatalf("the failed version was kept:\n%s", show)
	}
	audit := readAudit(t, u)
	for _, want := range []string{`"action":"rotate-promote"`, `"action":"rotate-finish"`, `"outcome":"failed"`, `"action":"rotate-rollback"`} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log lacks %s", want)
		}
	}
	if strings.Contains(audit, newPassword) || strings.Contains(audit, oldPassword) {
		t.Fatal("a value reached the audit log")
	}
}

func readAudit(t *testing.T, u *user) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(u.home, "store", "audit", "*.jsonl"))
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

// A step that hangs (the first time) stands for a rotation killed in the
// middle of a step.
const killRunbook = `name: slow
steps:
  - name: apply
    run: echo applied >> applied.log
  - name: slow validation
    run: |
      if [ -e validated-once ]; then echo quick; exit 0; fi
      echo $$ > step.pid
      touch validated-once
      sleep 60
  - name: promote
rollback:
  - run: echo undone >> applied.log
`

// killMidStep starts a rotation, SIGKILLs cabinet and its step while the
// step runs, and returns the user.
func killMidStep(t *testing.T) *user {
	u := rotationUser(t)
	if err := os.WriteFile(filepath.Join(u.home, "store", "runbooks", "slow.yaml"), []byte(killRunbook), 0o600); err != nil {
		t.Fatal(err)
	}
	u.must("kept-value", "set", "prod/app/key", "--owner", "team", "--runbook", "slow")
	cmd := exec.Command(binary, "rotate", "prod/app/key", "--yes")
	cmd.Env, cmd.Dir = u.env, u.home
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(u.home, "store", "validated-once")
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the step never started:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// cabinet, then its step: the step runs in a process group of its own,
	// led by the shell whose pid it wrote. Only that group: another test's
	// (or the user's) "sleep 60" is none of this test's business.
	step, err := os.ReadFile(filepath.Join(u.home, "store", "step.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pgid, err := strconv.Atoi(strings.TrimSpace(string(step)))
	if err != nil || pgid <= 1 {
		t.Fatalf("step.pid holds %q", step)
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Wait()
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil {
		t.Fatalf("killing the step's process group %d: %v", pgid, err)
	}
	show := u.must("", "show", "prod/app/key").out
	if !strings.Contains(show, "step 2 slow validation: running") {
		t.Fatalf("the interrupted step is not recorded:\n%s", show)
	}
	return u
}

func TestAKilledRotationCanBeRolledBack(t *testing.T) {
	u := killMidStep(t)
	r := u.must("", "rotate", "prod/app/key", "--rollback")
	if !strings.Contains(r.err, "v2 discarded") {
		t.Fatalf("rollback: %s", r.err)
	}
	if got := u.must("", "get", "prod/app/key").out; got != "kept-value" {
		t.Fatalf("current is %q", got)
	}
	log, _ := os.ReadFile(filepath.Join(u.home, "store", "applied.log"))
	if string(log) != "applied\nundone\n" {
		t.Fatalf("steps run: %q", log)
	}
}

func TestAKilledRotationCanBeResumed(t *testing.T) {
	u := killMidStep(t)
	r := u.must("", "rotate", "prod/app/key", "--resume", "--yes")
	if !strings.Contains(r.err, "step 2 (slow validation) was interrupted; running it again") || !strings.Contains(r.err, "v2 is current") {
		t.Fatalf("resume: %s", r.err)
	}
	if got := u.must("", "get", "prod/app/key@previous").out; got != "kept-value" {
		t.Fatalf("previous is %q", got)
	}
	if show := u.must("", "show", "prod/app/key").out; strings.Contains(show, "rotating:") {
		t.Fatalf("still rotating:\n%s", show)
	}
}

// On a terminal, cabinet rotate asks for a typed value when the runbook
// says so, and asks each confirm step.
func TestRotateAsksOnATerminal(t *testing.T) {
	u := rotationUser(t)
	runbook := "name: typed\ngenerate: prompt\nsteps:\n  - name: promote\n  - name: revoke\n    confirm: \"Old key deleted?\"\n"
	if err := os.WriteFile(filepath.Join(u.home, "store", "runbooks", "typed.yaml"), []byte(runbook), 0o600); err != nil {
		t.Fatal(err)
	}
	u.must("old-key", "set", "prod/partner/key", "--owner", "growth", "--runbook", "typed")
	p := tmuxdrive.Start(t, 100, 20, u.env, u.home, binary, "rotate", "prod/partner/key")
	p.WaitFor("Value for prod/partner/key:", screenWait)
	p.Type("typed-new-key")
	p.Keys("Enter")
	p.WaitFor("Again:", screenWait)
	p.Type("typed-new-key")
	p.Keys("Enter")
	screen := p.WaitFor("Old key deleted? [y/N]", screenWait)
	if strings.Contains(screen, "typed-new-key") {
		t.Fatalf("the typed value was echoed:\n%s", screen)
	}
	p.Type("y")
	p.Keys("Enter")
	if code := p.WaitExit(screenWait); code != 0 {
		t.Fatalf("exit %d:\n%s", code, p.Output())
	}
	if got := u.must("", "get", "prod/partner/key").out; got != "typed-new-key" {
		t.Fatalf("current is %q", got)
	}
}

// Off a terminal (stdin is a pipe) and without --yes, cabinet rotate of a
// secret whose runbook asks a confirm step is refused at once, with exit 2,
// and leaves the store and its audit log as they were.
func TestRotateOffATerminalWithoutYesChangesNothing(t *testing.T) {
	u := rotationUser(t)
	runbook := "name: asks\nsteps:\n  - run: echo applied >> applied.log\n  - name: promote\n  - confirm: \"Old key deleted?\"\n"
	if err := os.WriteFile(filepath.Join(u.home, "store", "runbooks", "asks.yaml"), []byte(runbook), 0o600); err != nil {
		t.Fatal(err)
	}
	u.must("kept-value", "set", "prod/partner/key", "--owner", "growth", "--runbook", "asks")
	before := storeFiles(t, u)
	r := u.run("", "rotate", "prod/partner/key")
	if r.code != 2 || strings.Count(r.err, "\n") != 1 || !strings.Contains(r.err, "pass --yes") || !strings.Contains(r.err, "on a terminal") {
		t.Fatalf("exit %d: %q", r.code, r.err)
	}
	if after := storeFiles(t, u); after != before {
		t.Fatal("the refused rotation changed the store or its audit log")
	}
	if got := u.must("", "get", "prod/partner/key").out; got != "kept-value" {
		t.Fatalf("current is %q", got)
	}
}

// storeFiles is every file of u's store, audit log included, with its
// content; the listing cache and the lock aside.
func storeFiles(t *testing.T, u *user) string {
	t.Helper()
	dir := filepath.Join(u.home, "store")
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasPrefix(rel, filepath.Join(".cabinet", "cache")) || rel == filepath.Join(".cabinet", "lock") {
			return nil
		}
		data, err := os.ReadFile(p)
		b.WriteString(rel + "\n" + string(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
