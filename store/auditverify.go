package store

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cabinethq/cabinet/inventory"
)

// Verification is what `cabinet audit verify` found: each log's chain,
// checked against its anchor and, in a Git store, against what HEAD holds;
// and the commits that changed a secret without an audit event.
type Verification struct {
	Logs []LogVerdict `json:"logs"`
	// Git says whether Git history was checked (a Git store, git
	// installed).
	Git     bool         `json:"git"`
	Commits []CommitFlaw `json:"commits,omitempty"`
}

// LogVerdict is one log's: its lines and what is wrong with them.
type LogVerdict struct {
	Name     string                 `json:"file"`
	Member   string                 `json:"member"`
	Lines    int                    `json:"lines"`
	Problems []inventory.LogProblem `json:"problems,omitempty"`
}

// CommitFlaw is a commit that did what cabinet never does.
type CommitFlaw struct {
	Commit  string `json:"commit"`
	Author  string `json:"author"`
	Date    string `json:"date"`
	Subject string `json:"subject"`
	What    string `json:"what"`
}

// Tampered reports whether anything found is tampering (a torn line is
// not).
func (v *Verification) Tampered() bool {
	if len(v.Commits) > 0 {
		return true
	}
	for _, l := range v.Logs {
		for _, p := range l.Problems {
			if p.Kind == inventory.ProblemTampered {
				return true
			}
		}
	}
	return false
}

// VerifyAudit checks every member's log: its chain, its anchor, and in a
// Git store its history.
func (s *Store) VerifyAudit() (*Verification, error) {
	logs, err := s.AuditLogs()
	if err != nil {
		return nil, err
	}
	v := &Verification{}
	byName := map[string]int{}
	for _, l := range logs {
		byName[l.Name] = len(v.Logs)
		v.Logs = append(v.Logs, LogVerdict{Name: l.Name, Member: l.Member, Lines: l.Check.Lines, Problems: slices.Clone(l.Check.Problems)})
	}
	if err := s.checkAnchors(logs, v); err != nil {
		return nil, err
	}
	if s.IsGitStore() {
		if git, err := gitPath(); err == nil {
			v.Git = true
			if err := s.checkGit(git, v, byName); err != nil {
				return nil, err
			}
		}
	}
	for i := range v.Logs {
		slices.SortStableFunc(v.Logs[i].Problems, func(a, b inventory.LogProblem) int { return a.Line - b.Line })
	}
	return v, nil
}

// checkAnchors finds each log's anchor line in it; a log without it was
// cut short or rewritten after that line.
func (s *Store) checkAnchors(logs []AuditLog, v *Verification) error {
	for i, l := range logs {
		a, ok, err := s.readAnchor(l.Member)
		if err != nil {
			return err
		}
		if ok && !l.holds(a.Hash) {
			what := fmt.Sprintf("cut short or rewritten: its line of %s (%s", a.Time.UTC().Format("2006-01-02 15:04:05"), a.Action)
			if a.Path != "" {
				what += " " + a.Path
			}
			what += "), which this clone wrote, is gone"
			v.Logs[i].Problems = append(v.Logs[i].Problems, inventory.LogProblem{Line: l.Check.Lines + 1, Kind: inventory.ProblemTampered, What: what})
		}
	}
	return nil
}

// holds reports whether the log has a line whose hash is h, looked for from
// the end, where the anchor usually is.
func (l *AuditLog) holds(h string) bool {
	lines := inventory.LogLines(l.raw)
	for i := len(lines) - 1; i >= 0; i-- {
		if inventory.ChainHash(lines[i]) == h {
			return true
		}
	}
	return false
}

// checkGit checks the logs against Git: what HEAD holds of a log is still
// there, no commit removed or changed a log's line, and every commit that
// changed a secret file appended an event of that change.
func (s *Store) checkGit(git string, v *Verification, byName map[string]int) error {
	if _, err := s.runGit(git, "rev-parse", "--verify", "-q", "HEAD"); err != nil {
		return nil // no commit yet
	}
	out, err := s.runGit(git, "diff", "--no-color", "--no-ext-diff", "--no-renames", "--unified=0", "HEAD", "--", auditDir+"/")
	if err != nil {
		return err
	}
	for _, d := range parseDiff(out) {
		if len(d.removed) == 0 {
			continue
		}
		i, ok := byName[d.name]
		if !ok {
			i = len(v.Logs)
			v.Logs = append(v.Logs, LogVerdict{Name: d.name, Member: strings.TrimSuffix(strings.TrimPrefix(d.name, auditDir+"/"), ".jsonl")})
		}
		v.Logs[i].Problems = append(v.Logs[i].Problems, inventory.LogProblem{Line: d.removed[0], Kind: inventory.ProblemTampered,
			What: fmt.Sprintf("%s committed in HEAD, removed or changed since", plural(len(d.removed), "line"))})
	}
	return s.checkHistory(git, v)
}

