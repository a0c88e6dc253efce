package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// exportStore holds secrets whose values need each kind of quoting, one
// outside the prefix and one without a value.
func exportStore(t *testing.T) *env {
	e := newEnv(t)
	e.setup()
	e.must("", "import", e.file("s.json", `[
	  {"path": "prod/etl/db-password", "owner": "data-platform", "every": "90d", "description": "ETL login", "tags": ["etl", "warehouse"], "value": "p@ss w'rd \"$HOME\" \\ end"},
	  {"path": "prod/etl/api-token", "owner": "growth", "value": "abc123"},
	  {"path": "prod/etl/cert.pem", "owner": "data-platform", "value": "-----BEGIN-----\nxyz\n-----END-----\n"},
	  {"path": "prod/etl/quoted", "owner": "data-platform", "value": "a b#c"},
	  {"path": "prod/etl/pending", "owner": "data-platform"},
	  {"path": "prod/other/token", "owner": "data-platform", "value": "elsewhere"}]`))
	return e
}

var exportValues = map[string]string{
	"DB_PASSWORD": "p@ss w'rd \"$HOME\" \\ end",
	"API_TOKEN":   "abc123",
	"CERT_PEM":    "-----BEGIN-----\nxyz\n-----END-----\n",
	"QUOTED":      "a b#c",
}

