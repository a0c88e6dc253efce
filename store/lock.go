package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// ErrLocked means another cabinet process is writing to the store.
var ErrLocked = errors.New("another cabinet is writing to this store")

// lockWait is how long a writer waits for the store's lock.
var lockWait = 3 * time.Second

// lock takes the advisory writer lock on .cabinet/lock, waiting briefly.
// The returned function releases it.
func (s *Store) lock() (unlock func(), err error) {
	name := filepath.Join(s.Dir, metaDir, "lock")
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, filePerm)
	if err != nil {
		return nil, fmt.Errorf("failed to open the lock %s: %w", name, err)
	}
	deadline := time.Now().Add(lockWait)
	for {
		err := tryLock(f)
		if err == nil {
			return func() { unlockFile(f); f.Close() }, nil
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
