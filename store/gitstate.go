package store

import (
	"strconv"
	"strings"
)

// GitState is where a Git store's work tree stands against its upstream,
// as of the last fetch: what the workbench's header shows.
type GitState struct {
	// Upstream is the branch it syncs with ("origin/main"); "" when the
	// branch has none yet (the first sync sets it).
	Upstream string
	// Ahead and Behind count the commits HEAD has that the upstream lacks,
	// and the other way round, as of the last fetch.
	Ahead, Behind int
	// Uncommitted counts the files cabinet owns (secrets, recipients.yaml,
	// runbooks, the store's settings) that differ from HEAD or are new:
	// changes made by hand, a runbook being edited. The audit logs are left
	// out: lines of reads wait there for the next change's commit.
	Uncommitted int
}

// gitOwned are the parts of a store the state counts as uncommitted.
var gitOwned = []string{"secrets", recipientsFile, "runbooks", metaDir + "/store.yaml", ".gitattributes", ".gitignore"}

// GitState says where the store stands against its upstream, in one git
// process (`git status --porcelain=v2 --branch`, which takes no lock, so
// that it never stops a change from committing). It is cheap enough to
// run on the workbench's live reload tick, never on the UI's goroutine.
// A plain folder has none: ok is false.
func (s *Store) GitState() (st GitState, ok bool, err error) {
	if !s.IsGitStore() {
		return GitState{}, false, nil
	}
	git, err := gitPath()
	if err != nil {
		return GitState{}, false, err
	}
	args := append([]string{"--no-optional-locks", "status", "--porcelain=v2", "--branch", "--untracked-files=all", "--"}, gitOwned...)
	out, err := s.runGit(git, args...)
	if err != nil {
		return GitState{}, false, err
	}
	return parseGitStatus(out), true, nil
}

// parseGitStatus reads `git status --porcelain=v2 --branch`.
func parseGitStatus(out string) GitState {
	var st GitState
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "# branch.upstream "):
			st.Upstream = strings.TrimPrefix(line, "# branch.upstream ")
		case strings.HasPrefix(line, "# branch.ab "):
			for _, f := range strings.Fields(strings.TrimPrefix(line, "# branch.ab ")) {
				n, _ := strconv.Atoi(f[1:])
				if f[0] == '+' {
					st.Ahead = n
				} else {
					st.Behind = n
				}
			}
		case strings.HasPrefix(line, "#"), line == "", strings.HasPrefix(line, "!"):
		default: // 1, 2 (changed), u (unmerged), ? (untracked)
			st.Uncommitted++
		}
	}
	return st
}
