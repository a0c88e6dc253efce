// Package gittest runs the real git for tests, as on a fresh machine: an
// identity to commit with and none of the machine's Git config. It is for
// tests only.
package gittest

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Env gives the git processes the test starts (directly or through
// cabinet) an identity and a HOME of their own; it needs git installed.
func Env(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("this test needs git (scripts/test installs it)")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, who := range []string{"GIT_AUTHOR", "GIT_COMMITTER"} {
		t.Setenv(who+"_NAME", "Test")
		t.Setenv(who+"_EMAIL", "test@example.com")
	}
}

// Run runs git in dir and returns its output, trimmed; a failure fails
// the test with what git said.
func Run(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return strings.TrimSpace(string(out))
}
