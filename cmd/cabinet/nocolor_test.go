package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/internal/tmuxdrive"
)

// TestNoColorKeepsCursorAndPlaceholder: under NO_COLOR the workbench emits
// no colour at all, yet the selected row and the cursor still show
// (reverse video) and a placeholder is told apart from typed text (faint
// italics).
func TestNoColorKeepsCursorAndPlaceholder(t *testing.T) {
	u := newUser(t, "NO_COLOR=1")
	p := tmuxdrive.Start(t, 100, 30, u.env, u.home, binary, "demo")
	p.WaitFor("prod/", screenWait)
	p.Keys("/")
	p.WaitFor("path, owner, tag or status", screenWait)
	screen := p.ScreenWithColours()
	if colour := regexp.MustCompile(`\x1b\[[0-9;]*(3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]`); colour.MatchString(screen) {
		t.Fatalf("NO_COLOR: a colour was drawn: %q", colour.FindString(screen))
	}
	// The cursor stands on the placeholder's first letter; the rest is
	// faint (2) or italic (3).
	placeholder := regexp.MustCompile(`\x1b\[(?:[0-9]+;)*[23](?:;[0-9]+)*m(?:\x1b\[[0-9;]*m)*p?ath, owner, tag`)
	if !placeholder.MatchString(screen) {
		t.Errorf("NO_COLOR: the placeholder looks like typed text:\n%q", lineWith(screen, "owner, tag"))
	}
	if !strings.Contains(screen, "\x1b[7m") && !regexp.MustCompile(`\x1b\[[0-9;]*;7[;m]|\x1b\[7;`).MatchString(screen) {
		t.Errorf("NO_COLOR: nothing is in reverse video (no cursor, no selected row):\n%q", screen)
	}
}

func lineWith(screen, text string) string {
	for _, line := range strings.Split(screen, "\n") {
		if strings.Contains(line, text) {
			return line
		}
	}
	return ""
}
