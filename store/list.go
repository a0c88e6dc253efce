package store

import (
	"errors"
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

type foundFile struct {
	rel   string // path of the secret, e.g. prod/db/password
	stamp fileStamp
}

// List returns every secret's metadata sorted by path, without values
// (Version.Value is empty), and the files that could not be read: among
// them every symbolic link under secrets/ and every folder named like a
// secret file, neither of which is followed.
func (s *Store) List() ([]inventory.Secret, []BadFile, error) {
	return s.listWalked("", s.walkStore)
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
	return s.listWalked(prefix, func() ([]foundFile, []BadFile, error) { return s.walkPrefix(prefix) })
}

// listWalked lists what walk finds, prefix being the part of the store it
// covers. The index is read while the walk runs: on a large store each
// takes about as long as the other.
func (s *Store) listWalked(prefix string, walk func() ([]foundFile, []BadFile, error)) ([]inventory.Secret, []BadFile, error) {
	type read struct {
		ix  index
		err error
	}
	indexed := make(chan read, 1)
	go func() {
		ix, err := s.readIndex(prefixRange(prefix))
		indexed <- read{ix, err}
	}()
	found, refused, walkErr := walk()
	r := <-indexed
	defer r.ix.close()
	if err := errors.Join(walkErr, r.err); err != nil {
		return nil, nil, err
	}
	return s.listFound(found, refused, prefix, &r.ix)
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
// is trusted; prefix, if not empty, is the part of the store the walk
// covered.
func (s *Store) listFound(found []foundFile, refused []BadFile, prefix string, ix *index) ([]inventory.Secret, []BadFile, error) {
	cached := ix.entries()
	secrets := make([]inventory.Secret, len(found))
	var stale []int
	j := 0 // found and cached are both in path order
	for i, f := range found {
		for j < len(cached) && cached[j].Secret.Path < f.rel {
			j++
		}
		if j < len(cached) && cached[j].Secret.Path == f.rel && trusts(cached[j].cacheEntry, f.stamp, cached[j].bound) {
			secrets[i] = cached[j].Secret
		} else {
			stale = append(stale, i)
		}
	}
	bad := s.parseStale(found, stale, secrets)
	// The index is written again when it missed a file or holds one that
	// is gone; outside prefix, it is kept as it was.
	if len(stale) > 0 || cachedUnder(cached, prefix) != len(found) {
		s.writeIndex(freshEntries(found, secrets, bad), prefix, ix)
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

// freshEntries are the index entries of the files found and read, in path
// order; the bad ones are left out.
func freshEntries(found []foundFile, secrets []inventory.Secret, bad []BadFile) []cacheEntry {
	isBad := map[string]bool{}
	for _, b := range bad {
		isBad[b.Name] = true
	}
	entries := make([]cacheEntry, 0, len(found))
	for i, f := range found {
		if !isBad[secretName(f.rel)] {
			entries = append(entries, cacheEntry{Stamp: f.stamp, Secret: secrets[i]})
		}
	}
	return entries
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
		under, refusedUnder, err := walkTree(f, dir)
		if err != nil {
			return nil, nil, err
		}
		found, refused = append(found, under...), append(refused, refusedUnder...)
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
	found, refused, err = walkTree(f, secretsDir)
	sort.Slice(found, func(i, j int) bool { return found[i].rel < found[j].rel })
	sort.Slice(refused, func(i, j int) bool { return refused[i].Name < refused[j].Name })
	return found, refused, err
}

// walkTree finds the secret files under the folder dir, and the entries it
// refuses, listing folders on every core: a store of 10,000 secrets has
// over a thousand folders, each a few system calls. Both lists come in no
// particular order.
func walkTree(f *storeFS, dir string) (found []foundFile, refused []BadFile, err error) {
	w := treeWalk{todo: []string{dir}}
	w.cond = sync.NewCond(&w.mu)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() { w.run(f) })
	}
	wg.Wait()
	return w.found, w.refused, w.err
}

// treeWalk is the state the workers of walkTree share: the folders left to
// list and how many are being listed, so that a worker with nothing to do
// knows whether more may come.
type treeWalk struct {
	mu      sync.Mutex
	cond    *sync.Cond
	todo    []string
	busy    int
	err     error
	found   []foundFile
	refused []BadFile
}

func (w *treeWalk) run(f *storeFS) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		for len(w.todo) == 0 && w.busy > 0 && w.err == nil {
			w.cond.Wait()
		}
		if len(w.todo) == 0 || w.err != nil {
			w.cond.Broadcast()
			return
		}
		dir := w.todo[len(w.todo)-1]
		w.todo = w.todo[:len(w.todo)-1]
		w.busy++
		w.mu.Unlock()
		found, refused, folders, err := listSecretsFolder(f, dir)
		w.mu.Lock()
		w.busy--
		w.found = append(w.found, found...)
		w.refused = append(w.refused, refused...)
		w.todo = append(w.todo, folders...)
		if err != nil && w.err == nil {
			w.err = err
		}
		w.cond.Broadcast()
	}
}

// listSecretsFolder lists one folder under secrets/: its secret files, the
// entries it refuses (links, which are never followed, and anything but a
// regular file named like a secret file) and its subfolders.
func listSecretsFolder(f *storeFS, dir string) (found []foundFile, refused []BadFile, folders []string, err error) {
	entries, err := f.listFolder(dir, isSecretFile)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, e := range entries {
		name := dir + "/" + e.name
		isSecret := isSecretFile(e.name)
		switch {
		case e.typ&fs.ModeSymlink != 0:
			refused = append(refused, BadFile{Name: name, Err: refuseLink(name)})
		case isSecret && !e.typ.IsRegular():
			// A folder is left out of nothing; a FIFO would hang the read.
			refused = append(refused, BadFile{Name: name, Err: refuseNotFile(name, e.typ)})
		case e.typ.IsDir():
			folders = append(folders, name)
		case isSecret:
			rel := strings.TrimSuffix(name[len(secretsDir)+1:], secretExt)
			found = append(found, foundFile{rel: rel, stamp: e.stamp})
		}
	}
	return found, refused, folders, nil
}

// isSecretFile reports whether a folder entry's name is a secret file's.
func isSecretFile(base string) bool {
	return !strings.HasPrefix(base, ".") && strings.HasSuffix(base, secretExt)
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
