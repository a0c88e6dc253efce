package store

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
	"go.yaml.in/yaml/v3"
)

func TestInitLayout(t *testing.T) {
	alice := newMember(t, "alice")
	dir := filepath.Join(t.TempDir(), "store")
	s, err := Init(dir, "alice", alice.Public)
	if err != nil {
		t.Fatal(err)
	}

	for _, name := range []string{".cabinet", "secrets", "runbooks", "audit"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || !fi.IsDir() {
			t.Errorf("%s/ is not a folder: %v", name, err)
		}
	}
	for _, name := range []string{".cabinet/store.yaml", "recipients.yaml", ".gitattributes", ".cabinet/.gitignore"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("%s is not a file: %v", name, err)
		}
	}

	// .cabinet/store.yaml: format version, the default environments and
	// warning window.
	var cfg map[string]any
	readYAML(t, filepath.Join(dir, ".cabinet/store.yaml"), &cfg)
	if cfg["cabinet"] != 1 {
		t.Errorf("store.yaml: cabinet = %v, want 1", cfg["cabinet"])
	}
	if got := cfg["environments"]; !reflect.DeepEqual(got, []any{"dev", "stg", "prod"}) {
		t.Errorf("store.yaml: environments = %v", got)
	}
	if cfg["warning"] != "14d" {
		t.Errorf("store.yaml: warning = %v, want 14d", cfg["warning"])
	}

	// recipients.yaml: the first member, alone in scope "*".
	var rec struct {
		Members map[string]string   `yaml:"members"`
		Scopes  map[string][]string `yaml:"scopes"`
	}
	readYAML(t, filepath.Join(dir, "recipients.yaml"), &rec)
	if !reflect.DeepEqual(rec.Members, map[string]string{"alice": alice.Public}) {
		t.Errorf("recipients.yaml: members = %v", rec.Members)
	}
	if !reflect.DeepEqual(rec.Scopes, map[string][]string{"*": {"alice"}}) {
		t.Errorf("recipients.yaml: scopes = %v", rec.Scopes)
	}

	attrs, _ := os.ReadFile(filepath.Join(dir, ".gitattributes"))
	if !strings.Contains(string(attrs), "secrets/**/*.yaml merge=cabinet") {
		t.Errorf(".gitattributes does not route secret files to the merge driver:\n%s", attrs)
	}
	ignore, _ := os.ReadFile(filepath.Join(dir, ".cabinet/.gitignore"))
	for _, want := range []string{"lock", "cache/"} {
		if !strings.Contains(string(ignore), want+"\n") {
			t.Errorf(".cabinet/.gitignore does not keep %s out of Git:\n%s", want, ignore)
		}
	}

	// What Init wrote is what Open reads.
	o, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(o.Config, s.Config) || !reflect.DeepEqual(o.Recipients, s.Recipients) {
		t.Errorf("Open = %+v %+v, Init made %+v %+v", o.Config, o.Recipients, s.Config, s.Recipients)
	}
	if !reflect.DeepEqual(o.Config.Environments, inventory.DefaultEnvironments) || o.Config.Warning != inventory.DefaultWarning {
		t.Errorf("config = %+v", o.Config)
	}
	if found, err := Find(filepath.Join(dir, "secrets")); err != nil || found != dir {
		t.Errorf("Find from secrets/ = %q, %v; want %q", found, err, dir)
	}
	assertPerms(t, dir)
}

// TestPermissions checks every file and folder the store writes, after each
// kind of write: new secret folders, the lock, the audit log, the cache,
// membership changes and removal.
func TestPermissions(t *testing.T) {
	alice, bob := newMember(t, "alice"), newMember(t, "bob")
	s := newStore(t, alice)
	assertPerms(t, s.Dir)

	mustSet(t, s, "prod/db/password", []byte("one"), day("alice", 0))
	mustSet(t, s, "dev/a/b/c/d/e/f/g", []byte("deep"), day("alice", 0))
	mustSet(t, s, "prod/db/password", []byte("two"), day("alice", 1))
	mustRead(t, s, "prod/db/password", inventory.Selector{}, alice)
	if _, _, err := s.Read("prod/db/password", inventory.Selector{}, bob.ID, day("bob", 1)); err == nil {
		t.Fatal("bob read a value sealed to alice")
	}
	if _, _, err := s.List(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Edit("prod/db/password", day("alice", 2), func(sec *inventory.Secret) error {
		sec.Description = "ETL user"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	addMember(t, s, bob, alice)
	if _, err := s.SetScope("prod", []string{"alice", "bob"}, alice.ID, day("alice", 3)); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove("dev/a/b/c/d/e/f/g", day("alice", 4)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{".cabinet/lock", cacheFile, "audit/alice.jsonl", "audit/bob.jsonl"} {
		if _, err := os.Stat(filepath.Join(s.Dir, name)); err != nil {
			t.Errorf("expected %s: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "secrets/dev")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("removing the only dev secret left its folders behind: %v", err)
	}
	assertPerms(t, s.Dir)
}

func TestInitTwiceChangesNothing(t *testing.T) {
	alice, bob := newMember(t, "alice"), newMember(t, "bob")
	s := newStore(t, alice)
	mustSet(t, s, "prod/db/password", []byte("v"), day("alice", 0))
	before := snapshot(t, s.Dir)
	for _, m := range []member{alice, bob} {
		_, err := Init(s.Dir, m.Name, m.Public)
		assertErr(t, err, nil, s.Dir, "already")
	}
	assertSameSnapshot(t, before, snapshot(t, s.Dir))
}

func TestInitRefusesBadMemberName(t *testing.T) {
	alice := newMember(t, "alice")
	dir := filepath.Join(t.TempDir(), "store")
	for _, name := range []string{"", "Alice", "../alice", "al ice", ".alice"} {
		_, err := Init(dir, name, alice.Public)
		assertErr(t, err, nil, "member name")
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused Init created %s: %v", dir, err)
	}
}

func TestOpenNoStore(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir)
	assertErr(t, err, ErrNoStore, dir)
	if _, err := Find(dir); !errors.Is(err, ErrNoStore) {
		t.Errorf("Find in an empty folder: %v, want ErrNoStore", err)
	}
}

func TestOpenCorruptConfig(t *testing.T) {
	alice := newMember(t, "alice")
	for name, content := range map[string]string{
		".cabinet/store.yaml": "cabinet: 1\nenvironments: [dev\n",
		"recipients.yaml":     "members:\n  alice: age1x\nscopes:\n  \"*\": [mallory]\n",
	} {
		t.Run(name, func(t *testing.T) {
			s := newStore(t, alice)
			if err := os.WriteFile(filepath.Join(s.Dir, name), []byte(content), filePerm); err != nil {
				t.Fatal(err)
			}
			_, err := Open(s.Dir)
			assertErr(t, err, ErrCorrupt, name)
		})
	}
}

func readYAML(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}
