package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

// Act says who does a change and when; it goes into versions and the audit
// log.
type Act struct {
	Actor string
	Now   time.Time
}

func (a Act) event(action, path string, version int, outcome, detail string) inventory.Event {
	return inventory.Event{Time: a.Now, Actor: a.Actor, Action: action, Path: path, Version: version, Outcome: outcome, Detail: detail}
}

// MemberOf returns the member whose public key is one of keys.
func (s *Store) MemberOf(keys []string) (string, bool) {
	for _, name := range s.Recipients.MemberNames() {
		if slices.Contains(keys, strings.TrimSpace(s.Recipients.Members[name])) {
			return name, true
		}
	}
	return "", false
}

// ErrEmptyValue refuses an empty value: an empty password can silently
// disable a database login.
var ErrEmptyValue = errors.New("the value is empty")

// Read decrypts the version of path that sel picks and records the read.
func (s *Store) Read(path string, sel inventory.Selector, id *crypto.Identity, act Act) ([]byte, *inventory.Version, error) {
	return s.ReadAs(inventory.ActionRead, path, sel, id, act)
}

// ReadAs is Read recorded as another action: the TUI's reveal and copy.
func (s *Store) ReadAs(action, path string, sel inventory.Selector, id *crypto.Identity, act Act) ([]byte, *inventory.Version, error) {
	sec, err := s.Load(path)
	if err != nil {
		return nil, nil, err
	}
	v, err := sec.Version(sel)
	if err != nil {
		return nil, nil, inventory.WithHint(fmt.Errorf("%w (%w)", err, ErrNotFound), "`cabinet show "+path+"` lists its versions")
	}
	if v.Value == "" {
		return nil, nil, fmt.Errorf("%s version %d is retired and its value was dropped: %w", path, v.Number, ErrNotFound)
	}
	value, err := crypto.Open(v.Value, id)
	if err != nil {
		outcome := inventory.OutcomeFailed
		if errors.Is(err, crypto.ErrNoMatch) {
			outcome = inventory.OutcomeDenied
		}
		_ = s.Audit(act.event(action, path, v.Number, outcome, err.Error()))
		return nil, nil, s.openError(sec, v, err)
	}
	if err := s.Audit(act.event(action, path, v.Number, inventory.OutcomeOK, "")); err != nil {
		return nil, nil, err
	}
	return value, v, nil
}

// openError explains a failed decryption and who can help.
func (s *Store) openError(sec *inventory.Secret, v *inventory.Version, err error) error {
	e := fmt.Errorf("failed to decrypt %s version %d (%s): %w", sec.Path, v.Number, s.RelName(s.secretFile(sec.Path)), err)
	if errors.Is(err, crypto.ErrNoMatch) {
		scope, _ := s.Recipients.ScopeOf(sec.Path)
		return inventory.WithHint(e, fmt.Sprintf("it is sealed to %s; ask one of them to add you to scope %s", strings.Join(sec.Readers, ", "), scope))
	}
	return inventory.WithHint(e, "restore the file from Git history or a backup, then rotate the secret")
}

// Edit changes a secret's metadata with edit and records it.
func (s *Store) Edit(path string, act Act, edit func(*inventory.Secret) error) (*inventory.Secret, error) {
	return s.Change(path, act, func(sec *inventory.Secret) (inventory.Event, error) {
		return act.event(inventory.ActionEdit, path, 0, inventory.OutcomeOK, ""), edit(sec)
	})
}

// Change applies change to a secret under the lock, writes it atomically
// and appends the audit event that change returns. An error from change
// leaves the secret as it was and records nothing.
func (s *Store) Change(path string, act Act, change func(*inventory.Secret) (inventory.Event, error)) (*inventory.Secret, error) {
	unlock, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	sec, err := s.Load(path)
	if err != nil {
		return nil, err
	}
	ev, err := change(sec)
	if err != nil {
		return nil, err
	}
	if sec.Path != path {
		return nil, fmt.Errorf("%s: an edit cannot move a secret to %s", path, sec.Path)
	}
	if err := s.save(sec); err != nil {
		return nil, err
	}
	return sec, s.Audit(ev)
}

// Event is an audit event of act: who did action on path, when.
func (a Act) Event(action, path string, version int, outcome, detail string) inventory.Event {
	return a.event(action, path, version, outcome, detail)
}