func TestExportDotenvReadsBackExactly(t *testing.T) {
	e := exportStore(t)
	r := e.must("", "export", "prod/etl/", "--format", "dotenv")
	if !strings.Contains(r.err, "warning: prod/etl/pending has no current value: left out") || !strings.Contains(r.err, "exported 4 secrets") {
		t.Fatalf("stderr %q", r.err)
	}
	if !strings.Contains(r.out, "API_TOKEN=abc123\n") || strings.Contains(r.out, "elsewhere") || strings.Contains(r.out, "PENDING") {
		t.Fatalf("dotenv:\n%s", r.out)
	}
	// What dotenv wrote, import reads back to the same values.
	e.must("", "import", e.file("back.env", r.out), "--prefix", "stg/etl", "--owner", "data-platform")
	for key, want := range exportValues {
		path := "stg/etl/" + strings.ReplaceAll(strings.ToLower(key), "_", "-")
		if got := e.must("", "get", path).out; got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	// Each read is in the audit log.
	if audit := e.must("", "audit", "--json").out; strings.Count(audit, `"action":"read"`) < 4 {
		t.Errorf("the export's reads are not audited:\n%s", audit)
	}
}

func TestExportK8s(t *testing.T) {
	e := exportStore(t)
	r := e.must("", "export", "prod/etl", "--format", "k8s")
	var m struct {
		APIVersion string            `yaml:"apiVersion"`
		Kind       string            `yaml:"kind"`
		Metadata   map[string]string `yaml:"metadata"`
		Type       string            `yaml:"type"`
		Data       map[string]string `yaml:"data"`
	}
	if err := yaml.Unmarshal([]byte(r.out), &m); err != nil {
		t.Fatalf("%v:\n%s", err, r.out)
	}
	if m.APIVersion != "v1" || m.Kind != "Secret" || m.Metadata["name"] != "prod-etl" || m.Type != "Opaque" || len(m.Data) != len(exportValues) {
		t.Fatalf("manifest:\n%s", r.out)
	}
	for key, want := range exportValues {
		got, err := base64.StdEncoding.DecodeString(m.Data[key])
		if err != nil || string(got) != want {
			t.Errorf("data.%s = %q (%v), want %q", key, got, err, want)
		}
	}
	if r := e.must("", "export", "prod/etl", "--format", "k8s", "--name", "etl-secrets"); !strings.Contains(r.out, "name: etl-secrets\n") {
		t.Fatalf("--name:\n%s", r.out)
	}
	if r := e.run("", "export", "prod/etl", "--format", "k8s", "--name", "Bad_Name"); r.code != ExitUsage {
		t.Fatalf("a bad --name: exit %d", r.code)
	}
	if r := e.run("", "export", "--format", "k8s"); r.code != ExitUsage || !strings.Contains(r.err, "--name") {
		t.Fatalf("no prefix, no --name: exit %d %q", r.code, r.err)
	}
}

// export --format json, imported into a fresh store, gives the same paths,
// metadata and values.
func TestExportImportRoundTrip(t *testing.T) {
	e := exportStore(t)
	r := e.must("", "export", "prod", "--format", "json")
	var list struct {
		Secrets []exportEntry `json:"secrets"`
	}
	if err := json.Unmarshal([]byte(r.out), &list); err != nil || len(list.Secrets) != 6 {
		t.Fatalf("json (%v):\n%s", err, r.out)
	}
	fresh := newEnv(t)
	fresh.keyring = e.keyring // the same member, a new store
	fresh.vars["CABINET_STORE"] = filepath.Join(fresh.dir, "fresh")
	fresh.now = e.now.Add(time.Hour)
	fresh.must("", "init")
	fresh.must("", "import", e.file("export.json", r.out))

	ls := func(e *env) []lsEntry {
		var l []lsEntry
		if err := json.Unmarshal([]byte(e.must("", "ls", "--json").out), &l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	a, b := ls(e), ls(fresh)
	if len(a) != len(b) {
		t.Fatalf("%d secrets, then %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Path != b[i].Path || a[i].Owner != b[i].Owner || a[i].Every != b[i].Every || a[i].Description != b[i].Description ||
			strings.Join(a[i].Tags, ",") != strings.Join(b[i].Tags, ",") || (a[i].Version == nil) != (b[i].Version == nil) {
			t.Errorf("%+v\nbecame %+v", a[i], b[i])
		}
		if a[i].Version != nil {
			if x, y := e.must("", "get", a[i].Path).out, fresh.must("", "get", b[i].Path).out; x != y {
				t.Errorf("%s: value %q became %q", a[i].Path, x, y)
			}
		}
	}
}

func TestExportRefusesATerminal(t *testing.T) {
	e := exportStore(t)
	before := snapshotStore(t, e.store())
	var out, errb bytes.Buffer
	a := &App{
		In: strings.NewReader(""), Out: &out, Err: &errb,
		Getenv:   func(k string) string { return e.vars[k] },
		Now:      func() time.Time { return e.now },
		Keyring:  e.keyring,
		Terminal: func(s any) bool { return s == any(&out) },
	}
	if code := Run(a, []string{"export", "prod/etl", "--format", "dotenv"}); code != ExitUsage {
		t.Fatalf("exit %d", code)
	}
	if out.Len() != 0 || strings.Count(errb.String(), "\n") != 1 || !strings.Contains(errb.String(), "--force") {
		t.Fatalf("out %q, err %q", out.String(), errb.String())
	}
	if snapshotStore(t, e.store()) != before {
		t.Fatal("a refused export read values (the audit log changed)")
	}
	errb.Reset()
	if code := Run(a, []string{"export", "prod/etl", "--format", "dotenv", "--force"}); code != ExitOK || !strings.Contains(out.String(), "API_TOKEN=abc123") {
		t.Fatalf("--force: exit %d, %q", code, errb.String())
	}
}

func TestExportErrors(t *testing.T) {
	e := exportStore(t)
	if r := e.run("", "export", "prod/etl"); r.code != ExitUsage || !strings.Contains(r.err, "--format") {
		t.Fatalf("no --format: exit %d %q", r.code, r.err)
	}
	if r := e.run("", "export", "dev/none", "--format", "json"); r.code != ExitNotFound {
		t.Fatalf("an empty prefix: exit %d %q", r.code, r.err)
	}
	e.must("", "import", e.file("clash.json", `[{"path": "prod/etl/db_password", "owner": "o", "value": "x"}]`))
	if r := e.run("", "export", "prod/etl", "--format", "dotenv"); r.code != ExitUsage || !strings.Contains(r.err, "would both be DB_PASSWORD") || r.out != "" {
		t.Fatalf("two secrets with one key: exit %d %q", r.code, r.err)
	}
}
