// Package refs finds secret:// references in text (an environment, a config
// file, a DSN) and resolves them: every reference of a job is read, in
// parallel, before anything starts, through the store, which records them
// as one audit event. cabinet run, render and refs are built on it.
package refs

import (
	"strconv"
	"strings"

	"github.com/cabinethq/cabinet/inventory"
)

// Scheme starts a reference.
const Scheme = "secret://"

// Ref is one reference: the secret's path and which version, and where it
// stands in the text it was found in (byte offsets; End excluded).
type Ref struct {
	Path       string
	Sel        inventory.Selector
	Start, End int
}

// String is the reference as cabinet writes it.
func (r Ref) String() string {
	switch {
	case r.Sel.Number > 0:
		return Scheme + r.Path + "#" + strconv.Itoa(r.Sel.Number)
	case r.Sel.State != "":
		return Scheme + r.Path + "@" + string(r.Sel.State)
	}
	return Scheme + r.Path
}

// key tells two references to the same value apart from the others.
func (r Ref) key() string { return r.String() }

// Find returns the references in text, in order. A reference is
// secret:// and a path of the characters paths are made of, then
// optionally @current, @pending, @previous, @retired or #N. It ends at the
// first other character, so that it may sit inside a longer string:
// postgres://etl:secret://prod/db/password@db.internal/warehouse names
// prod/db/password (@db is no state). A trailing dot ends a sentence, not a
// path. Whether the path is a valid one is for the store to say.
func Find(text string) []Ref {
	var refs []Ref
	for from := 0; ; {
		i := strings.Index(text[from:], Scheme)
		if i < 0 {
			return refs
		}
		start := from + i
		end := start + len(Scheme)
		for end < len(text) && isPathByte(text[end]) {
			end++
		}
		for end > start+len(Scheme) && text[end-1] == '.' {
			end--
		}
		r := Ref{Path: text[start+len(Scheme) : end], Start: start}
		end = r.selector(text, end)
		r.End = end
		if r.Path != "" {
			refs = append(refs, r)
		}
		from = end
	}
}

// selector reads @state or #N at text[at:] into r, and returns where the
// reference ends.
func (r *Ref) selector(text string, at int) int {
	if at >= len(text) {
		return at
	}
	rest := text[at+1:]
	switch text[at] {
	case '@':
		for _, st := range []inventory.State{inventory.Current, inventory.Pending, inventory.Previous, inventory.Retired} {
			if strings.HasPrefix(rest, string(st)) && !continuesWord(rest, len(st)) {
				r.Sel.State = st
				return at + 1 + len(st)
			}
		}
	case '#':
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if v, err := strconv.Atoi(rest[:n]); err == nil && v > 0 && !continuesWord(rest, n) {
			r.Sel.Number = v
			return at + 1 + n
		}
	}
	return at
}

// continuesWord reports whether s goes on with a letter or digit at i, as
// "@previously" or "#3a" would: then it was no selector.
func continuesWord(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	c := s[i]
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// isPathByte reports whether c may be part of a secret path: the
// characters of its segments, and the slash between them.
func isPathByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '/'
}

// Whole returns the reference that value is, whole, if it is one: the
// environment variables cabinet run resolves are those whose value is a
// reference, not those that mention one.
func Whole(value string) (Ref, bool) {
	refs := Find(value)
	if len(refs) != 1 || refs[0].Start != 0 || refs[0].End != len(value) {
		return Ref{}, false
	}
	return refs[0], true
}

// Replace returns text with each of refs (found in it, in order) replaced
// by its value; escape, if set, rewrites a value for where it is written
// (a JSON string).
func Replace(text string, refs []Ref, values Values, escape func([]byte) []byte) []byte {
	out := make([]byte, 0, len(text))
	last := 0
	for _, r := range refs {
		out = append(out, text[last:r.Start]...)
		v := values.Of(r)
		if escape != nil {
			v = escape(v)
		}
		out = append(out, v...)
		last = r.End
	}
	return append(out, text[last:]...)
}
