package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/cabinethq/cabinet/inventory"
)

// A store whose folder holds .git is a Git work tree: every change to it
// (set, edit, rm, each rotation transition, approval, members and scopes,
// re-encryption) is one commit, made with the system git so that the user's
// identity, hooks and config apply. The commit holds exactly the files the
// change wrote, the audit lines it appended with them, never a file cabinet
// did not write (a runbook being edited, something staged by hand). A
// change whose commit fails is undone: its files are restored from HEAD.

// ErrNoGit says that git is needed and not installed.
var ErrNoGit = errors.New("git is not installed")

// IsGitStore reports whether the store's folder is a Git work tree.
func (s *Store) IsGitStore() bool {
	fi, err := os.Lstat(s.Dir + string(os.PathSeparator) + ".git")
	return err == nil && (fi.IsDir() || fi.Mode().IsRegular())
}

// changeLog is what one hold of the store's lock changed: the files it
// wrote or removed (names relative to the store) and the audit events it
// recorded, from which the commit's message is made.
type changeLog struct {
	mu      sync.Mutex
	files   map[string]bool
	created bool // a file that was not there before: Git must be told of it
	events  []inventory.Event
}

func (c *changeLog) touch(name string, created bool) {
	if c == nil || ignoredByGit(name) {
		return
	}
	c.mu.Lock()
	c.created = c.created || created
	if c.files == nil {
		c.files = map[string]bool{}
	}
	c.files[name] = true
	c.mu.Unlock()
}

func (c *changeLog) record(e inventory.Event) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.events = append(c.events, e)
	c.mu.Unlock()
}

func (c *changeLog) names() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	names := make([]string, 0, len(c.files))
	for n := range c.files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ignoredByGit reports whether name is one of cabinet's local files, which
// the store's .gitignore keeps out of Git: the lock, the listing index,
// the spare files of re-encryption.
func ignoredByGit(name string) bool {
	return name == metaDir+"/lock" || strings.HasPrefix(name, cacheDir+"/") || strings.HasPrefix(name, spareDir+"/") ||
		strings.HasPrefix(path.Base(name), tempPrefix)
}

// commitChange commits what the change logged, if the store is a Git work
// tree and the change wrote anything. If the commit fails, the change is
// undone (see undo) and the error says why, with what to do.
func (s *Store) commitChange(c *changeLog) error {
	names := c.names()
	if !changesMoreThanAudit(names) || !s.IsGitStore() {
		// Audit lines alone (a read, a refused change) wait for the next
		// change's commit.
		return nil
	}
	msg := commitMessage(c.events)
	git, err := gitPath()
	if err == nil {
		err = s.gitCommit(git, msg, names, c.created)
	}
	if err == nil {
		return nil
	}
	if undoErr := s.undo(git, names); undoErr != nil {
		return fmt.Errorf("%s: could not commit %q (%w), and could not undo it: %v", s.Dir, msg, err, undoErr)
	}
	// The audit lines stay (a log is never rewritten); each change they
	// record gets a line saying it was undone.
	for _, e := range c.events {
		if e.Outcome == inventory.OutcomeOK {
			e.Outcome, e.Detail, e.Prev = inventory.OutcomeFailed, "undone: "+oneLineOf(err), ""
			_ = s.Audit(e)
		}
	}
	return inventory.WithHint(fmt.Errorf("%s: could not commit %q, so the change was undone: %w", s.Dir, msg, err),
		"fix what git says (`git status` in the store), then run the command again")
}

func changesMoreThanAudit(names []string) bool {
	for _, n := range names {
		if !strings.HasPrefix(n, auditDir+"/") {
			return true
		}
	}
	return false
}

// gitCommit commits the files, and only them: what the user staged or
// edited stays where it is. Usually nothing else is staged, and one
// `git commit --include` of the files is the whole commit (as fast as a
// hand-made `git add && git commit`); new files are added first. When
// something else is staged, `git commit --only` leaves it staged, at the
// price of a second index Git builds for the commit.
func (s *Store) gitCommit(git, msg string, names []string, created bool) error {
	_, err := s.runGit(git, "diff", "--cached", "--quiet")
	othersStaged := err != nil
	if created || othersStaged {
		if _, err := s.runGit(git, append([]string{"add", "-A", "--"}, names...)...); err != nil {
			return err
		}
	}
	how := "--include"
	if othersStaged {
		how = "--only"
	}
	commit := append([]string{"commit", "-q", "-m", msg, how, "--"}, names...)
	if _, err = s.runGit(git, commit...); err != nil && !created && !othersStaged {
		// A file Git does not track yet though it was there before (a
		// plain store made a repository by hand): add, then commit.
		if _, addErr := s.runGit(git, append([]string{"add", "-A", "--"}, names...)...); addErr != nil {
			return addErr
		}
		_, err = s.runGit(git, commit...)
	}
	return err
}

