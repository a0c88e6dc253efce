package store

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// BenchmarkList10k lists a store of 10,000 secrets: "warm" with the index
// cache in place (the daily case: nothing changed since the last listing),
// "cold" without it (every file is read and parsed).
func BenchmarkList10k(b *testing.B) {
	const n = 10000
	alice := newMember(b, "alice")
	s := newStore(b, alice)
	start := time.Now()
	bulkFill(b, s, n, func(i int) int { return 1 + i%3 }, func(i, v int) []byte { return bulkValue("bench", i, v) })
	b.Logf("built %d secrets in %v", n, time.Since(start))
	list := func(b *testing.B) {
		secrets, bad, err := s.List()
		if err != nil || len(bad) != 0 || len(secrets) != n {
			b.Fatalf("List: %d secrets, bad %v, %v", len(secrets), bad, err)
		}
	}

	b.Run("warm", func(b *testing.B) {
		// Files written in the clock tick the cache is written in are
		// parsed again once (see List); a second listing settles that.
		list(b)
		time.Sleep(20 * time.Millisecond)
		list(b)
		b.ResetTimer()
		for range b.N {
			list(b)
		}
	})
	b.Run("cold", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			if err := os.Remove(filepath.Join(s.Dir, cacheFile)); err != nil && !os.IsNotExist(err) {
				b.Fatal(err)
			}
			b.StartTimer()
			list(b)
		}
	})
}

// BenchmarkListPrefix10k lists one folder of a store of 10,000 secrets,
// prod/app07 (84 secrets, under 1% of the store), beside the whole store,
// both with the index cache in place: ls PREFIX reads the prefix's folder
// and the index's chunks that can hold it, so it costs in proportion to
// what it lists.
func BenchmarkListPrefix10k(b *testing.B) {
	const n = 10000
	alice := newMember(b, "alice")
	s := newStore(b, alice)
	bulkFill(b, s, n, func(i int) int { return 1 + i%3 }, func(i, v int) []byte { return bulkValue("bench", i, v) })
	const prefix = "prod/app07"
	want := 0
	for i := range n {
		if underPrefix(bulkPath(i), prefix) {
			want++
		}
	}
	list := func(b *testing.B, prefix string, want int) {
		secrets, bad, err := s.ListPrefix(prefix)
		if err != nil || len(bad) != 0 || len(secrets) != want {
			b.Fatalf("ListPrefix(%q): %d secrets, want %d, bad %v, %v", prefix, len(secrets), want, bad, err)
		}
	}
	// Files written in the clock tick the cache is written in are parsed
	// again once (see List); a second listing settles that.
	list(b, "", n)
	time.Sleep(20 * time.Millisecond)
	list(b, "", n)
	b.Run("prefix", func(b *testing.B) {
		for range b.N {
			list(b, prefix, want)
		}
	})
	b.Run("whole", func(b *testing.B) {
		for range b.N {
			list(b, "", n)
		}
	})
}

// BenchmarkReadOne reads and decrypts one value, audit line included.
func BenchmarkReadOne(b *testing.B) {
	alice := newMember(b, "alice")
	s := newStore(b, alice)
	mustSet(b, s, "prod/db/password", []byte("correct horse battery staple"), day("alice", 0))
	a := day("alice", 1)
	b.ResetTimer()
	for range b.N {
		value, _, err := s.Read("prod/db/password", inventory.Selector{}, alice.ID, a)
		if err != nil || len(value) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkReencrypt1000 adds a member to the scope of 1,000 secrets with 1
// to 3 versions each (2,000 values), which re-encrypts every value. Each
// iteration starts from a fresh copy of the same store.
func BenchmarkReencrypt1000(b *testing.B) {
	const n = 1000
	alice, bob := newMember(b, "alice"), newMember(b, "bob")
	tmpl := newStore(b, alice)
	bulkFill(b, tmpl, n, func(i int) int { return 1 + i%3 }, func(i, v int) []byte { return bulkValue("bench", i, v) })
	work := b.TempDir()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		dir := filepath.Join(work, "copy")
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
		copyTree(b, tmpl.Dir, dir)
		s, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := s.AddMember("bob", bob.Public, []string{"*"}, alice.ID, day("alice", i))
		b.StopTimer()
		if err != nil || len(res.Reencrypted) != n || len(res.Failed) != 0 {
			b.Fatalf("AddMember: %d re-encrypted, failed %v, %v", len(res.Reencrypted), res.Failed, err)
		}
		b.StartTimer()
	}
}

// copyTree copies the files and folders under src to dst.
func copyTree(b *testing.B, src, dst string) {
	b.Helper()
	err := filepath.WalkDir(src, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, name)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, dirPerm)
		}
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, filePerm)
	})
	if err != nil {
		b.Fatal(err)
	}
}
