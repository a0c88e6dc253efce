package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// gitUser is a user whose git has an identity and none of the machine's
// config, as on a fresh machine.
func gitUser(t *testing.T) *user {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("this test needs git (scripts/test installs it)")
	}
	u := newUser(t)
	u.env = append(u.env, "GIT_CONFIG_NOSYSTEM=1", "XDG_CONFIG_HOME="+filepath.Join(u.home, ".config"),
		"GIT_AUTHOR_NAME=Alice", "GIT_AUTHOR_EMAIL=alice@example.com", "GIT_COMMITTER_NAME=Alice", "GIT_COMMITTER_EMAIL=alice@example.com")
	idFile := filepath.Join(u.home, "identity.txt")
	u.env = append(u.env, "CABINET_IDENTITY_FILE="+idFile)
	u.must("", "identity", "new", "--file", idFile)
	return u
}

func (u *user) git(dir string, args ...string) string {
	u.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = dir, u.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		u.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// in runs cabinet on the store in dir.
func (u *user) in(dir, stdin string, args ...string) run {
	u.t.Helper()
	return u.must(stdin, append([]string{"--store", dir}, args...)...)
}

// tree is every file of a work tree but Git's own, by content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() && (rel == ".git" || rel == filepath.Join(".cabinet", "cache")) {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && rel != filepath.Join(".cabinet", "lock") {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files[rel] = string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sharedStore makes a Git store, lets prepare put secrets in it, pushes it
// to a bare remote and clones it once per name, as teammates would: it
// returns the remote and the clones' folders.
func (u *user) sharedStore(prepare func(shared string), names ...string) (remote string, clones []string) {
	u.t.Helper()
	shared := filepath.Join(u.home, "shared")
	remote = filepath.Join(u.home, "remote.git")
	u.must("", "init", shared, "--git")
	prepare(shared)
	u.git(u.home, "init", "-q", "--bare", remote)
	u.git(shared, "remote", "add", "origin", remote)
	u.in(shared, "", "sync")
	for _, name := range names {
		dir := filepath.Join(u.home, name)
		u.must("", "clone", remote, dir)
		clones = append(clones, dir)
	}
	return remote, clones
}

// sameTrees fails the test unless every clone holds the same files as the
// first, none of them with a conflict marker; it returns the first's.
func sameTrees(t *testing.T, clones ...string) map[string]string {
	t.Helper()
	first := tree(t, clones[0])
	for _, c := range clones {
		got := tree(t, c)
		for name, content := range got {
			if first[name] != content {
				t.Errorf("%s differs between %s and %s:\n%s\n---\n%s", name, filepath.Base(c), filepath.Base(clones[0]), content, first[name])
			}
			if strings.Contains(content, "<<<<<<<") || strings.Contains(content, ">>>>>>>") {
				t.Errorf("conflict markers in %s of %s:\n%s", name, filepath.Base(c), content)
			}
		}
		if len(got) != len(first) {
			t.Errorf("%s holds %d files, %s %d", filepath.Base(c), len(got), filepath.Base(clones[0]), len(first))
		}
	}
	return first
}

// TestConcurrentSetsMergeThroughGit: two clones of one store each set a new
// value of the same secret (and change other things) and sync; Git calls
// cabinet's merge driver, and both clones end with the same files, both
// values kept and readable, the secret in conflict, the audit lines of both,
// and no conflict markers anywhere.
func TestConcurrentSetsMergeThroughGit(t *testing.T) {
	t.Parallel()
	u := gitUser(t)
	_, clones := u.sharedStore(func(shared string) {
		u.in(shared, "first", "set", "prod/db/password", "--owner", "data-platform", "--every", "90d")
	}, "one", "two")
	one, two := clones[0], clones[1]

	u.in(one, "from-one", "set", "prod/db/password")
	u.in(one, "", "edit", "prod/db/password", "--description", "ETL user")
	u.in(one, "only-one", "set", "dev/app/token", "--owner", "growth")
	time.Sleep(1100 * time.Millisecond) // two's value is the later one
	u.in(two, "from-two", "set", "prod/db/password")
	u.in(two, "", "edit", "prod/db/password", "--every", "30d")

	u.in(one, "", "sync")
	r := u.in(two, "", "sync")
	u.in(one, "", "sync")
	if a, b := u.git(one, "rev-parse", "HEAD"), u.git(two, "rev-parse", "HEAD"); a != b {
		t.Fatalf("the clones are at different commits after syncing: %s, %s (sync said %q)", a, b, r.err)
	}
	treeOne := sameTrees(t, one, two)
	if status := u.git(two, "status", "--porcelain"); status != "" {
		t.Errorf("the merge left the work tree unclean:\n%s", status)
	}

	file := treeOne[filepath.Join("secrets", "prod", "db", "password.yaml")]
	// Version 3 was sealed as 2 on clone two; the sync that merged may
	// have sealed it again under 3 (then sealed_as is gone).
	file = strings.Replace(file, "    sealed_as: 2\n", "", 1)
	for _, want := range []string{
		"description: ETL user\n", "every: 30d\n",
		"  - version: 3\n    state: current\n",
		"  - version: 2\n    state: conflict\n",
		"  - version: 1\n    state: previous\n",
	} {
		if !strings.Contains(file, want) {
			t.Errorf("the merged secret file lacks %q:\n%s", want, file)
		}
	}
	for dir, want := range map[string]map[string]string{
		one: {"prod/db/password": "from-two", "prod/db/password#2": "from-one", "prod/db/password#1": "first", "dev/app/token": "only-one"},
		two: {"prod/db/password": "from-two", "prod/db/password#2": "from-one"},
	} {
		for ref, value := range want {
			if got := u.in(dir, "", "get", ref).out; got != value {
				t.Errorf("get %s in %s = %q, want %q", ref, filepath.Base(dir), got, value)
			}
		}
	}
	// Both clones' audit lines, in both.
	log := treeOne[filepath.Join("audit", "alice.jsonl")]
	if strings.Count(log, `"action":"set"`) != 4 || strings.Count(log, `"action":"edit"`) != 2 {
		t.Errorf("the merged audit log lacks lines:\n%s", log)
	}
}

// TestMembersAddedOnTwoClones: two clones each add a member to the same
// scope and sync; recipients.yaml merges to both members, the same on both
// clones, with no conflict markers, and both new members read.
func TestMembersAddedOnTwoClones(t *testing.T) {
	t.Parallel()
	u := gitUser(t)
	_, clones := u.sharedStore(func(shared string) {
		u.in(shared, "first", "set", "prod/db/password", "--owner", "data-platform")
	}, "one", "two")
	one, two := clones[0], clones[1]

	keys := map[string]string{}
	for _, name := range []string{"bob", "carol"} {
		file := filepath.Join(u.home, name+".txt")
		keys[name] = strings.TrimSpace(u.must("", "identity", "new", "--file", file).out)
	}
	u.in(one, "", "members", "add", "bob", keys["bob"], "--scope", "prod/")
	u.in(two, "", "members", "add", "carol", keys["carol"], "--scope", "prod/")
	u.in(one, "", "sync")
	u.in(two, "", "sync")
	u.in(one, "", "sync")
	treeOne := sameTrees(t, one, two)
	recipients := treeOne["recipients.yaml"]
	for _, want := range []string{"bob: " + keys["bob"], "carol: " + keys["carol"]} {
		if !strings.Contains(recipients, want) {
			t.Errorf("recipients.yaml lacks %q:\n%s", want, recipients)
		}
	}
	// Each reads after the sync: it sealed what the merge left sealed to
	// one side's readers again.
	for _, name := range []string{"bob", "carol"} {
		r := u.run("", "--store", one, "--identity", filepath.Join(u.home, name+".txt"), "get", "prod/db/password")
		if r.code != 0 || r.out != "first" {
			t.Errorf("%s reads %q (exit %d: %s)", name, r.out, r.code, r.err)
		}
	}
}
