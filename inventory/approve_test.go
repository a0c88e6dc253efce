package inventory_test

import (
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
)

// TestMayApprove: approve: NAME takes that member; approve: owner takes the
// owner when the owner is a member, else any reader of the scope but the
// one who started the rotation.
func TestMayApprove(t *testing.T) {
	r := inventory.Recipients{
		Members: map[string]string{"alice": "k1", "bob": "k2", "carol": "k3"},
		Scopes:  map[string][]string{"*": {"alice"}, "prod/": {"alice", "bob"}},
	}
	sec := func(owner string) *inventory.Secret {
		return &inventory.Secret{Path: "prod/db/password", Owner: owner, Rotating: &inventory.Rotating{By: "alice"}}
	}
	named := &inventory.Runbook{Approve: "carol"}
	owner := &inventory.Runbook{Approve: inventory.ApproveOwner}
	for _, tt := range []struct {
		rb     *inventory.Runbook
		sec    *inventory.Secret
		member string
		want   bool
		who    string
	}{
		{named, sec("data-platform"), "carol", true, "carol"},
		{named, sec("data-platform"), "bob", false, "carol"},
		{owner, sec("bob"), "bob", true, "bob (the owner)"},
		{owner, sec("bob"), "alice", false, "bob (the owner)"},
		{owner, sec("data-platform"), "bob", true, "other than alice"},
		{owner, sec("data-platform"), "alice", false, "other than alice"}, // four eyes
		{owner, sec("data-platform"), "carol", false, "other than alice"}, // not in prod/
	} {
		got, who := inventory.MayApprove(tt.rb, tt.sec, r, tt.member)
		if got != tt.want || !strings.Contains(who, tt.who) {
			t.Errorf("MayApprove(%s, owner %s, %s) = %v, %q; want %v, %q", tt.rb.Approve, tt.sec.Owner, tt.member, got, who, tt.want, tt.who)
		}
	}
}
