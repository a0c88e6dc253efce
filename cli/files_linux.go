package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// createUnnamed opens a new file in dir that has no name until publish
// links it (O_TMPFILE): a rendered file holds values, and a process killed
// while it writes and syncs them must leave no file behind. ok is false
// where the file system cannot (then the caller uses a named temporary).
func createUnnamed(dir string) (f *os.File, publish func(final string) error, ok bool) {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, nil, false
	}
	f = os.NewFile(uintptr(fd), filepath.Join(dir, "(unnamed)"))
	publish = func(final string) error {
		self := "/proc/self/fd/" + strconv.Itoa(fd)
		// A new file is linked in place, and never has another name.
		err := unix.Linkat(unix.AT_FDCWD, self, unix.AT_FDCWD, final, unix.AT_SYMLINK_FOLLOW)
		if !errors.Is(err, unix.EEXIST) {
			return err
		}
		// linkat will not replace final: link under a fresh name beside it,
		// then rename over it. Only these two calls leave a name of values
		// behind if the process dies between them.
		tmp := filepath.Join(dir, "."+filepath.Base(final)+"."+strconv.Itoa(os.Getpid())+"."+strconv.Itoa(fd)+".tmp")
		if err := unix.Linkat(unix.AT_FDCWD, self, unix.AT_FDCWD, tmp, unix.AT_SYMLINK_FOLLOW); err != nil {
			return err
		}
		if err := os.Rename(tmp, final); err != nil {
			os.Remove(tmp)
			return err
		}
		return nil
	}
	return f, publish, true
}
