//go:build unix

package store

import (
	"io/fs"
	"syscall"
)

// stampOf identifies a file's content without reading it: an atomic write
// always makes a new inode, so size, mtime and inode together change on
// every write, even two within one clock tick.
func stampOf(fi fs.FileInfo) fileStamp {
	st := fileStamp{Size: fi.Size(), ModNano: fi.ModTime().UnixNano()}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.Ino = uint64(sys.Ino)
	}
	return st
}
