package main

import (
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/internal/tmuxdrive"
)

// The inventory's first row is the pane's line 4: under the header, the
// tabs, the filter and the column titles.
const firstRowLine = 4

// The workbench asks the terminal for the mouse; a click selects a row,
// a second click opens it.
func TestMouseClickSelectsAndOpensARow(t *testing.T) {
	u := rotationUser(t)
	for _, path := range []string{"dev/app/token", "prod/db/password", "stg/s3/key"} {
		u.must("value-of-"+path, "set", path, "--owner", "team", "--every", "90d")
	}
	p := tmuxdrive.Start(t, 120, 30, u.env, u.home, binary)
	rows := rowsOf(p.WaitFor("3 secrets · / to filter", screenWait))
	if len(rows) != 3 {
		t.Fatalf("rows %q", rows)
	}
	p.Click(10, firstRowLine+2)
	p.WaitFor("▸ "+rows[2], screenWait)
	p.WaitFor("3/3", screenWait)
	p.Click(10, firstRowLine+2)
	screen := p.WaitFor("r reveal", screenWait)
	if !strings.Contains(screen, rows[2]) {
		t.Fatalf("the second click did not open %s:\n%s", rows[2], screen)
	}
	if !p.MouseReporting() {
		t.Fatal("the workbench did not ask the terminal for mouse events")
	}
	p.Keys("q")
	if code := p.WaitExit(screenWait); code != 0 {
		t.Fatalf("exit %d", code)
	}
}
