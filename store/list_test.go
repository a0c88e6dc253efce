package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

func listPaths(secrets []inventory.Secret) string {
	var paths []string
	for _, s := range secrets {
		paths = append(paths, s.Path)
	}
	return strings.Join(paths, " ")
}

func mustList(t *testing.T, s *Store) ([]inventory.Secret, []BadFile) {
	t.Helper()
	secrets, bad, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	return secrets, bad
}

func TestListWithBadFiles(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	for _, p := range []string{"prod/db/password", "dev/api/token", "stg/x/y", "prod/a/b/c"} {
		mustSet(t, s, p, []byte("v-"+p), day("alice", 0))
	}
	good, err := os.ReadFile(s.secretFile("prod/db/password"))
	if err != nil {
		t.Fatal(err)
	}
	bads := map[string]string{
		"secrets/prod/bad/malformed.yaml": "cabinet: 1\npath: prod/bad/malformed\nowner: [\n",
		"secrets/prod/bad/truncated.yaml": string(good[:len(good)-60]),
		"secrets/prod/bad/moved.yaml":     string(good),
		"secrets/dev/empty.yaml":          "",
	}
	for rel, content := range bads {
		if err := os.MkdirAll(filepath.Join(s.Dir, filepath.Dir(rel)), dirPerm); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(s.Dir, rel), []byte(content), filePerm); err != nil {
			t.Fatal(err)
		}
	}
	// Not secret files: skipped, not reported.
	for _, rel := range []string{"secrets/prod/.tmp-password.yaml-123", "secrets/prod/notes.txt", "secrets/.keep"} {
		if err := os.WriteFile(filepath.Join(s.Dir, rel), []byte("junk: ["), filePerm); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, s.Dir, skipCache)

	for round := range 3 { // cold, then from the cache
		secrets, bad := mustList(t, s)
		if got := listPaths(secrets); got != "dev/api/token prod/a/b/c prod/db/password stg/x/y" {
			t.Errorf("round %d: listed %q", round, got)
		}
		for _, sec := range secrets {
			for _, v := range sec.Versions {
				if v.Value != "" {
					t.Errorf("List returned the ciphertext of %s#%d", sec.Path, v.Number)
				}
			}
			if sec.Owner != "data-platform" || len(sec.Versions) != 1 || sec.Versions[0].State != inventory.Current {
				t.Errorf("round %d: %s = %+v", round, sec.Path, sec)
			}
		}
		var names []string
		for _, b := range bad {
			names = append(names, b.Name)
			if !errors.Is(b.Err, ErrCorrupt) {
				t.Errorf("%s: %v is not ErrCorrupt", b.Name, b.Err)
			}
			if !strings.HasPrefix(b.Error(), b.Name+": ") {
				t.Errorf("BadFile.Error() = %q does not start with the name", b.Error())
			}
		}
		if got := strings.Join(names, " "); got != "secrets/dev/empty.yaml secrets/prod/bad/malformed.yaml secrets/prod/bad/moved.yaml secrets/prod/bad/truncated.yaml" {
			t.Errorf("round %d: bad files %q", round, got)
		}
	}
	assertSameSnapshot(t, before, snapshot(t, s.Dir, skipCache))

	// A bad file can be removed, and the path set anew.
	if err := s.Remove("prod/bad/malformed", day("alice", 1)); err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, "prod/bad/malformed", []byte("v"), day("alice", 1))
	secrets, bad := mustList(t, s)
	if len(secrets) != 5 || len(bad) != 3 {
		t.Errorf("after the fix: %d listed, %d bad; want 5 and 3", len(secrets), len(bad))
	}
}

