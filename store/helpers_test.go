package store

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/internal/agetest"
	"github.com/cabinethq/cabinet/inventory"
)

// t0 is the test clock's origin: every Act is t0 plus a few days, so that
// versions, exposures and audit lines have known times.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// day returns an Act by actor at t0 plus n days.
func day(actor string, n int) Act {
	return Act{Actor: actor, Now: t0.Add(time.Duration(n) * 24 * time.Hour)}
}

// member is a store member with an identity generated for this run: no key
// is ever committed.
type member struct {
	Name   string
	Public string
	Secret string
	ID     *crypto.Identity
}

func newMember(tb testing.TB, name string) member {
	tb.Helper()
	g, err := crypto.GenerateIdentity()
	if err != nil {
		tb.Fatal(err)
	}
	id, err := crypto.ParseIdentity(g.Secret, "test identity "+name)
	if err != nil {
		tb.Fatal(err)
	}
	return member{Name: name, Public: g.Public, Secret: g.Secret, ID: id}
}

// newStore creates a store in a fresh temporary folder with first as its
// only member.
func newStore(tb testing.TB, first member) *Store {
	tb.Helper()
	s, err := Init(filepath.Join(tb.TempDir(), "store"), first.Name, first.Public)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// addMember adds a member in no scope, which re-encrypts nothing.
func addMember(tb testing.TB, s *Store, m member, by member) {
	tb.Helper()
	res, err := s.AddMember(m.Name, m.Public, nil, by.ID, day(by.Name, 0))
	if err != nil {
		tb.Fatal(err)
	}
	if len(res.Reencrypted) != 0 || len(res.Failed) != 0 {
		tb.Fatalf("adding %s to no scope re-encrypted %v, failed %v", m.Name, res.Reencrypted, res.Failed)
	}
}

// ownerIfNew is the edit function SetValue needs for a new secret: a
// secret must have an owner.
func ownerIfNew(sec *inventory.Secret, created bool) error {
	if created {
		sec.Owner = "data-platform"
	}
	return nil
}

func mustSet(tb testing.TB, s *Store, path string, value []byte, a Act) inventory.Version {
	tb.Helper()
	_, v, err := s.SetValue(path, value, a, ownerIfNew)
	if err != nil {
		tb.Fatalf("set %s: %v", path, err)
	}
	return v
}

func mustRead(tb testing.TB, s *Store, path string, sel inventory.Selector, m member) ([]byte, *inventory.Version) {
	tb.Helper()
	value, v, err := s.Read(path, sel, m.ID, day(m.Name, 1))
	if err != nil {
		tb.Fatalf("read %s%s as %s: %v", path, sel, m.Name, err)
	}
	return value, v
}

// canary returns a distinctive plaintext that must never reach the disk.
func canary(tb testing.TB) string {
	tb.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return "PLAINTEXT-CANARY-" + hex.EncodeToString(b)
}

// assertNowhere fails if needle occurs in any file under root (temporary
// files, the cache and the audit log included).
func assertNowhere(tb testing.TB, root, needle string) {
	tb.Helper()
	files := 0
	err := filepath.WalkDir(root, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		files++
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte(needle)) {
			tb.Errorf("%s holds the plaintext %q", name, needle)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if files == 0 {
		tb.Fatalf("no file under %s", root)
	}
}

// snapEntry is one file or folder of a snapshot.
type snapEntry struct {
	mode fs.FileMode
	data string
}

// Parts of a store that a snapshot may leave out.
const (
	skipCache = ".cabinet/cache" // rewritten by List, only ever metadata
	skipAudit = "audit"          // appended to by ops that record a failure
)

// snapshot records every file's bytes and mode and every folder's mode
// under root, except under the skipped relative prefixes.
func snapshot(tb testing.TB, root string, skip ...string) map[string]snapEntry {
	tb.Helper()
	snap := map[string]snapEntry{}
	err := filepath.WalkDir(root, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, name)
		rel = filepath.ToSlash(rel)
		for _, p := range skip {
			if rel == p || strings.HasPrefix(rel, p+"/") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		e := snapEntry{mode: fi.Mode()}
		if d.Type().IsRegular() {
			data, err := os.ReadFile(name)
			if err != nil {
				return err
			}
			e.data = string(data)
		}
		snap[rel] = e
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return snap
}

// assertSameSnapshot fails naming every file added, removed or changed.
func assertSameSnapshot(tb testing.TB, before, after map[string]snapEntry) {
	tb.Helper()
	var diffs []string
	for name, b := range before {
		a, ok := after[name]
		switch {
		case !ok:
			diffs = append(diffs, "removed "+name)
		case a.mode != b.mode:
			diffs = append(diffs, fmt.Sprintf("mode of %s: %v -> %v", name, b.mode, a.mode))
		case a.data != b.data:
			diffs = append(diffs, "changed "+name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			diffs = append(diffs, "added "+name)
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		tb.Errorf("the store changed:\n  %s", strings.Join(diffs, "\n  "))
	}
}

// assertPerms checks that every file under root is 0600 and every folder
// (root included) 0700.
func assertPerms(tb testing.TB, root string) {
	tb.Helper()
	if runtime.GOOS == "windows" {
		return // no Unix permission bits; the ACL of the user's folder applies
	}
	err := filepath.WalkDir(root, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir // Git's own files; what matters is that no one else reads them
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case fi.IsDir():
			if fi.Mode().Perm() != dirPerm {
				tb.Errorf("folder %s is %v, want %v", name, fi.Mode().Perm(), fs.FileMode(dirPerm))
			}
		case fi.Mode().IsRegular():
			if fi.Mode().Perm() != filePerm {
				tb.Errorf("file %s is %v, want %v", name, fi.Mode().Perm(), fs.FileMode(filePerm))
			}
		default:
			tb.Errorf("%s is neither a file nor a folder: %v", name, fi.Mode())
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// assertErr checks err wraps want (when not nil) and mentions every one of
// the substrings.
func assertErr(tb testing.TB, err, want error, mentions ...string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("no error; want %v", want)
	}
	if want != nil && !errors.Is(err, want) {
		tb.Errorf("error %q does not wrap %q", err, want)
	}
	for _, m := range mentions {
		if !strings.Contains(err.Error(), m) {
			tb.Errorf("error %q does not mention %q", err, m)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		tb.Errorf("error %q is not one line", err)
	}
}

// bulkPath spreads bulk secrets over the three environments and a few
// folders, like a real inventory.
func bulkPath(i int) string {
	env := inventory.DefaultEnvironments[i%3]
	return fmt.Sprintf("%s/app%02d/key%05d", env, (i/3)%40, i)
}

// bulkValue is the plaintext of version v of bulk secret i.
func bulkValue(tag string, i, v int) []byte {
	return fmt.Appendf(nil, "%s-%05d-v%d", tag, i, v)
}

// bulkFill writes n secrets straight to disk, sealed in parallel to their
// scope's members exactly as SetValue and re-encryption leave them, with
// versions(i) versions each (newest current, then previous, then retired).
// It is for building large stores quickly; it does not fsync. It returns
// the paths in index order.
func bulkFill(tb testing.TB, s *Store, n int, versions func(i int) int, value func(i, v int) []byte) []string {
	tb.Helper()
	paths := make([]string, n)
	for i := range paths {
		paths[i] = bulkPath(i)
	}
	work := make(chan int)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := bulkWrite(s, paths[i], i, versions(i), value); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		tb.Fatal(firstErr)
	}
	return paths
}

func bulkWrite(s *Store, path string, i, nv int, value func(i, v int) []byte) error {
	readers, keys, sum, err := s.sealTarget(path)
	if err != nil {
		return err
	}
	sec := &inventory.Secret{Path: path, Owner: "team-" + inventory.Environment(path), Readers: readers, ReadersSum: sum}
	if i%2 == 0 {
		sec.Rotation.Every = inventory.Every{N: 90, Unit: 'd'}
	}
	for v := nv; v >= 1; v-- {
		state := inventory.Retired
		switch v {
		case nv:
			state = inventory.Current
		case nv - 1:
			state = inventory.Previous
		}
		ct, err := crypto.Seal(value(i, v), keys, crypto.Binding{Path: path, Version: v, Readers: sum})
		if err != nil {
			return err
		}
		sec.Versions = append(sec.Versions, inventory.Version{
			Number: v, State: state, Created: t0.Add(time.Duration(v) * time.Hour), Author: "alice", Value: ct,
		})
	}
	data, err := FormatSecret(sec)
	if err != nil {
		return err
	}
	name := s.secretFile(path)
	if err := os.MkdirAll(filepath.Dir(name), dirPerm); err != nil {
		return err
	}
	return os.WriteFile(name, data, filePerm)
}

// openAll decrypts every version of every path with each identity, in
// parallel, and checks it against value. It returns one line per failure.
func openAll(s *Store, paths []string, value func(i, v int) []byte, ids ...*crypto.Identity) []string {
	var (
		mu    sync.Mutex
		fails []string
		wg    sync.WaitGroup
	)
	work := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				var bad []string
				sec, err := s.Load(paths[i])
				if err != nil {
					bad = append(bad, err.Error())
				} else {
					for _, v := range sec.Versions {
						for _, id := range ids {
							got, _, err := crypto.Open(v.Value, id)
							switch {
							case err != nil:
								bad = append(bad, fmt.Sprintf("%s v%d (%s): %v", paths[i], v.Number, id.Source, err))
							case !bytes.Equal(got, value(i, v.Number)):
								bad = append(bad, fmt.Sprintf("%s v%d (%s): wrong value", paths[i], v.Number, id.Source))
							}
						}
					}
				}
				if bad != nil {
					mu.Lock()
					fails = append(fails, bad...)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range paths {
		work <- i
	}
	close(work)
	wg.Wait()
	sort.Strings(fails)
	return fails
}

// sealUnbound seals value to the members as the stock age command does,
// and cabinet did before bindings: no binding stanza.
func sealUnbound(tb testing.TB, value string, to ...member) string {
	tb.Helper()
	var keys []string
	for _, m := range to {
		keys = append(keys, m.Public)
	}
	return agetest.SealUnbound(tb, value, keys...)
}
