package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/rotation"
	"github.com/cabinethq/cabinet/store"
)

const dbPassword = "prod/db/password"

// openSecret opens the detail of path.
func (h *harness) openSecret(path string) *detailScreen {
	h.t.Helper()
	h.run(openDetail(h.m.deps, path, nil, nil))
	if h.detail() == nil || h.detail().sec.Path != path {
		h.t.Fatalf("%s did not open:\n%s", path, h.m.View())
	}
	return h.detail()
}

// A rotation that bob started waits for an approval by someone else in
// scope (its owner is a team); alice approves it from the secret.
func TestApproveARotationFromTheSecret(t *testing.T) {
	h := newHarness(t, 120, 30)
	bob, recipient := newIdentity(t, "bob")
	act := store.Act{Actor: "alice", Now: testNow}
	if _, err := h.s.AddMember("bob", recipient, []string{"*"}, h.id, act); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.s.Dir, "runbooks", "gated.yaml"), []byte("name: gated\nsteps:\n  - name: promote\napprove: owner\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.setRunbook(dbPassword, "gated")
	e := &rotation.Engine{Store: h.s, Identity: bob, Actor: "bob", Now: func() time.Time { return testNow }}
	if _, err := e.Start(dbPassword, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Run(context.Background(), dbPassword); !errors.Is(err, rotation.ErrNeedsApproval) {
		t.Fatalf("bob's rotation: %v", err)
	}
	h.openSecret(dbPassword)
	view := h.m.View()
	if !strings.Contains(view, "approval     waits for a member of its scope other than bob   a approves") || !strings.Contains(view, "a approve") {
		t.Fatalf("the secret does not offer the approval:\n%s", view)
	}
	h.keys("a")
	if got := h.load(dbPassword).Rotating.Approved; got != "alice" {
		t.Fatalf("approved by %q", got)
	}
	view = h.m.View()
	if !strings.Contains(view, "approved the rotation of prod/db/password") || !strings.Contains(view, "approved by alice   R resumes or rolls it back") || strings.Contains(view, "a approves") {
		t.Fatalf("after a:\n%s", view)
	}
	if !strings.Contains(h.audit(), `"action":"rotate-approve"`) {
		t.Fatal("no approval in the audit log")
	}
}

func TestDeleteASecretAsksFirst(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.openSecret(dbPassword)
	h.keys("D")
	if !strings.Contains(h.m.View(), "Delete prod/db/password and its 1 version? This cannot be undone.  y/N") {
		t.Fatalf("D did not ask:\n%s", h.m.View())
	}
	h.keys("n")
	if h.detail() == nil || !h.m.inv.has(dbPassword) {
		t.Fatal("n deleted the secret or left the secret")
	}
	h.load(dbPassword)
	h.keys("D", "y")
	if _, err := h.s.Load(dbPassword); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("still on disk: %v", err)
	}
	view := h.m.View()
	if h.detail() != nil || h.m.inv.has(dbPassword) || !strings.Contains(view, "deleted prod/db/password") {
		t.Fatalf("after the delete:\n%s", view)
	}
	if !strings.Contains(h.audit(), `"action":"remove","path":"prod/db/password"`) {
		t.Fatalf("no remove in the audit log:\n%s", h.audit())
	}
}

func TestCopyThePath(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.openSecret(dbPassword)
	h.keys("y")
	if h.clip.text != dbPassword || !strings.Contains(h.m.View(), "copied the path prod/db/password") {
		t.Fatalf("clipboard %q:\n%s", h.clip.text, h.m.View())
	}
}

// An OSC 52 clipboard is the terminal's: cabinet says it cannot clear it,
// and starts no timer that would claim to.
func TestACopyThroughTheTerminalSaysItIsNotCleared(t *testing.T) {
	h := newHarness(t, 120, 30)
	var out bytes.Buffer
	h.m.deps.clipboard.Clipboard = osc52{out: termenv.NewOutput(&out)}
	h.openSecret(dbPassword)
	h.keys("c")
	if !strings.Contains(out.String(), "\x1b]52;c;") {
		t.Fatalf("no OSC 52 sequence written: %q", out.String())
	}
	if view := h.m.View(); !strings.Contains(view, "copied through the terminal (OSC 52): cabinet cannot clear that clipboard") {
		t.Fatalf("after c:\n%s", view)
	}
	if slices.ContainsFunc(h.timers, func(tm timerMsg) bool { return tm.d == copyFor }) {
		t.Fatal("a timer will claim to clear a clipboard it cannot")
	}
}

