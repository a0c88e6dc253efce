package demo

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
	"go.yaml.in/yaml/v3"
)

var seedTestNow = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

func TestDemoSeed(t *testing.T) {
	dir := t.TempDir()
	start := time.Now()
	seeded, id, err := Seed(dir, seedTestNow)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded in %v", time.Since(start))
	if seeded.Dir != dir {
		t.Errorf("store dir %q, want %q", seeded.Dir, dir)
	}
	if id.Source != demoIdentitySource {
		t.Errorf("identity source %q", id.Source)
	}

	s, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	secrets, bad, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Fatalf("bad files: %v", bad)
	}
	if n := len(secrets); n < 35 || n > 45 {
		t.Errorf("%d secrets, want 35 to 45", n)
	}

	// Members and scopes.
	if got := s.Recipients.MemberNames(); !slices.Equal(got, []string{"alice", "bob", "carol", "etl-prod"}) {
		t.Errorf("members %v", got)
	}
	wantScopes := map[string][]string{"*": {"alice"}, "prod/": {"alice", "etl-prod"}, "stg/": {"alice", "bob"}, "dev/": {"alice", "bob", "carol"}}
	if len(s.Recipients.Scopes) != len(wantScopes) {
		t.Errorf("scopes %v, want %v", s.Recipients.Scopes, wantScopes)
	}
	for scope, want := range wantScopes {
		if got := slices.Sorted(slices.Values(s.Recipients.Scopes[scope])); !slices.Equal(got, want) {
			t.Errorf("scope %s: %v, want %v", scope, got, want)
		}
	}

	// Statuses, owners, runbooks, versions.
	statuses := map[inventory.Status][]string{}
	owners := map[string]bool{}
	runbooks := map[string]bool{}
	for i := range secrets {
		sec := &secrets[i]
		st := inventory.StatusAt(sec, seedTestNow, s.Config.Warning)
		statuses[st] = append(statuses[st], sec.Path)
		owners[sec.Owner] = true
		if sec.Rotation.Runbook != "" {
			runbooks[sec.Rotation.Runbook] = true
		}
		if sec.Description == "" || len(sec.Tags) == 0 {
			t.Errorf("%s: no description or tags", sec.Path)
		}
		if st != inventory.StatusNoValue && (len(sec.Versions) < 1 || len(sec.Versions) > 4) {
			t.Errorf("%s: %d versions", sec.Path, len(sec.Versions))
		}
		for _, v := range sec.Versions {
			if !v.Created.Before(seedTestNow) {
				t.Errorf("%s version %d created %v, not in the past", sec.Path, v.Number, v.Created)
			}
		}
	}
	t.Logf("statuses: %v", statuses)
	atLeast := map[inventory.Status]int{
		inventory.StatusOverdue: 3, inventory.StatusDue: 3, inventory.StatusOK: 15, inventory.StatusNoPolicy: 2,
		inventory.StatusNoValue: 1, inventory.StatusRotating: 1, inventory.StatusExposed: 1,
	}
	for st, n := range atLeast {
		if len(statuses[st]) < n {
			t.Errorf("%d secrets %s, want at least %d", len(statuses[st]), st, n)
		}
	}
	if want := []string{"stg/kafka/sasl-password", "stg/kafka/schema-registry-token"}; !slices.Equal(statuses[inventory.StatusExposed], want) {
		t.Errorf("exposed: %v, want %v", statuses[inventory.StatusExposed], want)
	}
	if len(owners) < 4 {
		t.Errorf("owners %v, want at least 4", owners)
	}
	if len(runbooks) < 2 {
		t.Errorf("runbooks referenced: %v, want at least 2", runbooks)
	}
	for name := range runbooks {
		data, err := os.ReadFile(filepath.Join(dir, "runbooks", name+".yaml"))
		if err != nil {
			t.Errorf("runbook %s: %v", name, err)
			continue
		}
		var rb struct {
			Name  string           `yaml:"name"`
			Steps []map[string]any `yaml:"steps"`
		}
		if err := yaml.Unmarshal(data, &rb); err != nil || rb.Name != name || len(rb.Steps) == 0 {
			t.Errorf("runbook %s: name %q, %d steps, %v", name, rb.Name, len(rb.Steps), err)
		}
	}

	// Re-encryption has nothing left to do: the exposed secrets were
	// re-sealed when dave left, and the no-value one knows its readers.
	stale, bad, err := s.Stale()
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	if len(stale) != 0 {
		t.Errorf("stale: %v", stale)
	}

	// The audit log runs forward in time, one file per actor.
	checkDemoAuditOrder(t, dir)

	// Every value decrypts with the returned identity; the pending one too.
	act := store.Act{Actor: "alice", Now: seedTestNow}
	for _, sec := range secrets {
		sel := inventory.Selector{}
		switch inventory.StatusAt(&sec, seedTestNow, s.Config.Warning) {
		case inventory.StatusNoValue:
			continue
		case inventory.StatusRotating:
			v, _, err := s.Read(sec.Path, inventory.Selector{State: inventory.Pending}, id, act)
			if err != nil || len(v) == 0 {
				t.Errorf("%s@pending: %v", sec.Path, err)
			}
		}
		v, _, err := s.Read(sec.Path, sel, id, act)
		if err != nil || len(v) == 0 {
			t.Errorf("%s: %v", sec.Path, err)
		}
	}
	pem, _, err := s.Read("prod/sftp/partner-ssh-key", inventory.Selector{}, id, act)
	if err != nil || !bytes.HasPrefix(pem, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\n")) || bytes.Count(pem, []byte("\n")) < 5 {
		t.Errorf("multi-line value: %v", err)
	}

	// The private key stayed in memory; every file is private.
	err = filepath.WalkDir(dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			if info.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s: mode %v", name, info.Mode().Perm())
			}
			return nil
		}
		if info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v", name, info.Mode().Perm())
		}
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte("AGE-SECRET-KEY")) {
			t.Errorf("%s holds a private key", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkDemoAuditOrder checks that each audit file's times never go backwards.
func checkDemoAuditOrder(t *testing.T, dir string) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "audit", "*.jsonl"))
	if err != nil || len(names) == 0 {
		t.Fatalf("audit files: %v %v", names, err)
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var last time.Time
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			var e inventory.Event
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if e.Time.Before(last) || !e.Time.Before(seedTestNow) {
				t.Errorf("%s: %s %s at %v after %v", filepath.Base(name), e.Action, e.Path, e.Time, last)
			}
			last = e.Time
		}
	}
}

