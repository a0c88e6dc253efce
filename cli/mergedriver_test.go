package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// driverFiles writes the three files Git hands the merge driver and
// returns their names.
func driverFiles(t *testing.T, base, ours, theirs string) (o, a, b string) {
	t.Helper()
	dir := t.TempDir()
	names := []string{filepath.Join(dir, ".merge_file_O"), filepath.Join(dir, ".merge_file_A"), filepath.Join(dir, ".merge_file_B")}
	for i, content := range []string{base, ours, theirs} {
		if err := os.WriteFile(names[i], []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return names[0], names[1], names[2]
}

func TestMergeDriver(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.setup()
	file := filepath.Join(e.store(), "secrets", "prod", "db", "password.yaml")
	read := func() string {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	e.must("first", "set", "prod/db/password", "--owner", "data-platform")
	base := read()
	e.now = fixedNow.Add(time.Hour)
	e.must("ours", "set", "prod/db/password")
	ours := read()
	if err := os.WriteFile(file, []byte(base), 0o600); err != nil {
		t.Fatal(err)
	}
	e.now = fixedNow.Add(2 * time.Hour)
	e.must("theirs", "set", "prod/db/password")
	theirs := read()

	// A clean merge: the result over ours, the conflict said on stderr,
	// exit 0.
	o, a, b := driverFiles(t, base, ours, theirs)
	r := e.run("", "merge-driver", o, a, b, "secrets/prod/db/password.yaml")
	if r.code != ExitOK || !strings.Contains(r.err, "prod/db/password: both sides changed it") || !strings.Contains(r.err, "cabinet resolve prod/db/password") {
		t.Fatalf("merge-driver: exit %d, stderr %q", r.code, r.err)
	}
	data, _ := os.ReadFile(a)
	merged := string(data)
	for _, want := range []string{"  - version: 3\n    sealed_as: 2\n    state: current\n", "  - version: 2\n    state: conflict\n"} {
		if !strings.Contains(merged, want) {
			t.Errorf("the result lacks %q:\n%s", want, merged)
		}
	}
	// The merged file is one the store reads: both values.
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := e.must("", "get", "prod/db/password").out; got != "theirs" {
		t.Errorf("get = %q, want the later value", got)
	}
	if got := e.must("", "get", "prod/db/password#2").out; got != "ours" {
		t.Errorf("get #2 = %q, want ours", got)
	}

	// Without %P: told by its content, the same result.
	o, a, b = driverFiles(t, base, theirs, ours)
	e.must("", "merge-driver", o, a, b)
	if data, _ := os.ReadFile(a); string(data) != merged {
		t.Errorf("the merge the other way, without %%P:\n%s\nwant:\n%s", data, merged)
	}

	// A side it cannot read: exit 5 in one line, ours left as it was.
	o, a, b = driverFiles(t, base, ours, theirs[:len(theirs)/3])
	r = e.run("", "merge-driver", o, a, b, "secrets/prod/db/password.yaml")
	oneLine(t, "a truncated side", r, ExitCorrupt, "cannot merge secrets/prod/db/password.yaml", "theirs")
	if data, _ := os.ReadFile(a); string(data) != ours {
		t.Errorf("a failed merge changed ours:\n%s", data)
	}

	// Not a file of cabinet's: refused.
	o, a, b = driverFiles(t, "", "name: x\n", "name: y\n")
	oneLine(t, "a runbook", e.run("", "merge-driver", o, a, b, "runbooks/x.yaml"), ExitFailed, "runbooks/x.yaml", "not this file")

	// recipients.yaml with a key clash: merged, the clash recorded in the
	// file (no markers), said on stderr with how to settle it; exit 0, so
	// that the merge goes through.
	rb := "members:\n  alice: age1alice\nscopes:\n  '*': [alice]\n"
	o, a, b = driverFiles(t, rb, strings.Replace(rb, "age1alice", "age1alice-new", 1), strings.Replace(rb, "age1alice", "age1alice-other", 1))
	r = e.run("", "merge-driver", o, a, b, "recipients.yaml")
	if r.code != ExitOK || !strings.Contains(r.err, "alice has a different key on each side") || !strings.Contains(r.err, "cabinet members resolve") {
		t.Errorf("a key clash: exit %d, stderr %q", r.code, r.err)
	}
	if data, _ := os.ReadFile(a); !strings.Contains(string(data), "alice: age1alice-other\n") || !strings.Contains(string(data), "conflicts:") || strings.Contains(string(data), "<<<<") {
		t.Errorf("the clash's file:\n%s", data)
	}

	// It is for Git: not in the help.
	if strings.Contains(e.must("", "--help").out, "merge-driver") {
		t.Errorf("merge-driver is listed in the help")
	}
}
