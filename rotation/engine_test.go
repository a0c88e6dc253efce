package rotation

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

type member struct {
	name string
	key  string
	id   *crypto.Identity
}

func newMember(t *testing.T, name string) member {
	t.Helper()
	g, err := crypto.GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	id, err := crypto.ParseIdentity(g.Secret, "test "+name)
	if err != nil {
		t.Fatal(err)
	}
	return member{name: name, key: g.Public, id: id}
}

// fixture is a store with alice and bob in every scope, prod/db/password
// set to "old-Pa55word" owned by owner, and the runbook text as
// runbooks/rb.yaml (none if empty).
type fixture struct {
	t          *testing.T
	s          *store.Store
	alice, bob member
	out        bytes.Buffer
	slept      []time.Duration
	clock      time.Time
}

const path = "prod/db/password"
const oldValue = "old-Pa55word"

func newFixture(t *testing.T, owner, runbook string) *fixture {
	t.Helper()
	f := &fixture{t: t, alice: newMember(t, "alice"), bob: newMember(t, "bob"), clock: t0}
	s, err := store.Init(t.TempDir(), "alice", f.alice.key)
	if err != nil {
		t.Fatal(err)
	}
	act := store.Act{Actor: "alice", Now: t0}
	if _, err := s.AddMember("bob", f.bob.key, []string{"*"}, f.alice.id, act); err != nil {
		t.Fatal(err)
	}
	f.s = s
	if runbook != "" {
		if err := os.WriteFile(filepath.Join(s.Dir, "runbooks", "rb.yaml"), []byte(runbook), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err = s.SetValue(path, []byte(oldValue), act, func(sec *inventory.Secret, _ bool) error {
		sec.Owner = owner
		if runbook != "" {
			sec.Rotation.Runbook = "rb"
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// engine acts as m, ticking confirm steps when confirm is nil.
func (f *fixture) engine(m member, confirm func(string) (bool, error)) *Engine {
	return &Engine{
		Store: f.s, Identity: m.id, Actor: m.name, Output: &f.out, Confirm: confirm,
		Now: func() time.Time { f.clock = f.clock.Add(time.Second); return f.clock },
		Env: []string{"PATH=" + os.Getenv("PATH")},
		Sleep: func(_ context.Context, d time.Duration) error {
			f.slept = append(f.slept, d)
			f.clock = f.clock.Add(d)
			return nil
		},
	}
}

func (f *fixture) read(sel inventory.Selector) string {
	f.t.Helper()
	v, _, err := f.s.Read(path, sel, f.alice.id, store.Act{Actor: "alice", Now: f.clock})
	if err != nil {
		f.t.Fatalf("read %s: %v", sel, err)
	}
	return string(v)
}

func (f *fixture) audit() string {
	data, _ := os.ReadFile(filepath.Join(f.s.Dir, "audit", "alice.jsonl"))
	return string(data)
}

func (f *fixture) load() *inventory.Secret {
	f.t.Helper()
	sec, err := f.s.Load(path)
	if err != nil {
		f.t.Fatal(err)
	}
	return sec
}

// The steps print the values, in one write and split over two; a marker
// file shows which steps ran.
const fullRunbook = `name: rb
generate: {length: 24, charset: alnum}
steps:
  - name: apply
    run: |
      echo "applying $CABINET_NEW instead of $CABINET_OLD to $CABINET_PATH"
      printf '%s' "$(printf '%s' "$CABINET_NEW" | cut -c1-10)"; sleep 0.05
      printf '%s\n' "$(printf '%s' "$CABINET_NEW" | cut -c11-)"
      echo apply >> steps.log
  - name: validate
    run: test "$CABINET_NEW" != "$CABINET_OLD" && test -n "$CABINET_NEW" && echo validate >> steps.log
    timeout: 10s
  - name: promote
  - name: overlap window
    wait: 15m
  - name: revoke the old one
    run: echo "revoking $CABINET_OLD; keeping $CABINET_NEW" && echo revoke >> steps.log
  - name: old one revoked
    confirm: "Old password revoked?"
rollback:
  - run: echo "restoring $CABINET_OLD" && echo rollback >> steps.log
`

func (f *fixture) stepsLog() string {
	data, _ := os.ReadFile(filepath.Join(f.s.Dir, "steps.log"))
	return strings.Join(strings.Fields(string(data)), " ")
}

func TestARotationFollowsItsRunbook(t *testing.T) {
	f := newFixture(t, "data-platform", fullRunbook)
	e := f.engine(f.alice, nil)
	sec, err := e.Start(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st := inventory.StatusAt(sec, f.clock, f.s.Config.Warning); st != inventory.StatusRotating {
		t.Fatalf("status %s", st)
	}
	newValue := f.read(inventory.Selector{State: inventory.Pending})
	if len(newValue) != 24 || f.read(inventory.Selector{}) != oldValue {
		t.Fatal("the new value is not pending beside the current one")
	}
	if _, err := e.Run(context.Background(), path); err != nil {
		t.Fatalf("%v\n%s", err, f.out.String())
	}
	if got := f.read(inventory.Selector{}); got != newValue {
		t.Fatal("the new value is not current")
	}
	if got := f.read(inventory.Selector{State: inventory.Previous}); got != oldValue {
		t.Fatal("the old value is not previous")
	}
	if sec := f.load(); sec.Rotating != nil || inventory.StatusAt(sec, f.clock, f.s.Config.Warning) == inventory.StatusRotating {
		t.Fatalf("the rotation did not end: %+v", sec.Rotating)
	}
	if got := f.stepsLog(); got != "apply validate revoke" {
		t.Fatalf("steps run: %q", got)
	}
	if len(f.slept) != 1 || f.slept[0] > 15*time.Minute || f.slept[0] < 14*time.Minute {
		t.Fatalf("waited %v", f.slept)
	}
	out := f.out.String()
	if strings.Contains(out, newValue) || strings.Contains(out, oldValue) || strings.Contains(out, newValue[:10]+"\n") {
		t.Fatalf("a value reached the output:\n%s", out)
	}
	for _, want := range []string{"applying *** instead of *** to prod/db/password", "\n***\n", "revoking ***; keeping ***", "rotated prod/db/password: v2 is current"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	audit := f.audit()
	for _, want := range []string{`"action":"rotate-start"`, `step 1: apply: running`, `step 1: apply: ok`, `step 2: validate: ok`,
		`"action":"rotate-promote"`, `step 4: overlap window: ok`, `step 5: revoke the old one: ok`, `step 6: old one revoked: ok`, `"action":"rotate-finish"`} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log lacks %s", want)
		}
	}
	if strings.Contains(audit, newValue) || strings.Contains(audit, oldValue) {
		t.Fatal("a value reached the audit log")
	}
}

func TestAFailingStepRollsBack(t *testing.T) {
	f := newFixture(t, "data-platform", strings.Replace(fullRunbook,
		`run: test "$CABINET_NEW" != "$CABINET_OLD" && test -n "$CABINET_NEW" && echo validate >> steps.log`,
		`run: echo "cannot log in with $CABINET_NEW" >&2; exit 3`, 1))
	e := f.engine(f.alice, nil)
	if _, err := e.Start(path, nil); err != nil {
		t.Fatal(err)
	}
	_, err := e.Run(context.Background(), path)
	if !errors.Is(err, ErrStepFailed) || !strings.Contains(err.Error(), "step 2 (validate)") || !strings.Contains(err.Error(), "exit status 3: cannot log in with ***") {
		t.Fatalf("err = %v", err)
	}
	sec := f.load()
	if sec.Rotating != nil || len(sec.Versions) != 1 || f.read(inventory.Selector{}) != oldValue {
		t.Fatalf("after the rollback: %+v", sec.Versions)
	}
	if got := f.stepsLog(); got != "apply rollback" {
		t.Fatalf("steps run: %q", got)
	}
	audit := f.audit()
	for _, want := range []string{`step 2: validate: failed (exit status 3: cannot log in with ***)`, `rollback: `, `"action":"rotate-rollback"`} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log lacks %s:\n%s", want, audit)
		}
	}
}

func TestAStepThatHangsTimesOut(t *testing.T) {
	f := newFixture(t, "data-platform", "name: rb\nsteps:\n  - run: sleep 30 & sleep 30\n    timeout: 300ms\n  - name: promote\n")
	e := f.engine(f.alice, nil)
	if _, err := e.Start(path, nil); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := e.Run(context.Background(), path)
	if !errors.Is(err, ErrStepFailed) || !strings.Contains(err.Error(), "timed out after 300ms") {
		t.Fatalf("err = %v", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("took %v", took)
	}
	if f.read(inventory.Selector{}) != oldValue {
		t.Fatal("current changed")
	}
}

func TestApprovalIsRequiredBeforePromote(t *testing.T) {
	f := newFixture(t, "data-platform", "name: rb\nsteps:\n  - run: true\n  - name: promote\napprove: bob\n")
	e := f.engine(f.alice, nil)
	if _, err := e.Start(path, nil); err != nil {
		t.Fatal(err)
	}
	_, err := e.Run(context.Background(), path)
	if !errors.Is(err, ErrNeedsApproval) || !strings.Contains(err.Error(), "by bob") {
		t.Fatalf("err = %v", err)
	}
	if f.read(inventory.Selector{}) != oldValue || f.load().Rotating == nil {
		t.Fatal("promoted without approval")
	}
	if err := e.Approve(path); err == nil || !strings.Contains(err.Error(), "alice may not approve") {
		t.Fatalf("alice approved: %v", err)
	}
	if err := f.engine(f.bob, nil).Approve(path); err != nil {
		t.Fatal(err)
	}
	// Anyone in scope goes on with it: here bob.
	if _, err := f.engine(f.bob, nil).Run(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	if f.read(inventory.Selector{}) == oldValue {
		t.Fatal("not promoted after the approval")
	}
	if !strings.Contains(f.audit(), `"action":"rotate-start"`) {
		t.Fatal("no start in alice's log")
	}
	bobs, _ := os.ReadFile(filepath.Join(f.s.Dir, "audit", "bob.jsonl"))
	if !strings.Contains(string(bobs), `"action":"rotate-approve"`) {
		t.Fatal("no approval in bob's log")
	}
}

// approve: owner with a team as owner: anyone in scope but the one who
// started it.
func TestOwnerApprovalByATeamIsFourEyes(t *testing.T) {
	f := newFixture(t, "data-platform", "name: rb\nsteps:\n  - name: promote\napprove: owner\n")
	if _, err := f.engine(f.alice, nil).Start(path, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.engine(f.alice, nil).Approve(path); err == nil || !strings.Contains(inventory.HintOf(err), "other than alice") {
		t.Fatalf("the starter approved: %v", err)
	}
	if err := f.engine(f.bob, nil).Approve(path); err != nil {
		t.Fatal(err)
	}
}

func TestAnUnconfirmedStepWaitsToBeResumed(t *testing.T) {
	f := newFixture(t, "data-platform", fullRunbook)
	answer := false
	e := f.engine(f.alice, func(q string) (bool, error) {
		if q != "Old password revoked?" {
			t.Fatalf("asked %q", q)
		}
		return answer, nil
	})
	if _, err := e.Start(path, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Run(context.Background(), path); !errors.Is(err, ErrNotConfirmed) {
		t.Fatalf("err = %v", err)
	}
	if r := f.load().Rotating; r == nil || r.Next != 5 {
		t.Fatalf("rotating %+v", r)
	}
	answer = true
	if _, err := e.Run(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	if f.load().Rotating != nil {
		t.Fatal("not finished")
	}
}

// Rolling back after the promote makes the old value current again.
func TestRollbackAfterPromote(t *testing.T) {
	f := newFixture(t, "data-platform", fullRunbook)
	e := f.engine(f.alice, func(string) (bool, error) { return false, nil })
	if _, err := e.Start(path, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Run(context.Background(), path); !errors.Is(err, ErrNotConfirmed) {
		t.Fatalf("err = %v", err)
	}
	if f.read(inventory.Selector{}) == oldValue {
		t.Fatal("not promoted yet")
	}
	if err := e.Rollback(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	sec := f.load()
	if f.read(inventory.Selector{}) != oldValue || sec.Rotating != nil || len(sec.Versions) != 1 {
		t.Fatalf("versions after rollback: %+v", sec.Versions)
	}
}

func TestWithoutARunbookTheValueIsCurrentAtOnce(t *testing.T) {
	f := newFixture(t, "data-platform", "")
	e := f.engine(f.alice, nil)
	if _, err := e.Start(path, []byte("typed-new")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Run(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	if f.read(inventory.Selector{}) != "typed-new" || f.read(inventory.Selector{State: inventory.Previous}) != oldValue {
		t.Fatal("not rotated")
	}
}

func TestStartRefusals(t *testing.T) {
	f := newFixture(t, "data-platform", "name: rb\ngenerate: prompt\nsteps:\n  - name: promote\n")
	e := f.engine(f.alice, nil)
	if _, err := e.Start(path, nil); !errors.Is(err, ErrNeedsValue) {
		t.Fatalf("prompt runbook without a value: %v", err)
	}
	if _, err := e.Start(path, []byte("")); !errors.Is(err, store.ErrEmptyValue) {
		t.Fatalf("empty value: %v", err)
	}
	if _, err := e.Start(path, []byte("v")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Start(path, []byte("w")); !errors.Is(err, store.ErrRotating) {
		t.Fatalf("second rotation: %v", err)
	}
	if _, err := e.Run(context.Background(), "prod/db/other"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing secret: %v", err)
	}
}

// A step never sees the operator's private key, even when it came from
// CABINET_IDENTITY.
func TestStepsDoNotGetTheIdentity(t *testing.T) {
	f := newFixture(t, "data-platform", "name: rb\nsteps:\n  - run: env > env.txt\n  - name: promote\n")
	e := f.engine(f.alice, nil)
	e.Env = append(e.Env, "CABINET_IDENTITY=AGE-SECRET-KEY-1NOTREALBUTPRIVATE", "CABINET_NEW=stale", "KEEP=me")
	if _, err := e.Start(path, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Run(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	env, err := os.ReadFile(filepath.Join(f.s.Dir, "env.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(env), "CABINET_IDENTITY") || strings.Contains(string(env), "CABINET_NEW=stale") || !strings.Contains(string(env), "KEEP=me") || strings.Count(string(env), "CABINET_NEW=") != 1 {
		t.Fatalf("the step's environment:\n%s", env)
	}
}

// TestStepTitlesArePrintedEscaped: a runbook is a file a teammate may have
// written; its step names cannot drive the operator's terminal.
func TestStepTitlesArePrintedEscaped(t *testing.T) {
	const runbook = `name: rb
generate: {length: 24, charset: alnum}
steps:
  - name: "apply \e]0;pwned\a now"
    run: "true"
  - name: promote
`
	f := newFixture(t, "data-platform", runbook)
	e := f.engine(f.alice, nil)
	if _, err := e.Start(path, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Run(context.Background(), path); err != nil {
		t.Fatalf("%v\n%s", err, f.out.String())
	}
	out := f.out.String()
	if strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, `apply \x1b]0;pwned\x07 now`) {
		t.Fatalf("output:\n%q", out)
	}
}
