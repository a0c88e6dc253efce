package store

import (
	"fmt"
	"strings"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

// Resolve settles what a merge left in conflict in path: keep names the
// version whose value stays (see inventory.Secret.Resolve), 0 to accept the
// fields the merge kept. The values it keeps in use (current, pending)
// that a merge renumbered are sealed again under their final number with
// id, so that nothing stays bound to a number it no longer has; the values
// not kept are retired, never dropped. It is recorded like any change.
func (s *Store) Resolve(path string, keep int, id *crypto.Identity, act Act) (*inventory.Secret, error) {
	return s.Change(path, act, func(sec *inventory.Secret) (inventory.Event, error) {
		var keptValue string
		if keep > 0 {
			if v, err := sec.Version(inventory.Selector{Number: keep}); err == nil {
				keptValue = v.Value
			}
		}
		if err := sec.Resolve(keep); err != nil {
			return inventory.Event{}, inventory.WithHint(err, "`cabinet show "+path+"` lists its versions and what is in conflict")
		}
		kept := 0
		for i := range sec.Versions {
			v := &sec.Versions[i]
			if keptValue != "" && v.Value == keptValue {
				kept = v.Number
			}
			if v.SealedAs == 0 || v.Value == "" || (v.State != inventory.Current && v.State != inventory.Pending) {
				continue
			}
			plain, err := s.openValue(sec, v, id)
			if err != nil {
				return inventory.Event{}, err
			}
			ciphertext, err := s.sealValue(sec, plain, v.Number)
			clear(plain)
			if err != nil {
				return inventory.Event{}, err
			}
			v.Value, v.SealedAs = ciphertext, 0
		}
		detail := "the merged fields accepted"
		if kept > 0 {
			detail = fmt.Sprintf("kept v%d", kept)
		}
		return act.event(inventory.ActionResolve, path, kept, inventory.OutcomeOK, detail), nil
	})
}

// conflictWarning tells whoever reads a value of a secret in conflict that
// another value may be the one meant, or that fields were changed on two
// clones at once.
func conflictWarning(sec *inventory.Secret, v *inventory.Version) string {
	var others []string
	for _, o := range sec.Versions {
		if o.State == inventory.Conflicted {
			others = append(others, fmt.Sprintf("v%d", o.Number))
		}
	}
	if len(others) == 0 {
		return fmt.Sprintf("%s is in conflict: two clones changed its %s at the same time; `cabinet resolve %s` accepts what the merge kept",
			sec.Path, strings.Join(sec.Conflicts, ", "), sec.Path)
	}
	this := fmt.Sprintf("this is v%d", v.Number)
	if v.State == inventory.Current {
		this += ", the later one"
	}
	return fmt.Sprintf("%s is in conflict: another clone made a new value at the same time (%s; %s); `cabinet resolve %s --keep N` settles it",
		sec.Path, strings.Join(others, ", "), this, sec.Path)
}
