package inventory_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

var m0 = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

// mv is a version made at minute min by author, its value named name.
func mv(n int, st inventory.State, name string, min int, author string) inventory.Version {
	return inventory.Version{Number: n, State: st, Created: m0.Add(time.Duration(min) * time.Minute), Author: author, Value: ct(name)}
}

// ct stands for the ciphertext named name.
func ct(name string) string {
	return "-----BEGIN AGE ENCRYPTED FILE-----\n" + name + "\n-----END AGE ENCRYPTED FILE-----\n"
}

// baseSecret is a secret three values old: v3 current, v2 previous, v1
// retired.
func baseSecret() *inventory.Secret {
	return &inventory.Secret{
		Path: "prod/db/password", Owner: "data-platform", Description: "ETL user",
		Rotation: inventory.Rotation{Every: inventory.Every{N: 90, Unit: 'd'}, Runbook: "db-password"},
		Tags:     []string{"warehouse"}, Readers: []string{"alice", "bob"}, ReadersSum: "ab",
		Versions: []inventory.Version{
			mv(3, inventory.Current, "c3", 3, "alice"),
			mv(2, inventory.Previous, "c2", 2, "alice"),
			mv(1, inventory.Retired, "c1", 1, "alice"),
		},
	}
}

// merged merges both ways, checks that the two agree and that the result
// is valid, and returns it.
func merged(t *testing.T, base, ours, theirs *inventory.Secret) *inventory.Secret {
	t.Helper()
	m := inventory.MergeSecret(base, ours, theirs)
	if back := inventory.MergeSecret(base, theirs, ours); !reflect.DeepEqual(m, back) {
		t.Fatalf("the merge depends on its direction:\n ours first:   %s\n theirs first: %s", dump(m), dump(back))
	}
	if err := m.Validate(inventory.DefaultEnvironments); err != nil {
		t.Fatalf("the merge is invalid: %v\n%s", err, dump(m))
	}
	return m
}

// versionsOf lists versions as "N state value", with "(as S)" after a
// renumbered one's number.
func versionsOf(s *inventory.Secret) string {
	var parts []string
	for _, v := range s.Versions {
		value := "-"
		if v.Value != "" {
			value = strings.Split(v.Value, "\n")[1]
		}
		n := fmt.Sprint(v.Number)
		if v.SealedAs > 0 {
			n += fmt.Sprintf("(as %d)", v.SealedAs)
		}
		parts = append(parts, n+" "+string(v.State)+" "+value)
	}
	return strings.Join(parts, ", ")
}

func wantVersions(t *testing.T, s *inventory.Secret, want string) {
	t.Helper()
	if got := versionsOf(s); got != want {
		t.Errorf("versions:\n got  %s\n want %s", got, want)
	}
}

func TestMergeOneSideChanged(t *testing.T) {
	t.Parallel()
	base := baseSecret()
	ours := clone(base)
	ours.AddCurrent(ct("a4"), "alice", m0.Add(time.Hour))
	ours.Owner = "sre"
	m := merged(t, base, ours, clone(base))
	if !reflect.DeepEqual(m, norm(ours)) {
		t.Errorf("a change on one side only is that side:\n got  %s\n want %s", dump(m), dump(ours))
	}
	wantVersions(t, m, "4 current a4, 3 previous c3, 2 retired c2, 1 retired c1")
	if m.InConflict() {
		t.Errorf("in conflict: %v", m.Conflicts)
	}
}

func TestMergeConcurrentSets(t *testing.T) {
	t.Parallel()
	base := baseSecret()
	ours, theirs := clone(base), clone(base)
	ours.AddCurrent(ct("ours4"), "alice", m0.Add(time.Hour))
	theirs.AddCurrent(ct("theirs4"), "bob", m0.Add(time.Hour+time.Minute))
	m := merged(t, base, ours, theirs)
	// The later value is current; the other is kept, in conflict; the
	// later one, renumbered, remembers it was sealed as version 4.
	wantVersions(t, m, "5(as 4) current theirs4, 4 conflict ours4, 3 previous c3, 2 retired c2, 1 retired c1")
	if !m.InConflict() || inventory.StatusAt(m, m0, 0) != inventory.StatusConflict {
		t.Errorf("two concurrent sets are not a conflict: %s", dump(m))
	}
	if len(m.Conflicts) != 0 {
		t.Errorf("conflicts = %v, want no field in conflict", m.Conflicts)
	}

	// The same second: the author decides, then the value.
	ours, theirs = clone(base), clone(base)
	ours.AddCurrent(ct("x4"), "bob", m0.Add(time.Hour))
	theirs.AddCurrent(ct("y4"), "alice", m0.Add(time.Hour))
	wantVersions(t, merged(t, base, ours, theirs), "5(as 4) current x4, 4 conflict y4, 3 previous c3, 2 retired c2, 1 retired c1")
	ours, theirs = clone(base), clone(base)
	ours.AddCurrent(ct("x4"), "alice", m0.Add(time.Hour))
	theirs.AddCurrent(ct("y4"), "alice", m0.Add(time.Hour))
	wantVersions(t, merged(t, base, ours, theirs), "5(as 4) current y4, 4 conflict x4, 3 previous c3, 2 retired c2, 1 retired c1")
}

