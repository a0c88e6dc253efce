package rotation

import (
	"bytes"
	"io"
	"sync"
)

// Mask is what a value is replaced with in a step's output.
const Mask = "***"

// maskWriter copies what a step prints to w with every copy of the values
// replaced by Mask. A value may arrive split over several writes, so the
// bytes that could be the start of one are held back until the next write
// or Close tells.
type maskWriter struct {
	mu      sync.Mutex
	w       io.Writer
	values  [][]byte
	longest int
	held    []byte
}

func newMaskWriter(w io.Writer, values ...[]byte) *maskWriter {
	m := &maskWriter{w: w}
	for _, v := range values {
		if len(v) > 0 {
			m.values = append(m.values, v)
			m.longest = max(m.longest, len(v))
		}
	}
	return m
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
// that must wait: the longest suffix that is the start of a value.
func (m *maskWriter) mask(final bool) (out, keep []byte) {
	var b bytes.Buffer
	buf := m.held
	for i := 0; i < len(buf); {
		if n := m.matchAt(buf[i:]); n > 0 {
			b.WriteString(Mask)
			i += n
			continue
		}
		if !final && m.couldStart(buf[i:]) {
			return b.Bytes(), buf[i:]
		}
		b.WriteByte(buf[i])
		i++
	}
	return b.Bytes(), nil
}

// matchAt is the length of the longest value that buf starts with, or 0.
func (m *maskWriter) matchAt(buf []byte) int {
	n := 0
	for _, v := range m.values {
		if len(v) > n && bytes.HasPrefix(buf, v) {
			n = len(v)
		}
	}
	return n
}

// couldStart reports whether buf, shorter than a value, is its beginning.
func (m *maskWriter) couldStart(buf []byte) bool {
	for _, v := range m.values {
		if len(buf) < len(v) && bytes.HasPrefix(v, buf) {
			return true
		}
	}
	return false
}
