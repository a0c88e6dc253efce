package inventory

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MergeSecret merges two versions of one secret file, ours and theirs, that
// both descend from base (nil when both clones added the secret). It is
// what Git's merge driver calls when two clones changed the same secret.
//
// The merge is pure and symmetric: MergeSecret(base, x, y) equals
// MergeSecret(base, y, x), so that every clone ends with the same file
// whichever side merges. It never loses a version that either side made,
// and the result passes Validate whenever both sides do.
//
// # Metadata
//
// Owner, description, tags, the rotation period and the runbook merge
// three ways, each on its own: a field that only one side changed takes that
// side's value; a field that both changed differently keeps the larger of
// the two by its text (the same choice on every clone) and is named in
// Conflicts for a member to check. The readers and their digest are one
// field, merged the same way, but a clash is not a conflict: the next
// re-encryption seals every value to the scope again (and a value that both
// sides sealed again comes from the side whose readers were kept, so that
// the two agree). Exposures and
// Conflicts merge as sets: what either side added is kept, and what one
// side removed (a rotation answers an exposure; resolve settles a
// conflict) stays removed.
//
// # Versions
//
// A version is known by its value (the ciphertext), else by its number,
// creation time and author: a value re-sealed by a re-encryption, or
// dropped once retired, is still the same version. The versions of both
// sides are kept, except one that base had and one side removed without the
// other side changing its state (a rollback of a rotation nobody else
// touched). A version in base whose state both sides changed keeps the
// change of the side that made one; if both did, differently, the later
// state in the order pending, conflict, current, previous, retired wins.
//
// New values on both sides are a conflict: when more than one version
// became current (two concurrent sets, two promoted rotations, a set and a
// promote), the latest by creation time (then author, then value) is
// current and the others take the state conflict. A pending version (a
// rotation under way) stays pending only if every new current value was
// made on its side (a rotation started after the set it follows); when
// another clone made a new current value, or started another rotation
// whose value is later, it takes the state conflict as well. The rotation
// in progress follows its version: it stays on record beside a value in
// conflict, so that whoever settles the conflict sees its steps. Both sides
// changing the rotation in progress differently records FieldRotating.
//
// Two different versions with the same number are renumbered: sorted by
// creation time, author and value, the first keeps the number and the
// others get numbers above the highest, in that order, each remembering in
// SealedAs the number its value was sealed for (a merge has no key to
// re-seal with). When the new numbers would break the order of states (a
// previous version newer than the current one, a pending one older), the
// version that must be newer is renumbered above the highest too.
func MergeSecret(base, ours, theirs *Secret) *Secret {
	hasBase := base != nil
	if base == nil {
		base = &Secret{}
	}
	o, a, b := normalize(base), normalize(ours), normalize(theirs)
	out := &Secret{Path: max(a.Path, b.Path)}
	if a.Path == b.Path {
		out.Path = a.Path
	}
	var conflicts []string
	field := func(name string, clash bool) {
		if clash {
			conflicts = append(conflicts, name)
		}
	}
	var clash bool
	out.Owner, clash = merge3(hasBase, o.Owner, a.Owner, b.Owner, identity)
	field(FieldOwner, clash)
	out.Description, clash = merge3(hasBase, o.Description, a.Description, b.Description, identity)
	field(FieldDescription, clash)
	out.Tags, clash = merge3(hasBase, o.Tags, a.Tags, b.Tags, listKey)
	field(FieldTags, clash)
	out.Rotation.Every, clash = merge3(hasBase, o.Rotation.Every, a.Rotation.Every, b.Rotation.Every, everyKey)
	field(FieldEvery, clash)
	out.Rotation.Runbook, clash = merge3(hasBase, o.Rotation.Runbook, a.Rotation.Runbook, b.Rotation.Runbook, identity)
	field(FieldRunbook, clash)
	readers, readersClash := merge3(hasBase, readersOf(o), readersOf(a), readersOf(b), readersKey)
	out.Readers, out.ReadersSum = readers.names, readers.sum
	// Values that both sides sealed again (each to its own readers) come
	// from the side whose readers the merge kept, so that they agree.
	sealedTo := 0
	if readersClash {
		sealedTo = 2
		if readersKey(readersOf(a)) > readersKey(readersOf(b)) {
			sealedTo = 1
		}
	}
	out.Exposures = mergeSet(hasBase, o.Exposures, a.Exposures, b.Exposures, exposureKey)

	vm := mergeVersions(hasBase, o, a, b, sealedTo)
	out.Versions = vm.versions()
	var rotClash bool
	out.Rotating, rotClash = vm.rotating(hasBase, o.Rotating, a.Rotating, b.Rotating)
	field(FieldRotating, rotClash)

	out.Conflicts = mergeSet(hasBase, o.Conflicts, a.Conflicts, b.Conflicts, identity)
	if len(conflicts) > 0 {
		out.Conflicts = append(out.Conflicts, conflicts...)
		slices.Sort(out.Conflicts)
		out.Conflicts = slices.Compact(out.Conflicts)
	}
	return out
}

