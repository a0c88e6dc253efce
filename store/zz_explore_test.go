package store

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

func TestZZExplore(t *testing.T) {
	g, _ := crypto.GenerateIdentity()
	s, err := Init(t.TempDir(), "alice", g.Public)
	if err != nil {
		t.Fatal(err)
	}
	a := Act{Actor: "alice", Now: time.Now()}
	if _, _, err := s.SetValue("prod/db/pw", []byte("x"), a, func(sec *inventory.Secret, c bool) error { sec.Owner = "team-0000"; return nil }); err != nil {
		t.Fatal(err)
	}
	stale, reuse, sameM := 0, 0, 0
	for i := 0; i < 300; i++ {
		if _, _, err := s.List(); err != nil {
			t.Fatal(err)
		}
		fi0, _ := os.Stat(s.secretFile("prod/db/pw"))
		st0 := stampOf(fi0)
		own1 := fmt.Sprintf("team-%04d", (2*i+1)%10000)
		own2 := fmt.Sprintf("team-%04d", (2*i+2)%10000)
		s.Edit("prod/db/pw", a, func(sec *inventory.Secret) error { sec.Owner = own1; return nil })
		s.Edit("prod/db/pw", a, func(sec *inventory.Secret) error { sec.Owner = own2; return nil })
		fi2, _ := os.Stat(s.secretFile("prod/db/pw"))
		st2 := stampOf(fi2)
		if st2.Ino == st0.Ino {
			reuse++
		}
		if st2.ModNano == st0.ModNano {
			sameM++
		}
		secs, _, _ := s.List()
		if secs[0].Owner != own2 {
			stale++
		}
	}
	t.Logf("stale=%d inode reuse=%d same mtime=%d", stale, reuse, sameM)
}
