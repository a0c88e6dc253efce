//go:build !linux

package store

import (
	"errors"
	"io/fs"
	"os"
)

// errSlowPath says that the portable walk in confine.go decides: only Linux
// has a one-call way to open a name beneath a folder without links.
var errSlowPath = errors.New("use the portable walk")

func (f *storeFS) statBeneath(string) (fs.FileInfo, error) { return nil, errSlowPath }

func (f *storeFS) openRegularBeneath(string, int, fs.FileMode) (*os.File, error) {
	return nil, errSlowPath
}

func (f *storeFS) openDirBeneath(string) (*os.File, error) { return nil, errSlowPath }

func (f *storeFS) listBeneath(string, func(string) bool) ([]folderEntry, error) {
	return nil, errSlowPath
}
