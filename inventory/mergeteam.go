package inventory

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// MergeRecipients merges two clones' recipients.yaml that descend from
// base (empty when both added it). Like MergeSecret it is symmetric.
//
// Members merge by name, three ways: a member added on either side is
// kept, one removed on either side is removed. A name that both sides gave
// a different key, or that one side removed while the other changed its
// key, is a true clash: the larger key is kept (a removal wins over a new
// key), and clashes names it, for a member to check before anyone trusts
// the result. Each scope's members merge as a set: base's, plus what either
// side added, minus what either side removed; a scope that both sides
// changed differently down to no member, or whose members all left, is
// dropped and named in clashes too.
func MergeRecipients(base, ours, theirs Recipients) (Recipients, []string) {
	var clashes []string
	out := Recipients{Members: map[string]string{}, Scopes: map[string][]string{}}
	names := slices.Sorted(maps.Keys(union(base.Members, ours.Members, theirs.Members)))
	for _, name := range names {
		o, oOK := base.Members[name]
		a, aOK := ours.Members[name]
		b, bOK := theirs.Members[name]
		key := func(k string, ok bool) string {
			if !ok {
				return ""
			}
			return "+" + k
		}
		kept, clash := merge3(true, key(o, oOK), key(a, aOK), key(b, bOK), identity)
		if clash {
			switch {
			case !aOK || !bOK:
				kept = ""
				clashes = append(clashes, fmt.Sprintf("members: %s was removed on one side and given a new key on the other (removed)", name))
			default:
				clashes = append(clashes, fmt.Sprintf("members: %s has a different key on each side (kept %s)", name, shortKey(kept[1:])))
			}
		}
		if kept != "" {
			out.Members[name] = kept[1:]
		}
	}
	scopes := slices.Sorted(maps.Keys(union(base.Scopes, ours.Scopes, theirs.Scopes)))
	for _, scope := range scopes {
		members := mergeSet(true, cloneList(base.Scopes[scope]), cloneList(ours.Scopes[scope]), cloneList(theirs.Scopes[scope]), identity)
		var kept []string
		for _, m := range members {
			if _, ok := out.Members[m]; ok {
				kept = append(kept, m)
			}
		}
		// A scope that a side removed goes; one that a side changed or
		// added and that the merge empties is a clash.
		wanted := func(side []string) bool {
			return len(side) > 0 && !slices.Equal(side, base.Scopes[scope])
		}
		switch {
		case len(kept) > 0:
			out.Scopes[scope] = kept
		case wanted(ours.Scopes[scope]) || wanted(theirs.Scopes[scope]):
			clashes = append(clashes, fmt.Sprintf("scopes: %s has no member left after the merge (removed)", scope))
		}
	}
	// Clashes recorded before stay until a side settles them (three ways,
	// as a set); the new ones join them.
	out.Conflicts = mergeSet(true, cloneList(base.Conflicts), cloneList(ours.Conflicts), cloneList(theirs.Conflicts), identity)
	for _, c := range clashes {
		if !slices.Contains(out.Conflicts, c) {
			out.Conflicts = append(out.Conflicts, c)
		}
	}
	slices.Sort(out.Conflicts)
	if len(out.Conflicts) == 0 {
		out.Conflicts = nil
	}
	return out, clashes
}

func union[V any](maps ...map[string]V) map[string]bool {
	all := map[string]bool{}
	for _, m := range maps {
		for k := range m {
			all[k] = true
		}
	}
	return all
}

// shortKey shows the start of a public key, enough to tell two apart.
func shortKey(k string) string {
	if len(k) > 16 {
		return k[:16] + "…"
	}
	return k
}

// ErrNotAppendOnly refuses to merge an audit log that a side did not only
// append to.
var ErrNotAppendOnly = errors.New("audit logs are append-only")

