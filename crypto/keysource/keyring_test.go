package keysource_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/crypto/keysource"
)

func TestKeyringTimeoutFromTheEnvironment(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		value string
		want  time.Duration
	}{{"", 3 * time.Second}, {"5s", 5 * time.Second}, {"250ms", 250 * time.Millisecond}, {"1m30s", 90 * time.Second}} {
		got, err := keysource.Timeout(env(map[string]string{"CABINET_KEYRING_TIMEOUT": c.value}))
		if err != nil || got != c.want {
			t.Errorf("CABINET_KEYRING_TIMEOUT=%q: %v, %v; want %v", c.value, got, err, c.want)
		}
	}
	// A value that is no positive duration is an error, one line naming
	// the variable and the form it takes, never the default.
	for _, bad := range []string{"bogus", "5", "0", "-1s", "3 s", "\x1b]0;pwned\a"} {
		got, err := keysource.Timeout(env(map[string]string{"CABINET_KEYRING_TIMEOUT": bad}))
		if err == nil {
			t.Errorf("CABINET_KEYRING_TIMEOUT=%q gives %v, want an error", bad, got)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "CABINET_KEYRING_TIMEOUT=") || !strings.Contains(msg, "5s") || strings.ContainsAny(msg, "\n\x1b\a") {
			t.Errorf("CABINET_KEYRING_TIMEOUT=%q: %q", bad, msg)
		}
	}
}
