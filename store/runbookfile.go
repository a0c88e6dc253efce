package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

// ErrBadRunbook marks a runbook file that cannot be followed. Its message
// names the file and line.
var ErrBadRunbook = errors.New("invalid runbook")

// LoadRunbook reads and checks runbooks/NAME.yaml.
func (s *Store) LoadRunbook(name string) (*inventory.Runbook, error) {
	data, err := s.Runbook(name)
	if err != nil {
		return nil, err
	}
	return ParseRunbook(data, runbooksDir+"/"+name+secretExt, name)
}

// ParseRunbook reads a runbook file's bytes. file names it in errors, as
// "runbooks/db-password.yaml:12: …"; name, if not empty, is the name the
// file must declare.
func ParseRunbook(data []byte, file, name string) (*inventory.Runbook, error) {
	p := runbookParser{file: file}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, p.errorf(1, "the file is empty")
		}
		return nil, fmt.Errorf("%s: %w: %s", file, ErrBadRunbook, oneLine(strings.TrimPrefix(err.Error(), "yaml: ")))
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, p.errorf(root.Line, "a runbook is a mapping with name, steps and optionally generate, approve and rollback")
	}
	rb, err := p.runbook(root)
	if err != nil {
		return nil, err
	}
	if name != "" && rb.Name != name {
		return nil, p.errorf(root.Line, "name: the file says %q but is %s", rb.Name, file)
	}
	return rb, nil
}

type runbookParser struct{ file string }

func (p runbookParser) errorf(line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %w: %s", p.file, line, ErrBadRunbook, fmt.Sprintf(format, args...))
}

func (p runbookParser) runbook(root *yaml.Node) (*inventory.Runbook, error) {
	rb := &inventory.Runbook{Generate: inventory.DefaultGenerate()}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if seen[k.Value] {
			return nil, p.errorf(k.Line, "%s appears twice", k.Value)
		}
		seen[k.Value] = true
		var err error
		switch k.Value {
		case "name":
			rb.Name, err = p.scalar(v, "name")
			if err == nil {
				if e := inventory.ValidateMemberName(rb.Name); e != nil {
					err = p.errorf(v.Line, "name: %q is not a runbook name (lower case, digits, '.', '_' and '-')", rb.Name)
				}
			}
		case "generate":
			rb.Generate, err = p.generate(v)
		case "steps":
			rb.Steps, err = p.steps(v, "steps", false)
		case "approve":
			rb.Approve, err = p.scalar(v, "approve")
			if err == nil && rb.Approve != inventory.ApproveOwner && inventory.ValidateMemberName(rb.Approve) != nil {
				err = p.errorf(v.Line, "approve: %q is neither owner nor a member's name", rb.Approve)
			}
		case "rollback":
			rb.Rollback, err = p.steps(v, "rollback", true)
		default:
			err = p.errorf(k.Line, "unknown key %q (a runbook has name, generate, steps, approve and rollback)", k.Value)
		}
		if err != nil {
			return nil, err
		}
	}
	switch {
	case !seen["name"]:
		return nil, p.errorf(root.Line, "name is missing")
	case len(rb.Steps) == 0:
		return nil, p.errorf(root.Line, "steps are missing: a runbook needs at least a promote step")
	}
	promotes := 0
	for _, st := range rb.Steps {
		if st.Kind == inventory.StepPromote {
			promotes++
		}
	}
	if promotes != 1 {
		return nil, p.errorf(root.Line, "steps: %d promote steps; a runbook has exactly one (- name: promote)", promotes)
	}
	return rb, nil
}

func (p runbookParser) scalar(v *yaml.Node, what string) (string, error) {
	if v.Kind != yaml.ScalarNode {
		return "", p.errorf(v.Line, "%s: want a single value", what)
	}
	return v.Value, nil
}

