package inventory_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

func TestChainHash(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"":    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"abc": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	}
	for line, want := range tests {
		if got := inventory.ChainHash([]byte(line)); got != want {
			t.Errorf("ChainHash(%q) = %s, want %s", line, got, want)
		}
	}
}

// TestChainHashDetectsChanges builds a small log the way the audit file is
// written and checks that removing or altering a line breaks the chain.
func TestChainHashDetectsChanges(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	var lines [][]byte
	prev := ""
	for i, action := range []string{inventory.ActionSet, inventory.ActionRead, inventory.ActionEdit} {
		line, err := json.Marshal(inventory.Event{
			Time: at.Add(time.Duration(i) * time.Minute), Actor: "alice", Action: action,
			Path: "prod/db/password", Version: 1, Outcome: inventory.OutcomeOK, Prev: prev,
		})
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line)
		prev = inventory.ChainHash(line)
	}
	if !chainOK(lines) {
		t.Fatal("an untouched log does not verify")
	}
	if chainOK([][]byte{lines[0], lines[2]}) {
		t.Error("a removed line went unnoticed")
	}
	altered := [][]byte{lines[0], bytes.Replace(lines[1], []byte(`"read"`), []byte(`"edit"`), 1), lines[2]}
	if chainOK(altered) {
		t.Error("an altered line went unnoticed")
	}
	if !strings.Contains(string(lines[0]), `"prev":""`) {
		t.Errorf("the first line should carry an empty prev: %s", lines[0])
	}
}

func chainOK(lines [][]byte) bool {
	prev := ""
	for _, l := range lines {
		var e inventory.Event
		if json.Unmarshal(l, &e) != nil || e.Prev != prev {
			return false
		}
		prev = inventory.ChainHash(l)
	}
	return true
}

// Every line carries the fields DESIGN.md lists, path and version even when
// no one secret or version is concerned, so that reports read one schema.
func TestEventJSONHasEveryField(t *testing.T) {
	t.Parallel()
	line, err := json.Marshal(inventory.Event{Time: time.Unix(0, 0).UTC(), Actor: "bob", Action: inventory.ActionMemberAdd, Outcome: inventory.OutcomeOK})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"time":"1970-01-01T00:00:00Z","actor":"bob","action":"member-add","path":"","version":0,"outcome":"ok","prev":""}`
	if string(line) != want {
		t.Errorf("event JSON = %s, want %s", line, want)
	}
}

func TestHints(t *testing.T) {
	t.Parallel()
	if inventory.WithHint(nil, "do something") != nil {
		t.Error("WithHint(nil) is not nil")
	}
	base := fmt.Errorf("cannot read it: %w", fs.ErrNotExist)
	err := inventory.WithHint(base, "check the path")
	if err.Error() != base.Error() {
		t.Errorf("the hint changed the message: %q", err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("the hinted error does not unwrap")
	}
	if got := inventory.HintOf(err); got != "check the path" {
		t.Errorf("HintOf = %q", got)
	}
	if got := inventory.HintOf(fmt.Errorf("outer: %w", err)); got != "check the path" {
		t.Errorf("HintOf through a wrap = %q", got)
	}
	if got := inventory.HintOf(inventory.WithHint(err, "outer hint")); got != "outer hint" {
		t.Errorf("HintOf = %q, want the outermost hint", got)
	}
	if got := inventory.HintOf(base); got != "" {
		t.Errorf("HintOf an error without hint = %q", got)
	}
	if got := inventory.HintOf(nil); got != "" {
		t.Errorf("HintOf(nil) = %q", got)
	}
}
