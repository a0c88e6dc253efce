package cli

import (
	"testing"
)

func TestSplitReplies(t *testing.T) {
	for _, c := range []struct {
		name, in, osc, typed string
		done                 bool
	}{
		{name: "both answers, ST", in: "\x1b]11;rgb:0000/0000/0000\x1b\\\x1b[?62;22c", osc: "11;rgb:0000/0000/0000", done: true},
		{name: "BEL", in: "\x1b]11;rgb:ffff/ffff/ffff\a\x1b[?1;2c", osc: "11;rgb:ffff/ffff/ffff", done: true},
		{name: "DA1 only", in: "\x1b[?6c", done: true},
		{name: "keys around the answers", in: "/d\x1b]11;rgb:1/1/1\a\x1b[?6cb", osc: "11;rgb:1/1/1", typed: "/db", done: true},
		{name: "arrow key kept", in: "\x1b[A\x1b[?6c", typed: "\x1b[A", done: true},
		{name: "silent terminal", in: "q", typed: "q"},
		{name: "answer cut short", in: "x\x1b]11;rgb:00", typed: "x"},
	} {
		t.Run(c.name, func(t *testing.T) {
			osc, done, typed := splitReplies([]byte(c.in))
			if osc != c.osc || done != c.done || string(typed) != c.typed {
				t.Fatalf("splitReplies(%q) = %q, %v, %q; want %q, %v, %q", c.in, osc, done, typed, c.osc, c.done, c.typed)
			}
		})
	}
}

func TestDarkColour(t *testing.T) {
	for _, c := range []struct {
		osc      string
		dark, ok bool
	}{
		{"11;rgb:0000/0000/0000", true, true},
		{"11;rgb:1e1e/1e1e/2e2e", true, true},
		{"11;rgb:ffff/ffff/ffff", false, true},
		{"11;rgb:fd/f6/e3", false, true}, // solarized light, two digits
		{"11;rgba:0000/0000/0000/ffff", true, true},
		{"11;?", false, false},
		{"", false, false},
		{"11;rgb:zz/00/00", false, false},
	} {
		dark, ok := darkColour(c.osc)
		if dark != c.dark || ok != c.ok {
			t.Errorf("darkColour(%q) = %v, %v; want %v, %v", c.osc, dark, ok, c.dark, c.ok)
		}
	}
}
