package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// freshStore is a new, empty store for the same member as e (the same
// identity), to import an export into.
func freshStore(t *testing.T, e *env) *env {
	t.Helper()
	fresh := newEnv(t)
	fresh.keyring = e.keyring
	fresh.vars["CABINET_STORE"] = filepath.Join(fresh.dir, "fresh")
	fresh.now = e.now.Add(time.Hour)
	fresh.must("", "init")
	return fresh
}

// export --format dotenv of a prefix, imported with the same --prefix into
// a fresh store, gives the same paths and the same values, whatever
// quoting each value needed. (A path whose last part holds . or _ comes
// back with -: DB_PASSWORD is all a .env file keeps of its name.)
func TestExportDotenvRoundTripIntoAFreshStore(t *testing.T) {
	e := newEnv(t)
	e.setup()
	values := map[string]string{
		"prod/etl/db-password":   "p@ss w'rd \"$HOME\" \\ `id` end",
		"prod/etl/api-token":     "abc123",
		"prod/etl/cert-pem":      "-----BEGIN-----\nxyz\r\n-----END-----\n",
		"prod/etl/hash-in-it":    "a b#c # d",
		"prod/etl/leading-eq":    "=leading equals=",
		"prod/etl/single-quotes": "it's 'quoted'",
	}
	for path, v := range values {
		e.must(v, "set", path, "--owner", "data-platform")
	}
	e.must("elsewhere", "set", "prod/other/token", "--owner", "data-platform")
	r := e.must("", "export", "prod/etl/", "--format", "dotenv")
	if strings.Contains(r.out, "elsewhere") || strings.Count(r.out, "\n") != len(values) {
		t.Fatalf("dotenv:\n%s", r.out)
	}
	fresh := freshStore(t, e)
	fresh.must("", "import", fresh.file("etl.env", r.out), "--prefix", "prod/etl/", "--owner", "data-platform")
	ls := fresh.lsJSON()
	if len(ls) != len(values) {
		t.Fatalf("the fresh store holds %d secrets: %+v", len(ls), ls)
	}
	for path, want := range values {
		if _, ok := ls[path]; !ok {
			t.Errorf("%s is not in the fresh store", path)
			continue
		}
		if got := fresh.must("", "get", path).out; got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
}

// export --format json of a prefix, imported into a fresh store, gives the
// same paths, metadata and values, a secret without a value included.
func TestExportJSONOfAPrefixRoundTrip(t *testing.T) {
	e := exportStore(t)
	r := e.must("", "export", "prod/etl", "--format", "json")
	fresh := freshStore(t, e)
	fresh.must("", "import", fresh.file("etl.json", r.out))
	a, b := e.lsJSON(), fresh.lsJSON()
	delete(a, "prod/other/token")
	if len(a) != 5 || len(b) != len(a) {
		t.Fatalf("%d secrets under the prefix, %d imported", len(a), len(b))
	}
	for path, x := range a {
		y, ok := b[path]
		if !ok || x.Owner != y.Owner || x.Every != y.Every || x.Description != y.Description || x.Status != y.Status ||
			strings.Join(x.Tags, ",") != strings.Join(y.Tags, ",") {
			t.Errorf("%+v\nbecame %+v", x, y)
			continue
		}
		if x.Version != nil {
			if v, w := e.must("", "get", path).out, fresh.must("", "get", path).out; v != w {
				t.Errorf("%s: value %q became %q", path, v, w)
			}
		}
	}
}

// No format prints values to a terminal without --force, and a refusal
// reads nothing; with --force each one does.
func TestExportRefusesATerminalInEveryFormat(t *testing.T) {
	e := exportStore(t)
	for _, format := range exportFormats {
		t.Run(format, func(t *testing.T) {
			before := snapshotStore(t, e.store())
			var out, errb bytes.Buffer
			a := &App{
				In: strings.NewReader(""), Out: &out, Err: &errb,
				Getenv:   func(k string) string { return e.vars[k] },
				Now:      func() time.Time { return e.now },
				Keyring:  e.keyring,
				Terminal: func(s any) bool { return s == any(&out) },
			}
			if code := Run(a, []string{"export", "prod/etl", "--format", format}); code != ExitUsage {
				t.Fatalf("exit %d, stderr %q", code, errb.String())
			}
			if out.Len() != 0 || strings.Count(errb.String(), "\n") != 1 || !strings.Contains(errb.String(), "--force") || strings.Contains(errb.String(), "abc123") {
				t.Fatalf("out %q, err %q", out.String(), errb.String())
			}
			if snapshotStore(t, e.store()) != before {
				t.Fatal("a refused export read values (the audit log changed)")
			}
			errb.Reset()
			if code := Run(a, []string{"export", "prod/etl", "--format", format, "--force"}); code != ExitOK || out.Len() == 0 {
				t.Fatalf("--force: exit %d, %q", code, errb.String())
			}
			// abc123 is API_TOKEN's value: base64 in a k8s Secret.
			if want := map[string]string{"dotenv": "API_TOKEN=abc123", "json": `"value": "abc123"`, "k8s": "API_TOKEN: YWJjMTIz"}[format]; !strings.Contains(out.String(), want) {
				t.Fatalf("--force printed:\n%s", out.String())
			}
		})
	}
}
