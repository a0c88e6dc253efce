package inventory

import (
	"testing"
	"time"
)

func states(s *Secret) string {
	out := ""
	for _, v := range s.Versions {
		out += string(rune('0'+v.Number)) + ":" + string(v.State) + " "
	}
	return out
}

func TestPromoteAndUnrotate(t *testing.T) {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	s := &Secret{Path: "prod/db/password", Owner: "x"}
	s.AddCurrent("c1", "a", now)
	s.AddCurrent("c2", "a", now)
	s.AddCurrent("c3", "a", now)
	s.Exposures = []Exposure{{Member: "bob", At: now}}
	v, err := s.AddPending("c4", "a", now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddPending("c5", "a", now); err == nil {
		t.Fatal("a second pending version was added")
	}
	before := states(s)
	if err := s.Unrotate(v.Number); err != nil || states(s) != "3:current 2:previous 1:retired " {
		t.Fatalf("unrotate pending: %v %s", err, states(s))
	}
	v, _ = s.AddPending("c4", "a", now)
	if states(s) != before {
		t.Fatalf("%s, want %s", states(s), before)
	}
	if _, err := s.Promote(); err != nil || states(s) != "4:current 3:previous 2:retired 1:retired " || s.Exposures != nil {
		t.Fatalf("promote: %v %s %v", err, states(s), s.Exposures)
	}
	if _, err := s.Promote(); err == nil {
		t.Fatal("promoted without a pending version")
	}
	if err := s.Unrotate(v.Number); err != nil || states(s) != "3:current 2:previous 1:retired " {
		t.Fatalf("unrotate promoted: %v %s", err, states(s))
	}
}
