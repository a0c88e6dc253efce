package inventory

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The audit report: what a team lead and an auditor ask of a store at a
// given time. It is built from the secrets' metadata and every member's
// audit log, with no key: rotations overdue and due, secrets that need
// attention, secrets nobody reads, who read what in a period, how the
// rotations of the period ended, and what members since removed did.
//
// Each table is a slice of rows, sorted so that the same store and clock
// give the same report, byte for byte. The JSON form of a report is the
// Report itself.

// UnreadAge is how long a secret goes unread, and exists, before the
// report names it as a candidate to remove.
const UnreadAge = 90 * 24 * time.Hour

// ReportInput is what a report is built from.
type ReportInput struct {
	// Store names the store in the report's title.
	Store   string
	Secrets []Secret
	// Events are every log's events, in any order (within one log, in the
	// file's order). Join lines are skipped.
	Events []Event
	// Members are the current members' names.
	Members []string
	// Now is when the report is made; Since starts its period (included).
	// Events before Since still count where a rule looks at the whole log
	// (reads in the last 90 days, former members).
	Now, Since time.Time
	// Warning is the store's warning window: a deadline closer than it is
	// due.
	Warning time.Duration
}

// Report is the audit report. Every time in it is UTC.
type Report struct {
	Store     string    `json:"store"`
	Generated time.Time `json:"generated"`
	Since     time.Time `json:"since"`
	// Warning is the store's warning window, as "14d" or "36h".
	Warning string        `json:"warning"`
	Summary ReportSummary `json:"summary"`

	Overdue    []OverdueRow  `json:"overdue"`
	Due        []DueRow      `json:"due"`
	NoPolicy   []NoPolicyRow `json:"no_policy"`
	NoValue    []NoValueRow  `json:"no_value"`
	Exposed    []ExposedRow  `json:"exposed"`
	InConflict []ConflictRow `json:"in_conflict"`
	// Unread are the candidates to remove: secrets that exist for 90 days
	// or more and that nobody read in the last 90 days.
	Unread        []UnreadRow      `json:"not_read_90d"`
	ReadsBySecret []SecretReadsRow `json:"reads_by_secret"`
	ReadsByMember []MemberReadsRow `json:"reads_by_member"`
	Rotations     []RotationRow    `json:"rotations"`
	FormerMembers []FormerRow      `json:"former_members"`
	// AfterRemoval are the accesses by a member after their removal: each
	// one calls for a look.
	AfterRemoval []LateAccessRow `json:"access_after_removal"`
}

// ReportSummary counts what the tables list.
type ReportSummary struct {
	Secrets    int `json:"secrets"`
	Overdue    int `json:"overdue"`
	Due        int `json:"due"`
	NoPolicy   int `json:"no_policy"`
	NoValue    int `json:"no_value"`
	Exposed    int `json:"exposed"`
	InConflict int `json:"in_conflict"`
	NotRead90d int `json:"not_read_90d"`
	// Reads are the reads of a value in the period (read, reveal, copy)
	// that succeeded, by Readers members; denied and failed ones are
	// counted apart.
	Reads       int `json:"reads"`
	Readers     int `json:"readers"`
	DeniedReads int `json:"denied_reads"`
	FailedReads int `json:"failed_reads"`
	Rotations   int `json:"rotations"`
	// FormerMembers are the members since removed that the log or a
	// removal names; FormerWithAccess those of them who ever read a value.
	FormerMembers      int `json:"former_members"`
	FormerWithAccess   int `json:"former_members_with_access"`
	AccessAfterRemoval int `json:"access_after_removal"`
}

// RotationDue is a secret whose deadline is near or past.
type RotationDue struct {
	Path     string    `json:"path"`
	Owner    string    `json:"owner"`
	Every    string    `json:"every"`
	Deadline time.Time `json:"deadline"`
	// Version is the current version, made at ValueCreated by ValueAuthor.
	Version      int       `json:"version"`
	ValueCreated time.Time `json:"value_created"`
	ValueAuthor  string    `json:"value_author"`
}

// OverdueRow is a secret past its deadline.
type OverdueRow struct {
	RotationDue
	DaysLate int `json:"days_late"`
}

// DueRow is a secret whose deadline is within the warning window.
type DueRow struct {
	RotationDue
	DaysLeft int `json:"days_left"`
}

// NoPolicyRow is a secret with no rotation period.
type NoPolicyRow struct {
	Path  string `json:"path"`
	Owner string `json:"owner"`
	// Version is the current version (0: none), made at ValueCreated.
	Version      int        `json:"version"`
	ValueCreated *time.Time `json:"value_created"`
}

