package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/mattn/go-runewidth"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
	"github.com/cabinethq/cabinet/themes"
)

// timelineEvent is an event hours before testNow.
func timelineEvent(hours int, actor, action, path string, version int, outcome, detail string) inventory.Event {
	return inventory.Event{Time: testNow.Add(-time.Duration(hours) * time.Hour), Actor: actor, Action: action, Path: path,
		Version: version, Outcome: outcome, Detail: detail}
}

// timelineStore holds two secrets and the logs of three members: alice's
// verifies, bob's was tampered with, carol's last line was torn by a
// crash. alice removed prod/old/token, which the store no longer holds.
func timelineStore() *memStore {
	ok := inventory.OutcomeOK
	alice := []inventory.Event{
		timelineEvent(240, "alice", inventory.ActionSet, "prod/db/password", 1, ok, ""),
		timelineEvent(120, "alice", inventory.ActionRead, "prod/db/password", 1, ok, ""),
		timelineEvent(72, "alice", inventory.ActionRotateStart, "prod/db/password", 2, ok, ""),
		timelineEvent(71, "alice", inventory.ActionRotateStep, "prod/db/password", 2, inventory.OutcomeFailed, "step 2 apply: exit status 1"),
		timelineEvent(48, "alice", inventory.ActionMemberAdd, "", 0, ok, "carol"),
		timelineEvent(24, "alice", inventory.ActionRemove, "prod/old/token", 0, ok, ""),
	}
	bob := []inventory.Event{
		timelineEvent(96, "bob", inventory.ActionReveal, "prod/kafka/sasl", 1, ok, ""),
		timelineEvent(1, "bob", inventory.ActionCopy, "prod/db/password", 1, ok, ""),
	}
	carol := []inventory.Event{
		timelineEvent(30, "carol", inventory.ActionRead, "prod/kafka/sasl", 1, inventory.OutcomeDenied, ""),
	}
	return &memStore{
		secrets: []inventory.Secret{memSecret("prod/db/password", "data-platform", "90d", 97), memSecret("prod/kafka/sasl", "data-platform", "90d", 10)},
		logs: []store.AuditLog{
			{Member: "alice", Name: "audit/alice.jsonl", Events: alice, Check: inventory.LogCheck{Lines: 1204}},
			{Member: "bob", Name: "audit/bob.jsonl", Events: bob, Check: inventory.LogCheck{Lines: 17, Problems: []inventory.LogProblem{
				{Line: 17, Kind: inventory.ProblemTampered, What: "it follows a line that is not in the log: line 16 was edited, or a line before it removed"}}}},
			{Member: "carol", Name: "audit/carol.jsonl", Events: carol, Check: inventory.LogCheck{Lines: 2, Problems: []inventory.LogProblem{
				{Line: 2, Kind: inventory.ProblemTorn, What: "cut short by a crash while it was written (not tampering)"}}}},
		},
	}
}

func (h *harness) timeline() *auditScreen { return on[*auditScreen](h) }

// timelineRows are the events the audit screen lists, "actor action
// path" each, in its order.
func (h *harness) timelineRows() []string {
	s := h.timeline()
	if s == nil {
		h.t.Fatalf("the audit screen is not open:\n%s", h.m.View())
	}
	var rows []string
	for _, i := range s.shown {
		e := s.all[i]
		rows = append(rows, strings.TrimSpace(e.Actor+" "+e.Action+" "+e.Path))
	}
	return rows
}

func (h *harness) wantRows(want ...string) {
	h.t.Helper()
	if got := h.timelineRows(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		h.t.Fatalf("the audit screen lists\n  %s\nwant\n  %s\n%s", strings.Join(got, "\n  "), strings.Join(want, "\n  "), h.m.View())
	}
}

func (h *harness) wantOnScreen(want ...string) {
	h.t.Helper()
	view := h.m.View()
	for _, w := range want {
		if !strings.Contains(view, w) {
			h.t.Errorf("the screen lacks %q:\n%s", w, view)
		}
	}
}

