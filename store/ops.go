package store

import (
	"errors"
	"fmt"
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
	value, err := s.openValue(sec, v, id)
	if err != nil {
		outcome := inventory.OutcomeFailed
		if errors.Is(err, crypto.ErrNoMatch) {
			outcome = inventory.OutcomeDenied
		}
		_ = s.Audit(act.event(action, path, v.Number, outcome, err.Error()))
		return nil, nil, err
	}
	if err := s.Audit(act.event(action, path, v.Number, inventory.OutcomeOK, "")); err != nil {
		clear(value)
		return nil, nil, err
	}
	return value, v, nil
}

// openValue decrypts one version of sec and checks that the value was sealed
// for it: a value moved from another secret or version is refused as
// tampered. A value sealed before bindings existed is read with a warning.
func (s *Store) openValue(sec *inventory.Secret, v *inventory.Version, id *crypto.Identity) ([]byte, error) {
	value, h, err := crypto.Open(v.Value, id)
	if err != nil {
		return nil, s.openError(sec, v, id, err)
	}
	if err := checkVersionBinding(sec.Path, v, h); err != nil {
		clear(value)
		return nil, inventory.WithHint(fmt.Errorf("refused to read %s (%s): %w", sec.Path, s.RelName(s.secretFile(sec.Path)), err),
			"someone moved a value between secrets or versions: restore the file from Git history or a backup, then rotate the secret")
	}
	if h.Binding == nil && s.Warn != nil {
		s.Warn(fmt.Sprintf("%s version %d is not bound to its secret yet; `cabinet rekey` binds every value", sec.Path, v.Number))
	}
	if sec.InConflict() && s.Warn != nil {
		s.Warn(conflictWarning(sec, v))
	}
	return value, nil
}

// ErrMisplaced means a value's binding names another secret or version: it
// was moved or copied there. It is a kind of crypto.ErrTampered.
var ErrMisplaced error = misplacedError{}

type misplacedError struct{}

func (misplacedError) Error() string        { return "tampered" }
func (misplacedError) Is(target error) bool { return target == crypto.ErrTampered }

// checkBinding compares what a value's authenticated header says with where
// it was found. An unbound value passes: it predates bindings.
func checkBinding(path string, version int, h crypto.Header) error {
	b := h.Binding
	if b == nil || (b.Path == path && b.Version == version) {
		return nil
	}
	return fmt.Errorf("version %d holds the value sealed for %s (%w)", version, b, ErrMisplaced)
}

// openError explains a failed decryption and who can help. Who should be
// able to read the value comes from the scopes, never from the file's
// readers field, which anyone who can write the file can edit.
func (s *Store) openError(sec *inventory.Secret, v *inventory.Version, id *crypto.Identity, err error) error {
	e := fmt.Errorf("failed to decrypt %s version %d (%s): %w", sec.Path, v.Number, s.RelName(s.secretFile(sec.Path)), err)
	if !errors.Is(err, crypto.ErrNoMatch) {
		return inventory.WithHint(e, "restore the file from Git history or a backup, then rotate the secret")
	}
	scope, _ := s.Recipients.ScopeOf(sec.Path)
	readers := s.Recipients.ReadersOf(sec.Path)
	me, isMember := s.MemberOf(id.PublicKeys())
	if !isMember || !slices.Contains(readers, me) {
		return inventory.WithHint(e, fmt.Sprintf("scope %s is %s; ask one of them to add you to it", scope, strings.Join(readers, ", ")))
	}
	if s.sealedToScope(sec.Path, v.Value) {
		// Sealed to exactly the scope, which includes this identity, and yet
		// no stanza opens: the header was damaged or altered.
		e = fmt.Errorf("failed to decrypt %s version %d (%s): %w", sec.Path, v.Number, s.RelName(s.secretFile(sec.Path)), crypto.ErrTampered)
		return inventory.WithHint(e, "restore the file from Git history or a backup, then rotate the secret")
	}
	return inventory.WithHint(e, fmt.Sprintf("you are in scope %s but this value is not re-encrypted to it yet; ask %s to run `cabinet rekey`",
		scope, strings.Join(slices.DeleteFunc(slices.Clone(readers), func(m string) bool { return m == me }), " or ")))
}

