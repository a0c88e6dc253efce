package tui

import (
	"strings"

	"github.com/cabinethq/cabinet/inventory"
)

// printable makes one line of text safe to draw: control characters, which
// could move the cursor or reprogram the terminal, are shown as escapes
// (\x1b; inventory.Printable), a tab as spaces. Values and hand-edited
// metadata can hold anything.
func printable(s string) string {
	return inventory.Printable(strings.ReplaceAll(s, "\t", "    "))
}

// printableLines is printable for text of several lines.
func printableLines(s string) []string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = printable(strings.TrimSuffix(l, "\r"))
	}
	return lines
}
