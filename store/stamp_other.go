//go:build !unix

package store

import "io/fs"

func stampOf(fi fs.FileInfo) fileStamp {
	return fileStamp{Size: fi.Size(), ModNano: fi.ModTime().UnixNano()}
}
