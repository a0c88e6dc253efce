package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestThreeClonesSyncEveryWay: three clones of one store change things at
// once (a rotation on one, a set of the same secret and an edit of its
// metadata on another, metadata of a second secret on two of them, a new
// secret on the third) and sync in turn, every clone more than once. All
// three end on the same commit with the same files, every value any of
// them made is still there and readable, the clashing values are in
// conflict, both metadata edits are kept, and no file holds a conflict
// marker.
func TestThreeClonesSyncEveryWay(t *testing.T) {
	t.Parallel()
	u := gitUser(t)
	_, clones := u.sharedStore(func(shared string) {
		u.in(shared, "first", "set", "prod/db/password", "--owner", "data-platform", "--every", "90d")
		u.in(shared, "key-1", "set", "prod/api/key", "--owner", "web")
	}, "one", "two", "three")
	one, two, three := clones[0], clones[1], clones[2]

	u.in(one, "rotated-by-one", "rotate", "prod/db/password", "--value-stdin", "--yes")
	u.in(one, "", "edit", "prod/api/key", "--owner", "team-one")
	time.Sleep(1100 * time.Millisecond) // two's value is the later one
	u.in(two, "set-by-two", "set", "prod/db/password")
	u.in(two, "", "edit", "prod/db/password", "--description", "from two")
	u.in(three, "", "edit", "prod/api/key", "--description", "from three")
	u.in(three, "made-by-three", "set", "dev/app/token", "--owner", "growth")

	for _, c := range []string{one, two, three, one, two} {
		u.in(c, "", "sync")
	}
	head := u.git(one, "rev-parse", "HEAD")
	for _, c := range clones {
		if h := u.git(c, "rev-parse", "HEAD"); h != head {
			t.Fatalf("%s is at %s, %s at %s", filepath.Base(c), h, filepath.Base(one), head)
		}
	}
	files := sameTrees(t, clones...)

	// Every value made anywhere is there, in every clone.
	var show struct {
		Status   string `json:"status"`
		Versions []struct {
			Version int    `json:"version"`
			State   string `json:"state"`
		} `json:"versions"`
	}
	if err := json.Unmarshal([]byte(u.in(three, "", "show", "prod/db/password", "--json").out), &show); err != nil {
		t.Fatal(err)
	}
	if show.Status != "conflict" {
		t.Errorf("prod/db/password is %q after concurrent new values, want conflict", show.Status)
	}
	for _, c := range clones {
		var values []string
		for _, v := range show.Versions {
			values = append(values, u.in(c, "", "get", fmt.Sprintf("prod/db/password#%d", v.Version)).out)
		}
		slices.Sort(values)
		if strings.Join(values, " ") != "first rotated-by-one set-by-two" {
			t.Errorf("the values of prod/db/password in %s are %q", filepath.Base(c), values)
		}
		if got := u.in(c, "", "get", "dev/app/token").out; got != "made-by-three" {
			t.Errorf("dev/app/token in %s is %q", filepath.Base(c), got)
		}
	}
	key := files[filepath.Join("secrets", "prod", "api", "key.yaml")]
	for _, want := range []string{"owner: team-one\n", "description: from three\n"} {
		if !strings.Contains(key, want) {
			t.Errorf("prod/api/key lacks %q after the merge:\n%s", want, key)
		}
	}
	if !strings.Contains(files[filepath.Join("secrets", "prod", "db", "password.yaml")], "description: from two\n") {
		t.Error("prod/db/password lost two's description")
	}
	// The same member wrote to one log on three clones: the merged log
	// forks and joins, and verifies on each clone, Git history included.
	log := files[filepath.Join("audit", "alice.jsonl")]
	if !strings.Contains(log, `"action":"join"`) {
		t.Errorf("the merged log has no join line:\n%s", log)
	}
	for _, c := range clones {
		if r := u.in(c, "", "audit", "verify"); !strings.Contains(r.out, "ok       Git history") || strings.Contains(r.out, "TAMPERED") {
			t.Errorf("audit verify in %s:\n%s", filepath.Base(c), r.out)
		}
	}
}
