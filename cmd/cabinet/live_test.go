package main

import (
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/internal/tmuxdrive"
)

// liveWait is how soon a change made by another process must show: the
// workbench looks every half second.
const liveWait = 2 * time.Second

// A secret set from the command line, in another process, shows in the
// open workbench within a second or two, and the selection stays put.
func TestLiveReloadShowsASetFromAnotherProcess(t *testing.T) {
	u := rotationUser(t)
	u.must("value-1", "set", "dev/app/token", "--owner", "team", "--every", "90d")
	u.must("value-2", "set", "stg/s3/key", "--owner", "team", "--every", "90d")
	p := tmuxdrive.Start(t, 120, 30, u.env, u.home, binary)
	p.WaitFor("2 secrets · / to filter", screenWait)
	p.Keys("j")
	selected := "▸ " + rowsOf(p.WaitFor("2/2", screenWait))[1]

	u.must("value-3", "set", "prod/db/password", "--owner", "team", "--every", "90d")
	p.WaitFor("prod/db/password", liveWait)
	p.WaitFor("3 secrets · / to filter", liveWait)
	if screen := p.Screen(); !strings.Contains(screen, selected) {
		t.Fatalf("the selection moved from %q:\n%s", selected, screen)
	}
	p.Keys("q")
	if code := p.WaitExit(screenWait); code != 0 {
		t.Fatalf("exit %d", code)
	}
}
