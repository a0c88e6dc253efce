package inventory

import (
	"fmt"
	"strings"
	"time"
)

// A Runbook is a guided rotation (runbooks/NAME.yaml): how the new value is
// made, the steps that apply, validate and promote it, who approves, and
// the steps that undo a failed rotation.
type Runbook struct {
	Name     string
	Generate Generate
	Steps    []Step
	// Approve names who must approve before promote: "" nobody, "owner"
	// the secret's owner, or a member's name.
	Approve  string
	Rollback []Step
}

// Generate says how a rotation gets its new value: generated with Length
// characters of Charset, or typed by the operator (Prompt).
type Generate struct {
	Prompt  bool
	Length  int
	Charset string
}

// The bounds of a generated value's length: shorter is guessable, longer
// fits no password field.
const (
	MinGeneratedLength = 8
	MaxGeneratedLength = 4096
)

// DefaultGenerate is how a value is generated when nothing says otherwise:
// 32 letters and digits.
func DefaultGenerate() Generate { return Generate{Length: 32, Charset: "alnum"} }

// CheckGeneratedLength refuses a length out of bounds.
func CheckGeneratedLength(n int) error {
	if n < MinGeneratedLength || n > MaxGeneratedLength {
		return fmt.Errorf("length %d is out of range: use a whole number from %d to %d", n, MinGeneratedLength, MaxGeneratedLength)
	}
	return nil
}

// StepKind is what a step does.
type StepKind string

const (
	StepRun     StepKind = "run"     // a shell command, with a timeout
	StepWait    StepKind = "wait"    // an overlap window
	StepConfirm StepKind = "confirm" // a checklist item a person ticks
	StepPromote StepKind = "promote" // built in: pending -> current -> previous
)

// Step is one step of a runbook.
type Step struct {
	Name    string
	Kind    StepKind
	Run     string        // StepRun: the script, run by sh
	Timeout time.Duration // StepRun
	Wait    time.Duration // StepWait
	Confirm string        // StepConfirm: the question
	Line    int           // where the step starts in its file, for messages
}

// DefaultStepTimeout bounds a run step that names no timeout.
const DefaultStepTimeout = 5 * time.Minute

// Approver values of a runbook.
const ApproveOwner = "owner"

// PromoteIndex is the index of the promote step.
func (r *Runbook) PromoteIndex() int {
	for i, s := range r.Steps {
		if s.Kind == StepPromote {
			return i
		}
	}
	return -1
}

// OneStep is the rotation of a secret without a runbook: the new value
// becomes current at once.
func OneStep() *Runbook {
	return &Runbook{Generate: DefaultGenerate(), Steps: []Step{{Name: "promote", Kind: StepPromote}}}
}

// Title is how a step reads in a list: its name, or what it does.
func (s Step) Title() string {
	if s.Name != "" {
		return s.Name
	}
	switch s.Kind {
	case StepWait:
		return fmt.Sprintf("wait %s", s.Wait)
	case StepConfirm:
		return s.Confirm
	case StepRun:
		return "run " + firstCommand(s.Run)
	}
	return string(s.Kind)
}

// firstCommand is the first line of a script that is not a comment, cut to
// 40 characters: how a step without a name is called.
func firstCommand(script string) string {
	for _, l := range strings.Split(script, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			if len(l) > 40 {
				l = l[:39] + "…"
			}
			return l
		}
	}
	return "a script"
}
