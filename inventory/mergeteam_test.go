package inventory_test

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

func recipients(members map[string]string, scopes map[string][]string) inventory.Recipients {
	return inventory.Recipients{Members: members, Scopes: scopes}
}

func cloneRecipients(r inventory.Recipients) inventory.Recipients {
	c := inventory.Recipients{Members: maps.Clone(r.Members), Scopes: map[string][]string{}}
	for k, v := range r.Scopes {
		c.Scopes[k] = slices.Clone(v)
	}
	return c
}

// mergedRecipients merges both ways, checks that they agree and that the
// result is valid.
func mergedRecipients(t *testing.T, base, ours, theirs inventory.Recipients) (inventory.Recipients, []string) {
	t.Helper()
	r, clashes := inventory.MergeRecipients(base, ours, theirs)
	r2, clashes2 := inventory.MergeRecipients(base, theirs, ours)
	if !reflect.DeepEqual(r, r2) || !slices.Equal(clashes, clashes2) {
		t.Fatalf("the merge depends on its direction:\n %v %v\n %v %v", r, clashes, r2, clashes2)
	}
	if err := r.Validate(); err != nil {
		t.Fatalf("the merge is invalid: %v\n%v", err, r)
	}
	return r, clashes
}

func teamBase() inventory.Recipients {
	return recipients(map[string]string{"alice": "age1alice", "bob": "age1bob", "carol": "age1carol"},
		map[string][]string{"*": {"alice"}, "prod/": {"alice", "carol"}, "dev/": {"alice", "bob"}})
}

func TestMergeRecipients(t *testing.T) {
	t.Parallel()
	base := teamBase()

	// Members added on each side, one removed on one side, scopes changed
	// on both: all of it.
	ours, theirs := cloneRecipients(base), cloneRecipients(base)
	ours.Members["dave"] = "age1dave"
	ours.Scopes["prod/"] = []string{"alice", "carol", "dave"}
	theirs.Members["erin"] = "age1erin"
	theirs.Scopes["prod/"] = []string{"alice", "erin"} // carol out, erin in
	delete(theirs.Members, "bob")
	theirs.Scopes["dev/"] = []string{"alice"}
	theirs.Scopes["stg/"] = []string{"erin"}
	r, clashes := mergedRecipients(t, base, ours, theirs)
	want := recipients(map[string]string{"alice": "age1alice", "carol": "age1carol", "dave": "age1dave", "erin": "age1erin"},
		map[string][]string{"*": {"alice"}, "prod/": {"alice", "dave", "erin"}, "dev/": {"alice"}, "stg/": {"erin"}})
	if !reflect.DeepEqual(r, want) || len(clashes) != 0 {
		t.Errorf("merged:\n got  %v %v\n want %v", r, clashes, want)
	}

	// The same name with two keys: a clash, the larger key kept.
	ours, theirs = cloneRecipients(base), cloneRecipients(base)
	ours.Members["frank"] = "age1frank-ours"
	theirs.Members["frank"] = "age1frank-theirs"
	r, clashes = mergedRecipients(t, base, ours, theirs)
	if r.Members["frank"] != "age1frank-theirs" || len(clashes) != 1 || !strings.Contains(clashes[0], "frank has a different key on each side") {
		t.Errorf("frank = %q, clashes %q", r.Members["frank"], clashes)
	}

	// Removed on one side, a new key on the other: removed, and a clash.
	ours, theirs = cloneRecipients(base), cloneRecipients(base)
	delete(ours.Members, "bob")
	ours.Scopes["dev/"] = []string{"alice"}
	theirs.Members["bob"] = "age1bob-new"
	r, clashes = mergedRecipients(t, base, ours, theirs)
	if _, ok := r.Members["bob"]; ok || len(clashes) != 1 || !strings.Contains(clashes[0], "bob was removed") {
		t.Errorf("bob = %q, clashes %q", r.Members["bob"], clashes)
	}

	// A scope whose members both sides removed, differently, down to none.
	ours, theirs = cloneRecipients(base), cloneRecipients(base)
	ours.Scopes["prod/"] = []string{"carol"}
	theirs.Scopes["prod/"] = []string{"alice"}
	r, clashes = mergedRecipients(t, base, ours, theirs)
	if _, ok := r.Scopes["prod/"]; ok || len(clashes) != 1 || !strings.Contains(clashes[0], "prod/ has no member left") {
		t.Errorf("prod/ = %v, clashes %q", r.Scopes["prod/"], clashes)
	}
	// A scope removed on one side goes, no clash.
	ours = cloneRecipients(base)
	delete(ours.Scopes, "dev/")
	r, clashes = mergedRecipients(t, base, ours, cloneRecipients(base))
	if _, ok := r.Scopes["dev/"]; ok || len(clashes) != 0 {
		t.Errorf("dev/ = %v, clashes %q", r.Scopes["dev/"], clashes)
	}

	// Both added the file (no base): the union.
	r, clashes = mergedRecipients(t, inventory.Recipients{}, base, recipients(map[string]string{"gina": "age1gina"}, map[string][]string{"*": {"gina"}}))
	if len(r.Members) != 4 || !slices.Equal(r.Scopes["*"], []string{"alice", "gina"}) || len(clashes) != 0 {
		t.Errorf("both added: %v %q", r, clashes)
	}
}

