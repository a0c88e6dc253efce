package inventory_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
)

func teamRecipients() inventory.Recipients {
	return inventory.Recipients{
		Members: map[string]string{
			"alice":    "age1alice",
			"bob":      "ssh-ed25519 AAAAbob",
			"etl-prod": "age1etl",
			"dba":      "age1dba",
		},
		Scopes: map[string][]string{
			"*":        {"alice"},
			"prod/":    {"alice", "etl-prod"},
			"prod/db/": {"dba", "alice", "dba"},
			"stg/":     {"bob", "alice"},
		},
	}
}

func TestScopeOf(t *testing.T) {
	t.Parallel()
	r := teamRecipients()
	tests := []struct {
		path    string
		want    string
		readers []string
	}{
		{"prod/db/password", "prod/db/", []string{"alice", "dba"}},
		{"prod/db/replica/password", "prod/db/", []string{"alice", "dba"}},
		{"prod/dbx/a", "prod/", []string{"alice", "etl-prod"}},
		{"prod/db", "prod/db/", []string{"alice", "dba"}},
		{"prod/api/token", "prod/", []string{"alice", "etl-prod"}},
		{"stg/api/token", "stg/", []string{"alice", "bob"}},
		{"dev/api/token", "*", []string{"alice"}},
		{"production/x", "*", []string{"alice"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			got, ok := r.ScopeOf(tt.path)
			if got != tt.want || !ok {
				t.Errorf("ScopeOf(%q) = %q, %v; want %q, true", tt.path, got, ok, tt.want)
			}
			if readers := r.ReadersOf(tt.path); !slices.Equal(readers, tt.readers) {
				t.Errorf("ReadersOf(%q) = %v, want %v (sorted, no duplicates)", tt.path, readers, tt.readers)
			}
		})
	}
}

func TestScopeOfWithoutDefault(t *testing.T) {
	t.Parallel()
	r := inventory.Recipients{Members: map[string]string{"a": "age1a"}, Scopes: map[string][]string{"prod/": {"a"}}}
	if scope, ok := r.ScopeOf("dev/x"); ok || scope != "*" {
		t.Errorf("ScopeOf(dev/x) = %q, %v; want \"*\", false", scope, ok)
	}
	if readers := r.ReadersOf("dev/x"); readers != nil {
		t.Errorf("ReadersOf(dev/x) = %v, want nobody", readers)
	}
	if scope, ok := (inventory.Recipients{}).ScopeOf("prod/x"); ok || scope != "*" {
		t.Errorf("ScopeOf on empty recipients = %q, %v", scope, ok)
	}
}

