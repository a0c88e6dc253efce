package cli

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// TestWriteJSONListIsWriteJSON: a list for a pipe, written element by
// element, is byte for byte what one encoder writes of the whole, with what JSON escapes (quotes,
// control bytes, HTML) inside; for a terminal it is indented.
func TestWriteJSONListIsWriteJSON(t *testing.T) {
	var list []lsEntry
	for i := range 3000 {
		v := i
		list = append(list, lsEntry{
			Path: fmt.Sprintf("prod/app%02d/key%05d", i%40, i), Owner: "<team> & \"x\"\x01",
			Tags: []string{"a"}, Version: &v, Status: "ok", Versions: []versionEntry{{Version: v, Created: time.Unix(int64(i), 0).UTC()}},
		})
	}
	for _, terminal := range []bool{false, true} {
		var one, parts bytes.Buffer
		a := &App{Terminal: func(any) bool { return terminal }}
		a.Out = &one
		if err := a.writeJSON(list); err != nil {
			t.Fatal(err)
		}
		a.Out = &parts
		if err := writeJSONList(a, list); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(one.Bytes(), parts.Bytes()) {
			t.Errorf("terminal %v: writeJSONList wrote %d bytes, writeJSON %d, not the same", terminal, parts.Len(), one.Len())
		}
		if indented := bytes.Contains(parts.Bytes(), []byte("\n  {")); indented != terminal {
			t.Errorf("terminal %v: indented %v", terminal, indented)
		}
	}
}
