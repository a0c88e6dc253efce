package store

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
)

// storeWithHistory is alice's store after a week of work: sets, reads,
// edits, a removal: 8 lines in audit/alice.jsonl.
func storeWithHistory(t *testing.T, s *Store, alice member) {
	t.Helper()
	mustSet(t, s, "prod/db/password", []byte(canary(t)), day("alice", 1))
	mustRead(t, s, "prod/db/password", inventory.Selector{}, alice)
	mustSet(t, s, "prod/db/password", []byte(canary(t)), day("alice", 2))
	mustSet(t, s, "dev/x/y", []byte(canary(t)), day("alice", 3))
	if _, err := s.Edit("prod/db/password", day("alice", 4), func(sec *inventory.Secret) error { sec.Description = "d"; return nil }); err != nil {
		t.Fatal(err)
	}
	mustRead(t, s, "dev/x/y", inventory.Selector{}, alice)
	if err := s.Remove("dev/x/y", day("alice", 6)); err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, "prod/db/token", []byte(canary(t)), day("alice", 7))
}

func verified(t *testing.T, s *Store) *Verification {
	t.Helper()
	v, err := s.VerifyAudit()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// firstTampering is the first tampering found in a log, or nil.
func firstTampering(v *Verification) (string, *inventory.LogProblem) {
	for _, l := range v.Logs {
		for i, p := range l.Problems {
			if p.Kind == inventory.ProblemTampered {
				return l.Name, &l.Problems[i]
			}
		}
	}
	return "", nil
}

// TestVerifyAuditTampering: each way of changing a log other than by
// appending to it is found, at its line, in a store cabinet wrote.
func TestVerifyAuditTampering(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	storeWithHistory(t, s, alice)
	name := filepath.Join(s.Dir, "audit", "alice.jsonl")
	orig, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if v := verified(t, s); v.Tampered() || len(v.Logs) != 1 || v.Logs[0].Lines != 8 || len(v.Logs[0].Problems) != 0 {
		t.Fatalf("the log as cabinet wrote it: %+v", v.Logs)
	}
	lines := inventory.LogLines(orig)
	join := func(ls [][]byte) []byte { return append(bytes.Join(ls, []byte("\n")), '\n') }
	for _, tc := range []struct {
		name string
		log  []byte
		line int
		says string
	}{
		{"cut", join(slices.Delete(slices.Clone(lines), 4, 5)), 4, "no line follows it"},
		{"edit", join(slices.Replace(slices.Clone(lines), 2, 3, bytes.Replace(lines[2], []byte(`"outcome":"ok"`), []byte(`"outcome":"failed"`), 1))), 3, "edited"},
		{"reorder", join(slices.Concat(lines[:3], [][]byte{lines[4], lines[3]}, lines[5:])), 4, "lines were reordered"},
		{"insert", join(slices.Insert(slices.Clone(lines), 6, forgedAfter(t, lines[5]))), 7, "slipped in"},
		// The last two lines (a removal and a set) cut off: the chain
		// holds, the anchor is gone.
		{"truncate", join(lines[:6]), 7, "cut short or rewritten"},
		// The last line rewritten to another secret: as much a truncation.
		{"last line rewritten", join(slices.Replace(slices.Clone(lines), 7, 8, bytes.Replace(lines[7], []byte("prod/db/token"), []byte("prod/db/other"), 1))), 9, "cut short or rewritten"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(name, tc.log, 0o600); err != nil {
				t.Fatal(err)
			}
			defer os.WriteFile(name, orig, 0o600)
			v := verified(t, s)
			file, p := firstTampering(v)
			if !v.Tampered() || p == nil {
				t.Fatalf("not found: %+v", v.Logs)
			}
			if file != "audit/alice.jsonl" || p.Line != tc.line || !strings.Contains(p.What, tc.says) {
				t.Errorf("found %s line %d: %s; want line %d saying %q", file, p.Line, p.What, tc.line, tc.says)
			}
		})
	}
}

