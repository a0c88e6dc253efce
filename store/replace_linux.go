package store

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

var errNoExchange = errors.New("atomic exchange not supported")

const canExchange = true

// exchangeAt swaps the entries a in folder aDir and b in folder bDir
// atomically; links are swapped, not followed. b must exist: a new file is
// not swapped into place but written the usual way.
func exchangeAt(aDir *os.File, a string, bDir *os.File, b string) error {
	err := unix.Renameat2(int(aDir.Fd()), a, int(bDir.Fd()), b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EXDEV) {
		return errNoExchange
	}
	return err
}

// writeSpareAt overwrites the spare name in dir with data and syncs it. A
// link in its place is not followed (O_NOFOLLOW).
func writeSpareAt(dir *os.File, name string, data []byte) error {
	fd, err := unix.Openat(int(dir.Fd()), name, unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC|unix.O_NOFOLLOW|unix.O_CLOEXEC, filePerm)
	if err != nil {
		return &os.PathError{Op: "open", Path: spareDir + "/" + name, Err: err}
	}
	f := os.NewFile(uintptr(fd), name)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
