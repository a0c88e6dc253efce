package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/rotation"
	"github.com/cabinethq/cabinet/store"
)

// The demo's audit history beyond the values: the members' reads, and
// rotations through the rotation engine, one that fails and is rolled
// back and one that waits for an approval. Each goes through the store's
// and the engine's own code, so that the log holds what they write.

// demoRead is a member's reads of one secret, one each of days (before
// now), with the member's own identity: a read out of the member's scope
// is denied, and recorded so.
type demoRead struct {
	by, action, path string
	days             []int
	// nightly reads at the same time each day, as a scheduled job does;
	// the others are spread over the day.
	nightly bool
}

// nights are the days 1 to n before now: a nightly job's.
func nights(n int) []int {
	days := make([]int, n)
	for i := range days {
		days[i] = i + 1
	}
	return days
}

// demoReads are who read what over the past weeks: the ETL job every
// night, the team now and then, dave until he left, and carol once where
// her scope does not reach.
func demoReads() []demoRead {
	return []demoRead{
		{by: "etl-prod", action: inventory.ActionRead, path: "prod/warehouse/etl-password", days: nights(14), nightly: true},
		{by: "etl-prod", action: inventory.ActionRead, path: "prod/kafka/sasl-password", days: nights(14), nightly: true},
		{by: "etl-prod", action: inventory.ActionRead, path: "prod/s3/access-key", days: nights(7), nightly: true},
		{by: "etl-prod", action: inventory.ActionRead, path: "prod/s3/secret-key", days: nights(7), nightly: true},

		{by: demoUser, action: inventory.ActionRead, path: "prod/warehouse/etl-password", days: []int{30, 9}},
		{by: demoUser, action: inventory.ActionReveal, path: "prod/warehouse/dbt-password", days: []int{12, 7}},
		{by: demoUser, action: inventory.ActionCopy, path: "prod/partner/stripe-api-key", days: []int{15}},
		{by: demoUser, action: inventory.ActionReveal, path: "prod/postgres/orders-password", days: []int{18, 4}},
		{by: demoUser, action: inventory.ActionCopy, path: "prod/sftp/partner-ssh-key", days: []int{2}},
		{by: demoUser, action: inventory.ActionRead, path: "stg/kafka/sasl-password", days: []int{25}},

		{by: "bob", action: inventory.ActionRead, path: "stg/warehouse/etl-password", days: []int{27, 20, 13, 6}},
		{by: "bob", action: inventory.ActionReveal, path: "stg/s3/secret-key", days: []int{18, 3}},
		{by: "bob", action: inventory.ActionCopy, path: "dev/postgres/orders-password", days: []int{11, 2}},
		{by: "bob", action: inventory.ActionRead, path: "stg/kafka/sasl-password", days: []int{35, 16}},
		{by: "bob", action: inventory.ActionRead, path: "dev/warehouse/etl-password", days: []int{9}},

		{by: "carol", action: inventory.ActionReveal, path: "dev/jupyter/token", days: []int{26, 12, 4}},
		{by: "carol", action: inventory.ActionCopy, path: "dev/ml/wandb-api-key", days: []int{19, 5}},
		{by: "carol", action: inventory.ActionRead, path: "dev/s3/access-key", days: []int{8}},
		// Her own token, but in prod/, which she may not read.
		{by: "carol", action: inventory.ActionRead, path: "prod/tableau/personal-access-token", days: []int{10}},

		{by: "dave", action: inventory.ActionRead, path: "stg/kafka/sasl-password", days: []int{60, 45, 30, 23}},
		{by: "dave", action: inventory.ActionReveal, path: "stg/kafka/schema-registry-token", days: []int{40, 24}},
	}
}

// seedRead reads path as by does; a refusal is recorded by the store and
// is part of the history, not an error of the seed.
func seedRead(s *store.Store, r demoRead, id *crypto.Identity, act store.Act) error {
	value, _, err := s.ReadAs(r.action, r.path, inventory.Selector{}, id, act)
	clear(value)
	if errors.Is(err, crypto.ErrNoMatch) {
		return nil
	}
	return err
}

// demoRotation is a rotation of the demo's history, started by by days
// before now, with a value of the secret's shape.
type demoRotation struct {
	path string
	days int
	by   string
	// approver approves it, two hours later, when its runbook asks; by
	// then resumes it.
	approver string
	// finisher, if set, finishes it the next day: by leaves its last
	// step, a confirmation, unanswered.
	finisher string
	// fail is the step (from 1) that fails, which rolls the rotation
	// back; 0 for none.
	fail int
}

// demoRotations: the versions they make come after the values of
// demoSecrets' days, and count in the statuses.
func demoRotations() []demoRotation {
	return []demoRotation{
		{path: "prod/warehouse/etl-password", days: 70, by: demoUser},
		{path: "stg/kafka/sasl-password", days: 60, by: "bob", finisher: demoUser},
		{path: "stg/partner/stripe-api-key", days: 170, by: "bob", approver: demoUser},
		// Still overdue: the new password did not pass the test job.
		{path: "prod/warehouse/dbt-password", days: 6, by: demoUser, fail: 2},
	}
}