// a opens the timeline, newest first, every member's events in one, under
// the state of each member's chain: a tampered log is named with its line,
// a torn last line is a warning.
func TestAuditScreenListsEveryEventNewestFirst(t *testing.T) {
	h := startHarness(t, 120, 30, timelineStore(), nil)
	h.wantOnScreen("a audit · o owners")
	h.keys("a")
	h.wantRows(
		"bob copy prod/db/password",
		"alice remove prod/old/token",
		"carol read prod/kafka/sasl",
		"alice member-add",
		"alice rotate-step prod/db/password",
		"alice rotate-start prod/db/password",
		"bob reveal prod/kafka/sasl",
		"alice read prod/db/password",
		"alice set prod/db/password",
	)
	h.wantOnScreen(
		"Audit · 9 events, newest first",
		"✓ alice 1,204 lines",
		"✗ bob: line 17: it follows a line that is not in the log: line 16 was edited",
		"▲ carol: line 2: cut short by a crash while it was written (not tampering)",
		"  WHEN             MEMBER ACTION       PATH",
		"▸ 2026-11-23 11:00 bob    copy         prod/db/password",
		"  2026-11-20 13:00 alice  rotate-step  prod/db/password",
		"v2   failed  step 2 apply: exit status 1",
		"  2026-11-21 12:00 alice  member-add                                         ok      carol",
		"esc back • enter open • / path • m member • a action • s since • ? help • q quit",
	)
	if view := h.m.View(); strings.Index(view, "✗ bob") > strings.Index(view, "✓ alice") && strings.Contains(view, "✓ alice") {
		t.Errorf("a log that does not verify is not listed first:\n%s", view)
	}
	h.keys("j", "j", "j", "j")
	h.wantOnScreen("2026-11-20 13:00:00 UTC · prod/db/password v2 · step 2 apply: exit status 1")
	h.keys("esc")
	if h.timeline() != nil {
		t.Fatal("esc did not close the audit screen")
	}
}

// Each filter of `cabinet audit`: path prefix, member, action (rotate and
// access among them), since and until; they combine, show in the screen's
// first line, and esc clears them before it goes back.
func TestAuditFilters(t *testing.T) {
	h := startHarness(t, 120, 30, timelineStore(), nil)
	h.keys("a", "/")
	if !h.m.top().Typing() {
		t.Fatal("/ did not open the path filter")
	}
	h.typeText("prod/kafka")
	h.wantRows("carol read prod/kafka/sasl", "bob reveal prod/kafka/sasl")
	h.keys("enter", "m")
	h.typeText("bob")
	h.keys("enter")
	h.wantRows("bob reveal prod/kafka/sasl")
	h.wantOnScreen("Audit path prod/kafka · member bob · 1 of 9 · esc clears", "esc clear • enter open")

	h.keys("esc")
	if h.timeline() == nil || len(h.timelineRows()) != 9 {
		t.Fatalf("esc did not clear the filters, or left the screen:\n%s", h.m.View())
	}

	h.keys("a")
	h.typeText("rotate")
	h.keys("enter")
	h.wantRows("alice rotate-step prod/db/password", "alice rotate-start prod/db/password")
	h.keys("a", "ctrl+u")
	h.typeText("access")
	h.keys("enter")
	h.wantRows("bob copy prod/db/password", "carol read prod/kafka/sasl", "bob reveal prod/kafka/sasl", "alice read prod/db/password")

	h.keys("s")
	h.typeText("2d")
	h.keys("enter")
	h.wantRows("bob copy prod/db/password", "carol read prod/kafka/sasl")
	h.keys("u")
	h.typeText("2026-11-22")
	h.keys("enter")
	h.wantRows("carol read prod/kafka/sasl")
	h.wantOnScreen("action access · since 2d · until 2026-11-22")

	h.keys("esc", "esc")
	if h.timeline() != nil {
		t.Fatal("esc, once the filters are clear, did not go back")
	}
}

// A filter that does not read yet leaves the list as it was while it is
// typed, and Enter says why instead of closing it; esc puts the filter
// back as it was.
func TestAuditFilterThatDoesNotRead(t *testing.T) {
	h := startHarness(t, 120, 30, timelineStore(), nil)
	h.keys("a", "s")
	h.typeText("2")
	h.wantOnScreen("since: 2", "does not read yet: an age (30d, 12h, 2w) or a date")
	if got := h.footer(); !strings.HasPrefix(got, "enter keep • esc cancel") || strings.Contains(got, "complete") {
		t.Fatalf("the footer while since is typed: %s", got)
	}
	if got := len(h.timelineRows()); got != 9 {
		t.Fatalf("a since of 2 filters to %d events", got)
	}
	h.keys("enter")
	if !h.m.top().Typing() {
		t.Fatal("enter closed a filter that does not read")
	}
	h.wantOnScreen(`✖ since: not a time: "2": give an age such as 30d`)
	h.typeText("d")
	h.wantRows("bob copy prod/db/password", "alice remove prod/old/token", "carol read prod/kafka/sasl", "alice member-add")
	h.keys("esc")
	if h.m.top().Typing() || len(h.timelineRows()) != 9 {
		t.Fatalf("esc did not put back the filter as it was:\n%s", h.m.View())
	}

	h.keys("a")
	h.typeText("rotat")
	h.keys("enter")
	h.wantOnScreen(`✖ unknown action "rotat": use one of read, reveal, copy`)
	h.keys("tab")
	if got := h.timeline().input.Value(); got != "rotate" {
		t.Fatalf("tab completed rotat to %q", got)
	}
	h.keys("enter", "m")
	if got := h.footer(); got != "enter keep • esc cancel • tab complete" {
		t.Fatalf("the footer while a member is typed: %s", got)
	}
	h.keys("tab")
	if got := h.timeline().input.Value(); got != "alice" {
		t.Fatalf("tab in the member filter gave %q", got)
	}
	h.keys("tab")
	if got := h.timeline().input.Value(); got != "bob" {
		t.Fatalf("tab again gave %q", got)
	}
}

