package inventory_test

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// armored stands for an age ciphertext: inventory only checks its framing.
const armored = "-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCg==\n-----END AGE ENCRYPTED FILE-----\n"

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func ver(n int, st inventory.State) inventory.Version {
	return inventory.Version{Number: n, State: st, Created: t0.Add(time.Duration(n) * time.Hour), Author: "alice", Value: armored}
}

func states(s *inventory.Secret) map[int]inventory.State {
	m := map[int]inventory.State{}
	for _, v := range s.Versions {
		m[v.Number] = v.State
	}
	return m
}

func numbers(s *inventory.Secret) []int {
	var ns []int
	for _, v := range s.Versions {
		ns = append(ns, v.Number)
	}
	return ns
}

func TestStateValid(t *testing.T) {
	t.Parallel()
	for _, st := range []inventory.State{inventory.Current, inventory.Pending, inventory.Previous, inventory.Retired} {
		if !st.Valid() {
			t.Errorf("%q.Valid() = false", st)
		}
	}
	for _, st := range []inventory.State{"", "Current", "old", "current "} {
		if st.Valid() {
			t.Errorf("%q.Valid() = true", st)
		}
	}
}

func TestAddCurrentRotatesStates(t *testing.T) {
	t.Parallel()
	s := &inventory.Secret{Path: "prod/db/password", Owner: "data-platform"}
	steps := []map[int]inventory.State{
		{1: inventory.Current},
		{2: inventory.Current, 1: inventory.Previous},
		{3: inventory.Current, 2: inventory.Previous, 1: inventory.Retired},
		{4: inventory.Current, 3: inventory.Previous, 2: inventory.Retired, 1: inventory.Retired},
	}
	now := time.Date(2026, 3, 4, 5, 6, 7, 890, time.FixedZone("CET", 3600))
	for i, want := range steps {
		v := s.AddCurrent(armored, "alice", now)
		if v.Number != i+1 || v.State != inventory.Current || v.Author != "alice" || v.Value != armored {
			t.Fatalf("step %d: AddCurrent returned %+v", i+1, v)
		}
		if wantT := time.Date(2026, 3, 4, 4, 6, 7, 0, time.UTC); !v.Created.Equal(wantT) || v.Created.Location() != time.UTC {
			t.Errorf("step %d: Created = %v, want %v (UTC, whole seconds)", i+1, v.Created, wantT)
		}
		if got := states(s); !maps.Equal(got, want) {
			t.Fatalf("step %d: states = %v, want %v", i+1, got, want)
		}
		if s.Versions[0] != v {
			t.Errorf("step %d: newest version is %+v, want the one added", i+1, s.Versions[0])
		}
		if err := s.Validate(envs); err != nil {
			t.Errorf("step %d: Validate = %v", i+1, err)
		}
	}
	if got := numbers(s); !slices.Equal(got, []int{4, 3, 2, 1}) {
		t.Errorf("versions = %v, want newest first", got)
	}
}

func TestAddCurrentLeavesPendingAlone(t *testing.T) {
	t.Parallel()
	s := &inventory.Secret{Path: "prod/db/password", Owner: "o", Versions: []inventory.Version{
		ver(4, inventory.Pending), ver(3, inventory.Current), ver(2, inventory.Previous), ver(1, inventory.Retired),
	}}
	v := s.AddCurrent(armored, "bob", t0)
	if v.Number != 5 {
		t.Errorf("new version is #%d, want #5 (after the pending #4)", v.Number)
	}
	want := map[int]inventory.State{5: inventory.Current, 4: inventory.Pending, 3: inventory.Previous, 2: inventory.Retired, 1: inventory.Retired}
	if got := states(s); !maps.Equal(got, want) {
		t.Errorf("states = %v, want %v", got, want)
	}
	if got := numbers(s); !slices.Equal(got, []int{5, 4, 3, 2, 1}) {
		t.Errorf("versions = %v, want newest first", got)
	}
}

