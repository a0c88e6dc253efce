package store

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

// AddMember adds a member (or changes a member's key) and puts them in the
// given scopes, then re-encrypts what that changes. Running it again after
// an interruption finishes the re-encryption.
func (s *Store) AddMember(name, key string, scopes []string, id *crypto.Identity, act Act) (RekeyResult, error) {
	if err := inventory.ValidateMemberName(name); err != nil {
		return RekeyResult{}, badInput(err)
	}
	key = strings.TrimSpace(key)
	if _, err := crypto.ParseRecipient(key); err != nil {
		return RekeyResult{}, badInput(fmt.Errorf("member %s: %w", name, err))
	}
	for i, sc := range scopes {
		norm, err := inventory.NormalizeScope(sc, s.Config.Environments)
		if err != nil {
			return RekeyResult{}, badInput(err)
		}
		scopes[i] = norm
	}
	return s.changeRecipients(id, act, inventory.ActionMemberAdd, name, func(r *inventory.Recipients) error {
		if other, taken := s.MemberOf([]string{key}); taken && other != name {
			return fmt.Errorf("member %s: that key is already member %s's", name, other)
		}
		r.Members[name] = key
		for _, sc := range scopes {
			if _, ok := r.Scopes[sc]; !ok {
				// A new scope starts with the members who read its paths now:
				// adding bob to dev/ must not take dev/ away from anyone.
				r.Scopes[sc] = r.ReadersOf(strings.TrimSuffix(sc, "/"))
			}
			if !slices.Contains(r.Scopes[sc], name) {
				r.Scopes[sc] = append(r.Scopes[sc], name)
			}
		}
		return nil
	})
}

// RemoveMember takes a member out of every scope and the member list,
// re-encrypts what they could read to the others, and marks it exposed.
func (s *Store) RemoveMember(name string, id *crypto.Identity, act Act) (RekeyResult, error) {
	if err := inventory.ValidateMemberName(name); err != nil {
		return RekeyResult{}, badInput(err)
	}
	res, err := s.changeRecipients(id, act, inventory.ActionMemberRemove, name, func(r *inventory.Recipients) error {
		if _, ok := r.Members[name]; !ok {
			return errUnchanged
		}
		delete(r.Members, name)
		for _, sc := range r.ScopeNames() {
			r.Scopes[sc] = slices.DeleteFunc(r.Scopes[sc], func(m string) bool { return m == name })
			if len(r.Scopes[sc]) == 0 {
				return inventory.WithHint(fmt.Errorf("removing %s would leave scope %s with no members, and its secrets unreadable", name, sc),
					"add another member to it first with `cabinet scopes set`")
			}
		}
		return nil
	})
	if errors.Is(err, errUnchanged) {
		// Not a member: a re-run that finishes an interrupted removal, or a
		// name that was never there.
		return res, inventory.WithHint(fmt.Errorf("member %s %w", name, ErrNotFound), "`cabinet members ls` lists the members")
	}
	return res, err
}

// SetScope sets the members of a scope (a path prefix or "*").
func (s *Store) SetScope(prefix string, members []string, id *crypto.Identity, act Act) (RekeyResult, error) {
	prefix, err := inventory.NormalizeScope(prefix, s.Config.Environments)
	if err != nil {
		return RekeyResult{}, badInput(err)
	}
	if len(members) == 0 {
		return RekeyResult{}, badInput(fmt.Errorf("scope %s needs at least one member", prefix))
	}
	return s.changeRecipients(id, act, inventory.ActionScopeSet, prefix, func(r *inventory.Recipients) error {
		for _, m := range members {
			if _, ok := r.Members[m]; !ok {
				return inventory.WithHint(fmt.Errorf("scope %s: %s is not a member", prefix, m), "add them first with `cabinet members add "+m+" KEY`")
			}
		}
		r.Scopes[prefix] = slices.Compact(slices.Sorted(slices.Values(members)))
		return nil
	})
}

// RemoveScope drops a scope; its paths fall back to a shorter prefix or "*".
func (s *Store) RemoveScope(prefix string, id *crypto.Identity, act Act) (RekeyResult, error) {
	prefix, err := inventory.NormalizeScope(prefix, s.Config.Environments)
	if err != nil {
		return RekeyResult{}, badInput(err)
	}
	if prefix == inventory.DefaultScope {
		return RekeyResult{}, badInput(fmt.Errorf("scope * cannot be removed: it covers every path no other scope names"))
	}
	return s.changeRecipients(id, act, inventory.ActionScopeSet, prefix, func(r *inventory.Recipients) error {
		delete(r.Scopes, prefix)
		return nil
	})
}