// normalize returns a deep copy of s with empty lists as nil and times in
// UTC, so that equal values compare equal whichever side they come from.
func normalize(s *Secret) *Secret {
	c := *s
	c.Tags = cloneList(s.Tags)
	c.Readers = cloneList(s.Readers)
	c.Conflicts = cloneList(s.Conflicts)
	c.Exposures = nil
	for _, e := range s.Exposures {
		c.Exposures = append(c.Exposures, Exposure{Member: e.Member, At: e.At.UTC()})
	}
	c.Versions = nil
	for _, v := range s.Versions {
		v.Created = v.Created.UTC()
		c.Versions = append(c.Versions, v)
	}
	if r := s.Rotating; r != nil {
		rc := *r
		rc.Started, rc.WaitUntil = r.Started.UTC(), r.WaitUntil.UTC()
		rc.Steps = nil
		for _, st := range r.Steps {
			st.At = st.At.UTC()
			rc.Steps = append(rc.Steps, st)
		}
		c.Rotating = &rc
	}
	return &c
}

func cloneList[T any](list []T) []T {
	if len(list) == 0 {
		return nil
	}
	return slices.Clone(list)
}

// merge3 merges one field three ways. key is the field's canonical text:
// equal keys are equal values. A field that one side left as base had takes
// the other side's value; one that both changed differently keeps the value
// with the larger key, and clash reports it. Without a base, only equal
// values merge cleanly.
func merge3[T any](hasBase bool, base, a, b T, key func(T) string) (v T, clash bool) {
	ka, kb := key(a), key(b)
	switch {
	case ka == kb:
		return a, false
	case hasBase && ka == key(base):
		return b, false
	case hasBase && kb == key(base):
		return a, false
	case ka > kb:
		return a, true
	}
	return b, true
}

// mergeSet merges a field that is a set: unchanged on a side, the other
// side's; changed on both, what either side has, minus what base had and a
// side removed, sorted by key.
func mergeSet[T any](hasBase bool, base, a, b []T, key func(T) string) []T {
	lk := func(list []T) string { return listKey(keys(list, key)) }
	if v, clash := merge3(hasBase, base, a, b, lk); !clash {
		return v
	}
	inA, inB := set(a, key), set(b, key)
	var out []T
	seen := map[string]bool{}
	for _, x := range slices.Concat(a, b) {
		k := key(x)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, x)
	}
	out = slices.DeleteFunc(out, func(x T) bool {
		k := key(x)
		return slices.ContainsFunc(base, func(y T) bool { return key(y) == k }) && (!inA[k] || !inB[k])
	})
	slices.SortFunc(out, func(x, y T) int { return strings.Compare(key(x), key(y)) })
	return cloneList(out)
}

func keys[T any](list []T, key func(T) string) []string {
	ks := make([]string, len(list))
	for i, x := range list {
		ks[i] = key(x)
	}
	return ks
}

func set[T any](list []T, key func(T) string) map[string]bool {
	m := map[string]bool{}
	for _, x := range list {
		m[key(x)] = true
	}
	return m
}

func identity(s string) string { return s }

// listKey is a list's canonical text: its length, then its elements.
func listKey(list []string) string {
	return strconv.Itoa(len(list)) + "\x00" + strings.Join(list, "\x00")
}

func everyKey(e Every) string { return strconv.Itoa(e.N) + "\x00" + string(e.Unit) }

func exposureKey(e Exposure) string {
	return e.At.UTC().Format(time.RFC3339Nano) + "\x00" + e.Member
}

type readers struct {
	names []string
	sum   string
}

func readersOf(s *Secret) readers { return readers{s.Readers, s.ReadersSum} }

func readersKey(r readers) string { return r.sum + "\x00" + listKey(r.names) }

// mergedVersion is one version as each input has it (nil where it does
// not), and what the merge makes of it.
type mergedVersion struct {
	base, a, b *Version
	out        Version
	// pendingOn says on which sides (1 ours, 2 theirs) it is pending, and
	// currentOn where it is current.
	pendingOn, currentOn int
}