func TestMergeRecipientsRandom(t *testing.T) {
	t.Parallel()
	seed := randomSeed(t)
	r := rand.New(rand.NewPCG(seed, 1))
	names := []string{"alice", "bob", "carol", "dave", "erin"}
	prefixes := []string{"*", "prod/", "dev/", "stg/", "prod/db/"}
	change := func(x inventory.Recipients) inventory.Recipients {
		x = cloneRecipients(x)
		for range r.IntN(5) {
			name := names[r.IntN(len(names))]
			switch r.IntN(4) {
			case 0:
				x.Members[name] = fmt.Sprintf("age1%s%d", name, r.IntN(3))
			case 1:
				if name != "alice" {
					delete(x.Members, name)
					for p, ms := range x.Scopes {
						x.Scopes[p] = slices.DeleteFunc(ms, func(m string) bool { return m == name })
						if len(x.Scopes[p]) == 0 {
							delete(x.Scopes, p)
						}
					}
				}
			default:
				p := prefixes[r.IntN(len(prefixes))]
				if _, ok := x.Members[name]; ok && !slices.Contains(x.Scopes[p], name) {
					x.Scopes[p] = append(x.Scopes[p], name)
				}
			}
		}
		return x
	}
	for i := range 500 {
		base := change(teamBase())
		ours, theirs := change(base), change(base)
		m, clashes := inventory.MergeRecipients(base, ours, theirs)
		m2, clashes2 := inventory.MergeRecipients(base, theirs, ours)
		if !reflect.DeepEqual(m, m2) || !slices.Equal(clashes, clashes2) {
			t.Fatalf("seed %d, round %d: the merge depends on its direction (replay: -merge.seed %d)", seed, i, seed)
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("seed %d, round %d: invalid merge: %v", seed, i, err)
		}
		if self, c := inventory.MergeRecipients(base, ours, ours); !reflect.DeepEqual(self, ours) || len(c) != 0 {
			t.Fatalf("seed %d, round %d: a side merged with itself changes: %v", seed, i, self)
		}
	}
}

func auditLine(at int, actor, action string) string {
	return fmt.Sprintf(`{"time":"%s","actor":%q,"action":%q,"path":"prod/db/password","version":0,"outcome":"ok","prev":""}`,
		m0.Add(time.Duration(at)*time.Second).Format(time.RFC3339), actor, action)
}