func (p runbookParser) generate(v *yaml.Node) (inventory.Generate, error) {
	g := inventory.DefaultGenerate()
	if v.Kind == yaml.ScalarNode {
		if v.Value != "prompt" {
			return g, p.errorf(v.Line, "generate: %q: use prompt, or {length: 32, charset: alnum}", v.Value)
		}
		return inventory.Generate{Prompt: true}, nil
	}
	if v.Kind != yaml.MappingNode {
		return g, p.errorf(v.Line, "generate: use prompt, or {length: 32, charset: alnum}")
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		switch k.Value {
		case "length":
			n, err := strconv.Atoi(val.Value)
			if err == nil {
				err = inventory.CheckGeneratedLength(n)
			}
			if err != nil {
				return g, p.errorf(val.Line, "generate.length: %q: use a whole number from %d to %d", val.Value, inventory.MinGeneratedLength, inventory.MaxGeneratedLength)
			}
			g.Length = n
		case "charset":
			if !crypto.IsCharset(val.Value) {
				return g, p.errorf(val.Line, "generate.charset: %q: use one of %s", val.Value, strings.Join(crypto.CharsetNames(), ", "))
			}
			g.Charset = val.Value
		default:
			return g, p.errorf(k.Line, "generate: unknown key %q (length, charset)", k.Value)
		}
	}
	return g, nil
}

// steps reads a list of steps; rollback steps may only run commands or ask
// for a confirmation.
func (p runbookParser) steps(v *yaml.Node, what string, rollback bool) ([]inventory.Step, error) {
	if v.Kind != yaml.SequenceNode {
		return nil, p.errorf(v.Line, "%s: want a list of steps (- name: …)", what)
	}
	var steps []inventory.Step
	for i, n := range v.Content {
		st, err := p.step(n, fmt.Sprintf("%s[%d]", what, i+1), rollback)
		if err != nil {
			return nil, err
		}
		steps = append(steps, st)
	}
	return steps, nil
}

func (p runbookParser) step(n *yaml.Node, where string, rollback bool) (inventory.Step, error) {
	st := inventory.Step{Line: n.Line}
	if n.Kind != yaml.MappingNode {
		return st, p.errorf(n.Line, "%s: a step is a mapping: name and one of run, wait or confirm", where)
	}
	var kinds []string
	timeoutLine := 0
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		val, err := p.scalar(v, where+"."+k.Value)
		if err != nil {
			return st, err
		}
		switch k.Value {
		case "name":
			st.Name = val
		case "run":
			st.Run, st.Kind = val, inventory.StepRun
			kinds = append(kinds, k.Value)
			if strings.TrimSpace(val) == "" {
				return st, p.errorf(v.Line, "%s.run is empty", where)
			}
		case "confirm":
			st.Confirm, st.Kind = val, inventory.StepConfirm
			kinds = append(kinds, k.Value)
		case "wait":
			d, err := time.ParseDuration(val)
			if err != nil || d <= 0 {
				return st, p.errorf(v.Line, "%s.wait: %q: use a duration like 15m, 1h or 30s", where, val)
			}
			st.Wait, st.Kind = d, inventory.StepWait
			kinds = append(kinds, k.Value)
		case "timeout":
			d, err := time.ParseDuration(val)
			if err != nil || d <= 0 {
				return st, p.errorf(v.Line, "%s.timeout: %q: use a duration like 2m or 30s", where, val)
			}
			st.Timeout, timeoutLine = d, v.Line
		default:
			return st, p.errorf(k.Line, "%s: unknown key %q (name, run, timeout, wait, confirm)", where, k.Value)
		}
	}
	switch {
	case len(kinds) > 1:
		return st, p.errorf(n.Line, "%s: has %s; a step does one thing", where, strings.Join(kinds, " and "))
	case len(kinds) == 0 && st.Name == "promote" && !rollback:
		st.Kind = inventory.StepPromote
	case len(kinds) == 0:
		return st, p.errorf(n.Line, "%s: needs one of run, wait or confirm (or is the built-in - name: promote)", where)
	case rollback && st.Kind == inventory.StepWait:
		return st, p.errorf(n.Line, "%s: a rollback step runs a command or asks for a confirmation", where)
	}
	if st.Timeout != 0 && st.Kind != inventory.StepRun {
		return st, p.errorf(timeoutLine, "%s.timeout: only a run step has a timeout", where)
	}
	if st.Kind == inventory.StepRun && st.Timeout == 0 {
		st.Timeout = inventory.DefaultStepTimeout
	}
	return st, nil
}
