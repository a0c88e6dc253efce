package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHookInstall(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Join(e.dir, "repo")
	gitRepo(t, dir)
	t.Chdir(dir)
	hook := filepath.Join(dir, ".git", "hooks", "pre-commit")

	r := e.must("", "hook", "install")
	if !strings.Contains(r.out, hook) {
		t.Errorf("install says %q, not where the hook is", r.out)
	}
	info, err := os.Stat(hook)
	if err != nil || info.Mode().Perm() != 0o755 {
		t.Fatalf("the hook: %v %v", info, err)
	}
	script, _ := os.ReadFile(hook)
	if !strings.HasPrefix(string(script), "#!/bin/sh\n") || !strings.Contains(string(script), `exec "$cabinet" scan --staged`) {
		t.Fatalf("the hook is:\n%s", script)
	}
	e.must("", "hook", "install") // its own hook is replaced without --force

	theirs := "#!/bin/sh\nmake lint\n"
	if err := os.WriteFile(hook, []byte(theirs), 0o755); err != nil {
		t.Fatal(err)
	}
	oneLine(t, "over another hook", e.run("", "hook", "install"), ExitUsage, "pre-commit exists and is not cabinet's", "--force")
	if got, _ := os.ReadFile(hook); string(got) != theirs {
		t.Fatalf("the other hook was changed:\n%s", got)
	}
	e.must("", "hook", "install", "--force")
	if got, _ := os.ReadFile(hook); !strings.Contains(string(got), hookMarker) {
		t.Fatalf("--force did not replace the hook:\n%s", got)
	}

	t.Chdir(e.dir)
	oneLine(t, "outside a repository", e.run("", "hook", "install"), ExitUsage, "not in a Git repository")
}

func TestHookScriptQuotesItsPath(t *testing.T) {
	got := string(hookScript("/opt/it's here/cabinet"))
	if !strings.Contains(got, `cabinet='/opt/it'\''s here/cabinet'`) {
		t.Fatalf("the path is not quoted for sh:\n%s", got)
	}
}
