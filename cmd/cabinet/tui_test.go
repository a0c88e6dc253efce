package main

// The workbench driven through tmux as a person would: keys in, the screen
// read back, the store checked on disk afterwards with the command line.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/internal/testkeyring"
	"github.com/cabinethq/cabinet/internal/tmuxdrive"
)

const screenWait = 10 * time.Second

// The walk: open, filter, open a detail, reveal, copy, edit the
// owner, create a secret, quit; then the store on disk shows the edits.
// The identity is in a real Secret Service.
func TestWorkbenchWalkThrough(t *testing.T) {
	k := testkeyring.Start(t)
	u := newUser(t)
	u.env = append(u.env, k.Env...)
	u.must("", "identity", "new")
	u.must("", "init", "--member", "alice")
	const value = "e2e-Walk-Value-7f3a"
	u.must(value, "set", "prod/db/password", "--owner", "data-platform", "--every", "90d")
	u.must("other-1", "set", "stg/s3/key", "--owner", "analytics", "--every", "30d")
	u.must("other-2", "set", "dev/app/token", "--owner", "growth")

	p := tmuxdrive.Start(t, 120, 40, u.env, u.home, binary)
	p.WaitFor("prod/db/password", screenWait)
	p.WaitFor("alice (OS keyring)", screenWait)
	if size := p.Size(); size != "120x40" {
		t.Fatalf("pane %s", size)
	}

	p.Keys("/")
	p.WaitFor("3 of 3", screenWait)
	p.Type("db")
	screen := p.WaitFor("1 of 3", screenWait)
	if strings.Contains(screen, "stg/s3/key") {
		t.Fatalf("the filter left other secrets:\n%s", screen)
	}
	p.Keys("Enter", "Enter")
	screen = p.WaitFor("rotated today, policy 90d", screenWait)
	if strings.Contains(screen, value) || !strings.Contains(screen, "••••") {
		t.Fatalf("the value is not masked:\n%s", screen)
	}

	p.Keys("r")
	p.WaitFor(value, screenWait)
	p.Keys("r")
	p.WaitGone(value, screenWait)

	p.Keys("c")
	p.WaitFor("copied through the terminal (OSC 52): cabinet cannot clear that clipboard", screenWait)
	if got := p.Clipboard(); got != value {
		t.Fatalf("the terminal's clipboard (OSC 52) holds %d bytes, not the value", len(got))
	}

	p.Keys("e")
	p.WaitFor("Edit prod/db/password", screenWait)
	p.Keys("C-u")
	p.Type("warehouse-team")
	p.Keys("C-s")
	p.WaitFor("saved prod/db/password", screenWait)
	p.WaitFor("owner        warehouse-team", screenWait)

	// A key right after Escape would arrive as Alt+key, as in any terminal.
	p.Keys("Escape")
	p.WaitFor("1 of 3 · esc clears the filter", screenWait)
	p.Keys("n")
	p.WaitFor("New secret", screenWait)
	p.Type("prod/partner/api-token")
	p.Keys("Enter")
	p.Type("growth")
	p.Keys("C-s")
	p.WaitFor("created prod/partner/api-token, v1 is current", screenWait)

	p.Keys("q")
	if code := p.WaitExit(screenWait); code != 0 {
		t.Fatalf("exit %d; output:\n%s", code, p.Output())
	}

	var shown struct{ Owner string }
	if err := json.Unmarshal([]byte(u.must("", "show", "prod/db/password", "--json").out), &shown); err != nil || shown.Owner != "warehouse-team" {
		t.Fatalf("owner on disk %q (%v)", shown.Owner, err)
	}
	if got := u.must("", "get", "prod/db/password").out; got != value {
		t.Fatal("the edit changed the value")
	}
	if got := u.must("", "get", "prod/partner/api-token").out; len(got) != 32 {
		t.Fatalf("the created secret's generated value has %d characters, want 32", len(got))
	}
	audit, err := os.ReadFile(filepath.Join(u.home, "store", "audit", "alice.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"action":"reveal","path":"prod/db/password"`, `"action":"copy","path":"prod/db/password"`,
		`"action":"edit","path":"prod/db/password"`, `"action":"set","path":"prod/partner/api-token"`,
	} {
		if !strings.Contains(string(audit), want) {
			t.Errorf("the audit log lacks %s", want)
		}
	}
	if strings.Contains(string(audit), value) {
		t.Error("the audit log holds the value")
	}
}

// cabinet demo needs no keyring and no setup, teaches its keys with ?, and
// leaves nothing behind.
func TestDemoFromAFreshHome(t *testing.T) {
	u := newUser(t)
	p := tmuxdrive.Start(t, 120, 40, u.env, u.home, binary, "demo")
	p.WaitFor("40 secrets", screenWait)
	// The header names the operator once the identity is found, in a
	// command of its own: on a busy machine, a moment after the list.
	screen := p.WaitFor("alice (in-memory demo key)", screenWait)
	for _, want := range []string{"alice (in-memory demo key)", "✖ overdue", "▲ due in", "! exposed", "↻ rotating", "∅ no value", "○ no policy", "✓ ok"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the demo's first screen lacks %q", want)
		}
	}
	p.Keys("?")
	p.WaitFor("Keys: inventory", screenWait)
	p.Keys("?")
	p.WaitFor("40 secrets", screenWait)
	p.Keys("Enter")
	p.WaitFor("r reveal · c copy", screenWait)
	p.Keys("r")
	p.WaitFor("hides in 30s", screenWait)
	p.Keys("q")
	if code := p.WaitExit(screenWait); code != 0 {
		t.Fatalf("exit %d; output:\n%s", code, p.Output())
	}
	left, _ := os.ReadDir(filepath.Join(u.home, "tmp"))
	if len(left) != 0 {
		t.Fatalf("the demo left %d files in TMPDIR", len(left))
	}
	if _, err := os.Stat(filepath.Join(u.home, ".local")); err == nil {
		t.Fatal("the demo wrote to the user's data folder")
	}
}

