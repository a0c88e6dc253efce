package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/store"
)

// TestTheDetailNamesTheFilesThatUseASecret: where store.yaml names the
// pipelines' folders, a secret's detail names the files that reference it.
func TestTheDetailNamesTheFilesThatUseASecret(t *testing.T) {
	root := t.TempDir()
	g, err := crypto.GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "store")
	if _, err := store.Init(dir, "alice", g.Public); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(root, "etl", "deploy"), 0o700)
	os.WriteFile(filepath.Join(root, "etl", "job.env"), []byte("A=1\nDB=secret://prod/db/password\n"), 0o600)
	os.WriteFile(filepath.Join(root, "etl", "deploy", "config.yaml"), []byte("dsn: postgres://u:secret://prod/db/password@h/db\nother: secret://prod/api/key\n"), 0o600)
	config := filepath.Join(dir, ".cabinet", "store.yaml")
	data, _ := os.ReadFile(config)
	os.WriteFile(config, append(data, []byte("projects: [../etl]\n")...), 0o600)
	s, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := usedBy(s, "prod/db/password")
	if want := []string{"../etl/deploy/config.yaml:1", "../etl/job.env:2"}; !slices.Equal(got, want) {
		t.Errorf("used by %v, want %v", got, want)
	}
	if got := usedByText([]string{"a:1", "b:2", "c:3", "d:4", "e:5"}); got != "a:1, b:2, c:3 and 2 more" {
		t.Errorf("usedByText = %q", got)
	}
}

// TestTheDetailScreenShowsItsConsumers: the "used by" line of a secret's
// detail, on a store whose store.yaml names a project folder; a secret
// nothing references has no such line.
func TestTheDetailScreenShowsItsConsumers(t *testing.T) {
	s, id := testStore(t)
	project := filepath.Join(filepath.Dir(s.Folder()), "etl")
	os.MkdirAll(project, 0o700)
	os.WriteFile(filepath.Join(project, "job.env"), []byte("A=1\nDB=secret://prod/db/password\n"), 0o600)
	config := filepath.Join(s.Folder(), ".cabinet", "store.yaml")
	data, _ := os.ReadFile(config)
	os.WriteFile(config, append(data, []byte("projects: [../etl]\n")...), 0o600)
	s, err := store.Open(s.Folder())
	if err != nil {
		t.Fatal(err)
	}
	h := startHarness(t, 120, 30, s, func() (*crypto.Identity, error) { return id, nil })
	h.openSecret(dbPassword)
	if view := h.m.View(); !strings.Contains(view, "used by") || !strings.Contains(view, "../etl/job.env:2") {
		t.Errorf("the detail of %s does not name its consumer:\n%s", dbPassword, view)
	}
	h.openSecret("prod/kafka/sasl")
	if view := h.m.View(); strings.Contains(view, "used by") {
		t.Errorf("a secret nothing references has a used-by line:\n%s", view)
	}
}
