package tui

import "testing"

func TestTypedKeys(t *testing.T) {
	keys := typedKeys([]byte("/é\r\x1b[B\x03\x7f"))
	var got []string
	for _, k := range keys {
		got = append(got, k.String())
	}
	want := []string{"/", "é", "enter", "down", "ctrl+c", "backspace"}
	if len(got) != len(want) {
		t.Fatalf("typedKeys = %q; want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("typedKeys = %q; want %q", got, want)
		}
	}
	if replay(nil) != nil {
		t.Fatal("replay(nil) should do nothing")
	}
}
