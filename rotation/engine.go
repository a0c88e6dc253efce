// Package rotation follows a secret's runbook to rotate it: it stages the
// new value as a pending version, runs the steps that apply and validate it,
// promotes it, waits out the overlap window, and on a failure runs the
// rollback steps and discards the new version.
//
// The rotation's progress lives in the secret file (inventory.Rotating) and
// each transition is written before and after the step it concerns, so a
// rotation survives a crash, a quit or a teammate's pull, and anyone in scope
// can resume it or roll it back. Steps get the new and old values only in
// their environment (CABINET_NEW, CABINET_OLD) and every copy of either in
// their output is masked before it goes anywhere.
package rotation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// Errors that stop a rotation without failing it: it waits where it is,
// to be resumed.
var (
	ErrNeedsApproval = errors.New("the rotation needs an approval before promote")
	ErrNotConfirmed  = errors.New("a step was not confirmed")
	ErrNoRotation    = errors.New("no rotation in progress")
	ErrNeedsValue    = errors.New("the runbook asks for the new value")
)

// ErrInConflict refuses to rotate a secret whose values a merge left in
// conflict: which value the rotation replaces must be settled first.
var ErrInConflict = errors.New("in conflict")

// inConflict refuses a secret with values in conflict.
func inConflict(sec *inventory.Secret) error {
	var clashing []string
	for _, v := range sec.Versions {
		if v.State == inventory.Conflicted {
			clashing = append(clashing, fmt.Sprintf("v%d", v.Number))
		}
	}
	if len(clashing) == 0 {
		return nil
	}
	return inventory.WithHint(fmt.Errorf("%s is %w: %s made on another clone at the same time as the current value", sec.Path, ErrInConflict, strings.Join(clashing, ", ")),
		"settle it first with `cabinet resolve "+sec.Path+" --keep N` (`cabinet show "+sec.Path+"` lists the values)")
}

// ErrStepFailed means a step failed and the rotation was rolled back.
var ErrStepFailed = errors.New("a step failed")

// Store is what the engine uses of a store; *store.Store is one.
type Store interface {
	Load(path string) (*inventory.Secret, error)
	ReadAs(action, path string, sel inventory.Selector, id *crypto.Identity, act store.Act) ([]byte, *inventory.Version, error)
	Change(path string, act store.Act, change func(*inventory.Secret) (inventory.Event, error)) (*inventory.Secret, error)
	StartRotation(path string, value []byte, runbook string, act store.Act) (*inventory.Secret, error)
	LoadRunbook(name string) (*inventory.Runbook, error)
	// Members are the members and scopes now, for who may approve.
	Members() inventory.Recipients
	// Folder is the store's folder, where steps run.
	Folder() string
}

// Engine rotates secrets of one store as one operator.
type Engine struct {
	Store    Store
	Identity *crypto.Identity
	Actor    string
	Now      func() time.Time
	// Output receives what the steps print, masked, and the engine's own
	// progress lines.
	Output io.Writer
	// Confirm asks the operator a confirm step's question; nil ticks every
	// confirm step (--yes).
	Confirm func(question string) (bool, error)
	// Env is the environment steps start from (os.Environ()); the engine
	// adds CABINET_NEW, CABINET_OLD and CABINET_PATH.
	Env []string
	// Sleep waits d or until ctx ends; nil is a real timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Progress, if set, hears of each step as it starts and ends.
	Progress func(Progress)
}

// Progress tells what a rotation is doing.
type Progress struct {
	Path    string
	Step    int // index in the runbook's steps; -1 for a rollback step
	Title   string
	Outcome string // inventory.StepRunning, StepOK or StepFailed
	Until   time.Time
}

func (e *Engine) act() store.Act { return store.Act{Actor: e.Actor, Now: e.now()} }

func (e *Engine) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// printf reports progress on one line. Step titles and errors come from
// files a teammate may have written, so the line is escaped.
func (e *Engine) printf(format string, args ...any) {
	if e.Output != nil {
		fmt.Fprintln(e.Output, inventory.Printable(fmt.Sprintf(format, args...)))
	}
}

