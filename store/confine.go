package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/cabinethq/cabinet/inventory"
)

// storeFS does every file operation of a store through an os.Root opened on
// the store's folder, so that no name, link or race reaches outside it: a
// store shared through Git holds files anyone with push access wrote. On
// top of that it refuses a symbolic link anywhere inside the store, where
// os.Root would follow one that stays inside (DESIGN.md: a link in a store
// is refused, never followed). The store's folder itself may be a link: the
// user chose it.
//
// Names are relative to the store, with forward slashes, as in messages.
type storeFS struct {
	root *os.Root
	// dir is the store's folder again, for the fast path of Linux (see
	// confine_linux.go); nil where it could not be opened.
	dir *os.File

	// Stale temporary files are removed by the holder of the store's lock,
	// once per folder per hold (see sweep).
	mu     sync.Mutex
	locked bool
	swept  map[string]bool
	// change is what the hold of the lock wrote, for its commit in a Git
	// store (see git.go); nil when the lock is not held.
	change *changeLog
}

func openStoreFS(dir string) (*storeFS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, inventory.WithHint(fmt.Errorf("%w in %s (the folder does not exist)", ErrNoStore, dir),
				"run `cabinet init` to create one, or set CABINET_STORE")
		}
		return nil, fmt.Errorf("failed to open the store %s: %w", dir, err)
	}
	d, err := os.Open(dir)
	if err != nil {
		d = nil // the portable walk needs only the root
	}
	return &storeFS{root: root, dir: d}, nil
}

// files returns the store's file system. A Store made without Open or Init
// gets one opened for the call.
func (s *Store) files() (*storeFS, error) {
	if s.fsys != nil {
		return s.fsys, nil
	}
	return openStoreFS(s.Dir)
}

// linkError refuses a symbolic link inside the store; it is ErrCorrupt
// (exit 5).
type linkError struct{ name string }

func (e *linkError) Error() string { return e.name + " is a symbolic link" }
func (e *linkError) Unwrap() error { return ErrCorrupt }

func refuseLink(name string) error {
	return inventory.WithHint(&linkError{name}, "cabinet never follows links in a store: replace it with the file or folder it points to")
}

// notFileError refuses something other than a regular file where a file
// belongs: a folder, a FIFO (which would hang a read), a device.
type notFileError struct {
	name string
	mode fs.FileMode
}

func (e *notFileError) Error() string {
	what := "not a regular file"
	if e.mode.IsDir() {
		what = "a folder, not a file"
	}
	return e.name + " is " + what
}
func (e *notFileError) Unwrap() error { return ErrCorrupt }

func refuseNotFile(name string, mode fs.FileMode) error {
	return inventory.WithHint(&notFileError{name, mode}, "move it out of the store, or restore what belongs there from Git history")
}

// isRefusal reports whether err refuses a link or a non-file: its message
// names the file already.
func isRefusal(err error) bool {
	var le *linkError
	var nf *notFileError
	return errors.As(err, &le) || errors.As(err, &nf)
}

// bareError drops the *fs.PathError around err, whose path is not the
// name relative to the store that messages use; errors.Is still works.
func bareError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func native(name string) string { return filepath.FromSlash(name) }

// lstat checks each element of name from the store down and returns the
// last one's information. A symbolic link on the way is refused; a missing
// element ends the walk with an fs.ErrNotExist error.
func (f *storeFS) lstat(name string) (fs.FileInfo, error) {
	if fi, err := f.statBeneath(name); err != errSlowPath {
		return fi, err
	}
	for i := 0; ; {
		j := strings.IndexByte(name[i:], '/')
		prefix := name
		if j >= 0 {
			prefix = name[:i+j]
		}
		fi, err := f.root.Lstat(native(prefix))
		if err != nil {
			return nil, err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return nil, refuseLink(prefix)
		}
		if j < 0 {
			return fi, nil
		}
		i += j + 1
	}
}

// readAll reads a file whole, in one read when its size is known.
func readAll(file *os.File) ([]byte, error) {
	size := 512
	if fi, err := file.Stat(); err == nil && fi.Size() > 0 && fi.Size() < 1<<30 {
		size = int(fi.Size()) + 1
	}
	data := make([]byte, 0, size)
	for {
		n, err := file.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}

// checkFile is lstat for a name that must be a regular file if it exists.
func (f *storeFS) checkFile(name string) error {
	fi, err := f.lstat(name)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return refuseNotFile(name, fi.Mode())
	}
	return nil
}

// readFile reads a regular file of the store.
func (f *storeFS) readFile(name string) ([]byte, error) {
	if file, err := f.openRegularBeneath(name, os.O_RDONLY, 0); err != errSlowPath {
		if err != nil {
			return nil, err
		}
		defer file.Close()
		return readAll(file)
	}
	if err := f.checkFile(name); err != nil {
		return nil, err
	}
	return f.root.ReadFile(native(name))
}

// openFile opens a regular file of the store; with os.O_CREATE it may not
// exist yet.
func (f *storeFS) openFile(name string, flag int, perm fs.FileMode) (*os.File, error) {
	if file, err := f.openRegularBeneath(name, flag, perm); err != errSlowPath {
		return file, err
	}
	if err := f.checkFile(name); err != nil && (flag&os.O_CREATE == 0 || !errors.Is(err, fs.ErrNotExist)) {
		return nil, err
	}
	return f.root.OpenFile(native(name), flag, perm)
}

