package store

import (
	"bufio"
	"encoding/gob"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/cabinethq/cabinet/inventory"
)

// BadFile is a secret file that could not be read; the rest of the inventory
// still opens.
type BadFile struct {
	Name string // relative to the store, e.g. secrets/prod/db/password.yaml
	Err  error
}

func (b BadFile) Error() string {
	if isRefusal(b.Err) {
		return b.Err.Error() // it names the file already
	}
	return b.Name + ": " + b.Err.Error()
}
func (b BadFile) Unwrap() error { return b.Err }

// cacheFile holds parsed metadata (never values) keyed by file identity, so
// that listing a large store reads no secret file that has not changed. It
// lives in .cabinet/cache/, which .cabinet/.gitignore keeps out of Git.
const (
	cacheDir  = ".cabinet/cache"
	cacheFile = cacheDir + "/index.gob"
)

// cacheFormat changes whenever cacheEntry or inventory.Secret does: an
// index of another format is not read, and the next listing rebuilds it.
// cacheFingerprint is the shape of the cached types (their fields' names
// and types, all the way down) that format stands for, as
// TestCacheFormatFollowsCachedType computes it; that test fails when the
// types change and the two constants do not.
const (
	cacheFormat      = 2
	cacheFingerprint = "9e833332f6c6253d"
)

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
// (Version.Value is empty), and the files that could not be read: among
// them every symbolic link under secrets/ and every folder named like a
// secret file, neither of which is followed.
func (s *Store) List() ([]inventory.Secret, []BadFile, error) {
	found, refused, err := s.walkStore()
	if err != nil {
		return nil, nil, err
	}
	return s.listFound(found, refused, "")
}

// ListPrefix is List of the secrets at prefix or under it, whole segments
// matching ("prod/db" lists prod/db and prod/db/..., not prod/dbx/...), and
// of the files there that could not be read, a link on the way to prefix
// included. It reads only the folder of prefix, so that its cost follows
// what it lists, not the size of the store. An empty prefix is List.
func (s *Store) ListPrefix(prefix string) ([]inventory.Secret, []BadFile, error) {
	prefix = strings.TrimSuffix(prefix, "/")
	if prefix == "" {
		return s.List()
	}
	if !plainPrefix(prefix) {
		// No folder to walk into names it; the whole store, filtered, says
		// what List would.
		secrets, bad, err := s.List()
		if err != nil {
			return nil, nil, err
		}
		kept := secrets[:0]
		for _, sec := range secrets {
			if underPrefix(sec.Path, prefix) {
				kept = append(kept, sec)
			}
		}
		var keptBad []BadFile
		for _, b := range bad {
			if badUnder(b.Name, prefix) {
				keptBad = append(keptBad, b)
			}
		}
		return kept, keptBad, nil
	}
	found, refused, err := s.walkPrefix(prefix)
	if err != nil {
		return nil, nil, err
	}
	return s.listFound(found, refused, prefix)
}

// underPrefix reports whether the secret path lies at prefix or under it,
// whole segments matching: "prod/db" holds prod/db and prod/db/..., not
// prod/dbx/.... An empty prefix holds every path.
func underPrefix(path, prefix string) bool {
	prefix = strings.TrimSuffix(prefix, "/")
	return prefix == "" || path == prefix || strings.HasPrefix(path, prefix+"/")
}

// plainPrefix reports whether prefix names folders a walk can go straight
// to: segments that are neither empty, hidden, "." or "..", nor named like
// a secret file (the walk refuses such a folder rather than entering it).
func plainPrefix(prefix string) bool {
	for _, seg := range strings.Split(prefix, "/") {
		if seg == "" || strings.HasPrefix(seg, ".") || strings.HasSuffix(seg, secretExt) || strings.ContainsAny(seg, "\\\x00") {
			return false
		}
	}
	return true
}

// badUnder reports whether the unreadable file name (relative to the store)
// is one a listing of prefix meets: the secret file of prefix, a file under
// its folder, or a link on the way there.
func badUnder(name, prefix string) bool {
	rel, ok := strings.CutPrefix(name, secretsDir+"/")
	if !ok {
		return name == secretsDir
	}
	return rel == prefix+secretExt || underPrefix(rel, prefix) || strings.HasPrefix(prefix, rel+"/")
}

