package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// readAudit returns the lines of audit/<actor>.jsonl and checks the chain:
// each line's prev is the SHA-256 of the line before, the first one's "".
func readAudit(t *testing.T, s *Store, actor string) ([][]byte, []inventory.Event) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(s.Dir, "audit", actor+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		t.Errorf("audit/%s.jsonl does not end in a newline", actor)
	}
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	events := make([]inventory.Event, len(lines))
	for i, line := range lines {
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&events[i]); err != nil {
			t.Fatalf("audit/%s.jsonl line %d is not an event: %v: %s", actor, i+1, err, line)
		}
		want := ""
		if i > 0 {
			want = inventory.ChainHash(lines[i-1])
		}
		if events[i].Prev != want {
			t.Errorf("audit/%s.jsonl line %d: prev %q, want %q", actor, i+1, events[i].Prev, want)
		}
	}
	return lines, events
}

func TestAuditOps(t *testing.T) {
	alice, bob := newMember(t, "alice"), newMember(t, "bob")
	s := newStore(t, alice)
	value := canary(t)
	const path = "prod/db/password"

	type step struct {
		run   func()
		event inventory.Event // Time, Actor and Prev are checked apart
	}
	steps := []step{
		{func() { mustSet(t, s, path, []byte(value), day("alice", 1)) },
			inventory.Event{Action: "set", Path: path, Version: 1, Outcome: "ok"}},
		{func() { mustSet(t, s, path, []byte(value+"-2"), day("alice", 2)) },
			inventory.Event{Action: "set", Path: path, Version: 2, Outcome: "ok"}},
		{func() {
			if _, _, err := s.Read(path, inventory.Selector{Number: 1}, alice.ID, day("alice", 3)); err != nil {
				t.Fatal(err)
			}
		}, inventory.Event{Action: "read", Path: path, Version: 1, Outcome: "ok"}},
		{func() {
			if _, err := s.Edit(path, day("alice", 4), func(sec *inventory.Secret) error { sec.Description = "d"; return nil }); err != nil {
				t.Fatal(err)
			}
		}, inventory.Event{Action: "edit", Path: path, Outcome: "ok"}},
		{func() {
			if _, _, err := s.Read(path, inventory.Selector{}, bob.ID, day("alice", 5)); err == nil {
				t.Fatal("read with the wrong identity succeeded")
			}
		}, inventory.Event{Action: "read", Path: path, Version: 2, Outcome: "denied"}},
		{func() { mustSet(t, s, "dev/x/y", []byte(value), day("alice", 6)) },
			inventory.Event{Action: "set", Path: "dev/x/y", Version: 1, Outcome: "ok"}},
		{func() {
			if err := s.Remove("dev/x/y", day("alice", 7)); err != nil {
				t.Fatal(err)
			}
		}, inventory.Event{Action: "remove", Path: "dev/x/y", Outcome: "ok"}},
	}
	for i, st := range steps {
		st.run()
		lines, events := readAudit(t, s, "alice")
		if len(lines) != i+1 {
			t.Fatalf("after step %d: %d audit lines, want %d", i+1, len(lines), i+1)
		}
		got := events[i]
		if !got.Time.Equal(day("", i+1).Now) || got.Time.Location() != time.UTC || got.Actor != "alice" {
			t.Errorf("line %d: time %v actor %q", i+1, got.Time, got.Actor)
		}
		got.Time, got.Actor, got.Prev = time.Time{}, "", ""
		if got.Detail != "" && got.Outcome != "ok" {
			got.Detail = "" // the reason of a failure
		}
		if !reflect.DeepEqual(got, st.event) {
			t.Errorf("line %d = %+v, want %+v", i+1, got, st.event)
		}
		// The line holds the fields of DESIGN.md.
		var raw map[string]any
		if err := json.Unmarshal(lines[i], &raw); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"time", "actor", "action", "path", "outcome", "prev"} {
			if _, ok := raw[key]; !ok {
				t.Errorf("line %d has no %q: %s", i+1, key, lines[i])
			}
		}
		if st.event.Version != 0 && raw["version"] != float64(st.event.Version) {
			t.Errorf("line %d: version %v, want %d", i+1, raw["version"], st.event.Version)
		}
	}

	// Membership changes: the change, then the re-encryption it caused.
	addMember(t, s, bob, alice)
	if _, err := s.SetScope("prod/", []string{"alice", "bob"}, alice.ID, day("alice", 8)); err != nil {
		t.Fatal(err)
	}
	_, events := readAudit(t, s, "alice")
	var tail []string
	for _, e := range events[len(steps):] {
		tail = append(tail, e.Action+" "+e.Outcome+" "+e.Detail)
	}
	if want := []string{"member-add ok bob", "scope-set ok prod/", "reencrypt ok started", "reencrypt ok 1 secret"}; !reflect.DeepEqual(tail, want) {
		t.Errorf("membership lines %q, want %q", tail, want)
	}
	// Bob's reads go to his own file.
	if _, _, err := s.Read(path, inventory.Selector{}, bob.ID, day("bob", 9)); err != nil {
		t.Fatal(err)
	}
	if _, events := readAudit(t, s, "bob"); len(events) != 1 || events[0].Actor != "bob" || events[0].Outcome != "ok" {
		t.Errorf("bob's audit = %+v", events)
	}
	assertNowhere(t, filepath.Join(s.Dir, "audit"), value)
	files, err := s.AuditFiles()
	if err != nil || !reflect.DeepEqual(files, []string{"audit/alice.jsonl", "audit/bob.jsonl"}) {
		t.Errorf("AuditFiles() = %v, %v", files, err)
	}
}

