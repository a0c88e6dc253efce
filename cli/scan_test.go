package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/internal/gittest"
	"github.com/cabinethq/cabinet/scan"
)

// randomText is n letters and digits, made when the test runs: no token
// is written in this file, so that scanning the repository finds none.
func randomText(n int) string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

func githubToken() string { return "ghp_" + randomText(36) }

// scanCanary is a value of the inventory that must never be printed.
func scanCanary() string { return "CANARY-" + randomText(20) }

func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// noValue fails the test if what the user saw holds any of values.
func noValue(t *testing.T, r result, values ...string) {
	t.Helper()
	for _, v := range values {
		if strings.Contains(r.out+r.err, v) || strings.Contains(r.out+r.err, v[len(v)-12:]) {
			t.Fatalf("the output shows a value:\nstdout %s\nstderr %s", r.out, r.err)
		}
	}
}

func TestScanFindsKnownValuesInFilesAndDSNs(t *testing.T) {
	e := newEnv(t)
	e.setup()
	current, previous := scanCanary(), scanCanary()
	e.must(previous, "set", "prod/db/password", "--owner", "data")
	e.must(current, "set", "prod/db/password")
	e.must("short", "set", "dev/app/pin", "--owner", "data")
	dir := filepath.Join(e.dir, "repo")
	writeFiles(t, dir, map[string]string{
		"config.yaml": "db:\n  dsn: postgres://etl:" + current + "@db.internal:5432/w\n",
		"notes.txt":   "old one: x" + previous + "x\n",
		"clean.yaml":  "db:\n  password: secret://prod/db/password\n",
	})
	r := e.run("", "scan", dir)
	noValue(t, r, current, previous)
	want := dir + "/config.yaml:2:23: known-value of prod/db/password\n" +
		dir + "/notes.txt:1:11: known-value of prod/db/password\n"
	if r.code != ExitFailed || r.out != want {
		t.Fatalf("exit %d\nstdout %q\nwant   %q\nstderr %s", r.code, r.out, want, r.err)
	}
	for _, m := range []string{"2 findings of a plaintext secret in 2 files", "1 value shorter than 8 bytes not looked for"} {
		if !strings.Contains(r.err, m) {
			t.Errorf("stderr %q lacks %q", r.err, m)
		}
	}
	// The values looked for were read: one scan line counts them.
	if log := e.must("", "audit", "--json", "--action", "scan").out; strings.Count(log, "\n") != 1 ||
		!strings.Contains(log, `"detail":"scan: 3 values of 2 secrets"`) {
		t.Errorf("the scan's reads are not one line of the audit log:\n%s", log)
	}
	// Without values only the DSN's password is reported, by its rule.
	r = e.run("", "scan", "--no-values", dir)
	if r.code != ExitFailed || r.out != dir+"/config.yaml:2:23: dsn-password\n" {
		t.Fatalf("--no-values: exit %d, stdout %q", r.code, r.out)
	}
	noValue(t, r, current, previous)
}