// undo puts the files back as the last commit has them: restored where
// HEAD holds them, removed where it does not, and out of the index.
func (s *Store) undo(git string, names []string) error {
	if git == "" {
		return ErrNoGit
	}
	out, err := s.runGit(git, append([]string{"ls-tree", "-r", "--name-only", "HEAD", "--"}, names...)...)
	if err != nil && !strings.Contains(err.Error(), "HEAD") {
		return err
	}
	inHead := map[string]bool{}
	for _, n := range strings.Split(strings.TrimSpace(out), "\n") {
		if n != "" {
			inHead[n] = true
		}
	}
	var restore []string
	for _, n := range names {
		if strings.HasPrefix(n, auditDir+"/") {
			continue // the audit lines stay
		}
		if inHead[n] {
			restore = append(restore, n)
			continue
		}
		if fsys, err := s.files(); err == nil {
			if err := fsys.root.Remove(native(n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	if _, err := s.runGit(git, append([]string{"reset", "-q", "--"}, names...)...); err != nil && len(inHead) > 0 {
		return err
	}
	if len(restore) > 0 {
		if _, err := s.runGit(git, append([]string{"checkout", "HEAD", "--"}, restore...)...); err != nil {
			return err
		}
	}
	return nil
}

func oneLineOf(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

// runGit runs git in the store's folder and returns its standard output; a
// failure's error is git's last line of standard error.
func (s *Store) runGit(git string, args ...string) (string, error) {
	cmd := exec.Command(git, args...)
	cmd.Dir = s.Dir
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		said := stderr.String()
		if strings.TrimSpace(said) == "" {
			said = stdout.String() // `git commit` says "nothing to commit" there
		}
		return stdout.String(), fmt.Errorf("git %s: %s", args[0], gitError(said, err))
	}
	return stdout.String(), nil
}

// gitError is the line of git's standard error that says what went wrong,
// escaped: git prints names from the repository, which anyone who can push
// wrote.
func gitError(stderr string, err error) string {
	var last string
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "hint:") {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "! ["); ok {
			// A push's refusal says why on its ref's line: "[rejected]
			// main -> main (fetch first)", "[remote rejected] … (pre-receive
			// hook declined)"; the error line after it only says it failed.
			return inventory.Printable("[" + rest)
		}
		if strings.HasPrefix(line, "fatal:") || strings.HasPrefix(line, "error:") || last == "" {
			last = line
		}
	}
	if last == "" {
		return err.Error()
	}
	return inventory.Printable(last)
}

var (
	gitOnce  sync.Once
	gitFound string
	gitErr   error
)

// RequireGit fails with ErrNoGit, and what to do, when git is not
// installed: a command that will need it says so before doing anything.
func RequireGit() error {
	_, err := gitPath()
	return err
}

// gitPath finds git once per process.
func gitPath() (string, error) {
	gitOnce.Do(func() {
		gitFound, gitErr = exec.LookPath("git")
		if gitErr != nil {
			gitErr = inventory.WithHint(ErrNoGit, "install git (apt-get install git, brew install git), or use the store as a plain folder")
		}
	})
	return gitFound, gitErr
}

// commitMessage says what a change did, from its audit events: the first
// change's words as the subject ("set prod/db/password: v4"), and each
// other change, if any, on a line of the body.
func commitMessage(events []inventory.Event) string {
	var lines []string
	exposed := ""
	for _, e := range events {
		if m := eventWords(e); m != "" && !slices.Contains(lines, m) {
			lines = append(lines, m)
		}
		if _, n, ok := strings.Cut(e.Detail, ", "); ok && e.Action == inventory.ActionReencrypt && strings.HasSuffix(n, " exposed") {
			if k, err := strconv.Atoi(strings.TrimSuffix(n, " exposed")); err == nil {
				exposed = plural(k, "secret")
			}
		}
	}
	// A removal says what it exposed: "members: remove bob (3 secrets exposed)".
	if len(lines) > 0 && exposed != "" && strings.HasPrefix(lines[0], "members: remove ") {
		lines[0] += " (" + exposed + " exposed)"
	}
	switch len(lines) {
	case 0:
		return "cabinet: update"
	case 1:
		return lines[0]
	}
	return lines[0] + "\n\n" + strings.Join(lines[1:], "\n")
}

// eventWords is one change in the words of a commit message; "" for an
// event that changes nothing (a read, a failure).
func eventWords(e inventory.Event) string {
	if e.Outcome != inventory.OutcomeOK {
		return ""
	}
	v := ""
	if e.Version > 0 {
		v = fmt.Sprintf("v%d", e.Version)
	}
	with := func(s string) string {
		if e.Detail != "" {
			return s + " (" + e.Detail + ")"
		}
		return s
	}
	switch e.Action {
	case inventory.ActionSet:
		return "set " + e.Path + ": " + v
	case inventory.ActionCreate:
		return "create " + e.Path
	case inventory.ActionStage:
		return "stage " + e.Path + ": " + v + " pending"
	case inventory.ActionEdit:
		return with("edit " + e.Path)
	case inventory.ActionRotateStart:
		return "rotate " + e.Path + ": start " + v
	case inventory.ActionRotateStep:
		return with("rotate " + e.Path + ": step")
	case inventory.ActionRotateApprove:
		return "rotate " + e.Path + ": approve " + v
	case inventory.ActionRotatePromote:
		return "rotate " + e.Path + ": promote " + v
	case inventory.ActionRotateFinish:
		return "rotate " + e.Path + ": finish " + v
	case inventory.ActionRotateRollback:
		return "rotate " + e.Path + ": roll back " + v
	case inventory.ActionRemove:
		return "rm " + e.Path
	case inventory.ActionMemberAdd:
		return "members: add " + e.Detail // the member's name
	case inventory.ActionMemberRemove:
		return "members: remove " + e.Detail
	case inventory.ActionScopeSet:
		return "scopes: set " + e.Detail // the prefix
	case inventory.ActionMembersResolve:
		return "members: settle the merge's conflicts"
	case inventory.ActionReencrypt:
		if e.Detail == "started" {
			return ""
		}
		return with("re-encrypt")
	case inventory.ActionRead, inventory.ActionReveal, inventory.ActionCopy:
		return ""
	}
	return with(e.Action + " " + e.Path)
}
