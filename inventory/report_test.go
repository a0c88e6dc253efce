package inventory_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// The report's clock: a period of 30 days up to repNow.
var (
	repNow   = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	repSince = repNow.AddDate(0, 0, -30)
)

const repDay = 24 * time.Hour

// ago is n days before repNow.
func ago(n float64) time.Time { return repNow.Add(-time.Duration(n * float64(repDay))) }

// repSecret is a secret owned by "team" whose current value was made at
// made by alice, with a policy of every ("" for none).
func repSecret(path, every string, made time.Time) inventory.Secret {
	e, err := inventory.ParseEvery(every)
	if err != nil {
		panic(err)
	}
	return inventory.Secret{Path: path, Owner: "team", Rotation: inventory.Rotation{Every: e},
		Versions: []inventory.Version{{Number: 1, State: inventory.Current, Created: made, Author: "alice", Value: armored}}}
}

func ev(at time.Time, actor, action, path string, version int, outcome, detail string) inventory.Event {
	return inventory.Event{Time: at, Actor: actor, Action: action, Path: path, Version: version, Outcome: outcome, Detail: detail}
}

func read(at time.Time, actor, path string) inventory.Event {
	return ev(at, actor, inventory.ActionRead, path, 1, inventory.OutcomeOK, "")
}

func report(secrets []inventory.Secret, events []inventory.Event, members ...string) inventory.Report {
	return inventory.BuildReport(inventory.ReportInput{Store: "team", Secrets: secrets, Events: events, Members: members,
		Now: repNow, Since: repSince, Warning: inventory.DefaultWarning})
}

func paths[T any](rows []T, path func(T) string) string {
	var out []string
	for _, r := range rows {
		out = append(out, path(r))
	}
	return strings.Join(out, " ")
}

func TestReportDeadlines(t *testing.T) {
	t.Parallel()
	exposed := repSecret("prod/exposed", "90d", ago(100))
	exposed.Exposures = []inventory.Exposure{{Member: "bob", At: ago(5)}}
	rotating := repSecret("prod/rotating", "90d", ago(100))
	rotating.Versions = append([]inventory.Version{{Number: 2, State: inventory.Pending, Created: ago(1), Author: "alice", Value: armored}}, rotating.Versions...)
	rotating.Versions[1].State = inventory.Current
	secrets := []inventory.Secret{
		repSecret("prod/late10", "90d", ago(100)), // deadline 10 days ago
		repSecret("prod/late30", "30d", ago(60)),  // deadline 30 days ago: listed first
		repSecret("prod/due10", "90d", ago(80)),   // 10 days left
		repSecret("prod/due13", "90d", ago(77)),   // 13 days left, inside the 14 days
		repSecret("prod/ok", "90d", ago(75)),      // 15 days left: ok
		repSecret("prod/nopolicy", "", ago(400)),
		exposed,  // past its deadline, but exposed comes first
		rotating, // past its deadline, but being rotated
	}
	r := report(secrets, nil, "alice")
	if got := paths(r.Overdue, func(o inventory.OverdueRow) string { return fmt.Sprintf("%s:%d", o.Path, o.DaysLate) }); got != "prod/late30:30 prod/late10:10" {
		t.Errorf("overdue = %s", got)
	}
	if got := paths(r.Due, func(o inventory.DueRow) string { return fmt.Sprintf("%s:%d", o.Path, o.DaysLeft) }); got != "prod/due10:10 prod/due13:13" {
		t.Errorf("due = %s", got)
	}
	o := r.Overdue[1]
	if o.Owner != "team" || o.Every != "90d" || !o.Deadline.Equal(ago(10)) || o.Version != 1 || !o.ValueCreated.Equal(ago(100)) || o.ValueAuthor != "alice" {
		t.Errorf("overdue row = %+v", o)
	}
	if s := r.Summary; s.Secrets != 8 || s.Overdue != 2 || s.Due != 2 || s.NoPolicy != 1 || s.Exposed != 1 {
		t.Errorf("summary = %+v", s)
	}
}

