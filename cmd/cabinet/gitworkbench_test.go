package main

import (
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/internal/tmuxdrive"
)

// TestSettleAConflictInTheWorkbench: two clones set the same secret; in
// the workbench of the second, the header counts the commit to push,
// ctrl+s syncs (the merge driver keeps both values) and says what it did,
// the header counts the conflict, c lists it, and the conflict screen
// shows both values masked, reveals one and keeps it. The command line
// then reads the kept value, and the other clone does after its sync.
func TestSettleAConflictInTheWorkbench(t *testing.T) {
	u := gitUser(t)
	_, clones := u.sharedStore(func(shared string) {
		u.in(shared, "first", "set", "prod/db/password", "--owner", "data-platform", "--every", "90d")
	}, "one", "two")
	one, two := clones[0], clones[1]
	u.in(one, "from-one", "set", "prod/db/password")
	time.Sleep(1100 * time.Millisecond) // two's value is the later one
	u.in(two, "from-two", "set", "prod/db/password")
	u.in(one, "", "sync")

	p := tmuxdrive.Start(t, 120, 40, u.env, u.home, binary, "--store", two)
	p.WaitFor("prod/db/password", screenWait)
	p.WaitFor("⇡1  ✖ 0 overdue", screenWait)
	p.Keys("C-s")
	p.WaitFor("synced with origin/", screenWait)
	screen := p.WaitFor("≠1", screenWait)
	if !strings.Contains(screen, "merged 1 commit") {
		t.Fatalf("the sync does not say what it did:\n%s", screen)
	}
	p.Keys("c")
	p.WaitFor("Conflicts · 1 secret two clones changed at once", screenWait)
	p.Keys("Enter")
	p.WaitFor("s settles it", screenWait)
	p.Keys("s")
	screen = p.WaitFor("Conflict: prod/db/password", screenWait)
	if strings.Contains(screen, "from-one") || strings.Contains(screen, "from-two") || !strings.Contains(screen, "▸ v3 · current") {
		t.Fatalf("the conflict screen does not show both values masked:\n%s", screen)
	}
	p.Keys("l")
	p.WaitFor("▸ v2 · conflict", screenWait)
	p.Keys("r")
	p.WaitFor("from-one", screenWait)
	p.Keys("Enter")
	p.WaitFor("Keep v2 of prod/db/password?", screenWait)
	p.Keys("y")
	p.WaitFor("settled prod/db/password: kept the value of v2", screenWait)
	p.Keys("Escape")
	p.WaitGone("≠1", screenWait)
	p.Keys("q")
	if code := p.WaitExit(screenWait); code != 0 {
		t.Fatalf("exit %d; output:\n%s", code, p.Output())
	}

	if got := u.in(two, "", "get", "prod/db/password").out; got != "from-one" {
		t.Fatalf("two reads %q after keeping v2", got)
	}
	if got := u.in(two, "", "ls", "--conflicts").out; strings.Contains(got, "prod/db/password") {
		t.Fatalf("still in conflict:\n%s", got)
	}
	u.in(two, "", "sync")
	u.in(one, "", "sync")
	if got := u.in(one, "", "get", "prod/db/password").out; got != "from-one" {
		t.Fatalf("one reads %q after syncing the settlement", got)
	}
}
