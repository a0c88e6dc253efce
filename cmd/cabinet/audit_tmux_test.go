package main

// The audit screen and the owners view, driven through tmux at 80×24 on a
// store whose events the command line wrote: alice's changes and removal,
// bob's read.

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/internal/tmuxdrive"
)

// TestAuditAndOwnersWalkThrough: a opens the timeline under each member's
// chain; / filters it by path; enter opens the event's secret and esc
// comes back to the timeline as it was; an event of a removed secret says
// who removed it; esc clears the filter, then goes back; o lists the
// owners worst first, and enter shows only the chosen owner's secrets,
// which the filter line says, until esc.
func TestAuditAndOwnersWalkThrough(t *testing.T) {
	alice := newUser(t)
	alice.withIdentityFile("alice")
	alice.must("", "init", "--member", "alice")
	alice.must("pw-1", "set", "prod/db/password", "--owner", "data-platform", "--every", "90d")
	alice.must("key-1", "set", "stg/s3/key", "--owner", "analytics", "--every", "30d")
	alice.must("tok-1", "set", "dev/app/token", "--owner", "growth")
	alice.must("old-1", "set", "prod/old/token", "--owner", "growth")
	alice.must("", "rm", "prod/old/token", "--force")
	bob := newUser(t, "CABINET_STORE="+filepath.Join(alice.home, "store"), "USER=bob")
	alice.must("", "members", "add", "bob", bob.withIdentityFile("bob"), "--scope", "prod/")
	bob.must("", "get", "prod/db/password")

	p := tmuxdrive.Start(t, 80, 24, alice.env, alice.home, binary)
	p.WaitFor("3 secrets · / to filter · a audit · o owners", screenWait)

	p.Keys("a")
	screen := p.WaitFor("✓ bob 1 line", screenWait)
	for _, want := range []string{"Audit · 10 events, newest first", "✓ alice 9 lines  ✓ bob 1 line", "WHEN", "MEMBER", "OUTCOME",
		"esc back • enter open • / path • m member • a action • s since"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the audit screen lacks %q:\n%s", want, screen)
		}
	}
	// Newest first: bob's read, alice's removal, her first set.
	order := regexp.MustCompile(`(?s)▸ \S+ \S+ bob\s+read\s+prod/db/password\s+v1\s+ok\n.*` +
		`alice\s+member-add\s+bob .*alice\s+remove\s+prod/old/token .*alice\s+set\s+prod/db/password\s+v1`)
	if !order.MatchString(screen) {
		t.Errorf("the timeline is not newest first:\n%s", screen)
	}

	p.Keys("/")
	p.WaitFor("a secret or a folder of them", screenWait)
	p.Type("prod/db")
	p.WaitFor("/prod/db", screenWait)
	p.Keys("Enter")
	screen = p.WaitFor("Audit path prod/db · ", screenWait)
	if strings.Contains(screen, "stg/s3/key") || strings.Contains(screen, "prod/old/token") {
		t.Fatalf("the path filter left other secrets' events:\n%s", screen)
	}
	p.Keys("Enter") // the newest: bob's read
	p.WaitFor("owner        data-platform", screenWait)
	p.Keys("Escape")
	screen = p.WaitFor("Audit path prod/db · ", screenWait)
	if !strings.Contains(screen, "▸ ") || !strings.Contains(screen, "esc clear") {
		t.Fatalf("back from the secret:\n%s", screen)
	}

	p.Keys("Escape")
	p.WaitFor("events, newest first", screenWait)
	p.Keys("/")
	p.WaitFor("a secret or a folder of them", screenWait)
	p.Type("prod/old")
	p.WaitFor("/prod/old", screenWait)
	p.Keys("Enter")
	p.WaitFor("Audit path prod/old · ", screenWait)
	p.Keys("Enter")
	p.WaitFor("prod/old/token is no longer in the store (removed by alice on ", screenWait)
	p.Keys("Escape")
	p.WaitFor("events, newest first", screenWait)
	p.Keys("Escape")
	p.WaitFor("3 secrets · / to filter", screenWait)

	p.Keys("o")
	screen = p.WaitFor("Owners · 3 owners, worst first", screenWait)
	for _, want := range []string{
		"OWNER         EXPOSED OVERDUE  DUE NO POLICY  TOTAL",
		"▸ growth              0       0    0         1      1",
		"  all owners          0       0    0         1      3",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("the owners view lacks %q:\n%s", want, screen)
		}
	}
	p.Keys("Enter")
	screen = p.WaitFor("Owner growth · 1 of 3 secrets · esc shows all", screenWait)
	if !strings.Contains(screen, "dev/app/token") || strings.Contains(screen, "stg/s3/key") || strings.Contains(screen, "prod/db/password") {
		t.Fatalf("the inventory filtered to growth:\n%s", screen)
	}
	p.Keys("Escape")
	p.WaitFor("3 secrets · / to filter", screenWait)

	p.Keys("q")
	if code := p.WaitExit(screenWait); code != 0 {
		t.Fatalf("exit %d; output:\n%s", code, p.Output())
	}
}
