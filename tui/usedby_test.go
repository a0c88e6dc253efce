package tui

import (
	"os"
	"path/filepath"
	"slices"
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
