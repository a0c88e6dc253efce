package store

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
)

// Permissions of everything cabinet writes in a store.
const (
	filePerm = 0o600
	dirPerm  = 0o700
)

// writeFileAtomic replaces the file name (relative to the store) with data
// so that a crash at any instant leaves either the old file or the new one:
// a temporary file in the same folder, fsync, rename over name, then fsync
// of the folder.
func (s *Store) writeFileAtomic(name string, data []byte) error {
	if err := s.writeFileSynced(name, data); err != nil {
		return err
	}
	f, err := s.files()
	if err != nil {
		return err
	}
	return f.syncDir(path.Dir(name))
}

// writeFileSynced does the first half of writeFileAtomic: after it returns,
// name holds data or its old content, but the rename may still be lost on a
// power failure until the folder is synced. Re-encryption renames many files
// in one folder and syncs it once, which keeps each value readable either way.
func (s *Store) writeFileSynced(name string, data []byte) error {
	return s.writeFileSyncedWith(name, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeFileSyncedWith is writeFileSynced with the content written by write,
// through a buffer: a large file need not be in memory whole.
func (s *Store) writeFileSyncedWith(name string, write func(io.Writer) error) error {
	f, err := s.files()
	if err != nil {
		return err
	}
	dir := path.Dir(name)
	if err := f.mkdirAll(dir); err != nil {
		return fmt.Errorf("failed to create %s: %w", dir, err)
	}
	// A link in place of the file would be replaced, not followed, by the
	// rename; it is refused all the same, as everywhere in a store.
	err = f.checkFile(name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	created := err != nil
	f.sweep(dir)
	tmp, tmpName, err := f.createTemp(name)
	if err != nil {
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	renamed := false
	defer func() {
		if !renamed {
			tmp.Close()
			_ = f.root.Remove(native(tmpName))
		}
	}()
	buf := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(buf); err != nil {
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	if err := buf.Flush(); err != nil {
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	if err := f.root.Rename(native(tmpName), native(name)); err != nil {
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	renamed = true
	f.touched(name, created)
	return nil
}

// syncDir makes the entries of the folder dir (an absolute name, as the
// callers outside this file's store layer hold) durable. Syncing reads and
// writes nothing in the folder, so it needs no confinement.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("failed to sync %s: %w", dir, err)
	}
	return nil
}