func (m *mergedVersion) sides() int {
	s := 0
	if m.a != nil {
		s |= 1
	}
	if m.b != nil {
		s |= 2
	}
	return s
}

// newCurrent reports whether the merge makes m current where base had
// another current value (or none).
func (m *mergedVersion) newCurrent() bool {
	return m.out.State == Current && (m.base == nil || m.base.State != Current)
}

// versionMerge is the versions of a merge, the kept ones in kept.
type versionMerge struct {
	all  []*mergedVersion
	kept []*mergedVersion
	// of finds the merged version of an input's version number: input 0
	// base, 1 ours, 2 theirs.
	of [3]map[int]*mergedVersion
}

// laterVersion orders versions by creation time, author and value (and,
// for a tie that only a damaged file has, number and state): the order in
// which the latest new value wins and in which a clash of numbers is
// renumbered.
func laterVersion(x, y *Version) int {
	return cmp.Or(x.Created.Compare(y.Created), strings.Compare(x.Author, y.Author), strings.Compare(x.Value, y.Value),
		cmp.Compare(x.Number, y.Number), cmp.Compare(stateRank(x.State), stateRank(y.State)), cmp.Compare(x.SealedAs, y.SealedAs))
}

// stateRank orders states as a rotation moves a version along them; where
// both sides changed a version's state differently the later one wins.
func stateRank(s State) int {
	switch s {
	case Pending:
		return 0
	case Conflicted:
		return 1
	case Current:
		return 2
	case Previous:
		return 3
	case Retired:
		return 4
	}
	return -1
}

type metaID struct {
	number  int
	created int64
	author  string
}

func metaOf(v *Version) metaID { return metaID{v.Number, v.Created.UnixNano(), v.Author} }

// pair matches the versions of two inputs: first by value, then, among the
// ones left, by number, creation time and author (a value re-sealed or
// dropped on one side), if compatible allows. It returns the match of each
// version of x in y (-1 for none). Both lists are visited in the order of
// laterVersion, so that the pairing does not depend on which input is x.
func pair(x, y []Version, xTaken, yTaken []bool, compatible func(vx, vy *Version) bool) []int {
	match := make([]int, len(x))
	for i := range match {
		match[i] = -1
	}
	order := func(list []Version, taken []bool) []int {
		var idx []int
		for i := range list {
			if !taken[i] {
				idx = append(idx, i)
			}
		}
		slices.SortFunc(idx, func(i, j int) int { return laterVersion(&list[i], &list[j]) })
		return idx
	}
	xs, ys := order(x, xTaken), order(y, yTaken)
	link := func(sameKey func(vx, vy *Version) bool) {
		for _, i := range xs {
			if xTaken[i] {
				continue
			}
			for _, j := range ys {
				if !yTaken[j] && sameKey(&x[i], &y[j]) && compatible(&x[i], &y[j]) {
					match[i], xTaken[i], yTaken[j] = j, true, true
					break
				}
			}
		}
	}
	link(func(vx, vy *Version) bool { return vx.Value != "" && vx.Value == vy.Value })
	link(func(vx, vy *Version) bool { return metaOf(vx) == metaOf(vy) })
	return match
}

func mergeVersions(hasBase bool, o, a, b *Secret, sealedTo int) *versionMerge {
	vm := &versionMerge{}
	for i := range vm.of {
		vm.of[i] = map[int]*mergedVersion{}
	}
	always := func(*Version, *Version) bool { return true }
	// A side's version is base's when the value is the same, or when base's
	// value is not on that side and number, time and author agree (the side
	// re-sealed it or dropped it).
	aTaken, bTaken := make([]bool, len(a.Versions)), make([]bool, len(b.Versions))
	oTakenA, oTakenB := make([]bool, len(o.Versions)), make([]bool, len(o.Versions))
	aOfBase := pair(o.Versions, a.Versions, oTakenA, aTaken, always)
	bOfBase := pair(o.Versions, b.Versions, oTakenB, bTaken, always)
	for i := range o.Versions {
		m := &mergedVersion{base: &o.Versions[i]}
		if j := aOfBase[i]; j >= 0 {
			m.a = &a.Versions[j]
		}
		if j := bOfBase[i]; j >= 0 {
			m.b = &b.Versions[j]
		}
		vm.all = append(vm.all, m)
	}
	// New versions on both sides are one version when their values are
	// the same, or when one side dropped the value of a version that both
	// have by number, time and author; two values made at the same second
	// by the same author under the same number on two clones are two.
	newMatch := pair(a.Versions, b.Versions, aTaken, bTaken, func(x, y *Version) bool {
		return x.Value == y.Value || x.Value == "" || y.Value == ""
	})
	bPaired := make([]bool, len(b.Versions))
	for i := range a.Versions {
		if slices.Contains(aOfBase, i) {
			continue
		}
		m := &mergedVersion{a: &a.Versions[i]}
		if j := newMatch[i]; j >= 0 {
			m.b, bPaired[j] = &b.Versions[j], true
		}
		vm.all = append(vm.all, m)
	}
	for j := range b.Versions {
		if !slices.Contains(bOfBase, j) && !bPaired[j] {
			vm.all = append(vm.all, &mergedVersion{b: &b.Versions[j]})
		}
	}
	for _, m := range vm.all {
		if m.mergeOne(sealedTo) {
			vm.kept = append(vm.kept, m)
		}
		for i, v := range []*Version{m.base, m.a, m.b} {
			if v != nil {
				vm.of[i][v.Number] = m
			}
		}
	}
	vm.settle()
	return vm
}