// listFound reads the metadata of the files found, from the index where it
// is fresh; prefix, if not empty, is the part of the store the walk covered.
func (s *Store) listFound(found []foundFile, refused []BadFile, prefix string) ([]inventory.Secret, []BadFile, error) {
	cache, cacheMod, err := s.readCache()
	if err != nil {
		return nil, nil, err
	}
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
	switch {
	case prefix == "":
		if len(stale) > 0 || len(cache.Entries) != len(found) {
			s.writeCache(found, secrets, bad, nil, cacheData{}, 0)
		}
	case len(stale) > 0 || cachedUnder(cache, prefix) != len(found):
		// The entries outside prefix were not looked at: they are kept as
		// they were, and checked by the listing that uses them.
		s.writeCache(found, secrets, bad, func(rel string) bool { return !underPrefix(rel, prefix) }, cache, cacheMod)
	}
	if len(bad) > 0 {
		secrets = dropBad(found, secrets, bad)
	}
	if len(refused) > 0 {
		bad = append(bad, refused...)
		sort.Slice(bad, func(i, j int) bool { return bad[i].Name < bad[j].Name })
	}
	return secrets, bad, nil
}

// cachedUnder counts the index's entries at prefix or under it.
func cachedUnder(c cacheData, prefix string) int {
	n := 0
	for rel := range c.Entries {
		if underPrefix(rel, prefix) {
			n++
		}
	}
	return n
}

// walkPrefix is walkStore for the secret file of prefix and the folder of
// prefix, a plain prefix (plainPrefix). A link on the way is refused as the
// walk of the whole store refuses it, by its name.
func (s *Store) walkPrefix(prefix string) (found []foundFile, refused []BadFile, err error) {
	f, err := s.secretsFolder()
	if f == nil || err != nil {
		return nil, nil, err
	}
	// refuse reports whether err refuses a link on the way, noting it once.
	refuse := func(err error) bool {
		var le *linkError
		if !errors.As(err, &le) {
			return false
		}
		for _, r := range refused {
			if r.Name == le.name {
				return true
			}
		}
		refused = append(refused, BadFile{Name: le.name, Err: err})
		return true
	}
	file := secretName(prefix)
	fi, err := f.lstat(file)
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
	case refuse(err):
	case err != nil:
		return nil, nil, err
	case !fi.Mode().IsRegular():
		refused = append(refused, BadFile{Name: file, Err: refuseNotFile(file, fi.Mode())})
	default:
		found = append(found, foundFile{rel: prefix, stamp: stampOf(fi)})
	}
	dir := secretsDir + "/" + prefix
	fi, err = f.lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
	case refuse(err):
	case err != nil:
		return nil, nil, err
	case fi.IsDir():
		if err := s.walkDir(f, dir, &found, &refused); err != nil {
			return nil, nil, err
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].rel < found[j].rel })
	sort.Slice(refused, func(i, j int) bool { return refused[i].Name < refused[j].Name })
	return found, refused, nil
}

// secretsFolder is the store's file system once secrets/ is known to be a
// folder; nil when there is none yet.
func (s *Store) secretsFolder() (*storeFS, error) {
	f, err := s.files()
	if err != nil {
		return nil, err
	}
	fi, err := f.lstat(secretsDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, err
	case !fi.IsDir():
		return nil, refuseNotFile(secretsDir, fi.Mode())
	}
	return f, nil
}

// walkSecrets finds the secret files, sorted by path. A link or a folder in
// place of a secret file refuses the walk: its callers rewrite secrets and
// must not leave one behind.
func (s *Store) walkSecrets() ([]foundFile, error) {
	found, refused, err := s.walkStore()
	if err != nil {
		return nil, err
	}
	if len(refused) > 0 {
		return nil, refused[0].Err
	}
	return found, nil
}

// walkStore finds the secret files under secrets/, sorted by path, and the
// entries it refuses: links, which it never follows, and folders named like
// a secret file. The types come with the folder listings, so refusing costs
// nothing per file.
func (s *Store) walkStore() (found []foundFile, refused []BadFile, err error) {
	f, err := s.secretsFolder()
	if f == nil || err != nil {
		return nil, nil, err
	}
	err = s.walkDir(f, secretsDir, &found, &refused)
	sort.Slice(found, func(i, j int) bool { return found[i].rel < found[j].rel })
	return found, refused, err
}

func (s *Store) walkDir(f *storeFS, dir string, found *[]foundFile, refused *[]BadFile) error {
	entries, err := f.readDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		base := e.Name()
		name := dir + "/" + base
		isSecret := !strings.HasPrefix(base, ".") && strings.HasSuffix(base, secretExt)
		switch {
		case e.Type()&fs.ModeSymlink != 0:
			*refused = append(*refused, BadFile{Name: name, Err: refuseLink(name)})
		case isSecret && !e.Type().IsRegular():
			// A folder is left out of nothing; a FIFO would hang the read.
			*refused = append(*refused, BadFile{Name: name, Err: refuseNotFile(name, e.Type())})
		case e.IsDir():
			if err := s.walkDir(f, name, found, refused); err != nil {
				return err
			}
		case isSecret:
			fi, err := e.Info()
			if err != nil {
				continue // removed meanwhile
			}
			rel := strings.TrimSuffix(name[len(secretsDir)+1:], secretExt)
			*found = append(*found, foundFile{rel: rel, stamp: stampOf(fi)})
		}
	}
	return nil
}

