package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
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

// Environment of the child process of TestCrashDuringSet.
const (
	envSetDir      = "CABINET_TEST_SET_DIR"
	envSetIdentity = "CABINET_TEST_SET_IDENTITY"
)

// crashPaths are the secrets TestCrashDuringSet writes, in one folder so
// that each write is the next writer of that folder.
var crashPaths = []string{"prod/crash/a", "prod/crash/b", "prod/crash/c"}

// crashValue is the value of version v of path: the test knows what every
// version must decrypt to.
func crashValue(path string, v int) []byte { return fmt.Appendf(nil, "%s#%d", path, v) }

// TestHelperSetProcess is not a test: TestCrashDuringSet runs it in a child
// process, which sets values until it is killed.
func TestHelperSetProcess(t *testing.T) {
	dir := os.Getenv(envSetDir)
	if dir == "" {
		t.Skip("helper process of TestCrashDuringSet")
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("ready")
	for i := 0; ; i++ {
		if err := setNext(s, crashPaths[i%len(crashPaths)], day("alice", 1)); err != nil {
			t.Fatal(err)
		}
	}
}

// setNext sets the next version of path to crashValue. Only one process
// writes at a time, so the next version's number is known in advance.
func setNext(s *Store, path string, act Act) error {
	next := 1
	if sec, err := s.Load(path); err == nil && len(sec.Versions) > 0 {
		next = sec.Versions[0].Number + 1
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	_, v, err := s.SetValue(path, crashValue(path, next), act, ownerIfNew)
	if err == nil && v.Number != next {
		err = fmt.Errorf("%s: set version %d, expected %d", path, v.Number, next)
	}
	return err
}

// TestCrashDuringSet kills (SIGKILL) a process that is setting values, at a
// random instant, 150 times. After each kill: every secret loads, every
// version decrypts to its value, every version has its audit line (the line
// of a change is durable before the change is visible), and the next
// successful write leaves no temporary file. At the end every value
// decrypts with the stock age command too.
func TestCrashDuringSet(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a child process 150 times")
	}
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	checked := map[string]bool{} // "path#version" decrypted already
	temps := 0
	start := time.Now()
	const kills = 150
	for round := range kills {
		// A set takes a few milliseconds, most of them in fsync.
		killSetter(t, s, alice, time.Duration(rand.N(15000))*time.Microsecond)
		left := tempFiles(t, filepath.Join(s.Dir, secretsDir))
		temps += len(left)
		checkAfterCrash(t, s, alice, checked)
		if t.Failed() {
			t.Fatalf("round %d", round+1)
		}
		if len(left) == 0 {
			continue
		}
		// The next write of the folder removes what the kill left there.
		if err := setNext(s, crashPaths[round%len(crashPaths)], day("alice", 2)); err != nil {
			t.Fatal(err)
		}
		if left := tempFiles(t, filepath.Join(s.Dir, secretsDir)); len(left) > 0 {
			t.Fatalf("round %d: temporary files left after the next write: %v", round+1, left)
		}
	}
	lost := checkAfterCrash(t, s, alice, checked)
	t.Logf("%d kills in %v: %d versions checked, %d temporary files left by kills (all removed by the next write), %d audit lines of changes that never became visible",
		kills, time.Since(start), len(checked), temps, lost)
	checkWithStockAge(t, s, alice)
}

// killSetter starts the child and kills it after wait.
func killSetter(t *testing.T, s *Store, alice member, wait time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSetProcess$", "-test.count=1", "-test.timeout=60s")
	cmd.Env = append(os.Environ(), envSetDir+"="+s.Dir, envSetIdentity+"="+alice.Secret)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make([]byte, len("ready\n"))
	if _, err := io.ReadFull(stdout, ready); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the child did not start: %v\n%s", err, stderr.Bytes())
	}
	time.Sleep(wait)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("the child ended before it was killed: %v\n%s", err, stderr.Bytes())
	}
}

// checkAfterCrash checks every secret and every version not checked yet,
// and returns how many set lines of the audit log have no visible version.
func checkAfterCrash(t *testing.T, s *Store, alice member, checked map[string]bool) int {
	t.Helper()
	audited := map[string]bool{}
	for _, e := range auditEvents(t, s, "alice") {
		if e.Action == inventory.ActionSet && e.Outcome == inventory.OutcomeOK {
			audited[fmt.Sprintf("%s#%d", e.Path, e.Version)] = true
		}
	}
	// The walk of a listing, without writing its index (an fsync a round).
	if _, bad, err := s.walkStore(); err != nil || len(bad) > 0 {
		t.Errorf("after a crash the listing has bad files %v, %v", bad, err)
	}
	visible := 0
	for _, path := range crashPaths {
		sec, err := s.Load(path)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			t.Errorf("after a crash: %v", err)
			continue
		}
		for _, v := range sec.Versions {
			key := fmt.Sprintf("%s#%d", path, v.Number)
			visible++
			if !audited[key] {
				t.Errorf("%s version %d is in the file but not in the audit log", path, v.Number)
			}
			if checked[key] {
				continue
			}
			got, _, err := crypto.Open(v.Value, alice.ID)
			if err != nil || !bytes.Equal(got, crashValue(path, v.Number)) {
				t.Errorf("%s version %d: %q, %v", path, v.Number, got, err)
			}
			checked[key] = true
		}
	}
	return len(audited) - visible
}

// auditEvents reads an audit log, skipping a line torn by a kill (none is
// expected: a line goes out in one write).
func auditEvents(t *testing.T, s *Store, actor string) []inventory.Event {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(s.Dir, auditDir, actor+".jsonl"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) { // a kill before the first line leaves none
		t.Fatal(err)
	}
	var events []inventory.Event
	for i, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var e inventory.Event
		if err := json.Unmarshal(line, &e); err != nil {
			t.Logf("audit line %d is torn: %v", i+1, err)
			continue
		}
		events = append(events, e)
	}
	return events
}

// checkWithStockAge decrypts every value with the age command line. Under
// CABINET_REQUIRE_AGE_CLI=1 (as in CI) a missing age is a failure.
func checkWithStockAge(t *testing.T, s *Store, alice member) {
	t.Helper()
	bin, err := exec.LookPath("age")
	if err != nil {
		if os.Getenv("CABINET_REQUIRE_AGE_CLI") == "1" {
			t.Fatalf("the age command is required (CABINET_REQUIRE_AGE_CLI=1) but not found: %v", err)
		}
		t.Skip("the age command is not installed; set CABINET_REQUIRE_AGE_CLI=1 to make this a failure")
	}
	idFile := filepath.Join(t.TempDir(), "identity.txt")
	if err := os.WriteFile(idFile, []byte(alice.Secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range crashPaths {
		sec, err := s.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range sec.Versions {
			cmd := exec.Command(bin, "--decrypt", "-i", idFile)
			cmd.Stdin = strings.NewReader(v.Value)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil || !bytes.Equal(out, crashValue(path, v.Number)) {
				t.Errorf("age --decrypt of %s version %d: %v: %s", path, v.Number, err, stderr.Bytes())
			}
			n++
		}
	}
	t.Logf("age --decrypt opened all %d values", n)
}
