package store

import (
	"fmt"
	"os"
	"strings"

	"github.com/cabinethq/cabinet/inventory"
)

// GitProblems says what would stop a Git store's changes from being
// committed or its merges from going through cabinet's merge driver, each
// with what to do; none for a plain folder.
func (s *Store) GitProblems() []error {
	if !s.IsGitStore() {
		return nil
	}
	git, err := gitPath()
	if err != nil {
		return []error{err}
	}
	var problems []error
	driver, err := s.runGit(git, "config", "merge."+mergeDriverName+".driver")
	switch exe := driverBinary(driver); {
	case err != nil || strings.TrimSpace(driver) == "":
		problems = append(problems, inventory.WithHint(fmt.Errorf("git: the merge driver is not set up in %s: a merge of secret files would stop with conflicts", s.Dir),
			"run: git config merge.cabinet.driver \"cabinet merge-driver %O %A %B %P\""))
	case exe != "" && strings.Contains(exe, "/"):
		if _, err := os.Stat(exe); err != nil {
			problems = append(problems, inventory.WithHint(fmt.Errorf("git: the merge driver %s is gone", inventory.Printable(exe)),
				"run: git config merge.cabinet.driver \"cabinet merge-driver %O %A %B %P\""))
		}
	}
	if _, err := s.runGit(git, "var", "GIT_COMMITTER_IDENT"); err != nil {
		problems = append(problems, inventory.WithHint(fmt.Errorf("git has no identity to commit with: every change would be undone"),
			`run: git config --global user.name "Your Name" && git config --global user.email you@example.com`))
	}
	if _, err := s.runGit(git, "rev-parse", "-q", "--verify", "MERGE_HEAD"); err == nil {
		problems = append(problems, inventory.WithHint(fmt.Errorf("git: a merge is in progress in %s", s.Dir),
			"finish it with `git merge --continue`, or undo it with `git merge --abort`, then `cabinet sync`"))
	}
	return problems
}

// driverBinary is the program of a merge driver's command line, unquoted
// as ConfigureGit quoted it.
func driverBinary(command string) string {
	command = strings.TrimSpace(command)
	if rest, ok := strings.CutPrefix(command, "'"); ok {
		if i := strings.Index(rest, "' "); i >= 0 {
			return strings.ReplaceAll(rest[:i], `'\''`, "'")
		}
	}
	exe, _, _ := strings.Cut(command, " ")
	return exe
}