func TestReportSecretsThatNeedAttention(t *testing.T) {
	t.Parallel()
	noValue := inventory.Secret{Path: "prod/partner/key", Owner: "partners"}
	exposed := repSecret("stg/app/key", "90d", ago(20))
	exposed.Exposures = []inventory.Exposure{{Member: "carol", At: ago(2)}, {Member: "bob", At: ago(3)}}
	conflict := repSecret("prod/db/password", "90d", ago(20))
	conflict.Versions = append([]inventory.Version{{Number: 2, State: inventory.Conflicted, Created: ago(1), Author: "bob", Value: armored}}, conflict.Versions...)
	conflict.Conflicts = []string{inventory.FieldOwner}
	fieldsOnly := repSecret("prod/db/user", "90d", ago(20))
	fieldsOnly.Conflicts = []string{inventory.FieldDescription, inventory.FieldTags}
	secrets := []inventory.Secret{repSecret("dev/a", "", ago(3)), noValue, exposed, conflict, fieldsOnly, repSecret("dev/ok", "90d", ago(1))}
	events := []inventory.Event{
		ev(ago(2), "alice", inventory.ActionCreate, "prod/partner/key", 0, inventory.OutcomeOK, ""),
		ev(ago(1), "bob", inventory.ActionEdit, "prod/partner/key", 0, inventory.OutcomeOK, ""),
	}
	r := report(secrets, events, "alice")

	if len(r.NoPolicy) != 2 || r.NoPolicy[0].Path != "dev/a" || r.NoPolicy[0].Version != 1 || !r.NoPolicy[0].ValueCreated.Equal(ago(3)) ||
		r.NoPolicy[1].Path != "prod/partner/key" || r.NoPolicy[1].ValueCreated != nil {
		t.Errorf("no policy = %+v", r.NoPolicy)
	}
	if len(r.NoValue) != 1 || r.NoValue[0].Owner != "partners" || r.NoValue[0].Created == nil || !r.NoValue[0].Created.Equal(ago(2)) || r.NoValue[0].CreatedBy != "alice" {
		t.Errorf("no value = %+v (created by the create event, not the edit)", r.NoValue)
	}
	if got := paths(r.Exposed, func(x inventory.ExposedRow) string { return x.Path + ":" + x.Member + ":" + string(x.Status) }); got != "stg/app/key:bob:exposed stg/app/key:carol:exposed" {
		t.Errorf("exposed = %s", got)
	}
	if got := paths(r.InConflict, func(c inventory.ConflictRow) string { return fmt.Sprint(c.Path, c.Versions, c.Fields) }); got != "prod/db/password[2] [owner] prod/db/user[] [description tags]" {
		t.Errorf("in conflict = %s", got)
	}
	if s := r.Summary; s.NoPolicy != 2 || s.NoValue != 1 || s.Exposed != 1 || s.InConflict != 2 || s.Overdue != 0 {
		t.Errorf("summary = %+v", s)
	}
}

func TestReportSecretsNotReadIn90Days(t *testing.T) {
	t.Parallel()
	rotatedLately := repSecret("prod/rotated", "90d", ago(10)) // made 200 days ago by its create event
	secrets := []inventory.Secret{
		repSecret("prod/never", "", ago(200)),
		repSecret("prod/long-ago", "", ago(200)),
		repSecret("prod/lately", "", ago(200)),
		repSecret("prod/new", "", ago(10)), // ten days old, never read: not a candidate yet
		repSecret("prod/denied", "", ago(200)),
		rotatedLately,
		repSecret("prod/again", "", ago(95)), // made again after a removal
		repSecret("prod/edge", "", ago(90)),  // exactly 90 days old, never read
	}
	events := []inventory.Event{
		read(ago(100), "bob", "prod/long-ago"),
		read(ago(120), "alice", "prod/long-ago"),
		read(ago(10), "bob", "prod/lately"),
		ev(ago(5), "mallory", inventory.ActionRead, "prod/denied", 1, inventory.OutcomeDenied, "no identity matches"),
		ev(ago(200), "alice", inventory.ActionCreate, "prod/rotated", 0, inventory.OutcomeOK, ""),
		// An earlier secret of the same path, read, then removed.
		ev(ago(300), "alice", inventory.ActionSet, "prod/again", 1, inventory.OutcomeOK, ""),
		read(ago(110), "alice", "prod/again"),
		ev(ago(100), "alice", inventory.ActionRemove, "prod/again", 0, inventory.OutcomeOK, ""),
		ev(ago(95), "alice", inventory.ActionSet, "prod/again", 1, inventory.OutcomeOK, ""),
	}
	r := report(secrets, events, "alice", "bob")
	var got []string
	for _, u := range r.Unread {
		last := "never"
		if u.LastRead != nil {
			last = fmt.Sprintf("%s@%.0f", u.LastReader, repNow.Sub(*u.LastRead).Hours()/24)
		}
		got = append(got, fmt.Sprintf("%s:%.0f:%s", u.Path, repNow.Sub(u.Exists).Hours()/24, last))
	}
	want := []string{
		// Never read first, the oldest first; then by last read.
		"prod/denied:200:never", "prod/never:200:never", "prod/rotated:200:never", "prod/again:95:never", "prod/edge:90:never",
		"prod/long-ago:200:bob@100",
	}
	if !slices.Equal(got, want) {
		t.Errorf("not read in 90 days:\n got %q\nwant %q", got, want)
	}
	if r.Summary.NotRead90d != len(want) {
		t.Errorf("summary counts %d", r.Summary.NotRead90d)
	}
}

