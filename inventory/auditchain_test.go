package inventory_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
)

// aliceLog is a log of n events of alice, chained as cabinet writes them.
func aliceLog(n int) []string {
	var ls []string
	for i := range n {
		ls = append(ls, fmt.Sprintf(`{"time":"2026-05-01T09:00:%02d.%09dZ","actor":"alice","action":"read","path":"prod/db/password","version":%d,"outcome":"ok","prev":""}`, i, i, i+1))
	}
	return chained("", ls...)
}

// appended chains more events to log, as a later write does.
func appended(log []string, actions ...string) []string {
	var ls []string
	for i, a := range actions {
		ls = append(ls, fmt.Sprintf(`{"time":"2026-05-01T10:00:%02dZ","actor":"alice","action":%q,"path":"prod/db/password","version":0,"outcome":"ok","prev":""}`, i, a))
	}
	return append(slices.Clone(log), chained(log[len(log)-1], ls...)...)
}

func TestCheckLogTampering(t *testing.T) {
	t.Parallel()
	log := aliceLog(8)
	forged := strings.Replace(log[3], `"version":4`, `"version":9`, 1)
	for _, tc := range []struct {
		name string
		data string
		line int    // the first line named
		says string // in what it says of it
	}{
		{"a line cut", string(lines(slices.Delete(slices.Clone(log), 4, 5)...)), 4, "no line follows it"},
		{"the first line cut", string(lines(log[1:]...)), 1, "the lines before it were removed"},
		{"a line edited", string(lines(slices.Replace(slices.Clone(log), 3, 4, forged)...)), 4, "edited"},
		{"two lines swapped", string(lines(log[0], log[1], log[3], log[2], log[4], log[5])), 3, "line 4, which comes after it: lines were reordered"},
		{"a line slipped in", string(lines(slices.Insert(slices.Clone(log), 5, chained(log[4], `{"time":"2026-05-01T09:00:04.5Z","actor":"alice","action":"read","path":"prod/x/y","version":1,"outcome":"ok","prev":""}`)[0])...)), 6, "slipped in"},
		{"another member's line", string(lines(append(slices.Clone(log), chained(log[7], `{"time":"2026-05-01T10:00:00Z","actor":"bob","action":"read","path":"p/q","version":1,"outcome":"ok","prev":""}`)[0])...)), 9, `an event of "bob" in the log of "alice"`},
		{"a line that is no event", string(lines(slices.Replace(slices.Clone(log), 2, 3, `{"hello":1}`)...)), 3, "not an audit event"},
		{"an empty line", string(lines(slices.Insert(slices.Clone(log), 2, "")...)), 3, "not an audit event"},
		{"a join of nothing before it", string(lines(appended(log, "join")...)), 9, "a join that names no line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, check := inventory.CheckLog("alice", []byte(tc.data))
			if !check.Tampered() {
				t.Fatalf("not found tampered: %+v", check)
			}
			p := check.Problems[0]
			if p.Line != tc.line || p.Kind != inventory.ProblemTampered || !strings.Contains(p.What, tc.says) {
				t.Errorf("first problem %+v, want line %d saying %q (all: %+v)", p, tc.line, tc.says, check.Problems)
			}
		})
	}
}

func TestCheckLogSound(t *testing.T) {
	t.Parallel()
	log := appended(aliceLog(5), "set", "edit", "read")
	events, check := inventory.CheckLog("alice", lines(log...))
	if len(check.Problems) != 0 || check.Lines != 8 || len(events) != 8 {
		t.Fatalf("a log as cabinet writes it: %d events, %+v", len(events), check)
	}
	if events[5].Action != "set" || events[7].Action != "read" {
		t.Errorf("events out of the file's order: %+v", events)
	}
	if _, check := inventory.CheckLog("alice", nil); check.Lines != 0 || len(check.Problems) != 0 {
		t.Errorf("an empty log: %+v", check)
	}
}

func TestCheckLogTornLine(t *testing.T) {
	t.Parallel()
	log := aliceLog(4)
	// A crash while the last line was written: no newline, cut short.
	data := string(lines(log...)) + log[0][:40]
	events, check := inventory.CheckLog("alice", []byte(data))
	if check.Tampered() || len(check.Problems) != 1 || check.Problems[0].Kind != inventory.ProblemTorn || check.Problems[0].Line != 5 {
		t.Fatalf("a torn last line: %+v", check)
	}
	if len(events) != 4 {
		t.Errorf("%d events read, want the 4 whole lines", len(events))
	}
	// The next write starts a new line, which follows the torn one.
	torn := log[0][:40]
	after := chained(torn, `{"time":"2026-05-01T11:00:00Z","actor":"alice","action":"set","path":"prod/db/password","version":2,"outcome":"ok","prev":""}`)
	data = string(lines(append(append(slices.Clone(log), torn), after...)...))
	if _, check := inventory.CheckLog("alice", []byte(data)); check.Tampered() || len(check.Problems) != 1 || check.Problems[0].Kind != inventory.ProblemTorn {
		t.Fatalf("a torn line followed by the next write: %+v", check)
	}
	// A damaged line that nothing follows, in the middle, is no crash.
	data = string(lines(slices.Insert(slices.Clone(log), 2, torn)...))
	if _, check := inventory.CheckLog("alice", []byte(data)); !check.Tampered() {
		t.Fatalf("a cut line in the middle: %+v", check)
	}
}

func FuzzCheckLog(f *testing.F) {
	log := aliceLog(3)
	f.Add([]byte(lines(log...)))
	f.Add([]byte(lines(log[1:]...)))
	f.Add([]byte(`{"time":"20`))
	f.Fuzz(func(t *testing.T, data []byte) {
		events, check := inventory.CheckLog("alice", data)
		if len(events) > check.Lines {
			t.Fatalf("%d events from %d lines", len(events), check.Lines)
		}
		for _, p := range check.Problems {
			if p.Line < 1 || p.Line > check.Lines {
				t.Fatalf("a problem at line %d of %d", p.Line, check.Lines)
			}
		}
		// A sound log stays sound when cabinet appends to it.
		if len(check.Problems) == 0 && len(events) > 0 && data[len(data)-1] == '\n' {
			ls := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			more := appended(ls, "set")
			if _, again := inventory.CheckLog("alice", lines(more...)); len(again.Problems) != 0 {
				t.Fatalf("a line appended to a sound log: %+v", again.Problems)
			}
		}
	})
}
