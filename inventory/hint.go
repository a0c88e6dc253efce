package inventory

import (
	"errors"
	"strings"
)

// hinted is an error with a separate hint that tells the user what to do
// next. The hint is kept apart from the message (as age's errorWithHint
// does) so that the command line can print it on its own line and the TUI
// in its footer.
type hinted struct {
	err  error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() }
func (h *hinted) Unwrap() error { return h.err }

// WithHint attaches a hint to err. It returns nil for a nil err.
func WithHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &hinted{err: err, hint: hint}
}

// HintOf returns the outermost hint attached to err, or "".
func HintOf(err error) string {
	var h *hinted
	if errors.As(err, &h) {
		return h.hint
	}
	return ""
}

// OneLine is err on one line, as cabinet prints an error: its message with
// the white space folded, then "; " and its hint, if it has one.
func OneLine(err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if hint := HintOf(err); hint != "" {
		msg += "; " + hint
	}
	return msg
}
