package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// job runs cabinet run with extra environment variables, as a pipeline's
// runner would start it.
func (e *env) job(extra []string, args ...string) result {
	e.t.Helper()
	var out, errb bytes.Buffer
	a := &App{
		In: strings.NewReader(""), Out: &out, Err: &errb,
		Getenv:   func(k string) string { return e.vars[k] },
		Environ:  func() []string { return append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + e.dir}, extra...) },
		Now:      func() time.Time { return e.now },
		Keyring:  e.keyring,
		Terminal: func(any) bool { return false },
	}
	return result{code: Run(a, append([]string{"run"}, args...)), out: out.String(), err: errb.String()}
}

func sum(v string) string {
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:])
}

// pipelineStore has prod/db/password and prod/api/token set to canaries.
func pipelineStore(t *testing.T) (e *env, dbPassword, apiToken string) {
	t.Helper()
	e = newEnv(t)
	e.setup()
	dbPassword, apiToken = "db-Canary-7f3a9c", "tok-Canary-51e2b8"
	e.must(dbPassword, "set", "prod/db/password", "--owner", "data")
	e.must(apiToken, "set", "prod/api/token", "--owner", "web")
	return e, dbPassword, apiToken
}

func TestRunResolvesAndMasks(t *testing.T) {
	e, db, tok := pipelineStore(t)
	// The job sees the values (their hashes say so) and prints them: the
	// output shows *** instead.
	script := `printf '%s' "$DB_PASSWORD" | sha256sum; echo "db=$DB_PASSWORD tok=$API_TOKEN plain=$PLAIN"; echo "$API_TOKEN" >&2`
	r := e.job([]string{"DB_PASSWORD=secret://prod/db/password", "API_TOKEN=secret://prod/api/token", "PLAIN=not-a-secret"}, "--", "sh", "-c", script)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	if !strings.Contains(r.out, sum(db)) {
		t.Errorf("the job did not get the value of prod/db/password:\n%s", r.out)
	}
	if !strings.Contains(r.out, "db=*** tok=*** plain=not-a-secret") || strings.TrimSpace(r.err) != "***" {
		t.Errorf("output not masked: stdout %q, stderr %q", r.out, r.err)
	}
	for _, v := range []string{db, tok} {
		if strings.Contains(r.out+r.err, v) {
			t.Errorf("a value in the output")
		}
	}
	// One audit line lists both values.
	r = e.must("", "audit", "--json", "--action", "run")
	if strings.Count(r.out, "\n") != 1 || !strings.Contains(r.out, `"detail":"sh: prod/api/token#1 prod/db/password#1"`) &&
		!strings.Contains(r.out, `"detail":"sh: prod/db/password#1 prod/api/token#1"`) {
		t.Errorf("the run's audit line:\n%s", r.out)
	}
	if r := e.must("", "audit", "--json", "--path", "prod/api/token", "--action", "run"); strings.Count(r.out, "\n") != 1 {
		t.Errorf("the run is not found by the path of a value it read:\n%s", r.out)
	}
}

func TestRunEnvFileAndExitCode(t *testing.T) {
	e, db, _ := pipelineStore(t)
	envFile := filepath.Join(e.dir, "job.env")
	os.WriteFile(envFile, []byte("# the job's settings\nexport DB_PASSWORD=secret://prod/db/password#1\nMODE='batch'\n"), 0o600)
	r := e.job(nil, "--env-file", envFile, "--", "sh", "-c", `printf '%s' "$DB_PASSWORD" | sha256sum; echo "$MODE"; exit 7`)
	if r.code != 7 || !strings.Contains(r.out, sum(db)) || !strings.Contains(r.out, "batch") {
		t.Errorf("exit %d, out %q, err %q", r.code, r.out, r.err)
	}
	if r.err != "" {
		t.Errorf("cabinet spoke over the job's own exit: %q", r.err)
	}
	if r := e.job(nil, "--", "no-such-command-here"); r.code != 127 || !strings.Contains(r.err, "no-such-command-here: command not found") {
		t.Errorf("a missing command: exit %d, %q", r.code, r.err)
	}
	bad := filepath.Join(e.dir, "bad.env")
	os.WriteFile(bad, []byte("OK=1\nthis is no assignment\n"), 0o600)
	if r := e.job(nil, "--env-file", bad, "--", "true"); r.code != ExitUsage || !strings.Contains(r.err, "bad.env: line 2: not KEY=VALUE") {
		t.Errorf("a bad env file: exit %d, %q", r.code, r.err)
	}
}

