package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/rotation"
	"github.com/cabinethq/cabinet/store"
)

type rotateOptions struct {
	yes, resume, rollback, valueStdin bool
}

func newRotateCmd(a *App) *cobra.Command {
	var o rotateOptions
	c := &cobra.Command{
		Use:   "rotate PATH",
		Short: "Rotate a secret, following its runbook",
		Long: `Rotate a secret: a new value is staged as the pending version, then the
steps of the secret's runbook (runbooks/NAME.yaml) apply and validate it,
promote it (pending becomes current, current becomes previous), wait out the
overlap window and revoke the old one. A secret without a runbook rotates in
one step: the new value becomes current at once.

The new value is generated as the runbook says, or read from standard input
with --value-stdin (a runbook with "generate: prompt" asks for it on a
terminal). Steps get it as $CABINET_NEW, the value it replaces as
$CABINET_OLD and the path as $CABINET_PATH, never on a command line, and every
copy of either value in their output is shown as ***.

If a step fails, the runbook's rollback steps run, the new version is
discarded and the current value stays in use. The rotation's progress is kept
in the secret file: after a crash, a quit or on a teammate's machine,
--resume goes on from where it stopped and --rollback undoes it.

On a terminal, confirm steps ask; --yes ticks them, for scripts and CI. A
runbook with "approve:" stops before promote until the approver runs
` + "`cabinet approve PATH`" + `.`,
		Example: `  cabinet rotate prod/db/password
  cabinet rotate prod/db/password --yes
  printf %s "$NEW_KEY" | cabinet rotate stg/partner/key --value-stdin --yes
  cabinet rotate prod/db/password --resume
  cabinet rotate prod/db/password --rollback`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completePaths(a),
		RunE: func(c *cobra.Command, args []string) error {
			return runRotate(a, args[0], o)
		},
	}
	c.Flags().BoolVarP(&o.yes, "yes", "y", false, "run to the end without asking: tick confirm steps")
	c.Flags().BoolVar(&o.resume, "resume", false, "go on with the rotation in progress")
	c.Flags().BoolVar(&o.rollback, "rollback", false, "undo the rotation in progress: run the rollback steps, discard the new version")
	c.Flags().BoolVar(&o.valueStdin, "value-stdin", false, "read the new value from standard input instead of generating it")
	c.MarkFlagsMutuallyExclusive("resume", "rollback")
	c.MarkFlagsMutuallyExclusive("value-stdin", "resume")
	c.MarkFlagsMutuallyExclusive("value-stdin", "rollback")
	return c
}

func runRotate(a *App, path string, o rotateOptions) error {
	s, err := a.openStoreFor(path)
	if err != nil {
		return err
	}
	e, err := a.engine(s, o.yes)
	if err != nil {
		return err
	}
	if err := a.refuseUnanswerable(s, e, path, o); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch {
	case o.rollback:
		return e.Rollback(ctx, path)
	case !o.resume:
		value, err := a.rotationValue(s, e, path, o.valueStdin)
		if err != nil {
			return err
		}
		_, err = e.Start(path, value)
		clear(value)
		if err != nil {
			return err
		}
	}
	_, err = e.Run(ctx, path)
	return err
}

// rotationValue is the new value a rotation starts with: from stdin with
// --value-stdin, typed at a prompt when the runbook asks for it and a
// terminal is there, else nil (generated).
func (a *App) rotationValue(s *store.Store, e *rotation.Engine, path string, fromStdin bool) ([]byte, error) {
	if fromStdin {
		if a.Terminal(a.In) {
			return nil, usagef("--value-stdin reads a pipe or a file; on a terminal leave it out and you are asked")
		}
		return a.readValue(path)
	}
	sec, err := s.Load(path)
	if err != nil {
		return nil, err
	}
	rb, err := e.Runbook(sec)
	if err != nil {
		return nil, err
	}
	if rb.Generate.Prompt && a.Terminal(a.In) {
		return a.readValue(path)
	}
	return nil, nil
}