// NoValueRow is a secret registered without a value, or with none
// current.
type NoValueRow struct {
	Path  string `json:"path"`
	Owner string `json:"owner"`
	// Created is when the log says it was made, nil if it does not say.
	Created   *time.Time `json:"created"`
	CreatedBy string     `json:"created_by"`
}

// ExposedRow is one removal that exposed a secret: Member could read it
// and lost access at At. The secret needs a new value.
type ExposedRow struct {
	Path   string    `json:"path"`
	Owner  string    `json:"owner"`
	Member string    `json:"member"`
	At     time.Time `json:"at"`
	// Status is the secret's status (rotating: the answer is under way).
	Status Status `json:"status"`
}

// ConflictRow is a secret a merge left for a member to settle.
type ConflictRow struct {
	Path  string `json:"path"`
	Owner string `json:"owner"`
	// Versions are the values in conflict, Fields the fields.
	Versions []int    `json:"versions"`
	Fields   []string `json:"fields"`
}

// UnreadRow is a secret nobody read in the last 90 days.
type UnreadRow struct {
	Path  string `json:"path"`
	Owner string `json:"owner"`
	// Exists is the earliest time it is known to exist: its first
	// version's creation or the event that made it.
	Exists time.Time `json:"exists_since"`
	// LastRead is its last successful read, nil for never, by LastReader.
	LastRead   *time.Time `json:"last_read"`
	LastReader string     `json:"last_reader"`
}

// SecretReadsRow counts the reads of one secret in the period.
type SecretReadsRow struct {
	Path    string `json:"path"`
	Reads   int    `json:"reads"`
	Members int    `json:"members"` // distinct members who read it
	Denied  int    `json:"denied"`
	Failed  int    `json:"failed"`
	// LastRead is the last successful read, nil if all were refused.
	LastRead *time.Time `json:"last_read"`
}

// MemberReadsRow counts one member's reads in the period.
type MemberReadsRow struct {
	Member   string     `json:"member"`
	Reads    int        `json:"reads"`
	Secrets  int        `json:"secrets"` // distinct secrets read
	Denied   int        `json:"denied"`
	Failed   int        `json:"failed"`
	LastRead *time.Time `json:"last_read"`
}

// How a rotation ended.
const (
	RotationFinished   = "finished"
	RotationRolledBack = "rolled-back"
	RotationFailed     = "failed" // a step failed and nothing followed
	RotationInProgress = "in-progress"
)

// RotationRow is one rotation of a secret to a new version, from its
// rotate-* events.
type RotationRow struct {
	Path    string `json:"path"`
	Version int    `json:"version"`
	Runbook string `json:"runbook"`
	// Started is nil when the log holds no start for it.
	Started    *time.Time `json:"started"`
	StartedBy  string     `json:"started_by"`
	ApprovedBy string     `json:"approved_by"`
	Ended      string     `json:"ended"`
	EndedAt    *time.Time `json:"ended_at"`
	EndedBy    string     `json:"ended_by"`
	// Note says what went wrong: the step that failed, or the rollback
	// steps that did.
	Note string `json:"note"`
}

// FormerRow is a member since removed and what they did.
type FormerRow struct {
	Member string `json:"member"`
	// Removed is the last removal the log records, nil when it records
	// none (recipients.yaml edited by hand, or an older log).
	Removed   *time.Time `json:"removed"`
	RemovedBy string     `json:"removed_by"`
	// Reads are their successful reads of all time, of Secrets secrets.
	Reads    int        `json:"reads"`
	Secrets  int        `json:"secrets"`
	LastRead *time.Time `json:"last_read"`
	// AfterRemoval counts their accesses (refused ones too) after Removed.
	AfterRemoval int `json:"after_removal"`
}

// LateAccessRow is one access by a member after their removal.
type LateAccessRow struct {
	Time    time.Time `json:"time"`
	Member  string    `json:"member"`
	Action  string    `json:"action"`
	Path    string    `json:"path"`
	Version int       `json:"version"`
	Outcome string    `json:"outcome"`
	Removed time.Time `json:"removed"`
}

