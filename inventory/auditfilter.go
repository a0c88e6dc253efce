package inventory

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Filter picks audit events: those under a path prefix, by a member, of
// some actions, in a period. Its zero value picks every event.
type Filter struct {
	// Prefix is a secret path or a folder of them ("prod/db" picks
	// prod/db/password, not prod/dbx); a run or render event is picked by
	// any of the values it read.
	Prefix string
	Member string
	// Actions are action names; "rotate" stands for every rotate-* action
	// and "access" for read, reveal, copy, run and render.
	Actions []string
	// Since and Until bound the period, Since included, Until excluded;
	// a zero time leaves that end open.
	Since, Until time.Time
}

// Match reports whether the filter picks e.
func (f Filter) Match(e *Event) bool {
	if f.Member != "" && e.Actor != f.Member {
		return false
	}
	if !f.Since.IsZero() && e.Time.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && !e.Time.Before(f.Until) {
		return false
	}
	if f.Prefix != "" {
		prefix := strings.TrimSuffix(f.Prefix, "/")
		if !slices.ContainsFunc(e.Paths(), func(p string) bool { return p == prefix || strings.HasPrefix(p, prefix+"/") }) {
			return false
		}
	}
	return len(f.Actions) == 0 || slices.ContainsFunc(f.Actions, func(a string) bool { return actionMatches(a, e.Action) })
}

// actionMatches reports whether the filter's action name a picks action.
func actionMatches(a, action string) bool {
	switch a {
	case action:
		return true
	case "rotate":
		return strings.HasPrefix(action, "rotate-")
	case "access":
		return IsAccess(action)
	}
	return false
}

// IsAccess reports whether action is a read of a value: by a command, on
// screen, to the clipboard, or for a job or a file's references.
func IsAccess(action string) bool {
	switch action {
	case ActionRead, ActionReveal, ActionCopy, ActionRun, ActionRender, ActionScan:
		return true
	}
	return false
}

// Actions are the audit actions the program writes, for completion and
// for checking a filter's names.
func Actions() []string {
	return []string{
		ActionRead, ActionReveal, ActionCopy, ActionRun, ActionRender, ActionScan, ActionSet, ActionCreate, ActionStage, ActionEdit,
		ActionRotateStart, ActionRotateStep, ActionRotateApprove, ActionRotatePromote, ActionRotateFinish, ActionRotateRollback,
		ActionRemove, ActionResolve, ActionMemberAdd, ActionMemberRemove, ActionScopeSet, ActionMembersResolve, ActionReencrypt,
		ActionJoin,
	}
}

// CheckAction refuses an action name that no event has.
func CheckAction(a string) error {
	if a == "rotate" || a == "access" || slices.Contains(Actions(), a) {
		return nil
	}
	return fmt.Errorf("unknown action %s: use one of %s, or rotate (every rotate-* action) or access (read, reveal, copy, run, render)",
		Quote(a), strings.Join(Actions(), ", "))
}

// ErrBadTime refuses a time that is neither a date nor an age.
var ErrBadTime = errors.New("not a time")

// ParseSince reads the start of a period: an age back from now ("30d",
// "12h", "2w"), a date (2026-03-01, its midnight in now's zone) or an RFC
// 3339 time.
func ParseSince(s string, now time.Time) (time.Time, error) {
	return parseWhen(s, now, false)
}

// ParseUntil reads the end of a period as ParseSince does, except that a
// date stands for its whole day: --until 2026-03-31 includes March 31st.
func ParseUntil(s string, now time.Time) (time.Time, error) {
	return parseWhen(s, now, true)
}

func parseWhen(s string, now time.Time, wholeDay bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, ok := parseAge(s); ok {
		return now.Add(-d), nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, now.Location()); err == nil {
		if wholeDay {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%w: %s: give an age such as 30d, 12h or 2w, or a date such as 2026-03-01", ErrBadTime, Quote(s))
}

// parseAge reads a whole number of hours, days or weeks.
func parseAge(s string) (time.Duration, bool) {
	if len(s) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n < 0 || n > 100*366 {
		return 0, false
	}
	switch s[len(s)-1] {
	case 'h':
		return time.Duration(n) * time.Hour, true
	case 'd':
		return time.Duration(n) * 24 * time.Hour, true
	case 'w':
		return time.Duration(n) * 7 * 24 * time.Hour, true
	}
	return 0, false
}