func TestScopeOfMatchesWholeSegments(t *testing.T) {
	t.Parallel()
	// A hand-edited recipients.yaml may leave out the final "/"; such a key
	// still must not reach into a sibling whose name merely starts the same.
	r := inventory.Recipients{Scopes: map[string][]string{"*": {"a"}, "prod/db": {"b"}, "prod": {"c"}}}
	tests := map[string]string{
		"prod/db/password": "prod/db",
		"prod/dbx/a":       "prod",
		"production/x":     "*",
	}
	for path, want := range tests {
		if got, _ := r.ScopeOf(path); got != want {
			t.Errorf("ScopeOf(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestNormalizeScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{in: "*", want: "*"},
		{in: "prod", want: "prod/"},
		{in: "prod/", want: "prod/"},
		{in: "prod/db", want: "prod/db/"},
		{in: "prod/db/", want: "prod/db/"},
		{in: "", wantErr: "segment 1 is empty"},
		{in: "/", wantErr: "segment 1 is empty"},
		{in: "/prod/", wantErr: "segment 1 is empty"},
		{in: "prod//", wantErr: "segment 2 is empty"},
		{in: "prod//db", wantErr: "segment 2 is empty"},
		{in: "Prod/", wantErr: "segment 1"},
		{in: "prod/../", wantErr: "segment 2"},
		{in: "prod/*", wantErr: "segment 2"},
		{in: "**", wantErr: "segment 1"},
		{in: "qa/", wantErr: `"qa" is not an environment`},
	}
	for _, tt := range tests {
		got, err := inventory.NormalizeScope(tt.in, envs)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "invalid scope") {
				t.Errorf("NormalizeScope(%q) = %q, %v; want an error mentioning %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeScope(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		// Normalizing is idempotent.
		if again, err := inventory.NormalizeScope(got, envs); err != nil || again != got {
			t.Errorf("NormalizeScope(%q) = %q, %v; want it unchanged", got, again, err)
		}
	}
	if got, err := inventory.NormalizeScope("qa", nil); err != nil || got != "qa/" {
		t.Errorf("NormalizeScope without environments = %q, %v; want \"qa/\"", got, err)
	}
}

func TestRecipientsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		change  func(r *inventory.Recipients)
		wantErr string
	}{
		{name: "valid", change: func(r *inventory.Recipients) {}},
		{name: "empty store", change: func(r *inventory.Recipients) { *r = inventory.Recipients{} }},
		{name: "bad member name", change: func(r *inventory.Recipients) { r.Members["Eve"] = "age1eve" }, wantErr: `members: invalid member name "Eve"`},
		{name: "member name with a slash", change: func(r *inventory.Recipients) { r.Members["../x"] = "age1x" }, wantErr: "members: invalid member name"},
		{name: "member without key", change: func(r *inventory.Recipients) { r.Members["carol"] = " " }, wantErr: "members: carol has no public key"},
		{name: "scope without members", change: func(r *inventory.Recipients) { r.Scopes["dev/"] = nil }, wantErr: `scopes: "dev/" has no members`},
		{name: "scope names a stranger", change: func(r *inventory.Recipients) { r.Scopes["dev/"] = []string{"mallory"} }, wantErr: `scopes: "dev/" names "mallory", who is not a member`},
		{name: "scope key without final slash", change: func(r *inventory.Recipients) { r.Scopes["dev"] = []string{"bob"} }, wantErr: `scopes: "dev" is not a path prefix`},
		{name: "upper-case scope key", change: func(r *inventory.Recipients) { r.Scopes["Dev/"] = []string{"bob"} }, wantErr: `scopes: "Dev/" is not a path prefix`},
		{name: "empty scope key", change: func(r *inventory.Recipients) { r.Scopes[""] = []string{"bob"} }, wantErr: `scopes: "" is not a path prefix`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := teamRecipients()
			tt.change(&r)
			err := r.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	r := teamRecipients()
	if got, want := r.ScopeNames(), []string{"*", "prod/", "prod/db/", "stg/"}; !slices.Equal(got, want) {
		t.Errorf("ScopeNames = %v, want %v", got, want)
	}
	if got, want := r.MemberNames(), []string{"alice", "bob", "dba", "etl-prod"}; !slices.Equal(got, want) {
		t.Errorf("MemberNames = %v, want %v", got, want)
	}
}

func TestValidateMemberName(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"alice", "etl-prod", "a.b_c", "0"} {
		if err := inventory.ValidateMemberName(ok); err != nil {
			t.Errorf("ValidateMemberName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "Alice", "a/b", "..", "-x", "a b", "a\nb", strings.Repeat("x", 65)} {
		err := inventory.ValidateMemberName(bad)
		if err == nil || !strings.HasPrefix(err.Error(), "invalid member name ") || strings.Contains(err.Error(), "\n") {
			t.Errorf("ValidateMemberName(%q) = %v, want a one-line error", bad, err)
		}
	}
}

func TestLost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		before, after, want []string
	}{
		{[]string{"alice", "bob"}, []string{"alice"}, []string{"bob"}},
		{[]string{"alice", "bob", "carol"}, []string{"carol"}, []string{"alice", "bob"}},
		{[]string{"alice"}, []string{"alice", "bob"}, nil},
		{[]string{"alice"}, []string{"alice"}, nil},
		{nil, []string{"alice"}, nil},
		{[]string{"alice"}, nil, []string{"alice"}},
		{nil, nil, nil},
	}
	for _, tt := range tests {
		if got := inventory.Lost(tt.before, tt.after); !slices.Equal(got, tt.want) {
			t.Errorf("Lost(%v, %v) = %v, want %v", tt.before, tt.after, got, tt.want)
		}
	}
}
