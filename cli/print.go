package cli

import (
	"fmt"
	"io"
	"strconv"

	"github.com/cabinethq/cabinet/inventory"
)

// printLine writes one line of text for a person, made safe for their
// terminal (inventory.Printable): what it shows comes from files that a
// teammate may have written with an editor.
func printLine(w io.Writer, format string, args ...any) {
	fmt.Fprintln(w, inventory.Printable(fmt.Sprintf(format, args...)))
}

// cell is one cell of a table, made safe the same way; a tab in it would
// also break the columns.
func cell(s string) string { return inventory.Printable(s) }

// plural is "1 line", "2 lines".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
