package inventory

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ErrNotInConflict refuses to resolve a secret that no merge left in
// conflict.
var ErrNotInConflict = errors.New("is not in conflict")

// ErrKeepWhich asks which version to keep: the secret has values in
// conflict.
var ErrKeepWhich = errors.New("has values in conflict: name the one to keep")

// Resolve settles what a merge left in conflict (see MergeSecret). keep
// names the version whose value stays: the current one, the pending one, or
// one in conflict; 0 when only fields are in conflict (Conflicts), whose
// merged values the member accepts by resolving.
//
// The kept value is the one in use afterwards: a value in conflict becomes
// current (the current one becomes previous), unless it is the new value of
// a rotation that was not promoted yet, which becomes pending again so
// that resuming the rotation runs the rest of its steps (a pending value of
// another rotation is then retired, and its rotation dropped). Every other
// value in conflict is retired, not dropped, so a mistaken choice can still
// be undone from the file. The kept version is renumbered above the others
// when the order of states needs it, as a merge renumbers (SealedAs).
func (s *Secret) Resolve(keep int) error {
	if !s.InConflict() {
		return fmt.Errorf("%s %w", s.Path, ErrNotInConflict)
	}
	var clashing []string
	for _, v := range s.Versions {
		if v.State == Conflicted {
			clashing = append(clashing, strconv.Itoa(v.Number))
		}
	}
	if keep == 0 {
		if len(clashing) > 0 {
			return WithHint(fmt.Errorf("%s %w", s.Path, ErrKeepWhich),
				fmt.Sprintf("keep the current version or one of %s: `cabinet resolve %s --keep N`", strings.Join(clashing, ", "), s.Path))
		}
		s.Conflicts = nil
		return nil
	}
	k, err := s.Version(Selector{Number: keep})
	if err != nil {
		return err
	}
	if k.Value == "" || (k.State != Current && k.State != Pending && k.State != Conflicted) {
		return WithHint(fmt.Errorf("%s version %d is %s: %w", s.Path, keep, k.State, ErrKeepWhich),
			fmt.Sprintf("keep the current version, the pending one or one in conflict (%s)", strings.Join(clashing, ", ")))
	}
	r := s.Rotating
	var rotatingVersion *Version
	if r != nil {
		rotatingVersion, _ = s.Version(Selector{Number: r.Version})
	}
	if k.State == Conflicted {
		if rotatingVersion == k && !promotedBy(r) {
			for i := range s.Versions {
				if v := &s.Versions[i]; v.State == Pending {
					v.State = Retired
				}
			}
			k.State = Pending
		} else {
			s.demoteCurrent()
			k.State = Current
		}
	}
	for i := range s.Versions {
		if v := &s.Versions[i]; v.State == Conflicted {
			v.State = Retired
		}
	}
	vs := make([]*Version, len(s.Versions))
	for i := range s.Versions {
		vs[i] = &s.Versions[i]
	}
	orderStates(vs)
	if r != nil {
		if rotatingVersion.State == Retired || rotatingVersion.State == Previous {
			s.Rotating = nil
		} else {
			r.Version = rotatingVersion.Number
		}
	}
	s.sortVersions()
	s.Conflicts = nil
	return nil
}

// promotedBy reports whether a rotation's steps include its promote.
func promotedBy(r *Rotating) bool {
	return slices.ContainsFunc(r.Steps, func(o StepOutcome) bool { return o.Name == "promote" && o.Outcome == StepOK })
}

// renumberVersion gives v the number n, remembering in SealedAs the number
// its value was sealed for.
func renumberVersion(v *Version, n int) {
	if v.SealedAs == 0 {
		v.SealedAs = v.Number
	}
	v.Number = n
	if v.SealedAs == n {
		v.SealedAs = 0
	}
}

// orderStates makes the states follow the numbers as Validate wants, after
// a merge or a resolve put versions side by side: the current version is
// renumbered above the highest when an older state has a higher number, a
// pending version above the current one, and of several previous versions
// the newest one below current stays previous, the others retired.
func orderStates(vs []*Version) {
	top := 0
	var cur *Version
	for _, v := range vs {
		top = max(top, v.Number)
		if v.State == Current {
			cur = v
		}
	}
	if cur != nil {
		for _, v := range vs {
			if (v.State == Previous || (v.State == Retired && v.Value != "")) && v.Number > cur.Number {
				top++
				renumberVersion(cur, top)
				break
			}
		}
		for _, v := range vs {
			if v.State == Pending && v.Number < cur.Number {
				top++
				renumberVersion(v, top)
			}
		}
	}
	var prevs []*Version
	var best *Version
	for _, v := range vs {
		if v.State == Previous {
			prevs = append(prevs, v)
		}
		below := cur == nil || v.Number < cur.Number
		if below && (v.State == Previous || (v.State == Retired && v.Value != "")) && (best == nil || v.Number > best.Number) {
			best = v
		}
	}
	if len(prevs) == 0 {
		return
	}
	for _, v := range prevs {
		v.State = Retired
	}
	if best != nil {
		best.State = Previous
	}
}

// ActionResolve records a conflict settled (Secret.Resolve).
const ActionResolve = "resolve"
