package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/internal/testpg"
)

// etlExample is examples/etl, from this package's folder.
func etlExample(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "examples", "etl", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestETLExampleRunsWithItsSecrets: the example's job, started with
// cabinet run and the example's .env.template, logs in to a real
// PostgreSQL with the password the store holds, and what it prints is
// masked; its config renders with every value in place.
func TestETLExampleRunsWithItsSecrets(t *testing.T) {
	t.Parallel()
	pg := testpg.Start(t)
	const password = "Etl-Pw-5c9e1a7b"
	pg.Role("etl_service", password)
	pg.Admin("CREATE DATABASE warehouse OWNER etl_service;")
	u := fileUser(t)
	u.env = append(u.env, pg.Env()...)
	values := map[string]string{
		"prod/warehouse/etl-password": password,
		"prod/s3/access-key":          "AKIAEXAMPLE7Q2W3E4R",
		"prod/s3/secret-key":          "s3-Secret-Canary-8d7f6e5d4c3b",
		"prod/partner/api-token":      "partner-Token-Canary-1a2b3c",
	}
	// As the example's README goes: the runbook, the inventory list, then
	// the values.
	u.installRunbook(t, etlExample(t, "pg-role-password.yaml"))
	if r := u.must("", "import", etlExample(t, "secrets.json")); !strings.Contains(r.out, "prod/warehouse/etl-password") {
		t.Fatalf("import of the example's list:\n%s", r.out)
	}
	for path, v := range values {
		u.must(v, "set", path)
	}
	if show := u.must("", "show", "prod/warehouse/etl-password").out; !strings.Contains(show, "data-platform") || !strings.Contains(show, "pg-role-password") {
		t.Errorf("the imported metadata:\n%s", show)
	}

	r := u.run("", "run", "--env-file", etlExample(t, ".env.template"), "--", etlExample(t, "job.sh"))
	if r.code != 0 || !strings.Contains(r.out, "loaded 3 rows") {
		t.Fatalf("the job: exit %d\n%s%s", r.code, r.out, r.err)
	}
	if !strings.Contains(r.out, "connecting to warehouse as etl_service (password ***)") || !strings.Contains(r.out, "with key ***") {
		t.Errorf("the job's output is not masked:\n%s", r.out)
	}
	for _, v := range values {
		if strings.Contains(r.out+r.err, v) {
			t.Error("a value reached the job's output")
		}
	}

	r = u.must("", "render", etlExample(t, "pipeline-config.yaml"))
	for _, want := range []string{"dsn: postgres://etl_service:" + password + "@${PGHOST}", "secret_access_key: " + values["prod/s3/secret-key"], "token: " + values["prod/partner/api-token"]} {
		if !strings.Contains(r.out, want) {
			t.Errorf("the rendered config lacks a value:\n%s", strings.ReplaceAll(r.out, password, "<the password>"))
		}
	}
	if strings.Contains(r.out, "secret://") {
		t.Error("a reference is left in the rendered config")
	}
}

// TestAJobCannotReadAnotherScope: a job's own identity, in
// CABINET_IDENTITY, reads its scope only; a reference outside it, or to a
// secret that does not exist, stops the job before it starts.
func TestAJobCannotReadAnotherScope(t *testing.T) {
	t.Parallel()
	u := fileUser(t)
	u.must("prod-Canary-9f8e7d", "set", "prod/warehouse/etl-password", "--owner", "data-platform")
	u.must("dev-Canary-1b2c3d", "set", "dev/warehouse/etl-password", "--owner", "data-platform")
	jobKey := filepath.Join(u.home, "job.key")
	pub := strings.TrimSpace(u.must("", "identity", "new", "--file", jobKey).out)
	u.must("", "members", "add", "etl-dev", pub, "--scope", "dev/")
	key, err := os.ReadFile(jobKey)
	if err != nil {
		t.Fatal(err)
	}
	var secretKey string
	for _, line := range strings.Split(string(key), "\n") {
		if strings.HasPrefix(line, "AGE-SECRET-KEY-1") {
			secretKey = line
		}
	}
	job := &user{t: t, home: u.home, env: append(withoutIdentity(u.env), "CABINET_IDENTITY="+secretKey)}
	marker := filepath.Join(u.home, "started")
	start := []string{"run", "--", "sh", "-c", "touch " + marker}
	envFile := filepath.Join(u.home, "job.env")

	os.WriteFile(envFile, []byte("PGPASSWORD=secret://dev/warehouse/etl-password\n"), 0o600)
	if r := job.run("", append([]string{"run", "--env-file", envFile}, start[1:]...)...); r.code != 0 {
		t.Fatalf("its own scope: exit %d: %s", r.code, r.err)
	}
	os.Remove(marker)
	for _, tc := range []struct {
		env, says string
		code      int
	}{
		{"PGPASSWORD=secret://prod/warehouse/etl-password\n", "PGPASSWORD: secret://prod/warehouse/etl-password", 4},
		{"PGPASSWORD=secret://dev/warehouse/missing\n", "PGPASSWORD: secret://dev/warehouse/missing", 3},
	} {
		os.WriteFile(envFile, []byte(tc.env), 0o600)
		r := job.run("", append([]string{"run", "--env-file", envFile}, start[1:]...)...)
		if r.code != tc.code || !strings.Contains(r.err, tc.says) || strings.Count(r.err, "\n") != 1 {
			t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.err, tc.code, tc.says)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Fatal("the job started")
		}
	}
}

// withoutIdentity is env less the identity file, so that CABINET_IDENTITY
// is the job's.
func withoutIdentity(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "CABINET_IDENTITY_FILE=") {
			out = append(out, kv)
		}
	}
	return out
}