func TestAddCurrentNumbersAfterGaps(t *testing.T) {
	t.Parallel()
	// Pruned versions leave gaps; a number is never reused.
	s := &inventory.Secret{Path: "prod/x", Owner: "o", Versions: []inventory.Version{ver(2, inventory.Retired), ver(7, inventory.Current)}}
	if v := s.AddCurrent(armored, "a", t0); v.Number != 8 {
		t.Errorf("new version is #%d, want #8", v.Number)
	}
	if got := numbers(s); !slices.Equal(got, []int{8, 7, 2}) {
		t.Errorf("versions = %v, want newest first", got)
	}
}

func TestSecretVersion(t *testing.T) {
	t.Parallel()
	s := &inventory.Secret{Path: "prod/db/password", Owner: "o", Versions: []inventory.Version{
		ver(4, inventory.Pending), ver(3, inventory.Current), ver(2, inventory.Previous), ver(1, inventory.Retired),
	}}
	tests := []struct {
		sel     inventory.Selector
		want    int
		wantErr string
	}{
		{sel: inventory.Selector{}, want: 3},
		{sel: inventory.Selector{State: inventory.Current}, want: 3},
		{sel: inventory.Selector{State: inventory.Pending}, want: 4},
		{sel: inventory.Selector{State: inventory.Previous}, want: 2},
		{sel: inventory.Selector{State: inventory.Retired}, want: 1},
		{sel: inventory.Selector{Number: 1}, want: 1},
		{sel: inventory.Selector{Number: 4}, want: 4},
		{sel: inventory.Selector{Number: 9}, wantErr: "prod/db/password has no version #9"},
	}
	for _, tt := range tests {
		t.Run(tt.sel.String(), func(t *testing.T) {
			t.Parallel()
			v, err := s.Version(tt.sel)
			if tt.wantErr != "" {
				if !errors.Is(err, inventory.ErrNoVersion) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Version(%v) = %v, want %q wrapping ErrNoVersion", tt.sel, err, tt.wantErr)
				}
				return
			}
			if err != nil || v.Number != tt.want {
				t.Fatalf("Version(%v) = %+v, %v; want #%d", tt.sel, v, err, tt.want)
			}
			if v != &s.Versions[len(s.Versions)-tt.want] {
				t.Errorf("Version(%v) does not point into the secret", tt.sel)
			}
		})
	}

	empty := &inventory.Secret{Path: "dev/new"}
	if _, err := empty.Version(inventory.Selector{}); !errors.Is(err, inventory.ErrNoVersion) || !strings.Contains(err.Error(), "dev/new has no version @current") {
		t.Errorf("Version on a secret without versions = %v", err)
	}
	if empty.CurrentVersion() != nil {
		t.Errorf("CurrentVersion of a secret without versions is not nil")
	}
	if cur := s.CurrentVersion(); cur == nil || cur.Number != 3 {
		t.Errorf("CurrentVersion = %+v, want #3", cur)
	}
}

