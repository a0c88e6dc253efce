package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// The runbook of DESIGN.md, as teams write them.
const designRunbook = `name: db-password
generate: {length: 32, charset: alnum}     # or: prompt (the operator types the new value)
steps:
  - name: apply new password to the database
    run: |                                  # the value comes from the environment, never from argv
      psql "$ADMIN_DSN" -v ON_ERROR_STOP=1 <<'SQL'
      \getenv new CABINET_NEW
      ALTER ROLE etl_service PASSWORD :'new';
      SQL
  - name: validate with a test job
    run: ./healthcheck_db_conn.sh
    timeout: 2m
  - name: promote                           # built-in: pending -> current, current -> previous
  - name: overlap window
    wait: 15m
  - name: revoke the old password
    confirm: "Old password revoked in the database?"
approve: owner                              # optional: who must approve before promote
rollback:
  - run: |
      psql "$ADMIN_DSN" -v ON_ERROR_STOP=1 <<'SQL'
      \getenv old CABINET_OLD
      ALTER ROLE etl_service PASSWORD :'old';
      SQL
`

func TestParseTheDesignRunbook(t *testing.T) {
	rb, err := ParseRunbook([]byte(designRunbook), "runbooks/db-password.yaml", "db-password")
	if err != nil {
		t.Fatal(err)
	}
	if rb.Name != "db-password" || rb.Generate != (inventory.Generate{Length: 32, Charset: "alnum"}) || rb.Approve != "owner" {
		t.Fatalf("runbook %+v", rb)
	}
	kinds := ""
	for _, s := range rb.Steps {
		kinds += string(s.Kind) + " "
	}
	if kinds != "run run promote wait confirm " {
		t.Fatalf("steps: %s", kinds)
	}
	if s := rb.Steps[1]; s.Timeout != 2*time.Minute || s.Line != 10 {
		t.Fatalf("step 2: %+v", s)
	}
	if rb.Steps[0].Timeout != inventory.DefaultStepTimeout || rb.Steps[3].Wait != 15*time.Minute || rb.PromoteIndex() != 2 {
		t.Fatalf("steps %+v", rb.Steps)
	}
	if !strings.Contains(rb.Steps[0].Run, `\getenv new CABINET_NEW`) || len(rb.Rollback) != 1 || rb.Rollback[0].Kind != inventory.StepRun {
		t.Fatalf("run scripts: %+v / %+v", rb.Steps[0], rb.Rollback)
	}
	rb, err = ParseRunbook([]byte("name: typed\ngenerate: prompt\nsteps:\n  - name: promote\n"), "runbooks/typed.yaml", "typed")
	if err != nil || !rb.Generate.Prompt {
		t.Fatalf("prompt: %+v %v", rb, err)
	}
}

