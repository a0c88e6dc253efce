package inventory

import "time"

// Status is what a secret asks of its owner at a given time.
type Status string

const (
	StatusConflict Status = "conflict"  // two clones each made a new value, or changed a field differently: settle it
	StatusExposed  Status = "exposed"   // a member who could read it lost access: rotate now
	StatusRotating Status = "rotating"  // a pending version exists
	StatusNoValue  Status = "no-value"  // nothing to read yet
	StatusNoPolicy Status = "no-policy" // no rotation period set
	StatusOverdue  Status = "overdue"   // past its deadline
	StatusDue      Status = "due"       // within the warning window
	StatusOK       Status = "ok"
)

// DefaultWarning is the warning window of a new store.
const DefaultWarning = 14 * 24 * time.Hour

// Deadline is the creation time of the current version plus the rotation
// period. ok is false when there is no current version or no policy.
func Deadline(s *Secret) (deadline time.Time, ok bool) {
	cur := s.CurrentVersion()
	if cur == nil || s.Rotation.Every.IsZero() {
		return time.Time{}, false
	}
	return cur.Created.Add(s.Rotation.Every.Duration()), true
}

// StatusAt is the status of s at now, given the store's warning window.
// The order says what matters most: a conflict left by a merge comes
// first, since until a member settles it nobody knows which value is meant
// (and a rotation of it would pick one silently); a rotation under way is
// already the answer to an exposure or a deadline; an exposure calls for a
// rotation whatever the policy says.
func StatusAt(s *Secret, now time.Time, warning time.Duration) Status {
	cur := s.CurrentVersion()
	switch {
	case s.InConflict():
		return StatusConflict
	case s.Rotating != nil || hasState(s, Pending):
		return StatusRotating
	case cur == nil:
		return StatusNoValue
	case exposedSince(s, cur.Created):
		return StatusExposed
	case s.Rotation.Every.IsZero():
		return StatusNoPolicy
	}
	deadline, _ := Deadline(s)
	switch {
	case !now.Before(deadline):
		return StatusOverdue
	case now.Add(warning).After(deadline):
		return StatusDue
	}
	return StatusOK
}

func hasState(s *Secret, st State) bool {
	for _, v := range s.Versions {
		if v.State == st {
			return true
		}
	}
	return false
}

// exposedSince reports whether a reader lost access after t, the creation of
// the current value.
func exposedSince(s *Secret, t time.Time) bool {
	for _, e := range s.Exposures {
		if !e.At.Before(t) {
			return true
		}
	}
	return false
}