func TestMergeSeveralSetsOnBothSides(t *testing.T) {
	t.Parallel()
	base := baseSecret()
	ours, theirs := clone(base), clone(base)
	ours.AddCurrent(ct("a4"), "alice", m0.Add(60*time.Minute))
	ours.AddCurrent(ct("a5"), "alice", m0.Add(62*time.Minute))
	theirs.AddCurrent(ct("b4"), "bob", m0.Add(61*time.Minute))
	m := merged(t, base, ours, theirs)
	// Ours' 5 is the latest: current. Theirs' 4 clashes with ours' 4, which
	// is older and keeps the number.
	wantVersions(t, m, "6(as 4) conflict b4, 5 current a5, 4 previous a4, 3 retired c3, 2 retired c2, 1 retired c1")

	// Theirs' value the latest: ours' previous 4 would be newer than the
	// current one, so current is renumbered above it.
	theirs.Versions[0].Created = m0.Add(63 * time.Minute)
	theirs.Versions[0].Value = ct("b4late")
	m = merged(t, base, ours, theirs)
	wantVersions(t, m, "6(as 4) current b4late, 5 conflict a5, 4 previous a4, 3 retired c3, 2 retired c2, 1 retired c1")
}

func TestMergeRotationAgainstSet(t *testing.T) {
	t.Parallel()
	base := baseSecret()
	ours, theirs := clone(base), clone(base)
	p, err := ours.AddPending(ct("rot4"), "alice", m0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	ours.Rotating = &inventory.Rotating{Version: p.Number, Runbook: "db-password", Started: m0.Add(time.Hour), By: "alice", Next: 1,
		Steps: []inventory.StepOutcome{{Step: 0, Name: "apply", Outcome: inventory.StepOK, At: m0.Add(time.Hour), By: "alice"}}}
	theirs.AddCurrent(ct("set4"), "bob", m0.Add(2*time.Hour))
	m := merged(t, base, ours, theirs)
	// The set is current; the rotation's new value is in conflict, and the
	// rotation stays on record beside it, for whoever settles it.
	wantVersions(t, m, "5(as 4) current set4, 4 conflict rot4, 3 previous c3, 2 retired c2, 1 retired c1")
	if m.Rotating == nil || m.Rotating.Version != 4 || len(m.Rotating.Steps) != 1 {
		t.Errorf("rotating = %+v, want ours' rotation of version 4", m.Rotating)
	}
	if inventory.StatusAt(m, m0, 0) != inventory.StatusConflict {
		t.Errorf("status = %s, want conflict before rotating", inventory.StatusAt(m, m0, 0))
	}

	// The rotation started after the set: the same, the set being the only
	// new current value.
	theirs.Versions[0].Created = m0.Add(30 * time.Minute)
	m = merged(t, base, ours, theirs)
	wantVersions(t, m, "5(as 4) conflict rot4, 4 current set4, 3 previous c3, 2 retired c2, 1 retired c1")
	if m.Rotating == nil || m.Rotating.Version != 5 {
		t.Errorf("rotating = %+v, want it to follow its value to version 5", m.Rotating)
	}
}

func TestMergeTwoRotations(t *testing.T) {
	t.Parallel()
	base := baseSecret()
	ours, theirs := clone(base), clone(base)
	for i, s := range []*inventory.Secret{ours, theirs} {
		who := []string{"alice", "bob"}[i]
		at := m0.Add(time.Duration(60+i) * time.Minute)
		p, err := s.AddPending(ct("rot-"+who), who, at)
		if err != nil {
			t.Fatal(err)
		}
		s.Rotating = &inventory.Rotating{Version: p.Number, Started: at, By: who}
	}
	m := merged(t, base, ours, theirs)
	// The later rotation goes on; the other's value is in conflict, and
	// both sides' rotations differ: the field is named.
	wantVersions(t, m, "5(as 4) pending rot-bob, 4 conflict rot-alice, 3 current c3, 2 previous c2, 1 retired c1")
	if m.Rotating == nil || m.Rotating.By != "bob" || m.Rotating.Version != 5 {
		t.Errorf("rotating = %+v, want bob's, of version 5", m.Rotating)
	}
	if !slices.Equal(m.Conflicts, []string{inventory.FieldRotating}) {
		t.Errorf("conflicts = %v, want [rotating]", m.Conflicts)
	}

	// Both promoted: the later value is current, the other in conflict.
	for _, s := range []*inventory.Secret{ours, theirs} {
		if _, err := s.Promote(); err != nil {
			t.Fatal(err)
		}
	}
	m = merged(t, base, ours, theirs)
	wantVersions(t, m, "5(as 4) current rot-bob, 4 conflict rot-alice, 3 previous c3, 2 retired c2, 1 retired c1")
}

func TestMergePromoteAgainstRollback(t *testing.T) {
	t.Parallel()
	base := baseSecret()
	base.AddPending(ct("p4"), "alice", m0.Add(time.Hour))
	base.Rotating = &inventory.Rotating{Version: 4, Started: m0.Add(time.Hour), By: "alice"}
	promoted, rolledBack := clone(base), clone(base)
	if _, err := promoted.Promote(); err != nil {
		t.Fatal(err)
	}
	if err := rolledBack.Unrotate(4); err != nil {
		t.Fatal(err)
	}
	rolledBack.Rotating = nil
	m := merged(t, base, promoted, rolledBack)
	// A value put to use is not dropped by the other side's rollback; the
	// two rotations' fates are named for a member to check.
	wantVersions(t, m, "4 current p4, 3 previous c3, 2 retired c2, 1 retired c1")
	if m.Rotating == nil || m.Rotating.Version != 4 || !slices.Equal(m.Conflicts, []string{inventory.FieldRotating}) {
		t.Errorf("rotating = %+v, conflicts = %v; want the promoted rotation, and [rotating]", m.Rotating, m.Conflicts)
	}

	// A rollback while the other side only ran a step: the value was never
	// used, the rollback wins, and the clash is named.
	stepped := clone(base)
	stepped.Rotating.Steps = append(stepped.Rotating.Steps, inventory.StepOutcome{Name: "apply", Outcome: inventory.StepOK, At: m0.Add(2 * time.Hour), By: "bob"})
	stepped.Rotating.Next = 1
	m = merged(t, base, stepped, rolledBack)
	wantVersions(t, m, "3 current c3, 2 previous c2, 1 retired c1")
	if m.Rotating != nil || !slices.Equal(m.Conflicts, []string{inventory.FieldRotating}) {
		t.Errorf("rotating = %+v, conflicts = %v; want none, and [rotating]", m.Rotating, m.Conflicts)
	}

	// A rollback alone goes through.
	m = merged(t, base, clone(base), rolledBack)
	wantVersions(t, m, "3 current c3, 2 previous c2, 1 retired c1")
	if m.Rotating != nil || m.InConflict() {
		t.Errorf("rotating = %+v, conflicts = %v; want neither", m.Rotating, m.Conflicts)
	}
}

func TestMergeMetadata(t *testing.T) {
	t.Parallel()
	base := baseSecret()
	ours, theirs := clone(base), clone(base)
	ours.Owner = "sre"
	ours.Tags = []string{"pci", "warehouse"}
	theirs.Description = "the warehouse login"
	theirs.Rotation.Every = inventory.Every{N: 30, Unit: 'd'}
	m := merged(t, base, ours, theirs)
	if m.Owner != "sre" || m.Description != "the warehouse login" || !slices.Equal(m.Tags, ours.Tags) || m.Rotation.Every.String() != "30d" || m.Rotation.Runbook != "db-password" {
		t.Errorf("each side's field is not kept: %s", dump(m))
	}
	if m.InConflict() {
		t.Errorf("fields changed on one side each are in conflict: %v", m.Conflicts)
	}

	// The same change on both sides is no conflict.
	theirs.Owner = "sre"
	if m := merged(t, base, ours, theirs); m.Owner != "sre" || m.InConflict() {
		t.Errorf("the same owner on both sides: %s", dump(m))
	}

	// Different changes: the larger text is kept on every clone, and the
	// field is named.
	theirs.Owner = "platform"
	theirs.Tags = []string{"reporting"}
	theirs.Rotation.Runbook = "api-key"
	ours.Rotation.Runbook = ""
	m = merged(t, base, ours, theirs)
	if m.Owner != "sre" || !slices.Equal(m.Tags, []string{"pci", "warehouse"}) || m.Rotation.Runbook != "api-key" {
		t.Errorf("clashing fields: owner %q, tags %v, runbook %q; want sre, [pci warehouse] (more tags), api-key", m.Owner, m.Tags, m.Rotation.Runbook)
	}
	if want := []string{"owner", "rotation.runbook", "tags"}; !slices.Equal(m.Conflicts, want) {
		t.Errorf("conflicts = %v, want %v", m.Conflicts, want)
	}
	if inventory.StatusAt(m, m0, 0) != inventory.StatusConflict {
		t.Errorf("status = %s, want conflict", inventory.StatusAt(m, m0, 0))
	}
}

func TestMergeReadersAndExposures(t *testing.T) {
	t.Parallel()
	base := baseSecret()
	base.Exposures = []inventory.Exposure{{Member: "carol", At: m0.Add(10 * time.Minute)}}
	ours, theirs := clone(base), clone(base)
	ours.Readers, ours.ReadersSum = []string{"alice"}, "a"
	theirs.Readers, theirs.ReadersSum = []string{"alice", "bob", "dave"}, "abd"
	// Ours answered carol's exposure with a new value; theirs saw dave go.
	ours.AddCurrent(ct("a4"), "alice", m0.Add(time.Hour))
	ours.Exposures = nil
	theirs.Exposures = append(theirs.Exposures, inventory.Exposure{Member: "erin", At: m0.Add(20 * time.Minute)})
	m := merged(t, base, ours, theirs)
	if m.ReadersSum != "abd" || !slices.Equal(m.Readers, theirs.Readers) || m.InConflict() {
		t.Errorf("readers = %v %q, conflicts %v; want theirs (the larger digest), no conflict", m.Readers, m.ReadersSum, m.Conflicts)
	}
	if len(m.Exposures) != 1 || m.Exposures[0].Member != "erin" {
		t.Errorf("exposures = %+v, want erin's only (carol's was answered by the new value)", m.Exposures)
	}
	// New exposures on both sides: all of them, by time.
	ours = clone(base)
	ours.Exposures = append(ours.Exposures, inventory.Exposure{Member: "frank", At: m0.Add(30 * time.Minute)})
	m = merged(t, base, ours, theirs)
	var got []string
	for _, e := range m.Exposures {
		got = append(got, e.Member)
	}
	if !slices.Equal(got, []string{"carol", "erin", "frank"}) {
		t.Errorf("exposures = %v, want carol, erin, frank", got)
	}
}

func TestMergeDroppedAndResealedValues(t *testing.T) {
	t.Parallel()
	base := baseSecret()
	dropped, resealed := clone(base), clone(base)
	dropped.Versions[2].Value = "" // v1 retired, its value dropped
	dropped.AddCurrent(ct("a4"), "alice", m0.Add(time.Hour))
	for i := range resealed.Versions {
		resealed.Versions[i].Value = ct("resealed-" + fmt.Sprint(resealed.Versions[i].Number))
	}
	m := merged(t, base, dropped, resealed)
	// One version each: the re-sealed values, the dropped one dropped, the
	// new one kept.
	wantVersions(t, m, "4 current a4, 3 previous resealed-3, 2 retired resealed-2, 1 retired -")
}

func TestMergeBothResealed(t *testing.T) {
	t.Parallel()
	base := baseSecret()
	ours, theirs := clone(base), clone(base)
	// Each clone sealed every value again to its own readers; the values
	// kept are all of the side whose readers the merge kept, whatever
	// their texts.
	for _, side := range []struct {
		s    *inventory.Secret
		name string
	}{{ours, "zz-ours"}, {theirs, "aa-theirs"}} {
		for i := range side.s.Versions {
			side.s.Versions[i].Value = ct(fmt.Sprint(side.name, side.s.Versions[i].Number))
		}
	}
	ours.Readers, ours.ReadersSum = []string{"alice"}, "a"
	theirs.Readers, theirs.ReadersSum = []string{"alice", "bob", "carol"}, "abc"
	m := merged(t, base, ours, theirs)
	wantVersions(t, m, "3 current aa-theirs3, 2 previous aa-theirs2, 1 retired aa-theirs1")
	if m.ReadersSum != "abc" {
		t.Errorf("readers = %q, want theirs", m.ReadersSum)
	}
}

func TestMergeBothAdded(t *testing.T) {
	t.Parallel()
	ours := &inventory.Secret{Path: "prod/api/token", Owner: "sre"}
	theirs := &inventory.Secret{Path: "prod/api/token", Owner: "data-platform"}
	ours.AddCurrent(ct("a1"), "alice", m0)
	theirs.AddCurrent(ct("b1"), "bob", m0.Add(time.Second))
	m := merged(t, nil, ours, theirs)
	wantVersions(t, m, "2(as 1) current b1, 1 conflict a1")
	if m.Owner != "sre" || !slices.Equal(m.Conflicts, []string{"owner"}) {
		t.Errorf("owner %q, conflicts %v; want sre and [owner]", m.Owner, m.Conflicts)
	}
	// The same file added on both sides is that file.
	if m := merged(t, nil, ours, clone(ours)); !reflect.DeepEqual(m, norm(ours)) {
		t.Errorf("the same secret added twice: %s", dump(m))
	}
}

func TestMergeSettledConflicts(t *testing.T) {
	t.Parallel()
	base := baseSecret()
	ours, theirs := clone(base), clone(base)
	ours.AddCurrent(ct("a4"), "alice", m0.Add(time.Hour))
	theirs.AddCurrent(ct("b4"), "bob", m0.Add(2*time.Hour))
	theirs.Owner, ours.Owner = "platform", "sre"
	conflicted := merged(t, base, ours, theirs)
	wantVersions(t, conflicted, "5(as 4) current b4, 4 conflict a4, 3 previous c3, 2 retired c2, 1 retired c1")

	// One clone settles it, the other changes nothing: settled.
	settled := clone(conflicted)
	if err := settled.Resolve(4); err != nil {
		t.Fatal(err)
	}
	wantVersions(t, settled, "6(as 4) current a4, 5(as 4) previous b4, 3 retired c3, 2 retired c2, 1 retired c1")
	m := merged(t, conflicted, settled, clone(conflicted))
	if !reflect.DeepEqual(m, norm(settled)) {
		t.Errorf("a settled conflict merged with an unchanged side:\n got  %s\n want %s", dump(m), dump(settled))
	}

	// Both settle it, differently: in conflict again, the later value
	// current.
	other := clone(conflicted)
	if err := other.Resolve(5); err != nil {
		t.Fatal(err)
	}
	// The value not kept is retired; as the newest below current, it is
	// the previous one (states follow numbers).
	wantVersions(t, other, "5(as 4) current b4, 4 previous a4, 3 retired c3, 2 retired c2, 1 retired c1")
	m = merged(t, conflicted, settled, other)
	if !m.InConflict() {
		t.Errorf("two different settlements are not a conflict: %s", dump(m))
	}
	wantVersions(t, m, "6(as 4) conflict a4, 5(as 4) current b4, 3 retired c3, 2 retired c2, 1 retired c1")
}

func TestResolve(t *testing.T) {
	t.Parallel()
	base := baseSecret()
	ours, theirs := clone(base), clone(base)
	p, _ := ours.AddPending(ct("rot4"), "alice", m0.Add(time.Hour))
	ours.Rotating = &inventory.Rotating{Version: p.Number, Started: m0.Add(time.Hour), By: "alice"}
	theirs.AddCurrent(ct("set4"), "bob", m0.Add(2*time.Hour))
	conflicted := merged(t, base, ours, theirs)
	wantVersions(t, conflicted, "5(as 4) current set4, 4 conflict rot4, 3 previous c3, 2 retired c2, 1 retired c1")

	// Keep the current value: the other is no longer in conflict (its value
	// is kept, as the newest below current it is previous), and its
	// rotation ends.
	s := clone(conflicted)
	if err := s.Resolve(5); err != nil {
		t.Fatal(err)
	}
	wantVersions(t, s, "5(as 4) current set4, 4 previous rot4, 3 retired c3, 2 retired c2, 1 retired c1")
	if s.Rotating != nil || s.InConflict() || s.Validate(nil) != nil {
		t.Errorf("after keeping 5: rotating %+v, in conflict %v, %v", s.Rotating, s.InConflict(), s.Validate(nil))
	}

	// Keep the rotation's value, not yet promoted: pending again, so that
	// resuming the rotation runs its other steps and promotes it.
	s = clone(conflicted)
	if err := s.Resolve(4); err != nil {
		t.Fatal(err)
	}
	wantVersions(t, s, "6(as 4) pending rot4, 5(as 4) current set4, 3 previous c3, 2 retired c2, 1 retired c1")
	if s.Rotating == nil || s.Rotating.Version != 6 || s.Validate(nil) != nil {
		t.Errorf("after keeping 4: rotating %+v, %v", s.Rotating, s.Validate(nil))
	}

	// Errors: a version not in the conflict, none named, nothing in
	// conflict.
	s = clone(conflicted)
	if err := s.Resolve(3); !errors.Is(err, inventory.ErrKeepWhich) {
		t.Errorf("Resolve(3) = %v, want ErrKeepWhich", err)
	}
	if err := s.Resolve(0); !errors.Is(err, inventory.ErrKeepWhich) {
		t.Errorf("Resolve(0) = %v, want ErrKeepWhich", err)
	}
	if err := s.Resolve(9); !errors.Is(err, inventory.ErrNoVersion) {
		t.Errorf("Resolve(9) = %v, want ErrNoVersion", err)
	}
	if err := base.Resolve(3); !errors.Is(err, inventory.ErrNotInConflict) {
		t.Errorf("Resolve of a secret in no conflict = %v, want ErrNotInConflict", err)
	}
	// Fields only: resolving accepts what the merge kept.
	s = clone(base)
	s.Conflicts = []string{"owner"}
	if err := s.Resolve(0); err != nil || s.InConflict() {
		t.Errorf("Resolve(0) of a field conflict = %v, conflicts %v", err, s.Conflicts)
	}
}

func TestValidateConflictFields(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		edit func(s *inventory.Secret)
		want string // "" for valid
	}{
		{"a value in conflict", func(s *inventory.Secret) {
			s.Versions = append([]inventory.Version{mv(4, inventory.Conflicted, "x", 4, "bob")}, s.Versions...)
		}, ""},
		{"a value in conflict older than current", func(s *inventory.Secret) {
			s.Versions = append(s.Versions, mv(9, inventory.Conflicted, "x", 4, "bob"))
			s.Versions[0].Number, s.Versions[0].SealedAs = 10, 4
		}, ""},
		{"a conflict without value", func(s *inventory.Secret) {
			s.Versions = append([]inventory.Version{mv(4, inventory.Conflicted, "x", 4, "bob")}, s.Versions...)
			s.Versions[0].Value = ""
		}, "a conflict version needs a value"},
		{"sealed as another number", func(s *inventory.Secret) { s.Versions[0].SealedAs = 2 }, ""},
		{"sealed as its own number", func(s *inventory.Secret) { s.Versions[0].SealedAs = 3 }, "sealed_as"},
		{"sealed as a negative number", func(s *inventory.Secret) { s.Versions[0].SealedAs = -1 }, "sealed_as"},
		{"known conflicts", func(s *inventory.Secret) { s.Conflicts = []string{"owner", "rotating", "tags"} }, ""},
		{"an unknown conflict", func(s *inventory.Secret) { s.Conflicts = []string{"versions"} }, `conflicts: "versions" is not one of`},
		{"a conflict twice", func(s *inventory.Secret) { s.Conflicts = []string{"owner", "owner"} }, "appears twice"},
		{"a rotation beside a value in conflict", func(s *inventory.Secret) {
			s.Versions = append([]inventory.Version{mv(4, inventory.Conflicted, "x", 4, "bob")}, s.Versions...)
			s.Rotating = &inventory.Rotating{Version: 4}
		}, ""},
		{"a rotation of a retired value", func(s *inventory.Secret) { s.Rotating = &inventory.Rotating{Version: 1} }, "rotating.version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := baseSecret()
			tc.edit(s)
			err := s.Validate(inventory.DefaultEnvironments)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate = %v, want valid", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Validate = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestSealedNumber(t *testing.T) {
	t.Parallel()
	v := inventory.Version{Number: 5}
	if v.SealedNumber() != 5 {
		t.Errorf("SealedNumber = %d, want 5", v.SealedNumber())
	}
	v.SealedAs = 4
	if v.SealedNumber() != 4 {
		t.Errorf("SealedNumber = %d, want 4", v.SealedNumber())
	}
}
