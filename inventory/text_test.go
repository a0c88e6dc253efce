package inventory

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateText(t *testing.T) {
	for _, ok := range []string{"", "data-platform", "Équipe données", "ETL user of the warehouse (v2)", "名前", "\uFFFD literal"} {
		if err := ValidateText("owner", ok); err != nil {
			t.Errorf("ValidateText(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"\x1b]0;pwned\x07", "a\nb", "a\rb", "tab\there", "del\x7f", "c1\u0085", "rtl\u202eevil", "iso\u2066x", "ls\u2028x", "bad utf8 \xff"} {
		err := ValidateText("--owner", bad)
		if !errors.Is(err, ErrNotPlainText) {
			t.Errorf("ValidateText(%q) = %v; want ErrNotPlainText", bad, err)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "--owner ") || strings.ContainsAny(msg, "\x1b\x07\n\r\t\x7f") || Printable(msg) != msg {
			t.Errorf("the error of %q is not one printable line naming the field: %q", bad, msg)
		}
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain":            "plain",
		"\x1b]0;pwned\x07": `\x1b]0;pwned\x07`,
		"a\nb\tc":          `a\x0ab\x09c`,
		"c1\u009b":         `c1\x9b`,
		"rtl\u202e":        `rtl\u202e`,
		"bad\xffutf8":      "bad\uFFFDutf8",
		"keeps \uFFFD":     "keeps \uFFFD",
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q; want %q", in, got, want)
		}
	}
}
