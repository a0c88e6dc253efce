package store

import (
	"errors"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
)

// TestReadManyIsAllOrNothing: a job's reads are one line; one value that
// cannot be read fails them all, as a line of its own.
func TestReadManyIsAllOrNothing(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	mustSet(t, s, "prod/a/one", []byte("value-one-xyz"), day("alice", 1))
	mustSet(t, s, "prod/a/two", []byte("value-two-xyz"), day("alice", 1))
	values, err := s.ReadMany(inventory.ActionRun, "job", []ReadRequest{{Path: "prod/a/one"}, {Path: "prod/a/two"}}, alice.ID, day("alice", 2))
	if err != nil || string(values[0]) != "value-one-xyz" || string(values[1]) != "value-two-xyz" {
		t.Fatalf("%q, %v", values, err)
	}
	_, events := readAudit(t, s, "alice")
	if last := events[len(events)-1]; last.Action != "run" || last.Detail != "job: prod/a/one#1 prod/a/two#1" || last.Path != "" {
		t.Errorf("the run's line: %+v", last)
	}
	if _, err := s.ReadMany(inventory.ActionRun, "job", []ReadRequest{{Path: "prod/a/one"}, {Path: "prod/a/none"}}, alice.ID, day("alice", 3)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a missing value: %v", err)
	}
	_, events = readAudit(t, s, "alice")
	if last := events[len(events)-1]; last.Outcome != "failed" || last.Path != "prod/a/none" {
		t.Errorf("the failed run's line: %+v", last)
	}
}

// TestReadEachKeepsWhatItCanRead: a scan reads what it can; what it cannot
// is an error and a line of its own.
func TestReadEachKeepsWhatItCanRead(t *testing.T) {
	alice, bob := newMember(t, "alice"), newMember(t, "bob")
	s := newStore(t, alice)
	mustSet(t, s, "prod/a/one", []byte("value-one-xyz"), day("alice", 1))
	values, errs, err := s.ReadEach(inventory.ActionScan, "scan", []ReadRequest{{Path: "prod/a/one"}, {Path: "prod/a/none"}}, alice.ID, day("alice", 2))
	if err != nil || string(values[0]) != "value-one-xyz" || errs[0] != nil || !errors.Is(errs[1], ErrNotFound) {
		t.Fatalf("%q, %v, %v", values, errs, err)
	}
	_, events := readAudit(t, s, "alice")
	tail := events[len(events)-2:]
	if tail[0].Outcome != "failed" || tail[1].Action != "scan" || tail[1].Detail != "scan: 1 value of 1 secret" {
		t.Errorf("the scan's lines: %+v", tail)
	}
	// Bob is no member: his reads are refused, each its own line.
	_, errs, _ = s.ReadEach(inventory.ActionScan, "scan", []ReadRequest{{Path: "prod/a/one"}}, bob.ID, day("bob", 3))
	if errs[0] == nil || !strings.Contains(errs[0].Error(), "prod/a/one") {
		t.Errorf("bob's read: %v", errs[0])
	}
}
