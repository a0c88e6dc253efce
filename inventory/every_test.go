package inventory_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

func TestParseEvery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration // 0: no policy
	}{
		{"90d", 90 * 24 * time.Hour},
		{"2w", 14 * 24 * time.Hour},
		{"12h", 12 * time.Hour},
		{"1h", time.Hour},
		{"100000h", 100000 * time.Hour},
		{"100000d", 100000 * 24 * time.Hour},
		{"14285w", 14285 * 7 * 24 * time.Hour},
		{"", 0},
		{"none", 0},
		{"0", 0},
	}
	for _, tt := range tests {
		e, err := inventory.ParseEvery(tt.in)
		if err != nil {
			t.Errorf("ParseEvery(%q) = %v", tt.in, err)
			continue
		}
		if e.Duration() != tt.want || e.IsZero() != (tt.want == 0) {
			t.Errorf("ParseEvery(%q) = %v (zero %v), want %v", tt.in, e.Duration(), e.IsZero(), tt.want)
		}
		// String gives back what ParseEvery reads.
		back, err := inventory.ParseEvery(e.String())
		if err != nil || back != e {
			t.Errorf("ParseEvery(%q).String() = %q, which parses to %+v, %v", tt.in, e.String(), back, err)
		}
		if tt.want != 0 && e.String() != tt.in {
			t.Errorf("ParseEvery(%q).String() = %q", tt.in, e.String())
		}
	}

	for _, bad := range []string{
		"d", "90", "90D", "90 d", " 90d", "90d ", "+90d", "-1d", "0d", "0w", "1.5d", "1e3d",
		"3m", "1y", "90days", "100001d", "100001h", "14286w", "20000w", "100000w", "99999999999999999999d", "\x00d",
	} {
		e, err := inventory.ParseEvery(bad)
		if err == nil {
			t.Errorf("ParseEvery(%q) = %+v (%v), want an error", bad, e, e.Duration())
			continue
		}
		if want := "invalid rotation period"; !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "90d") {
			t.Errorf("ParseEvery(%q) error %q does not explain the form", bad, err)
		}
	}
}

// FuzzParseEvery checks that any accepted period is positive (a huge one that
// overflowed time.Duration would put every deadline in the past) and that
// String gives it back.
func FuzzParseEvery(f *testing.F) {
	for _, s := range []string{"90d", "2w", "12h", "", "none", "0", "100000w", "20000w", "+1d", "-1h", "d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := inventory.ParseEvery(s)
		if err != nil || e.IsZero() {
			return
		}
		unit := map[byte]time.Duration{'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[e.Unit]
		if d := e.Duration(); d <= 0 || unit == 0 || d/unit != time.Duration(e.N) || d%unit != 0 {
			t.Fatalf("ParseEvery(%q) = %+v, duration %v: not N units (overflow?)", s, e, d)
		}
		if back, err := inventory.ParseEvery(e.String()); err != nil || back != e {
			t.Fatalf("ParseEvery(%q).String() = %q parses to %+v, %v", s, e.String(), back, err)
		}
	})
}
