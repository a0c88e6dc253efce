package tui

import "github.com/atotto/clipboard"

// systemClipboard is Windows's own, through its API.
func systemClipboard(func(string) string) (Clipboard, bool) {
	return windowsClipboard{}, !clipboard.Unsupported
}

type windowsClipboard struct{}

func (windowsClipboard) Write(text string) error { return clipboard.WriteAll(text) }
func (windowsClipboard) Read() (string, error)   { return clipboard.ReadAll() }
