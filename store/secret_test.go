package store

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"go.yaml.in/yaml/v3"
)

func TestSetValueVersions(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	const path = "prod/db/password"
	values := []string{"first-value", "second-value", "third-value"}
	for i, v := range values {
		got := mustSet(t, s, path, []byte(v), day("alice", i))
		if got.Number != i+1 || got.State != inventory.Current || got.Author != "alice" || !got.Created.Equal(day("", i).Now) {
			t.Errorf("set #%d returned %+v", i+1, got)
		}
	}

	sec, err := s.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, v := range sec.Versions {
		states = append(states, string(v.State)+"#"+string(rune('0'+v.Number)))
	}
	if want := []string{"current#3", "previous#2", "retired#1"}; !reflect.DeepEqual(states, want) {
		t.Errorf("versions = %v, want %v", states, want)
	}
	if sec.Owner != "data-platform" || !reflect.DeepEqual(sec.Readers, []string{"alice"}) || sec.ReadersSum == "" {
		t.Errorf("metadata = owner %q readers %v sum %q", sec.Owner, sec.Readers, sec.ReadersSum)
	}

	for _, tc := range []struct {
		sel   inventory.Selector
		value string
		num   int
		state inventory.State
	}{
		{inventory.Selector{}, "third-value", 3, inventory.Current},
		{inventory.Selector{State: inventory.Current}, "third-value", 3, inventory.Current},
		{inventory.Selector{State: inventory.Previous}, "second-value", 2, inventory.Previous},
		{inventory.Selector{State: inventory.Retired}, "first-value", 1, inventory.Retired},
		{inventory.Selector{Number: 1}, "first-value", 1, inventory.Retired},
		{inventory.Selector{Number: 2}, "second-value", 2, inventory.Previous},
		{inventory.Selector{Number: 3}, "third-value", 3, inventory.Current},
	} {
		value, v := mustRead(t, s, path, tc.sel, alice)
		if string(value) != tc.value || v.Number != tc.num || v.State != tc.state {
			t.Errorf("read %s = %q v%d %s, want %q v%d %s", tc.sel, value, v.Number, v.State, tc.value, tc.num, tc.state)
		}
	}
	for _, sel := range []inventory.Selector{{State: inventory.Pending}, {Number: 4}} {
		_, _, err := s.Read(path, sel, alice.ID, day("alice", 5))
		assertErr(t, err, ErrNotFound, path)
		if !errors.Is(err, inventory.ErrNoVersion) {
			t.Errorf("read %s: %v does not wrap ErrNoVersion", sel, err)
		}
	}

	// The edit function sets metadata; it sees created only the first time.
	var sawCreated []bool
	for _, p := range []string{"stg/api/token", "stg/api/token"} {
		if _, _, err := s.SetValue(p, []byte("t"), day("alice", 6), func(sec *inventory.Secret, created bool) error {
			sawCreated = append(sawCreated, created)
			if created {
				sec.Owner = "api-team"
				sec.Rotation.Every = inventory.Every{N: 30, Unit: 'd'}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(sawCreated, []bool{true, false}) {
		t.Errorf("created = %v, want [true false]", sawCreated)
	}
	// A new secret with no owner is refused and not written.
	_, _, err = s.SetValue("stg/api/other", []byte("t"), day("alice", 6), nil)
	assertErr(t, err, nil, "owner")
	if _, err := s.Load("stg/api/other"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a refused secret was written: %v", err)
	}
}

func TestValueOfExactlyMaxSize(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	value := bytes.Repeat([]byte{0, 1, 'x', 0xff}, crypto.MaxValueSize/4)
	mustSet(t, s, "prod/blob/cert", value, day("alice", 0))
	got, _ := mustRead(t, s, "prod/blob/cert", inventory.Selector{}, alice)
	if !bytes.Equal(got, value) {
		t.Errorf("a 1 MiB binary value did not round-trip")
	}
}

// TestSecretFileFormat checks the file SetValue writes: the field order of
// DESIGN.md, ASCII-armored age values that the age library and the stock
// age command decrypt, and format -> parse -> format giving the same bytes.
func TestSecretFileFormat(t *testing.T) {
	alice := newMember(t, "alice")
	s := newStore(t, alice)
	const path = "prod/db/password"
	mustSet(t, s, path, []byte("hunter2-old"), day("alice", 0))
	if _, err := s.Edit(path, day("alice", 0), func(sec *inventory.Secret) error {
		sec.Description = "ETL user of the warehouse"
		sec.Rotation = inventory.Rotation{Every: inventory.Every{N: 90, Unit: 'd'}, Runbook: "db-password"}
		sec.Tags = []string{"warehouse"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, path, []byte("hunter2-new"), day("alice", 1))
	name := filepath.Join(s.Dir, "secrets/prod/db/password.yaml")
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)

	// Field order and shape.
	last := -1
	for _, field := range []string{"cabinet: 1\n", "path: prod/db/password\n", "owner: data-platform\n", "description: ETL user of the warehouse\n",
		"rotation:\n  every: 90d\n  runbook: db-password\n", "tags: [warehouse]\n", "versions:\n  - version: 2\n    state: current\n"} {
		i := strings.Index(text, field)
		if i < 0 || i < last {
			t.Errorf("the file does not hold %q in the order of DESIGN.md:\n%s", field, text)
		}
		last = i
	}
	if !strings.HasPrefix(text, "cabinet: 1\n") {
		t.Errorf("the file does not start with the format version:\n%s", text)
	}

	// Each value is a YAML string holding one ASCII-armored age file.
	var raw struct {
		Versions []struct {
			Version int    `yaml:"version"`
			Value   string `yaml:"value"`
		} `yaml:"versions"`
	}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Versions) != 2 {
		t.Fatalf("versions = %d, want 2", len(raw.Versions))
	}
	want := map[int]string{1: "hunter2-old", 2: "hunter2-new"}
	ageID, err := age.ParseX25519Identity(alice.Secret)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range raw.Versions {
		if !strings.HasPrefix(v.Value, "-----BEGIN AGE ENCRYPTED FILE-----\n") || !strings.HasSuffix(v.Value, "-----END AGE ENCRYPTED FILE-----\n") {
			t.Errorf("version %d value is not ASCII-armored age:\n%s", v.Version, v.Value)
		}
		r, err := age.Decrypt(armor.NewReader(strings.NewReader(v.Value)), ageID)
		if err != nil {
			t.Fatalf("version %d: the age library cannot decrypt it: %v", v.Version, err)
		}
		plain, _ := io.ReadAll(r)
		if string(plain) != want[v.Version] {
			t.Errorf("version %d decrypts to %q", v.Version, plain)
		}
		if got := stockAgeDecrypt(t, alice, v.Value); got != nil && string(got) != want[v.Version] {
			t.Errorf("version %d: the age command decrypts it to %q", v.Version, got)
		}
	}

	// The file as written is what FormatSecret makes of what ParseSecret
	// reads from it.
	sec, err := ParseSecret(data, path, s.Config.Environments)
	if err != nil {
		t.Fatal(err)
	}
	again, err := FormatSecret(sec)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, data) {
		t.Errorf("parse -> format changed the file:\n--- file\n%s\n--- again\n%s", data, again)
	}
}

// stockAgeDecrypt runs the age command line, if installed, on an armored
// value. It returns nil when age is not installed, and fails the test
// instead when CABINET_REQUIRE_AGE_CLI=1 (as in CI): the cross-check must
// not turn itself off where it is required.
func stockAgeDecrypt(t *testing.T, m member, armored string) []byte {
	t.Helper()
	bin, err := exec.LookPath("age")
	if err != nil {
		if os.Getenv("CABINET_REQUIRE_AGE_CLI") == "1" {
			t.Fatalf("the age command is required (CABINET_REQUIRE_AGE_CLI=1) but not found: %v", err)
		}
		return nil
	}
	idFile := filepath.Join(t.TempDir(), "identity.txt")
	if err := os.WriteFile(idFile, []byte(m.Secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--decrypt", "-i", idFile)
	cmd.Stdin = strings.NewReader(armored)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("age --decrypt: %v: %s", err, stderr.Bytes())
	}
	return out
}

// TestFormatParseFormat round-trips a secret that uses every field.
func TestFormatParseFormat(t *testing.T) {
	alice, bob := newMember(t, "alice"), newMember(t, "bob")
	seal := func(v string) string { return sealUnbound(t, v, alice, bob) }
	sec := &inventory.Secret{
		Path:        "prod/db/password",
		Owner:       "data-platform",
		Description: "ETL user: warehouse # not a comment, 'quoted' \"twice\"",
		Rotation:    inventory.Rotation{Every: inventory.Every{N: 2, Unit: 'w'}, Runbook: "db-password"},
		Tags:        []string{"warehouse", "etl", "pii"},
		Readers:     []string{"alice", "bob"},
		ReadersSum:  "0123456789abcdef",
		Exposures:   []inventory.Exposure{{Member: "carol", At: t0.Add(36 * time.Hour)}},
		Versions: []inventory.Version{
			{Number: 5, State: inventory.Pending, Created: t0.Add(4 * time.Hour), Author: "bob", Value: seal("five")},
			{Number: 4, State: inventory.Current, Created: t0.Add(3 * time.Hour), Author: "alice", Value: seal("four")},
			{Number: 3, State: inventory.Previous, Created: t0.Add(2 * time.Hour), Author: "alice", Value: seal("three")},
			{Number: 2, State: inventory.Retired, Created: t0.Add(1 * time.Hour), Author: "alice", Value: seal("two")},
			{Number: 1, State: inventory.Retired, Created: t0, Author: "alice"}, // value dropped
		},
	}
	first, err := FormatSecret(sec)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseSecret(first, sec.Path, inventory.DefaultEnvironments)
	if err != nil {
		t.Fatalf("%v\n%s", err, first)
	}
	if !reflect.DeepEqual(parsed, sec) {
		t.Errorf("parse(format(s)) != s:\n got %+v\nwant %+v", parsed, sec)
	}
	second, err := FormatSecret(parsed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Errorf("format -> parse -> format is not byte-for-byte:\n--- first\n%s\n--- second\n%s", first, second)
	}
	for _, want := range []string{"exposed:\n  - member: carol\n", "readers: [alice, bob]\n", "readers_sum: 0123456789abcdef\n", "every: 2w\n"} {
		if !bytes.Contains(first, []byte(want)) {
			t.Errorf("the file lacks %q:\n%s", want, first)
		}
	}

	// A minimal secret (no value yet) round-trips too.
	bare := &inventory.Secret{Path: "dev/x/y", Owner: "me"}
	b1, err := FormatSecret(bare)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParseSecret(b1, "dev/x/y", nil)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := FormatSecret(p)
	if !bytes.Equal(b1, b2) {
		t.Errorf("bare secret: %q != %q", b1, b2)
	}
}

func TestParseSecretErrors(t *testing.T) {
	alice := newMember(t, "alice")
	ct := sealUnbound(t, "v", alice)
	good, err := FormatSecret(&inventory.Secret{Path: "prod/db/password", Owner: "o",
		Versions: []inventory.Version{{Number: 1, State: inventory.Current, Created: t0, Value: ct}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseSecret(good, "prod/db/password", inventory.DefaultEnvironments); err != nil {
		t.Fatalf("the good file does not parse: %v", err)
	}
	replace := func(old, new string) []byte { return bytes.Replace(good, []byte(old), []byte(new), 1) }
	for _, tc := range []struct {
		name    string
		data    []byte
		mention string
	}{
		{"empty", nil, "empty"},
		{"not yaml", []byte("cabinet: 1\npath: [prod\n"), "line"},
		{"unknown field", replace("owner: o\n", "owner: o\nownr: p\n"), "ownr"},
		{"newer format", replace("cabinet: 1", "cabinet: 2"), "upgrade"},
		{"older format", replace("cabinet: 1", "cabinet: 0"), "cabinet"},
		{"path elsewhere", replace("path: prod/db/password", "path: prod/db/other"), "path"},
		{"no owner", replace("owner: o\n", ""), "owner"},
		{"bad state", replace("state: current", "state: live"), "state"},
		{"bad every", replace("versions:", "rotation:\n  every: 90x\nversions:"), "rotation.every"},
		{"truncated value", good[:bytes.Index(good, []byte("-----END"))], "truncated"},
		{"two current", replace("versions:\n", "versions:\n  - version: 2\n    state: current\n    created: 2026-03-02T09:00:00Z\n    value: |\n"+indent(ct, "      ")), "current"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSecret(tc.data, "prod/db/password", inventory.DefaultEnvironments)
			assertErr(t, err, ErrCorrupt, tc.mention)
		})
	}
}

func indent(s, prefix string) string {
	lines := strings.SplitAfter(strings.TrimSuffix(s, "\n"), "\n")
	for i := range lines {
		lines[i] = prefix + lines[i]
	}
	return strings.Join(lines, "") + "\n"
}
