package store

import (
	"bufio"
	"encoding/gob"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/cabinethq/cabinet/inventory"
)

// BadFile is a secret file that could not be read; the rest of the inventory
// still opens.
type BadFile struct {
	Name string // relative to the store, e.g. secrets/prod/db/password.yaml
	Err  error
}

func (b BadFile) Error() string { return b.Name + ": " + b.Err.Error() }
func (b BadFile) Unwrap() error { return b.Err }

// cacheFile holds parsed metadata (never values) keyed by file identity, so
// that listing a large store reads no secret file that has not changed. It
// lives in .cabinet/cache/, which .cabinet/.gitignore keeps out of Git.
const cacheFile = ".cabinet/cache/index.gob"

// cacheFormat changes whenever cacheEntry or inventory.Secret does.
const cacheFormat = 2

type fileStamp struct {
	Size    int64
	ModNano int64
	Ino     uint64
}

type cacheEntry struct {
	Stamp  fileStamp
	Secret inventory.Secret
}

type cacheData struct {
	Format  int
	Entries map[string]cacheEntry
}

type foundFile struct {
	rel   string // path of the secret, e.g. prod/db/password
	stamp fileStamp
}

// List returns every secret's metadata sorted by path, without values
// (Version.Value is empty), and the files that could not be read.
func (s *Store) List() ([]inventory.Secret, []BadFile, error) {
	found, err := s.walkSecrets()
	if err != nil {
		return nil, nil, err
	}
	cache, cacheMod := s.readCache()
	secrets := make([]inventory.Secret, len(found))
	var stale []int
	for i, f := range found {
		// An entry is trusted only if its file is older than the cache: an
		// atomic write's new file often reuses the inode number freed by the
		// write before it, and writes within one clock tick of the file
		// system share their mtime, so a file written in the tick the cache
		// was written may yet be replaced by one with the same stamp (git's
		// "racily clean" entries). Such files are parsed again.
		if e, ok := cache.Entries[f.rel]; ok && e.Stamp == f.stamp && f.stamp.ModNano < cacheMod {
			secrets[i] = e.Secret
		} else {
			stale = append(stale, i)
		}
	}
	bad := s.parseStale(found, stale, secrets)
	if len(stale) > 0 || len(cache.Entries) != len(found) {
		s.writeCache(found, secrets, bad)
	}
	if len(bad) > 0 {
		secrets = dropBad(found, secrets, bad)
	}
	return secrets, bad, nil
}

// walkSecrets finds the secret files, sorted by path.
func (s *Store) walkSecrets() ([]foundFile, error) {
	root := filepath.Join(s.Dir, secretsDir)
	var found []foundFile
	err := filepath.WalkDir(root, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			if name == root && os.IsNotExist(err) {
				return filepath.SkipDir
			}
			return err
		}
		base := d.Name()
		if d.IsDir() || strings.HasPrefix(base, ".") || !strings.HasSuffix(base, secretExt) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil // removed meanwhile
		}
		rel := filepath.ToSlash(strings.TrimSuffix(name[len(root)+1:], secretExt))
		found = append(found, foundFile{rel: rel, stamp: stampOf(fi)})
		return nil
	})
	sort.Slice(found, func(i, j int) bool { return found[i].rel < found[j].rel })
	return found, err
}

// parseStale reads the files at the stale indexes in parallel, filling
// secrets, and returns the ones that failed, in path order.
func (s *Store) parseStale(found []foundFile, stale []int, secrets []inventory.Secret) []BadFile {
	errs := make([]error, len(found))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, len(stale))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				sec, err := s.loadMeta(found[i].rel)
				if err != nil {
					errs[i] = err
					continue
				}
				secrets[i] = *sec
			}
		}()
	}
	for _, i := range stale {
		work <- i
	}
	close(work)
	wg.Wait()
	var bad []BadFile
	for _, i := range stale {
		if errs[i] != nil {
			bad = append(bad, BadFile{Name: secretsDir + "/" + found[i].rel + secretExt, Err: errs[i]})
		}
	}
	return bad
}

// loadMeta parses one secret file and drops its values.
func (s *Store) loadMeta(rel string) (*inventory.Secret, error) {
	data, err := os.ReadFile(s.secretFile(rel))
	if err != nil {
		return nil, err
	}
	sec, err := ParseSecret(data, rel, s.Config.Environments)
	if err != nil {
		return nil, err
	}
	for i := range sec.Versions {
		sec.Versions[i].Value = ""
	}
	return sec, nil
}

func dropBad(found []foundFile, secrets []inventory.Secret, bad []BadFile) []inventory.Secret {
	isBad := map[string]bool{}
	for _, b := range bad {
		isBad[b.Name] = true
	}
	kept := secrets[:0]
	for i, f := range found {
		if !isBad[secretsDir+"/"+f.rel+secretExt] {
			kept = append(kept, secrets[i])
		}
	}
	return kept
}

// readCache returns the index and the modification time of its file.
func (s *Store) readCache() (cacheData, int64) {
	f, err := os.Open(filepath.Join(s.Dir, cacheFile))
	if err != nil {
		return cacheData{}, 0
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return cacheData{}, 0
	}
	// Decoded straight from the file: gob reads its one message into a
	// buffer of its own, and a second copy of a large index would raise the
	// peak memory of a listing by its size.
	var c cacheData
	if gob.NewDecoder(bufio.NewReader(f)).Decode(&c) != nil || c.Format != cacheFormat {
		return cacheData{}, 0
	}
	return c, fi.ModTime().UnixNano()
}

// writeCache saves the index. Failing to is not an error: the cache only
// makes the next listing faster.
func (s *Store) writeCache(found []foundFile, secrets []inventory.Secret, bad []BadFile) {
	isBad := map[string]bool{}
	for _, b := range bad {
		isBad[b.Name] = true
	}
	c := cacheData{Format: cacheFormat, Entries: make(map[string]cacheEntry, len(found))}
	for i, f := range found {
		if !isBad[secretsDir+"/"+f.rel+secretExt] {
			c.Entries[f.rel] = cacheEntry{Stamp: f.stamp, Secret: secrets[i]}
		}
	}
	// Encoded straight into the file: on a large store the index is tens of
	// MB, which need not be in memory twice.
	_ = writeFileSyncedWith(filepath.Join(s.Dir, cacheFile), func(w io.Writer) error {
		return gob.NewEncoder(w).Encode(&c)
	})
}