// Every mistake names the file and the line.
func TestRunbookErrorsNameTheLine(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"empty", "", ":1: invalid runbook: the file is empty"},
		{"not yaml", "name: [x\n", "invalid runbook"},
		{"a list", "- x\n", ":1: invalid runbook: a runbook is a mapping"},
		{"no name", "steps:\n  - name: promote\n", ":1: invalid runbook: name is missing"},
		{"wrong name", "name: other\nsteps:\n  - name: promote\n", `name: the file says "other"`},
		{"no steps", "name: rb\n", "steps are missing"},
		{"no promote", "name: rb\nsteps:\n  - run: true\n", "0 promote steps"},
		{"two promotes", "name: rb\nsteps:\n  - name: promote\n  - name: promote\n", "2 promote steps"},
		{"unknown key", "name: rb\nstep:\n  - name: promote\n", `:2: invalid runbook: unknown key "step"`},
		{"unknown step key", "name: rb\nsteps:\n  - name: promote\n  - name: x\n    command: ls\n", `:5: invalid runbook: steps[2]: unknown key "command"`},
		{"two things", "name: rb\nsteps:\n  - name: promote\n  - run: ls\n    wait: 1m\n", ":4: invalid runbook: steps[2]: has run and wait"},
		{"nothing to do", "name: rb\nsteps:\n  - name: promote\n  - name: think\n", ":4: invalid runbook: steps[2]: needs one of run, wait or confirm"},
		{"bad wait", "name: rb\nsteps:\n  - name: promote\n  - wait: 15 minutes\n", `:4: invalid runbook: steps[2].wait: "15 minutes"`},
		{"bad timeout", "name: rb\nsteps:\n  - run: ls\n    timeout: soon\n  - name: promote\n", `:4: invalid runbook: steps[1].timeout: "soon"`},
		{"timeout on wait", "name: rb\nsteps:\n  - wait: 1m\n    timeout: 2m\n  - name: promote\n", ":4: invalid runbook: steps[1].timeout: only a run step"},
		{"empty run", "name: rb\nsteps:\n  - run: \"  \"\n  - name: promote\n", ":3: invalid runbook: steps[1].run is empty"},
		{"bad generate", "name: rb\ngenerate: random\nsteps:\n  - name: promote\n", `:2: invalid runbook: generate: "random"`},
		{"short generate", "name: rb\ngenerate: {length: 4}\nsteps:\n  - name: promote\n", `:2: invalid runbook: generate.length: "4"`},
		{"bad charset", "name: rb\ngenerate: {charset: emoji}\nsteps:\n  - name: promote\n", `:2: invalid runbook: generate.charset: "emoji"`},
		{"bad approver", "name: rb\napprove: The Boss\nsteps:\n  - name: promote\n", `:2: invalid runbook: approve: "The Boss"`},
		{"wait in rollback", "name: rb\nsteps:\n  - name: promote\nrollback:\n  - wait: 1m\n", ":5: invalid runbook: rollback[1]: a rollback step runs a command"},
		{"promote in rollback", "name: rb\nsteps:\n  - name: promote\nrollback:\n  - name: promote\n", ":5: invalid runbook: rollback[1]: needs one of run"},
		{"twice", "name: rb\nname: rb\nsteps:\n  - name: promote\n", ":2: invalid runbook: name appears twice"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseRunbook([]byte(c.text), "runbooks/rb.yaml", "rb")
			if err == nil || !errors.Is(err, ErrBadRunbook) || !strings.HasPrefix(err.Error(), "runbooks/rb.yaml:") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want runbooks/rb.yaml:…%s", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("not one line: %q", err)
			}
		})
	}
}

func FuzzParseRunbook(f *testing.F) {
	f.Add([]byte(designRunbook))
	f.Add([]byte("name: rb\ngenerate: prompt\nsteps:\n  - name: promote\n"))
	f.Add([]byte("name: rb\nsteps:\n  - {run: ls, timeout: 1s}\n  - name: promote\n  - wait: 1h\nrollback:\n  - confirm: ok?\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rb, err := ParseRunbook(data, "runbooks/rb.yaml", "")
		if err != nil {
			if !errors.Is(err, ErrBadRunbook) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q", err)
			}
			return
		}
		if rb.PromoteIndex() < 0 {
			t.Fatal("a runbook without a promote step was accepted")
		}
		for _, s := range rb.Steps {
			if s.Kind == inventory.StepRun && s.Timeout <= 0 {
				t.Fatal("a run step without a timeout")
			}
		}
	})
}

func TestRotatingStateRoundTrips(t *testing.T) {
	sec, err := ParseSecret([]byte(rotatingSeed), "prod/db/password", inventory.DefaultEnvironments)
	if err != nil {
		t.Fatal(err)
	}
	r := sec.Rotating
	if r == nil || r.Version != 3 || r.Next != 2 || r.Approved != "bob" || len(r.Steps) != 2 || r.Steps[1].Outcome != inventory.StepRunning || r.WaitUntil.IsZero() {
		t.Fatalf("rotating %+v", r)
	}
	if got := inventory.StatusAt(sec, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), 0); got != inventory.StatusRotating {
		t.Fatalf("status %s", got)
	}
	out, err := FormatSecret(sec)
	if err != nil || string(out) != rotatingSeed {
		t.Fatalf("round trip (%v):\n%s", err, out)
	}
	bad := strings.Replace(rotatingSeed, "  version: 3\n  runbook", "  version: 9\n  runbook", 1)
	if _, err := ParseSecret([]byte(bad), "prod/db/password", inventory.DefaultEnvironments); err == nil || !strings.Contains(err.Error(), "rotating.version: version 9 is not pending or current") {
		t.Fatalf("a rotation of a missing version: %v", err)
	}
}
