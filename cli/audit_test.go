package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// auditedStore is alice's store after a few days of work, one command a
// day: 7 events, the last at fixedNow.
func auditedStore(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.now = fixedNow.Add(-6 * 24 * time.Hour)
	e.setup() // day 0: member-add alice
	for _, cmd := range [][]string{
		{"set", "prod/db/password", "--owner", "data", "--every", "90d", "--generate"},
		{"get", "prod/db/password"},
		{"set", "dev/app/token", "--owner", "web", "--generate"},
		{"edit", "prod/db/password", "--description", "warehouse"},
		{"get", "dev/app/token"},
		{"rm", "--yes", "dev/app/token"},
	} {
		e.now = e.now.Add(24 * time.Hour)
		e.must("", cmd...)
	}
	return e
}

func TestAuditListsNewestFirst(t *testing.T) {
	e := auditedStore(t)
	r := e.must("", "audit")
	rows := strings.Split(strings.TrimSpace(r.out), "\n")
	if len(rows) != 8 || !strings.HasPrefix(rows[0], "WHEN") {
		t.Fatalf("audit printed:\n%s", r.out)
	}
	var actions []string
	for _, row := range rows[1:] {
		actions = append(actions, strings.Fields(row)[3])
	}
	if want := []string{"remove", "read", "edit", "set", "read", "set", "member-add"}; !slices.Equal(actions, want) {
		t.Errorf("actions %v, want %v, newest first:\n%s", actions, want, r.out)
	}
	if !strings.HasPrefix(rows[1], "2026-11-23 12:00  alice   remove      dev/app/token") {
		t.Errorf("the newest row: %q", rows[1])
	}

	// One JSON object per line, as in the log.
	r = e.must("", "audit", "--json")
	var events []inventory.Event
	for _, line := range strings.Split(strings.TrimSpace(r.out), "\n") {
		var ev inventory.Event
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		events = append(events, ev)
	}
	if len(events) != 7 || events[0].Action != "remove" || !events[0].Time.Equal(fixedNow) || events[6].Action != "member-add" {
		t.Errorf("--json gave %+v", events)
	}
}

func TestAuditFilters(t *testing.T) {
	e := auditedStore(t)
	count := func(args ...string) int {
		t.Helper()
		r := e.must("", append([]string{"audit", "--json"}, args...)...)
		return strings.Count(r.out, "\n")
	}
	for _, tc := range []struct {
		args []string
		want int
	}{
		{nil, 7},
		{[]string{"--path", "prod/db"}, 3},
		{[]string{"--path", "prod/db/password"}, 3},
		{[]string{"--path", "prod/d"}, 0}, // a prefix of segments, not of letters
		{[]string{"--path", "dev/"}, 3},
		{[]string{"--member", "alice"}, 7},
		{[]string{"--member", "bob"}, 0},
		{[]string{"--action", "access"}, 2},
		{[]string{"--action", "set,edit"}, 3},
		{[]string{"--action", "set", "--action", "remove"}, 3},
		{[]string{"--action", "rotate"}, 0},
		{[]string{"--since", "2d"}, 3},                                  // days 4, 5, 6
		{[]string{"--until", "2d"}, 4},                                  // days 0 to 3
		{[]string{"--since", "2026-11-21", "--until", "2026-11-22"}, 2}, // both days whole
		{[]string{"--since", "2026-11-22T12:00:00Z", "--path", "dev", "--action", "access"}, 1},
	} {
		if got := count(tc.args...); got != tc.want {
			t.Errorf("audit %s: %d events, want %d", strings.Join(tc.args, " "), got, tc.want)
		}
	}
	for _, bad := range [][]string{{"--since", "yesterday"}, {"--until", "3x"}, {"--action", "reads"}, {"stray"}} {
		r := e.run("", append([]string{"audit"}, bad...)...)
		if r.code != ExitUsage || strings.Count(r.err, "\n") != 1 {
			t.Errorf("audit %s: exit %d, stderr %q", strings.Join(bad, " "), r.code, r.err)
		}
	}
	if r := e.run("", "audit", "--since", "yesterday"); !strings.Contains(r.err, "30d") {
		t.Errorf("a bad --since does not say what to give: %q", r.err)
	}
}

