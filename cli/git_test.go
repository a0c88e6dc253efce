package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/internal/gittest"
)

// oneLine fails the test unless r failed with code in one line of stderr
// that mentions each of mentions.
func oneLine(t *testing.T, what string, r result, code ExitCode, mentions ...string) {
	t.Helper()
	if r.code != code || strings.Count(strings.TrimSpace(r.err), "\n") != 0 {
		t.Errorf("%s: exit %d, stderr %q; want exit %d in one line", what, r.code, r.err, code)
	}
	for _, m := range mentions {
		if !strings.Contains(r.err, m) {
			t.Errorf("%s: stderr %q does not mention %q", what, r.err, m)
		}
	}
}

// TestGitAtTheCommandLine: init --git makes a repository with its first
// commit and the merge driver set up; each change is a commit; sync and
// clone fail in one line where they cannot work, and a clone says who the
// members are and what its user can read.
func TestGitAtTheCommandLine(t *testing.T) {
	gittest.Env(t)
	e := newEnv(t)
	e.must("", "identity", "new")
	e.must("", "init")
	oneLine(t, "sync in a plain store", e.run("", "sync"), ExitFailed, "not a Git repository", "cabinet clone")

	shared := filepath.Join(e.dir, "shared")
	r := e.must("", "init", shared, "--git")
	if !strings.Contains(r.err, "git remote add origin") {
		t.Errorf("init --git does not say how to share it: %q", r.err)
	}
	if log := gittest.Run(t, shared, "log", "--format=%s"); log != "init: a cabinet store, alice its first member" {
		t.Errorf("after init --git the log is %q", log)
	}
	if driver := gittest.Run(t, shared, "config", "merge.cabinet.driver"); !strings.HasSuffix(driver, " merge-driver %O %A %B %P") {
		t.Errorf("the merge driver is %q", driver)
	}
	e.vars["CABINET_STORE"] = shared
	e.must("hunter2", "set", "prod/db/password", "--owner", "data")
	if subject := gittest.Run(t, shared, "log", "-1", "--format=%s"); subject != "set prod/db/password: v1" {
		t.Errorf("the set's commit is %q", subject)
	}
	if status := gittest.Run(t, shared, "status", "--porcelain"); status != "" {
		t.Errorf("after a set the work tree is not clean:\n%s", status)
	}

	if r := e.run("", "doctor"); !strings.Contains(r.out+r.err, "git: a repository, its merge driver set up") {
		t.Errorf("doctor in a Git store says:\n%s%s", r.out, r.err)
	}
	gittest.Run(t, shared, "config", "--unset", "merge.cabinet.driver")
	if r := e.run("", "doctor"); r.code == ExitOK || !strings.Contains(r.out+r.err, "merge driver is not set up") {
		t.Errorf("doctor without the merge driver: exit %d\n%s%s", r.code, r.out, r.err)
	}
	gittest.Run(t, shared, "config", "merge.cabinet.driver", "cabinet merge-driver %O %A %B %P")

	oneLine(t, "sync without a remote", e.run("", "sync"), ExitFailed, "no remote", "git remote add")
	oneLine(t, "clone of nothing", e.run("", "clone", filepath.Join(e.dir, "nowhere.git"), filepath.Join(e.dir, "c1")), ExitFailed, "nowhere.git")

	remote := filepath.Join(e.dir, "remote.git")
	gittest.Run(t, e.dir, "init", "-q", "--bare", remote)
	gittest.Run(t, shared, "remote", "add", "origin", remote)
	if r := e.must("", "sync"); !strings.Contains(r.err, "pushed 2 commits") {
		t.Errorf("the first sync says %q", r.err)
	}
	clone := filepath.Join(e.dir, "c2")
	r = e.must("", "clone", remote, clone)
	for _, want := range []string{"members: alice", "you are member alice and can read the secrets under: *"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("clone says %q, not %q", r.err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(clone, "secrets/prod/db/password.yaml")); err != nil {
		t.Errorf("the clone lacks the secret: %v", err)
	}
	e.vars["CABINET_STORE"] = clone
	if r := e.must("", "get", "prod/db/password"); r.out != "hunter2" {
		t.Errorf("get in the clone: %q", r.out)
	}
	if r := e.must("", "sync"); !strings.Contains(r.err, "up to date") {
		t.Errorf("a sync with nothing to do says %q", r.err)
	}
}