// A terminal too small for the layout says so; resizing lays it out again;
// Ctrl+C leaves and gives the terminal back.
func TestTooSmallThenResizedThenCtrlC(t *testing.T) {
	u := newUser(t)
	p := tmuxdrive.Start(t, 50, 10, u.env, u.home, binary, "demo")
	p.WaitFor("Terminal too small: 50×10", screenWait)
	p.Resize(100, 30)
	p.WaitFor("40 secrets", screenWait)
	p.Keys("C-c")
	if code := p.WaitExit(screenWait); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if out := p.Output(); strings.Contains(out, "40 secrets") {
		t.Fatalf("the alternate screen was not left:\n%s", out)
	}
}

// A passphrase-protected identity file asks for its passphrase before the
// workbench takes the screen; a wrong one opens the workbench with the
// values sealed and says why when one is revealed.
func TestWorkbenchWithAPassphraseProtectedIdentity(t *testing.T) {
	age := testkeyring.LookPath(t, "age")
	u := newUser(t)
	plain := filepath.Join(u.home, "identity.txt")
	u.must("", "identity", "new", "--file", plain)
	u.env = append(u.env, "CABINET_IDENTITY_FILE="+plain)
	u.must("", "init")
	const value = "e2e-Passphrase-Value-91c"
	u.must(value, "set", "prod/db/password", "--owner", "data-platform")

	// The stock age command protects the identity file with a passphrase,
	// asked on the terminal.
	protected := filepath.Join(u.home, "identity.age")
	p := tmuxdrive.Start(t, 100, 20, u.env, u.home, age, "-p", "-a", "-o", protected, plain)
	p.WaitFor("Enter passphrase", screenWait)
	p.Type("correct horse")
	p.Keys("Enter")
	p.WaitFor("Confirm passphrase", screenWait)
	p.Type("correct horse")
	p.Keys("Enter")
	if code := p.WaitExit(screenWait); code != 0 {
		t.Fatalf("age -p: exit %d:\n%s", code, p.Output())
	}
	if err := os.Remove(plain); err != nil {
		t.Fatal(err)
	}
	env := append(append([]string{}, u.env...), "CABINET_IDENTITY_FILE="+protected)

	for _, c := range []struct {
		passphrase, header, after string
	}{
		{"correct horse", "alice (identity file", value},
		{"wrong horse", "no identity: values stay sealed", "incorrect passphrase"},
	} {
		p := tmuxdrive.Start(t, 120, 30, env, u.home, binary)
		p.WaitFor(`Enter passphrase for identity file "`+protected+`"`, screenWait)
		p.Type(c.passphrase)
		p.Keys("Enter")
		p.WaitFor(c.header, screenWait)
		p.Keys("Enter")
		p.WaitFor("r reveal · c copy", screenWait)
		p.Keys("r")
		p.WaitFor(c.after, screenWait)
		p.Keys("q")
		if code := p.WaitExit(screenWait); code != 0 {
			t.Fatalf("exit %d", code)
		}
	}
}

// The rotation wizard: R on a secret, enter, the steps run with their
// output masked, a confirm step answered with y, the new value current.
func TestRotationWizardInTmux(t *testing.T) {
	u := rotationUser(t)
	runbook := "name: quick\nsteps:\n  - name: apply\n    run: echo \"applying $CABINET_NEW over $CABINET_OLD\"\n" +
		"  - name: promote\n  - name: overlap\n    wait: 2s\n  - name: revoke\n    confirm: \"Old one revoked?\"\n"
	if err := os.WriteFile(filepath.Join(u.home, "store", "runbooks", "quick.yaml"), []byte(runbook), 0o600); err != nil {
		t.Fatal(err)
	}
	const value = "wizard-Old-Value-3b2"
	u.must(value, "set", "prod/db/password", "--owner", "data-platform", "--every", "90d", "--runbook", "quick")

	p := tmuxdrive.Start(t, 120, 40, u.env, u.home, binary)
	p.WaitFor("1 secret · / to filter", screenWait)
	p.Keys("Enter")
	p.WaitFor("r reveal · c copy", screenWait)
	p.Keys("R")
	p.WaitFor("Rotate prod/db/password  ·  runbook quick", screenWait)
	p.Keys("Enter")
	screen := p.WaitFor("? Old one revoked?", screenWait)
	if strings.Contains(screen, value) || !strings.Contains(screen, "applying *** over ***") {
		t.Fatalf("the output is not masked:\n%s", screen)
	}
	p.Keys("y")
	p.WaitFor("✓ rotated prod/db/password: v2 is current", screenWait)
	p.Keys("Escape")
	p.WaitFor("r reveal · c copy", screenWait)
	p.Keys("q")
	if code := p.WaitExit(screenWait); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if got := u.must("", "get", "prod/db/password@previous").out; got != value {
		t.Fatal("the old value is not previous")
	}
	if got := u.must("", "get", "prod/db/password").out; got == value || len(got) != 32 {
		t.Fatal("the new value is not current")
	}
}