// demoStepFailure is what the failing step prints before it exits: a
// database that did not answer. Without sh (Windows), the step fails to
// start, which fails it as well.
const demoStepFailure = `echo 'psql: error: connection to server at "warehouse.internal" (10.20.0.7), port 5432 failed: timeout expired' >&2; exit 2`

// rotationRun is one rotation of the seed: its engine's store, and the
// clock its steps read.
type rotationRun struct {
	s     *store.Store
	ids   map[string]*crypto.Identity
	r     demoRotation
	value func() ([]byte, error)
}

// engine is the rotation engine as who, at: its clock runs a few seconds
// a step, and a wait step's sleep moves it on rather than wait.
func (run *rotationRun) engine(who string, at time.Time, confirm func(string) (bool, error)) (*rotation.Engine, error) {
	rb, err := run.s.LoadRunbook(runbookOf(run.s, run.r.path))
	if err != nil {
		return nil, err
	}
	clock := at
	return &rotation.Engine{
		Store:    quietStore{Store: run.s, runbook: quietRunbook(rb, run.r.fail)},
		Identity: run.ids[who],
		Actor:    who,
		Now:      func() time.Time { clock = clock.Add(5 * time.Second); return clock },
		Sleep:    func(_ context.Context, d time.Duration) error { clock = clock.Add(d); return nil },
		Confirm:  confirm,
	}, nil
}

// runbookOf is the runbook path rotates with, "" if it cannot be read.
func runbookOf(s *store.Store, path string) string {
	sec, err := s.Load(path)
	if err != nil {
		return ""
	}
	return sec.Rotation.Runbook
}

// start stages the new value and follows the runbook as far as it goes:
// to its end, to the approval it waits for, to the confirmation left for
// the finisher, or to the step that fails and the rollback.
func (run *rotationRun) start(act store.Act) error {
	confirm := func(string) (bool, error) { return true, nil }
	if run.r.finisher != "" {
		confirm = run.lastStepLeft()
	}
	e, err := run.engine(act.Actor, act.Now, confirm)
	if err != nil {
		return err
	}
	value, err := run.value()
	if err != nil {
		return err
	}
	_, err = e.Start(run.r.path, value)
	clear(value)
	if err != nil {
		return err
	}
	_, err = e.Run(context.Background(), run.r.path)
	switch {
	case run.r.fail > 0 && errors.Is(err, rotation.ErrStepFailed),
		run.r.approver != "" && errors.Is(err, rotation.ErrNeedsApproval),
		run.r.finisher != "" && errors.Is(err, rotation.ErrNotConfirmed):
		return nil
	case err == nil && run.r.fail > 0:
		return fmt.Errorf("%s: the rotation meant to fail went through", run.r.path)
	}
	return err
}

// lastStepLeft answers every confirmation but the runbook's last step's.
func (run *rotationRun) lastStepLeft() func(string) (bool, error) {
	rb, err := run.s.LoadRunbook(runbookOf(run.s, run.r.path))
	last := ""
	if err == nil && len(rb.Steps) > 0 {
		steps := quietRunbook(rb, run.r.fail).Steps
		last = steps[len(steps)-1].Confirm
	}
	return func(question string) (bool, error) { return question != last, nil }
}

// approve approves the rotation, as its approver.
func (run *rotationRun) approve(act store.Act) error {
	e, err := run.engine(act.Actor, act.Now, nil)
	if err != nil {
		return err
	}
	return e.Approve(run.r.path)
}

// resume follows the rotation to its end.
func (run *rotationRun) resume(act store.Act) error {
	e, err := run.engine(act.Actor, act.Now, nil)
	if err != nil {
		return err
	}
	_, err = e.Run(context.Background(), run.r.path)
	return err
}

// quietStore is the store the seed's rotations run on: every runbook is
// the one given, the quiet stand-in of the secret's own.
type quietStore struct {
	*store.Store
	runbook *inventory.Runbook
}

func (q quietStore) LoadRunbook(string) (*inventory.Runbook, error) { return q.runbook, nil }

// quietRunbook is rb as the seed follows it: the same steps under the
// same names, but a command is a confirmation, ticked, rather than run
// (the seed starts no process, and a demo's step would sleep); step fail
// (from 1; 0 for none) runs, and fails.
func quietRunbook(rb *inventory.Runbook, fail int) *inventory.Runbook {
	quiet := *rb
	quiet.Steps, quiet.Rollback = quietSteps(rb.Steps), quietSteps(rb.Rollback)
	if fail > 0 && fail <= len(quiet.Steps) {
		quiet.Steps[fail-1] = inventory.Step{Name: rb.Steps[fail-1].Title(), Kind: inventory.StepRun, Run: demoStepFailure, Timeout: time.Minute}
	}
	return &quiet
}

func quietSteps(steps []inventory.Step) []inventory.Step {
	out := make([]inventory.Step, len(steps))
	for i, st := range steps {
		out[i] = st
		if st.Kind == inventory.StepRun {
			out[i] = inventory.Step{Name: st.Title(), Kind: inventory.StepConfirm, Confirm: st.Title()}
		}
	}
	return out
}