func TestReportReadsInThePeriod(t *testing.T) {
	t.Parallel()
	events := []inventory.Event{
		read(ago(1), "alice", "prod/db"),
		ev(ago(2), "alice", inventory.ActionReveal, "prod/db", 1, inventory.OutcomeOK, ""),
		ev(ago(3), "bob", inventory.ActionCopy, "prod/db", 1, inventory.OutcomeOK, ""),
		read(ago(4), "bob", "dev/app"),
		ev(ago(5), "bob", inventory.ActionRead, "prod/other", 1, inventory.OutcomeDenied, "no identity matches"),
		ev(ago(6), "carol", inventory.ActionRead, "prod/db", 1, inventory.OutcomeFailed, "tampered"),
		read(ago(31), "alice", "prod/old"), // before the period
		ev(ago(2), "alice", inventory.ActionSet, "prod/db", 2, inventory.OutcomeOK, ""),
		ev(ago(1), "alice", inventory.ActionJoin, "", 0, inventory.OutcomeOK, "joins abc"),
	}
	r := report(nil, events, "alice", "bob", "carol")
	bySecret := paths(r.ReadsBySecret, func(s inventory.SecretReadsRow) string {
		return fmt.Sprintf("%s:%d/%d/%d/%d@%v", s.Path, s.Reads, s.Members, s.Denied, s.Failed, lastDays(s.LastRead))
	})
	if bySecret != "dev/app:1/1/0/0@4 prod/db:3/2/0/1@1 prod/other:0/0/1/0@never" {
		t.Errorf("reads by secret (reads/members/denied/failed@last) = %s", bySecret)
	}
	byMember := paths(r.ReadsByMember, func(m inventory.MemberReadsRow) string {
		return fmt.Sprintf("%s:%d/%d/%d/%d@%v", m.Member, m.Reads, m.Secrets, m.Denied, m.Failed, lastDays(m.LastRead))
	})
	if byMember != "alice:2/1/0/0@1 bob:2/2/1/0@3 carol:0/0/0/1@never" {
		t.Errorf("reads by member (reads/secrets/denied/failed@last) = %s", byMember)
	}
	if s := r.Summary; s.Reads != 4 || s.Readers != 2 || s.DeniedReads != 1 || s.FailedReads != 1 {
		t.Errorf("summary = %+v", s)
	}
}

func lastDays(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return fmt.Sprintf("%.0f", repNow.Sub(*t).Hours()/24)
}

