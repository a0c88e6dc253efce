package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/internal/tmuxdrive"
)

// TestDemoClosedTerminalLeavesNothing: closing the terminal of `cabinet
// demo` (SIGHUP) cleans up as q does: its throwaway store is removed.
func TestDemoClosedTerminalLeavesNothing(t *testing.T) {
	u := newUser(t)
	tmp := filepath.Join(u.home, "tmp")
	p := tmuxdrive.Start(t, 100, 30, u.env, u.home, binary, "demo")
	p.WaitFor("prod/", screenWait)
	if left, _ := filepath.Glob(filepath.Join(tmp, "cabinet-demo-*")); len(left) != 1 {
		t.Fatalf("the demo's store is not in TMPDIR: %v", left)
	}
	p.Hangup()
	deadline := time.Now().Add(10 * time.Second)
	for {
		left, _ := filepath.Glob(filepath.Join(tmp, "cabinet-demo-*"))
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo's store is left after the terminal closed: %v", left)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
