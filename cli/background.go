package cli

import (
	"bytes"
	"strconv"
	"strings"
	"time"
)

// backgroundTimeout bounds the workbench's one question to the terminal.
// A local terminal answers in a millisecond and one over SSH in a round
// trip; a terminal that never answers (a bare pty) costs this once.
const backgroundTimeout = 250 * time.Millisecond

// backgroundQuery asks for the background colour (OSC 11), then for the
// device attributes (DA1). Every terminal answers DA1, in order, so its
// answer says that no colour answer is coming.
const backgroundQuery = "\x1b]11;?\x1b\\" + "\x1b[c"

// background is what the terminal said.
type background struct {
	known bool // the terminal gave its background colour
	dark  bool
	// typed holds the keys the user typed while the question was out:
	// they are the workbench's, never the query's to eat.
	typed []byte
}

// splitReplies separates the terminal's answers from typed keys in what
// was read after the query: osc is the OSC 11 answer's text ("11;rgb:..."),
// done says the DA1 answer arrived, and typed is every other byte, in order.
// An answer cut short at the end is dropped: it is the terminal's, not the
// user's.
func splitReplies(b []byte) (osc string, done bool, typed []byte) {
	for len(b) > 0 {
		switch {
		case bytes.HasPrefix(b, []byte("\x1b]")):
			end, next := oscEnd(b)
			if end < 0 {
				return osc, done, typed
			}
			osc, b = string(b[2:end]), b[next:]
		case bytes.HasPrefix(b, []byte("\x1b[?")):
			i := bytes.IndexFunc(b[3:], func(r rune) bool { return r >= 0x40 && r <= 0x7e })
			if i < 0 {
				return osc, done, typed
			}
			done = done || b[3+i] == 'c'
			b = b[3+i+1:]
		default:
			typed, b = append(typed, b[0]), b[1:]
		}
	}
	return osc, done, typed
}

// oscEnd finds the terminator of the OSC sequence at the start of b (BEL or
// ESC \): end is where its text ends, next where what follows begins.
func oscEnd(b []byte) (end, next int) {
	for i := 2; i < len(b); i++ {
		switch {
		case b[i] == '\a':
			return i, i + 1
		case b[i] == '\x1b' && i+1 < len(b) && b[i+1] == '\\':
			return i, i + 2
		}
	}
	return -1, -1
}

// darkColour reads an OSC 11 answer, "11;rgb:RRRR/GGGG/BBBB" with one to
// four hex digits a channel, and says whether the colour is dark: its HSL
// lightness under one half, as lipgloss decides.
func darkColour(osc string) (dark, ok bool) {
	_, spec, found := strings.Cut(osc, ";")
	if !found {
		return false, false
	}
	_, hex, found := strings.Cut(spec, ":")
	if !found || !strings.HasPrefix(spec, "rgb") {
		return false, false
	}
	parts := strings.Split(hex, "/")
	if len(parts) < 3 {
		return false, false
	}
	lo, hi := 1.0, 0.0
	for _, p := range parts[:3] {
		if len(p) == 0 || len(p) > 4 {
			return false, false
		}
		v, err := strconv.ParseUint(p, 16, 16)
		if err != nil {
			return false, false
		}
		c := float64(v) / float64(uint64(1)<<(4*len(p))-1)
		lo, hi = min(lo, c), max(hi, c)
	}
	return (lo+hi)/2 < 0.5, true
}