func TestReportRotations(t *testing.T) {
	t.Parallel()
	const p = "prod/db/password"
	step := func(at time.Time, who, path string, v int, outcome, detail string) inventory.Event {
		return ev(at, who, inventory.ActionRotateStep, path, v, outcome, detail)
	}
	events := []inventory.Event{
		// Finished: started by alice, approved by carol, ended by bob.
		ev(ago(20), "alice", inventory.ActionRotateStart, p, 2, "ok", "runbook db-password"),
		step(ago(20).Add(time.Minute), "alice", p, 2, "ok", "step 1: apply: ok"),
		ev(ago(19).Add(-time.Minute), "carol", inventory.ActionRotateApprove, p, 2, "ok", "approved by carol"),
		ev(ago(19), "bob", inventory.ActionRotatePromote, p, 2, "ok", "step 2: v2 is current"),
		ev(ago(18), "bob", inventory.ActionRotateFinish, p, 2, "ok", "v2 is current"),
		// A step failed and the rotation was rolled back.
		ev(ago(10), "alice", inventory.ActionRotateStart, p, 3, "ok", "runbook db-password"),
		step(ago(10).Add(time.Minute), "alice", p, 3, "failed", "step 1: apply: failed (exit status 1)"),
		step(ago(10).Add(2*time.Minute), "alice", p, 3, "ok", "rollback: restore: ok"),
		ev(ago(10).Add(3*time.Minute), "alice", inventory.ActionRotateRollback, p, 3, "ok", "v3 discarded"),
		// The same number again, a new rotation: a step failed and nothing
		// followed (the process died).
		ev(ago(5), "bob", inventory.ActionRotateStart, p, 3, "ok", "runbook db-password"),
		step(ago(5).Add(time.Minute), "bob", p, 3, "running", "step 1: apply: running"),
		step(ago(4), "bob", p, 3, "failed", "step 1: apply: failed (signal: killed)"),
		// In progress, without a runbook, on another secret.
		ev(ago(1), "alice", inventory.ActionRotateStart, "prod/api/token", 5, "ok", "in one step (no runbook)"),
		// Before the period: not listed.
		ev(ago(60), "alice", inventory.ActionRotateStart, "prod/old", 2, "ok", "in one step (no runbook)"),
		ev(ago(60).Add(time.Minute), "alice", inventory.ActionRotateFinish, "prod/old", 2, "ok", "v2 is current"),
		// Started before the period, rolled back in it, its rollback steps
		// failing.
		ev(ago(40), "bob", inventory.ActionRotateStart, "prod/s3", 7, "ok", "runbook s3"),
		ev(ago(2), "alice", inventory.ActionRotateRollback, "prod/s3", 7, "failed", "v7 discarded; rollback steps failed: undo: exit status 2"),
	}
	// The log's order is not time order.
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
	r := report(nil, events, "alice", "bob", "carol")
	var got []string
	for _, row := range r.Rotations {
		got = append(got, fmt.Sprintf("%s v%d [%s] %s by %s (approved %s): %s %s by %s; %s",
			row.Path, row.Version, row.Runbook, lastDays(row.Started), row.StartedBy, row.ApprovedBy, row.Ended, lastDays(row.EndedAt), row.EndedBy, row.Note))
	}
	want := []string{
		"prod/s3 v7 [s3] 40 by bob (approved ): rolled-back 2 by alice; v7 discarded; rollback steps failed: undo: exit status 2",
		"prod/db/password v2 [db-password] 20 by alice (approved carol): finished 18 by bob; ",
		"prod/db/password v3 [db-password] 10 by alice (approved ): rolled-back 10 by alice; step 1: apply: failed (exit status 1)",
		"prod/db/password v3 [db-password] 5 by bob (approved ): failed 4 by bob; step 1: apply: failed (signal: killed)",
		"prod/api/token v5 [] 1 by alice (approved ): in-progress never by ; ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rotations:\n got %q\nwant %q", got, want)
	}
	if r.Summary.Rotations != 5 {
		t.Errorf("summary counts %d rotations", r.Summary.Rotations)
	}
}

