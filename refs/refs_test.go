package refs

import (
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
)

func TestFind(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string // the references found, as String writes them
	}{
		{"secret://prod/db/password", []string{"secret://prod/db/password"}},
		{"secret://prod/db/password@previous", []string{"secret://prod/db/password@previous"}},
		{"secret://prod/db/password@pending and secret://dev/x/y#12", []string{"secret://prod/db/password@pending", "secret://dev/x/y#12"}},
		// Inside a DSN: @db is a host, not a state.
		{"postgres://etl:secret://prod/db/password@db.internal:5432/wh", []string{"secret://prod/db/password"}},
		{"postgres://etl:secret://prod/db/password@previous@db:5432", []string{"secret://prod/db/password@previous"}},
		{`password: "secret://prod/db/password"`, []string{"secret://prod/db/password"}},
		{"use secret://prod/db/password.", []string{"secret://prod/db/password"}},
		{"KEY=secret://prod/api/key#3x", []string{"secret://prod/api/key"}},
		{"secret://prod/a/b@previously", []string{"secret://prod/a/b"}},
		{"secret://prod/a/b#0", []string{"secret://prod/a/b"}},
		{"secret://", nil},
		{"no reference here; secret:/ nor secret:prod", nil},
		{"secret://Prod/x", nil}, // upper case is no path character: the path is empty
	} {
		var got []string
		for _, r := range Find(tc.text) {
			got = append(got, r.String())
			if !strings.HasPrefix(tc.text[r.Start:r.End], Scheme) {
				t.Errorf("%q: the reference %s spans %q", tc.text, r, tc.text[r.Start:r.End])
			}
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("Find(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestWhole(t *testing.T) {
	for _, tc := range []struct {
		value string
		ok    bool
	}{
		{"secret://prod/db/password", true},
		{"secret://prod/db/password#2", true},
		{" secret://prod/db/password", false},
		{"postgres://u:secret://prod/db/password@h/db", false},
		{"https://example.com/docs/secret://", false},
		{"plain", false},
	} {
		if _, ok := Whole(tc.value); ok != tc.ok {
			t.Errorf("Whole(%q) = %v, want %v", tc.value, ok, tc.ok)
		}
	}
}

func TestReplace(t *testing.T) {
	text := `dsn: postgres://etl:secret://prod/db/password@db:5432/wh
token: "secret://prod/api/token#2"
again: secret://prod/db/password`
	refs := Find(text)
	values := Values{}
	values[refs[0].key()] = []byte("pa$$")
	values[refs[1].key()] = []byte(`to"k`)
	got := string(Replace(text, refs, values, nil))
	want := `dsn: postgres://etl:pa$$@db:5432/wh
token: "to"k"
again: pa$$`
	if got != want {
		t.Errorf("Replace:\n%s\nwant:\n%s", got, want)
	}
	quote := func(v []byte) []byte { return []byte(strings.ReplaceAll(string(v), `"`, `\"`)) }
	if got := string(Replace(text, refs, values, quote)); !strings.Contains(got, `token: "to\"k"`) {
		t.Errorf("Replace with an escape:\n%s", got)
	}
	if r := refs[1]; r.Sel != (inventory.Selector{Number: 2}) {
		t.Errorf("the second reference's selector: %+v", r.Sel)
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{"secret://prod/db/password@previous", "x secret://a/b#3 y", "secret://a/b.@", "secret://"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		last := 0
		for _, r := range Find(text) {
			if r.Start < last || r.End > len(text) || r.Start >= r.End {
				t.Fatalf("%q: a reference at %d..%d after %d", text, r.Start, r.End, last)
			}
			last = r.End
			// What was found is found again, alone, as itself.
			again, ok := Whole(text[r.Start:r.End])
			if !ok || again.String() != r.String() {
				t.Fatalf("%q: %s is not found again in %q", text, r, text[r.Start:r.End])
			}
			if strings.HasSuffix(r.Path, ".") {
				t.Fatalf("%q: a path ending in a dot: %q", text, r.Path)
			}
		}
	})
}
