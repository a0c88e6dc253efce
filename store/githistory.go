package store

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

// recipientsPast is every version recipients.yaml had in a Git store's
// history, each with the time a later one replaced it: who could read what,
// and until when. Removing a member marks as exposed what they could read at
// any of them, not only what the current file lets them read.
type recipientsPast []pastRecipients

type pastRecipients struct {
	recipients inventory.Recipients
	until      time.Time // when the next commit replaced it; now for the last
}

// recipientsHistory reads recipients.yaml at every commit that changed it,
// with two git processes whatever the length of the history. A store that
// is not a Git work tree has no history (nil); a version that no longer
// parses is passed over (it protected nothing cabinet could read then).
func (s *Store) recipientsHistory(now time.Time) (recipientsPast, error) {
	if !s.IsGitStore() {
		return nil, nil
	}
	git, err := gitPath()
	if err != nil {
		return nil, err
	}
	out, err := s.runGit(git, "log", "--format=%H %ct", "--", recipientsFile)
	if err != nil {
		if strings.Contains(err.Error(), "does not have any commits") {
			return nil, nil
		}
		return nil, err
	}
	type commit struct {
		hash string
		at   time.Time
	}
	var commits []commit // newest first
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		hash, at, ok := strings.Cut(line, " ")
		sec, err := strconv.ParseInt(at, 10, 64)
		if !ok || err != nil {
			continue
		}
		commits = append(commits, commit{hash, time.Unix(sec, 0)})
	}
	if len(commits) == 0 {
		return nil, nil
	}
	var query bytes.Buffer
	for _, c := range commits {
		fmt.Fprintf(&query, "%s:%s\n", c.hash, recipientsFile)
	}
	cmd := exec.Command(git, "cat-file", "--batch")
	cmd.Dir, cmd.Stdin = s.Dir, &query
	batch, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	r := bufio.NewReader(bytes.NewReader(batch))
	var past recipientsPast
	for i := range commits {
		header, err := r.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("git cat-file: %w", err)
		}
		fields := strings.Fields(header)
		if len(fields) != 3 || fields[1] != "blob" {
			continue // "missing": the file did not exist at that commit
		}
		size, err := strconv.Atoi(fields[2])
		if err != nil {
			return nil, fmt.Errorf("git cat-file: %q", header)
		}
		data := make([]byte, size+1) // and its newline
		if _, err := io.ReadFull(r, data); err != nil {
			return nil, fmt.Errorf("git cat-file: %w", err)
		}
		var f fileRecipients
		if decodeStrict(data[:size], &f) != nil {
			continue
		}
		until := now
		if i > 0 {
			until = commits[i-1].at
		}
		past = append(past, pastRecipients{recipients: inventory.Recipients{Members: f.Members, Scopes: f.Scopes}, until: until})
	}
	return past, nil
}

// removedReaders lists the members who are not members of next, could read
// sec's path at some version of recipients.yaml, and were readers then of a
// value sec still holds as current, previous or pending (one created
// before that version was replaced).
func (p recipientsPast) removedReaders(sec *inventory.Secret, next inventory.Recipients) []string {
	var gone []string
	for _, past := range p {
		for _, m := range past.recipients.ReadersOf(sec.Path) {
			if _, still := next.Members[m]; still || slices.Contains(gone, m) {
				continue
			}
			if heldSince(sec, past.until) {
				gone = append(gone, m)
			}
		}
	}
	slices.Sort(gone)
	return gone
}

// heldSince reports whether sec has a live value (current, previous or
// pending) created before t, a commit time: Git keeps whole seconds, so a
// value of the same second counts as before (an exposure errs on the safe
// side).
func heldSince(sec *inventory.Secret, t time.Time) bool {
	for _, v := range sec.Versions {
		switch v.State {
		case inventory.Current, inventory.Previous, inventory.Pending:
			if v.Value != "" && v.Created.Before(t.Add(time.Second)) {
				return true
			}
		}
	}
	return false
}