// sealedToScope reports whether a value's header, read without a key, says
// it was sealed to exactly the members of path's scope now.
func (s *Store) sealedToScope(path, value string) bool {
	h, err := crypto.Inspect(value)
	if err != nil || h.Binding == nil {
		return false
	}
	readers, _, sum, err := s.scopeTarget(path)
	return err == nil && h.Binding.Readers == sum && h.Recipients == len(readers)
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
func (s *Store) Change(path string, act Act, change func(*inventory.Secret) (inventory.Event, error)) (_ *inventory.Secret, err error) {
	done, err := s.lockAsMember(act)
	if err != nil {
		return nil, err
	}
	defer done(&err)
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
	if err := s.commit(sec, ev); err != nil {
		return nil, err
	}
	return sec, nil
}

// commit makes a change visible: its audit line first, synced, then the
// secret file, so that no change is ever on disk without its line (a crash
// in between leaves a line for a change that did not land, which audit
// readers can check against the file). A failed write is recorded too.
// The caller holds the lock.
func (s *Store) commit(sec *inventory.Secret, ev inventory.Event) error {
	if err := s.Audit(ev); err != nil {
		return err
	}
	if err := s.save(sec); err != nil {
		ev.Outcome, ev.Detail = inventory.OutcomeFailed, err.Error()
		_ = s.Audit(ev)
		return err
	}
	return nil
}

// Event is an audit event of act: who did action on path, when.
func (a Act) Event(action, path string, version int, outcome, detail string) inventory.Event {
	return a.event(action, path, version, outcome, detail)
}

// SetValue stores value as the new current version of path, creating the
// secret when it does not exist. edit, if not nil, sets metadata first
// (created reports a new secret). The value is sealed to the members of the
// path's scope.
func (s *Store) SetValue(path string, value []byte, act Act, edit func(sec *inventory.Secret, created bool) error) (_ *inventory.Secret, _ inventory.Version, err error) {
	if err := checkValue(path, value); err != nil {
		return nil, inventory.Version{}, err
	}
	done, err := s.beginWrite(path, act)
	if err != nil {
		return nil, inventory.Version{}, err
	}
	defer done(&err)
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
	ciphertext, err := s.sealValue(sec, value, sec.NextNumber())
	if err != nil {
		return nil, inventory.Version{}, err
	}
	v := sec.AddCurrent(ciphertext, act.Actor, act.Now)
	sec.Exposures = nil // the new value is the answer to any exposure
	if err := s.commit(sec, act.event(inventory.ActionSet, path, v.Number, inventory.OutcomeOK, "")); err != nil {
		return nil, inventory.Version{}, fmt.Errorf("%s: %w", path, err)
	}
	return sec, v, nil
}

// beginWrite checks path, takes the store's lock and reads the recipients
// again, as lockAsMember does. The caller calls done when the change is
// over.
func (s *Store) beginWrite(path string, act Act) (done func(*error), err error) {
	if err := s.ValidatePath(path); err != nil {
		return nil, err
	}
	return s.lockAsMember(act)
}

// ErrNotMember refuses a change by someone who is not a member: only
// members may write to a store.
var ErrNotMember = errors.New("is not a member of the store")

// lockAsMember takes the store's lock, reads the recipients again (another
// writer may have changed them) and checks that act's actor is a member.
// The caller defers done(&err) with its error result: in a Git store, done
// commits what the change wrote, and a failed commit undoes the change and
// becomes the error (see git.go). Then it releases the lock.
func (s *Store) lockAsMember(act Act) (done func(*error), err error) {
	unlock, err := s.lock()
	if err != nil {
		return nil, err
	}
	if err := s.readRecipients(); err != nil {
		unlock()
		return nil, err
	}
	if _, ok := s.Recipients.Members[act.Actor]; !ok {
		unlock()
		return nil, inventory.WithHint(fmt.Errorf("%q %w %s", act.Actor, ErrNotMember, s.Dir),
			"ask a member of scope * to add you with `cabinet members add NAME KEY`")
	}
	fsys, err := s.files()
	if err != nil {
		unlock()
		return nil, err
	}
	return func(errp *error) {
		defer unlock()
		if err := s.commitChange(fsys.takeChange()); err != nil && *errp == nil {
			*errp = err
		}
	}, nil
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
func (s *Store) sealValue(sec *inventory.Secret, value []byte, version int) (string, error) {
	readers, keys, sum, err := s.sealTarget(sec.Path)
	if err != nil {
		return "", err
	}
	ciphertext, err := crypto.Seal(value, keys, crypto.Binding{Path: sec.Path, Version: version, Readers: sum})
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
func (s *Store) Remove(path string, act Act) (err error) {
	done, err := s.beginWrite(path, act)
	if err != nil {
		return err
	}
	defer done(&err)
	// A damaged file can be removed; a missing one is an error.
	// A link or a folder in its place is refused like everywhere else.
	if _, err := s.Load(path); errors.Is(err, ErrNotFound) || isRefusal(err) {
		return err
	}
	// The line first, as for every change (see commit).
	ev := act.event(inventory.ActionRemove, path, 0, inventory.OutcomeOK, "")
	if err := s.Audit(ev); err != nil {
		return err
	}
	name := secretName(path)
	fsys, err := s.files()
	if err == nil {
		err = fsys.root.Remove(native(name))
	}
	if err != nil {
		err = bareError(err)
		ev.Outcome, ev.Detail = inventory.OutcomeFailed, err.Error()
		_ = s.Audit(ev)
		return fmt.Errorf("failed to remove %s: %w", name, err)
	}
	fsys.touched(name, false)
	s.pruneEmptyDirs(fsys, parentDir(name))
	return nil
}

// pruneEmptyDirs removes the folders a removal left empty, up to secrets/.
// Removing a folder removes the entry itself, never what a link names.
func (s *Store) pruneEmptyDirs(fsys *storeFS, dir string) {
	for strings.HasPrefix(dir, secretsDir+"/") {
		if fsys.root.Remove(native(dir)) != nil {
			break
		}
		dir = parentDir(dir)
	}
	_ = fsys.syncDir(dir)
}
