package store

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// ErrLocked means another cabinet process is writing to the store.
var ErrLocked = errors.New("another cabinet is writing to this store")

// lockWait is how long a writer waits for the store's lock.
var lockWait = 3 * time.Second

// lockError explains a lock file that could not be opened.
func lockError(err error) error {
	if isRefusal(err) {
		return err
	}
	return inventory.WithHint(fmt.Errorf("failed to open the lock %s/lock: %w", metaDir, bareError(err)),
		"cabinet writes only to a store it can write to: make the store writable")
}

// lock takes the advisory writer lock on .cabinet/lock, waiting briefly.
// The returned function releases it.
func (s *Store) lock() (unlock func(), err error) {
	const name = metaDir + "/lock"
	fsys, err := s.files()
	if err != nil {
		return nil, err
	}
	f, err := fsys.openFile(name, os.O_CREATE|os.O_RDWR, filePerm)
	if err != nil {
		return nil, lockError(err)
	}
	deadline := time.Now().Add(lockWait)
	for {
		err := tryLock(f)
		if err == nil {
			if err := fsys.checkLayout(); err != nil {
				unlockFile(f)
				f.Close()
				return nil, err
			}
			fsys.beginLocked()
			return func() { fsys.endLocked(); unlockFile(f); f.Close() }, nil
		}
		if !errors.Is(err, errWouldBlock) {
			f.Close()
			return nil, fmt.Errorf("failed to lock %s: %w", name, err)
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, inventory.WithHint(fmt.Errorf("%w (%s is held for over %s)", ErrLocked, name, lockWait),
				"wait for the other command to finish and try again")
		}
		time.Sleep(25 * time.Millisecond)
	}
}
