package store

import (
	"fmt"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
)

// BenchmarkReadMany10 reads 10 values as one job's references.
func BenchmarkReadMany10(b *testing.B) {
	alice := newMember(b, "alice")
	s := newStore(b, alice)
	var reqs []ReadRequest
	for i := range 10 {
		p := fmt.Sprintf("prod/app/key%d", i)
		mustSet(b, s, p, []byte(fmt.Sprintf("value-%02d-xyzxyzxyz", i)), day("alice", 1))
		reqs = append(reqs, ReadRequest{Path: p})
	}
	b.ResetTimer()
	for range b.N {
		if _, err := s.ReadMany(inventory.ActionRun, "bench", reqs, alice.ID, day("alice", 2)); err != nil {
			b.Fatal(err)
		}
	}
}
