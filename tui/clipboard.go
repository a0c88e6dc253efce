package tui

import (
	"errors"

	"github.com/muesli/termenv"
)

// Clipboard is where a copied value goes.
type Clipboard interface {
	Write(text string) error
	// Read returns the clipboard's text, or an error where it cannot be
	// read (OSC 52).
	Read() (string, error)
}

// SystemClipboard is the system clipboard where there is one (macOS and
// Windows natively; on Linux and the BSDs wl-copy, xclip or xsel with a
// display to talk to), else OSC 52, which asks the terminal itself to set
// the clipboard and works over SSH and in tmux. The clipboard tools are
// looked for here, when the workbench starts, not when every command does:
// a pipeline's `cabinet get` has no use for them.
func SystemClipboard(getenv func(string) string) Clipboard {
	if c, ok := systemClipboard(getenv); ok {
		return c
	}
	return osc52{out: termenv.DefaultOutput()}
}

type osc52 struct{ out *termenv.Output }

func (c osc52) Write(text string) error {
	c.out.Copy(text)
	return nil
}

func (osc52) Read() (string, error) { return "", errors.New("OSC 52 clipboards cannot be read") }

// viaTerminal marks the OSC 52 clipboard: the terminal holds it, so
// cabinet can write to it but neither read it back nor clear it.
func (osc52) viaTerminal() {}

// viaTerminal reports whether c is a clipboard the terminal holds.
func viaTerminal(c Clipboard) bool {
	_, ok := c.(interface{ viaTerminal() })
	return ok
}