// Enter opens the event's secret; esc comes back to the timeline as it
// was. An event about no secret, or about one removed since, says so.
func TestAuditEnterOpensTheEventsSecret(t *testing.T) {
	st := timelineStore()
	st.logs[2].Events = append(st.logs[2].Events, timelineEvent(500, "carol", inventory.ActionScopeSet, "stg/kafka/", 0, inventory.OutcomeOK, "alice, bob"))
	h := startHarness(t, 120, 30, st, nil)
	h.keys("a", "/")
	h.typeText("prod/kafka")
	h.keys("enter", "j", "enter")
	if d := h.detail(); d == nil || d.sec.Path != "prod/kafka/sasl" {
		t.Fatalf("enter did not open prod/kafka/sasl:\n%s", h.m.View())
	}
	h.keys("esc")
	if s := h.timeline(); s == nil || h.m.top() != s || s.cursor != 1 || s.query[fieldPath] != "prod/kafka" {
		t.Fatalf("esc did not come back to the timeline as it was:\n%s", h.m.View())
	}

	h.keys("esc") // the filter cleared, the event stays selected
	if e := h.timeline().selected(); e == nil || e.Actor != "bob" || e.Path != "prod/kafka/sasl" {
		t.Fatalf("clearing the filters lost the selected event:\n%s", h.m.View())
	}
	h.keys("g", "j", "enter") // alice removed prod/old/token
	if h.detail() != nil {
		t.Fatal("a removed secret opened")
	}
	if got := h.footer(); !strings.Contains(got, "prod/old/token is no longer in the store (removed by alice on 2026-11-22)") {
		t.Fatalf("footer: %s", got)
	}
	h.keys("j", "j", "enter") // alice added carol
	if got := h.footer(); !strings.Contains(got, "member-add concerns no one secret: there is nothing to open") {
		t.Fatalf("footer: %s", got)
	}
	h.keys("G", "enter") // carol set the scope of a folder
	if got := h.footer(); !strings.Contains(got, "scope-set concerns the folder stg/kafka/, not one secret") {
		t.Fatalf("footer: %s", got)
	}
}

// j/k, the pages, g and G move through a timeline longer than the screen,
// which keeps the selected event in view.
func TestAuditScrolls(t *testing.T) {
	st := timelineStore()
	var many []inventory.Event
	for i := 100; i > 0; i-- {
		many = append(many, timelineEvent(i, "dave", inventory.ActionRead, fmt.Sprintf("prod/app/key-%03d", i), 1, inventory.OutcomeOK, ""))
	}
	st.logs = append(st.logs, store.AuditLog{Member: "dave", Name: "audit/dave.jsonl", Events: many, Check: inventory.LogCheck{Lines: 100}})
	h := startHarness(t, 80, 24, st, nil)
	h.keys("a", "m")
	h.typeText("dave")
	h.keys("enter")
	s := h.timeline()
	h.keys("j", "j", "k")
	if s.cursor != 1 {
		t.Fatalf("j j k: cursor %d", s.cursor)
	}
	h.send(tea.KeyMsg{Type: tea.KeyPgDown})
	if s.cursor != 1+s.listHeight() {
		t.Fatalf("pgdown: cursor %d, a page is %d", s.cursor, s.listHeight())
	}
	h.keys("G")
	h.wantOnScreen("prod/app/key-100", "100/100")
	if strings.Contains(h.m.View(), "prod/app/key-001 ") {
		t.Fatalf("G left the newest event on screen:\n%s", h.m.View())
	}
	h.keys("g")
	h.wantOnScreen("▸ 2026-11-23 11:00 dave   read         prod/app/key-001", "1/100")
	h.wheel(tea.MouseButtonWheelDown)
	if s.cursor != wheelRows {
		t.Fatalf("the wheel moved to %d", s.cursor)
	}
}

