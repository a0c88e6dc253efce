package store

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/internal/gittest"
)

// tempFiles lists the temporary files (.tmp-*) anywhere in the store.
func tempFiles(tb testing.TB, root string) []string {
	tb.Helper()
	var temps []string
	err := filepath.WalkDir(root, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), tempPrefix) {
			rel, _ := filepath.Rel(root, name)
			temps = append(temps, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return temps
}

// TestStaleTempFiles: a writer killed between creating its temporary file
// and renaming it leaves a .tmp-* file. The listing ignores it, Git
// ignores it, and the next writer of that folder removes it.
func TestStaleTempFiles(t *testing.T) {
	gittest.Env(t) // the store becomes a Git work tree below: its changes are commits
	alice, bob := newMember(t, "alice"), newMember(t, "bob")
	s := newStore(t, alice)
	mustSet(t, s, "prod/db/password", []byte("v1"), day("alice", 1))
	stale := []string{
		"secrets/prod/db/.tmp-password.yaml-3k2j1",
		".tmp-recipients.yaml-9f8e7",
		".cabinet/.tmp-store.yaml-1a2b3",
	}
	for _, rel := range stale {
		if err := os.WriteFile(filepath.Join(s.Dir, rel), []byte("half a file"), filePerm); err != nil {
			t.Fatal(err)
		}
	}
	if secrets, bad := mustList(t, s); len(secrets) != 1 || len(bad) != 0 {
		t.Errorf("listed %d secrets, bad %v", len(secrets), bad)
	}
	if git, err := exec.LookPath("git"); err == nil {
		if out, err := exec.Command(git, "-C", s.Dir, "init", "-q").CombinedOutput(); err != nil {
			t.Fatalf("git init: %v: %s", err, out)
		}
		for _, rel := range stale {
			if err := exec.Command(git, "-C", s.Dir, "check-ignore", "-q", rel).Run(); err != nil {
				t.Errorf("git does not ignore %s: %v", rel, err)
			}
		}
		if err := exec.Command(git, "-C", s.Dir, "check-ignore", "-q", "secrets/prod/db/password.yaml").Run(); err == nil {
			t.Error("git ignores the secret file itself")
		}
	}
	mustSet(t, s, "prod/db/password", []byte("v2"), day("alice", 2))
	addMember(t, s, bob, alice) // writes recipients.yaml
	if temps := tempFiles(t, s.Dir); len(temps) != 1 || temps[0] != stale[2] {
		t.Errorf("after writing secrets/prod/db and recipients.yaml the temporary files are %v; want only %s, in a folder not written since", temps, stale[2])
	}
}

// TestInitKeepsAnExistingGitignore: a store made inside a repository's
// work tree leaves the repository's own .gitignore alone.
func TestInitKeepsAnExistingGitignore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("node_modules/\n"), filePerm); err != nil {
		t.Fatal(err)
	}
	alice := newMember(t, "alice")
	if _, err := Init(dir, alice.Name, alice.Public); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, ".gitignore")); string(data) != "node_modules/\n" {
		t.Errorf(".gitignore = %q", data)
	}
}

// TestAtomicWriteSurvivesAFailedWrite: a write that fails half-way (a full
// disk, a crash) leaves the old file whole and no temporary file. An
// in-place write (os.O_TRUNC on the file itself) fails it.
func TestAtomicWriteSurvivesAFailedWrite(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	mustSet(t, s, "prod/db/password", []byte("v1"), day("alice", 1))
	name := filepath.Join(s.Dir, "secrets/prod/db/password.yaml")
	old, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	errDiskFull := errors.New("no space left on device")
	err = s.writeFileSyncedWith("secrets/prod/db/password.yaml", func(w io.Writer) error {
		// More than the buffer holds, so that part of it reaches the file.
		if _, err := w.Write(make([]byte, 200<<10)); err != nil {
			return err
		}
		return errDiskFull
	})
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("the write returned %v", err)
	}
	if now, err := os.ReadFile(name); err != nil || string(now) != string(old) {
		t.Errorf("after a failed write the file holds %d bytes (%v), was %d", len(now), err, len(old))
	}
	if temps := tempFiles(t, s.Dir); len(temps) != 0 {
		t.Errorf("temporary files left: %v", temps)
	}
	if _, err := s.Load("prod/db/password"); err != nil {
		t.Error(err)
	}
}

// TestSetWritesANewFile: a set replaces the secret's file with a new one
// (a new inode) rather than rewriting it, so a reader that opened the old
// file reads it whole: the old content, not a mix.
func TestSetWritesANewFile(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	mustSet(t, s, "prod/db/password", []byte("v1"), day("alice", 1))
	name := filepath.Join(s.Dir, "secrets/prod/db/password.yaml")
	reader, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	old, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := reader.Stat()
	mustSet(t, s, "prod/db/password", []byte("v2"), day("alice", 2))
	after, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(before, after) {
		t.Error("set rewrote the secret's file in place")
	}
	got, err := io.ReadAll(reader)
	if err != nil || string(got) != string(old) {
		t.Errorf("a reader of the old file read %d bytes (%v), want the old %d", len(got), err, len(old))
	}
}
