package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRecipientsClashIsRecorded: two clones give one new member different
// keys and sync. The merge goes through with the clash recorded in
// recipients.yaml (no markers, the same file on both), nothing is sealed
// until it is settled (exit 6, saying how), members ls and doctor say so,
// and after `members resolve` the store works again on both clones.
func TestRecipientsClashIsRecorded(t *testing.T) {
	t.Parallel()
	u := gitUser(t)
	_, clones := u.sharedStore(func(shared string) {
		u.in(shared, "first", "set", "prod/db/password", "--owner", "data-platform")
	}, "one", "two")
	one, two := clones[0], clones[1]

	key := func(name string) string {
		return strings.TrimSpace(u.must("", "identity", "new", "--file", filepath.Join(u.home, name+".txt")).out)
	}
	u.in(one, "", "members", "add", "bob", key("bob-laptop"))
	u.in(two, "", "members", "add", "bob", key("bob-phone"))
	u.in(one, "", "sync")
	r := u.in(two, "", "sync")
	if !strings.Contains(r.err, "bob has a different key on each side") || !strings.Contains(r.err, "members resolve") {
		t.Errorf("the sync that merged the clash says %q", r.err)
	}
	u.in(one, "", "sync")
	if recipients := sameTrees(t, one, two)["recipients.yaml"]; !strings.Contains(recipients, "conflicts:") {
		t.Fatalf("recipients.yaml after the merge records no clash:\n%s", recipients)
	}

	refused := u.run("new", "--store", two, "set", "prod/db/password")
	if refused.code != 6 || strings.Count(strings.TrimSpace(refused.err), "\n") != 0 || !strings.Contains(refused.err, "members resolve") {
		t.Errorf("a set while recipients.yaml is in conflict: exit %d, %q", refused.code, refused.err)
	}
	if r := u.in(two, "", "members", "ls"); !strings.Contains(r.err, "bob has a different key") {
		t.Errorf("members ls does not warn: %q", r.err)
	}
	if r := u.run("", "--store", two, "doctor"); r.code == 0 || !strings.Contains(r.out+r.err, "recipients.yaml: members: bob") {
		t.Errorf("doctor with the clash: exit %d\n%s%s", r.code, r.out, r.err)
	}

	u.in(two, "", "members", "resolve")
	if subject := u.git(two, "log", "-1", "--format=%s"); subject != "members: settle the merge's conflicts" {
		t.Errorf("the settling commit is %q", subject)
	}
	u.in(two, "new", "set", "prod/db/password")
	u.in(two, "", "sync")
	u.in(one, "", "sync")
	if got := u.in(one, "", "get", "prod/db/password").out; got != "new" {
		t.Errorf("after settling, one reads %q", got)
	}
	if strings.Contains(tree(t, one)["recipients.yaml"], "conflicts:") {
		t.Error("the clash is still recorded after it was settled and synced")
	}
}
