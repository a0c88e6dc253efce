package inventory

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrNotPlainText is what every error of ValidateText matches with
// errors.Is: metadata that could drive a terminal or break a line.
var ErrNotPlainText = errors.New("not plain text")

type notPlainError struct{ msg string }

func (e notPlainError) Error() string        { return e.msg }
func (e notPlainError) Is(target error) bool { return target == ErrNotPlainText }

// ValidateText checks one field of free-text metadata (an owner, a
// description, a tag): plain text on one line. A control character could
// move the cursor or reprogram the terminal of whoever lists the secret, a
// line break would forge a line of output, and a bidirectional override
// would show the text in another order than it is stored. The error names
// the field and shows the text escaped.
func ValidateText(field, s string) error {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return notPlainError{fmt.Sprintf("%s %s: is not valid UTF-8", field, Quote(s))}
		case r == '\n' || r == '\r':
			return notPlainError{fmt.Sprintf("%s %s: holds a line break; metadata is one line of plain text", field, Quote(s))}
		case isControl(r):
			return notPlainError{fmt.Sprintf("%s %s: holds the control character %s; metadata is plain text", field, Quote(s), Printable(string(r)))}
		}
	}
	return nil
}

// isControl reports the characters that must never reach a terminal raw:
// C0 and C1 controls, DEL, the Unicode line and paragraph separators and
// the bidirectional embeddings, overrides and isolates.
func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 ||
		r == 0x2028 || r == 0x2029 || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// Printable makes text from a file safe to print on a terminal: each
// control character (see ValidateText; a tab too) becomes an escape such as
// \x1b or \u202e, and invalid UTF-8 becomes �. Plain text comes back as it
// was. Anything printed from the store, which a teammate may have written
// with an editor, goes through it.
func Printable(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteRune(utf8.RuneError)
		case r < 0x100 && isControl(r):
			fmt.Fprintf(&b, "\\x%02x", r)
		case isControl(r):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Quote is Printable in double quotes, for naming a field's text in an
// error message.
func Quote(s string) string { return `"` + Printable(s) + `"` }

// isPlain reports whether s is valid UTF-8 without control characters.
func isPlain(s string) bool {
	for _, r := range s {
		if isControl(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}
