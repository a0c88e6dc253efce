package store

import (
	"encoding/binary"
	"io/fs"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestParseDirent reads linux_dirent64 records as the kernel lays them
// out: a type the file system did not give is irregular (the walk then
// asks fstatat), and a record cut short is refused, not read past.
func TestParseDirent(t *testing.T) {
	record := func(name string, typ byte) []byte {
		nameOff := int(unsafe.Offsetof(unix.Dirent{}.Name))
		size := (nameOff + len(name) + 1 + 7) &^ 7
		rec := make([]byte, size)
		binary.NativeEndian.PutUint16(rec[unsafe.Offsetof(unix.Dirent{}.Reclen):], uint16(size))
		rec[unsafe.Offsetof(unix.Dirent{}.Type)] = typ
		copy(rec[nameOff:], name)
		return rec
	}
	for _, tc := range []struct {
		name string
		typ  byte
		want fs.FileMode
	}{
		{"password.yaml", unix.DT_REG, 0},
		{"db", unix.DT_DIR, fs.ModeDir},
		{"link.yaml", unix.DT_LNK, fs.ModeSymlink},
		{"fifo.yaml", unix.DT_FIFO, fs.ModeNamedPipe},
		{"unknown.yaml", unix.DT_UNKNOWN, fs.ModeIrregular},
	} {
		rec := record(tc.name, tc.typ)
		name, typ, size := parseDirent(append(rec, record("next", unix.DT_REG)...))
		if name != tc.name || typ != tc.want || size != len(rec) {
			t.Errorf("parseDirent(%q, %d) = %q, %v, %d; want %q, %v, %d", tc.name, tc.typ, name, typ, size, tc.name, tc.want, len(rec))
		}
		if _, _, size := parseDirent(rec[:len(rec)-1]); size != 0 {
			t.Errorf("a record of %q cut short was read (size %d)", tc.name, size)
		}
	}
}
