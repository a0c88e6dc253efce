package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWithoutGit: on a machine without git, a plain store works as ever,
// and sync, clone and init --git each fail in one line that says git is
// missing and what to do.
func TestWithoutGit(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "bin") // a PATH with no git in it
	if err := os.Mkdir(bin, 0o700); err != nil {
		t.Fatal(err)
	}
	u := newUser(t)
	for i, kv := range u.env {
		if strings.HasPrefix(kv, "PATH=") {
			u.env[i] = "PATH=" + bin
		}
	}
	idFile := filepath.Join(u.home, "identity.txt")
	u.env = append(u.env, "CABINET_IDENTITY_FILE="+idFile)
	u.must("", "identity", "new", "--file", idFile)
	u.must("", "init")
	u.must("hunter2", "set", "prod/db/password", "--owner", "data")
	if got := u.must("", "get", "prod/db/password").out; got != "hunter2" {
		t.Errorf("get in a plain store without git: %q", got)
	}
	for _, args := range [][]string{
		{"sync"},
		{"clone", "https://example.com/team/secrets.git", filepath.Join(u.home, "clone")},
		{"init", filepath.Join(u.home, "shared"), "--git"},
	} {
		r := u.run("", args...)
		if r.code != 1 || strings.Count(strings.TrimSpace(r.err), "\n") != 0 || !strings.Contains(r.err, "git is not installed") || !strings.Contains(r.err, "install git") {
			t.Errorf("cabinet %s without git: exit %d, %q", strings.Join(args, " "), r.code, r.err)
		}
	}
	if _, err := os.Stat(filepath.Join(u.home, "shared")); !os.IsNotExist(err) {
		t.Errorf("init --git without git made a store all the same: %v", err)
	}
}
