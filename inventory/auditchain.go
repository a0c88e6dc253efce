package inventory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// How a member's audit log holds together. Each line records the SHA-256 of
// the line it follows (Prev), so that a line removed, edited, moved or
// slipped in breaks the chain where it was. One member may append to the
// log on two clones at once; when Git merges them (MergeAuditLog), each
// side's lines keep their chain and interleave by time, so a line may
// follow a line further back than the one just above it, and two lines may
// follow the same one. The merge then appends a join line naming the tips
// of the sides that the log's last line does not continue. What the chain
// rules out is a line that follows nothing before it (something it followed
// was removed or edited, or lines were reordered) and a line that nothing
// follows and no join names (a line slipped in, or the line after it
// removed). The last line is where the next one will chain; that it was not
// cut off or rewritten is for an anchor outside the file to tell (the
// store keeps one for each line of a change it writes, and Git has its
// history).

// ActionJoin is the line a merge of one member's log appends: its Detail
// names, by their hashes, the lines that ended a side of the merge.
const ActionJoin = "join"

// joinPrefix begins a join line's Detail, before the hashes.
const joinPrefix = "joins "

// ProblemKind says whether a problem of a log is tampering, or what a
// crash leaves.
type ProblemKind string

const (
	// ProblemTampered is a log that was changed other than by appending:
	// a line removed, edited, reordered or inserted.
	ProblemTampered ProblemKind = "tampered"
	// ProblemTorn is a line cut short by a crash while it was written.
	// It is not tampering: the next line (if any) follows it.
	ProblemTorn ProblemKind = "torn"
)

// LogProblem is one thing wrong with a log, at a line (1-based).
type LogProblem struct {
	Line int         `json:"line"`
	Kind ProblemKind `json:"kind"`
	What string      `json:"what"`
}

// LogCheck is what CheckLog found in one log.
type LogCheck struct {
	Lines    int          `json:"lines"`
	Problems []LogProblem `json:"problems,omitempty"`
}

// Tampered reports whether any problem is tampering, not a torn line.
func (c *LogCheck) Tampered() bool {
	for _, p := range c.Problems {
		if p.Kind == ProblemTampered {
			return true
		}
	}
	return false
}

// ErrNotEvent refuses a line that is not an audit event.
var ErrNotEvent = errors.New("not an audit event")

// ParseEvent reads one line of an audit log.
func ParseEvent(line []byte) (Event, error) {
	var e Event
	if err := json.Unmarshal(line, &e); err != nil {
		return e, fmt.Errorf("%w: %v", ErrNotEvent, err)
	}
	if e.Time.IsZero() || e.Action == "" || e.Actor == "" {
		return e, fmt.Errorf("%w: its time, actor or action is missing", ErrNotEvent)
	}
	return e, nil
}

// CheckLog checks the chain of member's log, data as it is on disk. It
// returns the events it read, in the file's order, and what is wrong with
// the file, line by line.
func CheckLog(member string, data []byte) ([]Event, LogCheck) {
	lines := LogLines(data)
	torn := len(data) > 0 && data[len(data)-1] != '\n'
	c := chainCheck{member: member, lines: lines, events: make([]Event, len(lines))}
	c.hashes = make(map[string]int, len(lines))
	c.followed = make([]bool, len(lines))
	c.parsed = make([]bool, len(lines))
	for i, line := range lines {
		c.checkLine(i, torn && i == len(lines)-1)
		c.hashes[ChainHash(line)] = i // the latest of identical lines is the one a later line follows
	}
	c.checkTips()
	events := make([]Event, 0, len(lines))
	for i, ok := range c.parsed {
		if ok {
			events = append(events, c.events[i])
		}
	}
	return events, LogCheck{Lines: len(lines), Problems: c.sorted()}
}

// LogLines splits a log into its lines, without their newlines; a last
// line without its newline (a torn write) is a line too.
func LogLines(data []byte) [][]byte {
	data = bytes.TrimSuffix(data, []byte("\n"))
	if len(data) == 0 {
		return nil
	}
	return bytes.Split(data, []byte("\n"))
}

type chainCheck struct {
	member   string
	lines    [][]byte
	events   []Event
	parsed   []bool
	hashes   map[string]int // a line's hash -> the latest line before the one checked that has it
	followed []bool         // some later line chains to it, or a join names it
	problems []LogProblem
}

func (c *chainCheck) tampered(i int, format string, args ...any) {
	c.problems = append(c.problems, LogProblem{Line: i + 1, Kind: ProblemTampered, What: fmt.Sprintf(format, args...)})
}

