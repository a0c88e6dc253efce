package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fileUser is a user whose identity is a file, with a store of theirs.
func fileUser(t *testing.T) *user {
	t.Helper()
	u := newUser(t)
	idFile := filepath.Join(u.home, "identity.txt")
	u.env = append(u.env, "CABINET_IDENTITY_FILE="+idFile)
	u.must("", "identity", "new", "--file", idFile)
	u.must("", "init", "--member", "alice")
	return u
}

// TestConcurrentProcessesKeepTheChain: several processes of one member at
// once (pipelines reading, a teammate's shell setting) append to one log;
// no line is lost or torn, and the chain holds.
func TestConcurrentProcessesKeepTheChain(t *testing.T) {
	t.Parallel()
	u := fileUser(t)
	u.must("first-value-x1", "set", "prod/db/password", "--owner", "data")
	const readers, reads, sets = 6, 10, 8
	var wg sync.WaitGroup
	for range readers {
		wg.Go(func() {
			for range reads {
				u.must("", "get", "prod/db/password")
			}
		})
	}
	wg.Go(func() {
		for i := range sets {
			u.must(fmt.Sprintf("value-%d-xyzxyz", i), "set", fmt.Sprintf("prod/app/key%d", i), "--owner", "web")
		}
	})
	wg.Wait()
	r := u.must("", "audit", "verify")
	want := 2 + readers*reads + sets // member-add, the first set
	if !strings.Contains(r.out, fmt.Sprintf("ok       audit/alice.jsonl: %d lines", want)) {
		t.Errorf("audit verify:\n%s", r.out)
	}
	if n := strings.Count(u.must("", "audit", "--json", "--action", "read").out, "\n"); n != readers*reads {
		t.Errorf("%d reads in the log, want %d", n, readers*reads)
	}
	data, err := os.ReadFile(filepath.Join(u.home, "store", "audit", "alice.jsonl"))
	if err != nil || strings.Contains(string(data), "value-") || strings.Contains(string(data), "first-value") {
		t.Errorf("a value in the log, or no log: %v", err)
	}
}