// BuildReport builds the report of in. It does no I/O, and its cost grows
// with the number of secrets and events, not with their product.
func BuildReport(in ReportInput) Report {
	now := in.Now.UTC()
	r := Report{
		Store: in.Store, Generated: now, Since: in.Since.UTC(), Warning: formatWindow(in.Warning),
		Overdue: []OverdueRow{}, Due: []DueRow{}, NoPolicy: []NoPolicyRow{}, NoValue: []NoValueRow{},
		Exposed: []ExposedRow{}, InConflict: []ConflictRow{}, Unread: []UnreadRow{},
	}
	lg := readLog(in.Events, in.Since)
	r.secretTables(in.Secrets, lg, now, in.Warning)
	r.readTables(lg)
	r.Rotations = rotationRows(lg.rotations, in.Since)
	r.formerTables(lg, in.Members)
	r.Summary = r.summarize(len(in.Secrets), lg)
	return r
}

// formatWindow writes a warning window as whole days, or hours.
func formatWindow(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return strconv.Itoa(int(d.Round(time.Hour)/time.Hour)) + "h"
}

// logFacts is what one pass over the log gathers.
type logFacts struct {
	// removed is the time of each path's last remove event: events before
	// it are of an earlier secret of that path.
	removed map[string]time.Time
	// made is the first event that made each path's value or entry, after
	// its last removal.
	made map[string]*Event
	// lastRead is each path's last successful read, after its last removal.
	lastRead map[string]*Event
	// In the period: the reads of each path and of each member.
	bySecret map[string]*SecretReadsRow
	byMember map[string]*MemberReadsRow
	pairs    map[[2]string]bool // (path, member) that read in the period
	// The events of rotations, in time order.
	rotations []*Event
	// For former members: each actor's events of all time, and the last
	// removal of each member.
	actors  map[string]*actorFacts
	removal map[string]*Event
}

// actorFacts is what one member did, of all time.
type actorFacts struct {
	reads    int
	secrets  map[string]bool
	lastRead time.Time
	accesses []*Event // every access, for the ones after a removal
}

func readLog(events []Event, since time.Time) *logFacts {
	events = oneReadEach(events)
	lg := &logFacts{
		removed: map[string]time.Time{}, made: map[string]*Event{}, lastRead: map[string]*Event{},
		bySecret: map[string]*SecretReadsRow{}, byMember: map[string]*MemberReadsRow{}, pairs: map[[2]string]bool{},
		actors: map[string]*actorFacts{}, removal: map[string]*Event{},
	}
	for i := range events {
		e := &events[i]
		switch {
		case e.Action == ActionRemove && e.Path != "":
			if t, ok := lg.removed[e.Path]; !ok || e.Time.After(t) {
				lg.removed[e.Path] = e.Time
			}
		case e.Action == ActionMemberRemove && e.Outcome == OutcomeOK:
			if prev := lg.removal[e.Detail]; prev == nil || !e.Time.Before(prev.Time) {
				lg.removal[e.Detail] = e
			}
		}
	}
	for i := range events {
		e := &events[i]
		if e.Action == ActionJoin {
			continue
		}
		lg.actor(e.Actor) // every actor, for the former members
		if e.Path != "" && !e.Time.Before(lg.removed[e.Path]) {
			lg.secretEvent(e)
		}
		if IsAccess(e.Action) && e.Path != "" {
			lg.access(e, since)
		}
		if strings.HasPrefix(e.Action, "rotate-") && e.Path != "" {
			lg.rotations = append(lg.rotations, e)
		}
	}
	slices.SortStableFunc(lg.rotations, func(a, b *Event) int { return a.Time.Compare(b.Time) })
	return lg
}

// oneReadEach turns each run or render event, which lists every value a
// job or a file read, into one read of each, so that a pipeline's reads
// count for each secret as a get's do (a secret read only by its job is
// no candidate to remove).
func oneReadEach(events []Event) []Event {
	var out []Event
	for i, e := range events {
		if (e.Action != ActionRun && e.Action != ActionRender) || e.Path != "" {
			if out != nil {
				out = append(out, e)
			}
			continue
		}
		if out == nil {
			out = append(make([]Event, 0, len(events)+8), events[:i]...)
		}
		for _, p := range e.Paths() {
			read := e
			read.Path = p
			out = append(out, read)
		}
	}
	if out == nil {
		return events
	}
	return out
}

func (lg *logFacts) actor(name string) *actorFacts {
	a := lg.actors[name]
	if a == nil {
		a = &actorFacts{secrets: map[string]bool{}}
		lg.actors[name] = a
	}
	return a
}

