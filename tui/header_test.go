package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/cabinethq/cabinet/themes"
)

// TestHeaderCountsAlwaysShow: at 80 and 60 columns the header still
// counts overdue, due, exposed and rotating secrets; the store's and the
// identity's names are what gets shortened.
func TestHeaderCountsAlwaysShow(t *testing.T) {
	for _, tt := range []struct {
		width int
		want  []string
	}{
		{140, []string{"test store · alice (test identity)", "✖ 1 overdue", "▲ 1 due", "! 0 exposed", "↻ 0 rotating"}},
		{80, []string{"test store", "✖ 1 overdue", "▲ 1 due", "! 0 exposed", "↻ 0 rotating"}},
		{60, []string{"✖ 1 overdue", "▲ 1 due", "! 0 exposed", "↻ 0 rotating"}},
	} {
		h := newHarness(t, tt.width, 24)
		header := strings.SplitN(h.m.View(), "\n", 2)[0]
		for _, want := range tt.want {
			if !strings.Contains(header, want) {
				t.Errorf("at %d columns the header %q lacks %q", tt.width, header, want)
			}
		}
		if w := len([]rune(header)); w > tt.width {
			t.Errorf("at %d columns the header is %d wide: %q", tt.width, w, header)
		}
	}
}

// TestHeaderCountsShowInColour: with colours on, the escapes in the header
// take no room: the counts still show at 110 columns.
func TestHeaderCountsShowInColour(t *testing.T) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	defer lipgloss.SetColorProfile(termenv.Ascii)
	h := newHarness(t, 110, 24)
	h.m.deps.styles = ptr(themes.New(mustTheme(t, "dark")))
	header := strings.SplitN(h.m.View(), "\n", 2)[0]
	if !strings.Contains(header, "rotating") || lipgloss.Width(header) > 110 {
		t.Fatalf("the header in colour lost its counts or its width (%d): %q", lipgloss.Width(header), header)
	}
}

func ptr[T any](v T) *T { return &v }

func mustTheme(t *testing.T, name string) themes.Theme {
	t.Helper()
	th, err := themes.Named(name)
	if err != nil {
		t.Fatal(err)
	}
	return th
}
