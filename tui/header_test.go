package tui

import (
	"strings"
	"testing"
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
