//go:build !windows

package tui

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestClipboardTools(t *testing.T) {
	env := func(vars ...string) func(string) string {
		return func(k string) string {
			if slices.Contains(vars, k) {
				return ":0"
			}
			return ""
		}
	}
	names := func(tools []toolClipboard) []string {
		var n []string
		for _, t := range tools {
			n = append(n, t.copy[0])
		}
		return n
	}
	for _, tc := range []struct {
		goos string
		env  func(string) string
		want []string
	}{
		{"darwin", env(), []string{"pbcopy"}},
		{"linux", env(), nil}, // no display: OSC 52
		{"linux", env("DISPLAY"), []string{"xclip", "xsel"}},
		{"linux", env("WAYLAND_DISPLAY", "DISPLAY"), []string{"wl-copy", "xclip", "xsel"}},
		{"freebsd", env("DISPLAY"), []string{"xclip", "xsel"}},
	} {
		if got := names(clipboardTools(tc.goos, tc.env)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: tools %v, want %v", tc.goos, got, tc.want)
		}
	}
}

// TestToolClipboardPassesTheValueOnStdin: a stand-in for xclip, found on
// $PATH, gets the value on its standard input and hands it back.
func TestToolClipboardPassesTheValueOnStdin(t *testing.T) {
	bin := t.TempDir()
	store := filepath.Join(t.TempDir(), "clip")
	script := "#!/bin/sh\nif [ \"$1\" = -in ]; then /bin/cat > " + store + "; else /bin/cat " + store + "; fi\n"
	if err := os.WriteFile(filepath.Join(bin, "xclip"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	c := SystemClipboard(func(k string) string {
		if k == "DISPLAY" {
			return ":0"
		}
		return ""
	})
	if viaTerminal(c) {
		t.Fatal("xclip on $PATH with a display, and the clipboard is OSC 52")
	}
	if err := c.Write("pw-on-stdin"); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Read(); err != nil || got != "pw-on-stdin" {
		t.Fatalf("read back %q, %v", got, err)
	}
	// Without a display the terminal holds the clipboard.
	if c := SystemClipboard(func(string) string { return "" }); !viaTerminal(c) {
		t.Error("no display, and the clipboard is not OSC 52")
	}
}