// TestRunStopsBeforeTheJob: a reference that cannot be read stops the job
// with one line naming the variable and the secret; the job never starts.
func TestRunStopsBeforeTheJob(t *testing.T) {
	e, _, _ := pipelineStore(t)
	marker := filepath.Join(e.dir, "started")
	job := []string{"--", "sh", "-c", "touch " + marker}
	for _, tc := range []struct {
		name string
		env  []string
		code ExitCode
		says string
	}{
		{"missing", []string{"OK=secret://prod/db/password", "WAREHOUSE=secret://prod/warehouse/password"}, ExitNotFound, "WAREHOUSE: secret://prod/warehouse/password: secret prod/warehouse/password not found"},
		{"invalid path", []string{"X=secret://qa/db/password"}, ExitUsage, "X: secret://qa/db/password:"},
		{"no such version", []string{"DB=secret://prod/db/password#9"}, ExitNotFound, "DB: secret://prod/db/password#9"},
	} {
		r := e.job(tc.env, job...)
		if r.code != tc.code || !strings.Contains(r.err, tc.says) || strings.Count(r.err, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tc.name, r.code, r.err, tc.code, tc.says)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Fatalf("%s: the job started", tc.name)
		}
	}
}

func TestRender(t *testing.T) {
	e, db, tok := pipelineStore(t)
	yaml := filepath.Join(e.dir, "config.yaml")
	os.WriteFile(yaml, []byte("warehouse:\n  dsn: postgres://etl:secret://prod/db/password@db.internal:5432/wh\n  token: secret://prod/api/token\nmode: batch\n"), 0o600)
	r := e.must("", "render", yaml)
	if want := "warehouse:\n  dsn: postgres://etl:" + db + "@db.internal:5432/wh\n  token: " + tok + "\nmode: batch\n"; r.out != want {
		t.Errorf("render:\n%s\nwant:\n%s", r.out, want)
	}
	// JSON: the value as JSON string content.
	e.must("pa\"ss\\word-x", "set", "prod/db/quoted", "--owner", "data")
	js := filepath.Join(e.dir, "config.json")
	os.WriteFile(js, []byte(`{"password": "secret://prod/db/quoted"}`), 0o600)
	if r := e.must("", "render", js); r.out != `{"password": "pa\"ss\\word-x"}` {
		t.Errorf("render of JSON: %s", r.out)
	}
	// --out: 0600, the whole file.
	out := filepath.Join(e.dir, "rendered.yaml")
	e.must("", "render", yaml, "--out", out)
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("--out: %v, %v", fi, err)
	}
	// A folder that does not exist: said of the file asked for, not of a
	// temporary file beside it.
	nowhere := filepath.Join(e.dir, "missing", "rendered.yaml")
	if r := e.run("", "render", yaml, "--out", nowhere); r.code != ExitNotFound || r.err != "cabinet: --out "+nowhere+": the folder "+filepath.Dir(nowhere)+" does not exist; create it first\n" {
		t.Errorf("--out in a missing folder: exit %d, %q", r.code, r.err)
	}
	// A reference that cannot be read: its line, nothing written.
	os.WriteFile(yaml, []byte("a: 1\nb: secret://prod/none/here\n"), 0o600)
	os.Remove(out)
	r = e.run("", "render", yaml, "--out", out)
	if r.code != ExitNotFound || !strings.Contains(r.err, "line 2: secret://prod/none/here") {
		t.Errorf("a missing secret: exit %d, %q", r.code, r.err)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("--out written though a reference failed")
	}
	if r := e.must("", "audit", "--json", "--action", "render"); strings.Count(r.out, "\n") != 4 || !strings.Contains(r.out, `"outcome":"failed","detail":"config.yaml: secret prod/none/here not found"`) {
		t.Errorf("render events (3 ok, 1 refused):\n%s", r.out)
	}
}

