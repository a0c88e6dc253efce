package main

import (
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/internal/tmuxdrive"
)

// Keys that arrive in one read count one by one: jj moves two rows, and
// /db typed in one go filters, after which Enter Enter opens the hit.
func TestEveryKeyOfABurstCounts(t *testing.T) {
	u := rotationUser(t)
	for _, path := range []string{"dev/app/token", "prod/db/password", "stg/s3/key"} {
		u.must("value-of-"+path, "set", path, "--owner", "team", "--every", "90d")
	}
	p := tmuxdrive.Start(t, 120, 30, u.env, u.home, binary)
	screen := p.WaitFor("3 secrets · / to filter", screenWait)
	rows := rowsOf(screen)
	if len(rows) != 3 {
		t.Fatalf("rows %q on:\n%s", rows, screen)
	}

	p.Burst("jj")
	p.WaitFor("▸ "+rows[2], screenWait)
	p.Burst("k")
	p.WaitFor("▸ "+rows[1], screenWait)

	p.Burst("/db")
	p.WaitFor("1 of 3", screenWait)
	p.Keys("Enter", "Enter")
	p.WaitFor("r reveal · c copy", screenWait)
	p.WaitFor("prod/db/password", screenWait)
	p.Keys("q")
	if code := p.WaitExit(screenWait); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// rowsOf is the paths of the inventory's rows on screen, in order.
func rowsOf(screen string) []string {
	var rows []string
	for _, line := range strings.Split(screen, "\n") {
		f := strings.Fields(strings.TrimPrefix(line, "▸"))
		if len(f) > 0 && strings.Count(f[0], "/") == 2 && !strings.Contains(line, "·") {
			rows = append(rows, f[0])
		}
	}
	return rows
}