// SetValue stores value as the new current version of path, creating the
// secret when it does not exist. edit, if not nil, sets metadata first
// (created reports a new secret). The value is sealed to the members of the
// path's scope.
func (s *Store) SetValue(path string, value []byte, act Act, edit func(sec *inventory.Secret, created bool) error) (*inventory.Secret, inventory.Version, error) {
	if err := checkValue(path, value); err != nil {
		return nil, inventory.Version{}, err
	}
	unlock, err := s.beginWrite(path)
	if err != nil {
		return nil, inventory.Version{}, err
	}
	defer unlock()
	sec, err := s.Load(path)
	created := errors.Is(err, ErrNotFound)
	switch {
	case created:
		sec = &inventory.Secret{Path: path}
	case err != nil:
		return nil, inventory.Version{}, err
	}
	if edit != nil {
		if err := edit(sec, created); err != nil {
			return nil, inventory.Version{}, err
		}
		if sec.Path != path {
			return nil, inventory.Version{}, fmt.Errorf("%s: an edit cannot move a secret to %s", path, sec.Path)
		}
	}
	ciphertext, err := s.sealValue(sec, value)
	if err != nil {
		return nil, inventory.Version{}, err
	}
	v := sec.AddCurrent(ciphertext, act.Actor, act.Now)
	sec.Exposures = nil // the new value is the answer to any exposure
	if err := s.save(sec); err != nil {
		return nil, inventory.Version{}, fmt.Errorf("%s: %w", path, err)
	}
	return sec, v, s.Audit(act.event(inventory.ActionSet, path, v.Number, inventory.OutcomeOK, ""))
}

// beginWrite checks path, takes the store's lock and reads the recipients
// again, since another writer may have changed them. The caller calls
// unlock when done.
func (s *Store) beginWrite(path string) (unlock func(), err error) {
	if err := s.ValidatePath(path); err != nil {
		return nil, err
	}
	if unlock, err = s.lock(); err != nil {
		return nil, err
	}
	if err := s.readRecipients(); err != nil {
		unlock()
		return nil, err
	}
	return unlock, nil
}

// checkValue refuses an empty value and one too large to store.
func checkValue(path string, value []byte) error {
	if len(value) == 0 {
		return fmt.Errorf("%s: %w", path, ErrEmptyValue)
	}
	if len(value) > crypto.MaxValueSize {
		return fmt.Errorf("%s: %w (%d bytes)", path, crypto.ErrTooLarge, len(value))
	}
	return nil
}

// sealValue seals a new value of sec to the members of its scope. The
// caller holds the lock and has read the recipients.
func (s *Store) sealValue(sec *inventory.Secret, value []byte) (string, error) {
	readers, keys, sum, err := s.sealTarget(sec.Path)
	if err != nil {
		return "", err
	}
	ciphertext, err := crypto.Seal(value, keys)
	if err != nil {
		return "", fmt.Errorf("%s: %w", sec.Path, err)
	}
	// The other values keep the readers they were sealed to; if those differ
	// the secret stays marked stale and re-encryption brings all in line.
	if !hasValues(sec) || sec.ReadersSum == sum {
		sec.Readers, sec.ReadersSum = readers, sum
	}
	return ciphertext, nil
}

func hasValues(sec *inventory.Secret) bool {
	for _, v := range sec.Versions {
		if v.Value != "" {
			return true
		}
	}
	return false
}

// Remove deletes a secret and records it.
func (s *Store) Remove(path string, act Act) error {
	if err := s.ValidatePath(path); err != nil {
		return err
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	name := s.secretFile(path)
	if err := os.Remove(name); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return inventory.WithHint(fmt.Errorf("secret %s %w", path, ErrNotFound), "`cabinet ls` lists the secrets")
		}
		return fmt.Errorf("failed to remove %s: %w", s.RelName(name), err)
	}
	s.pruneEmptyDirs(filepath.Dir(name))
	return s.Audit(act.event(inventory.ActionRemove, path, 0, inventory.OutcomeOK, ""))
}

// pruneEmptyDirs removes the folders a removal left empty, up to secrets/.
func (s *Store) pruneEmptyDirs(dir string) {
	root := filepath.Join(s.Dir, secretsDir)
	for dir != root && strings.HasPrefix(dir, root) {
		if os.Remove(dir) != nil {
			break
		}
		dir = filepath.Dir(dir)
	}
	_ = syncDir(dir)
}