func (c *chainCheck) checkLine(i int, last bool) {
	e, err := ParseEvent(c.lines[i])
	if err != nil {
		c.checkUnreadable(i, last)
		return
	}
	c.events[i], c.parsed[i] = e, true
	if e.Actor != c.member {
		c.tampered(i, "an event of %s in the log of %s", Quote(e.Actor), Quote(c.member))
	}
	c.checkPrev(i, e.Prev)
	if e.Action == ActionJoin {
		c.checkJoin(i, e.Detail)
	}
}

// checkUnreadable tells a line cut short by a crash from one that was
// damaged: a crash cuts the last line, and the next write starts a new
// line after it, which then follows the torn one.
func (c *chainCheck) checkUnreadable(i int, last bool) {
	// What the line followed is unknown: its predecessor, as written, so
	// that one bad line is reported once.
	if i > 0 {
		c.followed[i-1] = true
	}
	nextFollows := i+1 < len(c.lines) && bytes.Contains(c.lines[i+1], []byte(`"prev":"`+ChainHash(c.lines[i])+`"`))
	if !last && !nextFollows || len(c.lines[i]) == 0 {
		c.tampered(i, "not an audit event")
		return
	}
	c.problems = append(c.problems, LogProblem{Line: i + 1, Kind: ProblemTorn, What: "cut short by a crash while it was written (not tampering)"})
}

func (c *chainCheck) checkPrev(i int, prev string) {
	if prev == "" {
		return // the first line of a side
	}
	if j, ok := c.hashes[prev]; ok {
		c.followed[j] = true
		return
	}
	switch j := c.later(i, prev); {
	case j > i:
		c.tampered(i, "it follows line %d, which comes after it: lines were reordered", j+1)
	case i > 0:
		c.tampered(i, "it follows a line that is not in the log: line %d was edited, or a line before it removed", i)
	default:
		c.tampered(i, "it follows a line that is not in the log: the lines before it were removed")
	}
}

// later returns the first line after i whose hash is h, or -1. It is
// looked for only to explain a broken chain, and only for the first few.
func (c *chainCheck) later(i int, h string) int {
	if len(c.problems) > 20 {
		return -1
	}
	for j := i + 1; j < len(c.lines); j++ {
		if ChainHash(c.lines[j]) == h {
			return j
		}
	}
	return -1
}

func (c *chainCheck) checkJoin(i int, detail string) {
	hashes, ok := strings.CutPrefix(detail, joinPrefix)
	if !ok {
		c.tampered(i, "a join that names no line")
		return
	}
	for _, h := range strings.Fields(hashes) {
		if j, ok := c.hashes[h]; ok {
			c.followed[j] = true
		} else {
			c.tampered(i, "a join of a line that is not before it")
		}
	}
}

// checkTips finds the lines that nothing follows, other than the last.
func (c *chainCheck) checkTips() {
	for i := 0; i < len(c.lines)-1; i++ {
		if !c.followed[i] && c.parsed[i] {
			c.tampered(i, "no line follows it: it was edited or slipped in, or the line after it removed")
		}
	}
}

// sorted returns the problems in the order of their lines.
func (c *chainCheck) sorted() []LogProblem {
	p := c.problems
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && p[j].Line < p[j-1].Line; j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
	return p
}

// Join is the join line a merge of one member's log appends after lines,
// or nil when nothing forked. It names the lines from index from on (what
// the two sides appended; a line of the common past that nothing follows
// is for audit verify to report, not for a merge to bless) that no later
// line follows, other than the last. Its time is the last line's, so that
// both directions of a merge, and two clones that merge the same sides,
// write the same line.
func Join(lines [][]byte, from int) []byte {
	if len(lines) < 2 {
		return nil
	}
	followed := make(map[string]bool, len(lines))
	var last Event
	for i, line := range lines {
		e, err := ParseEvent(line)
		if err != nil {
			if i > 0 { // a torn line follows its predecessor, as written
				followed[ChainHash(lines[i-1])] = true
			}
			continue
		}
		followed[e.Prev], last = true, e
		if e.Action == ActionJoin {
			for _, h := range strings.Fields(strings.TrimPrefix(e.Detail, joinPrefix)) {
				followed[h] = true
			}
		}
	}
	var tips []string
	for _, line := range lines[min(max(from, 0), len(lines)-1) : len(lines)-1] {
		if _, err := ParseEvent(line); err == nil && !followed[ChainHash(line)] {
			tips = append(tips, ChainHash(line))
		}
	}
	if len(tips) == 0 || last.Actor == "" {
		return nil
	}
	j, _ := json.Marshal(Event{
		Time: last.Time.UTC(), Actor: last.Actor, Action: ActionJoin, Outcome: OutcomeOK,
		Detail: joinPrefix + strings.Join(tips, " "), Prev: ChainHash(lines[len(lines)-1]),
	})
	return j
}