// mergeOne decides whether m is kept and what it becomes.
func (m *mergedVersion) mergeOne(sealedTo int) bool {
	for bit, v := range map[int]*Version{1: m.a, 2: m.b} {
		if v != nil && v.State == Pending {
			m.pendingOn |= bit
		}
		if v != nil && v.State == Current {
			m.currentOn |= bit
		}
	}
	switch {
	case m.a == nil && m.b == nil:
		return false
	case m.a == nil || m.b == nil:
		only := cmp.Or(m.a, m.b)
		// Removed on one side: gone, unless the other side changed its
		// state meanwhile (promoted the rotation the other rolled back):
		// a value someone put to use is not dropped silently.
		if m.base != nil && only.State == m.base.State {
			return false
		}
		m.out = *only
		return true
	}
	hasBase := m.base != nil
	base := Version{}
	if hasBase {
		base = *m.base
	}
	a, b := *m.a, *m.b
	m.out = a
	m.out.State = mergeState(hasBase, base.State, a.State, b.State)
	type numbers struct{ n, sealed int }
	nk := func(x numbers) string { return fmt.Sprintf("%020d %020d", x.n, x.sealed) }
	num, _ := merge3(hasBase, numbers{base.Number, base.SealedAs}, numbers{a.Number, a.SealedAs}, numbers{b.Number, b.SealedAs}, nk)
	m.out.Number, m.out.SealedAs = num.n, num.sealed
	m.out.Created, _ = merge3(hasBase, base.Created, a.Created, b.Created, func(t time.Time) string { return t.Format(time.RFC3339Nano) })
	m.out.Author, _ = merge3(hasBase, base.Author, a.Author, b.Author, identity)
	value, clash := merge3(hasBase, base.Value, a.Value, b.Value, identity)
	switch {
	case clash && a.Value != "" && b.Value != "" && sealedTo != 0:
		// Both sealed again: the side whose readers were kept.
		value = []string{"", a.Value, b.Value}[sealedTo]
	case clash && (a.Value == "" || b.Value == ""):
		// One side dropped the value, the other re-sealed it: dropped if the
		// version is retired, else kept. Without base to show that both
		// sides had the value, it is kept.
		value = a.Value + b.Value
		if hasBase && m.out.State == Retired {
			value = ""
		}
	}
	m.out.Value = value
	return true
}

// mergeState merges a version's state: the side that changed it wins; both
// changed differently, the later in the order of stateRank.
func mergeState(hasBase bool, base, a, b State) State {
	switch {
	case a == b:
		return a
	case hasBase && a == base:
		return b
	case hasBase && b == base:
		return a
	case stateRank(a) > stateRank(b):
		return a
	}
	return b
}

