package rotation

import (
	"bytes"
	"io"
	"sync"
)

// Mask is what a value is replaced with in a step's output.
const Mask = "***"

// MinMaskedLine is the shortest line of a multi-line value that is masked
// on its own. A step may print one line of a PEM key (sed -n 2p), so every
// line is a secret of its own; but the shortest lines of such values are
// structure ("}", "-----", the last few base64 characters of a body) that
// carry at most a few bytes of key material, and masking them would
// scramble every ordinary copy of "done" or "ok" in the output. Eight
// characters is 48 bits of base64: below that a line gives little away.
const MinMaskedLine = 8

// agePrefix starts an age secret key: AGE-SECRET-KEY-1… (X25519),
// AGE-SECRET-KEY-PQ-1… (post-quantum), in either case (bech32 may be
// written in lower case). The key runs on in letters, digits and dashes.
const agePrefix = "AGE-SECRET-KEY-"

// maxKeyRun bounds how many characters after agePrefix count as the key,
// so that the writer holds back a bounded amount (a real key is 58).
// Under 1000: the fuzz test writes it as a regexp repeat count.
const maxKeyRun = 512

// maskWriter copies what a step prints to w with every copy of the values,
// of each line of a multi-line value and of any age secret key replaced by
// Mask. A secret may arrive split over several writes, so the bytes that
// could be the start of one are held back until the next write or Close
// tells.
type maskWriter struct {
	mu     sync.Mutex
	w      io.Writer
	values [][]byte
	held   []byte
}

// NewMaskWriter is the masking filter of a step's output, for any
// command's: it writes to w what it is given with every copy of values
// (and of each line of a multi-line value, and of any age secret key)
// replaced by Mask. Close writes what it held back.
func NewMaskWriter(w io.Writer, values ...[]byte) io.WriteCloser { return newMaskWriter(w, values...) }

func newMaskWriter(w io.Writer, values ...[]byte) *maskWriter {
	return &maskWriter{w: w, values: maskedStrings(values)}
}

// maskedStrings is every non-empty value and every line of a multi-line
// value that is at least MinMaskedLine long once trimmed of spaces.
func maskedStrings(values [][]byte) [][]byte {
	var out [][]byte
	for _, v := range values {
		if len(v) == 0 {
			continue
		}
		out = append(out, v)
		if !bytes.ContainsAny(v, "\r\n") {
			continue
		}
		for _, line := range bytes.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' }) {
			if line = bytes.TrimSpace(line); len(line) >= MinMaskedLine {
				out = append(out, line)
			}
		}
	}
	return out
}

func (m *maskWriter) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.held = append(m.held, p...)
	out, keep := m.mask(false)
	if _, err := m.w.Write(out); err != nil {
		return 0, err
	}
	m.held = append(m.held[:0], keep...)
	return len(p), nil
}

// Close writes what is held back.
func (m *maskWriter) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	out, _ := m.mask(true)
	m.held = nil
	_, err := m.w.Write(out)
	return err
}

// mask returns the held bytes that can be written, masked, and the tail
// that must wait: from the first byte where a secret could start but the
// bytes to tell have not arrived yet. At each byte the longest secret
// starting there is masked, so the output is the same however the text
// was cut into writes.
func (m *maskWriter) mask(final bool) (out, keep []byte) {
	var b bytes.Buffer
	buf := m.held
	for i := 0; i < len(buf); {
		n, wait := m.matchAt(buf[i:], final)
		switch {
		case wait:
			return b.Bytes(), buf[i:]
		case n > 0:
			b.WriteString(Mask)
			i += n
		default:
			b.WriteByte(buf[i])
			i++
		}
	}
	return b.Bytes(), nil
}

// matchAt is the length of the longest secret that buf starts with, or 0;
// wait means that more bytes could make a secret match there.
func (m *maskWriter) matchAt(buf []byte, final bool) (n int, wait bool) {
	n, wait = ageKeyAt(buf, final)
	for _, v := range m.values {
		switch {
		case len(v) > n && bytes.HasPrefix(buf, v):
			n = len(v)
		case !final && len(buf) < len(v) && bytes.HasPrefix(v, buf):
			wait = true
		}
	}
	return n, wait
}

// ageKeyAt is the length of the age secret key that buf starts with, or 0;
// wait means that buf ends before it can tell.
func ageKeyAt(buf []byte, final bool) (n int, wait bool) {
	if len(buf) < len(agePrefix) {
		return 0, !final && equalFoldASCII(buf, agePrefix[:len(buf)])
	}
	if !equalFoldASCII(buf[:len(agePrefix)], agePrefix) {
		return 0, false
	}
	n = len(agePrefix)
	for n < len(buf) && n-len(agePrefix) < maxKeyRun && isKeyChar(buf[n]) {
		n++
	}
	if n == len(buf) && n-len(agePrefix) < maxKeyRun && !final {
		return 0, true
	}
	return n, false
}

// equalFoldASCII compares ASCII letters without case and nothing else:
// unlike bytes.EqualFold, the Kelvin sign is not a K.
func equalFoldASCII(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isKeyChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-'
}