// TestAuditEscapesWhatTheLogSays: a log is a file anyone who can push may
// have written; its text reaches the terminal escaped.
func TestAuditEscapesWhatTheLogSays(t *testing.T) {
	e := auditedStore(t)
	name := filepath.Join(e.store(), "audit", "alice.jsonl")
	data, _ := os.ReadFile(name)
	lines := inventory.LogLines(data)
	line, _ := json.Marshal(inventory.Event{Time: fixedNow, Actor: "alice", Action: "edit", Path: "prod/db/password",
		Outcome: "ok", Detail: "\x1b]52;c;aGk=\x07\x1b[2Jgone", Prev: inventory.ChainHash(lines[len(lines)-1])})
	if err := os.WriteFile(name, append(data, append(line, '\n')...), 0o600); err != nil {
		t.Fatal(err)
	}
	r := e.must("", "audit")
	if strings.ContainsRune(r.out, 0x1b) || strings.ContainsRune(r.out, 0x07) || !strings.Contains(r.out, "gone") {
		t.Errorf("a control sequence from the log reached the terminal:\n%q", r.out)
	}
}

func TestAuditVerifyNamesFileAndLine(t *testing.T) {
	e := auditedStore(t)
	name := filepath.Join(e.store(), "audit", "alice.jsonl")
	orig, _ := os.ReadFile(name)
	if r := e.must("", "audit", "verify"); !strings.Contains(r.out, "ok       audit/alice.jsonl: 7 lines") {
		t.Fatalf("audit verify of an untouched store:\n%s", r.out)
	}
	lines := inventory.LogLines(orig)
	join := func(ls [][]byte) string { return string(bytes.Join(ls, []byte("\n"))) + "\n" }
	for _, tc := range []struct {
		name, log, says string
	}{
		{"cut", join(slices.Delete(slices.Clone(lines), 3, 4)), "audit/alice.jsonl line 3: no line follows it"},
		{"edit", join(slices.Replace(slices.Clone(lines), 1, 2, bytes.Replace(lines[1], []byte("prod/db/password"), []byte("prod/db/passwd"), 1))), "audit/alice.jsonl line 2: no line follows it: it was edited"},
		{"reorder", join(slices.Concat(lines[:2], [][]byte{lines[3], lines[2]}, lines[4:])), "audit/alice.jsonl line 3: it follows line 4, which comes after it: lines were reordered"},
		{"insert", join(slices.Insert(slices.Clone(lines), 2, slices.Clone(lines[1]))), "audit/alice.jsonl line 2: no line follows it"},
		{"truncate", join(lines[:5]), "audit/alice.jsonl line 6: cut short or rewritten: its line of 2026-11-23 12:00:00 (remove dev/app/token), which this clone wrote, is gone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(name, []byte(tc.log), 0o600); err != nil {
				t.Fatal(err)
			}
			defer os.WriteFile(name, orig, 0o600)
			r := e.run("", "audit", "verify")
			if r.code != ExitCorrupt || !strings.Contains(r.err, tc.says) || strings.Count(r.err, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want 5 and %q", r.code, r.err, tc.says)
			}
			if !strings.Contains(r.out, "TAMPERED audit/alice.jsonl") {
				t.Errorf("the report does not flag the file:\n%s", r.out)
			}
		})
	}

	// A torn last line: reported, exit 0.
	if err := os.WriteFile(name, append(slices.Clone(orig), `{"time":"2026-11-23T12:30:00Z","act`...), 0o600); err != nil {
		t.Fatal(err)
	}
	r := e.run("", "audit", "verify")
	if r.code != ExitOK || !strings.Contains(r.out, "line 8: cut short by a crash while it was written (not tampering)") {
		t.Errorf("a torn line: exit %d\n%s%s", r.code, r.out, r.err)
	}
	// doctor says so too.
	os.WriteFile(name, []byte(join(slices.Delete(slices.Clone(lines), 3, 4))), 0o600)
	if r := e.run("", "doctor"); r.code != ExitFailed || !strings.Contains(r.out, "FAIL  the audit log was tampered with: audit/alice.jsonl line 3") {
		t.Errorf("doctor on a cut log: exit %d\n%s", r.code, r.out)
	}
	os.WriteFile(name, orig, 0o600)
	if r := e.run("", "doctor"); !strings.Contains(r.out, "ok    audit log: 7 lines of 1 member verified") {
		t.Errorf("doctor on a whole log:\n%s", r.out)
	}
	// The listing warns of a log that does not verify, and still lists.
	os.WriteFile(name, []byte(join(slices.Delete(slices.Clone(lines), 3, 4))), 0o600)
	r = e.must("", "audit")
	if !strings.Contains(r.err, "warning: audit/alice.jsonl does not verify (line 3") || strings.Count(r.out, "\n") != 7 {
		t.Errorf("audit of a broken log: stderr %q\n%s", r.err, r.out)
	}
}