// secretEvent notes when the secret of e's path was made and last read.
func (lg *logFacts) secretEvent(e *Event) {
	switch e.Action {
	case ActionCreate, ActionSet, ActionStage, ActionRotateStart:
		if first := lg.made[e.Path]; first == nil || e.Time.Before(first.Time) {
			lg.made[e.Path] = e
		}
	case ActionRead, ActionReveal, ActionCopy, ActionRun, ActionRender:
		if last := lg.lastRead[e.Path]; e.Outcome == OutcomeOK && (last == nil || e.Time.After(last.Time)) {
			lg.lastRead[e.Path] = e
		}
	}
}

// access counts a read of a value: for its member of all time, and for the
// period's tables.
func (lg *logFacts) access(e *Event, since time.Time) {
	a := lg.actor(e.Actor)
	a.accesses = append(a.accesses, e)
	ok := e.Outcome == OutcomeOK
	if ok {
		a.reads++
		a.secrets[e.Path] = true
		if e.Time.After(a.lastRead) {
			a.lastRead = e.Time
		}
	}
	if e.Time.Before(since) {
		return
	}
	s := lg.bySecret[e.Path]
	if s == nil {
		s = &SecretReadsRow{Path: e.Path}
		lg.bySecret[e.Path] = s
	}
	m := lg.byMember[e.Actor]
	if m == nil {
		m = &MemberReadsRow{Member: e.Actor}
		lg.byMember[e.Actor] = m
	}
	switch e.Outcome {
	case OutcomeOK:
		s.Reads++
		m.Reads++
		s.LastRead, m.LastRead = later(s.LastRead, e.Time), later(m.LastRead, e.Time)
		if pair := [2]string{e.Path, e.Actor}; !lg.pairs[pair] {
			lg.pairs[pair] = true
			s.Members++
			m.Secrets++
		}
	case OutcomeDenied:
		s.Denied++
		m.Denied++
	default:
		s.Failed++
		m.Failed++
	}
}

// later is the later of t and *p, as a new pointer when t is.
func later(p *time.Time, t time.Time) *time.Time {
	if p != nil && !t.After(*p) {
		return p
	}
	t = t.UTC()
	return &t
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// secretTables fills the tables of secrets by where they stand.
func (r *Report) secretTables(secrets []Secret, lg *logFacts, now time.Time, warning time.Duration) {
	for i := range secrets {
		s := &secrets[i]
		cur := s.CurrentVersion()
		switch StatusAt(s, now, warning) {
		case StatusOverdue:
			d := rotationDue(s, cur)
			r.Overdue = append(r.Overdue, OverdueRow{d, WholeDays(now.Sub(d.Deadline))})
		case StatusDue:
			d := rotationDue(s, cur)
			r.Due = append(r.Due, DueRow{d, WholeDays(d.Deadline.Sub(now))})
		}
		if s.Rotation.Every.IsZero() {
			row := NoPolicyRow{Path: s.Path, Owner: s.Owner}
			if cur != nil {
				row.Version, row.ValueCreated = cur.Number, timePtr(cur.Created)
			}
			r.NoPolicy = append(r.NoPolicy, row)
		}
		if cur == nil {
			r.NoValue = append(r.NoValue, lg.noValueRow(s))
		}
		for _, x := range s.Exposures {
			r.Exposed = append(r.Exposed, ExposedRow{Path: s.Path, Owner: s.Owner, Member: x.Member, At: x.At.UTC(), Status: StatusAt(s, now, warning)})
		}
		if s.InConflict() {
			r.InConflict = append(r.InConflict, conflictRow(s))
		}
		if row, ok := lg.unread(s, now); ok {
			r.Unread = append(r.Unread, row)
		}
	}
	byDeadline := func(a, b RotationDue) int {
		return cmp.Or(a.Deadline.Compare(b.Deadline), strings.Compare(a.Path, b.Path))
	}
	slices.SortFunc(r.Overdue, func(a, b OverdueRow) int { return byDeadline(a.RotationDue, b.RotationDue) })
	slices.SortFunc(r.Due, func(a, b DueRow) int { return byDeadline(a.RotationDue, b.RotationDue) })
	slices.SortFunc(r.NoPolicy, func(a, b NoPolicyRow) int { return strings.Compare(a.Path, b.Path) })
	slices.SortFunc(r.NoValue, func(a, b NoValueRow) int { return strings.Compare(a.Path, b.Path) })
	slices.SortFunc(r.Exposed, func(a, b ExposedRow) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Member, b.Member), a.At.Compare(b.At))
	})
	slices.SortFunc(r.InConflict, func(a, b ConflictRow) int { return strings.Compare(a.Path, b.Path) })
	// Never read first, then the longest unread.
	slices.SortFunc(r.Unread, func(a, b UnreadRow) int {
		return cmp.Or(compareOptional(a.LastRead, b.LastRead), a.Exists.Compare(b.Exists), strings.Compare(a.Path, b.Path))
	})
}

