package inventory

import (
	"errors"
	"strings"
	"testing"
)

func TestImportListShapes(t *testing.T) {
	want := "prod/db/password"
	for name, list := range map[string]string{
		"secrets map":    `{"secrets": [{"path": "db/password", "env": "prod", "owner": "data-platform", "rotation_days": 90}]}`,
		"array":          `[{"path": "prod/db/password", "owner": "data-platform", "every": "90d"}]`,
		"map of paths":   `{"prod/db/password": {"owner": "data-platform", "rotation_days": 90}}`,
		"yaml":           "secrets:\n  - path: db/password\n    env: prod\n    owner: data-platform\n    every: 90d\n",
		"name for path":  `[{"name": "db/password", "env": "prod", "owner": "data-platform", "rotation_days": 90}]`,
		"env in path":    `[{"path": "prod/db/password", "env": "prod", "owner": "data-platform", "rotation_days": 90}]`,
		"yaml path keys": "db/password:\n  env: prod\n  owner: data-platform\n  rotation_days: 90\n",
	} {
		t.Run(name, func(t *testing.T) {
			entries, err := ParseImportList([]byte(list), DefaultEnvironments, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 {
				t.Fatalf("%d entries", len(entries))
			}
			e := entries[0]
			if e.Path != want || e.Owner != "data-platform" || e.Every == nil || e.Every.String() != "90d" || e.Value != nil {
				t.Fatalf("entry = %+v", e)
			}
		})
	}
}

func TestImportListMetadataAndValue(t *testing.T) {
	entries, err := ParseImportList([]byte(`[
	  {"path": "stg/api/token", "owner": "growth", "description": "partner API", "tags": ["partner", "billing"], "runbook": "api-token", "value": "tok-1"},
	  {"path": "stg/api/key", "owner": "growth", "tags": "a, b", "rotation_days": 0}
	]`), DefaultEnvironments, "")
	if err != nil {
		t.Fatal(err)
	}
	e := entries[0]
	if *e.Description != "partner API" || strings.Join(*e.Tags, ",") != "partner,billing" || *e.Runbook != "api-token" || string(e.Value) != "tok-1" {
		t.Fatalf("entry 1 = %+v", e)
	}
	if strings.Join(*entries[1].Tags, ",") != "a,b" || !entries[1].Every.IsZero() {
		t.Fatalf("entry 2 = %+v", entries[1])
	}
}

func TestImportListDefaultEnv(t *testing.T) {
	entries, err := ParseImportList([]byte(`[{"path": "db/password", "owner": "o"}, {"path": "dev/x", "owner": "o"}]`), DefaultEnvironments, "stg")
	if err != nil {
		t.Fatal(err)
	}
	if entries[0].Path != "stg/db/password" || entries[1].Path != "dev/x" {
		t.Fatalf("paths %s, %s", entries[0].Path, entries[1].Path)
	}
}

// A bad entry is one line naming the entry and the field, and never
// quotes a value.
func TestImportListBadEntries(t *testing.T) {
	for _, c := range []struct{ list, want string }{
		{`[{"path": "prod/db/password", "owner": "o", "value": "SEKRET"}, {"path": "prod/Bad Path", "owner": "o", "value": "SEKRET"}]`, `entry 2 (prod/Bad Path): path: invalid secret path`},
		{`[{"path": "db/password", "owner": "o", "value": "SEKRET"}]`, `entry 1 (db/password): path: invalid secret path "db/password": "db" is not an environment`},
		{`[{"path": "prod/db/password", "value": "SEKRET"}]`, `entry 1 (prod/db/password): owner: missing`},
		{`[{"path": "prod/db/password", "owner": "o", "colour": "SEKRET"}]`, `entry 1 (prod/db/password): unknown field "colour"`},
		{`{"prod/x": {"owner": "o", "rotation_days": "SEKRET"}}`, `entry 1 (prod/x): rotation_days: a whole number of days`},
		{`[{"path": "prod/x", "owner": "o", "every": "soon"}]`, `entry 1 (prod/x): every: invalid rotation period "soon"`},
		{`[{"path": "prod/x", "owner": "o", "every": "9d", "rotation_days": 9}]`, `entry 1 (prod/x): rotation_days and every`},
		{`[{"path": "x", "env": "qa", "owner": "o"}]`, `entry 1 (x): env: "qa" is not an environment`},
		{`[{"path": "dev/x", "env": "prod", "owner": "o"}]`, `entry 1 (dev/x): env: "prod", but the path is in "dev"`},
		{`[{"path": "prod/x", "owner": "o", "value": ""}]`, `entry 1 (prod/x): value: empty`},
		{`[{"path": "prod/x", "owner": "o"}, {"path": "x", "env": "prod", "owner": "o"}]`, `entry 2 (prod/x): path: the same secret as entry 1`},
		{`[{"path": "prod/x", "owner": "o", "value": ["SEKRET"]}]`, `entry 1 (prod/x): value: a single value`},
		{`[{"path": "prod/x", "owner": "o\u001b[31m"}]`, `entry 1 (prod/x): owner`},
		{`"SEKRET"`, `an import list is an array`},
		{`[{"path": "prod/x", "owner": "o", "value": "SEKRET"`, `not JSON or YAML`},
	} {
		_, err := ParseImportList([]byte(c.list), DefaultEnvironments, "")
		if err == nil {
			t.Errorf("%s: no error", c.list)
			continue
		}
		if !errors.Is(err, ErrBadImport) && !errors.Is(err, ErrNotPlainText) {
			t.Errorf("%s: %v is not ErrBadImport", c.list, err)
		}
		if msg := err.Error(); !strings.Contains(msg, c.want) || strings.Contains(msg, "SEKRET") || strings.Contains(msg, "\n") {
			t.Errorf("%s:\n got %q\nwant %q, on one line, without the value", c.list, msg, c.want)
		}
	}
}

func TestParseDotenv(t *testing.T) {
	_, err := ParseDotenv([]byte("# a comment\n\nexport DB_PASSWORD=\"p@ss \\\"w\\\"\\nline2 \\$HOME\"\nAPI_TOKEN = abc123 # inline comment\r\nSINGLE='it''s not' \nRAW='a \"b\" \\n $c' # c\nEMPTY_HASH=a#b\n"))
	if err == nil {
		t.Fatal("two single-quoted strings on one line: no error")
	}
	if !strings.Contains(err.Error(), "line 5: SINGLE: text after the closing quote") || strings.Contains(err.Error(), "not") {
		t.Fatalf("error %q", err)
	}
	vars, err := ParseDotenv([]byte("# a comment\n\nexport DB_PASSWORD=\"p@ss \\\"w\\\"\\nline2 \\$HOME\"\nAPI_TOKEN = abc123 # inline comment\r\nRAW='a \"b\" \\n $c' # c\nEMPTY_HASH=a#b\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, v := range vars {
		got[v.Key] = string(v.Value)
	}
	want := map[string]string{
		"DB_PASSWORD": "p@ss \"w\"\nline2 $HOME",
		"API_TOKEN":   "abc123",
		"RAW":         `a "b" \n $c`,
		"EMPTY_HASH":  "a#b",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("vars %v", got)
	}
}

func TestParseDotenvErrorsNameTheLine(t *testing.T) {
	for text, want := range map[string]string{
		"A=1\nnot a line SEKRET\n": "line 2: not KEY=VALUE",
		"A=\"SEKRET\n":             "line 1: A: the double quote is not closed",
		"A='SEKRET\n":              "line 1: A: the single quote is not closed",
		"A=1\nA=SEKRET\n":          "line 2: A is set already on line 1",
		"1A=SEKRET\n":              "line 1: not KEY=VALUE",
	} {
		_, err := ParseDotenv([]byte(text))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "SEKRET") || !errors.Is(err, ErrBadImport) {
			t.Errorf("%q: error %v, want %q without the value", text, err, want)
		}
	}
}

func TestDotenvPathAndEnvKey(t *testing.T) {
	if p := DotenvPath("prod/etl/", "DB_PASSWORD"); p != "prod/etl/db-password" {
		t.Errorf("DotenvPath = %s", p)
	}
	if p := DotenvPath("prod/etl", "API_TOKEN_2"); p != "prod/etl/api-token-2" {
		t.Errorf("DotenvPath = %s", p)
	}
	for _, c := range [][3]string{
		{"prod/etl/", "prod/etl/db-password", "DB_PASSWORD"},
		{"prod/etl", "prod/etl/warehouse/api.key", "WAREHOUSE_API_KEY"},
		{"", "prod/db/password", "PROD_DB_PASSWORD"},
		{"prod/et", "prod/etl/x", "PROD_ETL_X"},
	} {
		if k := EnvKey(c[0], c[1]); k != c[2] {
			t.Errorf("EnvKey(%q, %q) = %s, want %s", c[0], c[1], k, c[2])
		}
	}
}

func TestParsePassageEntry(t *testing.T) {
	p, err := ParsePassageEntry([]byte("hunter2\nowner: data-platform\nurl: https://db\ndescription: the ETL login\ntags: etl, warehouse\n"))
	if err != nil {
		t.Fatal(err)
	}
	if string(p.Value) != "hunter2" || p.Owner != "data-platform" || *p.Description != "the ETL login" || strings.Join(*p.Tags, ",") != "etl,warehouse" {
		t.Fatalf("entry = %+v", p)
	}
	if len(p.Ignored) != 1 || p.Ignored[0] != 3 {
		t.Fatalf("ignored lines %v, want [3]", p.Ignored)
	}
	if _, err := ParsePassageEntry([]byte("\nowner: x\n")); err == nil || !errors.Is(err, ErrBadImport) {
		t.Fatalf("empty first line: %v", err)
	}
}

// FuzzImportList: any input either parses to entries that are valid
// secrets (a path of the store, an owner, plain metadata) or is one line
// of error that never quotes a value.
func FuzzImportList(f *testing.F) {
	f.Add([]byte(`{"secrets": [{"path": "db/password", "env": "prod", "owner": "data-platform", "rotation_days": 90}]}`))
	f.Add([]byte(`[{"path": "prod/x", "owner": "o", "tags": ["a"], "value": "SEKRET"}]`))
	f.Add([]byte("prod/x:\n  owner: o\n  every: 2w\n  value: SEKRET\n"))
	f.Add([]byte(`[{"name": "x", "env": "dev", "owner": "o", "description": "d", "runbook": "r"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := ParseImportList(data, DefaultEnvironments, "")
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error on two lines: %q", err)
			}
			if strings.Contains(string(data), `"value": "SEKRET"`) && strings.Contains(err.Error(), "SEKRET") {
				t.Fatalf("error quotes the value: %q", err)
			}
			return
		}
		for _, e := range entries {
			if err := ValidatePath(e.Path, DefaultEnvironments); err != nil {
				t.Fatalf("entry with a bad path: %v", err)
			}
			if e.Owner == "" {
				t.Fatalf("entry %s without an owner", e.Path)
			}
			if err := e.Change().Apply(&Secret{Path: e.Path}); err != nil {
				t.Fatalf("entry %s: %v", e.Path, err)
			}
			if e.Value != nil && len(e.Value) == 0 {
				t.Fatalf("entry %s with an empty value", e.Path)
			}
		}
	})
}