// Runbook is the runbook that path rotates with: its own, or the
// rotation in one step when it has none.
func (e *Engine) Runbook(sec *inventory.Secret) (*inventory.Runbook, error) {
	name := sec.Rotation.Runbook
	if sec.Rotating != nil {
		name = sec.Rotating.Runbook // the one it started with
	}
	if name == "" {
		return inventory.OneStep(), nil
	}
	return e.Store.LoadRunbook(name)
}

// Start begins the rotation of path: the new value (value, or generated as
// the runbook says when value is nil) is staged as the pending version.
func (e *Engine) Start(path string, value []byte) (*inventory.Secret, error) {
	sec, err := e.Store.Load(path)
	if err != nil {
		return nil, err
	}
	if sec.CurrentVersion() == nil {
		return nil, inventory.WithHint(fmt.Errorf("%s has no value to rotate", path), "set its first value with `cabinet set "+path+"`")
	}
	if err := inConflict(sec); err != nil {
		return nil, err
	}
	rb, err := e.Runbook(sec)
	if err != nil {
		return nil, err
	}
	if value == nil {
		if rb.Generate.Prompt {
			return nil, inventory.WithHint(fmt.Errorf("%s: %w (generate: prompt)", path, ErrNeedsValue), "give it on standard input with --value-stdin, or run on a terminal")
		}
		if value, err = crypto.Generate(rb.Generate.Length, rb.Generate.Charset); err != nil {
			return nil, err
		}
		defer clear(value)
	}
	sec, err = e.Store.StartRotation(path, value, rb.Name, e.act())
	if err != nil {
		return nil, err
	}
	e.printf("rotating %s: v%d is pending (%s)", path, sec.Rotating.Version, describe(rb))
	return sec, nil
}

func describe(rb *inventory.Runbook) string {
	if rb.Name == "" {
		return "no runbook: it becomes current at once"
	}
	return fmt.Sprintf("runbook %s, %d steps", rb.Name, len(rb.Steps))
}

// Run follows the rotation of path from where it stands to its end. It
// stops early, leaving the rotation in place, with ErrNeedsApproval or
// ErrNotConfirmed; a step that fails rolls the rotation back and returns
// ErrStepFailed.
func (e *Engine) Run(ctx context.Context, path string) (*inventory.Secret, error) {
	for {
		sec, rb, err := e.current(path)
		if err != nil {
			return nil, err
		}
		r := sec.Rotating
		if v, err := sec.Version(inventory.Selector{Number: r.Version}); err == nil && v.State == inventory.Conflicted {
			return nil, inventory.WithHint(fmt.Errorf("%s: %w: its new value, v%d, clashes with a value another clone made", path, ErrInConflict, r.Version),
				fmt.Sprintf("keep it with `cabinet resolve %s --keep %d` and resume, or roll the rotation back with `cabinet rotate --rollback %s`", path, r.Version, path))
		}
		if r.Next >= len(rb.Steps) {
			return e.finish(path)
		}
		step := rb.Steps[r.Next]
		if r.LastOutcome(r.Next) == inventory.StepRunning {
			e.printf("step %d (%s) was interrupted; running it again", r.Next+1, step.Title())
		}
		if err := e.runStep(ctx, sec, rb, r.Next, step); err != nil {
			return nil, err
		}
	}
}

// current loads path and its runbook; it must be rotating.
func (e *Engine) current(path string) (*inventory.Secret, *inventory.Runbook, error) {
	sec, err := e.Store.Load(path)
	if err != nil {
		return nil, nil, err
	}
	if sec.Rotating == nil {
		return nil, nil, inventory.WithHint(fmt.Errorf("%s: %w", path, ErrNoRotation), "start one with `cabinet rotate "+path+"`")
	}
	rb, err := e.Runbook(sec)
	if err != nil {
		return nil, nil, err
	}
	return sec, rb, nil
}

