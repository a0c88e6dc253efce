package store

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

// mergeDriverName is the merge driver .gitattributes routes the store's
// files to (secret files, recipients.yaml, the audit logs); each clone's Git
// config says which command it is (see ConfigureGit).
const mergeDriverName = "cabinet"

// ErrSync is a sync that could not finish: the remote could not be reached
// or refused the push, or the merge failed. Local commits are always kept.
var ErrSync = errors.New("sync failed")

// ConfigureGit sets, in the store's Git config, the command Git runs to
// merge the files .gitattributes routes to cabinet: driver, the cabinet
// binary that runs it (its path as this process was started).
func (s *Store) ConfigureGit(driver string) error {
	git, err := gitPath()
	if err != nil {
		return err
	}
	for _, kv := range [][2]string{
		{"merge." + mergeDriverName + ".name", "cabinet: merges secret files by version, recipients and audit logs"},
		{"merge." + mergeDriverName + ".driver", shellQuote(driver) + " merge-driver %O %A %B %P"},
	} {
		if _, err := s.runGit(git, "config", kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// InitGit makes the store a Git repository, sets up the merge driver and
// commits the store as Init made it.
func (s *Store) InitGit(driver string, act Act) error {
	git, err := gitPath()
	if err != nil {
		return err
	}
	if !s.IsGitStore() {
		if _, err := s.runGit(git, "init", "-q"); err != nil {
			return err
		}
	}
	if err := s.ConfigureGit(driver); err != nil {
		return err
	}
	// The store's own files, by its layout, and those only: the folder may
	// hold others (a note, a .env), and a repository may have something
	// staged. A store that was a plain folder brings its secrets along.
	fsys, err := s.files()
	if err != nil {
		return err
	}
	var names []string
	for _, name := range append(slices.Collect(maps.Keys(initFiles)), configFile, recipientsFile, ".gitignore") {
		if _, err := fsys.lstat(name); err == nil {
			names = append(names, name)
		}
	}
	found, err := s.walkSecrets()
	if err != nil {
		return err
	}
	for _, f := range found {
		names = append(names, secretName(f.rel))
	}
	runbooks, err := s.Runbooks()
	if err != nil {
		return err
	}
	for _, name := range runbooks {
		names = append(names, runbooksDir+"/"+name+secretExt)
	}
	logs, err := s.AuditFiles()
	if err != nil {
		return err
	}
	for _, name := range logs {
		names = append(names, filepath.ToSlash(name))
	}
	slices.Sort(names)
	return s.gitCommit(git, "init: a cabinet store, "+act.Actor+" its first member", names, true)
}

// Clone clones the store at url into dir with the system git (so the
// user's SSH keys and credential helpers apply), sets up its merge driver
// and opens it.
func Clone(url, dir, driver string) (*Store, error) {
	git, err := gitPath()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(dir); err == nil {
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			return nil, inventory.WithHint(fmt.Errorf("%s already exists and is not empty", dir), "choose another folder")
		}
	}
	parent, err := filepath.Abs(filepath.Dir(dir))
	if err != nil {
		return nil, err
	}
	probe := &Store{Dir: parent}
	defer privateUmask()()
	if _, err := probe.runGit(git, "clone", "-q", "--", url, filepath.Base(dir)); err != nil {
		return nil, inventory.WithHint(fmt.Errorf("failed to clone %s: %w", inventory.Printable(url), err),
			"check the address and that you can reach it (git clone works with the same address)")
	}
	s, err := Open(dir)
	if err != nil {
		return nil, fmt.Errorf("%s was cloned but is not a cabinet store: %w", inventory.Printable(url), err)
	}
	if err := s.ConfigureGit(driver); err != nil {
		return nil, err
	}
	return s, nil
}

// SyncResult says what a sync did.
type SyncResult struct {
	Remote, Branch string
	Fetched        int  // commits brought in
	Pushed         int  // local commits sent
	UpstreamSet    bool // the first push set the branch's upstream
	Resealed       int  // secrets re-encrypted after the merge, to the scopes it brought
	Stale          int  // secrets still sealed to other readers than their scope's: `cabinet rekey` by a member who can read them
	tracked        bool // the branch had an upstream before
}

// SyncKey is who syncs: with it, a sync re-encrypts what the merge left
// sealed to other readers than its scope's (a teammate added someone to a
// scope while another set a value in it), so that the member added reads
// it after their next sync.
type SyncKey struct {
	ID  *crypto.Identity
	Act Act
}

// resealMerged re-encrypts, after a merge, the secrets either side changed
// since base whose values are not sealed to exactly their scope's members,
// as one commit; those the key
// cannot read are counted as stale. key is asked for only then (finding an
// identity may wait on the OS keyring). The caller holds the lock.
func (s *Store) resealMerged(git, base string, keyOf func() *SyncKey, r *SyncResult) error {
	if err := s.readRecipients(); err != nil {
		return err
	}
	changed, err := s.secretsChangedSince(git, base)
	if err != nil {
		return err
	}
	// Only a secret one side changed can be left sealed for the other's
	// scopes: the side that changed the scopes re-encrypted the rest.
	stale, _ := s.staleOf(changed)
	if len(stale) == 0 {
		return nil
	}
	r.Stale = len(stale)
	if len(s.Recipients.Conflicts) > 0 {
		return nil // nothing is sealed until the clash is settled; sync says so
	}
	var key *SyncKey
	if keyOf != nil {
		key = keyOf()
	}
	if key == nil {
		return nil
	}
	if _, ok := s.Recipients.Members[key.Act.Actor]; !ok {
		return nil
	}
	res, err := s.rekeyPaths(stale, key.ID, key.Act, nil)
	if err != nil {
		return err
	}
	fsys, err := s.files()
	if err != nil {
		return err
	}
	if err := s.commitChange(fsys.takeChange()); err != nil {
		return err
	}
	r.Resealed, r.Stale = len(res.Reencrypted), len(res.Failed)
	if r.Resealed > 0 {
		r.Pushed++
	}
	return nil
}

// secretsChangedSince lists the paths of the secret files that differ
// between commit base and HEAD (both sides of a merge), removed ones left
// out.
func (s *Store) secretsChangedSince(git, base string) ([]string, error) {
	out, err := s.runGit(git, "diff", "--name-only", "--diff-filter=d", "-z", base, "HEAD", "--", secretsDir)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, name := range strings.Split(out, "\x00") {
		rel, ok := strings.CutPrefix(name, secretsDir+"/")
		if p, isSecret := strings.CutSuffix(rel, secretExt); ok && isSecret && s.ValidatePath(p) == nil {
			paths = append(paths, p)
		}
	}
	return paths, nil
}

// Sync fetches from the remote, merges what came in (through cabinet's
// merge driver) and pushes the local commits, all with the system git. It
// holds the store's lock, so no change of this machine lands in between.
// A failure keeps every local commit, says which remote, and the next sync
// completes the work.
func (s *Store) Sync(key func() *SyncKey) (SyncResult, error) {
	git, err := gitPath()
	if err != nil {
		return SyncResult{}, err
	}
	if !s.IsGitStore() {
		return SyncResult{}, inventory.WithHint(fmt.Errorf("%s is not a Git repository", s.Dir),
			"make it one with `git init` and a remote, or clone a shared store with `cabinet clone URL`")
	}
	unlock, err := s.lock()
	if err != nil {
		return SyncResult{}, err
	}
	defer unlock()
	defer privateUmask()()
	var r SyncResult
	if r.Branch, r.Remote, r.tracked, err = s.branchAndRemote(git); err != nil {
		return r, err
	}
	if r.Remote == "" {
		return r, inventory.WithHint(fmt.Errorf("%w: %s has no remote to sync with", ErrSync, s.Dir),
			"add one with `git remote add origin URL`")
	}
	// A push refused because someone pushed in the meantime is followed by
	// a second round: fetch and merge what they pushed, then push again.
	for round := 1; ; round++ {
		err := s.syncRound(git, key, &r)
		if err == nil || round == 2 || !pushedMeanwhile(err) {
			return r, err
		}
	}
}

// syncRound fetches, merges and pushes once, adding to r.
func (s *Store) syncRound(git string, key func() *SyncKey, r *SyncResult) error {
	failed := func(what string, err error) error {
		return inventory.WithHint(fmt.Errorf("%w: %s %s: %v; local commits are kept", ErrSync, what, inventory.Printable(r.Remote), err),
			"run `cabinet sync` again once the remote answers")
	}
	if _, err := s.runGit(git, "fetch", "-q", r.Remote); err != nil {
		return failed("could not fetch from", err)
	}
	remoteRef := "refs/remotes/" + r.Remote + "/" + r.Branch
	// Ahead and behind in one call; it fails when the remote has no such
	// branch yet, and then everything is to push.
	out, err := s.runGit(git, "rev-list", "--left-right", "--count", "HEAD..."+remoteRef)
	if err == nil {
		var ahead, behind int
		if _, err := fmt.Sscanf(out, "%d %d", &ahead, &behind); err != nil {
			return fmt.Errorf("git rev-list: %q: %w", out, err)
		}
		r.Fetched += behind
		r.Pushed = ahead
		if behind > 0 {
			base, err := s.runGit(git, "merge-base", "HEAD", remoteRef)
			if err != nil {
				return err
			}
			if _, err := s.runGit(git, "merge", "-q", "--no-edit", "-m", "sync: merge "+r.Remote+"/"+r.Branch, remoteRef); err != nil {
				unmerged, _ := s.runGit(git, "diff", "--name-only", "--diff-filter=U")
				_, _ = s.runGit(git, "merge", "--abort")
				return mergeFailed(*r, strings.Fields(unmerged), err)
			}
			if ahead > 0 {
				r.Pushed++ // the merge commit
			}
			if err := s.resealMerged(git, strings.TrimSpace(base), key, r); err != nil {
				return err
			}
		}
	} else if r.Pushed, err = s.countCommits(git, "HEAD"); err != nil {
		return err
	}
	if r.Pushed == 0 {
		return nil
	}
	args := []string{"push", "-q", r.Remote, "HEAD:refs/heads/" + r.Branch}
	if !r.tracked {
		// The first push sets the upstream, as `git push -u` does.
		args = []string{"push", "-q", "-u", r.Remote, r.Branch}
		r.UpstreamSet = true
	}
	if _, err := s.runGit(git, args...); err != nil {
		return failed("could not push to", err)
	}
	r.tracked = true
	return nil
}

// pushedMeanwhile reports whether a sync failed because the remote's
// branch moved between its fetch and its push: git says "fetch first" or
// "non-fast-forward" when it knew before sending, "failed to update ref"
// when the remote found out while updating it. (A refusal for another
// reason is tried once more and fails the same way.)
func pushedMeanwhile(err error) bool {
	msg := err.Error()
	if !strings.Contains(msg, "could not push to") {
		return false
	}
	for _, why := range []string{"(fetch first)", "(non-fast-forward)", "(failed to update ref)"} {
		if strings.Contains(msg, why) {
			return true
		}
	}
	return false
}

// mergeFailed says why a sync's merge stopped, by the files that did not
// merge; the merge is undone and local commits are kept.
func mergeFailed(r SyncResult, unmerged []string, err error) error {
	what := fmt.Errorf("%w: could not merge %s/%s: %v; local commits are kept", ErrSync, inventory.Printable(r.Remote), inventory.Printable(r.Branch), err)
	if len(unmerged) > 0 {
		for i, f := range unmerged {
			unmerged[i] = inventory.Printable(f)
		}
		what = fmt.Errorf("%w: could not merge %s/%s: %s changed on both sides and could not be merged; local commits are kept",
			ErrSync, inventory.Printable(r.Remote), inventory.Printable(r.Branch), strings.Join(unmerged, ", "))
	}
	switch {
	case slices.Contains(unmerged, recipientsFile):
		return inventory.WithHint(what, "both clones gave one member different keys, or one removed a member the other changed: agree on it, change recipients.yaml on one clone with `cabinet members`, then `cabinet sync`")
	case len(unmerged) > 0:
		return inventory.WithHint(what, "merge those files by hand with git (they are not cabinet's to merge), then run `cabinet sync` again")
	}
	return inventory.WithHint(what, "run `git status` in the store to see why, then `cabinet sync` again")
}

// branchAndRemote is the current branch and the remote it syncs with: its
// upstream's, else "origin", else the only remote; "" when there is none.
func (s *Store) branchAndRemote(git string) (branch, remote string, tracked bool, err error) {
	out, err := s.runGit(git, "rev-parse", "--abbrev-ref", "HEAD", "@{upstream}")
	lines := strings.Fields(out)
	if len(lines) == 0 {
		return "", "", false, err
	}
	branch = lines[0]
	if err == nil && len(lines) == 2 {
		if remote, _, ok := strings.Cut(lines[1], "/"); ok {
			return branch, remote, true, nil
		}
	}
	out, err = s.runGit(git, "remote")
	if err != nil {
		return branch, "", false, err
	}
	remotes := strings.Fields(out)
	switch {
	case slices.Contains(remotes, "origin"):
		return branch, "origin", false, nil
	case len(remotes) == 1:
		return branch, remotes[0], false, nil
	}
	return branch, "", false, nil
}

func (s *Store) countCommits(git, revs string) (int, error) {
	out, err := s.runGit(git, "rev-list", "--count", revs)
	if err != nil {
		return 0, err
	}
	var n int
	_, err = fmt.Sscanf(strings.TrimSpace(out), "%d", &n)
	return n, err
}

// shellQuote quotes s for the shell Git runs a merge driver with.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