// refuseUnanswerable refuses, before anything is staged or run, a rotation
// that would reach a confirm step with no one to answer it: off a terminal
// and without --yes. Found only at the step, it would stop the rotation
// half done (after the promote, say) with a usage error. A rotation whose
// steps ask nothing needs no --yes. Other errors (no such secret, a bad
// runbook, no rotation to resume) are left to the engine, which reports
// them before it changes anything too.
func (a *App) refuseUnanswerable(s *store.Store, e *rotation.Engine, path string, o rotateOptions) error {
	if o.yes || a.canAsk() {
		return nil
	}
	sec, err := s.Load(path)
	if err != nil || (sec.Rotating != nil) != (o.resume || o.rollback) {
		return nil
	}
	rb, err := e.Runbook(sec)
	if err != nil {
		return nil
	}
	var ahead []inventory.Step
	switch {
	case o.resume:
		ahead = rb.Steps[min(sec.Rotating.Next, len(rb.Steps)):]
	case !o.rollback:
		ahead = rb.Steps
	}
	ahead = append(ahead[:len(ahead):len(ahead)], rb.Rollback...) // a failed step rolls back
	for _, step := range ahead {
		if step.Kind == inventory.StepConfirm {
			return usagef("%s: the runbook %s asks %q and no terminal is attached to answer it; nothing was done: pass --yes to tick its confirm steps, or run it on a terminal", path, rb.Name, step.Confirm)
		}
	}
	return nil
}

// canAsk reports whether confirm steps can be asked: stdin and stderr are
// a terminal.
func (a *App) canAsk() bool { return a.Terminal(a.In) && a.Terminal(a.Err) }

// engine is the rotation engine acting as the operator, printing to
// stderr; confirm steps ask on a terminal, are ticked with yes, and
// otherwise stop the rotation with a clear message.
func (a *App) engine(s *store.Store, yes bool) (*rotation.Engine, error) {
	id, err := a.identity()
	if err != nil {
		return nil, err
	}
	e := &rotation.Engine{Store: s, Identity: id, Actor: a.act(s, id).Actor, Now: a.Now, Output: a.Err, Env: a.environ()}
	switch {
	case yes:
	case a.canAsk():
		in := bufio.NewReader(a.In)
		e.Confirm = func(q string) (bool, error) {
			fmt.Fprintf(a.Err, "%s [y/N] ", inventory.Printable(q))
			line, err := in.ReadString('\n')
			if err != nil {
				return false, err
			}
			answer := strings.ToLower(strings.TrimSpace(line))
			return answer == "y" || answer == "yes", nil
		}
	default:
		e.Confirm = func(q string) (bool, error) {
			return false, usagef("a step asks %q and no terminal is attached to answer: run on a terminal, or with --yes to tick it", q)
		}
	}
	return e, nil
}

func newApproveCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "approve PATH",
		Short: "Approve the promote of a rotation whose runbook asks for it",
		Long: `Approve a rotation in progress whose runbook says "approve: owner" or
"approve: NAME". With owner, the secret's owner approves when the owner is a
member; when the owner is a team, any member of the secret's scope other than
the one who started the rotation. Then anyone in scope resumes it with
` + "`cabinet rotate --resume PATH`" + `.`,
		Example:           `  cabinet approve prod/db/password && cabinet rotate --resume prod/db/password`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completePaths(a),
		RunE: func(c *cobra.Command, args []string) error {
			s, err := a.openStoreFor(args[0])
			if err != nil {
				return err
			}
			e, err := a.engine(s, true)
			if err != nil {
				return err
			}
			return e.Approve(args[0])
		},
	}
}

// rotationExitCode maps the rotation's errors to exit codes.
func rotationExitCode(err error) (ExitCode, bool) {
	switch {
	case errors.Is(err, rotation.ErrNeedsValue):
		return ExitUsage, true
	case errors.Is(err, rotation.ErrNoRotation):
		return ExitNotFound, true
	case errors.Is(err, store.ErrRotating), errors.Is(err, rotation.ErrInConflict):
		return ExitConflict, true
	case errors.Is(err, store.ErrBadRunbook):
		return ExitCorrupt, true
	}
	return 0, false
}
