//go:build !windows

package tui

import (
	"os/exec"
	"runtime"
	"strings"
)

// toolClipboard copies and pastes through a clipboard program: the value
// goes to its standard input, never to its arguments.
type toolClipboard struct {
	copy, paste []string
}

func (c toolClipboard) Write(text string) error {
	cmd := exec.Command(c.copy[0], c.copy[1:]...)
	cmd.Stdin = strings.NewReader(text)
	return cmd.Run()
}

func (c toolClipboard) Read() (string, error) {
	out, err := exec.Command(c.paste[0], c.paste[1:]...).Output()
	return string(out), err
}

// clipboardTools are the clipboard programs that can work here, in order
// of preference: macOS's own; on Linux and the BSDs, Wayland's or X11's
// where the session has that display.
func clipboardTools(goos string, getenv func(string) string) []toolClipboard {
	if goos == "darwin" {
		return []toolClipboard{{[]string{"pbcopy"}, []string{"pbpaste"}}}
	}
	var tools []toolClipboard
	if getenv("WAYLAND_DISPLAY") != "" {
		tools = append(tools, toolClipboard{[]string{"wl-copy"}, []string{"wl-paste", "--no-newline"}})
	}
	if getenv("DISPLAY") != "" {
		tools = append(tools,
			toolClipboard{[]string{"xclip", "-in", "-selection", "clipboard"}, []string{"xclip", "-out", "-selection", "clipboard"}},
			toolClipboard{[]string{"xsel", "--input", "--clipboard"}, []string{"xsel", "--output", "--clipboard"}})
	}
	return tools
}

// systemClipboard is the first clipboard program installed that can work.
func systemClipboard(getenv func(string) string) (Clipboard, bool) {
	for _, t := range clipboardTools(runtime.GOOS, getenv) {
		if installed(t.copy[0]) && installed(t.paste[0]) {
			return t, true
		}
	}
	return nil, false
}

func installed(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}