// TestAuditConcurrent appends from 8 goroutines at once, half of them
// through their own handle on the store, as separate processes would: the
// lines must not interleave and the chain must hold.
func TestAuditConcurrent(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	const writers, each = 8, 40
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		h := s
		if w%2 == 1 {
			var err error
			if h, err = Open(s.Dir); err != nil {
				t.Fatal(err)
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				errs <- h.Audit(inventory.Event{Time: t0, Actor: "alice", Action: "read",
					Path: fmt.Sprintf("prod/w%d/s%03d", w, i), Version: i + 1, Outcome: "ok",
					Detail: string(bytes.Repeat([]byte{'a' + byte(w)}, 2000))}) // long lines tear if writes interleave
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	_, events := readAudit(t, s, "alice")
	if len(events) != writers*each {
		t.Fatalf("%d lines, want %d", len(events), writers*each)
	}
	seen := map[string]bool{}
	for _, e := range events {
		if seen[e.Path] {
			t.Errorf("%s appears twice", e.Path)
		}
		seen[e.Path] = true
	}
}

// TestAuditTornLine: a line cut short by a crash stays a line of its own,
// and the next line chains to it, so that verification flags it.
func TestAuditTornLine(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	ev := inventory.Event{Time: t0, Actor: "alice", Action: "read", Path: "prod/a/b", Outcome: "ok"}
	if err := s.Audit(ev); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(s.Dir, "audit", "alice.jsonl")
	f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	torn := []byte(`{"time":"2026-03-02T09:00:00Z","actor":"al`)
	f.Write(torn)
	f.Close()
	if err := s.Audit(ev); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(name)
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	if len(lines) != 3 || !bytes.Equal(lines[1], torn) {
		t.Fatalf("lines = %q", lines)
	}
	var last inventory.Event
	if err := json.Unmarshal(lines[2], &last); err != nil || last.Prev != inventory.ChainHash(torn) {
		t.Errorf("the line after a torn one: %+v, %v", last, err)
	}
}

// TestAuditFileName keeps an actor's name from choosing the file.
func TestAuditFileName(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	for _, actor := range []string{"../../etc/passwd", "Alice", ""} {
		if err := s.Audit(inventory.Event{Time: t0, Actor: actor, Action: "read", Outcome: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(s.Dir, "audit"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !reflect.DeepEqual(names, []string{".keep", "unknown.jsonl"}) {
		t.Errorf("audit/ holds %v", names)
	}
	if lines, _ := readAudit(t, s, "unknown"); len(lines) != 3 {
		t.Errorf("%d lines", len(lines))
	}
}

// TestAuditLongLines chains lines longer than the 64 KiB chunk the tail of
// the log is read in.
func TestAuditLongLines(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	for _, n := range []int{10, 70 << 10, 3, 64<<10 - 100, 200 << 10, 1} {
		ev := inventory.Event{Time: t0, Actor: "alice", Action: "read", Outcome: "ok", Detail: string(bytes.Repeat([]byte("d"), n))}
		if err := s.Audit(ev); err != nil {
			t.Fatal(err)
		}
	}
	if lines, _ := readAudit(t, s, "alice"); len(lines) != 6 {
		t.Errorf("%d lines, want 6", len(lines))
	}
}
