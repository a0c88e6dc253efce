package inventory

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// FormatVersion is the value of the "cabinet:" field that this build writes
// and reads.
const FormatVersion = 1

// State is where a version stands in the rotation.
type State string

const (
	Current  State = "current"  // the value in use
	Pending  State = "pending"  // a rotation in progress
	Previous State = "previous" // the one before current, kept for rollback
	Retired  State = "retired"  // older ones; their values may be dropped
	// Conflicted is a new value made on another clone at the same time as
	// the current one (or as the pending one): a merge kept both, and the
	// secret stays in conflict until a member settles which one stays
	// (`cabinet resolve PATH --keep N`).
	Conflicted State = "conflict"
)

// Valid reports whether s is one of the five states.
func (s State) Valid() bool {
	switch s {
	case Current, Pending, Previous, Retired, Conflicted:
		return true
	}
	return false
}

// Secret is one secret: plain metadata plus its versions, newest first.
// Values are age ciphertexts (ASCII armor); this package never sees a
// plaintext value.
type Secret struct {
	Path        string
	Owner       string
	Description string
	Rotation    Rotation
	Tags        []string
	// Readers are the members whose keys the values are encrypted to, and
	// ReadersSum a digest of those keys, so that a change of scope or key is
	// noticed and a re-encryption can be resumed.
	Readers    []string
	ReadersSum string
	Exposures  []Exposure
	Versions   []Version
	// Rotating is the rotation in progress, nil when there is none.
	Rotating *Rotating
	// Conflicts names the fields (ConflictFields) that two clones changed
	// differently at the same time: the merge kept one of the two values
	// (deterministically, the same on every clone), and a member should
	// check it. Sorted, each at most once.
	Conflicts []string
}

// The fields a merge may record in Secret.Conflicts.
const (
	FieldOwner       = "owner"
	FieldDescription = "description"
	FieldTags        = "tags"
	FieldEvery       = "rotation.every"
	FieldRunbook     = "rotation.runbook"
	// FieldRotating: both clones changed the rotation in progress
	// differently (ran its steps twice, or one promoted it while the other
	// rolled it back).
	FieldRotating = "rotating"
)

// ConflictFields are the names Secret.Conflicts may hold.
var ConflictFields = []string{FieldDescription, FieldOwner, FieldRotating, FieldEvery, FieldRunbook, FieldTags}

// InConflict reports whether a merge left something for a member to
// settle: a value in the conflict state, or a field in Conflicts.
func (s *Secret) InConflict() bool {
	return len(s.Conflicts) > 0 || hasState(s, Conflicted)
}

// Rotating is a rotation in progress. It lives in the secret file, so that
// it survives a crash, a quit or a teammate's pull, and anyone in scope can
// resume it or roll it back.
type Rotating struct {
	Version   int    // the new version: pending until promoted, then current
	Runbook   string // "" for a rotation in one step
	Started   time.Time
	By        string
	Next      int       // index of the next step to run
	Approved  string    // the member who approved the promote, if any
	WaitUntil time.Time // the end of the overlap window of the current wait step
	Steps     []StepOutcome
}

// StepOutcome is what happened to one step of a rotation.
type StepOutcome struct {
	Step    int    // index in the runbook's steps; -1 for a rollback step
	Name    string // the step's title
	Outcome string // running, ok, failed
	At      time.Time
	By      string
	Detail  string // e.g. "exit status 1"; never a value
}

// Step outcomes. A step whose last outcome is running was interrupted.
const (
	StepRunning = "running"
	StepOK      = "ok"
	StepFailed  = "failed"
)

// LastOutcome is the latest outcome of step i of the runbook, "" if it has
// not run.
func (r *Rotating) LastOutcome(i int) string {
	for j := len(r.Steps) - 1; j >= 0; j-- {
		if r.Steps[j].Step == i {
			return r.Steps[j].Outcome
		}
	}
	return ""
}

// Promoted reports whether the rotation's version is current already.
func (r *Rotating) Promoted(s *Secret) bool {
	v, err := s.Version(Selector{Number: r.Version})
	return err == nil && v.State == Current
}

// Rotation is a secret's rotation policy.
type Rotation struct {
	Every   Every  // zero: no policy
	Runbook string // optional runbook name
}

