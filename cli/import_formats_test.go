package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// lsJSON is what `cabinet ls --json` says of every secret, by path.
func (e *env) lsJSON() map[string]lsEntry {
	e.t.Helper()
	var l []lsEntry
	if err := json.Unmarshal([]byte(e.must("", "ls", "--json").out), &l); err != nil {
		e.t.Fatal(err)
	}
	m := map[string]lsEntry{}
	for _, x := range l {
		m[x.Path] = x
	}
	return m
}

// Every shape of inventory list, in JSON and in YAML, imported by the
// command: an array, a map of path to entry and {"secrets": [...]}. Each
// one names the same two secrets with every field (path or name, env,
// owner, rotation_days or every, description, tags, value), and each
// import into a fresh store makes the same secrets: prod/db/password with
// its owner, a 90-day rotation and no value, and stg/api/token with its
// value.
func TestImportEveryListShape(t *testing.T) {
	for name, c := range map[string]struct{ file, list string }{
		"json array": {"s.json", `[
		  {"path": "db/password", "env": "prod", "owner": "data-platform", "rotation_days": 90, "description": "ETL login", "tags": ["etl", "warehouse"]},
		  {"name": "api/token", "env": "stg", "owner": "growth", "every": "2w", "tags": "partner", "value": "tok-VALUE-1"}]`},
		"json map": {"s.json", `{
		  "prod/db/password": {"owner": "data-platform", "rotation_days": 90, "description": "ETL login", "tags": ["etl", "warehouse"]},
		  "api/token": {"env": "stg", "owner": "growth", "every": "2w", "tags": ["partner"], "value": "tok-VALUE-1"}}`},
		"json secrets": {"s.json", `{"secrets": [
		  {"path": "db/password", "env": "prod", "owner": "data-platform", "rotation_days": 90, "description": "ETL login", "tags": ["etl", "warehouse"]},
		  {"path": "stg/api/token", "owner": "growth", "every": "2w", "tags": ["partner"], "value": "tok-VALUE-1"}]}`},
		"yaml array": {"s.yaml", `
- path: db/password
  env: prod
  owner: data-platform
  rotation_days: 90
  description: ETL login
  tags: [etl, warehouse]
- name: api/token
  env: stg
  owner: growth
  every: 2w
  tags: partner
  value: tok-VALUE-1
`},
		"yaml map": {"s.yml", `
prod/db/password:
  owner: data-platform
  rotation_days: 90
  description: ETL login
  tags: [etl, warehouse]
api/token:
  env: stg
  owner: growth
  every: 2w
  tags: [partner]
  value: tok-VALUE-1
`},
		"yaml secrets": {"s.yaml", `
secrets:
  - path: db/password
    env: prod
    owner: data-platform
    every: 90d
    description: ETL login
    tags:
      - etl
      - warehouse
  - path: api/token
    env: stg
    owner: growth
    every: 2w
    tags: [partner]
    value: tok-VALUE-1
`},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.setup()
			r := e.must("", "import", e.file(c.file, c.list))
			if !strings.Contains(r.out, "created   prod/db/password (no value)\n") || !strings.Contains(r.out, "created   stg/api/token v1\n") ||
				r.err != "imported 2 secrets: 2 created\n" {
				t.Fatalf("import printed %q and %q", r.out, r.err)
			}
			if strings.Contains(r.out+r.err, "tok-VALUE-1") {
				t.Fatalf("import printed a value: %q %q", r.out, r.err)
			}
			ls := e.lsJSON()
			if len(ls) != 2 {
				t.Fatalf("ls: %+v", ls)
			}
			db := ls["prod/db/password"]
			if db.Owner != "data-platform" || db.Every != "90d" || db.Status != "no-value" || db.Version != nil ||
				db.Description != "ETL login" || strings.Join(db.Tags, ",") != "etl,warehouse" {
				t.Errorf("prod/db/password = %+v", db)
			}
			tok := ls["stg/api/token"]
			if tok.Owner != "growth" || tok.Every != "2w" || tok.Version == nil || *tok.Version != 1 || strings.Join(tok.Tags, ",") != "partner" {
				t.Errorf("stg/api/token = %+v", tok)
			}
			if got := e.must("", "get", "stg/api/token").out; got != "tok-VALUE-1" {
				t.Errorf("stg/api/token = %q", got)
			}
			if r := e.run("", "get", "prod/db/password"); r.code != ExitNotFound || r.out != "" {
				t.Errorf("get of the secret without a value: exit %d, %q", r.code, r.out)
			}
		})
	}
}

// --env places a list's entries whose path names no environment.
func TestImportListEnvFlag(t *testing.T) {
	e := newEnv(t)
	e.setup()
	e.must("", "import", e.file("s.json", `[{"path": "db/password", "owner": "o", "rotation_days": 90}, {"path": "dev/x", "owner": "o"}]`), "--env", "stg")
	ls := e.lsJSON()
	if _, ok := ls["stg/db/password"]; !ok || len(ls) != 2 {
		t.Fatalf("ls: %+v", ls)
	}
	if _, ok := ls["dev/x"]; !ok {
		t.Fatalf("ls: %+v", ls)
	}
}

// A .env file imported again changes nothing: not the values, not the
// owner, not the audit log's writes; --update sets the values that differ.
func TestReimportDotenvChangesNothingWithoutUpdate(t *testing.T) {
	e := newEnv(t)
	e.setup()
	file := e.file("etl.env", "DB_PASSWORD=first-pw\nAPI_TOKEN=first-token\n")
	e.must("", "import", file, "--prefix", "prod/etl/", "--owner", "data-platform")
	before := snapshotStore(t, e.store())
	r := e.must("", "import", file, "--prefix", "prod/etl/", "--owner", "data-platform")
	if strings.Count(r.out, "unchanged") != 2 || r.err != "imported 2 secrets: 2 unchanged\n" {
		t.Fatalf("the same import again printed %q and %q", r.out, r.err)
	}
	if after := snapshotStore(t, e.store()); after != before {
		t.Fatalf("the same import again changed the store")
	}
	changed := e.file("etl.env", "DB_PASSWORD=second-pw\nAPI_TOKEN=first-token\nNEW_ONE=new-value\n")
	r = e.must("", "import", changed, "--prefix", "prod/etl/", "--owner", "analytics")
	want := "unchanged prod/etl/db-password (already there: --update changes it)\n" +
		"unchanged prod/etl/api-token (already there: --update changes it)\n" +
		"created   prod/etl/new-one v1\n"
	if r.out != want || r.err != "imported 3 secrets: 1 created, 2 unchanged\n" {
		t.Fatalf("re-import printed %q and %q", r.out, r.err)
	}
	if got := e.must("", "get", "prod/etl/db-password").out; got != "first-pw" {
		t.Fatalf("a re-import without --update changed the value to %q", got)
	}
	if e.showLines("prod/etl/db-password", "owner:") != "owner:       data-platform" {
		t.Fatal("a re-import without --update changed the owner")
	}
	r = e.must("", "import", changed, "--prefix", "prod/etl/", "--update")
	if !strings.Contains(r.out, "set       prod/etl/db-password v2\n") || !strings.Contains(r.out, "unchanged prod/etl/api-token\n") {
		t.Fatalf("--update printed %q", r.out)
	}
	if got := e.must("", "get", "prod/etl/db-password").out; got != "second-pw" {
		t.Fatalf("--update: value %q", got)
	}
	if strings.Contains(r.out+r.err, "second-pw") {
		t.Fatalf("import printed a value: %q %q", r.out, r.err)
	}
}
