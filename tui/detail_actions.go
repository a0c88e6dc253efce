package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/rotation"
)

// The detail's actions beyond reading the value: copy the path, approve
// a rotation, edit the runbook, delete the secret.

type (
	// deleteMsg is the yes to the delete's question.
	deleteMsg  struct{ s *detailScreen }
	deletedMsg struct {
		path string
		err  error
	}
	// runbookEditedMsg says that the editor on runbook name returned.
	runbookEditedMsg struct {
		name string
		err  error
	}
)

// copyPath copies the secret's path: not a secret, so no timer clears it.
func (s *detailScreen) copyPath() tea.Cmd {
	clip, path := s.d.clipboard, s.sec.Path
	return func() tea.Msg {
		if clip.Clipboard == nil {
			return flashMsg{text: "failed to copy: no clipboard", err: true}
		}
		if err := clip.Write(path); err != nil {
			return flashMsg{text: workbenchWords(fmt.Errorf("failed to copy: %w", err)), err: true}
		}
		if viaTerminal(clip.Clipboard) {
			return flashMsg{text: "sent the path " + path + " to the terminal's clipboard (OSC 52)"}
		}
		return flashMsg{text: "copied the path " + path}
	}
}

// approve approves the rotation that waits, as `cabinet approve` does.
func (s *detailScreen) approve(id *crypto.Identity) tea.Cmd {
	e := &rotation.Engine{Store: s.d.store, Identity: id, Actor: s.d.who.actor, Now: s.d.clock.now, Env: s.d.environ}
	path := s.sec.Path
	return func() tea.Msg {
		if err := e.Approve(path); err != nil {
			return flashMsg{text: workbenchWords(err), err: true}
		}
		return tea.BatchMsg{flash("approved the rotation of " + path), storeChanged}
	}
}

// askDelete asks before deleting: a deleted secret is gone from the store
// (only Git history, if any, keeps it).
func (s *detailScreen) askDelete() tea.Cmd {
	n := len(s.sec.Versions)
	question := fmt.Sprintf("Delete %s and its %s? This cannot be undone.", s.sec.Path, plural(n, "version", "versions"))
	return confirm(s.d, s, question, func() tea.Msg { return deleteMsg{s} })
}

func (s *detailScreen) delete(*crypto.Identity) tea.Cmd {
	st, act, path := s.d.store, s.d.act(), s.sec.Path
	return func() tea.Msg { return deletedMsg{path: path, err: st.Remove(path, act)} }
}

// deletedNow closes the detail of a deleted secret; the inventory reads
// the store again.
func (s *detailScreen) deletedNow(msg deletedMsg) tea.Cmd {
	if msg.path != s.sec.Path {
		return nil
	}
	if msg.err != nil {
		return flashError(msg.err)
	}
	s.deleted = true
	s.hide()
	return tea.Batch(pop(s), flash("deleted "+msg.path), storeChanged)
}

// runbookName is the runbook the secret rotates with: the one a rotation
// in progress started with, else its own.
func (s *detailScreen) runbookName() string {
	if r := s.sec.Rotating; r != nil && r.Runbook != "" {
		return r.Runbook
	}
	return s.sec.Rotation.Runbook
}

// editRunbook opens the runbook in $EDITOR, the workbench suspended
// meanwhile.
func (s *detailScreen) editRunbook() tea.Cmd {
	name := s.runbookName()
	cmd, err := runbookEditor(s.d, name)
	if err != nil {
		return flashError(err)
	}
	return tea.ExecProcess(cmd, func(err error) tea.Msg { return runbookEditedMsg{name: name, err: err} })
}

// runbookEditor is the command that edits runbooks/NAME.yaml: $EDITOR
// (which may hold arguments, "code -w"), else vi. The file must be a
// plain file of the store or not exist yet: a link is not followed, as
// everywhere in the store.
func runbookEditor(d *deps, name string) (*exec.Cmd, error) {
	if err := inventory.ValidateMemberName(name); err != nil {
		return nil, fmt.Errorf("invalid runbook name %q: %w", name, err)
	}
	file := filepath.Join(d.store.Folder(), "runbooks", name+".yaml")
	if fi, err := os.Lstat(file); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("runbooks/%s.yaml is not a plain file: refused", name)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	editor := strings.Fields(lookupEnv(d.environ, "EDITOR"))
	if len(editor) == 0 {
		editor = []string{"vi"}
	}
	cmd := exec.Command(editor[0], append(editor[1:], file)...)
	cmd.Dir = d.store.Folder()
	if d.environ != nil {
		cmd.Env = d.environ
	}
	return cmd, nil
}

// lookupEnv is the last value of name in environ, as the shell sees it.
func lookupEnv(environ []string, name string) string {
	value := ""
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			value = v
		}
	}
	return value
}

// runbookEdited reads the secret again and checks the runbook as edited.
func (s *detailScreen) runbookEdited(msg runbookEditedMsg) tea.Cmd {
	if msg.name != s.runbookName() {
		return nil
	}
	if msg.err != nil {
		return tea.Batch(flashError(fmt.Errorf("the editor failed: %w", msg.err)), storeChanged)
	}
	st, name := s.d.store, msg.name
	check := func() tea.Msg {
		rb, err := st.LoadRunbook(name)
		if err != nil {
			return flashMsg{text: workbenchWords(err), err: true}
		}
		return flashMsg{text: fmt.Sprintf("runbooks/%s.yaml: %s, checked", name, plural(len(rb.Steps), "step", "steps"))}
	}
	return tea.Batch(check, storeChanged)
}