// checkHistory reads the history of the logs and of the secret files, one
// git log each, and names the commits that did not only append to a log,
// or changed a secret without appending its event. Merges are left out:
// cabinet's merge driver makes their logs (the union of both sides) and
// their secret files (from both sides' changes, each with its event).
func (s *Store) checkHistory(git string, v *Verification) error {
	const format = "--format=%x1e%H%x1f%an%x1f%as%x1f%s"
	logOut, err := s.runGit(git, "log", "--no-merges", "--no-color", "--no-ext-diff", "--no-renames", "-p", "--unified=0", format, "--", auditDir+"/")
	if err != nil {
		return err
	}
	secretOut, err := s.runGit(git, "log", "--no-merges", "--no-renames", "--name-only", format, "--", secretsDir+"/")
	if err != nil {
		return err
	}
	appended := map[string][]inventory.Event{} // by commit
	for _, c := range parseCommits(logOut) {
		for _, d := range parseDiff(c.body) {
			if len(d.removed) > 0 {
				v.Commits = append(v.Commits, c.flaw(fmt.Sprintf("removed or changed line %d of %s", d.removed[0], d.name)))
			}
			member := strings.TrimSuffix(strings.TrimPrefix(d.name, auditDir+"/"), ".jsonl")
			for _, line := range d.added {
				e, err := inventory.ParseEvent([]byte(line))
				if err != nil {
					continue // the chain check names it
				}
				if e.Actor != member {
					v.Commits = append(v.Commits, c.flaw(fmt.Sprintf("appended an event of %s to %s", inventory.Quote(e.Actor), d.name)))
					continue
				}
				appended[c.hash] = append(appended[c.hash], e)
			}
		}
	}
	for _, c := range parseCommits(secretOut) {
		for _, name := range strings.Split(strings.TrimSpace(c.body), "\n") {
			path, ok := secretPathOf(name)
			if ok && !explained(appended[c.hash], path) {
				v.Commits = append(v.Commits, c.flaw(fmt.Sprintf("changed %s with no audit event: a change made outside cabinet", name)))
			}
		}
	}
	return nil
}

// secretPathOf is the secret path of a file name under secrets/.
func secretPathOf(name string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(name), secretsDir+"/")
	if !ok || !strings.HasSuffix(rest, secretExt) {
		return "", false
	}
	return strings.TrimSuffix(rest, secretExt), true
}

// explained reports whether one of events is a change of the secret path:
// an event of that path other than a read, or a change of the team, which
// re-encrypts the secrets of the scopes it touches.
func explained(events []inventory.Event, path string) bool {
	for _, e := range events {
		switch {
		case e.Path == path && !inventory.IsAccess(e.Action) && e.Outcome == inventory.OutcomeOK:
			return true
		case e.Path == "" && teamChange(e.Action):
			return true
		}
	}
	return false
}

func teamChange(action string) bool {
	switch action {
	case inventory.ActionMemberAdd, inventory.ActionMemberRemove, inventory.ActionScopeSet, inventory.ActionMembersResolve, inventory.ActionReencrypt:
		return true
	}
	return false
}

// commit is one commit of a git log with the format of checkHistory, and
// what follows its header (a patch, or file names).
type commit struct {
	hash, author, date, subject, body string
}

func (c commit) flaw(what string) CommitFlaw {
	short := c.hash
	if len(short) > 12 {
		short = short[:12]
	}
	return CommitFlaw{Commit: short, Author: inventory.Printable(c.author), Date: c.date, Subject: inventory.Printable(c.subject), What: inventory.Printable(what)}
}

func parseCommits(out string) []commit {
	var commits []commit
	for _, rec := range strings.Split(out, "\x1e") {
		header, body, _ := strings.Cut(rec, "\n")
		f := strings.Split(header, "\x1f")
		if len(f) < 4 {
			continue
		}
		commits = append(commits, commit{hash: f[0], author: f[1], date: f[2], subject: f[3], body: body})
	}
	return commits
}

// fileDiff is what a unified diff with no context says of one file: the
// lines it added, and the numbers (in the old file) of those it removed.
type fileDiff struct {
	name    string
	added   []string
	removed []int
}

// parseDiff reads the output of git diff (or git log -p) --unified=0.
func parseDiff(out string) []fileDiff {
	var diffs []fileDiff
	var cur *fileDiff
	old := 0
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "diff --git "):
			diffs = append(diffs, fileDiff{})
			cur = &diffs[len(diffs)-1]
			if _, b, ok := strings.Cut(line, " b/"); ok {
				cur.name = b
			}
		case cur == nil:
		case strings.HasPrefix(line, "+++ "), strings.HasPrefix(line, "--- "):
		case strings.HasPrefix(line, "@@ -"):
			old = hunkStart(line)
		case strings.HasPrefix(line, "+"):
			cur.added = append(cur.added, line[1:])
		case strings.HasPrefix(line, "-"):
			cur.removed = append(cur.removed, old)
			old++
		}
	}
	return diffs
}

// hunkStart is the first old line of a hunk "@@ -N[,M] +K[,L] @@".
func hunkStart(header string) int {
	f := strings.Fields(strings.TrimPrefix(header, "@@ -"))
	if len(f) == 0 {
		return 0
	}
	n, _, _ := strings.Cut(f[0], ",")
	v, _ := strconv.Atoi(n)
	return v
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
