package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// writeLogs writes n events over members' logs, chained as Audit writes
// them, without Audit's lock and tail read for each line.
func writeLogs(tb testing.TB, s *Store, members []string, n int) {
	tb.Helper()
	bufs := map[string]*bytes.Buffer{}
	prev := map[string]string{}
	for i := range n {
		who := members[i%len(members)]
		e := inventory.Event{Time: t0.Add(time.Duration(i) * time.Minute), Actor: who, Action: inventory.ActionRead,
			Path: fmt.Sprintf("prod/app%02d/db%03d/password", i%50, i%997), Version: 1 + i%4, Outcome: inventory.OutcomeOK, Prev: prev[who]}
		line, err := json.Marshal(e)
		if err != nil {
			tb.Fatal(err)
		}
		if bufs[who] == nil {
			bufs[who] = &bytes.Buffer{}
		}
		bufs[who].Write(append(line, '\n'))
		prev[who] = inventory.ChainHash(line)
	}
	for who, buf := range bufs {
		if err := os.WriteFile(filepath.Join(s.Dir, "audit", who+".jsonl"), buf.Bytes(), 0o600); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkVerifyAudit100k verifies 100,000 events in the logs of 12
// members (the target of `cabinet audit verify`: under 1 s), and lists
// the last 30 days of them as `cabinet audit --since 30d` does.
func BenchmarkVerifyAudit100k(b *testing.B) {
	alice := newMember(b, "alice")
	s := newStore(b, alice)
	members := []string{"alice", "ana", "ben", "chloe", "dev", "eli", "fatima", "gus", "hana", "ivan", "jo", "kai"}
	writeLogs(b, s, members, 100000)
	b.Run("verify", func(b *testing.B) {
		for range b.N {
			v, err := s.VerifyAudit()
			if err != nil || v.Tampered() || len(v.Logs) != len(members) {
				b.Fatalf("%+v, %v", v, err)
			}
		}
	})
	b.Run("list30d", func(b *testing.B) {
		since := t0.Add(100000*time.Minute - 30*24*time.Hour)
		for range b.N {
			events, err := s.Events(inventory.Filter{Since: since})
			if err != nil || len(events) != 30*24*60 {
				b.Fatalf("%d events, %v", len(events), err)
			}
		}
	})
}
