package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// row is one secret as the inventory shows it, computed once per load so
// that filtering and drawing touch no YAML and no clock.
type row struct {
	path     string
	env      string
	owner    string
	version  string
	age      string // age of the current value, "3d"
	deadline time.Time
	hasDL    bool
	status   inventory.Status
	exposed  bool   // its current value was readable by a member who lost access, whatever its status
	urgency  int    // the status's place in statusOrder
	statusT  string // the status in words, readable without colour
	key      string // lower-case fields the filter matches, NUL-separated: path, owner, status, tags
	// What the filter precomputes of key, so that ranking a keystroke on
	// 100,000 rows fits in a frame:
	bytes  uint64 // a bit per byte value of key (modulo 64): a word with others cannot match
	starts string // the offsets where key's words start, one byte each; "" if key is too long for them
}

// newRows makes the inventory's rows, in the store's order (by path).
func newRows(secrets []inventory.Secret, now time.Time, warning time.Duration) []row {
	rows := make([]row, len(secrets))
	for i := range secrets {
		rows[i] = newRow(&secrets[i], now, warning)
	}
	return rows
}

func newRow(sec *inventory.Secret, now time.Time, warning time.Duration) row {
	r := row{path: sec.Path, env: inventory.Environment(sec.Path), owner: printable(sec.Owner), version: "-", age: "-"}
	if cur := sec.CurrentVersion(); cur != nil {
		r.version = fmt.Sprintf("v%d", cur.Number)
		r.age = shortDays(inventory.WholeDays(now.Sub(cur.Created)))
	}
	r.deadline, r.hasDL = inventory.Deadline(sec)
	r.status = inventory.StatusAt(sec, now, warning)
	r.exposed = exposedNow(sec)
	r.urgency = urgency(r.status)
	r.statusT = statusText(r.status, r.deadline, now)
	r.key = strings.ToLower(strings.Join(append([]string{sec.Path, sec.Owner, string(r.status)}, sec.Tags...), fieldSep))
	r.bytes, r.starts = byteSet(r.key), wordStarts(r.key)
	return r
}

// exposedNow reports whether a member who lost access could read sec's
// current value: an exposure since it was made (a rotation ends it). A
// secret in conflict or under rotation is exposed as well as that.
func exposedNow(sec *inventory.Secret) bool {
	cur := sec.CurrentVersion()
	if cur == nil {
		return false
	}
	for _, e := range sec.Exposures {
		if !e.At.Before(cur.Created) {
			return true
		}
	}
	return false
}

func shortDays(n int) string {
	if n <= 0 {
		return "today"
	}
	return fmt.Sprintf("%dd", n)
}

// statusSymbols mark each status with a symbol as well as a colour.
var statusSymbols = map[inventory.Status]string{
	inventory.StatusOverdue:  "✖",
	inventory.StatusDue:      "▲",
	inventory.StatusOK:       "✓",
	inventory.StatusNoPolicy: "○",
	inventory.StatusNoValue:  "∅",
	inventory.StatusRotating: "↻",
	inventory.StatusExposed:  "!",
	inventory.StatusConflict: "≠",
}

// statusWords are the statuses as a person reads them.
var statusWords = map[inventory.Status]string{
	inventory.StatusOverdue:  "overdue",
	inventory.StatusDue:      "due",
	inventory.StatusOK:       "ok",
	inventory.StatusNoPolicy: "no policy",
	inventory.StatusNoValue:  "no value",
	inventory.StatusRotating: "rotating",
	inventory.StatusExposed:  "exposed",
	inventory.StatusConflict: "conflict",
}

// statusText is the status in a symbol and words, with the days that make
// it: "✖ overdue 7d", "▲ due in 5d", "✓ ok".
func statusText(st inventory.Status, deadline, now time.Time) string {
	sym := statusSymbols[st]
	switch st {
	case inventory.StatusOverdue:
		if days := -inventory.WholeDays(deadline.Sub(now)); days > 0 {
			return fmt.Sprintf("%s overdue %dd", sym, days)
		}
		return sym + " overdue today"
	case inventory.StatusDue:
		if days := inventory.WholeDays(deadline.Sub(now)); days > 0 {
			return fmt.Sprintf("%s due in %dd", sym, days)
		}
		return sym + " due today"
	}
	return sym + " " + statusWords[st]
}