// TestRunWithAJobIdentity: a job's identity, from CABINET_IDENTITY, reads
// its own scope; a reference outside it stops the job before it starts.
func TestRunWithAJobIdentity(t *testing.T) {
	e, _, _ := pipelineStore(t)
	e.must("dev-Canary-0c1d2e", "set", "dev/db/password", "--owner", "data")
	keyFile := filepath.Join(e.dir, "etl.key")
	pub := strings.TrimSpace(e.must("", "identity", "new", "--file", keyFile).out)
	e.must("", "members", "add", "etl-dev", pub, "--scope", "dev/")
	key, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(key), "\n") {
		if strings.HasPrefix(line, "AGE-SECRET-KEY-1") {
			e.vars["CABINET_IDENTITY"] = line
		}
	}
	marker := filepath.Join(e.dir, "started")
	r := e.job([]string{"DB=secret://dev/db/password"}, "--", "sh", "-c", `printf '%s' "$DB" | sha256sum`)
	if r.code != ExitOK || !strings.Contains(r.out, sum("dev-Canary-0c1d2e")) {
		t.Fatalf("the job's own scope: exit %d, %q %q", r.code, r.out, r.err)
	}
	r = e.job([]string{"DB=secret://dev/db/password", "PROD=secret://prod/db/password"}, "--", "sh", "-c", "touch "+marker)
	if r.code != ExitNoIdentity || !strings.Contains(r.err, "PROD: secret://prod/db/password") || strings.Count(r.err, "\n") != 1 {
		t.Errorf("outside its scope: exit %d, %q", r.code, r.err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the job started though a reference could not be read")
	}
	if r := e.must("", "audit", "--json", "--member", "etl-dev", "--action", "run"); !strings.Contains(r.out, `"outcome":"denied"`) {
		t.Errorf("the refused run is not in etl-dev's log:\n%s", r.out)
	}
}

func TestRefs(t *testing.T) {
	e, _, _ := pipelineStore(t)
	project := filepath.Join(e.dir, "project")
	os.MkdirAll(filepath.Join(project, "deploy"), 0o700)
	os.MkdirAll(filepath.Join(project, ".git"), 0o700)
	os.WriteFile(filepath.Join(project, "config.yaml"), []byte("dsn: postgres://etl:secret://prod/db/password@db/wh\n"), 0o600)
	os.WriteFile(filepath.Join(project, "deploy", ".env"), []byte("A=1\nTOKEN=secret://prod/api/token#1\n"), 0o600)
	os.WriteFile(filepath.Join(project, ".git", "config"), []byte("secret://prod/not/counted\n"), 0o600)
	os.WriteFile(filepath.Join(project, "blob.bin"), []byte("\x00secret://prod/not/counted"), 0o600)
	os.Symlink("/etc", filepath.Join(project, "etc"))
	r := e.must("", "refs", project)
	if want := "config.yaml:1: secret://prod/db/password\ndeploy/.env:2: secret://prod/api/token#1\n"; r.out != want {
		t.Errorf("refs:\n%s\nwant:\n%s", r.out, want)
	}
	os.WriteFile(filepath.Join(project, "job.env"), []byte("X=secret://prod/warehouse/password\n"), 0o600)
	r = e.run("", "refs", project)
	if r.code != ExitNotFound || !strings.Contains(r.out, "job.env:1: secret://prod/warehouse/password  (missing)") ||
		!strings.Contains(r.err, "1 reference to a secret that does not exist") {
		t.Errorf("a missing secret: exit %d\n%s%s", r.code, r.out, r.err)
	}
	os.WriteFile(filepath.Join(project, "job.env"), []byte("X=secret://qa/x/y\n"), 0o600)
	if r := e.run("", "refs", project, "--json"); r.code != ExitUsage || !strings.Contains(r.out, `"state":"invalid"`) {
		t.Errorf("an invalid path: exit %d\n%s%s", r.code, r.out, r.err)
	}
}

// TestRefsOfTheStoresProjects: store.yaml names the pipelines' folders;
// refs alone reads them, and --unused lists what nothing references.
func TestRefsOfTheStoresProjects(t *testing.T) {
	e, _, _ := pipelineStore(t)
	e.must("x-Canary-1234567", "set", "dev/old/thing", "--owner", "ops")
	project := filepath.Join(e.dir, "etl")
	os.MkdirAll(project, 0o700)
	os.WriteFile(filepath.Join(project, "job.env"), []byte("DB=secret://prod/db/password\nT=secret://prod/api/token@previous\n"), 0o600)
	config := filepath.Join(e.store(), ".cabinet", "store.yaml")
	data, _ := os.ReadFile(config)
	os.WriteFile(config, append(data, []byte("projects: [../etl]\n")...), 0o600)
	if r := e.must("", "refs"); r.out != "../etl/job.env:1: secret://prod/db/password\n../etl/job.env:2: secret://prod/api/token@previous\n" {
		t.Errorf("refs of the projects:\n%s", r.out)
	}
	if r := e.must("", "refs", "--unused"); !strings.Contains(r.out, "dev/old/thing  ops") || strings.Count(r.out, "\n") != 2 {
		t.Errorf("refs --unused:\n%s", r.out)
	}
	os.WriteFile(config, append(data, []byte("projects: [\"bad\\x1b[2Jname\"]\n")...), 0o600)
	if r := e.run("", "refs"); r.code != ExitCorrupt || !strings.Contains(r.err, "projects") {
		t.Errorf("a project name with a control character: exit %d, %q", r.code, r.err)
	}
}
