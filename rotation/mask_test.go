package rotation

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestMaskHidesBothValuesEvenSplitAcrossWrites(t *testing.T) {
	newV, oldV := "N3w-s3cret-Value", "0ld-pw"
	text := "connecting with N3w-s3cret-Value\nold was 0ld-pw, new N3w-s3cret-Value.\nN3w-s3cret-Valu is not it\n0ld-p"
	want := "connecting with ***\nold was ***, new ***.\nN3w-s3cret-Valu is not it\n0ld-p"
	// Every way of cutting the text into two writes, and one byte at a time.
	for cut := 0; cut <= len(text); cut++ {
		var out bytes.Buffer
		m := newMaskWriter(&out, []byte(newV), []byte(oldV))
		m.Write([]byte(text[:cut]))
		m.Write([]byte(text[cut:]))
		m.Close()
		if out.String() != want {
			t.Fatalf("cut at %d:\n%q\nwant\n%q", cut, out.String(), want)
		}
	}
	var out bytes.Buffer
	m := newMaskWriter(&out, []byte(newV), []byte(oldV))
	for i := range len(text) {
		m.Write([]byte{text[i]})
		if strings.Contains(out.String(), newV) || strings.Contains(out.String(), oldV) {
			t.Fatalf("a value got through after %d bytes: %q", i, out.String())
		}
	}
	m.Close()
	if out.String() != want {
		t.Fatalf("byte by byte:\n%q", out.String())
	}
}

func TestMaskPrefersTheLongerValue(t *testing.T) {
	var out bytes.Buffer
	m := newMaskWriter(&out, []byte("abc"), []byte("abcdef"))
	m.Write([]byte("xabcdefx abcx"))
	m.Close()
	if out.String() != "x***x ***x" {
		t.Fatalf("%q", out.String())
	}
}

// TestMaskShortLinesStay: the lines of a multi-line value under
// MinMaskedLine characters are left alone, so ordinary output stays
// readable; the longer ones are masked wherever they appear.
func TestMaskShortLinesStay(t *testing.T) {
	var out bytes.Buffer
	m := newMaskWriter(&out, []byte("{\n  \"token\": \"tok-5f2a9c81\"\n}\n"))
	m.Write([]byte("}\nok\n\"token\": \"tok-5f2a9c81\"\n"))
	m.Close()
	if out.String() != "}\nok\n***\n" {
		t.Fatalf("%q", out.String())
	}
	// At the edge: seven characters stay, eight are masked.
	out.Reset()
	m = newMaskWriter(&out, []byte("sevenCh\neight-Ch\n"))
	m.Write([]byte("sevenCh eight-Ch"))
	m.Close()
	if out.String() != "sevenCh ***" {
		t.Fatalf("%q", out.String())
	}
}

// referenceMask masks text in one go, the plain way: at each byte, the
// longest of the secrets, or an age secret key (agePrefix in any case and
// the letters, digits and dashes after it, at most maxKeyRun), starting
// there is replaced by Mask. The secrets are the values and each line of a
// multi-line value of at least MinMaskedLine characters, trimmed.
func referenceMask(text string, values ...string) string {
	var secrets []string
	for _, v := range values {
		secrets = append(secrets, v)
		if strings.ContainsAny(v, "\r\n") {
			for _, line := range strings.FieldsFunc(v, func(r rune) bool { return r == '\r' || r == '\n' }) {
				if line = strings.TrimSpace(line); len(line) >= MinMaskedLine {
					secrets = append(secrets, line)
				}
			}
		}
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		n := len(ageKey.FindString(text[i:]))
		for _, s := range secrets {
			if s != "" && strings.HasPrefix(text[i:], s) {
				n = max(n, len(s))
			}
		}
		if n == 0 {
			b.WriteByte(text[i])
			i++
			continue
		}
		b.WriteString(Mask)
		i += n
	}
	return b.String()
}

// ageKey is agePrefix at the start, each letter in either case (ASCII
// only: (?i) would also take the Kelvin sign for a K).
var ageKey = regexp.MustCompile("^" + regexp.MustCompile(`[A-Z]`).ReplaceAllStringFunc(agePrefix,
	func(c string) string { return "[" + c + strings.ToLower(c) + "]" }) + fmt.Sprintf("[A-Za-z0-9-]{0,%d}", maxKeyRun))

// FuzzMask writes text to the masking writer in chunks whose sizes come
// from cuts, and compares what comes out with referenceMask on the whole
// text: a writer that drops, repeats or reorders output, or lets a secret
// through at a cut, fails.
func FuzzMask(f *testing.F) {
	f.Add("out: secret\n", "secret", "old", []byte{3})
	f.Add("sesecret", "secret", "se", []byte{1})
	f.Add("key AGE-SECRET-KEY-1QQQQ.\nage-secret-key-pq-1x!", "AGE-SECRET-KEY-1QQ", "x", []byte{5, 1, 17})
	f.Add("-----BEGIN X-----\nabcdefgh1234\nxyz\n", "-----BEGIN X-----\nabcdefgh1234\nxyz\n", "abc", []byte{2, 7})
	f.Add("pre AGE-SECRET-KEY-", "old", "new", []byte{0})
	f.Add("sevenCh eight-Ch", "sevenCh\neight-Ch\n", "n", []byte{9})
	f.Fuzz(func(t *testing.T, text, a, b string, cuts []byte) {
		var out bytes.Buffer
		m := newMaskWriter(&out, []byte(a), []byte(b))
		rest := text
		for i := 0; rest != ""; i++ {
			n := len(rest)
			if len(cuts) > 0 {
				n = min(n, int(cuts[i%len(cuts)])%32)
			}
			if n == 0 { // an empty write, then one byte
				m.Write(nil)
				n = 1
			}
			if _, err := m.Write([]byte(rest[:n])); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		if want := referenceMask(text, a, b); out.String() != want {
			t.Fatalf("masked %q with %q and %q, cut by %v:\n got %q\nwant %q", text, a, b, cuts, out.String(), want)
		}
	})
}
