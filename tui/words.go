package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/cabinethq/cabinet/inventory"
)

// Words for the screens: errors without command lines or Go's internal
// words, and plurals.

// workbenchWords is err for the workbench's screens: its hint is dropped
// when it names a command line (the screen names its own keys instead),
// and Go's words for a cancelled context never show.
func workbenchWords(err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if h := inventory.HintOf(err); h != "" && !strings.Contains(h, "`cabinet ") {
		msg += "; " + h
	}
	msg = strings.ReplaceAll(msg, ": "+context.Canceled.Error(), "")
	msg = strings.ReplaceAll(msg, context.Canceled.Error(), "interrupted")
	return strings.ReplaceAll(msg, context.DeadlineExceeded.Error(), "timed out")
}

// wrapText wraps s at width columns, at spaces only, a word longer than a
// line cut where it must be. Hyphens are held for the wrap (ansi.Wrap
// always breaks at them): a date or a path stays whole.
func wrapText(s string, width int) string {
	const held = "\u2011" // a non-breaking hyphen, as wide as one
	wrapped := ansi.Wrap(strings.ReplaceAll(s, "-", held), max(1, width), "")
	return strings.ReplaceAll(wrapped, held, "-")
}

// plural is n with the word that suits it: "1 step", "2 steps".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
