package store

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// linkCase plants a symbolic link at name, inside the store, pointing to
// target, outside it; then every op must be refused as corrupt, naming the
// link, and nothing outside the store may change.
type linkCase struct {
	name   string // the link, relative to the store
	target string // relative to the outside folder; planted from the store's own file or folder at name if it exists
	// dangling leaves the target missing: a writer that follows the link
	// creates it.
	dangling bool
	ops      map[string]func(s *Store) error
}

// TestLinksInsideTheStoreAreRefused is DESIGN.md's "a symlink in the store
// is refused, never followed", one place at a time: a teammate's push can
// put a link anywhere in a shared store, and following one makes set,
// members add, get or ls read or write outside the store.
func TestLinksInsideTheStoreAreRefused(t *testing.T) {
	alice, bob := newMember(t, "alice"), newMember(t, "bob")
	set := func(s *Store) error {
		_, _, err := s.SetValue("prod/db/password", []byte("new value"), day("alice", 3), ownerIfNew)
		return err
	}
	get := func(s *Store) error {
		_, _, err := s.Read("prod/db/password", inventory.Selector{}, alice.ID, day("alice", 3))
		return err
	}
	rm := func(s *Store) error { return s.Remove("prod/db/password", day("alice", 3)) }
	membersAdd := func(s *Store) error {
		_, err := s.AddMember("bob", bob.Public, []string{"*"}, alice.ID, day("alice", 3))
		return err
	}
	open := func(s *Store) error { _, err := Open(s.Dir); return err }
	cases := []linkCase{
		{name: "secrets/prod", target: "prod", ops: map[string]func(*Store) error{
			"set": set, "get": get, "rm": rm, "ls": listBad("secrets/prod"), "members add": membersAdd,
		}},
		{name: "secrets/prod/db/password.yaml", target: "password.yaml", ops: map[string]func(*Store) error{
			"set": set, "get": get, "rm": rm, "ls": listBad("secrets/prod/db/password.yaml"), "members add": membersAdd,
		}},
		{name: "audit/alice.jsonl", target: "alice.jsonl", ops: map[string]func(*Store) error{
			"set": set, "get": get,
		}},
		{name: ".cabinet/cache", target: "cache", ops: map[string]func(*Store) error{
			"ls": func(s *Store) error { _, _, err := s.List(); return err }, "set": set,
		}},
		{name: ".cabinet/tmp", target: "tmp", ops: map[string]func(*Store) error{
			"members add": membersAdd, "set": set,
		}},
		{name: "recipients.yaml", target: "recipients.yaml", ops: map[string]func(*Store) error{
			"open": open, "set": set, "members add": membersAdd,
		}},
		{name: "runbooks/db-password.yaml", target: "db-password.yaml", ops: map[string]func(*Store) error{
			"runbook":  func(s *Store) error { _, err := s.LoadRunbook("db-password"); return err },
			"runbooks": func(s *Store) error { _, err := s.Runbooks(); return err },
		}},
		{name: ".cabinet/lock", target: "lock", dangling: true, ops: map[string]func(*Store) error{
			"set": set, "rm": rm, "members add": membersAdd,
		}},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, "/", "_"), func(t *testing.T) {
			for op, do := range c.ops {
				s, outside := linkedStore(t, alice, c)
				before := snapshot(t, outside)
				err := do(s)
				assertSameSnapshot(t, before, snapshot(t, outside))
				assertErr(t, err, ErrCorrupt, c.name+" is a symbolic link")
				if hint := inventory.HintOf(err); !strings.Contains(hint, "never follows links") {
					t.Errorf("%s: hint %q", op, hint)
				}
				if t.Failed() {
					t.Fatalf("%s with a link at %s: %v", op, c.name, err)
				}
			}
		})
	}
}

