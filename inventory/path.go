package inventory

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Path limits from DESIGN.md: 2 to 8 segments, each [a-z0-9][a-z0-9._-]*.
const (
	MinSegments   = 2
	MaxSegments   = 8
	maxSegmentLen = 64
)

// DefaultEnvironments are the environments of a new store.
var DefaultEnvironments = []string{"dev", "stg", "prod"}

// ValidatePath checks that p names a secret: 2 to 8 slash-separated segments
// of [a-z0-9][a-z0-9._-]*, the first one an environment of the store. The
// error says what is wrong so that the user can fix it; it quotes the path
// with %q so control characters show up escaped, never raw.
func ValidatePath(p string, environments []string) error {
	if p == "" {
		return invalidPathf("invalid secret path \"\": a path looks like prod/db/password")
	}
	segs := strings.Split(p, "/")
	if len(segs) < MinSegments || len(segs) > MaxSegments {
		return invalidPathf("invalid secret path %q: it needs %d to %d segments separated by /, like prod/db/password", p, MinSegments, MaxSegments)
	}
	for i, s := range segs {
		if err := validateSegment(s); err != nil {
			return invalidPathf("invalid secret path %q: segment %d %v", p, i+1, err)
		}
	}
	if len(environments) > 0 && !slices.Contains(environments, segs[0]) {
		return invalidPathf("invalid secret path %q: %q is not an environment of this store (%s)", p, segs[0], strings.Join(environments, ", "))
	}
	return nil
}

// ErrInvalidPath is what every error of ValidatePath matches with errors.Is.
var ErrInvalidPath = errors.New("invalid secret path")

type invalidPathError struct{ msg string }

func (e invalidPathError) Error() string        { return e.msg }
func (e invalidPathError) Is(target error) bool { return target == ErrInvalidPath }

func invalidPathf(format string, args ...any) error {
	return invalidPathError{fmt.Sprintf(format, args...)}
}

func validateSegment(s string) error {
	if s == "" {
		return fmt.Errorf("is empty")
	}
	if len(s) > maxSegmentLen {
		return fmt.Errorf("is longer than %d characters", maxSegmentLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		lowerOrDigit := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if i == 0 && !lowerOrDigit {
			return fmt.Errorf("%q must start with a lower-case letter or digit", s)
		}
		if !lowerOrDigit && c != '.' && c != '_' && c != '-' {
			return fmt.Errorf("%q may hold only a-z, 0-9, '.', '_' and '-'", s)
		}
	}
	return nil
}

// Environment is the first segment of a valid path.
func Environment(p string) string {
	env, _, _ := strings.Cut(p, "/")
	return env
}

// Selector picks one version of a secret: by state, by number, or (zero) the
// current one.
type Selector struct {
	State  State // "" unless chosen by state
	Number int   // 0 unless chosen by number
}

func (s Selector) String() string {
	switch {
	case s.Number > 0:
		return "#" + strconv.Itoa(s.Number)
	case s.State != "":
		return "@" + string(s.State)
	}
	return "@current"
}

// ParseRef splits "PATH", "PATH@state" or "PATH#N" into the path and the
// version selector. A leading "secret://" is accepted, so that the references
// pipelines use work everywhere a path does. The path itself is not
// validated here; see ValidatePath.
func ParseRef(ref string) (string, Selector, error) {
	p := strings.TrimPrefix(ref, "secret://")
	if i := strings.IndexAny(p, "@#"); i >= 0 {
		path, sel := p[:i], p[i+1:]
		if p[i] == '@' {
			st := State(sel)
			if !st.Valid() {
				return "", Selector{}, fmt.Errorf("invalid reference %q: unknown state %q (use current, pending, previous or retired)", ref, sel)
			}
			return path, Selector{State: st}, nil
		}
		n, err := strconv.Atoi(sel)
		if err != nil || n < 1 || strings.HasPrefix(sel, "+") {
			return "", Selector{}, fmt.Errorf("invalid reference %q: %q is not a version number (use #1, #2, ...)", ref, sel)
		}
		return path, Selector{Number: n}, nil
	}
	return p, Selector{}, nil
}