func (e *Engine) runStep(ctx context.Context, sec *inventory.Secret, rb *inventory.Runbook, i int, step inventory.Step) error {
	switch step.Kind {
	case inventory.StepPromote:
		return e.promote(sec, rb, i)
	case inventory.StepWait:
		return e.wait(ctx, sec, i, step)
	case inventory.StepConfirm:
		return e.confirm(sec, i, step)
	}
	return e.run(ctx, sec, i, step)
}

// record writes a step's outcome to the secret file, advancing the
// rotation past it when it is done, with one audit line.
func (e *Engine) record(path string, i int, title, outcome, detail string, change func(*inventory.Rotating)) error {
	act := e.act()
	_, err := e.Store.Change(path, act, func(sec *inventory.Secret) (inventory.Event, error) {
		r := sec.Rotating
		if r == nil {
			return inventory.Event{}, fmt.Errorf("%s: %w (rolled back or finished meanwhile?)", path, ErrNoRotation)
		}
		r.Steps = append(r.Steps, inventory.StepOutcome{Step: i, Name: title, Outcome: outcome, At: act.Now.UTC().Truncate(time.Second), By: act.Actor, Detail: detail})
		if outcome == inventory.StepOK && i >= 0 {
			r.Next = i + 1
		}
		if change != nil {
			change(r)
		}
		ev := act.Event(inventory.ActionRotateStep, path, r.Version, auditOutcome(outcome), fmt.Sprintf("step %d: %s: %s", i+1, title, outcome))
		if i < 0 {
			ev.Detail = fmt.Sprintf("rollback: %s: %s", title, outcome)
		}
		if detail != "" {
			ev.Detail += " (" + detail + ")"
		}
		return ev, nil
	})
	if e.Progress != nil && err == nil {
		e.Progress(Progress{Path: path, Step: i, Title: title, Outcome: outcome})
	}
	return err
}

func auditOutcome(stepOutcome string) string {
	if stepOutcome == inventory.StepFailed {
		return inventory.OutcomeFailed
	}
	return inventory.OutcomeOK
}

func (e *Engine) promote(sec *inventory.Secret, rb *inventory.Runbook, i int) error {
	path, r := sec.Path, sec.Rotating
	if rb.Approve != "" && r.Approved == "" {
		who := inventory.Approver(rb, sec, e.Store.Members())
		return inventory.WithHint(fmt.Errorf("%s: %w by %s", path, ErrNeedsApproval, who),
			fmt.Sprintf("%s runs `cabinet approve %s`, then anyone in scope `cabinet rotate --resume %s`", who, path, path))
	}
	act := e.act()
	var promoted inventory.Version
	_, err := e.Store.Change(path, act, func(sec *inventory.Secret) (inventory.Event, error) {
		if sec.Rotating == nil {
			return inventory.Event{}, fmt.Errorf("%s: %w", path, ErrNoRotation)
		}
		v, err := sec.Promote()
		if err != nil {
			return inventory.Event{}, err
		}
		promoted = v
		r := sec.Rotating
		r.Steps = append(r.Steps, inventory.StepOutcome{Step: i, Name: "promote", Outcome: inventory.StepOK, At: act.Now.UTC().Truncate(time.Second), By: act.Actor})
		r.Next = i + 1
		return act.Event(inventory.ActionRotatePromote, path, v.Number, inventory.OutcomeOK, fmt.Sprintf("step %d: v%d is current", i+1, v.Number)), nil
	})
	if err != nil {
		return err
	}
	e.printf("step %d: promote: v%d is current, the old value is previous", i+1, promoted.Number)
	if e.Progress != nil {
		e.Progress(Progress{Path: path, Step: i, Title: "promote", Outcome: inventory.StepOK})
	}
	return nil
}

