package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

// badStore is the store each bad-input case starts from: two good secrets,
// one with two versions, and bob as a member of no scope.
type badStore struct {
	*Store
	alice, carol member
}

func newBadStore(t *testing.T) badStore {
	t.Helper()
	alice, carol := newMember(t, "alice"), newMember(t, "carol")
	s := newStore(t, alice)
	mustSet(t, s, "prod/db/password", []byte("p-one"), day("alice", 0))
	mustSet(t, s, "prod/db/password", []byte("p-two"), day("alice", 1))
	mustSet(t, s, "dev/api/token", []byte("t-one"), day("alice", 1))
	if _, _, err := s.List(); err != nil { // the cache exists, as in daily use
		t.Fatal(err)
	}
	return badStore{Store: s, alice: alice, carol: carol}
}

func (b badStore) write(t *testing.T, rel string, data []byte) {
	t.Helper()
	name := filepath.Join(b.Dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(name), dirPerm); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, filePerm); err != nil {
		t.Fatal(err)
	}
}

func (b badStore) read(t *testing.T, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(b.Dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// ops that each bad input is tried with.
type badOp struct {
	name string
	run  func(b badStore) error
}

func opRead(path string, sel inventory.Selector) badOp {
	return badOp{"read " + path + sel.String(), func(b badStore) error {
		_, _, err := b.Read(path, sel, b.alice.ID, day("alice", 10))
		return err
	}}
}

func opSet(path string, value []byte) badOp {
	return badOp{fmt.Sprintf("set %s (%d bytes)", path, len(value)), func(b badStore) error {
		_, _, err := b.SetValue(path, value, day("alice", 10), ownerIfNew)
		return err
	}}
}

func opEdit(path string) badOp {
	return badOp{"edit " + path, func(b badStore) error {
		_, err := b.Edit(path, day("alice", 10), func(sec *inventory.Secret) error {
			sec.Description = "changed"
			return nil
		})
		return err
	}}
}

func opRemove(path string) badOp {
	return badOp{"remove " + path, func(b badStore) error { return b.Remove(path, day("alice", 10)) }}
}

// TestBadInput tries each bad input with the operations it concerns. Each
// must fail with the right sentinel and a one-line error naming the path or
// the file, and leave every file of the store (bytes and mode) as it was.
// The cache is left out of the comparison (it only holds metadata and is
// rebuilt from the files), and the audit log only where the operation
// legitimately records the failure: a read refused for the identity
// ("denied") or failed on a tampered value ("failed"); there, exactly one
// line must have been appended.
func TestBadInput(t *testing.T) {
	const bad = "secrets/prod/bad/yaml.yaml"
	var invalid []badOp
	for _, p := range []string{"../x", "Prod/x", "prod/../x", "/prod/x", "prod//x", "prod/x/", "prod", "qa/db/x",
		"prod/a\x00b", "prod/a\nb", "prod/.hidden", "prod/a b", strings.Repeat("prod/", 8) + "x"} {
		invalid = append(invalid, opSet(p, []byte("v")), opRead(p, inventory.Selector{}), opEdit(p), opRemove(p))
	}
	cases := []struct {
		name    string
		setup   func(t *testing.T, b badStore)
		ops     []badOp
		want    error
		mention func(op badOp) []string
		// outcome of the audit line the op appends, "" for none
		audit string
	}{{
		name: "malformed yaml",
		setup: func(t *testing.T, b badStore) {
			b.write(t, bad, []byte("cabinet: 1\npath: prod/bad/yaml\nowner: [unclosed\nversions: []\n"))
		},
		ops:     []badOp{opRead("prod/bad/yaml", inventory.Selector{}), opSet("prod/bad/yaml", []byte("v")), opEdit("prod/bad/yaml")},
		want:    ErrCorrupt,
		mention: func(badOp) []string { return []string{bad} },
	}, {
		name: "truncated in the armor",
		setup: func(t *testing.T, b badStore) {
			data := b.read(t, "secrets/prod/db/password.yaml")
			begin := bytes.Index(data, []byte("-----BEGIN AGE ENCRYPTED FILE-----"))
			b.write(t, "secrets/prod/db/password.yaml", data[:begin+100])
		},
		ops:     []badOp{opRead("prod/db/password", inventory.Selector{}), opSet("prod/db/password", []byte("v")), opEdit("prod/db/password")},
		want:    ErrCorrupt,
		mention: func(badOp) []string { return []string{"secrets/prod/db/password.yaml", "truncated"} },
	}, {
		name: "path disagrees with location",
		setup: func(t *testing.T, b badStore) {
			b.write(t, "secrets/prod/db/other.yaml", b.read(t, "secrets/prod/db/password.yaml"))
		},
		ops:     []badOp{opRead("prod/db/other", inventory.Selector{}), opSet("prod/db/other", []byte("v")), opEdit("prod/db/other")},
		want:    ErrCorrupt,
		mention: func(badOp) []string { return []string{"secrets/prod/db/other.yaml", "path", "prod/db/password"} },
	}, {
		name:  "invalid path",
		setup: func(*testing.T, badStore) {},
		ops:   invalid,
		mention: func(op badOp) []string {
			_, p, _ := strings.Cut(op.name, " ")
			p, _, _ = strings.Cut(p, " (")
			p = strings.TrimSuffix(p, "@current")
			return []string{"invalid secret path", fmt.Sprintf("%q", p)}
		},
	}, {
		name:  "value over 1 MiB",
		setup: func(*testing.T, badStore) {},
		ops: []badOp{
			opSet("prod/db/password", make([]byte, crypto.MaxValueSize+1)),
			opSet("prod/db/new", bytes.Repeat([]byte("x"), crypto.MaxValueSize+1)),
		},
		want: crypto.ErrTooLarge,
		mention: func(op badOp) []string {
			_, p, _ := strings.Cut(op.name, " ")
			p, _, _ = strings.Cut(p, " ")
			return []string{p, "1 MiB"}
		},
	}, {
		name:  "empty value",
		setup: func(*testing.T, badStore) {},
		ops:   []badOp{opSet("prod/db/password", nil), opSet("prod/db/password", []byte{}), opSet("prod/db/new", []byte{})},
		want:  ErrEmptyValue,
		mention: func(op badOp) []string {
			_, p, _ := strings.Cut(op.name, " ")
			p, _, _ = strings.Cut(p, " ")
			return []string{p}
		},
	}, {
		name:  "someone else's identity",
		setup: func(*testing.T, badStore) {},
		ops: []badOp{{"carol reads prod/db/password", func(b badStore) error {
			_, _, err := b.Read("prod/db/password", inventory.Selector{}, b.carol.ID, day("carol", 10))
			return err
		}}},
		want:    crypto.ErrNoMatch,
		mention: func(badOp) []string { return []string{"prod/db/password", "secrets/prod/db/password.yaml"} },
		audit:   inventory.OutcomeDenied,
	}, {
		name:    "tampered ciphertext",
		setup:   func(t *testing.T, b badStore) { tamperFile(t, b.Store, "prod/db/password") },
		ops:     []badOp{opRead("prod/db/password", inventory.Selector{})},
		want:    crypto.ErrTampered,
		mention: func(badOp) []string { return []string{"prod/db/password", "secrets/prod/db/password.yaml"} },
		audit:   inventory.OutcomeFailed,
	}, {
		name:  "missing secret",
		setup: func(*testing.T, badStore) {},
		ops: []badOp{opRead("prod/db/missing", inventory.Selector{}), opEdit("prod/db/missing"), opRemove("prod/db/missing"),
			opRead("prod/db/password", inventory.Selector{Number: 7}), opRead("prod/db/password", inventory.Selector{State: inventory.Pending})},
		want: ErrNotFound,
		mention: func(op badOp) []string {
			_, p, _ := strings.Cut(op.name, " ")
			p, _, _ = strings.Cut(p, "@")
			p, _, _ = strings.Cut(p, "#")
			return []string{p}
		},
	}, {
		name: "dropped value",
		setup: func(t *testing.T, b badStore) {
			data := b.read(t, "secrets/prod/db/password.yaml")
			sec, err := ParseSecret(data, "prod/db/password", b.Config.Environments)
			if err != nil {
				t.Fatal(err)
			}
			sec.Versions[1].State, sec.Versions[1].Value = inventory.Retired, ""
			data, _ = FormatSecret(sec)
			b.write(t, "secrets/prod/db/password.yaml", data)
		},
		ops:     []badOp{opRead("prod/db/password", inventory.Selector{Number: 1})},
		want:    ErrNotFound,
		mention: func(badOp) []string { return []string{"prod/db/password", "version 1"} },
	}}
	for _, tc := range cases {
		for _, op := range tc.ops {
			t.Run(tc.name+"/"+op.name, func(t *testing.T) {
				b := newBadStore(t)
				tc.setup(t, b)
				skip := []string{skipCache}
				if tc.audit != "" {
					skip = append(skip, skipAudit)
				}
				before := snapshot(t, b.Dir, skip...)
				linesBefore := auditLines(t, b.Store, "alice", "carol")

				err := op.run(b)
				t.Logf("error: %v", err)
				assertErr(t, err, tc.want, tc.mention(op)...)
				if tc.want == nil && (errors.Is(err, ErrNotFound) || errors.Is(err, ErrCorrupt)) {
					t.Errorf("%v: wrong sentinel", err)
				}
				assertSameSnapshot(t, before, snapshot(t, b.Dir, skip...))

				linesAfter := auditLines(t, b.Store, "alice", "carol")
				if tc.audit == "" {
					return
				}
				if len(linesAfter) != len(linesBefore)+1 {
					t.Fatalf("audit lines %d -> %d, want one more", len(linesBefore), len(linesAfter))
				}
				var e inventory.Event
				if err := json.Unmarshal(linesAfter[len(linesAfter)-1], &e); err != nil {
					t.Fatal(err)
				}
				if e.Outcome != tc.audit || e.Action != inventory.ActionRead || e.Path != "prod/db/password" {
					t.Errorf("audit line %+v, want a %s read of prod/db/password", e, tc.audit)
				}
			})
		}
	}
}

// TestBadFileDoesNotStopOthers: with a corrupt file in the store, the other
// secrets are still read and written, and re-encryption reports the bad
// file and leaves it alone.
func TestBadFileDoesNotStopOthers(t *testing.T) {
	b := newBadStore(t)
	bob := newMember(t, "bob")
	addMember(t, b.Store, bob, b.alice)
	b.write(t, "secrets/prod/bad/yaml.yaml", []byte("cabinet: 1\npath: [\n"))
	badBytes := b.read(t, "secrets/prod/bad/yaml.yaml")

	mustSet(t, b.Store, "dev/api/token", []byte("t-two"), day("alice", 3))
	if v, _ := mustRead(t, b.Store, "prod/db/password", inventory.Selector{}, b.alice); string(v) != "p-two" {
		t.Errorf("read %q", v)
	}
	res, err := b.SetScope("*", []string{"alice", "bob"}, b.alice.ID, day("alice", 4))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) != 1 || res.Failed[0].Name != "secrets/prod/bad/yaml.yaml" || !errors.Is(res.Failed[0].Err, ErrCorrupt) {
		t.Errorf("failed = %v, want the bad file", res.Failed)
	}
	if strings.Join(res.Reencrypted, " ") != "dev/api/token prod/db/password" {
		t.Errorf("re-encrypted %v", res.Reencrypted)
	}
	if !bytes.Equal(b.read(t, "secrets/prod/bad/yaml.yaml"), badBytes) {
		t.Error("re-encryption rewrote the bad file")
	}
	mustRead(t, b.Store, "prod/db/password", inventory.Selector{Number: 1}, bob)
}

// TestLockHeld holds the writer lock from another goroutine, with its own
// handle on the store, as a second cabinet would: every writer waits
// lockWait, then fails with ErrLocked naming the lock, and changes nothing.
func TestLockHeld(t *testing.T) {
	defer func(w time.Duration) { lockWait = w }(lockWait)
	lockWait = 150 * time.Millisecond

	b := newBadStore(t)
	bob := newMember(t, "bob")
	release, done := holdLock(t, b.Dir)
	defer func() { close(release); <-done }()

	ops := []badOp{
		opSet("prod/db/password", []byte("v")), opSet("prod/db/new", []byte("v")), opEdit("prod/db/password"), opRemove("dev/api/token"),
		{"add member", func(b badStore) error {
			_, err := b.AddMember("bob", bob.Public, []string{"prod"}, b.alice.ID, day("alice", 9))
			return err
		}},
		{"remove member", func(b badStore) error { _, err := b.RemoveMember("alice", b.alice.ID, day("alice", 9)); return err }},
		{"set scope", func(b badStore) error {
			_, err := b.SetScope("*", []string{"alice"}, b.alice.ID, day("alice", 9))
			return err
		}},
		{"remove scope", func(b badStore) error { _, err := b.RemoveScope("prod", b.alice.ID, day("alice", 9)); return err }},
		{"reencrypt", func(b badStore) error { _, err := b.Reencrypt(b.alice.ID, day("alice", 9)); return err }},
	}
	before := snapshot(t, b.Dir, skipCache)
	for _, op := range ops {
		start := time.Now()
		err := op.run(b)
		assertErr(t, err, ErrLocked, filepath.Join(".cabinet", "lock"))
		if inventory.HintOf(err) == "" {
			t.Errorf("%s: no hint", op.name)
		}
		if waited := time.Since(start); waited < lockWait {
			t.Errorf("%s gave up after %v, before lockWait %v", op.name, waited, lockWait)
		}
	}
	assertSameSnapshot(t, before, snapshot(t, b.Dir, skipCache))

	// Reading takes no lock.
	mustRead(t, b.Store, "prod/db/password", inventory.Selector{}, b.alice)
}

// holdLock takes the store's writer lock in a goroutine, through its own
// Store, until release is closed.
func holdLock(t *testing.T, dir string) (release chan struct{}, done chan struct{}) {
	t.Helper()
	other, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	release, done = make(chan struct{}), make(chan struct{})
	locked := make(chan error)
	go func() {
		defer close(done)
		unlock, err := other.lock()
		locked <- err
		if err != nil {
			return
		}
		<-release
		unlock()
	}()
	if err := <-locked; err != nil {
		t.Fatal(err)
	}
	return release, done
}

// TestLockWaitsBriefly: a writer that finds the lock held waits, and goes
// ahead once it is released within lockWait.
func TestLockWaitsBriefly(t *testing.T) {
	defer func(w time.Duration) { lockWait = w }(lockWait)
	lockWait = 5 * time.Second

	b := newBadStore(t)
	release, done := holdLock(t, b.Dir)
	time.AfterFunc(100*time.Millisecond, func() { close(release) })
	start := time.Now()
	mustSet(t, b.Store, "prod/db/password", []byte("p-three"), day("alice", 3))
	<-done
	if waited := time.Since(start); waited < 90*time.Millisecond {
		t.Errorf("the writer did not wait for the lock (%v)", waited)
	}
	if v, _ := mustRead(t, b.Store, "prod/db/password", inventory.Selector{}, b.alice); string(v) != "p-three" {
		t.Errorf("read %q", v)
	}
}

// TestLockHeldByAnotherProcess holds the lock from a child process (this
// test binary, re-executed), as a second cabinet command would.
func TestLockHeldByAnotherProcess(t *testing.T) {
	defer func(w time.Duration) { lockWait = w }(lockWait)
	lockWait = 150 * time.Millisecond

	b := newBadStore(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldLock$", "-test.count=1", "-test.timeout=60s")
	cmd.Env = append(os.Environ(), "CABINET_TEST_HOLD_LOCK="+b.Dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "LOCKED\n" {
		t.Fatalf("the child did not take the lock: %q %v", line, err)
	}
	before := snapshot(t, b.Dir, skipCache)
	_, _, err = b.SetValue("prod/db/password", []byte("v"), day("alice", 3), nil)
	assertErr(t, err, ErrLocked, filepath.Join(".cabinet", "lock"))
	assertSameSnapshot(t, before, snapshot(t, b.Dir, skipCache))

	stdin.Close() // the child releases the lock and exits
	go io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	mustSet(t, b.Store, "prod/db/password", []byte("p-three"), day("alice", 3))
}

// TestHelperHoldLock is not a test: TestLockHeldByAnotherProcess runs it in
// a child process to hold a store's lock until its stdin closes.
func TestHelperHoldLock(t *testing.T) {
	dir := os.Getenv("CABINET_TEST_HOLD_LOCK")
	if dir == "" {
		t.Skip("helper process of TestLockHeldByAnotherProcess")
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := s.lock()
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	fmt.Println("LOCKED")
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// auditLines returns the lines of the actors' audit logs, in order.
func auditLines(t *testing.T, s *Store, actors ...string) [][]byte {
	t.Helper()
	var lines [][]byte
	for _, a := range actors {
		data, err := os.ReadFile(filepath.Join(s.Dir, auditDir, a+".jsonl"))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range bytes.SplitAfter(data, []byte("\n")) {
			if len(l) > 0 {
				lines = append(lines, bytes.TrimSuffix(l, []byte("\n")))
			}
		}
	}
	return lines
}