// Reencrypt brings every secret in line with its scope, for example after an
// interrupted change of members.
func (s *Store) Reencrypt(id *crypto.Identity, act Act) (_ RekeyResult, err error) {
	done, err := s.lockAsMember(act)
	if err != nil {
		return RekeyResult{}, err
	}
	defer done(&err)
	return s.rekeyAll(id, act, nil)
}

// ErrBadInput marks a change refused for what was asked (a name, a key, a
// scope that would be left empty), before anything was written: the command
// line reports it as a usage error.
var ErrBadInput = errors.New("bad input")

type badInputError struct{ err error }

func (b badInputError) Error() string   { return b.err.Error() }
func (b badInputError) Unwrap() []error { return []error{b.err, ErrBadInput} }

func badInput(err error) error { return badInputError{err} }

// errUnchanged is what a change of recipients returns when it has nothing
// to change.
var errUnchanged = errors.New("nothing to change")

// changeRecipients applies change to a copy of recipients.yaml, writes it
// and re-encrypts. recipients.yaml is written first: if the process dies
// half-way, the secrets not yet re-sealed are still readable by their old
// readers, and a re-run (of the same command or `cabinet rekey`) sees them
// as stale and finishes.
func (s *Store) changeRecipients(id *crypto.Identity, act Act, action, subject string, change func(*inventory.Recipients) error) (_ RekeyResult, err error) {
	done, err := s.lockAsMember(act)
	if err != nil {
		return RekeyResult{}, err
	}
	defer done(&err)
	next := inventory.Recipients{Members: maps.Clone(s.Recipients.Members), Scopes: map[string][]string{}, Conflicts: slices.Clone(s.Recipients.Conflicts)}
	for k, v := range s.Recipients.Scopes {
		next.Scopes[k] = slices.Clone(v)
	}
	if err := change(&next); errors.Is(err, errUnchanged) {
		// Nothing to change, but an earlier run may have died half-way.
		if stale, _, err := s.Stale(); err != nil || len(stale) == 0 {
			return RekeyResult{}, cmp.Or(err, errUnchanged)
		}
		return s.rekeyAll(id, act, nil)
	} else if err != nil {
		return RekeyResult{}, badInput(err)
	}
	if err := next.Validate(); err != nil {
		return RekeyResult{}, badInput(err)
	}
	before := s.Recipients
	// In a Git store a member removed lost, too, what they could read at
	// any commit of recipients.yaml: those values are exposed as well.
	past, err := s.recipientsHistory(act.Now)
	if err != nil {
		return RekeyResult{}, err
	}
	lost := func(sec *inventory.Secret) []string {
		return unionSorted(inventory.Lost(before.ReadersOf(sec.Path), next.ReadersOf(sec.Path)), past.removedReaders(sec, next))
	}
	if err := s.Audit(act.event(action, "", 0, inventory.OutcomeOK, subject)); err != nil {
		return RekeyResult{}, err
	}
	s.Recipients = next
	if err := s.writeRecipients(); err != nil {
		s.Recipients = before
		return RekeyResult{}, err
	}
	return s.rekeyAll(id, act, lost)
}

// ErrRecipientsConflict refuses to seal a value while recipients.yaml holds
// a clash a merge recorded: a member's key is in doubt.
var ErrRecipientsConflict = errors.New("holds a conflict from a merge")

// ResolveRecipients settles the clashes a merge recorded in
// recipients.yaml, accepting the members and keys as the file now has
// them (the merge kept one key of each; a member of * who knows better
// changes it with members rm and add first). Only a member of scope *
// may, as for every change of recipients.yaml.
func (s *Store) ResolveRecipients(act Act) (err error) {
	done, err := s.lockAsMember(act)
	if err != nil {
		return err
	}
	defer done(&err)
	if len(s.Recipients.Conflicts) == 0 {
		return inventory.WithHint(fmt.Errorf("%s holds no conflict", recipientsFile), "nothing to settle")
	}
	if !slices.Contains(s.Recipients.Scopes[inventory.DefaultScope], act.Actor) {
		return inventory.WithHint(fmt.Errorf("%q %w of scope *, who alone settle %s", act.Actor, ErrNotMember, recipientsFile),
			"ask a member of scope *: "+strings.Join(s.Recipients.Scopes[inventory.DefaultScope], ", "))
	}
	settled := strings.Join(s.Recipients.Conflicts, "; ")
	if err := s.Audit(act.event(inventory.ActionMembersResolve, "", 0, inventory.OutcomeOK, settled)); err != nil {
		return err
	}
	before := s.Recipients.Conflicts
	s.Recipients.Conflicts = nil
	if err := s.writeRecipients(); err != nil {
		s.Recipients.Conflicts = before
		return err
	}
	return nil
}