func (e *Engine) wait(ctx context.Context, sec *inventory.Secret, i int, step inventory.Step) error {
	path, until := sec.Path, sec.Rotating.WaitUntil
	if until.IsZero() {
		until = e.now().Add(step.Wait).UTC().Truncate(time.Second)
		if err := e.record(path, i, step.Title(), inventory.StepRunning, "until "+until.Format(time.RFC3339), func(r *inventory.Rotating) { r.WaitUntil = until }); err != nil {
			return err
		}
	}
	left := until.Sub(e.now())
	e.printf("step %d: %s: waiting until %s (%s)", i+1, step.Title(), until.Local().Format("15:04:05"), left.Round(time.Second))
	if e.Progress != nil {
		e.Progress(Progress{Path: path, Step: i, Title: step.Title(), Outcome: inventory.StepRunning, Until: until})
	}
	if left > 0 {
		sleep := e.Sleep
		if sleep == nil {
			sleep = realSleep
		}
		if err := sleep(ctx, left); err != nil {
			return fmt.Errorf("%s: the wait of step %d was interrupted; resume with `cabinet rotate --resume %s`: %w", path, i+1, path, err)
		}
	}
	return e.record(path, i, step.Title(), inventory.StepOK, "", func(r *inventory.Rotating) { r.WaitUntil = time.Time{} })
}

func realSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *Engine) confirm(sec *inventory.Secret, i int, step inventory.Step) error {
	path := sec.Path
	if e.Confirm != nil {
		ok, err := e.Confirm(step.Confirm)
		if err != nil {
			return err
		}
		if !ok {
			return inventory.WithHint(fmt.Errorf("%s: %w: step %d: %s", path, ErrNotConfirmed, i+1, step.Confirm),
				"resume with `cabinet rotate --resume "+path+"` when it is done, or undo with `cabinet rotate --rollback "+path+"`")
		}
	}
	e.printf("step %d: %s: confirmed", i+1, step.Title())
	return e.record(path, i, step.Title(), inventory.StepOK, "confirmed", nil)
}

func (e *Engine) run(ctx context.Context, sec *inventory.Secret, i int, step inventory.Step) error {
	path := sec.Path
	if err := e.record(path, i, step.Title(), inventory.StepRunning, "", nil); err != nil {
		return err
	}
	e.printf("step %d: %s", i+1, step.Title())
	detail, err := e.exec(ctx, sec, step)
	if err == nil {
		return e.record(path, i, step.Title(), inventory.StepOK, detail, nil)
	}
	if errors.Is(err, context.Canceled) {
		// The operator stopped it: what the step did is unknown, so the
		// rotation waits, the step marked running, for them to choose.
		return inventory.WithHint(fmt.Errorf("%s: step %d (%s) was interrupted", path, i+1, step.Title()),
			"run it again with `cabinet rotate --resume "+path+"`, or undo the rotation with `cabinet rotate --rollback "+path+"`")
	}
	if rerr := e.record(path, i, step.Title(), inventory.StepFailed, oneLine(err.Error()), nil); rerr != nil {
		return rerr
	}
	e.printf("step %d failed: %v; rolling back", i+1, err)
	if rerr := e.Rollback(context.WithoutCancel(ctx), path); rerr != nil {
		return fmt.Errorf("%s: step %d (%s) failed: %v, and so did the rollback: %w", path, i+1, step.Title(), err, rerr)
	}
	return fmt.Errorf("%s: %w: step %d (%s): %v; the rotation was rolled back and the current value is unchanged", path, ErrStepFailed, i+1, step.Title(), err)
}

