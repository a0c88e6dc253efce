package main

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitTry runs git in dir as u; it returns the combined output and whether
// git succeeded.
func (u *user) gitTry(dir string, args ...string) (string, bool) {
	u.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(u.env, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Alice", "GIT_AUTHOR_EMAIL=alice@example.com",
		"GIT_COMMITTER_NAME=Alice", "GIT_COMMITTER_EMAIL=alice@example.com")
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		u.t.Fatal(err)
	}
	return string(out), err == nil
}

// TestPreCommitHookStopsASecret: the hook cabinet installs, run by the
// real git, refuses a commit that adds a value of the inventory, names
// the file and the secret and never the value, and lets a clean commit
// through.
func TestPreCommitHookStopsASecret(t *testing.T) {
	t.Parallel()
	u := fileUser(t)
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	value := "hook-canary-" + hex.EncodeToString(b)
	u.must(value, "set", "prod/db/password", "--owner", "data")

	repo := filepath.Join(u.home, "repo")
	if err := os.Mkdir(repo, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, ok := u.gitTry(repo, "init", "-q", "-b", "main"); !ok {
		t.Fatal(out)
	}
	install := exec.Command(binary, "hook", "install")
	install.Dir, install.Env = repo, u.env
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("hook install: %v\n%s", err, out)
	}

	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(repo, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("job.yaml", "dsn: postgres://etl:"+value+"@db:5432/warehouse\n")
	u.gitTry(repo, "add", "job.yaml")
	out, ok := u.gitTry(repo, "commit", "-q", "-m", "job")
	if ok {
		t.Fatalf("the commit of a plaintext value went through:\n%s", out)
	}
	if !strings.Contains(out, "job.yaml:1:21: known-value of prod/db/password") || strings.Contains(out, value) {
		t.Fatalf("the hook said:\n%s", out)
	}
	if log, _ := u.gitTry(repo, "log", "--oneline"); strings.TrimSpace(log) != "" && !strings.Contains(log, "does not have any commits") {
		t.Fatalf("a commit was made: %s", log)
	}

	write("job.yaml", "dsn: postgres://etl:secret://prod/db/password@db:5432/warehouse\n")
	u.gitTry(repo, "add", "job.yaml")
	if out, ok := u.gitTry(repo, "commit", "-q", "-m", "job"); !ok {
		t.Fatalf("a clean commit was refused:\n%s", out)
	}
}