// TestDemoSeedDeterministic checks that two demos seeded at the same time
// differ only in their keys and values: their audit logs are the same.
func TestDemoSeedDeterministic(t *testing.T) {
	describe := func() string {
		dir := t.TempDir()
		s, _, err := Seed(dir, seedTestNow)
		if err != nil {
			t.Fatal(err)
		}
		secrets, _, err := s.List()
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i := range secrets {
			sec := &secrets[i]
			sec.ReadersSum = "" // a digest of random keys
			b.WriteString(string(inventory.StatusAt(sec, seedTestNow, s.Config.Warning)))
			data, err := store.FormatSecret(sec)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(data)
		}
		// The audit log too, line for line: the same events at the same
		// times chain to the same hashes.
		names, err := filepath.Glob(filepath.Join(dir, "audit", "*.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			b.WriteString(filepath.Base(name) + "\n")
			b.Write(data)
		}
		return b.String()
	}
	if a, b := describe(), describe(); a != b {
		t.Errorf("two seeds differ:\n%s\n---\n%s", a, b)
	}
}

// The demo's audit history is worth looking at, and holds together: every
// log verifies; several members read over the past weeks, one of them
// since removed, and one was denied; a rotation failed and was rolled
// back; one waited for an approval by someone else before its promote.
func TestDemoAuditHistory(t *testing.T) {
	s, _, err := Seed(t.TempDir(), seedTestNow)
	if err != nil {
		t.Fatal(err)
	}
	logs, err := s.AuditLogs()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range logs {
		if len(l.Check.Problems) > 0 || l.Check.Lines != len(l.Events) {
			t.Errorf("%s: %d lines, %d events, problems %v", l.Name, l.Check.Lines, len(l.Events), l.Check.Problems)
		}
	}
	events := store.Picked(logs, inventory.Filter{})

	readers := map[string]bool{}
	for _, e := range store.Picked(logs, inventory.Filter{Actions: []string{"access"}, Since: seedTestNow.AddDate(0, 0, -30)}) {
		if e.Outcome == inventory.OutcomeOK {
			readers[e.Actor] = true
		}
	}
	if got := slices.Sorted(maps.Keys(readers)); !slices.Equal(got, []string{"alice", "bob", "carol", "dave", "etl-prod"}) {
		t.Errorf("read in the last 30 days: %v", got)
	}
	if _, member := s.Recipients.Members["dave"]; member {
		t.Error("dave is still a member")
	}
	if !slices.ContainsFunc(events, func(e inventory.Event) bool {
		return e.Actor == "carol" && e.Action == inventory.ActionRead && e.Outcome == inventory.OutcomeDenied
	}) {
		t.Error("no denied read")
	}
	checkFailedRotation(t, s, events, "prod/warehouse/dbt-password")
	checkApprovedRotation(t, events, "stg/partner/stripe-api-key")
}

// checkFailedRotation checks that the last rotation of path failed at a
// step, was rolled back, and left the current value as it was.
func checkFailedRotation(t *testing.T, s *store.Store, events []inventory.Event, path string) {
	t.Helper()
	var got []string // newest first
	for _, e := range events {
		if e.Path == path && strings.HasPrefix(e.Action, "rotate-") {
			got = append(got, e.Action+" "+e.Outcome)
		}
	}
	if len(got) < 3 || got[0] != "rotate-rollback ok" || !slices.Contains(got, "rotate-step failed") || got[len(got)-1] != "rotate-start ok" {
		t.Errorf("%s's rotation, newest first: %v", path, got)
	}
	sec, err := s.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if cur := sec.CurrentVersion(); cur == nil || cur.Number != 2 || len(sec.Versions) != 2 || sec.Rotating != nil {
		t.Errorf("%s after the rollback: %+v", path, sec.Versions)
	}
}

// checkApprovedRotation checks that path's rotation was approved by
// another member than its starter, then promoted and finished.
func checkApprovedRotation(t *testing.T, events []inventory.Event, path string) {
	t.Helper()
	var got []string // oldest first
	for i := len(events) - 1; i >= 0; i-- {
		if e := events[i]; e.Path == path && e.Action != inventory.ActionRotateStep && strings.HasPrefix(e.Action, "rotate-") {
			got = append(got, e.Actor+" "+e.Action)
		}
	}
	want := []string{"bob rotate-start", "alice rotate-approve", "bob rotate-promote", "bob rotate-finish"}
	if !slices.Equal(got, want) {
		t.Errorf("%s's rotation: %v, want %v", path, got, want)
	}
}
