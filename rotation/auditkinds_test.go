package rotation

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// TestEveryEventKindIsAudited does, through the calls the command line and
// the workbench make, everything that writes an audit line: each kind of
// event the program writes lands in the log of the member who acted, the
// logs verify, and no value is in them. A new action added to inventory
// without a way here to write it fails this test.
func TestEveryEventKindIsAudited(t *testing.T) {
	f := newFixture(t, "data-platform", "name: rb\nsteps:\n  - run: true\n  - name: promote\napprove: bob\nrollback:\n  - run: true\n")
	s, alice, bob := f.s, f.alice, f.bob
	act := func(m member) store.Act { f.clock = f.clock.Add(60e9); return store.Act{Actor: m.name, Now: f.clock} }
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mustV := func(_ any, err error) { t.Helper(); must(err) }
	mustVV := func(_, _ any, err error) { t.Helper(); must(err) }

	// Reads: get, the workbench's reveal and copy, and one refused.
	for _, a := range []string{inventory.ActionRead, inventory.ActionReveal, inventory.ActionCopy} {
		mustVV(s.ReadAs(a, path, inventory.Selector{}, alice.id, act(alice)))
	}
	// A job's references and a file's, as cabinet run and render read them.
	for _, a := range []string{inventory.ActionRun, inventory.ActionRender} {
		mustV(s.ReadMany(a, "job", []store.ReadRequest{{Path: path}}, alice.id, act(alice)))
	}
	if _, _, err := s.ReadEach(inventory.ActionScan, "scan", []store.ReadRequest{{Path: path}}, alice.id, act(alice)); err != nil {
		t.Fatal(err)
	}
	stranger := newMember(t, "carol")
	if _, _, err := s.Read(path, inventory.Selector{}, stranger.id, act(alice)); err == nil {
		t.Fatal("a stranger read the value")
	}
	// Secrets: a new one without a value, a value staged, an edit, a set,
	// a removal.
	mustV(s.Create("prod/api/token", act(alice), func(sec *inventory.Secret) error { sec.Owner = "web"; return nil }))
	mustVV(s.Stage("prod/api/token", []byte("staged-Va1ue"), act(alice)))
	mustV(s.Edit("prod/api/token", act(alice), func(sec *inventory.Secret) error { sec.Description = "d"; return nil }))
	mustVV(s.SetValue("dev/app/key", []byte("dev-Va1ue-1"), act(alice), func(sec *inventory.Secret, _ bool) error { sec.Owner = "web"; return nil }))
	must(s.Remove("dev/app/key", act(alice)))

	// A rotation: started, a step, approved by bob, promoted, finished.
	e := f.engine(alice, nil)
	mustV(e.Start(path, nil))
	if _, err := e.Run(ctx, path); err == nil {
		t.Fatal("promoted without bob's approval")
	}
	must(f.engine(bob, nil).Approve(path))
	mustV(e.Run(ctx, path))
	// Another, rolled back.
	mustV(e.Start(path, nil))
	must(e.Rollback(ctx, path))

	// The team: a scope set, a member removed, a re-encryption.
	mustV(s.SetScope("dev/", []string{"alice", "bob"}, alice.id, act(alice)))
	mustV(s.RemoveMember("bob", alice.id, act(alice)))
	mustV(s.Reencrypt(alice.id, act(alice)))

	// What merges leave: a secret in conflict, settled; recipients.yaml
	// with a clash, settled; one member's log forked on two clones.
	conflictOf(t, s, "prod/db/password", func(v string) { mustVV(s.SetValue(path, []byte(v), act(alice), nil)) })
	sec, err := s.Load(path)
	must(err)
	mustV(s.Resolve(path, sec.CurrentVersion().Number, alice.id, act(alice)))
	clashOf(t, s, func(key string) { mustV(s.AddMember("dave", key, nil, alice.id, act(alice))) })
	reopened, err := store.Open(s.Dir) // as the next command would, after the merge
	must(err)
	must(reopened.ResolveRecipients(act(alice)))
	joined := forkOf(t, s, "alice", func() { mustVV(s.Read(path, inventory.Selector{}, alice.id, act(alice))) })

	logs, err := s.AuditLogs()
	must(err)
	seen := map[string]bool{}
	for _, l := range logs {
		for _, ev := range l.Events {
			seen[ev.Action] = true
			if ev.Actor != l.Member {
				t.Errorf("%s holds an event of %s", l.Name, ev.Actor)
			}
		}
	}
	if joined {
		seen[inventory.ActionJoin] = true
	}
	for _, a := range inventory.Actions() {
		if !seen[a] {
			t.Errorf("no %s event was written", a)
		}
	}
	v, err := s.VerifyAudit()
	must(err)
	if v.Tampered() {
		t.Errorf("the logs do not verify: %+v", v.Logs)
	}
	for _, l := range logs {
		data, _ := os.ReadFile(filepath.Join(s.Dir, filepath.FromSlash(l.Name)))
		for _, value := range []string{oldValue, "staged-Va1ue", "dev-Va1ue-1", "theirs-Va1ue", "ours-Va1ue"} {
			if strings.Contains(string(data), value) {
				t.Errorf("%s holds a value", l.Name)
			}
		}
	}
}

// conflictOf leaves path in conflict as the merge driver does when two
// clones each set a new value: set runs on each side of the file.
func conflictOf(t *testing.T, s *store.Store, p string, set func(value string)) {
	t.Helper()
	name := filepath.Join(s.Dir, "secrets", filepath.FromSlash(p)+".yaml")
	merged := mergedSides(t, s, name, "secrets/"+p+".yaml", func() { set("ours-Va1ue") }, func() { set("theirs-Va1ue") })
	if !merged.Conflict {
		t.Fatalf("no conflict from two new values of %s", p)
	}
}

// clashOf records a clash in recipients.yaml as a merge does when two
// clones add one member with different keys.
func clashOf(t *testing.T, s *store.Store, add func(key string)) {
	t.Helper()
	k1, k2 := newMember(t, "dave"), newMember(t, "dave")
	merged := mergedSides(t, s, filepath.Join(s.Dir, "recipients.yaml"), "recipients.yaml", func() { add(k1.key) }, func() { add(k2.key) })
	if len(merged.Clashes) == 0 {
		t.Fatal("no clash recorded")
	}
}

// forkOf forks member's log as two clones of the same member would, and
// merges it; it reports whether the merge wrote a join line.
func forkOf(t *testing.T, s *store.Store, member string, write func()) bool {
	t.Helper()
	name := filepath.Join(s.Dir, "audit", member+".jsonl")
	merged := mergedSides(t, s, name, "audit/"+member+".jsonl", write, write)
	return strings.Contains(string(merged.Data), `"action":"join"`)
}

// mergedSides runs ours and theirs each from the file's content now, merges
// the two results with the merge driver's code, and leaves the merge in
// the file.
func mergedSides(t *testing.T, s *store.Store, file, name string, ours, theirs func()) store.MergeResult {
	t.Helper()
	base, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	side := func(change func()) []byte {
		if err := os.WriteFile(file, base, 0o600); err != nil {
			t.Fatal(err)
		}
		change()
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	a, b := side(ours), side(theirs)
	merged, err := store.MergeFile(name, base, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, merged.Data, 0o600); err != nil {
		t.Fatal(err)
	}
	if slices.Equal(a, b) {
		t.Fatalf("the two sides of %s are the same", name)
	}
	return merged
}