// Keys that arrive in one read move one event each, and a burst that
// opens a filter types the rest into it.
func TestAuditTakesABurstOfKeys(t *testing.T) {
	h := startHarness(t, 120, 30, timelineStore(), nil)
	h.keys("a")
	h.burst("jjj")
	if got := h.timeline().cursor; got != 3 {
		t.Fatalf("jjj moved to %d", got)
	}
	h.burst("k/prod/kafka")
	h.wantRows("carol read prod/kafka/sasl", "bob reveal prod/kafka/sasl")
	if got := h.timeline().input.Value(); got != "prod/kafka" {
		t.Fatalf("the path filter holds %q", got)
	}
}

// The audit screen at 80×24 and at the 60×12 minimum, colours off.
func TestAuditGoldenScreens(t *testing.T) {
	for _, size := range []struct{ w, h int }{{80, 24}, {60, 12}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			h := startHarness(t, size.w, size.h, timelineStore(), nil)
			h.keys("a")
			fitsIn(t, h.m.View(), size.w, size.h)
			t.Run("timeline", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
			h.keys("/")
			h.typeText("prod/db")
			fitsIn(t, h.m.View(), size.w, size.h)
			t.Run("typing", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
			h.keys("enter", "a")
			h.typeText("rotate")
			h.keys("enter")
			fitsIn(t, h.m.View(), size.w, size.h)
			t.Run("filtered", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
			h.keys("esc", "?")
			t.Run("help", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
		})
	}
}

// fitsIn fails the test if view is taller or wider than w×h.
func fitsIn(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		t.Fatalf("%d lines on a %d-line terminal:\n%s", len(lines), h, view)
	}
	for _, line := range lines {
		if runewidth.StringWidth(line) > w {
			t.Fatalf("a line is %d wide on a %d-column terminal: %q", runewidth.StringWidth(line), w, line)
		}
	}
}

// On a real store: the screen reads the logs as written; a change in the
// workbench (storeChanged) and a read from another process (seen on the
// live watch's tick, though no secret changed) show without a key; a log
// edited by hand is named with its line, and a torn last line is a
// warning, not tampering.
func TestAuditReadsTheStoresLogs(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("a")
	h.wantOnScreen("✓ alice 5 lines", "alice  set    prod/db/password")

	if _, _, err := h.s.SetValue("dev/api/token", []byte("new"), store.Act{Actor: "alice", Now: testNow.Add(time.Minute)}, nil); err != nil {
		t.Fatal(err)
	}
	h.run(storeChanged)
	if got := h.timelineRows()[0]; got != "alice set dev/api/token" {
		t.Fatalf("after a change, the newest event is %q", got)
	}

	// Once the folders' times are old enough to be trusted, the live watch
	// of the inventory takes note of them, and sees no change in a read.
	time.Sleep(2 * racyWithin)
	h.send(liveTickMsg{})
	if _, _, err := h.s.Read("stg/s3/access-key", inventory.Selector{}, h.id, store.Act{Actor: "alice", Now: testNow.Add(2 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	h.send(liveTickMsg{})
	if got := h.timelineRows()[0]; got != "alice read stg/s3/access-key" {
		t.Fatalf("after a read elsewhere and a tick, the newest event is %q", got)
	}
	h.wantOnScreen("✓ alice 7 lines")

	log := filepath.Join(h.s.Dir, "audit", "alice.jsonl")
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	torn := append(append([]byte{}, data...), `{"time":"2026-11-23T12:03:00Z","actor":"ali`...)
	if err := os.WriteFile(log, torn, 0o600); err != nil {
		t.Fatal(err)
	}
	h.keys("ctrl+r")
	h.wantOnScreen("▲ alice: line 8: cut short by a crash while it was written (not tampering)")

	edited := strings.Replace(string(data), `"path":"prod/kafka/sasl"`, `"path":"prod/kafka/sas1"`, 1)
	if err := os.WriteFile(log, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	h.keys("ctrl+r")
	_, check := inventory.CheckLog("alice", []byte(edited))
	if !check.Tampered() {
		t.Fatal("the edit did not break the chain")
	}
	if len(check.Problems) != 2 || check.Problems[0].Line != 2 {
		t.Fatalf("CheckLog found %+v", check.Problems)
	}
	h.wantOnScreen("✗ alice: 2 problems, the first on line 2: no line follows it: it was edited or slipped in")
}

// An event's text comes from a file anyone with the store can edit: its
// control characters are drawn as escapes, never sent to the terminal.
func TestAuditEscapesWhatTheLogHolds(t *testing.T) {
	st := timelineStore()
	st.logs[0].Events = append(st.logs[0].Events,
		timelineEvent(0, "alice\x1b[2J", "read\x07", "prod/db/\x1b]52;c;aGk=\x07", 1, "ok\x1b[31m", "why\x1b[H"))
	st.logs[1].Check.Problems[0].What = "bad \x1b[2J line"
	h := startHarness(t, 120, 30, st, nil)
	h.keys("a")
	view := h.m.View()
	if strings.ContainsAny(view, "\x1b\x07") {
		t.Fatalf("the audit screen holds raw control characters: %q", view)
	}
	h.wantOnScreen(`alice\x…`, `read\x07`, `prod/db/\x1b]52;c;aGk=\x07`, `why\x1b[H`, `bad \x1b[2J line`)
}

// BenchmarkAuditFilterKeystroke: a key typed into the path filter of a
// timeline of 100,000 events, as Update handles it (the events are
// matched again, in the order they are shown).
func BenchmarkAuditFilterKeystroke(b *testing.B) {
	events := make([]inventory.Event, 100_000)
	for i := range events {
		events[i] = inventory.Event{Time: testNow.Add(-time.Duration(i) * time.Minute), Actor: fmt.Sprintf("member-%d", i%20),
			Action: inventory.ActionRead, Path: fmt.Sprintf("prod/app-%d/key-%d", i%500, i%7), Version: 1, Outcome: inventory.OutcomeOK}
	}
	st := &memStore{logs: []store.AuditLog{{Member: "many", Name: "audit/many.jsonl", Events: events, Check: inventory.LogCheck{Lines: len(events)}}}}
	d := &deps{store: st, clock: clock{now: func() time.Time { return testNow }}, styles: ptr(themes.Plain()), busy: &activity{}}
	s := newAuditScreen(d, newInventoryScreen(d))
	s.SetSize(80, 22)
	s.Update(s.load()())
	s.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/")})
	for _, r := range "prod/app-1" {
		s.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	b.ResetTimer()
	for i := range b.N {
		r := []rune("0")
		if i%2 == 1 {
			r = nil
		}
		if r == nil {
			s.Update(tea.KeyMsg{Type: tea.KeyBackspace})
		} else {
			s.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: r})
		}
		_ = s.View()
	}
}

// Why a step failed shows whole under the timeline, wrapped to a second
// line at 80 columns; on the smallest screen it is cut to one.
func TestAuditShowsTheSelectedEventsDetailWhole(t *testing.T) {
	st := timelineStore()
	why := "step 2 validate with a read-only login: psql: FATAL: password authentication failed for user etl_service (exit status 2)"
	st.logs[0].Events = append(st.logs[0].Events, timelineEvent(0, "alice", inventory.ActionRotateStep, "prod/db/password", 2, inventory.OutcomeFailed, why))
	h := startHarness(t, 80, 24, st, nil)
	h.keys("a")
	h.wantOnScreen("2026-11-23 12:00:00 UTC · prod/db/password v2 · step 2 validate with a read-only\nlogin: psql: FATAL: password authentication failed for user etl_service (exit s…")
	fitsIn(t, h.m.View(), 80, 24)
	h.send(tea.WindowSizeMsg{Width: 60, Height: 12})
	h.wantOnScreen("2026-11-23 12:00:00 UTC · prod/db/password v2 · step 2 vali…")
	fitsIn(t, h.m.View(), 60, 12)
}

// On the smallest screen, with long member and action names, the time of
// day goes before the path gets too short to read, and logs that all
// verify are summed up in one line.
func TestAuditOnTheSmallestScreenWithLongNames(t *testing.T) {
	var logs []store.AuditLog
	for i, member := range []string{"alice", "bob", "carol", "dave", "etl-prod"} {
		logs = append(logs, store.AuditLog{Member: member, Check: inventory.LogCheck{Lines: 10 * (i + 1)}, Events: []inventory.Event{
			timelineEvent(i+1, member, inventory.ActionRotateRollback, "prod/warehouse/etl-password", 3, inventory.OutcomeOK, ""),
		}})
	}
	h := startHarness(t, 60, 12, &memStore{logs: logs}, nil)
	h.keys("a")
	h.wantOnScreen("✓ all 5 logs verify", "▸ 11-23 alice    rotate-rollback ", "/etl-password ok")
	fitsIn(t, h.m.View(), 60, 12)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.wantOnScreen("✓ alice 10 lines  ✓ bob 20 lines  ✓ carol 30 lines  ✓ dave 40 lines", "▸ 2026-11-23 11:00 alice")
}