func TestListCache(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	for i := range 20 {
		mustSet(t, s, fmt.Sprintf("prod/svc%02d/password", i), []byte("v"), day("alice", i))
	}
	first, bad := mustList(t, s)
	if len(first) != 20 || len(bad) != 0 {
		t.Fatalf("listed %d, bad %v", len(first), bad)
	}
	cacheName := filepath.Join(s.Dir, cacheFile)
	if _, err := os.Stat(cacheName); err != nil {
		t.Fatalf("List wrote no cache: %v", err)
	}
	second, _ := mustList(t, s)
	if !reflect.DeepEqual(first, second) {
		t.Errorf("the second List differs from the first")
	}
	// A new handle on the store reads the same from the cache.
	o, err := Open(s.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if third, _, err := o.List(); err != nil || !reflect.DeepEqual(first, third) {
		t.Errorf("List through another handle differs: %v", err)
	}

	// A value change, an edit, a removal and an addition all show.
	mustSet(t, s, "prod/svc03/password", []byte("w"), day("alice", 30))
	if _, err := s.Edit("prod/svc04/password", day("alice", 30), func(sec *inventory.Secret) error {
		sec.Owner = "someone-else"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove("prod/svc05/password", day("alice", 30)); err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, "dev/new/one", []byte("v"), day("alice", 30))
	got, _ := mustList(t, s)
	byPath := map[string]inventory.Secret{}
	for _, sec := range got {
		byPath[sec.Path] = sec
	}
	if len(got) != 20 {
		t.Errorf("listed %d, want 20", len(got))
	}
	if n := len(byPath["prod/svc03/password"].Versions); n != 2 {
		t.Errorf("prod/svc03/password has %d versions after a set, want 2", n)
	}
	if o := byPath["prod/svc04/password"].Owner; o != "someone-else" {
		t.Errorf("prod/svc04/password owner %q after an edit", o)
	}
	if _, ok := byPath["prod/svc05/password"]; ok {
		t.Error("a removed secret is still listed")
	}
	if _, ok := byPath["dev/new/one"]; !ok {
		t.Error("a new secret is not listed")
	}

	// A damaged cache is ignored and rebuilt.
	if err := os.WriteFile(cacheName, []byte("not a gob"), filePerm); err != nil {
		t.Fatal(err)
	}
	if again, _ := mustList(t, s); !reflect.DeepEqual(again, got) {
		t.Error("List with a damaged cache differs")
	}
}

// TestListCacheSeesEveryEdit edits one secret twice in a row with values of
// the same size, listing in between, as fast as the store goes.
func TestListCacheSeesEveryEdit(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	const path = "prod/db/password"
	mustSet(t, s, path, []byte("v"), day("alice", 0))
	for i := range 40 {
		owners := []string{fmt.Sprintf("team-%04d", 3*i), fmt.Sprintf("team-%04d", 3*i+1), fmt.Sprintf("team-%04d", 3*i+2)}
		setOwner(t, s, path, owners[0])
		assertOwner(t, s, path, owners[0])
		setOwner(t, s, path, owners[1])
		setOwner(t, s, path, owners[2])
		assertOwner(t, s, path, owners[2])
	}
}

// TestListCacheSameClockTick is TestListCacheSeesEveryEdit on a file system
// whose clock does not move: a coarse timestamp (4 ms on Linux, 2 s on FAT)
// gives every write within one tick the same mtime, and an atomic write's
// new file commonly reuses the inode number that the write before it freed.
// Setting each file's mtime to one instant reproduces that tick.
func TestListCacheSameClockTick(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	const path = "prod/db/password"
	tick := time.Now().Truncate(time.Second)
	freeze := func(rel string) {
		if err := os.Chtimes(filepath.Join(s.Dir, rel), tick, tick); err != nil {
			t.Fatal(err)
		}
	}
	file := "secrets/prod/db/password.yaml"
	mustSet(t, s, path, []byte("v"), day("alice", 0))
	freeze(file)
	for i := range 20 {
		owners := []string{fmt.Sprintf("team-%04d", 3*i), fmt.Sprintf("team-%04d", 3*i+1), fmt.Sprintf("team-%04d", 3*i+2)}
		setOwner(t, s, path, owners[0])
		freeze(file)
		assertOwner(t, s, path, owners[0])
		freeze(cacheFile)
		setOwner(t, s, path, owners[1])
		freeze(file)
		setOwner(t, s, path, owners[2])
		freeze(file)
		assertOwner(t, s, path, owners[2])
		freeze(cacheFile)
	}
}

func setOwner(t *testing.T, s *Store, path, owner string) {
	t.Helper()
	if _, err := s.Edit(path, day("alice", 1), func(sec *inventory.Secret) error {
		sec.Owner = owner
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func assertOwner(t *testing.T, s *Store, path, owner string) {
	t.Helper()
	secrets, _ := mustList(t, s)
	for _, sec := range secrets {
		if sec.Path == path {
			if sec.Owner != owner {
				t.Fatalf("List gives owner %q, the file says %q: the cache missed an edit", sec.Owner, owner)
			}
			return
		}
	}
	t.Fatalf("List does not list %s", path)
}

// TestListUsesCache checks that a listing trusts the cache for a file that
// is older than the cache and has not changed: it does not read the file.
// Rewriting a file in place (keeping its inode, size and mtime, which
// cabinet never does) is how the test tells.
func TestListUsesCache(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	const path = "prod/db/password"
	mustSet(t, s, path, []byte("v"), day("alice", 0))
	name := s.secretFile(path)
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(name, old, old); err != nil {
		t.Fatal(err)
	}
	assertOwner(t, s, path, "data-platform")

	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(name, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte(strings.Replace(string(data), "owner: data-platform", "owner: data-platfoRM", 1))); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Chtimes(name, old, old); err != nil {
		t.Fatal(err)
	}
	assertOwner(t, s, path, "data-platform") // from the cache

	if err := os.Remove(filepath.Join(s.Dir, cacheFile)); err != nil {
		t.Fatal(err)
	}
	assertOwner(t, s, path, "data-platfoRM") // without the cache, the file is read
}

func TestListEmpty(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	for range 2 {
		if secrets, bad := mustList(t, s); len(secrets) != 0 || len(bad) != 0 {
			t.Errorf("an empty store lists %v %v", secrets, bad)
		}
		// A clone whose secrets/ folder is gone altogether.
		if err := os.RemoveAll(filepath.Join(s.Dir, "secrets")); err != nil {
			t.Fatal(err)
		}
	}
	if stale, _, err := s.Stale(); err != nil || len(stale) != 0 {
		t.Errorf("Stale() = %v, %v", stale, err)
	}
	mustSet(t, s, "dev/a/b", []byte("v"), day("alice", 0))
	if secrets, _ := mustList(t, s); len(secrets) != 1 {
		t.Errorf("listed %d", len(secrets))
	}
}