// Rollback undoes the rotation of path: it runs the runbook's rollback
// steps, then drops the new version and, if it was promoted, makes the
// previous value current again. A rollback step that fails is recorded and
// the others still run.
func (e *Engine) Rollback(ctx context.Context, path string) error {
	sec, rb, err := e.current(path)
	if err != nil {
		return err
	}
	var failed []string
	for _, step := range rb.Rollback {
		if err := e.rollbackStep(ctx, sec, step); err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", step.Title(), err))
		}
	}
	act := e.act()
	var version int
	_, err = e.Store.Change(path, act, func(sec *inventory.Secret) (inventory.Event, error) {
		if sec.Rotating == nil {
			return inventory.Event{}, fmt.Errorf("%s: %w", path, ErrNoRotation)
		}
		version = sec.Rotating.Version
		if err := sec.Unrotate(version); err != nil {
			return inventory.Event{}, err
		}
		sec.Rotating = nil
		outcome, detail := inventory.OutcomeOK, fmt.Sprintf("v%d discarded", version)
		if len(failed) > 0 {
			outcome, detail = inventory.OutcomeFailed, detail+"; rollback steps failed: "+strings.Join(failed, "; ")
		}
		return act.Event(inventory.ActionRotateRollback, path, version, outcome, oneLine(detail)), nil
	})
	if err != nil {
		return err
	}
	e.printf("rolled back %s: v%d discarded, the value in use before the rotation is current", path, version)
	if len(failed) > 0 {
		return fmt.Errorf("rollback steps failed (%s): check by hand", strings.Join(failed, "; "))
	}
	return nil
}

func (e *Engine) rollbackStep(ctx context.Context, sec *inventory.Secret, step inventory.Step) error {
	path := sec.Path
	if step.Kind == inventory.StepConfirm {
		if e.Confirm != nil {
			if ok, err := e.Confirm(step.Confirm); err != nil || !ok {
				_ = e.record(path, -1, step.Title(), inventory.StepFailed, "not confirmed", nil)
				return fmt.Errorf("not confirmed")
			}
		}
		return e.record(path, -1, step.Title(), inventory.StepOK, "confirmed", nil)
	}
	e.printf("rollback: %s", step.Title())
	detail, err := e.exec(ctx, sec, step)
	if err != nil {
		_ = e.record(path, -1, step.Title(), inventory.StepFailed, oneLine(err.Error()), nil)
		return err
	}
	return e.record(path, -1, step.Title(), inventory.StepOK, detail, nil)
}

// finish ends a rotation whose steps are all done.
func (e *Engine) finish(path string) (*inventory.Secret, error) {
	act := e.act()
	sec, err := e.Store.Change(path, act, func(sec *inventory.Secret) (inventory.Event, error) {
		r := sec.Rotating
		if r == nil {
			return inventory.Event{}, fmt.Errorf("%s: %w", path, ErrNoRotation)
		}
		sec.Rotating = nil
		return act.Event(inventory.ActionRotateFinish, path, r.Version, inventory.OutcomeOK, fmt.Sprintf("v%d is current", r.Version)), nil
	})
	if err != nil {
		return nil, err
	}
	e.printf("rotated %s: v%d is current", path, sec.CurrentVersion().Number)
	return sec, nil
}

// Approve records that the operator approves the promote of path's
// rotation. The runbook says who may: its owner, or a named member.
func (e *Engine) Approve(path string) error {
	sec, rb, err := e.current(path)
	if err != nil {
		return err
	}
	if rb.Approve == "" {
		return fmt.Errorf("%s: its runbook %s asks for no approval", path, rb.Name)
	}
	if ok, who := inventory.MayApprove(rb, sec, e.Store.Members(), e.Actor); !ok {
		return inventory.WithHint(fmt.Errorf("%s: %s may not approve this rotation", path, e.Actor), who+" may approve it")
	}
	act := e.act()
	_, err = e.Store.Change(path, act, func(sec *inventory.Secret) (inventory.Event, error) {
		if sec.Rotating == nil {
			return inventory.Event{}, fmt.Errorf("%s: %w", path, ErrNoRotation)
		}
		sec.Rotating.Approved = act.Actor
		return act.Event(inventory.ActionRotateApprove, path, sec.Rotating.Version, inventory.OutcomeOK, "approved by "+act.Actor), nil
	})
	if err == nil {
		e.printf("approved the rotation of %s (v%d)", path, sec.Rotating.Version)
	}
	return err
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
