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
// themselves rather than lose their end (the deadline's date).
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
