package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// hookMarker is in every hook cabinet writes: a hook without it is
// someone else's, and is not overwritten without --force.
const hookMarker = "# cabinet pre-commit hook"

func newHookCmd(a *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "hook",
		Short: "Git hooks that keep plaintext secrets out of commits",
		Args:  cobra.NoArgs,
	}
	var force bool
	install := &cobra.Command{
		Use:   "install",
		Short: "Install a pre-commit hook that runs cabinet scan --staged",
		Long: `Write .git/hooks/pre-commit in the current repository: before each commit
it runs ` + "`cabinet scan --staged`" + `, and a staged file holding a plaintext secret
stops the commit with the file, line and rule. ` + "`git commit --no-verify`" + ` skips
the hook for one commit; a false positive goes in .cabinetignore.

A pre-commit hook that cabinet did not write is left alone unless --force.`,
		Example: "  cabinet hook install\n  cabinet hook install --force",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runHookInstall(a, force)
		},
	}
	install.Flags().BoolVar(&force, "force", false, "replace a pre-commit hook cabinet did not write")
	c.AddCommand(install)
	return c
}

func runHookInstall(a *App, force bool) error {
	cmd := exec.Command("git", "rev-parse", "--path-format=absolute", "--git-path", "hooks")
	cmd.Env = a.environ()
	out, err := cmd.Output()
	if err != nil {
		return usagef("hook install: the current folder is not in a Git repository")
	}
	hooks := strings.TrimSpace(string(out))
	name := filepath.Join(hooks, "pre-commit")
	old, err := os.ReadFile(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case !bytes.Contains(old, []byte(hookMarker)) && !force:
		return usagef("%s exists and is not cabinet's: add `cabinet scan --staged` to it, or replace it with --force", name)
	}
	if err := os.MkdirAll(hooks, 0o755); err != nil {
		return err
	}
	if err := writeHook(name, hookScript(selfPath())); err != nil {
		return err
	}
	printLine(a.Out, "installed %s: each commit runs cabinet scan --staged", name)
	return nil
}

// writeHook replaces the hook in one rename, executable.
func writeHook(name string, script []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".pre-commit-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(script); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o755); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// selfPath is this cabinet's executable, which the hook runs when it is
// still there; "" when unknown.
func selfPath() string {
	p, err := os.Executable()
	if err != nil || strings.HasSuffix(p, ".test") {
		return ""
	}
	return p
}

// hookScript runs the cabinet that installed it or, once that is gone (an
// upgrade moved it), the one on PATH.
func hookScript(self string) []byte {
	return fmt.Appendf(nil, `#!/bin/sh
%s: installed by `+"`cabinet hook install`"+`.
# It stops a commit that adds a plaintext secret. False positives go in
# .cabinetignore; `+"`git commit --no-verify`"+` skips this check once.
cabinet=%s
[ -x "$cabinet" ] || cabinet=cabinet
exec "$cabinet" scan --staged
`, hookMarker, shellQuote(self))
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