// forgedAfter is a read line chained to prev, as someone who knows the
// format would slip in.
func forgedAfter(t *testing.T, prev []byte) []byte {
	t.Helper()
	return []byte(`{"time":"2026-03-06T12:00:00Z","actor":"alice","action":"read","path":"prod/db/password","version":2,"outcome":"ok","prev":"` + inventory.ChainHash(prev) + `"}`)
}

// TestVerifyAuditTornLine: a crash while a line was written leaves it cut
// short; that is reported, and is no tampering. Nor is a read line lost
// after the last change, which a crash may also do.
func TestVerifyAuditTornLine(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	storeWithHistory(t, s, alice)
	mustRead(t, s, "prod/db/token", inventory.Selector{}, alice)
	name := filepath.Join(s.Dir, "audit", "alice.jsonl")
	data, _ := os.ReadFile(name)
	lines := inventory.LogLines(data)
	// The read's line lost, and the next one torn.
	torn := append(bytes.Join(lines[:len(lines)-1], []byte("\n")), []byte("\n"+`{"time":"2026-03-09T09:00:00Z","actor":"ali`)...)
	if err := os.WriteFile(name, torn, 0o600); err != nil {
		t.Fatal(err)
	}
	v := verified(t, s)
	if v.Tampered() {
		t.Fatalf("a torn line taken for tampering: %+v", v.Logs)
	}
	if p := v.Logs[0].Problems; len(p) != 1 || p[0].Kind != inventory.ProblemTorn || p[0].Line != 9 {
		t.Errorf("problems = %+v, want the torn line 9", p)
	}
	// The next write chains to the torn line; the log still verifies.
	mustRead(t, s, "prod/db/token", inventory.Selector{}, alice)
	if v := verified(t, s); v.Tampered() {
		t.Errorf("after the next write: %+v", v.Logs)
	}
}

// TestVerifyAuditGitHistory: in a Git store, a change committed behind
// cabinet's back is named by its commit, as is a commit that rewrote a
// log, and a line committed in HEAD then removed from the work tree.
func TestVerifyAuditGitHistory(t *testing.T) {
	alice := newMember(t, "alice")
	s := newGitStore(t, alice)
	storeWithHistory(t, s, alice)
	if v := verified(t, s); !v.Git || v.Tampered() {
		t.Fatalf("a Git store as cabinet wrote it: git %v, %+v %+v", v.Git, v.Logs, v.Commits)
	}
	secret := filepath.Join(s.Dir, "secrets", "prod", "db", "password.yaml")
	data, _ := os.ReadFile(secret)
	if err := os.WriteFile(secret, bytes.Replace(data, []byte("description: d"), []byte("description: e"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	git(t, s.Dir, "commit", "-q", "-am", "a quiet fix")
	v := verified(t, s)
	if len(v.Commits) != 1 || !strings.Contains(v.Commits[0].What, "changed secrets/prod/db/password.yaml with no audit event") ||
		v.Commits[0].Subject != "a quiet fix" || len(v.Commits[0].Commit) != 12 {
		t.Fatalf("commits = %+v", v.Commits)
	}

	// A commit that removes a line of a log, then rebuilds the chain's
	// end so that the file alone looks whole.
	log := filepath.Join(s.Dir, "audit", "alice.jsonl")
	data, _ = os.ReadFile(log)
	lines := inventory.LogLines(data)
	if err := os.WriteFile(log, append(bytes.Join(lines[:len(lines)-1], []byte("\n")), '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	git(t, s.Dir, "commit", "-q", "-am", "tidy the log")
	v = verified(t, s)
	found := false
	for _, c := range v.Commits {
		found = found || c.Subject == "tidy the log" && strings.Contains(c.What, "removed or changed line 8 of audit/alice.jsonl")
	}
	if !found {
		t.Errorf("the commit that cut the log is not named: %+v", v.Commits)
	}

	// A line committed in HEAD, removed from the work tree.
	if err := os.WriteFile(log, append(bytes.Join(lines[:5], []byte("\n")), '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	v = verified(t, s)
	if !slices.ContainsFunc(v.Logs[0].Problems, func(p inventory.LogProblem) bool {
		return p.Line == 6 && strings.Contains(p.What, "2 lines committed in HEAD, removed or changed since")
	}) {
		t.Errorf("a committed line removed: %+v", v.Logs)
	}
}
