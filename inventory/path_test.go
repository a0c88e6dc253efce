package inventory_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
)

var envs = inventory.DefaultEnvironments

func TestValidatePath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		path    string
		envs    []string
		wantErr string // "" means valid; else a substring of the error
	}{
		{name: "three segments", path: "prod/db/password"},
		{name: "two segments", path: "dev/token"},
		{name: "eight segments", path: "prod/a/b/c/d/e/f/g"},
		{name: "digits, dot, dash, underscore", path: "stg/s3-bucket/key_id.v2"},
		{name: "starts with a digit", path: "prod/9lives/x"},
		{name: "dots inside a segment are not traversal", path: "prod/a..b/c"},
		{name: "segment of 64 characters", path: "prod/" + strings.Repeat("a", 64)},
		{name: "any environment when the store names none", path: "qa/x", envs: []string{}},

		{name: "empty", path: "", wantErr: `""`},
		{name: "one segment", path: "prod", wantErr: "2 to 8 segments"},
		{name: "nine segments", path: "prod/a/b/c/d/e/f/g/h", wantErr: "2 to 8 segments"},
		{name: "parent", path: "..", wantErr: "2 to 8 segments"},
		{name: "parent inside", path: "prod/../etc/passwd", wantErr: "segment 2"},
		{name: "current dir inside", path: "prod/./x", wantErr: "segment 2"},
		{name: "absolute", path: "/prod/db", wantErr: "segment 1 is empty"},
		{name: "upper case environment", path: "Prod/x", wantErr: "segment 1"},
		{name: "upper case later", path: "prod/DB/x", wantErr: "segment 2"},
		{name: "empty segment", path: "prod//x", wantErr: "segment 2 is empty"},
		{name: "trailing slash", path: "prod/db/", wantErr: "segment 3 is empty"},
		{name: "starts with dot", path: "prod/.hidden", wantErr: "must start with a lower-case letter or digit"},
		{name: "starts with dash", path: "prod/-x", wantErr: "must start with a lower-case letter or digit"},
		{name: "starts with underscore", path: "prod/_x", wantErr: "must start with a lower-case letter or digit"},
		{name: "space", path: "prod/my key", wantErr: "may hold only"},
		{name: "backslash", path: `prod/a\b`, wantErr: "may hold only"},
		{name: "newline", path: "prod/a\nb", wantErr: `\n`},
		{name: "NUL", path: "prod/a\x00b", wantErr: `\x00`},
		{name: "escape", path: "prod/a\x1b[31m", wantErr: `\x1b`},
		{name: "non-ASCII", path: "prod/pässword", wantErr: "may hold only"},
		{name: "segment of 65 characters", path: "prod/" + strings.Repeat("a", 65), wantErr: "longer than 64"},
		{name: "unknown environment", path: "qa/db/password", wantErr: `"qa" is not an environment of this store (dev, stg, prod)`},
		{name: "environment of another store", path: "prod/x", envs: []string{"dev"}, wantErr: "not an environment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := envs
			if tt.envs != nil {
				e = tt.envs
			}
			err := inventory.ValidatePath(tt.path, e)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidatePath(%q) = %v, want nil", tt.path, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("ValidatePath(%q) = nil, want an error", tt.path)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.wantErr) {
				t.Errorf("ValidatePath(%q) = %q, want it to mention %q", tt.path, msg, tt.wantErr)
			}
			if !strings.HasPrefix(msg, "invalid secret path ") {
				t.Errorf("error %q does not say what is wrong up front", msg)
			}
			if strings.ContainsAny(msg, "\x00\n\x1b") {
				t.Errorf("error %q holds a raw control character", msg)
			}
		})
	}
}

func TestEnvironment(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{"prod/db/password": "prod", "dev/x": "dev", "single": "single"} {
		if got := inventory.Environment(path); got != want {
			t.Errorf("Environment(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestParseRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ref      string
		wantPath string
		wantSel  inventory.Selector
		wantErr  string
	}{
		{ref: "prod/db/password", wantPath: "prod/db/password"},
		{ref: "prod/db/password@current", wantPath: "prod/db/password", wantSel: inventory.Selector{State: inventory.Current}},
		{ref: "prod/db/password@previous", wantPath: "prod/db/password", wantSel: inventory.Selector{State: inventory.Previous}},
		{ref: "prod/db/password@retired", wantPath: "prod/db/password", wantSel: inventory.Selector{State: inventory.Retired}},
		{ref: "prod/db/password#3", wantPath: "prod/db/password", wantSel: inventory.Selector{Number: 3}},
		{ref: "prod/db/password#12", wantPath: "prod/db/password", wantSel: inventory.Selector{Number: 12}},
		{ref: "secret://prod/db/password", wantPath: "prod/db/password"},
		{ref: "secret://prod/db/password@pending", wantPath: "prod/db/password", wantSel: inventory.Selector{State: inventory.Pending}},
		{ref: "secret://prod/db/password#1", wantPath: "prod/db/password", wantSel: inventory.Selector{Number: 1}},

		{ref: "prod/db/password@latest", wantErr: `unknown state "latest"`},
		{ref: "prod/db/password@Current", wantErr: `unknown state "Current"`},
		{ref: "prod/db/password@", wantErr: `unknown state ""`},
		{ref: "prod/db/password@current#2", wantErr: "unknown state"},
		{ref: "prod/db/password#0", wantErr: `"0" is not a version number`},
		{ref: "prod/db/password#-1", wantErr: `"-1" is not a version number`},
		{ref: "prod/db/password#+1", wantErr: `"+1" is not a version number`},
		{ref: "prod/db/password#x", wantErr: `"x" is not a version number`},
		{ref: "prod/db/password#", wantErr: `"" is not a version number`},
		{ref: "prod/db/password#1.5", wantErr: "not a version number"},
		{ref: "prod/db/password#99999999999999999999", wantErr: "not a version number"},
		{ref: "prod/db/password#2@current", wantErr: "not a version number"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			t.Parallel()
			path, sel, err := inventory.ParseRef(tt.ref)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseRef(%q) = %q, %+v, nil; want an error", tt.ref, path, sel)
				}
				if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "invalid reference") {
					t.Errorf("ParseRef(%q) error = %q, want it to mention %q", tt.ref, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseRef(%q) = %v", tt.ref, err)
			}
			if path != tt.wantPath || sel != tt.wantSel {
				t.Errorf("ParseRef(%q) = %q, %+v; want %q, %+v", tt.ref, path, sel, tt.wantPath, tt.wantSel)
			}
		})
	}
}

func TestSelectorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sel  inventory.Selector
		want string
	}{
		{inventory.Selector{}, "@current"},
		{inventory.Selector{State: inventory.Pending}, "@pending"},
		{inventory.Selector{Number: 7}, "#7"},
	}
	for _, tt := range tests {
		if got := tt.sel.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.sel, got, tt.want)
		}
	}
}

// FuzzValidatePath checks that ValidatePath never panics and that whatever it
// accepts is a safe, well-formed secret path.
func FuzzValidatePath(f *testing.F) {
	for _, seed := range []string{
		"prod/db/password", "dev/x", "prod/a/b/c/d/e/f/g", "prod/a/b/c/d/e/f/g/h",
		"", "/", "..", "../x", "prod/../x", "/prod/db", "Prod/x", "prod//x", "prod/x/",
		"prod/.x", "prod/-x", "prod/_x", "prod/a\x00b", "prod/a\nb", "qa/x", "prod/a..b",
		"prod/\u00e9", "prod\\x", "prod/" + strings.Repeat("a", 65),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if inventory.ValidatePath(p, envs) != nil {
			return
		}
		segs := strings.Split(p, "/")
		if len(segs) < inventory.MinSegments || len(segs) > inventory.MaxSegments {
			t.Fatalf("accepted %q with %d segments", p, len(segs))
		}
		for _, s := range segs {
			if !segmentOK(s) {
				t.Fatalf("accepted %q: segment %q is outside [a-z0-9][a-z0-9._-]*", p, s)
			}
			if s == "." || s == ".." {
				t.Fatalf("accepted %q with a %q segment", p, s)
			}
		}
		if strings.HasPrefix(p, "/") || strings.Contains(p, "\x00") || strings.Contains(p, "\\") {
			t.Fatalf("accepted unsafe path %q", p)
		}
		if !filepath.IsLocal(p) || filepath.Clean(p) != filepath.FromSlash(p) {
			t.Fatalf("accepted %q, which does not stay a plain path below the store", p)
		}
		found := false
		for _, e := range envs {
			found = found || segs[0] == e
		}
		if !found {
			t.Fatalf("accepted %q outside the environments %v", p, envs)
		}
	})
}

func segmentOK(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if i == 0 && !alnum || !alnum && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// FuzzParseRef checks that ParseRef never panics, that what it accepts is
// consistent, and that a selector written back with String parses the same.
func FuzzParseRef(f *testing.F) {
	for _, seed := range []string{
		"prod/db/password", "p@previous", "p#3", "secret://p@pending", "p@bogus", "p#0", "p#-1",
		"p#x", "p#", "p@", "@current", "#1", "secret://", "secret://secret://p", "p#+1", "p@current#2",
		"p#99999999999999999999", "p#\x00",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		path, sel, err := inventory.ParseRef(ref)
		if err != nil {
			if path != "" || sel != (inventory.Selector{}) {
				t.Fatalf("ParseRef(%q) failed but returned %q, %+v", ref, path, sel)
			}
			return
		}
		if strings.ContainsAny(path, "@#") {
			t.Fatalf("ParseRef(%q) left a selector in the path %q", ref, path)
		}
		if sel.State != "" && sel.Number != 0 {
			t.Fatalf("ParseRef(%q) chose both a state and a number: %+v", ref, sel)
		}
		if sel.State != "" && !sel.State.Valid() {
			t.Fatalf("ParseRef(%q) gave unknown state %q", ref, sel.State)
		}
		if sel.Number < 0 {
			t.Fatalf("ParseRef(%q) gave negative number %d", ref, sel.Number)
		}
		if sel == (inventory.Selector{}) {
			if want := strings.TrimPrefix(ref, "secret://"); path != want {
				t.Fatalf("ParseRef(%q) path = %q, want %q", ref, path, want)
			}
			return
		}
		path2, sel2, err := inventory.ParseRef("secret://" + path + sel.String())
		if err != nil || path2 != path || sel2 != sel {
			t.Fatalf("round trip of %q: got %q, %+v, %v; want %q, %+v", ref, path2, sel2, err, path, sel)
		}
	})
}