// compareOptional orders times with nil (never) first.
func compareOptional(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Compare(*b)
}

func rotationDue(s *Secret, cur *Version) RotationDue {
	deadline, _ := Deadline(s)
	return RotationDue{Path: s.Path, Owner: s.Owner, Every: s.Rotation.Every.String(), Deadline: deadline.UTC(),
		Version: cur.Number, ValueCreated: cur.Created.UTC(), ValueAuthor: cur.Author}
}

func (lg *logFacts) noValueRow(s *Secret) NoValueRow {
	row := NoValueRow{Path: s.Path, Owner: s.Owner}
	if made := lg.made[s.Path]; made != nil {
		row.Created, row.CreatedBy = timePtr(made.Time), made.Actor
	}
	return row
}

func conflictRow(s *Secret) ConflictRow {
	row := ConflictRow{Path: s.Path, Owner: s.Owner, Versions: []int{}, Fields: append([]string{}, s.Conflicts...)}
	for _, v := range s.Versions {
		if v.State == Conflicted {
			row.Versions = append(row.Versions, v.Number)
		}
	}
	slices.Sort(row.Versions)
	return row
}

// unread says whether s is a candidate to remove: it exists for UnreadAge
// or more (its oldest version, or the event that made it) and nobody read
// it in the last UnreadAge.
func (lg *logFacts) unread(s *Secret, now time.Time) (UnreadRow, bool) {
	var exists time.Time
	made := lg.made[s.Path]
	known := made != nil
	if known {
		exists = made.Time
	}
	for _, v := range s.Versions {
		if !known || v.Created.Before(exists) {
			exists, known = v.Created, true
		}
	}
	cutoff := now.Add(-UnreadAge)
	last := lg.lastRead[s.Path]
	if !known || exists.After(cutoff) || last != nil && last.Time.After(cutoff) {
		return UnreadRow{}, false
	}
	row := UnreadRow{Path: s.Path, Owner: s.Owner, Exists: exists.UTC()}
	if last != nil {
		row.LastRead, row.LastReader = timePtr(last.Time), last.Actor
	}
	return row, true
}

// readTables sorts the period's reads into their tables.
func (r *Report) readTables(lg *logFacts) {
	r.ReadsBySecret = make([]SecretReadsRow, 0, len(lg.bySecret))
	for _, s := range lg.bySecret {
		r.ReadsBySecret = append(r.ReadsBySecret, *s)
	}
	slices.SortFunc(r.ReadsBySecret, func(a, b SecretReadsRow) int { return strings.Compare(a.Path, b.Path) })
	r.ReadsByMember = make([]MemberReadsRow, 0, len(lg.byMember))
	for _, m := range lg.byMember {
		r.ReadsByMember = append(r.ReadsByMember, *m)
	}
	slices.SortFunc(r.ReadsByMember, func(a, b MemberReadsRow) int { return strings.Compare(a.Member, b.Member) })
}