// sortMode is the order of the inventory.
type sortMode int

const (
	byDeadline sortMode = iota // what needs action first
	byPath
	byOwner
	sortModes // how many there are
)

func (s sortMode) String() string { return [...]string{"deadline", "path", "owner"}[s] }

// sortOrder is a sort key and its direction: s cycles the key, S reverses.
type sortOrder struct {
	key  sortMode
	desc bool // reversed: the least urgent, or z to a, first
}

// String names the key and the direction: "deadline ↑" puts the most
// urgent first, "path ↑" a to z.
func (o sortOrder) String() string {
	if o.desc {
		return o.key.String() + " ↓"
	}
	return o.key.String() + " ↑"
}

// statusOrder lists the statuses from the most urgent: the deadline sort
// and the help follow it.
var statusOrder = []inventory.Status{
	inventory.StatusConflict, inventory.StatusExposed, inventory.StatusOverdue, inventory.StatusDue, inventory.StatusRotating,
	inventory.StatusOK, inventory.StatusNoValue, inventory.StatusNoPolicy,
}

// urgency is a status's place in statusOrder.
func urgency(st inventory.Status) int {
	return slices.Index(statusOrder, st)
}

// sortRows orders the rows by order; ties go by path. Sorting the structs
// in place with a comparison (no reflection) keeps loading 100,000 rows
// fast. Reversed, the whole order is reversed, ties too.
func sortRows(rows []row, order sortOrder) {
	slices.SortStableFunc(rows, func(a, b row) int {
		if order.desc {
			return compareRows(&b, &a, order.key)
		}
		return compareRows(&a, &b, order.key)
	})
	packKeys(rows)
}

// packKeys copies the rows' filter keys into one block of memory, in the
// rows' order, so that a filter reads it from start to end: scattered over
// the heap, the keys of 100,000 rows cost a cache miss each, which is most
// of a keystroke's time.
func packKeys(rows []row) {
	n := 0
	for i := range rows {
		n += len(rows[i].key) + len(rows[i].starts)
	}
	var b strings.Builder
	b.Grow(n)
	for i := range rows {
		b.WriteString(rows[i].key)
		b.WriteString(rows[i].starts)
	}
	block := b.String()
	for i := range rows {
		r := &rows[i]
		k, st := len(r.key), len(r.starts)
		r.key, r.starts, block = block[:k], block[k:k+st], block[k+st:]
	}
}

// compareRows orders a before b (-1) or after (1) by mode, then by path.
func compareRows(a, b *row, mode sortMode) int {
	switch mode {
	case byOwner:
		if c := strings.Compare(a.owner, b.owner); c != 0 {
			return c
		}
	case byDeadline:
		if c := cmp.Compare(a.urgency, b.urgency); c != 0 {
			return c
		}
		if a.hasDL && b.hasDL {
			if c := a.deadline.Compare(b.deadline); c != 0 {
				return c
			}
		}
	}
	return strings.Compare(a.path, b.path)
}

// fieldSep separates the fields of a row's filter key; no field holds it.
const fieldSep = "\x00"

// inOneField reports whether word is a subsequence of one NUL-separated
// field of key.
func inOneField(key, word string) bool {
	for {
		end := strings.IndexByte(key, 0)
		if end < 0 {
			return subsequence(key, word)
		}
		if subsequence(key[:end], word) {
			return true
		}
		key = key[end+1:]
	}
}

// subsequence reports whether the bytes of sub appear in s in order. It
// jumps from one to the next with strings.IndexByte, which is vectorised.
func subsequence(s, sub string) bool {
	for i := 0; i < len(sub); i++ {
		k := strings.IndexByte(s, sub[i])
		if k < 0 {
			return false
		}
		s = s[k+1:]
	}
	return true
}