func TestReportFormerMembers(t *testing.T) {
	t.Parallel()
	removed := ago(10)
	events := []inventory.Event{
		read(ago(40), "bob", "prod/a"),
		read(ago(20), "bob", "prod/a"),
		read(ago(15), "bob", "prod/b"),
		ev(removed, "alice", inventory.ActionMemberRemove, "", 0, "ok", "bob"),
		read(ago(3), "bob", "prod/a"), // after the removal: alarming
		ev(ago(2), "bob", inventory.ActionRead, "prod/c", 1, inventory.OutcomeDenied, "no identity matches"),
		ev(ago(9), "bob", inventory.ActionSet, "prod/a", 2, "ok", ""), // a change, not an access
		// Dave was removed and never did anything himself.
		ev(ago(50), "alice", inventory.ActionMemberRemove, "", 0, "ok", "dave"),
		// Erin is in no member list, and no removal names her.
		read(ago(100), "erin", "prod/a"),
		// Frank was removed, then added back: a member.
		ev(ago(30), "alice", inventory.ActionMemberRemove, "", 0, "ok", "frank"),
		ev(ago(20), "alice", inventory.ActionMemberAdd, "", 0, "ok", "frank"),
		read(ago(1), "frank", "prod/a"),
		// An identity that is no member's was refused: not a former member.
		ev(ago(1), inventory.UnknownActor, inventory.ActionRead, "prod/a", 1, inventory.OutcomeDenied, "no identity matches"),
	}
	r := report(nil, events, "alice", "frank")
	var got []string
	for _, f := range r.FormerMembers {
		got = append(got, fmt.Sprintf("%s removed %s by %s: %d reads of %d secrets, last %s, %d after", f.Member, lastDays(f.Removed), f.RemovedBy, f.Reads, f.Secrets, lastDays(f.LastRead), f.AfterRemoval))
	}
	want := []string{
		"bob removed 10 by alice: 4 reads of 2 secrets, last 3, 2 after",
		"dave removed 50 by alice: 0 reads of 0 secrets, last never, 0 after",
		"erin removed never by : 1 reads of 1 secrets, last 100, 0 after",
	}
	if !slices.Equal(got, want) {
		t.Errorf("former members:\n got %q\nwant %q", got, want)
	}
	if len(r.AfterRemoval) != 2 {
		t.Fatalf("access after removal = %+v", r.AfterRemoval)
	}
	late := r.AfterRemoval[0]
	if !late.Time.Equal(ago(3)) || late.Member != "bob" || late.Path != "prod/a" || late.Outcome != "ok" || !late.Removed.Equal(removed) ||
		r.AfterRemoval[1].Path != "prod/c" || r.AfterRemoval[1].Outcome != inventory.OutcomeDenied {
		t.Errorf("access after removal = %+v", r.AfterRemoval)
	}
	if s := r.Summary; s.FormerMembers != 3 || s.FormerWithAccess != 2 || s.AccessAfterRemoval != 2 {
		t.Errorf("summary = %+v", s)
	}
}

// The same store and clock give the same report, whatever order the
// secrets and events come in.
func TestReportIsDeterministic(t *testing.T) {
	t.Parallel()
	secrets, events := reportFixture(200, 3000, 7)
	want := inventory.BuildReport(inventory.ReportInput{Secrets: secrets, Events: events, Members: []string{"m0", "m1"}, Now: repNow, Since: repSince, Warning: inventory.DefaultWarning})
	rng := rand.New(rand.NewPCG(3, 4))
	for range 3 {
		rng.Shuffle(len(secrets), func(i, j int) { secrets[i], secrets[j] = secrets[j], secrets[i] })
		rng.Shuffle(len(events), func(i, j int) { events[i], events[j] = events[j], events[i] })
		got := inventory.BuildReport(inventory.ReportInput{Secrets: secrets, Events: events, Members: []string{"m1", "m0"}, Now: repNow, Since: repSince, Warning: inventory.DefaultWarning})
		if !reflect.DeepEqual(got, want) {
			t.Fatal("the report changed with the order of its input")
		}
	}
	if len(want.Overdue) == 0 || len(want.ReadsBySecret) == 0 || len(want.Rotations) == 0 || len(want.FormerMembers) == 0 || len(want.Unread) == 0 {
		t.Errorf("the fixture leaves a table empty: %+v", want.Summary)
	}
}

// An empty store has every table, empty: JSON readers get [] and never
// null.
func TestReportOfAnEmptyStore(t *testing.T) {
	t.Parallel()
	r := report(nil, nil, "alice")
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "null") {
		t.Errorf("JSON of an empty report holds null: %s", data)
	}
	if r.Warning != "14d" || !r.Since.Equal(repSince) || !r.Generated.Equal(repNow) {
		t.Errorf("report = %+v", r)
	}
}