// chained returns ls, each line chained to the one before it, the first
// to after ("" for none): what a clone appends to a log.
func chained(after string, ls ...string) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		prev := ""
		if after != "" {
			prev = inventory.ChainHash([]byte(after))
		}
		out[i] = strings.Replace(l, `"prev":""`, `"prev":"`+prev+`"`, 1)
		after = out[i]
	}
	return out
}

func lines(ls ...string) []byte {
	if len(ls) == 0 {
		return nil
	}
	return []byte(strings.Join(ls, "\n") + "\n")
}

// sound fails unless audit verify finds nothing wrong with a merged log.
func sound(t *testing.T, log []byte) {
	t.Helper()
	if _, check := inventory.CheckLog("alice", log); len(check.Problems) > 0 {
		t.Errorf("the merged log does not verify: %+v\n%s", check.Problems, log)
	}
}

// joinOf is the join line that ends a merge of ls.
func joinOf(t *testing.T, from int, ls ...string) string {
	t.Helper()
	var bs [][]byte
	for _, l := range ls {
		bs = append(bs, []byte(l))
	}
	j := inventory.Join(bs, from)
	if j == nil {
		t.Fatalf("no join for a fork")
	}
	return string(j)
}

func TestMergeAuditLog(t *testing.T) {
	t.Parallel()
	b := chained("", auditLine(1, "alice", "set"), auditLine(2, "alice", "read"))
	b1, b2 := b[0], b[1]
	a := chained(b2, auditLine(3, "alice", "read"), auditLine(5, "alice", "edit"))
	a3, a5 := a[0], a[1]
	th := chained(b2, auditLine(4, "alice", "set"), auditLine(5, "alice", "copy"))
	t4, t5 := th[0], th[1]
	base := lines(b1, b2)
	ours, theirs := lines(b1, b2, a3, a5), lines(b1, b2, t4, t5)
	got, err := inventory.MergeAuditLog(base, ours, theirs)
	if err != nil {
		t.Fatal(err)
	}
	// By time, then text ("copy" before "edit" at second 5), then the join
	// of the side that does not end the log.
	merged := []string{b1, b2, a3, t4, t5, a5}
	if want := lines(append(merged, joinOf(t, 2, merged...))...); string(got) != string(want) {
		t.Errorf("merged:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(string(got), `"detail":"joins `+inventory.ChainHash([]byte(t5))+`"`) {
		t.Errorf("the join does not name the end of the side the log does not end with:\n%s", got)
	}
	sound(t, got)
	back, _ := inventory.MergeAuditLog(base, theirs, ours)
	if string(back) != string(got) {
		t.Errorf("the merge depends on its direction:\n%s\n---\n%s", got, back)
	}

	// One side appended nothing: its lines, no join.
	got, _ = inventory.MergeAuditLog(base, base, ours)
	if string(got) != string(ours) {
		t.Errorf("merged with an unchanged side:\n%s\nwant:\n%s", got, ours)
	}

	// A side's own lines keep their order even when its clock went back.
	le := chained(b2, auditLine(9, "alice", "set"), auditLine(3, "alice", "read"))
	got, _ = inventory.MergeAuditLog(base, lines(b1, b2, le[0], le[1]), lines(b1, b2, t4))
	merged = []string{b1, b2, t4, le[0], le[1]}
	if want := lines(append(merged, joinOf(t, 2, merged...))...); string(got) != string(want) {
		t.Errorf("merged:\n%s\nwant:\n%s", got, want)
	}
	sound(t, got)

	// A line both sides have (a third clone's) once.
	t4b := chained(a3, auditLine(4, "alice", "set"))[0]
	got, _ = inventory.MergeAuditLog(base, lines(b1, b2, a3, a5), lines(b1, b2, a3, t4b))
	merged = []string{b1, b2, a3, t4b, a5}
	if want := lines(append(merged, joinOf(t, 2, merged...))...); string(got) != string(want) {
		t.Errorf("merged:\n%s\nwant:\n%s", got, want)
	}
	sound(t, got)

	// Merging the merge again, or a merge made on another clone, adds
	// nothing.
	again, _ := inventory.MergeAuditLog(base, got, got)
	if string(again) != string(got) {
		t.Errorf("a merge merged with itself changed:\n%s\n---\n%s", got, again)
	}

	// Both added the file; a torn last line stays a line.
	x3, x4 := chained("", auditLine(3, "alice", "read"))[0], chained("", auditLine(4, "alice", "set"))[0]
	got, _ = inventory.MergeAuditLog(nil, []byte(x3+"\n"+`{"time":"20`), lines(x4))
	// The torn line is taken to follow the line before it, as written: no
	// side's end is left unfollowed, so no join.
	if want := lines(x3, `{"time":"20`, x4); string(got) != string(want) {
		t.Errorf("merged:\n%s\nwant:\n%s", got, want)
	}

	// A side that rewrote history is refused.
	if _, err := inventory.MergeAuditLog(base, lines(b1, a3), ours); !errors.Is(err, inventory.ErrNotAppendOnly) {
		t.Errorf("a removed line: err = %v, want ErrNotAppendOnly", err)
	}
}

func TestMergeAuditLogRandom(t *testing.T) {
	t.Parallel()
	seed := randomSeed(t)
	r := rand.New(rand.NewPCG(seed, 2))
	// Two events of one member never have the same time to the
	// nanosecond, as cabinet writes them.
	nanos := 0
	gen := func(after []string, n int) []string {
		var out []string
		for range n {
			nanos++
			line := auditLine(r.IntN(10), "alice", []string{"read", "set", "edit"}[r.IntN(3)])
			out = append(out, strings.Replace(line, `Z"`, fmt.Sprintf(".%09dZ\"", nanos), 1))
		}
		last := ""
		if len(after) > 0 {
			last = after[len(after)-1]
		}
		return chained(last, out...)
	}
	for i := range 500 {
		base := gen(nil, r.IntN(3))
		a := slices.Concat(base, gen(base, r.IntN(4)))
		// A third clone's lines, merged into both sides, then more of
		// each side's own.
		shared := gen(base, r.IntN(3))
		a = slices.Concat(a, shared)
		a = slices.Concat(a, gen(a, r.IntN(3)))
		b := slices.Concat(base, shared)
		b = slices.Concat(b, gen(b, r.IntN(4)))
		got, err := inventory.MergeAuditLog(lines(base...), lines(a...), lines(b...))
		back, err2 := inventory.MergeAuditLog(lines(base...), lines(b...), lines(a...))
		if err != nil || err2 != nil || string(got) != string(back) {
			t.Fatalf("seed %d, round %d: %v %v; the merge depends on its direction:\n%s\n---\n%s", seed, i, err, err2, got, back)
		}
		// Every line, once per side that wrote it: as many as the side with
		// more of it has; and a join, which the log must verify with.
		count := func(ls []string) map[string]int {
			m := map[string]int{}
			for _, l := range ls {
				if !strings.Contains(l, `"action":"join"`) {
					m[l]++
				}
			}
			return m
		}
		ca, cb, cg := count(a), count(b), count(strings.Split(strings.TrimSuffix(string(got), "\n"), "\n"))
		if len(got) == 0 {
			cg = map[string]int{}
		}
		for l := range union2(ca, cb) {
			if cg[l] != max(ca[l], cb[l]) {
				t.Fatalf("seed %d, round %d: line %s appears %d times, want %d", seed, i, l, cg[l], max(ca[l], cb[l]))
			}
		}
		if _, check := inventory.CheckLog("alice", got); len(check.Problems) > 0 {
			t.Fatalf("seed %d, round %d: the merged log does not verify: %+v\n%s", seed, i, check.Problems, got)
		}
	}
}

func union2(a, b map[string]int) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}