// linkedStore makes a store with one secret, a runbook, an audit log and
// a listing index, then moves what is at c.name (if anything) outside the
// store and leaves a link to it in its place.
func linkedStore(t *testing.T, alice member, c linkCase) (*Store, string) {
	t.Helper()
	s := newStore(t, alice)
	mustSet(t, s, "prod/db/password", []byte("old value"), day("alice", 1))
	mustList(t, s)
	if err := os.WriteFile(filepath.Join(s.Dir, "runbooks/db-password.yaml"), []byte(testRunbook), filePerm); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(s.Dir, spareDir), dirPerm); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(filepath.Dir(s.Dir), "outside")
	if err := os.Mkdir(outside, dirPerm); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "sentinel"), []byte("untouched\n"), filePerm); err != nil {
		t.Fatal(err)
	}
	link, target := filepath.Join(s.Dir, c.name), filepath.Join(outside, c.target)
	if _, err := os.Lstat(link); err == nil {
		move := os.Rename
		if c.dangling {
			move = func(link, _ string) error { return os.Remove(link) }
		}
		if err := move(link, target); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	return s, outside
}

const testRunbook = "name: db-password\nsteps:\n  - name: promote\n"

// listBad lists the store and returns the error of the bad file name.
func listBad(name string) func(s *Store) error {
	return func(s *Store) error {
		secrets, bad, err := s.List()
		if err != nil {
			return err
		}
		for _, b := range bad {
			if b.Name == name {
				if len(secrets) != 0 {
					return errors.New("the listing has secrets behind the link")
				}
				return b.Err
			}
		}
		return errors.New("the link is not among the bad files")
	}
}

// TestLinkedStoreFolder: the store's folder itself may be a link, which
// the user chose (CABINET_STORE=~/secrets, a link to a synced folder).
func TestLinkedStoreFolder(t *testing.T) {
	alice := newMember(t, "alice")
	real := newStore(t, alice)
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(real.Dir, link); err != nil {
		t.Fatal(err)
	}
	s, err := Open(link)
	if err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, "prod/db/password", []byte("through the link"), day("alice", 1))
	if got, _ := mustRead(t, s, "prod/db/password", inventory.Selector{}, alice); string(got) != "through the link" {
		t.Errorf("read %q", got)
	}
	if secrets, _ := mustList(t, s); len(secrets) != 1 {
		t.Errorf("listed %d secrets", len(secrets))
	}
	if _, err := os.Stat(filepath.Join(real.Dir, "secrets/prod/db/password.yaml")); err != nil {
		t.Error(err)
	}
}

// TestFolderInPlaceOfSecretFile: a folder named like a secret file was
// silently left out of ls; it is a bad file, and reading it says what it is.
func TestFolderInPlaceOfSecretFile(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	mustSet(t, s, "prod/db/user", []byte("etl"), day("alice", 1))
	const name = "secrets/prod/db/password.yaml"
	if err := os.MkdirAll(filepath.Join(s.Dir, name, "inner"), dirPerm); err != nil {
		t.Fatal(err)
	}
	for round := range 2 { // cold, then with the index
		secrets, bad := mustList(t, s)
		if len(secrets) != 1 || len(bad) != 1 || bad[0].Name != name {
			t.Fatalf("round %d: listed %d secrets, bad %v", round, len(secrets), bad)
		}
		assertErr(t, bad[0].Err, ErrCorrupt, name+" is a folder")
	}
	_, err := s.Load("prod/db/password")
	assertErr(t, err, ErrCorrupt, name+" is a folder, not a file")
	_, _, err = s.SetValue("prod/db/password", []byte("x"), day("alice", 2), ownerIfNew)
	assertErr(t, err, ErrCorrupt, name+" is a folder")
}

// TestFIFOInPlaceOfSecretFile: a FIFO would hang ls and get forever.
func TestFIFOInPlaceOfSecretFile(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	mustSet(t, s, "prod/db/user", []byte("etl"), day("alice", 1))
	const name = "secrets/prod/db/password.yaml"
	if err := mkfifo(filepath.Join(s.Dir, name)); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	done := make(chan error, 1)
	go func() {
		_, bad := mustList(t, s)
		if len(bad) != 1 || bad[0].Name != name {
			t.Errorf("bad %v", bad)
		}
		_, err := s.Load("prod/db/password")
		done <- err
	}()
	select {
	case err := <-done:
		assertErr(t, err, ErrCorrupt, name+" is not a regular file")
	case <-time.After(10 * time.Second):
		// Open the FIFO for writing to let the stuck read end.
		if f, err := os.OpenFile(filepath.Join(s.Dir, name), os.O_WRONLY, 0); err == nil {
			f.Close()
		}
		t.Fatal("ls or get hung on a FIFO in place of a secret file")
	}
}

func mkfifo(name string) error { return exec.Command("mkfifo", name).Run() }