func TestSecretValidate(t *testing.T) {
	t.Parallel()
	valid := func() inventory.Secret {
		every, _ := inventory.ParseEvery("90d")
		return inventory.Secret{
			Path: "prod/db/password", Owner: "data-platform",
			Rotation: inventory.Rotation{Every: every, Runbook: "db-password"},
			Versions: []inventory.Version{ver(3, inventory.Pending), ver(2, inventory.Current), ver(1, inventory.Previous)},
		}
	}
	tests := []struct {
		name    string
		change  func(s *inventory.Secret)
		wantErr string
	}{
		{name: "valid", change: func(s *inventory.Secret) {}},
		{name: "no versions yet", change: func(s *inventory.Secret) { s.Versions = nil }},
		{name: "retired value dropped", change: func(s *inventory.Secret) {
			s.Versions = append(s.Versions, inventory.Version{Number: 5, State: inventory.Retired})
		}},
		{name: "several retired", change: func(s *inventory.Secret) {
			s.Versions = []inventory.Version{ver(5, inventory.Pending), ver(4, inventory.Current), ver(3, inventory.Previous), ver(2, inventory.Retired), ver(1, inventory.Retired)}
		}},
		{name: "current and previous relabelled", change: func(s *inventory.Secret) {
			s.Versions[1].State, s.Versions[2].State = inventory.Previous, inventory.Current
		}, wantErr: "previous version 2 is newer than current version 1"},
		{name: "pending older than current", change: func(s *inventory.Secret) {
			s.Versions[0].State, s.Versions[1].State = inventory.Current, inventory.Pending
		}, wantErr: "pending version 2 is older than current version 3"},
		{name: "retired value newer than current", change: func(s *inventory.Secret) {
			s.Versions = append(s.Versions, ver(7, inventory.Retired))
		}, wantErr: "retired version 7 is newer than current version 2"},
		{name: "value with surrounding blank lines", change: func(s *inventory.Secret) { s.Versions[0].Value = "\n" + armored + "\n\n" }},

		{name: "bad path", change: func(s *inventory.Secret) { s.Path = "prod/../x" }, wantErr: "invalid secret path"},
		{name: "unknown environment", change: func(s *inventory.Secret) { s.Path = "qa/x" }, wantErr: "not an environment"},
		{name: "missing owner", change: func(s *inventory.Secret) { s.Owner = "" }, wantErr: "owner: is required"},
		{name: "blank owner", change: func(s *inventory.Secret) { s.Owner = " \t" }, wantErr: "owner: is required"},
		{name: "bad runbook name", change: func(s *inventory.Secret) { s.Rotation.Runbook = "../evil" }, wantErr: "rotation.runbook"},
		{name: "two currents", change: func(s *inventory.Secret) { s.Versions[2].State = inventory.Current }, wantErr: "2 versions are current"},
		{name: "two pendings", change: func(s *inventory.Secret) { s.Versions[1].State = inventory.Pending }, wantErr: "2 versions are pending"},
		{name: "two previous", change: func(s *inventory.Secret) {
			s.Versions = append(s.Versions, ver(4, inventory.Previous))
		}, wantErr: "2 versions are previous"},
		{name: "duplicate numbers", change: func(s *inventory.Secret) { s.Versions[2].Number = 2 }, wantErr: "versions[2]: version 2 appears twice"},
		{name: "version zero", change: func(s *inventory.Secret) { s.Versions[2].Number = 0 }, wantErr: "versions[2]: version must be a positive number"},
		{name: "unknown state", change: func(s *inventory.Secret) { s.Versions[1].State = "active" }, wantErr: `versions[1]: state "active"`},
		{name: "current without value", change: func(s *inventory.Secret) { s.Versions[1].Value = "" }, wantErr: "versions[1]: a current version needs a value"},
		{name: "truncated armor", change: func(s *inventory.Secret) {
			s.Versions[0].Value = armored[:len(armored)-20]
		}, wantErr: "versions[0]: value is not a complete age ciphertext (truncated?)"},
		{name: "no armor header", change: func(s *inventory.Secret) { s.Versions[1].Value = "hunter2" }, wantErr: "versions[1]: value is not a complete age ciphertext"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := valid()
			tt.change(&s)
			err := s.Validate(envs)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate = %v, want an error mentioning %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("Validate echoed a value: %v", err)
			}
		})
	}
}

func TestLooksArmored(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		armored:                            true,
		strings.TrimSpace(armored):         true,
		"  " + armored + "\n":              true,
		armored[:len(armored)-10]:          false,
		armored[5:]:                        false,
		"":                                 false,
		"age-encryption.org/v1\n-> X25519": false,
	}
	for v, want := range tests {
		if got := inventory.LooksArmored(v); got != want {
			t.Errorf("LooksArmored(%q) = %v, want %v", v, got, want)
		}
	}
}
