package store

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Permissions of everything cabinet writes in a store.
const (
	filePerm = 0o600
	dirPerm  = 0o700
)

// writeFileAtomic replaces name with data so that a crash at any instant
// leaves either the old file or the new one: a temporary file in the same
// folder, fsync, rename over name, then fsync of the folder.
func writeFileAtomic(name string, data []byte) error {
	if err := writeFileSynced(name, data); err != nil {
		return err
	}
	return syncDir(filepath.Dir(name))
}

// writeFileSynced does the first half of writeFileAtomic: after it returns,
// name holds data or its old content, but the rename may still be lost on a
// power failure until the folder is synced. Re-encryption renames many files
// in one folder and syncs it once, which keeps each value readable either way.
func writeFileSynced(name string, data []byte) error {
	return writeFileSyncedWith(name, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeFileSyncedWith is writeFileSynced with the content written by write,
// through a buffer: a large file need not be in memory whole.
func writeFileSyncedWith(name string, write func(io.Writer) error) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return fmt.Errorf("failed to create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(name)+"-*")
	if err != nil {
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := tmp.Chmod(filePerm); err != nil {
		tmp.Close()
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	buf := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(buf); err != nil {
		tmp.Close()
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	if err := buf.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("failed to write %s: %w", name, err)
	}
	return nil
}

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
