package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// The files a user names on the command line (a .env file, a template, a
// report's folder), outside any store.

// writeFileAtomic writes name in dir whole or not at all, mode 0600: a
// report names secrets, members and who read what; a rendered file holds
// values. The data goes to a file with no name yet (see createUnnamed), or
// elsewhere to a temporary file beside name, synced, then put in name's
// place by a rename.
func writeFileAtomic(dir, name string, data []byte) (err error) {
	final := filepath.Join(dir, name)
	f, publish, ok := createUnnamed(dir)
	if !ok {
		if f, err = os.CreateTemp(dir, "."+name+".*.tmp"); err != nil {
			// The error names the temporary file, which the user never
			// asked for: say what it says of the folder instead.
			var pathErr *fs.PathError
			if errors.As(err, &pathErr) {
				err = pathErr.Err
			}
			return fmt.Errorf("failed to write %s: %w", final, err)
		}
		publish = func(final string) error { return os.Rename(f.Name(), final) }
	}
	defer func() {
		if err != nil {
			f.Close()
			if !ok {
				os.Remove(f.Name())
			}
			err = fmt.Errorf("failed to write %s: %w", final, err)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := publish(final); err != nil {
		return err
	}
	return f.Close()
}

// readSmallFile reads a file a user named, up to 1 MiB.
func readSmallFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	if fi.Size() > 1<<20 {
		return nil, fmt.Errorf("larger than 1 MiB")
	}
	return io.ReadAll(f)
}
