package keysource

import (
	"fmt"
	"io"
	"os"
)

// maxIdentityFile is the largest identity file cabinet reads: a few keys,
// or an ssh private key, take a few kilobytes; anything far larger is not an
// identity file, and /dev/zero would never end.
const maxIdentityFile = 64 << 10

// ReadIdentityFile reads the identity file at path, which must be a regular
// file (or a symlink to one) of at most 64 KiB (maxIdentityFile): a FIFO would
// block the program forever, a device such as /dev/zero would feed it
// without end. The file is checked before it is opened, for a clear
// message, and again once open (non-blocking, where the OS has it), for the
// file opened may not be the one checked. Its errors name the file.
func ReadIdentityFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := checkIdentityFile(path, fi); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, openIdentityFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := checkIdentityFile(path, fi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxIdentityFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxIdentityFile { // it grew since the check
		return nil, tooLargeIdentity(path)
	}
	return data, nil
}

// checkIdentityFile refuses anything but a regular file of at most
// maxIdentityFile bytes.
func checkIdentityFile(path string, fi os.FileInfo) error {
	var kind string
	switch mode := fi.Mode(); {
	case mode.IsRegular():
		if fi.Size() > maxIdentityFile {
			return tooLargeIdentity(path)
		}
		return nil
	case mode.IsDir():
		kind = "a directory"
	case mode&os.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case mode&os.ModeSocket != 0:
		kind = "a socket"
	case mode&os.ModeDevice != 0:
		kind = "a device"
	default:
		kind = "not a plain file"
	}
	return &os.PathError{Op: "read", Path: path, Err: fmt.Errorf("it is %s; an identity file must be a regular file", kind)}
}

func tooLargeIdentity(path string) error {
	return &os.PathError{Op: "read", Path: path, Err: fmt.Errorf("it is larger than %d KiB, too large for an identity file", maxIdentityFile>>10)}
}
