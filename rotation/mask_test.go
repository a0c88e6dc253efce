package rotation

import (
	"bytes"
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

func FuzzMask(f *testing.F) {
	f.Add("out: secret\n", "secret", "old", 3)
	f.Add("sesecret", "secret", "se", 1)
	f.Fuzz(func(t *testing.T, text, a, b string, cut int) {
		if a == "" || b == "" {
			return
		}
		var out bytes.Buffer
		m := newMaskWriter(&out, []byte(a), []byte(b))
		cut = max(0, min(cut, len(text)))
		m.Write([]byte(text[:cut]))
		m.Write([]byte(text[cut:]))
		m.Close()
		// No value survives: with each mask cut out, neither is left.
		rest := strings.ReplaceAll(out.String(), Mask, "\x00")
		for _, v := range []string{a, b} {
			if !strings.Contains(v, "\x00") && strings.Contains(rest, v) {
				t.Fatalf("%q survived in %q (from %q)", v, out.String(), text)
			}
		}
	})
}
