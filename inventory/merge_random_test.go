package inventory_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// TestMergeRandom generates concurrent histories of one secret and merges
// them both ways. Replay one with `go test ./inventory -run TestMergeRandom
// -merge.seed N` (or CABINET_MERGE_SEED=N); -merge.n sets how many. The
// randomized tests of MergeRecipients and MergeAuditLog take the same seed.
var (
	mergeSeed  = flag.Uint64("merge.seed", 0, "replay the history of this seed in TestMergeRandom")
	mergeCount = flag.Int("merge.n", 2000, "how many histories TestMergeRandom generates")
)

// fakeValue stands for a ciphertext: inventory checks only its framing.
// origin names the value's version whatever re-sealed it.
func fakeValue(origin, seal int) string {
	return fmt.Sprintf("-----BEGIN AGE ENCRYPTED FILE-----\nv%d.%d\n-----END AGE ENCRYPTED FILE-----\n", origin, seal)
}

var originRE = regexp.MustCompile(`\nv(\d+)\.\d+\n`)

func originOf(value string) int {
	m := originRE.FindStringSubmatch(value)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// history makes random changes to secrets, as the commands would make
// them, each checked by Validate.
type history struct {
	r     *rand.Rand
	next  *int // the next value's origin, shared by every clone
	seals *int
	log   []string
}

func (h *history) value() string {
	*h.next++
	*h.seals++
	return fakeValue(*h.next, *h.seals)
}

func clone(s *inventory.Secret) *inventory.Secret {
	c := *s
	c.Tags = slices.Clone(s.Tags)
	c.Readers = slices.Clone(s.Readers)
	c.Exposures = slices.Clone(s.Exposures)
	c.Versions = slices.Clone(s.Versions)
	c.Conflicts = slices.Clone(s.Conflicts)
	if s.Rotating != nil {
		r := *s.Rotating
		r.Steps = slices.Clone(r.Steps)
		c.Rotating = &r
	}
	return &c
}

var (
	owners  = []string{"data-platform", "sre", "alice"}
	descs   = []string{"", "ETL user", "the warehouse login"}
	tagSets = [][]string{nil, {"warehouse"}, {"pci", "warehouse"}}
	everys  = []inventory.Every{{}, {N: 90, Unit: 'd'}, {N: 30, Unit: 'd'}}
	books   = []string{"", "db-password", "api-key"}
	authors = []string{"alice", "bob", "carol"}
)

// step applies one random change to s at now and says what it did; ""
// when the change does not apply to s as it is.
func (h *history) step(s *inventory.Secret, now time.Time) string {
	author := authors[h.r.IntN(len(authors))]
	pick := func(n int) int { return h.r.IntN(n) }
	switch op := pick(14); op {
	case 0, 1:
		if s.Rotating != nil {
			return ""
		}
		v := s.AddCurrent(h.value(), author, now)
		s.Exposures = nil
		return fmt.Sprintf("set v%d", v.Number)
	case 2:
		if s.Rotating != nil {
			return ""
		}
		v, err := s.AddPending(h.value(), author, now)
		if err != nil {
			return ""
		}
		if pick(4) > 0 {
			s.Rotating = &inventory.Rotating{Version: v.Number, Runbook: books[pick(len(books))], Started: now, By: author}
			return fmt.Sprintf("rotate v%d", v.Number)
		}
		return fmt.Sprintf("stage v%d", v.Number)
	case 3:
		if s.Rotating == nil {
			return ""
		}
		r := s.Rotating
		r.Steps = append(r.Steps, inventory.StepOutcome{Step: r.Next, Name: "step", Outcome: inventory.StepOK, At: now, By: author})
		r.Next++
		return "step"
	case 4:
		v, err := s.Promote()
		if err != nil {
			return ""
		}
		return fmt.Sprintf("promote v%d", v.Number)
	case 5:
		if s.Rotating == nil || !s.Rotating.Promoted(s) {
			return ""
		}
		s.Rotating = nil
		return "finish"
	case 6:
		if s.Rotating == nil {
			return ""
		}
		n := s.Rotating.Version
		if err := s.Unrotate(n); err != nil {
			return ""
		}
		s.Rotating = nil
		return fmt.Sprintf("rollback v%d", n)
	case 7:
		switch pick(5) {
		case 0:
			s.Owner = owners[pick(len(owners))]
		case 1:
			s.Description = descs[pick(len(descs))]
		case 2:
			s.Tags = slices.Clone(tagSets[pick(len(tagSets))])
		case 3:
			s.Rotation.Every = everys[pick(len(everys))]
		case 4:
			s.Rotation.Runbook = books[pick(len(books))]
		}
		return "edit"
	case 8:
		var retired []int
		for i, v := range s.Versions {
			if v.State == inventory.Retired && v.Value != "" {
				retired = append(retired, i)
			}
		}
		if len(retired) == 0 {
			return ""
		}
		i := retired[pick(len(retired))]
		s.Versions[i].Value = ""
		return fmt.Sprintf("drop v%d", s.Versions[i].Number)
	case 9:
		s.Exposures = append(s.Exposures, inventory.Exposure{Member: authors[pick(len(authors))], At: now})
		return "expose"
	case 10:
		// A re-encryption: every value sealed again, the same versions.
		for i := range s.Versions {
			if v := &s.Versions[i]; v.Value != "" {
				*h.seals++
				v.Value = fakeValue(originOf(v.Value), *h.seals)
				v.SealedAs = 0
			}
		}
		s.Readers, s.ReadersSum = []string{author}, "sum-"+author
		return "rekey"
	case 11, 12:
		if !s.InConflict() {
			return ""
		}
		var choices []int
		for _, v := range s.Versions {
			if v.State == inventory.Conflicted || v.State == inventory.Current || v.State == inventory.Pending {
				choices = append(choices, v.Number)
			}
		}
		keep := 0
		if len(choices) > 0 && slices.ContainsFunc(s.Versions, func(v inventory.Version) bool { return v.State == inventory.Conflicted }) {
			keep = choices[pick(len(choices))]
		}
		if err := s.Resolve(keep); err != nil {
			panic(fmt.Sprintf("resolve --keep %d: %v", keep, err))
		}
		return fmt.Sprintf("resolve %d", keep)
	default:
		return ""
	}
}

// run applies n random changes to a copy of s, starting at clock.
func (h *history) run(name string, s *inventory.Secret, n int, clock time.Time) *inventory.Secret {
	s = clone(s)
	for range n {
		// Clones' clocks: often the same second, sometimes behind.
		clock = clock.Add(time.Duration(h.r.IntN(4)-1) * time.Second)
		before := clone(s)
		what := h.step(s, clock)
		if what == "" {
			s = before
			continue
		}
		if err := s.Validate(nil); err != nil {
			s = before // the command would have refused it
			continue
		}
		h.log = append(h.log, name+": "+what)
	}
	return s
}

// origins are the origins of the values that s holds.
func origins(s *inventory.Secret) map[int]bool {
	m := map[int]bool{}
	for _, v := range s.Versions {
		if v.Value != "" {
			m[originOf(v.Value)] = true
		}
	}
	return m
}

func TestMergeRandom(t *testing.T) {
	t.Parallel()
	seeds := []uint64{}
	if seed, ok := replaySeed(t); ok {
		seeds = append(seeds, seed)
	} else {
		first := uint64(time.Now().UnixNano())
		for i := range *mergeCount {
			seeds = append(seeds, first+uint64(i))
		}
	}
	start := time.Now()
	for _, seed := range seeds {
		if msg := mergeHistory(seed); msg != "" {
			t.Fatalf("seed %d: %s\nreplay: go test ./inventory -run TestMergeRandom -merge.seed %d", seed, msg, seed)
		}
	}
	t.Logf("%d histories in %v", len(seeds), time.Since(start).Round(time.Millisecond))
}

// replaySeed is the seed to replay, from -merge.seed or CABINET_MERGE_SEED.
func replaySeed(t *testing.T) (uint64, bool) {
	t.Helper()
	if *mergeSeed != 0 {
		return *mergeSeed, true
	}
	env := os.Getenv("CABINET_MERGE_SEED")
	if env == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(env, 10, 64)
	if err != nil {
		t.Fatalf("CABINET_MERGE_SEED=%q: %v", env, err)
	}
	return n, true
}

// randomSeed is the seed of a randomized test: the one to replay, else a
// new one each run (the failure messages name it).
func randomSeed(t *testing.T) uint64 {
	t.Helper()
	if seed, ok := replaySeed(t); ok {
		return seed
	}
	return uint64(time.Now().UnixNano())
}

// mergeHistory generates one history from seed and checks its merges; it
// returns what went wrong, with the history, or "".
func mergeHistory(seed uint64) (msg string) {
	next, seals := 0, 0
	h := &history{r: rand.New(rand.NewPCG(seed, 0)), next: &next, seals: &seals}
	defer func() {
		if p := recover(); p != nil {
			msg = fmt.Sprintf("panic: %v", p)
		}
		if msg != "" {
			msg += "\nhistory:\n  " + strings.Join(h.log, "\n  ")
		}
	}()
	clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var base *inventory.Secret
	if h.r.IntN(8) > 0 {
		base = h.run("base", &inventory.Secret{Path: "prod/db/password", Owner: "data-platform"}, h.r.IntN(8), clock)
		// Sometimes base is itself a merge, conflicts and all.
		if h.r.IntN(3) == 0 {
			x := h.run("x", base, 1+h.r.IntN(5), clock.Add(time.Minute))
			y := h.run("y", base, 1+h.r.IntN(5), clock.Add(time.Minute))
			base = inventory.MergeSecret(base, x, y)
			if err := base.Validate(nil); err != nil {
				return "an earlier merge is invalid: " + err.Error()
			}
		}
		clock = clock.Add(time.Hour)
	}
	start := base
	if start == nil {
		start = &inventory.Secret{Path: "prod/db/password", Owner: owners[h.r.IntN(len(owners))]}
	}
	ours := h.run("ours", start, h.r.IntN(9), clock)
	theirs := h.run("theirs", start, h.r.IntN(9), clock)
	if h.r.IntN(5) == 0 {
		// Criss-cross: a third clone's work reached both sides first.
		third := h.run("third", start, 1+h.r.IntN(4), clock)
		ours = h.run("ours", inventory.MergeSecret(base, ours, third), h.r.IntN(3), clock.Add(time.Hour))
		theirs = h.run("theirs", inventory.MergeSecret(base, theirs, third), h.r.IntN(3), clock.Add(time.Hour))
	}
	return checkMerge(base, ours, theirs)
}

// checkMerge checks the promises of MergeSecret on one pair of sides.
func checkMerge(base, ours, theirs *inventory.Secret) string {
	m := inventory.MergeSecret(base, ours, theirs)
	back := inventory.MergeSecret(base, theirs, ours)
	if !reflect.DeepEqual(m, back) {
		return fmt.Sprintf("the merge depends on its direction:\n ours first:   %s\n theirs first: %s", dump(m), dump(back))
	}
	if err := m.Validate(nil); err != nil {
		return fmt.Sprintf("the merge is invalid: %v\n base:   %s\n ours:   %s\n theirs: %s\n merged: %s", err, dump(base), dump(ours), dump(theirs), dump(m))
	}
	if strings.Contains(fmt.Sprintf("%+v", m), "<<<<<<<") {
		return "conflict markers in the merge"
	}
	// Every value that either side made is there, and every value both
	// sides kept.
	o, a, b, got := map[int]bool{}, origins(ours), origins(theirs), origins(m)
	if base != nil {
		o = origins(base)
	}
	for _, side := range []map[int]bool{a, b} {
		for id := range side {
			if !got[id] && (!o[id] || (a[id] && b[id])) {
				return fmt.Sprintf("value v%d is lost\n base:   %s\n ours:   %s\n theirs: %s\n merged: %s", id, dump(base), dump(ours), dump(theirs), dump(m))
			}
		}
	}
	// A side merged with itself, or with an unchanged side, is that side.
	for _, side := range []*inventory.Secret{ours, theirs} {
		want := norm(side)
		got := []*inventory.Secret{inventory.MergeSecret(base, side, side)}
		if base != nil {
			got = append(got, inventory.MergeSecret(base, base, side), inventory.MergeSecret(base, side, base))
		}
		for _, g := range got {
			if !reflect.DeepEqual(g, want) {
				return fmt.Sprintf("merging a side with itself or base changes it:\n side: %s\n got:  %s", dump(want), dump(g))
			}
		}
	}
	return ""
}

// norm is s as a merge returns it: empty lists are nil.
func norm(s *inventory.Secret) *inventory.Secret {
	c := clone(s)
	nilIfEmpty(&c.Tags)
	nilIfEmpty(&c.Readers)
	nilIfEmpty(&c.Exposures)
	nilIfEmpty(&c.Versions)
	nilIfEmpty(&c.Conflicts)
	if c.Rotating != nil {
		nilIfEmpty(&c.Rotating.Steps)
	}
	return c
}

func nilIfEmpty[T any](list *[]T) {
	if len(*list) == 0 {
		*list = nil
	}
}

// dump shows a secret on one line, values by their origin.
func dump(s *inventory.Secret) string {
	if s == nil {
		return "<none>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "owner=%s desc=%q tags=%v every=%s runbook=%s exposed=%d conflicts=%v readers=%s", s.Owner, s.Description, s.Tags, s.Rotation.Every, s.Rotation.Runbook, len(s.Exposures), s.Conflicts, s.ReadersSum)
	for _, v := range s.Versions {
		val := "-"
		if v.Value != "" {
			val = strings.TrimSpace(strings.Split(v.Value, "\n")[1])
		}
		sealed := ""
		if v.SealedAs > 0 {
			sealed = fmt.Sprintf("(as %d)", v.SealedAs)
		}
		fmt.Fprintf(&b, " [%d%s %s %s %s %s]", v.Number, sealed, v.State, v.Created.Format("15:04:05"), v.Author, val)
	}
	if r := s.Rotating; r != nil {
		fmt.Fprintf(&b, " rotating v%d next=%d by %s", r.Version, r.Next, r.By)
	}
	return b.String()
}