// reportFixture makes n secrets and m events of a store that has run for a
// year: reads by a few dozen members, some removed, and rotations.
func reportFixture(n, m int, seed uint64) ([]inventory.Secret, []inventory.Event) {
	rng := rand.New(rand.NewPCG(seed, seed))
	secrets := make([]inventory.Secret, n)
	for i := range secrets {
		every := []string{"", "30d", "90d", "180d"}[rng.IntN(4)]
		secrets[i] = repSecret(fmt.Sprintf("prod/team%02d/system%03d/key", i%40, i), every, ago(float64(rng.IntN(365))))
		if rng.IntN(50) == 0 {
			secrets[i].Exposures = []inventory.Exposure{{Member: "gone1", At: ago(3)}}
		}
	}
	actions := []string{inventory.ActionRead, inventory.ActionRead, inventory.ActionRead, inventory.ActionReveal, inventory.ActionCopy, inventory.ActionSet,
		inventory.ActionRotateStart, inventory.ActionRotateStep, inventory.ActionRotateFinish}
	events := make([]inventory.Event, m)
	for i := range events {
		action := actions[rng.IntN(len(actions))]
		outcome := inventory.OutcomeOK
		if rng.IntN(40) == 0 {
			outcome = inventory.OutcomeDenied
		}
		events[i] = ev(ago(rng.Float64()*365), fmt.Sprintf("m%d", rng.IntN(30)), action, secrets[rng.IntN(n)].Path, 1+rng.IntN(3), outcome, "")
		if rng.IntN(1000) == 0 {
			events[i] = ev(ago(rng.Float64()*365), "m0", inventory.ActionMemberRemove, "", 0, inventory.OutcomeOK, fmt.Sprintf("m%d", 2+rng.IntN(28)))
		}
	}
	return secrets, events
}

// BenchmarkReport builds the report of 10,000 secrets and 100,000 events
// (the audit report's budget is 2 s, reading the store included).
func BenchmarkReport(b *testing.B) {
	secrets, events := reportFixture(10_000, 100_000, 1)
	in := inventory.ReportInput{Secrets: secrets, Events: events, Members: []string{"m0", "m1", "m2"}, Now: repNow, Since: repSince, Warning: inventory.DefaultWarning}
	b.ReportAllocs()
	for b.Loop() {
		inventory.BuildReport(in)
	}
}

// TestReportCountsAJobsReads: a run event lists every value the job read;
// each counts as a read of its secret, so a secret that only a pipeline
// reads is no candidate to remove.
func TestReportCountsAJobsReads(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	made := now.Add(-200 * 24 * time.Hour)
	sec := func(p string) inventory.Secret {
		return inventory.Secret{Path: p, Owner: "data", Versions: []inventory.Version{{Number: 1, State: inventory.Current, Created: made, Author: "alice"}}}
	}
	events := []inventory.Event{
		{Time: made, Actor: "alice", Action: inventory.ActionSet, Path: "prod/db/password", Version: 1, Outcome: inventory.OutcomeOK},
		{Time: made, Actor: "alice", Action: inventory.ActionSet, Path: "prod/api/key", Version: 1, Outcome: inventory.OutcomeOK},
		{Time: now.Add(-time.Hour), Actor: "etl", Action: inventory.ActionRun, Outcome: inventory.OutcomeOK,
			Detail: inventory.ReadDetail("etl-job", []string{"prod/db/password"}, []int{1})},
	}
	r := inventory.BuildReport(inventory.ReportInput{Secrets: []inventory.Secret{sec("prod/db/password"), sec("prod/api/key")}, Events: events,
		Members: []string{"alice", "etl"}, Now: now, Since: now.Add(-30 * 24 * time.Hour), Warning: inventory.DefaultWarning})
	if len(r.Unread) != 1 || r.Unread[0].Path != "prod/api/key" {
		t.Errorf("not read in 90 days: %+v, want prod/api/key alone", r.Unread)
	}
	if len(r.ReadsBySecret) != 1 || r.ReadsBySecret[0].Path != "prod/db/password" || r.ReadsBySecret[0].Reads != 1 {
		t.Errorf("reads by secret: %+v", r.ReadsBySecret)
	}
}