// MergeAuditLog merges two clones' copies of one audit log (one member's
// audit/<member>.jsonl) that descend from base: base's lines, then the lines
// each side appended, in the order of their times (then their text), each
// side's own lines in the order it wrote them, and a line that both sides
// have (a third clone's, merged into both) once. Either direction gives the
// same bytes. When both sides appended, a join line (see Join) ends the
// merge. A side that changed or removed one of base's lines is refused
// (ErrNotAppendOnly): that is for `cabinet audit verify` to report, not for
// a merge to hide.
func MergeAuditLog(base, ours, theirs []byte) ([]byte, error) {
	o, a, b := logLines(base), logLines(ours), logLines(theirs)
	for _, side := range []struct {
		name  string
		lines []string
	}{{"ours", a}, {"theirs", b}} {
		if len(side.lines) < len(o) || !slices.Equal(side.lines[:len(o)], o) {
			return nil, fmt.Errorf("%w: %s does not begin with the lines both sides had", ErrNotAppendOnly, side.name)
		}
	}
	var buf bytes.Buffer
	for _, line := range o {
		buf.WriteString(line)
		buf.WriteByte('\n')
	}
	merged := make([][]byte, 0, len(a)+len(b)-len(o)+1)
	for _, line := range o {
		merged = append(merged, []byte(line))
	}
	for _, line := range mergeLines(timed(a[len(o):]), timed(b[len(o):])) {
		buf.WriteString(line)
		buf.WriteByte('\n')
		merged = append(merged, []byte(line))
	}
	// Two sides that both appended leave a side's last line that nothing
	// follows: the join line names it, so that audit verify tells the fork
	// from a line slipped in.
	if join := Join(merged, len(o)); join != nil {
		buf.Write(join)
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// logLines splits a log into its lines; a last line without its newline (a
// torn write) is a line too.
func logLines(data []byte) []string {
	s := strings.TrimSuffix(string(data), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

type timedLine struct {
	text string
	at   time.Time
}

// timed reads each line's time; a line without one (torn, damaged) takes
// the time of the line before it, so that it stays where its side wrote it.
func timed(lines []string) []timedLine {
	out := make([]timedLine, len(lines))
	var last time.Time
	for i, line := range lines {
		var e struct {
			Time time.Time `json:"time"`
		}
		if json.Unmarshal([]byte(line), &e) == nil && !e.Time.IsZero() {
			last = e.Time
		}
		out[i] = timedLine{line, last}
	}
	return out
}

// mergeLines merges two sequences of lines, each kept in its order, taking
// the earlier head each time; a line that the other side holds too, ahead,
// is written once.
func mergeLines(a, b []timedLine) []string {
	remaining := func(lines []timedLine) map[string]int {
		m := map[string]int{}
		for _, l := range lines {
			m[l.text]++
		}
		return m
	}
	leftA, leftB := remaining(a), remaining(b)
	skipA, skipB := map[string]int{}, map[string]int{}
	var out []string
	i, j := 0, 0
	advance := func(lines []timedLine, k *int, left map[string]int) {
		left[lines[*k].text]--
		*k++
	}
	for i < len(a) || j < len(b) {
		if i < len(a) && skipA[a[i].text] > 0 {
			skipA[a[i].text]--
			advance(a, &i, leftA)
			continue
		}
		if j < len(b) && skipB[b[j].text] > 0 {
			skipB[b[j].text]--
			advance(b, &j, leftB)
			continue
		}
		var c int
		switch {
		case i == len(a):
			c = 1
		case j == len(b):
			c = -1
		default:
			c = cmp.Or(a[i].at.Compare(b[j].at), strings.Compare(a[i].text, b[j].text))
		}
		switch {
		case c == 0:
			out = append(out, a[i].text)
			advance(a, &i, leftA)
			advance(b, &j, leftB)
		case c < 0:
			text := a[i].text
			out = append(out, text)
			advance(a, &i, leftA)
			if leftB[text]-skipB[text] > 0 {
				skipB[text]++
			}
		default:
			text := b[j].text
			out = append(out, text)
			advance(b, &j, leftB)
			if leftA[text]-skipA[text] > 0 {
				skipA[text]++
			}
		}
	}
	return out
}
