package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"
	"time"
)

// TestLsJSONIsEncodingJSON: the entries of `ls --json`, written by hand for
// a pipe, are byte for byte what encoding/json writes of them, whatever
// they hold: quotes, control bytes, HTML characters, U+2028, invalid UTF-8,
// non-ASCII letters, nil and empty lists, missing versions and deadlines,
// rotations with and without their optional fields, times in other zones
// and with nanoseconds; for a terminal the output is encoding/json's,
// indented.
func TestLsJSONIsEncodingJSON(t *testing.T) {
	odd := []string{"plain", `"quoted"`, "back\\slash", "<team> & co", "a<b>c", "tab\tnew\nline\x01", "line\u2028sep", "bad\xffutf8", "Zoë", ""}
	zone := time.FixedZone("x", 5*3600+30*60)
	var list []lsEntry
	for i := range 600 {
		s := func(k int) string { return odd[(i+k)%len(odd)] }
		at := time.Unix(int64(i)*86400+int64(i), int64(i%3)*1000).In([]*time.Location{time.UTC, zone}[i%2])
		v := i
		e := lsEntry{
			Path: fmt.Sprintf("prod/app%02d/key%05d", i%40, i), Owner: s(0), Description: s(1), Status: s(2),
			Every: s(3), Runbook: s(4), Tags: [][]string{nil, {}, {s(5), s(6)}}[i%3], Readers: [][]string{{}, {s(7)}, nil}[i%3],
			Versions: [][]versionEntry{{}, nil, {{Version: v, State: s(8), Created: at, Author: s(1)}, {Version: v + 1, SealedAs: v % 2, Created: at.Add(time.Hour)}}}[i%3],
		}
		if i%4 == 1 {
			e.Conflicts = []string{s(3), s(4)}
		}
		if i%2 == 0 {
			e.Version, e.Deadline = &v, &at
		}
		if i%5 == 0 {
			e.Exposures = []exposureEntry{{Member: s(2), At: at}}
		}
		if i%7 == 0 {
			e.Rotating = &rotatingEntry{Version: v, Runbook: s(3), Started: at, By: s(4), NextStep: i % 4, Approved: s(5), Last: s(6)}
			if i%14 == 0 {
				e.Rotating.WaitUntil = &at
			}
		}
		list = append(list, e)
	}
	for _, terminal := range []bool{false, true} {
		var want, got bytes.Buffer
		a := &App{Terminal: func(any) bool { return terminal }}
		a.Out = &want
		if err := a.writeJSON(list); err != nil {
			t.Fatal(err)
		}
		a.Out = &got
		if err := writeLsJSON(a, list); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want.Bytes(), got.Bytes()) {
			w, g := want.Bytes(), got.Bytes()
			i := 0
			for i < len(w) && i < len(g) && w[i] == g[i] {
				i++
			}
			t.Fatalf("terminal %v: differs from encoding/json at byte %d:\n want …%s…\n  got …%s…", terminal, i, w[max(0, i-80):min(len(w), i+40)], g[max(0, i-80):min(len(g), i+40)])
		}
		if indented := bytes.Contains(got.Bytes(), []byte("\n  {")); indented != terminal {
			t.Errorf("terminal %v: indented %v", terminal, indented)
		}
	}

	// A time encoding/json refuses is refused here too.
	bad := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	a := &App{Terminal: func(any) bool { return false }, Out: &bytes.Buffer{}}
	if err := writeLsJSON(a, []lsEntry{{Path: "p", Deadline: &bad}}); err == nil {
		t.Error("a deadline in the year 10000 was written")
	}
}

// TestWriteColumnsIsTabwriter: the columns of `ls` are what text/tabwriter
// wrote (padding 2), whatever the widths: empty cells, a column of them,
// non-ASCII letters, one row, rows of one cell.
func TestWriteColumnsIsTabwriter(t *testing.T) {
	words := []string{"", "a", "prod/db/password", "Zoë", "数据", "overdue (v3 by alice, staged)", "-", "  spaced  "}
	for _, tc := range []struct {
		name       string
		rows, cols int
	}{{"many", 200, 5}, {"one row", 1, 5}, {"one column", 20, 1}, {"two", 30, 2}} {
		var rows [][]string
		for r := range tc.rows {
			var row []string
			for c := range tc.cols {
				row = append(row, words[(r*7+c*3+r*c)%len(words)])
			}
			if tc.cols > 2 {
				row[1] = "" // a column of empty cells
			}
			rows = append(rows, row)
		}
		var want, got bytes.Buffer
		tw := tabwriter.NewWriter(&want, 0, 0, 2, ' ', 0)
		for _, row := range rows {
			fmt.Fprintln(tw, strings.Join(row, "\t"))
		}
		tw.Flush()
		writeColumns(&got, rows)
		if want.String() != got.String() {
			t.Errorf("%s: writeColumns differs from tabwriter:\n%s\n---\n%s", tc.name, want.String(), got.String())
		}
	}
}