// mkdirAll makes the folder name and the ones above it, 0700.
func (f *storeFS) mkdirAll(name string) error {
	fi, err := f.lstat(name)
	switch {
	case err == nil && fi.IsDir():
		return nil
	case err == nil:
		return refuseNotFile(name, fi.Mode())
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	return f.root.MkdirAll(native(name), dirPerm)
}

// folderEntry is an entry of a store folder: its name, its type as the
// listing gives it (a link is never followed), and for a regular file the
// walk asked about, its stamp.
type folderEntry struct {
	name  string
	typ   fs.FileMode
	stamp fileStamp
}

// listFolder lists the folder name, with the stamps of the regular files
// whose names want accepts. On Linux the folder is opened in one call and
// each stamp is one call relative to it: a walk of the store costs about
// what find's costs, where the portable path resolves each name from the
// store down.
func (f *storeFS) listFolder(name string, want func(base string) bool) ([]folderEntry, error) {
	if list, err := f.listBeneath(name, want); err != errSlowPath {
		return list, err
	}
	entries, err := f.readDir(name)
	if err != nil {
		return nil, err
	}
	list := make([]folderEntry, 0, len(entries))
	for _, e := range entries {
		fe := folderEntry{name: e.Name(), typ: e.Type()}
		if fe.typ.IsRegular() && want(fe.name) {
			fi, err := e.Info()
			if err != nil {
				continue // removed meanwhile
			}
			fe.stamp = stampOf(fi)
		}
		list = append(list, fe)
	}
	return list, nil
}

// readDir lists the folder name.
func (f *storeFS) readDir(name string) ([]os.DirEntry, error) {
	fi, err := f.lstat(name)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a folder: %w", name, ErrCorrupt)
	}
	d, err := f.root.Open(native(name))
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.ReadDir(-1)
}

// syncDir makes the entries of the folder name durable.
func (f *storeFS) syncDir(name string) error {
	d, err := f.root.Open(native(name))
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("failed to sync %s: %w", name, err)
	}
	return nil
}

// createTemp creates a new, empty file next to name, 0600, whose name
// starts with tempPrefix so that listings, Git and the next writer know it
// for what it is.
func (f *storeFS) createTemp(name string) (*os.File, string, error) {
	dir, base := path.Split(name)
	for range 100 {
		tmp := dir + tempPrefix + base + "-" + strconv.FormatUint(rand.Uint64(), 36)
		fd, err := f.root.OpenFile(native(tmp), os.O_RDWR|os.O_CREATE|os.O_EXCL, filePerm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return fd, tmp, err
	}
	return nil, "", fmt.Errorf("failed to create a temporary file in %s", dir)
}

// tempPrefix starts the name of every temporary file cabinet writes.
const tempPrefix = ".tmp-"

// beginLocked and endLocked bracket a hold of the store's lock.
func (f *storeFS) beginLocked() {
	f.mu.Lock()
	f.locked, f.swept, f.change = true, map[string]bool{}, &changeLog{}
	f.mu.Unlock()
}

func (f *storeFS) endLocked() {
	f.mu.Lock()
	f.locked, f.swept, f.change = false, nil, nil
	f.mu.Unlock()
}

// touched notes that the holder of the lock wrote or removed name;
// created, that name was not there before.
func (f *storeFS) touched(name string, created bool) {
	f.mu.Lock()
	c := f.change
	f.mu.Unlock()
	c.touch(name, created)
}

// recorded notes an audit event of the holder of the lock.
func (f *storeFS) recorded(e inventory.Event) {
	f.mu.Lock()
	c := f.change
	f.mu.Unlock()
	c.record(e)
}

// takeChange hands over what the hold of the lock changed so far.
func (f *storeFS) takeChange() *changeLog {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.change
	f.change = &changeLog{}
	return c
}

// sweep removes the temporary files a killed writer left in the folder dir.
// Only the holder of the store's lock does it, the first time it writes to
// dir: every other writer of that folder holds the lock too, so any
// temporary file there is stale. (The listing index, written without the
// lock, lives in a folder of its own.)
func (f *storeFS) sweep(dir string) {
	f.mu.Lock()
	if !f.locked || f.swept[dir] {
		f.mu.Unlock()
		return
	}
	f.swept[dir] = true
	f.mu.Unlock()
	entries, err := f.readDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) && e.Type().IsRegular() {
			_ = f.root.Remove(native(path.Join(dir, e.Name())))
		}
	}
}

// parentDir is the folder of the store's file name ("." for the store).
func parentDir(name string) string { return path.Dir(name) }

// layout is what every store holds at fixed names, cabinet's own folders
// and files first.
var layout = []string{metaDir, configFile, spareDir, cacheDir, recipientsFile, secretsDir, runbooksDir, auditDir}

// checkLayout refuses a link at any of the store's fixed names. A writer
// calls it once it holds the lock, so that such a store is refused before
// any side effect rather than half-way through a change (a link at
// .cabinet/tmp, say, is only reached by a re-encryption's later steps).
func (f *storeFS) checkLayout() error {
	for _, name := range layout {
		if _, err := f.lstat(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// Close releases the store's folder, which an os.Root keeps open (a
// read-only mount of a store cannot be unmounted while it is). The Store
// must not be used after.
func (s *Store) Close() error {
	if s.fsys == nil {
		return nil
	}
	err := s.fsys.root.Close()
	if s.fsys.dir != nil {
		s.fsys.dir.Close()
	}
	s.fsys = nil
	return err
}