// rotationRows follows the rotate-* events, in time order, to one row per
// rotation, and keeps those with an event in the period. A rotation is
// known by its path and new version; a rotation rolled back frees its
// version number for the next one, so a start begins a new row.
func rotationRows(events []*Event, since time.Time) []RotationRow {
	type rotation struct {
		row      RotationRow
		last     *Event // its last event
		failed   *Event // its last failed step
		inPeriod bool
	}
	type key struct {
		path    string
		version int
	}
	var all []*rotation
	open := map[key]*rotation{}
	for _, e := range events {
		k := key{e.Path, e.Version}
		rot := open[k]
		if rot == nil || e.Action == ActionRotateStart {
			rot = &rotation{row: RotationRow{Path: e.Path, Version: e.Version}}
			all = append(all, rot)
			open[k] = rot
		}
		rot.last = e
		rot.inPeriod = rot.inPeriod || !e.Time.Before(since)
		switch e.Action {
		case ActionRotateStart:
			rot.row.Started, rot.row.StartedBy = timePtr(e.Time), e.Actor
			if runbook, ok := strings.CutPrefix(e.Detail, "runbook "); ok {
				rot.row.Runbook = runbook
			}
		case ActionRotateApprove:
			rot.row.ApprovedBy = e.Actor
		case ActionRotateStep:
			if e.Outcome == OutcomeFailed {
				rot.failed = e
			}
		case ActionRotateFinish:
			rot.row.Ended, rot.row.EndedAt, rot.row.EndedBy = RotationFinished, timePtr(e.Time), e.Actor
			delete(open, k)
		case ActionRotateRollback:
			rot.row.Ended, rot.row.EndedAt, rot.row.EndedBy = RotationRolledBack, timePtr(e.Time), e.Actor
			if e.Outcome == OutcomeFailed {
				rot.row.Note = e.Detail
			} else if rot.failed != nil {
				rot.row.Note = rot.failed.Detail
			}
			delete(open, k)
		}
	}
	rows := []RotationRow{}
	for _, rot := range all {
		if !rot.inPeriod {
			continue
		}
		if rot.row.Ended == "" {
			rot.row.Ended = RotationInProgress
			if rot.last == rot.failed {
				rot.row.Ended, rot.row.EndedAt, rot.row.EndedBy, rot.row.Note = RotationFailed, timePtr(rot.last.Time), rot.last.Actor, rot.last.Detail
			}
		}
		rows = append(rows, rot.row)
	}
	slices.SortStableFunc(rows, func(a, b RotationRow) int {
		return cmp.Or(compareOptional(a.Started, b.Started), strings.Compare(a.Path, b.Path), a.Version-b.Version)
	})
	return rows
}

// formerTables lists the members since removed: those the log names (as
// an actor, or in a removal) who are not members now.
func (r *Report) formerTables(lg *logFacts, members []string) {
	current := make(map[string]bool, len(members))
	for _, m := range members {
		current[m] = true
	}
	r.FormerMembers, r.AfterRemoval = []FormerRow{}, []LateAccessRow{}
	former := map[string]bool{}
	for name := range lg.actors {
		former[name] = !current[name] && name != UnknownActor
	}
	for name := range lg.removal {
		former[name] = !current[name]
	}
	for name, was := range former {
		if was {
			r.FormerMembers = append(r.FormerMembers, r.formerRow(lg, name))
		}
	}
	slices.SortFunc(r.FormerMembers, func(a, b FormerRow) int { return strings.Compare(a.Member, b.Member) })
	slices.SortFunc(r.AfterRemoval, func(a, b LateAccessRow) int {
		return cmp.Or(a.Time.Compare(b.Time), strings.Compare(a.Member, b.Member), strings.Compare(a.Path, b.Path),
			strings.Compare(a.Action, b.Action), a.Version-b.Version, strings.Compare(a.Outcome, b.Outcome))
	})
}

func (r *Report) formerRow(lg *logFacts, name string) FormerRow {
	row := FormerRow{Member: name}
	a := lg.actors[name]
	if a != nil {
		row.Reads, row.Secrets, row.LastRead = a.reads, len(a.secrets), timePtr(a.lastRead)
	}
	removal := lg.removal[name]
	if removal == nil {
		return row
	}
	row.Removed, row.RemovedBy = timePtr(removal.Time), removal.Actor
	if a == nil {
		return row
	}
	for _, e := range a.accesses {
		if e.Time.After(removal.Time) {
			row.AfterRemoval++
			r.AfterRemoval = append(r.AfterRemoval, LateAccessRow{Time: e.Time.UTC(), Member: name, Action: e.Action, Path: e.Path,
				Version: e.Version, Outcome: e.Outcome, Removed: removal.Time.UTC()})
		}
	}
	return row
}

func (r *Report) summarize(secrets int, lg *logFacts) ReportSummary {
	s := ReportSummary{
		Secrets: secrets, Overdue: len(r.Overdue), Due: len(r.Due), NoPolicy: len(r.NoPolicy), NoValue: len(r.NoValue),
		InConflict: len(r.InConflict), NotRead90d: len(r.Unread), Rotations: len(r.Rotations),
		FormerMembers: len(r.FormerMembers), AccessAfterRemoval: len(r.AfterRemoval),
	}
	exposed := map[string]bool{}
	for _, x := range r.Exposed {
		exposed[x.Path] = true
	}
	s.Exposed = len(exposed)
	for _, m := range r.ReadsByMember {
		s.Reads += m.Reads
		s.DeniedReads += m.Denied
		s.FailedReads += m.Failed
		if m.Reads > 0 {
			s.Readers++
		}
	}
	for _, f := range r.FormerMembers {
		if f.Reads > 0 {
			s.FormerWithAccess++
		}
	}
	return s
}
