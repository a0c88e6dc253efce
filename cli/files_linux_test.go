package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestAFileOfValuesHasNoNameUntilItIsWhole: render --out writes values;
// until they are written and synced the file has no name, so a process
// killed meanwhile leaves nothing in the folder.
func TestAFileOfValuesHasNoNameUntilItIsWhole(t *testing.T) {
	dir := t.TempDir()
	f, _, ok := createUnnamed(dir)
	if !ok {
		t.Fatal("no unnamed file on this file system (O_TMPFILE); the test's folder should allow one")
	}
	if _, err := f.WriteString("pw-Canary-42x"); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("the folder holds %v before the file is published", entries)
	}
	f.Close() // as if killed here: nothing is left
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("the folder holds %v after an unpublished file was closed", entries)
	}

	// writeFileAtomic: the file, whole, 0600, over an older one, and
	// nothing else.
	name := filepath.Join(dir, "config.yaml")
	os.WriteFile(name, []byte("old"), 0o644)
	if err := writeFileAtomic(dir, "config.yaml", []byte("new")); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(name)
	fi, _ := os.Stat(name)
	entries, _ := os.ReadDir(dir)
	if string(data) != "new" || fi.Mode().Perm() != 0o600 || len(entries) != 1 {
		t.Fatalf("%q, %v, %d entries", data, fi.Mode(), len(entries))
	}
	// A new file is linked in place under its own name.
	if err := writeFileAtomic(dir, "new.env", []byte("A=1\n")); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(filepath.Join(dir, "new.env"))
	fi, _ = os.Stat(filepath.Join(dir, "new.env"))
	entries, _ = os.ReadDir(dir)
	if string(data) != "A=1\n" || fi.Mode().Perm() != 0o600 || len(entries) != 2 {
		t.Fatalf("a new file: %q, %v, %d entries", data, fi.Mode(), len(entries))
	}
}
