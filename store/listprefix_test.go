package store

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// filtered is what List says of the secrets at prefix or under it.
func filtered(t *testing.T, s *Store, prefix string) []inventory.Secret {
	t.Helper()
	all, _ := mustList(t, s)
	var kept []inventory.Secret
	for _, sec := range all {
		if underPrefix(sec.Path, prefix) {
			kept = append(kept, sec)
		}
	}
	return kept
}

func mustListPrefix(t *testing.T, s *Store, prefix string) ([]inventory.Secret, []BadFile) {
	t.Helper()
	secrets, bad, err := s.ListPrefix(prefix)
	if err != nil {
		t.Fatalf("ListPrefix(%q): %v", prefix, err)
	}
	return secrets, bad
}

func TestListPrefixIsListFiltered(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	for _, p := range []string{"prod/db", "prod/db/password", "prod/db/a/b", "prod/dbx/y", "prod/api/key", "dev/db/password", "stg/x/y"} {
		mustSet(t, s, p, []byte("v-"+p), day("alice", 0))
	}
	for _, prefix := range []string{"", "prod", "prod/", "prod/db", "prod/db/", "prod/dbx", "prod/db/password", "prod/db/a",
		"dev", "nope", "prod/nope/deeper", "prod/db/password/deeper", "../prod", "./prod", "prod//db", "/prod", ".cabinet", "prod/db.yaml"} {
		for _, cached := range []bool{false, true} {
			if !cached {
				if err := os.Remove(filepath.Join(s.Dir, cacheFile)); err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
			}
			want := filtered(t, s, prefix)
			if !cached {
				os.Remove(filepath.Join(s.Dir, cacheFile))
			}
			got, bad := mustListPrefix(t, s, prefix)
			if len(bad) != 0 {
				t.Errorf("ListPrefix(%q): bad %v", prefix, bad)
			}
			if (len(got) > 0 || len(want) > 0) && !reflect.DeepEqual(got, want) {
				t.Errorf("ListPrefix(%q), cached %v: %q; List filtered: %q", prefix, cached, listPaths(got), listPaths(want))
			}
		}
	}
}

func TestListPrefixBadFiles(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	for _, p := range []string{"prod/db/password", "prod/api/key", "dev/db/password"} {
		mustSet(t, s, p, []byte("v"), day("alice", 0))
	}
	write := func(rel, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(s.Dir, filepath.Dir(rel)), dirPerm); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(s.Dir, rel), []byte(content), filePerm); err != nil {
			t.Fatal(err)
		}
	}
	write("secrets/prod/db/broken.yaml", "owner: [\n")
	write("secrets/prod/api/broken.yaml", "owner: [\n")
	secrets, bad := mustListPrefix(t, s, "prod/db")
	if listPaths(secrets) != "prod/db/password" || len(bad) != 1 || bad[0].Name != "secrets/prod/db/broken.yaml" {
		t.Errorf("ListPrefix(prod/db): %q, bad %v; want prod/db/password and secrets/prod/db/broken.yaml", listPaths(secrets), bad)
	}

	// A link on the way to the prefix, or the prefix's folder or file as a
	// link, is refused by name and not followed.
	outside := t.TempDir()
	write("secrets/elsewhere/x/y.yaml", "owner: [\n")
	for _, link := range []string{"secrets/dev", "secrets/dev/db", "secrets/dev/db.yaml"} {
		t.Run(link, func(t *testing.T) {
			name := filepath.Join(s.Dir, filepath.FromSlash(link))
			if err := os.Rename(name, name+".moved"); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, name); err != nil {
				t.Fatal(err)
			}
			defer func() {
				os.Remove(name)
				os.Rename(name+".moved", name)
			}()
			want := ""
			if link == "secrets/dev/db.yaml" {
				want = "dev/db/password"
			}
			secrets, bad := mustListPrefix(t, s, "dev/db")
			if listPaths(secrets) != want || len(bad) != 1 || bad[0].Name != link || !isRefusal(bad[0].Err) {
				t.Errorf("ListPrefix(dev/db) with %s a link: %q, bad %v; want %q listed and the link refused", link, listPaths(secrets), bad, want)
			}
		})
	}
	// A folder named like the prefix's secret file is refused.
	if err := os.MkdirAll(filepath.Join(s.Dir, "secrets", "dev", "db.yaml"), dirPerm); err != nil {
		t.Fatal(err)
	}
	secrets, bad = mustListPrefix(t, s, "dev/db")
	if listPaths(secrets) != "dev/db/password" || len(bad) != 1 || bad[0].Name != "secrets/dev/db.yaml" {
		t.Errorf("ListPrefix(dev/db) with a folder dev/db.yaml: %q, bad %v", listPaths(secrets), bad)
	}
}

// TestListPrefixKeepsTheRestOfTheCache: listing a prefix writes the entries
// it parsed and keeps the others, so that the next full listing reads no
// file again.
func TestListPrefixKeepsTheRestOfTheCache(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	for _, p := range []string{"prod/db/password", "prod/api/key", "dev/db/password", "dev/api/key"} {
		mustSet(t, s, p, []byte("v"), day("alice", 0))
	}
	mustList(t, s)
	time.Sleep(20 * time.Millisecond) // out of the clock tick of the writes (see List)
	mustList(t, s)
	mustSet(t, s, "prod/db/password", []byte("w"), day("alice", 1))
	mustSet(t, s, "prod/db/new", []byte("w"), day("alice", 1))
	secrets, _ := mustListPrefix(t, s, "prod/db")
	if listPaths(secrets) != "prod/db/new prod/db/password" || len(secrets[1].Versions) != 2 {
		t.Fatalf("ListPrefix(prod/db) after a change: %q", listPaths(secrets))
	}
	if n := len(indexedPaths(t, s)); n != 5 {
		t.Errorf("the index holds %d entries after listing a prefix, want 5", n)
	}
	if err := s.Remove("prod/db/new", day("alice", 2)); err != nil {
		t.Fatal(err)
	}
	mustListPrefix(t, s, "prod")
	if n := len(indexedPaths(t, s)); n != 4 {
		t.Errorf("the index holds %d entries after a removal, want 4", n)
	}
	all, _ := mustList(t, s)
	if listPaths(all) != "dev/api/key dev/db/password prod/api/key prod/db/password" {
		t.Errorf("List after ListPrefix: %q", listPaths(all))
	}
}

// TestListPrefixReadsOnlyItsFolder: without an index, listing a prefix
// parses the files under it and no other, as the index it leaves shows.
func TestListPrefixReadsOnlyItsFolder(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	for _, p := range []string{"prod/db/password", "prod/db/user", "prod/api/key", "dev/db/password"} {
		mustSet(t, s, p, []byte("v"), day("alice", 0))
	}
	if err := os.Remove(filepath.Join(s.Dir, cacheFile)); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if secrets, _ := mustListPrefix(t, s, "prod/db"); len(secrets) != 2 {
		t.Fatalf("ListPrefix(prod/db): %q", listPaths(secrets))
	}
	read := indexedPaths(t, s)
	if len(read) != 2 || !underPrefix(read[0], "prod/db") || !underPrefix(read[1], "prod/db") {
		t.Errorf("listing prod/db read %q", read)
	}
}

// indexedPaths lists the paths the index holds, in order.
func indexedPaths(t *testing.T, s *Store) []string {
	t.Helper()
	ix, err := s.readIndex(prefixRange(""))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.close()
	var paths []string
	for _, e := range ix.entries() {
		paths = append(paths, e.Secret.Path)
	}
	return paths
}
