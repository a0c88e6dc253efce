package store

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/cabinethq/cabinet/inventory"
)

// ErrBadRunbookName refuses a runbook name that is not a file name the
// store can hold (runbooks/NAME.yaml, NAME a path segment).
var ErrBadRunbookName = errors.New("invalid runbook name")

// Runbook returns the text of runbooks/NAME.yaml. An unknown runbook is
// ErrNotFound, with a hint.
func (s *Store) Runbook(name string) ([]byte, error) {
	if err := inventory.ValidateMemberName(name); err != nil {
		return nil, fmt.Errorf("%w %q: use the file name of runbooks/NAME.yaml without .yaml", ErrBadRunbookName, name)
	}
	data, err := s.readStoreFile(runbooksDir + "/" + name + secretExt)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, inventory.WithHint(fmt.Errorf("unknown runbook %q: %s/%s%s %w", name, runbooksDir, name, secretExt, ErrNotFound),
			"write the runbook first, or leave the runbook out")
	}
	if isRefusal(err) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read runbook %q: %w", name, bareError(err))
	}
	return data, nil
}

// Runbooks lists the names of the store's runbooks, sorted.
func (s *Store) Runbooks() ([]string, error) {
	fsys, err := s.files()
	if err != nil {
		return nil, err
	}
	entries, err := fsys.readDir(runbooksDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), secretExt)
		if ok && e.Type()&fs.ModeSymlink != 0 {
			return nil, refuseLink(runbooksDir + "/" + e.Name())
		}
		if ok && !e.IsDir() && inventory.ValidateMemberName(name) == nil {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}
