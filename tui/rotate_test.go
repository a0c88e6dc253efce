package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

const wizardRunbook = `name: quick
generate: {length: 20, charset: alnum}
steps:
  - name: apply
    run: echo "applying $CABINET_NEW over $CABINET_OLD"
  - name: promote
  - name: overlap
    wait: 50ms
  - name: revoke
    confirm: "Old one revoked?"
rollback:
  - name: restore
    run: echo "restoring $CABINET_OLD"
`

// wizardHarness opens the rotation wizard of prod/db/password, whose
// runbook is text.
func wizardHarness(t *testing.T, text string) *harness {
	h := newHarness(t, 120, 40)
	h.m.deps.environ = []string{"PATH=" + os.Getenv("PATH")}
	if err := os.WriteFile(filepath.Join(h.s.Dir, "runbooks", "quick.yaml"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	h.setRunbook("prod/db/password", "quick")
	h.keys("enter", "R")
	if h.rotate() == nil || h.rotate().phase != phasePlan {
		t.Fatalf("R did not open the wizard:\n%s", h.m.View())
	}
	return h
}

func TestTheWizardRotatesStepByStep(t *testing.T) {
	h := wizardHarness(t, wizardRunbook)
	view := h.m.View()
	for _, want := range []string{"Rotate prod/db/password  ·  runbook quick", "· 1. apply  [run]", "· 2. promote  [pending → current]", "· 3. overlap  [wait 50ms]", "· 4. revoke  [confirm]", "rollback: restore", "enter start"} {
		if !strings.Contains(view, want) {
			t.Errorf("the plan lacks %q:\n%s", want, view)
		}
	}
	t.Run("golden plan", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
	h.keys("enter")
	view = h.m.View()
	t.Run("golden asking", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
	if h.rotate().phase != phaseAsking || !strings.Contains(view, "? Old one revoked?") || !strings.Contains(view, "y yes, done") {
		t.Fatalf("not asking:\n%s", view)
	}
	for _, want := range []string{"✓ 1. apply", "✓ 2. promote", "✓ 3. overlap", "› 4. revoke", "applying *** over ***"} {
		if !strings.Contains(view, want) {
			t.Errorf("while asking, the view lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "pw-overdue") {
		t.Fatal("the old value is on screen")
	}
	h.keys("q") // a step waits: q does not quit
	if !strings.Contains(h.m.View(), "x interrupts it") {
		t.Fatalf("q while rotating:\n%s", h.m.View())
	}
	h.keys("y")
	view = h.m.View()
	if h.rotate().phase != phaseDone || !strings.Contains(view, "✓ rotated prod/db/password: v2 is current, the old value is kept as previous") || !strings.Contains(view, "✓ 4. revoke") {
		t.Fatalf("after yes:\n%s", view)
	}
	// The header counts what the file now says, at once.
	if !strings.Contains(view, "✖ 0 overdue") || !strings.Contains(view, "↻ 0 rotating") {
		t.Fatalf("the header did not follow the finished rotation:\n%s", view)
	}
	if got := h.value("prod/db/password"); len(got) != 20 {
		t.Fatalf("current has %d characters", len(got))
	}
	prev, _, err := h.s.Read("prod/db/password", inventory.Selector{State: inventory.Previous}, h.id, store.Act{Actor: "t", Now: testNow})
	if err != nil || string(prev) != "pw-overdue" {
		t.Fatalf("previous: %v", err)
	}
	h.keys("esc")
	if h.rotate() != nil || h.detail() == nil {
		t.Fatal("esc did not go back to the secret")
	}
	if !strings.Contains(h.audit(), `"action":"rotate-finish","path":"prod/db/password"`) {
		t.Fatal("no rotate-finish in the audit log")
	}
}

func TestTheWizardStopsResumesAndRollsBack(t *testing.T) {
	h := wizardHarness(t, wizardRunbook)
	h.keys("enter", "n") // not yet
	if h.rotate().phase != phaseStopped || !strings.Contains(h.m.View(), "a step was not confirmed") {
		t.Fatalf("after no:\n%s", h.m.View())
	}
	h.keys("esc") // leave; the rotation waits in the file
	if st := h.load("prod/db/password"); st.Rotating == nil {
		t.Fatal("the rotation was not kept")
	}
	if view := h.m.View(); !strings.Contains(view, "rotating     v2, started by alice on 2026-11-23 12:00; step 3 overlap: ok   R resumes or rolls it back") {
		t.Fatalf("the secret does not show the rotation:\n%s", view)
	}
	h.keys("esc")
	if !strings.Contains(h.m.View(), "↻ rotating") {
		t.Fatalf("the inventory does not show the rotation:\n%s", h.m.View())
	}
	h.keys("/")
	h.typeText("rotating")
	h.keys("enter", "R")
	if view := h.m.View(); !strings.Contains(view, "enter resume") || !strings.Contains(view, "x roll back") || !strings.Contains(view, "✓ 2. promote") {
		t.Fatalf("a rotation in progress:\n%s", view)
	}
	h.keys("x")
	if !strings.Contains(h.m.View(), "Roll back the rotation of prod/db/password? The rollback steps run and v2 is discarded.  y/N") {
		t.Fatalf("x did not ask before rolling back:\n%s", h.m.View())
	}
	h.keys("n")
	if h.load("prod/db/password").Rotating == nil || h.rotate().phase != phasePlan {
		t.Fatalf("no rolled back:\n%s", h.m.View())
	}
	h.keys("x", "y")
	view := h.m.View()
	for _, want := range []string{"↺ rolled back: v2 was discarded, v1 is current", "↺ 1. apply", "↺ 2. promote", "· 4. revoke", "rollback: ✓ restore", "restoring ***", "↻ 0 rotating"} {
		if !strings.Contains(view, want) {
			t.Errorf("after the rollback, the view lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "in progress") || strings.Contains(view, "✓ 1. apply") {
		t.Fatalf("the wizard still shows the rotation as in progress:\n%s", view)
	}
	if got := h.value("prod/db/password"); got != "pw-overdue" {
		t.Fatal("the old value is not current after the rollback")
	}
}

func TestAFailingStepInTheWizardRollsBack(t *testing.T) {
	h := wizardHarness(t, strings.Replace(wizardRunbook, `run: echo "applying $CABINET_NEW over $CABINET_OLD"`, `run: echo "refused $CABINET_NEW" >&2; exit 4`, 1))
	h.keys("enter")
	view := h.m.View()
	for _, want := range []string{"✖ a step failed, so the rotation was rolled back: v2 was discarded, v1 is current", "✖ 1. apply  [run]", "\n     exit status 4: refused ***", "rollback: ✓ restore", "restoring ***"} {
		if !strings.Contains(view, want) {
			t.Errorf("the view lacks %q:\n%s", want, view)
		}
	}
	if got := h.value("prod/db/password"); got != "pw-overdue" {
		t.Fatal("current changed")
	}
}

func TestTheDueViewAndNext(t *testing.T) {
	h := newHarness(t, 120, 30)
	h.keys("d")
	if got := h.shownPaths(); got != "prod/db/password prod/kafka/sasl" {
		t.Fatalf("due view: %s", got)
	}
	if !strings.Contains(h.m.View(), "2 secrets need rotating, most urgent first") {
		t.Fatalf("view:\n%s", h.m.View())
	}
	h.m.deps.environ = []string{"PATH=" + os.Getenv("PATH")}
	h.keys("R")
	if h.rotate() == nil || h.rotate().path != "prod/db/password" {
		t.Fatal("R did not open the most urgent")
	}
	h.keys("enter") // no runbook: one step
	if h.rotate().phase != phaseDone {
		t.Fatalf("one-step rotation:\n%s", h.m.View())
	}
	h.keys("N")
	if h.rotate() == nil || h.rotate().path != "prod/kafka/sasl" {
		t.Fatalf("N did not open the next due secret:\n%s", h.m.View())
	}
	h.keys("esc")
	h.keys("esc", "d")
	if got := len(h.m.inv.shown); got != 5 {
		t.Fatalf("d again shows %d", got)
	}
}

// A rotation that stops before any step reports (it waits for an
// approval at once) can still be rolled back from the wizard.
func TestAStopBeforeAnyStepCanBeRolledBack(t *testing.T) {
	h := wizardHarness(t, "name: quick\nsteps:\n  - name: promote\napprove: bob\n")
	h.keys("enter")
	view := h.m.View()
	if h.rotate().phase != phaseStopped || !strings.Contains(view, "needs an approval before promote by bob: the approver presses a on the secret's screen") {
		t.Fatalf("view:\n%s", view)
	}
	if strings.Contains(view, "cabinet approve") || !strings.Contains(view, "approval before promote: bob (waits for it)") {
		t.Fatalf("the wizard names a command line, or not the approval:\n%s", view)
	}
	if view := h.m.View(); !strings.Contains(view, "x roll back") || !strings.Contains(view, "enter resume") {
		t.Fatalf("the keys of a stopped rotation are missing:\n%s", view)
	}
	// bob approves from another process: the wizard shows it once the
	// store is seen to change.
	_, recipient := newIdentity(t, "bob")
	if _, err := h.s.AddMember("bob", recipient, []string{"*"}, h.id, store.Act{Actor: "alice", Now: testNow}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s.Change(dbPassword, store.Act{Actor: "bob", Now: testNow}, func(sec *inventory.Secret) (inventory.Event, error) {
		sec.Rotating.Approved = "bob"
		return inventory.Event{Action: inventory.ActionRotateApprove, Path: dbPassword}, nil
	}); err != nil {
		t.Fatal(err)
	}
	h.run(storeChanged)
	if !strings.Contains(h.m.View(), "approval before promote: bob (approved by bob)") {
		t.Fatalf("the wizard does not show bob's approval:\n%s", h.m.View())
	}
	h.keys("x", "y")
	if !strings.Contains(h.m.View(), "approval before promote: bob (not needed now: the rotation was rolled back)") || h.load("prod/db/password").Rotating != nil {
		t.Fatalf("view:\n%s", h.m.View())
	}
}

// A driver for a wizard whose step runs on: the harness waits for every
// command, and the command that listens to the engine does not return
// while the step runs. drive parks the commands that do not return at
// once, and land delivers their messages once they do.
type driver struct {
	h      *harness
	parked []chan tea.Msg
}

func (d *driver) send(msg tea.Msg) {
	d.h.t.Helper()
	_, cmd := d.h.m.Update(msg)
	d.run(cmd)
}

func (d *driver) key(k string) {
	d.h.t.Helper()
	msg := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
	if t, ok := namedKeys[k]; ok {
		msg = tea.KeyMsg{Type: t}
	}
	if k == "pgdown" {
		msg = tea.KeyMsg{Type: tea.KeyPgDown}
	}
	d.send(msg)
}

func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		d.deliver(msg)
	case <-time.After(50 * time.Millisecond):
		d.parked = append(d.parked, ch)
	}
}

func (d *driver) deliver(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil, spinner.TickMsg:
	case timerMsg:
		d.h.timers = append(d.h.timers, msg)
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	default:
		d.send(msg)
	}
}

// until lands parked messages until ok holds; it fails the test after
// cmdDeadline.
func (d *driver) until(what string, ok func() bool) {
	d.h.t.Helper()
	deadline := time.Now().Add(cmdDeadline)
	for !ok() {
		if time.Now().After(deadline) {
			d.h.t.Fatalf("waited in vain for %s:\n%s", what, d.h.m.View())
		}
		d.landReady()
		time.Sleep(5 * time.Millisecond)
	}
}

func (d *driver) landReady() {
	parked := d.parked
	d.parked = nil
	for _, ch := range parked {
		select {
		case msg := <-ch:
			d.deliver(msg)
		default:
			d.parked = append(d.parked, ch)
		}
	}
}

const slowRunbook = `name: quick
steps:
  - name: apply
    run: echo "applying a line long enough to be wrapped rather than cut at the edge of a narrow terminal, which is 60 columns"; sleep 30
    timeout: 2m
  - name: promote
rollback:
  - name: restore
    run: echo restoring
`

// slowWizard starts the rotation of a runbook whose first step runs until
// interrupted, and waits until it runs.
func slowWizard(t *testing.T, w, h int) *driver {
	hs := wizardHarness(t, slowRunbook)
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	d := &driver{h: hs}
	d.key("enter")
	d.until("the step to run", func() bool {
		return hs.rotate().running == 0 && strings.Contains(strings.Join(hs.rotate().output, "\n"), "applying")
	})
	return d
}

// A running step shows a spinner, how long it has run and its timeout;
// x interrupts it in plain words, and the x after that asks before
// rolling back.
func TestInterruptingAStepThenRollingBackAsksBetween(t *testing.T) {
	d := slowWizard(t, 120, 30)
	h := d.h
	if view := h.m.View(); !strings.Contains(view, "⠋ 1. apply  [run]  running 0s · times out after 2m") {
		t.Fatalf("the running step:\n%s", view)
	}
	d.send(rotTickMsg(testNow.Add(12 * time.Second)))
	if view := h.m.View(); !strings.Contains(view, "⠙ 1. apply  [run]  running 12s · times out after 2m") {
		t.Fatalf("the running step after 12s:\n%s", view)
	}
	d.key("x")
	d.until("the interrupt", func() bool { return h.rotate().phase == phaseStopped })
	view := h.m.View()
	if !strings.Contains(view, "interrupted step 1 (apply), which may have done part of its work: enter runs it again, x rolls the rotation back") {
		t.Fatalf("after x:\n%s", view)
	}
	if strings.Contains(view, "context canceled") || strings.Contains(view, "cabinet rotate") {
		t.Fatalf("internal words or a command line on screen:\n%s", view)
	}
	d.key("x")
	if h.load("prod/db/password").Rotating == nil || !strings.Contains(h.m.View(), "Roll back the rotation") {
		t.Fatalf("the second x rolled back without a question:\n%s", h.m.View())
	}
	d.key("y")
	d.until("the rollback", func() bool { return h.rotate().phase == phaseDone })
	if h.load("prod/db/password").Rotating != nil {
		t.Fatal("y did not roll back")
	}
}

// q on the too-small screen does not quit under a running step either.
func TestQOnATooSmallScreenRespectsARunningStep(t *testing.T) {
	d := slowWizard(t, 120, 30)
	d.send(tea.WindowSizeMsg{Width: 40, Height: 8})
	_, cmd := d.h.m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	if cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Fatal("q on the too-small screen quit in the middle of a step")
		}
	}
	d.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	d.key("x")
	d.until("the interrupt", func() bool { return d.h.rotate().phase == phaseStopped })
}

// The output pane wraps long lines, follows the tail, and scrolls back.
func TestTheOutputPaneWrapsAndScrolls(t *testing.T) {
	d := slowWizard(t, 60, 12)
	h, s := d.h, d.h.rotate()
	view := h.m.View()
	if !strings.Contains(view, "applying a line long enough to be wrapped rather than cut") || !strings.Contains(view, "\nat the edge of a narrow terminal, which is 60 columns") {
		t.Fatalf("a long line is cut:\n%s", view)
	}
	// Lines added as the engine's messages add them; sent through the
	// model, each would start one more listener on the engine.
	for i := range 30 {
		s.addOutput(fmt.Sprintf("line %d", i))
	}
	if view := h.m.View(); !strings.Contains(view, "line 29") || strings.Contains(view, "line 20\n") {
		t.Fatalf("the pane does not follow the tail:\n%s", view)
	}
	d.key("k")
	d.key("k")
	if view := h.m.View(); strings.Contains(view, "line 29") || !strings.Contains(view, "line 27") {
		t.Fatalf("k did not scroll back:\n%s", view)
	}
	s.addOutput("line 30")
	if view := h.m.View(); strings.Contains(view, "line 30") {
		t.Fatalf("a new line pulled the pane away from where the user scrolled:\n%s", view)
	}
	d.key("pgdown")
	if !s.outView.AtBottom() || !strings.Contains(h.m.View(), "line 30") {
		t.Fatalf("pgdn did not go back to the tail:\n%s", h.m.View())
	}
	d.key("x")
	d.until("the interrupt", func() bool { return s.phase == phaseStopped })
}

// The wizard at 80×24 and at the 60×12 minimum: the plan, a running
// step, and a failed step with its reason.
func TestWizardGoldenScreens(t *testing.T) {
	failing := strings.Replace(wizardRunbook, `run: echo "applying $CABINET_NEW over $CABINET_OLD"`, `run: echo "the database refused the new password ($CABINET_NEW) for the role etl_service" >&2; exit 4`, 1)
	for _, size := range []struct{ w, h int }{{80, 24}, {60, 12}} {
		name := fmt.Sprintf("%dx%d", size.w, size.h)
		t.Run(name, func(t *testing.T) {
			h := wizardHarness(t, failing)
			h.send(tea.WindowSizeMsg{Width: size.w, Height: size.h})
			t.Run("plan", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
			h.keys("enter")
			t.Run("failed", func(t *testing.T) { golden.RequireEqual(t, []byte(h.m.View())) })
			d := slowWizard(t, size.w, size.h)
			t.Run("running", func(t *testing.T) { golden.RequireEqual(t, []byte(d.h.m.View())) })
			d.key("x")
			d.until("the interrupt", func() bool { return d.h.rotate().phase == phaseStopped })
			t.Run("interrupted", func(t *testing.T) { golden.RequireEqual(t, []byte(d.h.m.View())) })
			d.key("x")
			t.Run("rollback-question", func(t *testing.T) { golden.RequireEqual(t, []byte(d.h.m.View())) })
			d.key("n")
		})
	}
}

// A long runbook on a short screen: the steps scroll to the one the
// wizard is about, and the reason it stopped stays on screen.
func TestALongRunbookFitsTheSmallestScreen(t *testing.T) {
	var rb strings.Builder
	rb.WriteString("name: quick\nsteps:\n")
	for i := range 6 {
		fmt.Fprintf(&rb, "  - name: check %d\n    run: true\n", i+1)
	}
	rb.WriteString("  - name: promote\n  - name: revoke\n    confirm: \"Old one revoked?\"\n")
	h := wizardHarness(t, rb.String())
	h.send(tea.WindowSizeMsg{Width: 60, Height: 12})
	h.keys("enter", "n")
	view := h.m.View()
	for _, want := range []string{"› 8. revoke", "a step was not confirmed", "↑ "} {
		if !strings.Contains(view, want) {
			t.Errorf("at 60×12 the view lacks %q:\n%s", want, view)
		}
	}
	golden.RequireEqual(t, []byte(view))
}
