package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A secret set by another process shows at the next look, the selection
// staying on the same secret; a look that finds nothing changed reads
// nothing.
func TestChangesByAnotherProcessShowAtTheNextLook(t *testing.T) {
	h := newHarness(t, 120, 30)
	time.Sleep(2 * racyWithin) // the store's fresh stamps become trustworthy
	h.fire(liveEvery)
	h.keys("j", "j")
	if got := h.selectedPath(); got != "dev/api/token" {
		t.Fatalf("selected %s", got)
	}
	before := &h.m.inv.all[0]
	h.fire(liveEvery)
	if &h.m.inv.all[0] != before {
		t.Fatal("a look at an unchanged store read the inventory again")
	}
	h.setBehindTheBack("prod/aaa/token", 60) // overdue: the new first row
	h.fire(liveEvery)
	if got := h.shownPaths(); !strings.HasPrefix(got, "prod/aaa/token ") {
		t.Fatalf("the new secret does not show: %s", got)
	}
	if got := h.selectedPath(); got != "dev/api/token" {
		t.Fatalf("after the reload the selection moved to %s", got)
	}
	h.keys("enter") // an open secret is live too
	h.setBehindTheBack("dev/api/token", 0)
	h.fire(liveEvery)
	if view := h.m.View(); !strings.Contains(view, "v2") {
		t.Fatalf("the open secret does not show its new version:\n%s", view)
	}
}

// The watch sees a secret written, a folder added and a file removed, and
// nothing when nothing changed.
func TestStoreWatchSeesWhatChanged(t *testing.T) {
	dir := t.TempDir()
	mkdir := func(name string) {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name string) {
		tmp := filepath.Join(dir, name+".tmp")
		if err := os.WriteFile(tmp, []byte(name), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	mkdir("secrets/prod/db")
	mkdir("runbooks")
	write("recipients.yaml")
	write("secrets/prod/db/password.yaml")
	w := newStoreWatch(dir)
	settle := func() { time.Sleep(2 * racyWithin) }
	look := func(what string, want bool) {
		t.Helper()
		if got := w.changed(); got != want {
			t.Fatalf("%s: changed = %v", what, got)
		}
	}
	settle()
	look("the first look", false)
	look("nothing changed", false)
	for _, change := range []struct {
		what string
		do   func()
	}{
		{"a secret written", func() { write("secrets/prod/db/password.yaml") }},
		{"a new folder deep down", func() { mkdir("secrets/prod/kafka/sasl"); write("secrets/prod/kafka/sasl/key.yaml") }},
		{"a secret removed", func() { os.Remove(filepath.Join(dir, "secrets/prod/db/password.yaml")) }},
		{"the members changed", func() { write("recipients.yaml") }},
		{"a runbook added", func() { write("runbooks/db.yaml") }},
	} {
		change.do()
		look(change.what, true)
		settle()
		w.changed() // the stamp too recent to be trusted is taken again
		look(change.what+", then nothing", false)
	}
}

// TestTheFirstLookSeesChangesDuringTheLoad: the watch takes its first note
// after the inventory shows, so a change made while the inventory was read
// (after the load started) is reported, and nothing older is.
func TestTheFirstLookSeesChangesDuringTheLoad(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "secrets/prod/db"), 0o700); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * racyWithin)
	loadStarted := time.Now()
	if changed, _ := newStoreWatch(dir).firstLook(loadStarted); changed {
		t.Fatal("a store unchanged since the load started is reported changed")
	}
	time.Sleep(10 * time.Millisecond)
	if err := os.MkdirAll(filepath.Join(dir, "secrets/prod/kafka"), 0o700); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * racyWithin)
	if changed, _ := newStoreWatch(dir).firstLook(loadStarted); !changed {
		t.Fatal("a folder made while the inventory was read is not reported")
	}
}