// settle turns the kept versions, each merged on its own, into a secret's
// versions: new values on both sides become a conflict, clashing numbers
// are renumbered, and the states are made to follow the rules of Validate.
func (vm *versionMerge) settle() {
	kept := vm.kept
	byState := func(st State) []*mergedVersion {
		var list []*mergedVersion
		for _, m := range kept {
			if m.out.State == st {
				list = append(list, m)
			}
		}
		slices.SortFunc(list, func(x, y *mergedVersion) int { return laterVersion(&x.out, &y.out) })
		return list
	}
	// Only a retired version may lack its value.
	for _, m := range kept {
		if m.out.Value == "" {
			m.out.State = Retired
		}
	}
	// New current values: the latest stays current, the others clash.
	var newCurrents []*mergedVersion
	for _, m := range byState(Current) {
		if m.newCurrent() {
			newCurrents = append(newCurrents, m)
		}
	}
	currents := byState(Current)
	if len(currents) == 0 {
		// No version is current, although a side had one: both sides settled
		// an earlier conflict differently (each made another one current).
		// The latest of those is current, the others are in conflict again.
		for _, m := range kept {
			if m.currentOn != 0 && m.out.Value != "" {
				currents = append(currents, m)
			}
		}
		slices.SortFunc(currents, func(x, y *mergedVersion) int { return laterVersion(&x.out, &y.out) })
	}
	if n := len(currents); n > 0 {
		currents[n-1].out.State = Current
		for _, m := range currents[:n-1] {
			m.out.State = Conflicted
		}
	}
	// A rotation stays under way only if every new current value was made
	// on a side where it was under way; of two rotations, the later.
	pendings := byState(Pending)
	for _, p := range pendings {
		for _, n := range newCurrents {
			if n.sides()&p.pendingOn == 0 {
				p.out.State = Conflicted
			}
		}
	}
	pendings = byState(Pending)
	for _, p := range pendings[:max(len(pendings)-1, 0)] {
		p.out.State = Conflicted
	}

	// Two versions with one number: the first by laterVersion keeps it, the
	// others get numbers above the highest.
	top := 0
	byNumber := map[int][]*mergedVersion{}
	for _, m := range kept {
		top = max(top, m.out.Number)
		byNumber[m.out.Number] = append(byNumber[m.out.Number], m)
	}
	for _, n := range slices.Sorted(maps.Keys(byNumber)) {
		group := byNumber[n]
		slices.SortFunc(group, func(x, y *mergedVersion) int { return laterVersion(&x.out, &y.out) })
		for _, m := range group[1:] {
			top++
			m.renumber(top)
		}
	}

	outs := make([]*Version, len(kept))
	for i, m := range kept {
		outs[i] = &m.out
	}
	orderStates(outs)
}

// renumber gives m the number n (see renumberVersion).
func (m *mergedVersion) renumber(n int) { renumberVersion(&m.out, n) }

// versions are the kept versions, newest first.
func (vm *versionMerge) versions() []Version {
	var list []Version
	for _, m := range vm.kept {
		list = append(list, m.out)
	}
	slices.SortFunc(list, func(x, y Version) int { return y.Number - x.Number })
	return list
}

// rotating merges the rotation in progress: three ways as a whole, its
// version known as the merged version it names. Where both sides changed it
// differently (clash), the one whose version is pending or current wins,
// then one whose version is in conflict; it is dropped when its version is
// gone or no longer new.
func (vm *versionMerge) rotating(hasBase bool, o, a, b *Rotating) (*Rotating, bool) {
	// A rotation is known by its fields, the merged version it names and
	// that version's state on its side: promoting it changes it.
	type cand struct {
		r  *Rotating
		m  *mergedVersion
		st State
	}
	at := func(input int, r *Rotating) cand {
		if r == nil {
			return cand{}
		}
		c := cand{r: r, m: vm.of[input][r.Version]}
		if c.m != nil {
			c.st = []*Version{c.m.base, c.m.a, c.m.b}[input].State
		}
		return c
	}
	rank := func(c cand) int {
		switch {
		case c.r == nil:
			return 0
		case c.m == nil || !slices.Contains(vm.kept, c.m):
			return 1
		case c.m.out.State == Conflicted:
			return 2
		case c.m.out.State == Pending || c.m.out.State == Current:
			return 3
		}
		return 1
	}
	key := func(c cand) string {
		if c.r == nil {
			return ""
		}
		r := *c.r
		r.Version = 0
		id := ""
		if c.m != nil {
			id = fmt.Sprintf("%s|%s|%s", c.m.out.Created.Format(time.RFC3339Nano), c.m.out.Author, c.m.out.Value)
		}
		return fmt.Sprintf("%d|%s|%s|%+v", rank(c), id, c.st, r)
	}
	co, ca, cb := at(0, o), at(1, a), at(2, b)
	c, clash := merge3(hasBase, co, ca, cb, key)
	if c.r == nil || rank(c) < 2 {
		return nil, clash
	}
	r := *c.r
	r.Version = c.m.out.Number
	r.Steps = cloneList(r.Steps)
	return &r, clash
}
