package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"unsafe"

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
	fd, err := f.openFdBeneath(name, flags, perm)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), name), nil
}

// openFdBeneath is openBeneath's system call, the descriptor bare.
func (f *storeFS) openFdBeneath(name string, flags int, perm fs.FileMode) (int, error) {
	if f.dir == nil || noOpenat2.Load() {
		return -1, errSlowPath
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
			return fd, nil
		case err == unix.EINTR:
			continue
		case err == unix.ENOSYS || err == unix.EPERM:
			// No openat2 here, or a filter refuses it: the walk works
			// everywhere.
			noOpenat2.Store(true)
			return -1, errSlowPath
		case err == unix.ELOOP, err == unix.EXDEV:
			return -1, errSlowPath
		}
		return -1, &fs.PathError{Op: "open", Path: name, Err: err}
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
// store, its entries read with getdents, typed by the listing itself, and a
// stamp one fstatat relative to it. The folder stays a bare descriptor and
// its entries are parsed here: an os.File and its DirEntry values cost a
// walk of a thousand folders more than the system calls it needs.
// errSlowPath when the portable walk must decide.
func (f *storeFS) listBeneath(name string, want func(base string) bool) ([]folderEntry, error) {
	fd, err := f.openFdBeneath(name, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	buf := direntBuffers.Get().(*[]byte)
	defer direntBuffers.Put(buf)
	var list []folderEntry
	for {
		n, err := unix.Getdents(fd, *buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "readdirent", Path: name, Err: err}
		}
		if n <= 0 {
			return list, nil
		}
		for rec := (*buf)[:n]; len(rec) > 0; {
			base, typ, size := parseDirent(rec)
			if size <= 0 || size > len(rec) {
				return nil, &fs.PathError{Op: "readdirent", Path: name, Err: unix.EIO}
			}
			rec = rec[size:]
			if base == "." || base == ".." || base == "" {
				continue
			}
			fe := folderEntry{name: base, typ: typ}
			if fe.typ == fs.ModeIrregular || fe.typ.IsRegular() && want(base) {
				// The listing gave no type (DT_UNKNOWN), or this is a file
				// the walk wants the stamp of.
				var st unix.Stat_t
				if err := fstatat(fd, base, &st); err != nil {
					if errors.Is(err, unix.ENOENT) {
						continue // removed meanwhile
					}
					return nil, &fs.PathError{Op: "stat", Path: name + "/" + base, Err: err}
				}
				fe.typ = typeOf(st.Mode)
				fe.stamp = fileStamp{Size: st.Size, ModNano: st.Mtim.Nano(), Ino: st.Ino}
			}
			list = append(list, fe)
		}
	}
}

// direntBuffers are getdents buffers, one per folder being listed.
var direntBuffers = sync.Pool{New: func() any { b := make([]byte, 16<<10); return &b }}

// parseDirent reads the linux_dirent64 record at the start of rec: its
// name, its type (fs.ModeIrregular when the file system gave none), and
// its size in bytes (0 if rec is too short to hold one).
func parseDirent(rec []byte) (name string, typ fs.FileMode, size int) {
	const nameOff = int(unsafe.Offsetof(unix.Dirent{}.Name))
	const lenOff, typeOff = int(unsafe.Offsetof(unix.Dirent{}.Reclen)), int(unsafe.Offsetof(unix.Dirent{}.Type))
	if len(rec) < nameOff {
		return "", 0, 0
	}
	size = int(binary.NativeEndian.Uint16(rec[lenOff:]))
	if size < nameOff || size > len(rec) {
		return "", 0, 0
	}
	raw := rec[nameOff:size]
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		raw = raw[:i]
	}
	switch rec[typeOff] {
	case unix.DT_REG:
		typ = 0
	case unix.DT_DIR:
		typ = fs.ModeDir
	case unix.DT_LNK:
		typ = fs.ModeSymlink
	case unix.DT_FIFO:
		typ = fs.ModeNamedPipe
	case unix.DT_SOCK:
		typ = fs.ModeSocket
	case unix.DT_CHR:
		typ = fs.ModeDevice | fs.ModeCharDevice
	case unix.DT_BLK:
		typ = fs.ModeDevice
	default:
		typ = fs.ModeIrregular
	}
	return string(raw), typ, size
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