func TestScanCleanFilesAreNotReported(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.must(scanCanary(), "set", "prod/db/password", "--owner", "data")
	dir := filepath.Join(e.dir, "repo")
	writeFiles(t, dir, map[string]string{
		"pipeline.yaml": "source:\n  dsn: postgres://etl:secret://prod/db/password@db/w\n  dsn2: postgres://etl:${PASSWORD}@db/w\n",
		".env.template": "API_TOKEN=secret://prod/api/token\nID=123e4567-e89b-12d3-a456-426614174000\n",
		"main.go":       "package main\n\nfunc TestSubcommandNamesHoldEachName2(t *testing.T) {}\n",
		"go.sum":        "golang.org/x/term v0.1.0 h1:" + randomText(43) + "=\nx v1 " + randomText(48) + "\n",
	})
	r := e.run("", "scan", dir)
	if r.code != ExitOK || r.out != "" {
		t.Fatalf("clean files: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
}

func TestScanSkipsGitBinaryLargeAndStoreFiles(t *testing.T) {
	e := newEnv(t)
	e.setup()
	dir := e.dir // holds the store too
	token := githubToken()
	writeFiles(t, dir, map[string]string{
		".git/config":           "token = " + token + "\n",
		"image.png":             "\x89PNG\x00\x00" + token,
		"dump.sql":              strings.Repeat("-- filler\n", 1<<17) + token,
		"store/audit/notes.txt": token + "\n",
		"store/README.md":       "token: " + token + "\n",
		"app/settings.py":       "TOKEN = '" + token + "'\n",
	})
	r := e.run("", "scan", "--no-values", dir)
	want := dir + "/app/settings.py:1:10: github-token\n" + dir + "/store/README.md:1:8: github-token\n"
	if r.code != ExitFailed || r.out != want {
		t.Fatalf("exit %d\nstdout %q\nwant   %q", r.code, r.out, want)
	}
	if !strings.Contains(r.err, "2 files skipped (binary or over 1 MiB)") {
		t.Errorf("stderr %q does not count the skipped files", r.err)
	}
	noValue(t, r, token)
}

func TestScanAllowList(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Join(e.dir, "repo")
	files := map[string]string{
		"docs/setup.md":      "postgres://etl:changeme" + "@localhost/w\n",
		"fixtures/keys.pem":  "-----BEGIN " + "PRIVATE KEY-----\n",
		"app.env":            "A=1\nB=2\nTOKEN=" + githubToken() + "\nOTHER=" + githubToken() + "\n",
		"deploy/values.yaml": "dsn: mysql://root:hunter22" + "@db/x\n",
	}
	writeFiles(t, dir, files)
	all := e.run("", "scan", "--no-values", dir)
	if strings.Count(all.out, "\n") != 5 {
		t.Fatalf("without an allow-list: %q", all.out)
	}
	allow := filepath.Join(dir, ".cabinetignore")
	writeFiles(t, dir, map[string]string{".cabinetignore": "# false positives\ndocs/*.md:dsn-password\n\nfixtures/\napp.env:github-token:3\n"})
	r := e.run("", "scan", "--no-values", "--allow", allow, dir)
	want := dir + "/app.env:4:7: github-token\n" + dir + "/deploy/values.yaml:1:19: dsn-password\n"
	if r.code != ExitFailed || r.out != want {
		t.Fatalf("with the allow-list: exit %d\nstdout %q\nwant   %q", r.code, r.out, want)
	}
	// The fingerprints --json prints, added to the list, accept the rest.
	var found []scanFinding
	if err := json.Unmarshal([]byte(e.run("", "scan", "--no-values", "--json", "--allow", allow, dir).out), &found); err != nil {
		t.Fatal(err)
	}
	var more []string
	for _, f := range found {
		rel, _ := filepath.Rel(dir, f.File)
		more = append(more, strings.Replace(f.Fingerprint, f.File, rel, 1))
	}
	if len(more) != 2 || more[0] != "app.env:github-token:4" {
		t.Fatalf("fingerprints %q", more)
	}
	f, _ := os.OpenFile(allow, os.O_APPEND|os.O_WRONLY, 0)
	fmt.Fprintln(f, strings.Join(more, "\n"))
	f.Close()
	if r := e.run("", "scan", "--no-values", "--allow", allow, dir); r.code != ExitOK || r.out != "" {
		t.Fatalf("with every fingerprint allowed: exit %d, stdout %q", r.code, r.out)
	}
	writeFiles(t, dir, map[string]string{".cabinetignore": "a:b:c:d\n"})
	oneLine(t, "a bad allow-list", e.run("", "scan", "--allow", allow, dir), ExitUsage, ".cabinetignore:1")
}

func TestScanStdinAndUsage(t *testing.T) {
	e := newEnv(t)
	token := githubToken()
	r := e.run("x: "+token+"\n", "scan", "-", "--no-values")
	if r.code != ExitFailed || r.out != "-:1:4: github-token\n" {
		t.Fatalf("stdin: exit %d, stdout %q", r.code, r.out)
	}
	noValue(t, r, token)
	oneLine(t, "a missing file", e.run("", "scan", "--no-values", filepath.Join(e.dir, "nope")), ExitUsage, "nope")
	oneLine(t, "--staged with a path", e.run("", "scan", "--staged", "x"), ExitUsage, "--staged")
	oneLine(t, "stdin and a file", e.run("", "scan", "-", "x"), ExitUsage, "stdin")
}

func TestScanWithoutIdentityStillFindsFormats(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.must(scanCanary(), "set", "prod/db/password", "--owner", "data")
	e.keyring = nil
	dir := filepath.Join(e.dir, "repo")
	writeFiles(t, dir, map[string]string{"a.txt": githubToken()})
	r := e.run("", "scan", dir)
	if r.code != ExitFailed || !strings.Contains(r.out, "github-token") || !strings.Contains(r.err, "values are not looked for") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
}

// gitRepo makes a repository in dir.
func gitRepo(t *testing.T, dir string) {
	t.Helper()
	gittest.Env(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	gittest.Run(t, dir, "init", "-q", "-b", "main")
}

// scanRepo is a store whose prod/db/password holds a canary value, and
// an empty Git repository beside it.
func scanRepo(t *testing.T) (e *env, value, dir string) {
	t.Helper()
	e = newEnv(t)
	e.setup()
	value = scanCanary()
	e.must(value, "set", "prod/db/password", "--owner", "data")
	dir = filepath.Join(e.dir, "repo")
	gitRepo(t, dir)
	return e, value, dir
}

func TestScanHistoryFindsRemovedValues(t *testing.T) {
	e, value, dir := scanRepo(t)
	writeFiles(t, dir, map[string]string{"app.env": "A=1\n"})
	gittest.Run(t, dir, "add", "app.env")
	gittest.Run(t, dir, "commit", "-q", "-m", "first")
	writeFiles(t, dir, map[string]string{"app.env": "A=1\nB=2\nDSN=postgres://etl:" + value + "@db/w\n"})
	gittest.Run(t, dir, "commit", "-q", "-am", "oops")
	leak := gittest.Run(t, dir, "rev-parse", "HEAD")
	writeFiles(t, dir, map[string]string{"app.env": "A=1\nB=2\nDSN=postgres://etl:secret://prod/db/password@db/w\n"})
	gittest.Run(t, dir, "commit", "-q", "-am", "fixed")

	if r := e.run("", "scan", dir); r.code != ExitOK {
		t.Fatalf("the work tree is clean, yet: exit %d %q", r.code, r.out)
	}
	r := e.run("", "scan", "--history", dir)
	noValue(t, r, value)
	if want := leak[:12] + ":app.env:3:20: known-value of prod/db/password\n"; r.code != ExitFailed || r.out != want {
		t.Fatalf("--history: exit %d\nstdout %q\nwant   %q\nstderr %s", r.code, r.out, want, r.err)
	}
	var found []scanFinding
	if err := json.Unmarshal([]byte(e.run("", "scan", "--history", "--json", dir).out), &found); err != nil || len(found) != 1 || found[0].Commit != leak {
		t.Fatalf("--history --json: %+v %v", found, err)
	}
	// A pull request's range: the leak is in first..HEAD, not in the fix.
	if r := e.run("", "scan", "--history", "--range", "HEAD~2..HEAD", dir); r.code != ExitFailed || !strings.HasPrefix(r.out, leak[:12]) {
		t.Fatalf("--range HEAD~2..HEAD: exit %d %q %q", r.code, r.out, r.err)
	}
	if r := e.run("", "scan", "--history", "--range", "HEAD~1..HEAD", dir); r.code != ExitOK {
		t.Fatalf("--range HEAD~1..HEAD: exit %d %q %q", r.code, r.out, r.err)
	}
	oneLine(t, "--range without --history", e.run("", "scan", "--range", "HEAD~1..HEAD", dir), ExitUsage, "--range")
	oneLine(t, "--range as an option", e.run("", "scan", "--history", "--range=--output=x", dir), ExitUsage, "--range")
}

func TestScanStagedScansTheIndexNotTheWorkTree(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Join(e.dir, "repo")
	gitRepo(t, dir)
	token := githubToken()
	writeFiles(t, dir, map[string]string{"sub/a.env": "T=" + token + "\n", "b.env": "clean\n"})
	gittest.Run(t, dir, "add", ".")
	writeFiles(t, dir, map[string]string{"sub/a.env": "T=secret://prod/api/token\n", "b.env": "T=" + githubToken() + "\n"})
	t.Chdir(filepath.Join(dir, "sub"))
	r := e.run("", "scan", "--staged", "--no-values")
	noValue(t, r, token)
	if r.code != ExitFailed || r.out != "sub/a.env:1:3: github-token\n" {
		t.Fatalf("--staged: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
}

// BenchmarkScan10k scans 10,000 files against 10,000 known values: the
// walk, the reads and the scan, on every core (the values' decryption is
// not in it).
func BenchmarkScan10k(b *testing.B) {
	dir := b.TempDir()
	known := scan.NewKnown()
	for i := range 10000 {
		known.Add(fmt.Sprintf("prod/app%d/password", i), []byte(randomText(24)))
	}
	var text bytes.Buffer
	for i := range 40 {
		fmt.Fprintf(&text, "  setting_%d: value %d, see https://example.com/docs/%d and secret://prod/app%d/password\n", i, i*7, i, i)
	}
	for i := range 10000 {
		name := filepath.Join(dir, fmt.Sprintf("d%02d", i%100), fmt.Sprintf("f%d.yaml", i))
		if i < 100 {
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				b.Fatal(err)
			}
		}
		if err := os.WriteFile(name, text.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	a := &App{Err: &bytes.Buffer{}}
	b.ResetTimer()
	for b.Loop() {
		r := &scanRun{a: a, scanner: scan.New(known)}
		found, err := r.scanPaths([]string{dir})
		if err != nil || len(found) != 0 || r.files != 10000 {
			b.Fatalf("%d files, %d findings, %v", r.files, len(found), err)
		}
	}
}

// TestScanLooksOnlyForValuesInScope: bob, who may read dev/ only, finds a
// copy of a dev value, not of a prod one, and his scan leaves no denied
// line in the audit log.
func TestScanLooksOnlyForValuesInScope(t *testing.T) {
	alice := newEnv(t)
	alice.setup()
	prod, dev := scanCanary(), scanCanary()
	alice.must(prod, "set", "prod/db/password", "--owner", "a")
	alice.must(dev, "set", "dev/db/password", "--owner", "a")
	bob := newEnv(t)
	bob.vars["CABINET_STORE"] = alice.store()
	bob.vars["USER"] = "bob"
	bobKey := strings.TrimSpace(bob.must("", "identity", "new").out)
	alice.must("", "members", "add", "bob", bobKey, "--scope", "dev/")

	dir := filepath.Join(bob.dir, "repo")
	writeFiles(t, dir, map[string]string{"a.env": "P=" + prod + "\nD=" + dev + "\n"})
	r := bob.run("", "scan", dir)
	noValue(t, r, prod, dev)
	if r.code != ExitFailed || r.out != dir+"/a.env:2:3: known-value of dev/db/password\n" {
		t.Fatalf("bob's scan: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
	if log := alice.must("", "audit", "--member", "bob").out; strings.Contains(log, "denied") || !strings.Contains(log, "scan: 1 value of 1 secret") {
		t.Fatalf("bob's scan in the audit log:\n%s", log)
	}
}

func TestScanHistorySkipsBinaryAndLargeFiles(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Join(e.dir, "repo")
	gitRepo(t, dir)
	token := githubToken()
	writeFiles(t, dir, map[string]string{
		"dump.sql":  strings.Repeat("-- filler line\n", 1<<17) + token + "\n",
		"image.bin": "\x00\x01" + token,
		"ok.txt":    "T=" + token + "\n",
	})
	gittest.Run(t, dir, "add", ".")
	gittest.Run(t, dir, "commit", "-q", "-m", "files")
	r := e.run("", "scan", "--history", "--no-values", dir)
	noValue(t, r, token)
	if r.code != ExitFailed || !strings.HasSuffix(r.out, ":ok.txt:1:3: github-token\n") || strings.Count(r.out, "\n") != 1 ||
		!strings.Contains(r.err, "1 file skipped") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
}
