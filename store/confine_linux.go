package store

import (
	"errors"
	"io/fs"
	"os"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// On Linux one openat2 call resolves a name beneath the store's folder and
// refuses a symbolic link anywhere on the way (RESOLVE_BENEATH |
// RESOLVE_NO_SYMLINKS): what the portable walk in confine.go does with a
// system call per element, and so per element of every element. A get then
// costs what it cost before confinement. Where openat2 is missing (kernels
// before 5.6) or filtered (some sandboxes), the portable walk is used.

// noOpenat2 is set once openat2 turned out to be unavailable.
var noOpenat2 atomic.Bool

// errSlowPath says that the fast path cannot decide, and the portable walk
// must: openat2 is unavailable, or it met a link, which the walk names.
var errSlowPath = errors.New("use the portable walk")

// openBeneath opens name beneath the store's folder with flags, refusing
// links. It returns errSlowPath when the portable walk must decide.
func (f *storeFS) openBeneath(name string, flags int, perm fs.FileMode) (*os.File, error) {
	if f.dir == nil || noOpenat2.Load() {
		return nil, errSlowPath
	}
	how := unix.OpenHow{
		Flags:   uint64(flags | unix.O_CLOEXEC),
		Mode:    uint64(perm.Perm()),
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	}
	for {
		fd, err := unix.Openat2(int(f.dir.Fd()), native(name), &how)
		switch {
		case err == nil:
			return os.NewFile(uintptr(fd), name), nil
		case err == unix.EINTR:
			continue
		case err == unix.ENOSYS || err == unix.EPERM:
			// No openat2 here, or a filter refuses it: the walk works
			// everywhere.
			noOpenat2.Store(true)
			return nil, errSlowPath
		case err == unix.ELOOP, err == unix.EXDEV:
			return nil, errSlowPath
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
}

// statBeneath is lstat's fast path: the information of name, or
// errSlowPath.
func (f *storeFS) statBeneath(name string) (fs.FileInfo, error) {
	file, err := f.openBeneath(name, unix.O_PATH, 0)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return file.Stat()
}

// openRegularBeneath opens name, which must be a regular file if it exists,
// without blocking on a FIFO; errSlowPath when the walk must decide.
func (f *storeFS) openRegularBeneath(name string, flags int, perm fs.FileMode) (*os.File, error) {
	file, err := f.openBeneath(name, flags|unix.O_NONBLOCK, perm)
	if err != nil {
		return nil, err
	}
	fi, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		file.Close()
		return nil, refuseNotFile(name, fi.Mode())
	}
	// A regular file ignores O_NONBLOCK; clear it all the same, so that
	// the file behaves as any other.
	if err := unix.SetNonblock(int(file.Fd()), false); err != nil {
		file.Close()
		return nil, err
	}
	return file, nil
}

// openDirBeneath opens the folder name; errSlowPath when the walk must
// decide.
func (f *storeFS) openDirBeneath(name string) (*os.File, error) {
	return f.openBeneath(name, unix.O_RDONLY|unix.O_DIRECTORY, 0)
}

// listBeneath is listFolder's fast path: the folder opened beneath the
// store, its entries typed by the listing itself, a stamp one fstatat
// relative to it. errSlowPath when the portable walk must decide.
func (f *storeFS) listBeneath(name string, want func(base string) bool) ([]folderEntry, error) {
	d, err := f.openDirBeneath(name)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	entries, err := d.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	fd := int(d.Fd())
	list := make([]folderEntry, 0, len(entries))
	for _, e := range entries {
		fe := folderEntry{name: e.Name(), typ: e.Type()}
		if fe.typ.IsRegular() && want(fe.name) {
			var st unix.Stat_t
			if err := fstatat(fd, fe.name, &st); err != nil {
				if errors.Is(err, unix.ENOENT) {
					continue // removed meanwhile
				}
				return nil, &fs.PathError{Op: "stat", Path: name + "/" + fe.name, Err: err}
			}
			fe.typ = typeOf(st.Mode)
			fe.stamp = fileStamp{Size: st.Size, ModNano: st.Mtim.Nano(), Ino: st.Ino}
		}
		list = append(list, fe)
	}
	return list, nil
}

func fstatat(dirfd int, name string, st *unix.Stat_t) error {
	for {
		err := unix.Fstatat(dirfd, name, st, unix.AT_SYMLINK_NOFOLLOW)
		if err != unix.EINTR {
			return err
		}
	}
}

// typeOf is the type bits of a stat mode as fs.FileMode: what changed
// between the listing and the stat (a file replaced by a link) is seen.
func typeOf(mode uint32) fs.FileMode {
	switch mode & unix.S_IFMT {
	case unix.S_IFREG:
		return 0
	case unix.S_IFDIR:
		return fs.ModeDir
	case unix.S_IFLNK:
		return fs.ModeSymlink
	case unix.S_IFIFO:
		return fs.ModeNamedPipe
	case unix.S_IFSOCK:
		return fs.ModeSocket
	case unix.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		return fs.ModeDevice
	}
	return fs.ModeIrregular
}