// Version is one value of a secret.
type Version struct {
	Number int
	// SealedAs is the version number the value was sealed for, when a merge
	// gave it another one (two clones each made a version with the same
	// number); 0 when it is Number. The value's binding names SealedAs.
	SealedAs int
	State    State
	Created  time.Time
	Author   string
	Value    string // ASCII-armored age ciphertext; empty once dropped
}

// SealedNumber is the version number the value is bound to: SealedAs when
// a merge renumbered the version, else Number.
func (v *Version) SealedNumber() int {
	if v.SealedAs > 0 {
		return v.SealedAs
	}
	return v.Number
}

// Exposure records that a member who could read the secret lost access: the
// values they could read must be rotated.
type Exposure struct {
	Member string
	At     time.Time
}

// ErrNoVersion is returned when a selector names no version of a secret.
var ErrNoVersion = errors.New("no such version")

// Version returns the version that sel picks.
func (s *Secret) Version(sel Selector) (*Version, error) {
	want := sel.State
	if want == "" && sel.Number == 0 {
		want = Current
	}
	for i := range s.Versions {
		v := &s.Versions[i]
		if (sel.Number > 0 && v.Number == sel.Number) || (sel.Number == 0 && v.State == want) {
			return v, nil
		}
	}
	return nil, fmt.Errorf("%s has no version %s: %w", s.Path, sel, ErrNoVersion)
}

// CurrentVersion returns the current version, or nil when there is none.
func (s *Secret) CurrentVersion() *Version {
	v, _ := s.Version(Selector{State: Current})
	return v
}

// AddCurrent stores a new value as the current version, rotating in one
// step: the old current becomes previous and the old previous retired. A
// pending version is left alone.
func (s *Secret) AddCurrent(ciphertext, author string, now time.Time) Version {
	s.demoteCurrent()
	v := Version{Number: s.NextNumber(), State: Current, Created: now.UTC().Truncate(time.Second), Author: author, Value: ciphertext}
	s.Versions = slices.Insert(s.Versions, 0, v)
	s.sortVersions()
	return v
}

// Promote makes the pending version current: the old current becomes
// previous and the old previous retired.
func (s *Secret) Promote() (Version, error) {
	p, err := s.Version(Selector{State: Pending})
	if err != nil {
		return Version{}, err
	}
	s.demoteCurrent()
	p.State = Current
	s.Exposures = nil // the new value is the answer to any exposure
	return *p, nil
}

// Unrotate undoes the rotation of version n: a pending version is dropped;
// a promoted one is dropped and the previous version is current again.
func (s *Secret) Unrotate(n int) error {
	v, err := s.Version(Selector{Number: n})
	if err != nil {
		return err
	}
	promoted := v.State == Current
	s.Versions = slices.DeleteFunc(s.Versions, func(v Version) bool { return v.Number == n })
	if !promoted {
		return nil
	}
	var newestRetired *Version
	for i := range s.Versions {
		switch v := &s.Versions[i]; v.State {
		case Previous:
			v.State = Current
		case Retired:
			if v.Value != "" && (newestRetired == nil || v.Number > newestRetired.Number) {
				newestRetired = v
			}
		}
	}
	if newestRetired != nil {
		newestRetired.State = Previous
	}
	return nil
}

// ErrPendingExists refuses a second pending version: one rotation at a
// time.
var ErrPendingExists = errors.New("a rotation is already in progress")

// AddPending stores a new value as the pending version, next to the
// current one, which stays in use.
func (s *Secret) AddPending(ciphertext, author string, now time.Time) (Version, error) {
	if p, err := s.Version(Selector{State: Pending}); err == nil {
		return Version{}, fmt.Errorf("%s: %w (version %d is pending)", s.Path, ErrPendingExists, p.Number)
	}
	v := Version{Number: s.NextNumber(), State: Pending, Created: now.UTC().Truncate(time.Second), Author: author, Value: ciphertext}
	s.Versions = slices.Insert(s.Versions, 0, v)
	s.sortVersions()
	return v, nil
}

// demoteCurrent makes room for a new current version: the current one
// becomes previous and the previous one retired.
func (s *Secret) demoteCurrent() {
	for i := range s.Versions {
		switch s.Versions[i].State {
		case Previous:
			s.Versions[i].State = Retired
		case Current:
			s.Versions[i].State = Previous
		}
	}
}

