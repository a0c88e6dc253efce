package store

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/crypto"
)

// Environment of the child process of TestCrashDuringReencrypt.
const (
	envRekeyDir      = "CABINET_TEST_REKEY_DIR"
	envRekeyIdentity = "CABINET_TEST_REKEY_IDENTITY"
)

// TestHelperRekeyProcess is not a test: TestCrashDuringReencrypt runs it in
// a child process, which it kills part-way through.
func TestHelperRekeyProcess(t *testing.T) {
	dir := os.Getenv(envRekeyDir)
	if dir == "" {
		t.Skip("helper process of TestCrashDuringReencrypt")
	}
	id, err := crypto.ParseIdentity(os.Getenv(envRekeyIdentity), "alice's identity")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.SetScope("*", []string{"alice", "bob"}, id, day("alice", 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) > 0 {
		t.Fatalf("failed: %v", res.Failed)
	}
}

// TestCrashDuringReencrypt kills (SIGKILL) a process part-way through
// re-encrypting a store of 2,000 secrets to a second member, then checks
// what DESIGN.md promises: every value still opens with the original
// member's identity, nothing holds a plaintext, the store knows what is
// left to do, and re-running finishes it.
//
// The child is killed as soon as the secret a third of the way into the
// walk has been rewritten. Should it finish first anyway (a very fast machine), the
// test retries with a larger store rather than pass without a crash.
func TestCrashDuringReencrypt(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a child process part-way through a re-encryption of 2,000 secrets")
	}
	alice, bob := newMember(t, "alice"), newMember(t, "bob")
	for attempt, n := range []int{2000, 4000, 8000} {
		if crashOnce(t, alice, bob, n) {
			return
		}
		t.Logf("attempt %d: the child re-encrypted all %d secrets before it was killed; trying a larger store", attempt+1, n)
	}
	t.Fatal("could not interrupt a re-encryption part-way in three attempts")
}

// crashOnce runs the test on a store of n secrets. It returns false when the
// child could not be interrupted part-way.
func crashOnce(t *testing.T, alice, bob member, n int) bool {
	t.Helper()
	start := time.Now()
	s := newStore(t, alice)
	tag := canary(t)
	value := func(i, v int) []byte { return bulkValue(tag, i, v) }
	versions := func(i int) int { return 1 + min(i%4, 1) } // three in four have two versions
	paths := bulkFill(t, s, n, versions, value)
	addMember(t, s, bob, alice)
	_, _, aliceOnly, err := s.sealTarget(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	// The walk goes in path order: watch a file a third of the way in.
	sorted := slices.Sorted(slices.Values(paths))
	probe := s.secretFile(sorted[n/3])
	probeBytes, err := os.ReadFile(probe)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built a store of %d secrets in %v", n, time.Since(start))

	// Re-encrypt in a child process and kill it part-way.
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperRekeyProcess$", "-test.count=1", "-test.timeout=120s")
	cmd.Env = append(os.Environ(), envRekeyDir+"="+s.Dir, envRekeyIdentity+"="+alice.Secret)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	killed := false
	for !killed {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("the child failed: %v\n%s", err, out.Bytes())
			}
			t.Logf("the child finished in %v", time.Since(started))
			return false
		default:
		}
		if data, err := os.ReadFile(probe); err == nil && !bytes.Equal(data, probeBytes) {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		} else if time.Since(started) > 60*time.Second {
			cmd.Process.Kill()
			t.Fatalf("the child made no progress in a minute:\n%s", out.Bytes())
		} else {
			time.Sleep(200 * time.Microsecond)
		}
	}
	<-done
	t.Logf("killed the child %v after it started", time.Since(started))

	// Every file is whole: sealed either to alice alone or to both.
	secrets, bad, err := s.List()
	if err != nil || len(bad) != 0 || len(secrets) != n {
		t.Fatalf("after the crash List gives %d secrets, bad %v, %v", len(secrets), bad, err)
	}
	changed := 0
	for _, sec := range secrets {
		if sec.ReadersSum != aliceOnly {
			changed++
			if !reflect.DeepEqual(sec.Readers, []string{"alice", "bob"}) {
				t.Errorf("%s: readers %v", sec.Path, sec.Readers)
			}
		}
	}
	t.Logf("the child re-encrypted %d of %d secrets before it died", changed, n)
	if changed == n {
		return false
	}
	if changed == 0 {
		t.Fatal("the probe changed, yet no secret was re-encrypted")
	}
	if fails := openAll(s, paths, value, alice.ID); len(fails) > 0 {
		t.Fatalf("%d values no longer open with alice's identity, e.g. %s", len(fails), fails[0])
	}

	// Temporary files may be left; List ignores them and they hold no
	// plaintext (checked with the whole store below).
	var temps []string
	filepath.WalkDir(filepath.Join(s.Dir, "secrets"), func(name string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			temps = append(temps, name)
		}
		return nil
	})
	t.Logf("%d temporary files left by the crash", len(temps))
	assertNowhere(t, s.Dir, tag)

	// The store knows what is left: recipients.yaml was written first.
	s, err = Open(s.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Recipients.Scopes["*"]; !reflect.DeepEqual(got, []string{"alice", "bob"}) {
		t.Fatalf("scope * = %v after the crash", got)
	}
	stale, bad, err := s.Stale()
	if err != nil || len(bad) != 0 || len(stale) != n-changed {
		t.Fatalf("Stale() gives %d, bad %v, %v; want %d", len(stale), bad, err, n-changed)
	}

	// Re-running finishes the work, and only the work left.
	res, err := s.Reencrypt(alice.ID, day("alice", 2))
	if err != nil || len(res.Failed) != 0 || len(res.Reencrypted) != n-changed || res.Checked != n {
		t.Fatalf("Reencrypt: %d re-encrypted, %d checked, failed %v, %v", len(res.Reencrypted), res.Checked, res.Failed, err)
	}
	if !slices.Equal(res.Reencrypted, stale) {
		t.Error("Reencrypt re-encrypted other secrets than the stale ones")
	}
	if res, err := s.SetScope("*", []string{"alice", "bob"}, alice.ID, day("alice", 3)); err != nil || len(res.Reencrypted) != 0 {
		t.Errorf("the same SetScope again: %d re-encrypted, %v", len(res.Reencrypted), err)
	}
	if fails := openAll(s, paths, value, alice.ID, bob.ID); len(fails) > 0 {
		t.Fatalf("%d values do not open with both identities, e.g. %s", len(fails), fails[0])
	}
	if stale, bad, err := s.Stale(); err != nil || len(stale) != 0 || len(bad) != 0 {
		t.Errorf("Stale() after the re-run = %d, %v, %v", len(stale), bad, err)
	}
	assertNowhere(t, s.Dir, tag)
	readAudit(t, s, "alice") // the chain survived the crash
	t.Logf("attempt with %d secrets took %v", n, time.Since(start))
	return true
}