func TestTheRevealCountsDown(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.openSecret(dbPassword)
	h.keys("r")
	if !strings.Contains(h.m.View(), "hides in 30s") {
		t.Fatalf("after r:\n%s", h.m.View())
	}
	h.fire(time.Second)
	if !strings.Contains(h.m.View(), "hides in 29s") {
		t.Fatalf("a second later:\n%s", h.m.View())
	}
}

// E opens the runbook in $EDITOR, taken from the workbench's environment
// (vi without one); once the editor returns, the secret shows the runbook
// as edited, and says whether it still reads.
func TestEditTheRunbookInTheEditor(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.setRunbook(dbPassword, "db-password")
	editor := filepath.Join(t.TempDir(), "editor")
	if err := os.WriteFile(editor, []byte("#!/bin/sh\nprintf 'steps:\\n  - name: promote\\n' >> \"$1\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	h.m.deps.environ = []string{"PATH=" + os.Getenv("PATH"), "EDITOR=" + editor}
	h.openSecret(dbPassword)
	h.keys("?")
	if !strings.Contains(h.m.View(), "E open the secret's runbook in $EDITOR") {
		t.Fatalf("the help does not list E:\n%s", h.m.View())
	}
	h.keys("?")
	cmd, err := runbookEditor(h.m.deps, "db-password")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(h.s.Dir, "runbooks", "db-password.yaml")
	if !slices.Equal(cmd.Args, []string{editor, file}) {
		t.Fatalf("the editor runs as %q", cmd.Args)
	}
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	h.send(runbookEditedMsg{name: "db-password"})
	view := h.m.View()
	if !strings.Contains(view, "  - name: promote") || !strings.Contains(view, "runbooks/db-password.yaml: 1 step, checked") {
		t.Fatalf("after the editor:\n%s", view)
	}
	h.m.deps.environ = []string{"PATH=" + os.Getenv("PATH")}
	if cmd, _ := runbookEditor(h.m.deps, "db-password"); cmd.Args[0] != "vi" {
		t.Fatalf("without $EDITOR: %q", cmd.Args)
	}
}

// The secret at 80×24 and at the 60×12 minimum: long values wrap under
// themselves rather than lose their end (the deadline's date). A secret
// with a history at 80×24: its events and versions.
func TestDetailGoldenScreens(t *testing.T) {
	for _, size := range []struct{ w, h int }{{80, 24}, {60, 12}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			h := newHarness(t, size.w, size.h)
			h.setRunbook(dbPassword, "db-password")
			h.openSecret(dbPassword)
			if !strings.Contains(h.m.View(), "2026-11-16)") {
				t.Errorf("the deadline is cut:\n%s", h.m.View())
			}
			t.Run("detail", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
			h.keys("r")
			t.Run("revealed", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
			h.keys("D")
			t.Run("delete-question", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
		})
	}
	// A secret that lived: its recent events, scrolled down to its
	// versions, and all its events.
	t.Run("80x24/lived", func(t *testing.T) {
		h := newHarness(t, 80, 24)
		h.liveIn()
		h.openSecret(dbPassword)
		t.Run("events", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
		h.keys("d") // half a page down
		t.Run("versions", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
		h.keys("L")
		t.Run("all-events", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
	})
}

// A reload for a change elsewhere in the store keeps the value shown; a
// new current value hides it.
func TestARevealedValueOutlivesAReloadOfTheSameVersion(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.openSecret(dbPassword)
	h.keys("r")
	h.setRunbook("prod/kafka/sasl", "db-password") // another secret changes
	h.run(storeChanged)
	if !strings.Contains(h.m.View(), "pw-overdue") {
		t.Fatalf("a reload for another secret hid the value:\n%s", h.m.View())
	}
	if _, _, err := h.s.SetValue(dbPassword, []byte("pw-new"), store.Act{Actor: "alice", Now: testNow}, nil); err != nil {
		t.Fatal(err)
	}
	h.run(storeChanged)
	if view := h.m.View(); strings.Contains(view, "pw-overdue") || strings.Contains(view, "pw-new") {
		t.Fatalf("a new current value left a value on screen:\n%s", view)
	}
}

// daysBefore is testNow less days and hours.
func daysBefore(days int, hours time.Duration) time.Time {
	return testNow.AddDate(0, 0, -days).Add(-hours * time.Hour)
}

// liveIn gives prod/db/password a history in the audit logs of three
// members, at fixed times before testNow: alice's rotation to v2 whose
// validation fails and is rolled back; bob's, approved by alice, which
// makes v2 current; reads by alice and bob, and one that carol, out of
// scope, is denied.
func (h *harness) liveIn() {
	h.t.Helper()
	t := h.t
	bob, bobKey := newIdentity(t, "bob")
	carol, carolKey := newIdentity(t, "carol")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := h.s.AddMember("bob", bobKey, []string{"*"}, h.id, store.Act{Actor: "alice", Now: daysBefore(60, 0)})
	must(err)
	_, err = h.s.AddMember("carol", carolKey, []string{"dev/"}, h.id, store.Act{Actor: "alice", Now: daysBefore(60, -1)})
	must(err)
	read := func(action, who string, id *crypto.Identity, at time.Time) error {
		_, _, err := h.s.ReadAs(action, dbPassword, inventory.Selector{}, id, store.Act{Actor: who, Now: at})
		return err
	}
	must(read(inventory.ActionRead, "alice", h.id, daysBefore(40, 0)))
	must(read(inventory.ActionReveal, "bob", bob, daysBefore(30, 0)))

	h.writeRunbook("checked", "name: checked\nsteps:\n  - name: apply the new password\n    run: \"true\"\n  - name: validate with a test job\n    run: echo connection refused >&2; exit 3\n  - name: promote\n")
	h.writeRunbook("gated", "name: gated\nsteps:\n  - name: promote\napprove: owner\n")
	edit := func(runbook string, at time.Time) {
		_, err := h.s.Edit(dbPassword, store.Act{Actor: "alice", Now: at}, func(sec *inventory.Secret) error {
			sec.Rotation.Runbook = runbook
			return nil
		})
		must(err)
	}
	engine := func(who string, id *crypto.Identity, at time.Time) *rotation.Engine {
		return &rotation.Engine{Store: h.s, Identity: id, Actor: who, Now: func() time.Time { return at }}
	}
	edit("checked", daysBefore(21, 0))
	_, err = engine("alice", h.id, daysBefore(20, 0)).Start(dbPassword, nil)
	must(err)
	if _, err := engine("alice", h.id, daysBefore(20, -1)).Run(context.Background(), dbPassword); !errors.Is(err, rotation.ErrStepFailed) {
		t.Fatalf("alice's rotation: %v", err)
	}

	edit("gated", daysBefore(13, 0))
	_, err = engine("bob", bob, daysBefore(12, 0)).Start(dbPassword, nil)
	must(err)
	if _, err := engine("bob", bob, daysBefore(12, -1)).Run(context.Background(), dbPassword); !errors.Is(err, rotation.ErrNeedsApproval) {
		t.Fatalf("bob's rotation: %v", err)
	}
	must(engine("alice", h.id, daysBefore(11, 0)).Approve(dbPassword))
	_, err = engine("bob", bob, daysBefore(11, -2)).Run(context.Background(), dbPassword)
	must(err)

	if err := read(inventory.ActionRead, "carol", carol, daysBefore(5, 0)); !errors.Is(err, crypto.ErrNoMatch) {
		t.Fatalf("carol's read: %v", err)
	}
	for i := range 3 {
		must(read(inventory.ActionRead, "bob", bob, daysBefore(2, time.Duration(3-i))))
	}
	must(read(inventory.ActionCopy, "alice", h.id, testNow.Add(-time.Hour)))
}

// writeRunbook writes runbooks/NAME.yaml.
func (h *harness) writeRunbook(name, text string) {
	h.t.Helper()
	if err := os.WriteFile(filepath.Join(h.s.Dir, "runbooks", name+".yaml"), []byte(text), 0o600); err != nil {
		h.t.Fatal(err)
	}
}

// The secret's recent events, newest first: who did what to which
// version, and when; a refusal says so; reads alike in a row make one
// line. L lists every event, with its time.
func TestTheDetailShowsTheSecretsRecentEvents(t *testing.T) {
	h := newHarness(t, 100, 80)
	h.liveIn()
	h.openSecret(dbPassword)
	view := h.m.View()
	want := []string{
		"recent events   L lists all 24",
		"  alice copied v2 · 1 hour ago",
		"  bob read v2 ×3 · 2 days ago",
		"  carol read v2 · denied · 5 days ago",
		"  bob finished the rotation to v2 · 11 days ago",
		"  bob promoted v2 · 11 days ago",
		"  alice approved the rotation to v2 · 11 days ago",
		"  bob started a rotation to v2 · 12 days ago",
		"  alice edited its details · 13 days ago",
	}
	if got := strings.Join(lines(view, "recent events", 9), "\n"); got != strings.Join(want, "\n") {
		t.Fatalf("recent events:\n%s\nwant\n%s\n\n%s", got, strings.Join(want, "\n"), view)
	}

	h.keys("L")
	view = trimmed(h.m.View())
	for _, want := range []string{
		"all events (24)   L shows the recent ones",
		"  2026-11-21 11:00  bob read v2\n  2026-11-21 10:00  bob read v2\n  2026-11-21 09:00  bob read v2\n",
		"  2026-11-03 13:00  alice rotating to v2, step 2: validate with a test job: failed (exit status 3:\n                    connection refused)\n",
		"  2026-11-03 13:00  alice rotating to v2, step 1: apply the new password: running\n",
		"  2026-11-03 13:00  alice rolled back the rotation to v2\n",
		"  2026-08-18 12:00  alice set v1\n",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("all events lack %q:\n%s", want, view)
		}
	}
	h.keys("L")
	if view := h.m.View(); !strings.Contains(view, "recent events   L lists all 24") {
		t.Fatalf("L again did not go back to the recent events:\n%s", view)
	}
}

// trimmed is view without the spaces that end its lines.
func trimmed(view string) string {
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// lines are n lines of view from the one that starts with from.
func lines(view, from string, n int) []string {
	all := strings.Split(view, "\n")
	for i, l := range all {
		if strings.HasPrefix(l, from) {
			out := all[i:min(len(all), i+n)]
			for j := range out {
				out[j] = strings.TrimRight(out[j], " ")
			}
			return out
		}
	}
	return nil
}

// Each version says what happened to it: how it was made and by whom,
// the approval, the promote, the end of the rotation, its reads, and the
// version that replaced it; the rotation rolled back keeps its number in
// the history, discarded.
func TestTheDetailTellsWhatHappenedToEachVersion(t *testing.T) {
	h := newHarness(t, 100, 80)
	h.liveIn()
	h.openSecret(dbPassword)
	got := strings.Join(lines(h.m.View(), "VERSION", 7), "\n")
	want := strings.Join([]string{
		"VERSION  STATE     CREATED              AUTHOR",
		"v2       current   2026-11-11 12:00 UTC bob",
		"         rotation started by bob 12 days ago · approved by alice 11 days ago · promoted by bob ·",
		"         finished by bob · read 4 times by bob and alice, last 1 hour ago · 1 read denied (carol)",
		"v2       discarded 2026-11-03 12:00 UTC alice",
		"         rotation started by alice 20 days ago · step 2: validate with a test job: failed (exit",
		"         status 3: connection ref… · rolled back by alice · read 2 times by alice, last 20 days ago",
	}, "\n")
	if got != want {
		t.Fatalf("versions:\n%s\nwant\n%s\n\n%s", got, want, h.m.View())
	}
	if got := strings.Join(lines(h.m.View(), "v1 ", 3), "\n"); got != "v1       previous  2026-08-18 12:00 UTC alice\n         set by alice 97 days ago · replaced by v2 11 days ago · read 4 times by alice and bob, last\n         20 days ago" {
		t.Fatalf("v1:\n%s", got)
	}
}

// A read made while the detail is open, by another process (here the
// store itself), shows once the store is read again.
func TestAReadWhileTheDetailIsOpenShowsAfterTheRefresh(t *testing.T) {
	h := newHarness(t, 100, 40)
	h.openSecret(dbPassword)
	if strings.Contains(h.m.View(), "read v1") {
		t.Fatalf("a read before any:\n%s", h.m.View())
	}
	if _, _, err := h.s.Read(dbPassword, inventory.Selector{}, h.id, store.Act{Actor: "alice", Now: testNow.Add(-5 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	h.run(storeChanged)
	if view := trimmed(h.m.View()); !strings.Contains(view, "  alice read v1 · 5 minutes ago\n") || !strings.Contains(view, "read once by alice 5 minutes ago") {
		t.Fatalf("the read does not show after the refresh:\n%s", view)
	}
}

// A read by another process changes no secret: the live watch's tick
// looks at the logs, and the read shows.
func TestAReadByAnotherProcessShowsOnTheLiveTick(t *testing.T) {
	h := newHarness(t, 100, 40)
	h.openSecret(dbPassword)
	// The tick goes to the detail alone: the inventory's watch of the
	// secrets' folders, all made this instant, cannot tell yet that they
	// did not change, and would reload every screen.
	tick := func() { h.run(h.m.top().(*detailScreen).Update(liveTickMsg{})) }
	other, err := store.Open(h.s.Dir) // as cabinet get would
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := other.Read(dbPassword, inventory.Selector{}, h.id, store.Act{Actor: "alice", Now: testNow.Add(-2 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h.m.View(), "read v1") {
		t.Fatalf("shown before the tick:\n%s", h.m.View())
	}
	tick()
	if view := trimmed(h.m.View()); !strings.Contains(view, "  alice read v1 · 2 minutes ago\n") {
		t.Fatalf("the read does not show after the tick:\n%s", view)
	}
}

// The detail's own reveal and copy are in its events at once.
func TestARevealAndACopyShowInTheEvents(t *testing.T) {
	h := newHarness(t, 100, 40)
	h.openSecret(dbPassword)
	h.keys("r")
	if view := trimmed(h.m.View()); !strings.Contains(view, "recent events\n  alice revealed v1 · just now\n") {
		t.Fatalf("the reveal is not in the events:\n%s", view)
	}
	h.keys("c")
	view := trimmed(h.m.View())
	if !strings.Contains(view, "  alice copied v1 · just now\n  alice revealed v1 · just now\n") {
		t.Fatalf("the reveal and the copy are not in the events:\n%s", view)
	}
}

// Only the secret's own events: those of a secret under its path (a
// prefix of it) are not.
func TestTheEventsAreTheSecretsOnly(t *testing.T) {
	h := newHarness(t, 100, 40)
	if _, _, err := h.s.SetValue(dbPassword+"/replica", []byte("pw-replica"), store.Act{Actor: "alice", Now: testNow.Add(-time.Hour)}, func(sec *inventory.Secret, _ bool) error {
		sec.Owner = "data-platform"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	h.openSecret(dbPassword)
	if view := h.m.View(); strings.Contains(view, "1 hour ago") || !strings.Contains(view, "alice set v1 · 97 days ago") {
		t.Fatalf("the events of another secret show:\n%s", view)
	}
}

// history tells sec's versions from events (newest first) as the detail
// does, without styles: one line a version, its story after a colon.
func history(sec *inventory.Secret, events []inventory.Event) []string {
	stories := versionStories(sec, events)
	turned := turns(stories)
	var out []string
	for _, v := range stories {
		out = append(out, fmt.Sprintf("v%d %s %s: %s", v.number, v.state, v.author, storyText(v, turned[v.number], testNow)))
	}
	return out
}

// ev is an event of prod/db/password days before testNow.
func ev(days int, actor, action string, version int) inventory.Event {
	return inventory.Event{Time: daysBefore(days, 0), Actor: actor, Action: action, Path: dbPassword, Version: version, Outcome: inventory.OutcomeOK}
}

func TestVersionStories(t *testing.T) {
	v1 := inventory.Version{Number: 1, State: inventory.Current, Created: daysBefore(100, 0), Author: "alice"}
	for _, c := range []struct {
		name     string
		versions []inventory.Version
		events   []inventory.Event // newest first
		want     []string
	}{{
		name:     "a rotation promoted, then rolled back, gives the old value its place back",
		versions: []inventory.Version{v1},
		events: []inventory.Event{
			ev(9, "bob", inventory.ActionRotateRollback, 2), ev(10, "bob", inventory.ActionRotatePromote, 2),
			ev(11, "bob", inventory.ActionRotateStart, 2), ev(100, "alice", inventory.ActionSet, 1),
		},
		want: []string{
			"v2 discarded bob: rotation started by bob 11 days ago · promoted by bob 10 days ago · rolled back by bob 9 days ago",
			"v1 current alice: set by alice 100 days ago · replaced by v2 10 days ago · current again when v2 was rolled back 9 days ago",
		},
	}, {
		name: "a number used again after a rollback: each version has its own events",
		versions: []inventory.Version{
			{Number: 2, State: inventory.Current, Created: daysBefore(5, 0), Author: "carol"},
			{Number: 1, State: inventory.Previous, Created: daysBefore(100, 0), Author: "alice"},
		},
		events: []inventory.Event{
			ev(1, "bob", inventory.ActionRead, 2), ev(5, "carol", inventory.ActionSet, 2),
			ev(8, "alice", inventory.ActionRead, 2), ev(9, "bob", inventory.ActionRotateRollback, 2),
			ev(11, "bob", inventory.ActionRotateStart, 2), ev(100, "alice", inventory.ActionSet, 1),
		},
		want: []string{
			"v2 current carol: set by carol 5 days ago · read once by bob 1 day ago",
			"v2 discarded bob: rotation started by bob 11 days ago · rolled back by bob 9 days ago",
			"v1 previous alice: set by alice 100 days ago · replaced by v2 5 days ago",
		},
	}, {
		name:     "a secret deleted and made again: the events of the one deleted are not its own",
		versions: []inventory.Version{{Number: 1, State: inventory.Current, Created: daysBefore(5, 0), Author: "alice"}},
		events: []inventory.Event{
			ev(5, "alice", inventory.ActionSet, 1), ev(6, "alice", inventory.ActionRemove, 0),
			ev(7, "bob", inventory.ActionRotateRollback, 2), ev(8, "bob", inventory.ActionRotateStart, 2),
			ev(30, "bob", inventory.ActionSet, 1),
		},
		want: []string{"v1 current alice: set by alice 5 days ago"},
	}, {
		name:     "no events: the versions alone",
		versions: []inventory.Version{v1},
		want:     []string{"v1 current alice: "},
	}} {
		t.Run(c.name, func(t *testing.T) {
			sec := &inventory.Secret{Path: dbPassword, Versions: c.versions}
			if got := history(sec, c.events); !slices.Equal(got, c.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// Reads alike in a row make one line, whatever version they read (a
// rotation's steps read the new and the old value in turn); another
// member's read, or another outcome, starts a new line.
func TestRecentEventLines(t *testing.T) {
	events := []inventory.Event{
		ev(1, "alice", inventory.ActionRead, 2), ev(1, "alice", inventory.ActionRead, 1),
		ev(1, "alice", inventory.ActionRotateStep, 2), ev(2, "alice", inventory.ActionRead, 2),
		ev(3, "bob", inventory.ActionRead, 1), ev(4, "alice", inventory.ActionRead, 1),
	}
	denied := ev(5, "alice", inventory.ActionRead, 1)
	denied.Outcome = inventory.OutcomeDenied
	events = append(events, denied)
	var got []string
	for _, l := range recentEventLines(events) {
		got = append(got, recentText(l, testNow))
	}
	want := []string{
		"alice read v2, v1 ×3 · last 1 day ago, first 2 days ago",
		"bob read v1 · 3 days ago",
		"alice read v1 · 4 days ago",
		"alice read v1 · denied · 5 days ago",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestAgoText(t *testing.T) {
	for _, c := range []struct {
		before time.Duration
		want   string
	}{
		{0, "just now"}, {59 * time.Second, "just now"}, {time.Minute, "1 minute ago"}, {59 * time.Minute, "59 minutes ago"},
		{time.Hour, "1 hour ago"}, {23 * time.Hour, "23 hours ago"}, {24 * time.Hour, "1 day ago"}, {97 * 24 * time.Hour, "97 days ago"},
		{-2 * time.Hour, "on 2026-11-23 14:00"},
	} {
		if got := agoText(testNow, testNow.Add(-c.before)); got != c.want {
			t.Errorf("%v before: %q, want %q", c.before, got, c.want)
		}
	}
}

// A log whose chain does not verify is named under the events: they may
// not be all there is, or not as they were.
func TestTheDetailSaysWhenALogDoesNotVerify(t *testing.T) {
	st := &memStore{
		secrets: []inventory.Secret{memSecret(dbPassword, "data-platform", "90d", 97)},
		members: inventory.Recipients{Members: map[string]string{"alice": "age1alice"}, Scopes: map[string][]string{inventory.DefaultScope: {"alice"}}},
		logs: []store.AuditLog{
			{Member: "alice", Name: "audit/alice.jsonl", Events: []inventory.Event{ev(97, "alice", inventory.ActionSet, 1)}},
			{Member: "bob", Name: "audit/bob.jsonl", Events: []inventory.Event{ev(3, "bob", inventory.ActionRead, 1)},
				Check: inventory.LogCheck{Lines: 2, Problems: []inventory.LogProblem{{Line: 1, Kind: inventory.ProblemTampered, What: "edited"}}}},
		},
	}
	h := startHarness(t, 100, 40, st, nil)
	h.run(openDetail(h.m.deps, dbPassword, nil, nil))
	view := trimmed(h.m.View())
	for _, want := range []string{
		"recent events\n  bob read v1 · 3 days ago\n  alice set v1 · 97 days ago\naudit/bob.jsonl does not verify: events may be missing or altered\n",
		"set by alice 97 days ago · read once by bob 3 days ago",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("the detail lacks %q:\n%s", want, view)
		}
	}
}