// parseStale reads the files at the stale indexes in parallel, filling
// secrets, and returns the ones that failed, in path order.
func (s *Store) parseStale(found []foundFile, stale []int, secrets []inventory.Secret) []BadFile {
	errs := make([]error, len(found))
	fsys, err := s.files()
	if err != nil {
		for _, i := range stale {
			errs[i] = err
		}
		return staleBad(found, stale, errs)
	}
	// Work goes out in runs of files in path order, so that files of one
	// folder mostly go to one worker, which opens the folder once: a read
	// through the store's root from its top costs an open per folder on
	// the way, a third of a cold listing.
	const run = 64
	work := make(chan []int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, len(stale))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var dirs folderCursor
			defer dirs.close()
			for chunk := range work {
				for _, i := range chunk {
					sec, err := s.loadMeta(fsys, &dirs, found[i].rel)
					if err != nil {
						errs[i] = err
						continue
					}
					secrets[i] = *sec
				}
			}
		}()
	}
	for rest := stale; len(rest) > 0; {
		n := min(run, len(rest))
		work <- rest[:n]
		rest = rest[n:]
	}
	close(work)
	wg.Wait()
	return staleBad(found, stale, errs)
}

func staleBad(found []foundFile, stale []int, errs []error) []BadFile {
	var bad []BadFile
	for _, i := range stale {
		if errs[i] != nil {
			bad = append(bad, BadFile{Name: secretName(found[i].rel), Err: errs[i]})
		}
	}
	return bad
}

// folderCursor keeps the folder of the last secret file read open.
type folderCursor struct {
	name string
	root *os.Root
}

func (c *folderCursor) open(fsys *storeFS, dir string) (*os.Root, error) {
	if c.root != nil && c.name == dir {
		return c.root, nil
	}
	c.close()
	r, err := fsys.root.OpenRoot(native(dir))
	if err != nil {
		return nil, err
	}
	c.name, c.root = dir, r
	return r, nil
}

func (c *folderCursor) close() {
	if c.root != nil {
		c.root.Close()
		c.root = nil
	}
}

// loadMeta parses one secret file and drops its values.
func (s *Store) loadMeta(fsys *storeFS, dirs *folderCursor, rel string) (*inventory.Secret, error) {
	// The walk saw no link on the way; the root keeps a link put there
	// since from leading out of the store.
	dir, base := path.Split(secretName(rel))
	d, err := dirs.open(fsys, dir)
	if err != nil {
		return nil, err
	}
	data, err := d.ReadFile(base)
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

// readCache returns the index and the modification time of its file. A
// missing or unreadable index is no error, but a link on its way is: the
// listing would write the index there.
func (s *Store) readCache() (cacheData, int64, error) {
	fsys, err := s.files()
	if err != nil {
		return cacheData{}, 0, err
	}
	f, err := fsys.openFile(cacheFile, os.O_RDONLY, 0)
	if isRefusal(err) {
		return cacheData{}, 0, err
	}
	if err != nil {
		return cacheData{}, 0, nil
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return cacheData{}, 0, nil
	}
	// Decoded straight from the file: gob reads its one message into a
	// buffer of its own, and a second copy of a large index would raise the
	// peak memory of a listing by its size.
	var c cacheData
	if gob.NewDecoder(bufio.NewReader(f)).Decode(&c) != nil || c.Format != cacheFormat {
		return cacheData{}, 0, nil
	}
	return c, fi.ModTime().UnixNano(), nil
}

// writeCache saves the index. Failing to is not an error: the cache only
// makes the next listing faster.
//
// keep, if not nil, says which entries of the index in place (old, read at
// mod, its modification time) outlive the write: those outside a prefix
// listed. Of those, only the ones a listing would trust are kept.
func (s *Store) writeCache(found []foundFile, secrets []inventory.Secret, bad []BadFile, keep func(rel string) bool, old cacheData, mod int64) {
	isBad := map[string]bool{}
	for _, b := range bad {
		isBad[b.Name] = true
	}
	c := cacheData{Format: cacheFormat, Entries: make(map[string]cacheEntry, len(found)+len(old.Entries))}
	if keep != nil {
		for rel, e := range old.Entries {
			if keep(rel) && e.Stamp.ModNano < mod {
				c.Entries[rel] = e
			}
		}
	}
	for i, f := range found {
		if !isBad[secretsDir+"/"+f.rel+secretExt] {
			c.Entries[f.rel] = cacheEntry{Stamp: f.stamp, Secret: secrets[i]}
		}
	}
	// Encoded straight into the file: on a large store the index is tens of
	// MB, which need not be in memory twice.
	_ = s.writeFileSyncedWith(cacheFile, func(w io.Writer) error {
		return gob.NewEncoder(w).Encode(&c)
	})
}