// NextNumber is the number the next new version gets. Values are sealed
// with it before the version is added.
func (s *Secret) NextNumber() int {
	n := 0
	for _, v := range s.Versions {
		n = max(n, v.Number)
	}
	return n + 1
}

// sortVersions keeps versions newest first, as the file format wants.
func (s *Secret) sortVersions() {
	slices.SortStableFunc(s.Versions, func(a, b Version) int { return b.Number - a.Number })
}

// Validate checks the rules that a secret file must follow beyond its
// syntax. It names the field at fault.
func (s *Secret) Validate(environments []string) error {
	if err := ValidatePath(s.Path, environments); err != nil {
		return err
	}
	if strings.TrimSpace(s.Owner) == "" {
		return fmt.Errorf("owner: is required (a team or a person)")
	}
	if s.Rotation.Runbook != "" {
		if err := validateSegment(s.Rotation.Runbook); err != nil {
			return fmt.Errorf("rotation.runbook: %q is not a runbook name: it %w", s.Rotation.Runbook, err)
		}
	}
	count := map[State]int{}
	seen := map[int]bool{}
	for i, v := range s.Versions {
		if v.Number < 1 {
			return fmt.Errorf("versions[%d]: version must be a positive number", i)
		}
		if seen[v.Number] {
			return fmt.Errorf("versions[%d]: version %d appears twice", i, v.Number)
		}
		seen[v.Number] = true
		if v.SealedAs < 0 || v.SealedAs == v.Number {
			return fmt.Errorf("versions[%d]: sealed_as must be another version number than %d, or absent", i, v.Number)
		}
		if !v.State.Valid() {
			return fmt.Errorf("versions[%d]: state %q is not current, pending, previous, retired or conflict", i, v.State)
		}
		count[v.State]++
		if v.Value == "" && v.State != Retired {
			return fmt.Errorf("versions[%d]: a %s version needs a value", i, v.State)
		}
		if v.Value != "" && !LooksArmored(v.Value) {
			return fmt.Errorf("versions[%d]: value is not a complete age ciphertext (truncated?)", i)
		}
	}
	for _, st := range []State{Current, Pending, Previous} {
		if count[st] > 1 {
			return fmt.Errorf("versions: %d versions are %s; at most one may be", count[st], st)
		}
	}
	if err := checkStateOrder(s.Versions); err != nil {
		return err
	}
	if err := validateConflicts(s.Conflicts); err != nil {
		return err
	}
	if r := s.Rotating; r != nil {
		// A rotation whose new value clashed with another clone's stays on
		// record beside its value until the conflict is settled.
		v, err := s.Version(Selector{Number: r.Version})
		if err != nil || (v.State != Pending && v.State != Current && v.State != Conflicted) {
			return fmt.Errorf("rotating.version: version %d is not pending or current", r.Version)
		}
		if r.Runbook != "" {
			if err := validateSegment(r.Runbook); err != nil {
				return fmt.Errorf("rotating.runbook: %q is not a runbook name: it %w", r.Runbook, err)
			}
		}
		if r.Next < 0 {
			return fmt.Errorf("rotating.next: %d is not a step", r.Next)
		}
	}
	return nil
}

// validateConflicts checks the conflicts field: known field names, each
// once.
func validateConflicts(conflicts []string) error {
	seen := map[string]bool{}
	for _, f := range conflicts {
		if !slices.Contains(ConflictFields, f) {
			return fmt.Errorf("conflicts: %q is not one of %s", f, strings.Join(ConflictFields, ", "))
		}
		if seen[f] {
			return fmt.Errorf("conflicts: %q appears twice", f)
		}
		seen[f] = true
	}
	return nil
}

const (
	armorBegin = "-----BEGIN AGE ENCRYPTED FILE-----"
	armorEnd   = "-----END AGE ENCRYPTED FILE-----"
)

// LooksArmored reports whether v is framed as one whole ASCII-armored age
// file. It catches a truncated file; the cryptographic check is crypto's.
func LooksArmored(v string) bool {
	v = strings.TrimSpace(v)
	return strings.HasPrefix(v, armorBegin) && strings.HasSuffix(v, armorEnd)
}
