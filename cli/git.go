package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
	"github.com/spf13/cobra"
)

func newCloneCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "clone URL [DIR]",
		Short: "Clone a shared store and set up its merge driver",
		Long: `Clone the store at URL into DIR (default: the last part of URL) with the
system git, so your SSH keys, credential helpers and Git config apply, and set
up cabinet's merge driver in the clone's Git config: concurrent edits of the
same secret then merge by version, never with conflict markers.

It prints the store's members and what you can read: if you are not a member
yet, give a member your public key (` + "`cabinet identity show`" + `).`,
		Example: `  cabinet clone git@github.com:acme/secrets.git
  cabinet clone ../team-secrets.git ~/secrets`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error {
			url := args[0]
			dir := strings.TrimSuffix(filepath.Base(strings.TrimRight(url, "/")), ".git")
			if len(args) == 2 {
				dir = args[1]
			}
			return runClone(a, url, dir)
		},
	}
}

func runClone(a *App, url, dir string) error {
	s, err := store.Clone(url, dir, driverCommand())
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(dir)
	fmt.Fprintf(a.Err, "cloned %s into %s\n", inventory.Printable(url), inventory.Printable(abs))
	fmt.Fprintf(a.Err, "members: %s\n", strings.Join(s.Recipients.MemberNames(), ", "))
	id, err := a.identity()
	if err != nil {
		fmt.Fprintf(a.Err, "no identity here yet: create one with `cabinet identity new`, then ask a member to add you\n")
		return nil
	}
	name, ok := s.MemberOf(id.PublicKeys())
	if !ok {
		fmt.Fprintf(a.Err, "you are not a member yet: ask a member to run `cabinet members add NAME %s`, then `cabinet sync`\n", id.PublicKeys()[0])
		return nil
	}
	var scopes []string
	for _, scope := range s.Recipients.ScopeNames() {
		if slices.Contains(s.Recipients.Scopes[scope], name) {
			scopes = append(scopes, scope)
		}
	}
	if len(scopes) == 0 {
		fmt.Fprintf(a.Err, "you are member %s, in no scope yet: you can read nothing until a member adds you to one\n", name)
		return nil
	}
	fmt.Fprintf(a.Err, "you are member %s and can read the secrets under: %s\n", name, strings.Join(scopes, ", "))
	return nil
}

func newSyncCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "sync",
		Short: "Fetch, merge and push the store with its Git remote",
		Long: `Fetch from the store's Git remote, merge what came in (secret files, members
and audit logs merge through cabinet's merge driver, by version), and push the
local commits, all with the system git, so SSH keys, credential helpers and
Git config apply. The first push sets the branch's upstream.

If the remote cannot be reached, refuses the push or the merge fails, sync
says so in one line and keeps every local commit; run it again later.`,
		Example: `  cabinet sync`,
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			s, err := a.openStore()
			if err != nil {
				return err
			}
			r, err := s.Sync(func() *store.SyncKey { return a.syncKey(s) })
			if err != nil {
				return err
			}
			if r.Resealed > 0 {
				fmt.Fprintf(a.Err, "re-encrypted %d secrets to the scopes the merge brought\n", r.Resealed)
			}
			for _, conflict := range s.Recipients.Conflicts {
				fmt.Fprintf(a.Err, "cabinet: warning: recipients.yaml: %s; nothing is sealed until a member of scope * checks the keys and runs `cabinet members resolve`\n", inventory.Printable(conflict))
			}
			if r.Stale > 0 && len(s.Recipients.Conflicts) == 0 {
				fmt.Fprintf(a.Err, "cabinet: warning: %d secrets are not sealed to exactly their scope's members; a member who can read them runs `cabinet rekey`\n", r.Stale)
			}
			what := "up to date"
			switch {
			case r.Fetched > 0 && r.Pushed > 0:
				what = fmt.Sprintf("merged %s, pushed %s", commits(r.Fetched), commits(r.Pushed))
			case r.Fetched > 0:
				what = "merged " + commits(r.Fetched)
			case r.Pushed > 0:
				what = "pushed " + commits(r.Pushed)
			}
			fmt.Fprintf(a.Err, "synced with %s/%s: %s\n", inventory.Printable(r.Remote), inventory.Printable(r.Branch), what)
			return nil
		},
	}
}

// syncKey is who syncs, for re-encrypting what a merge leaves sealed to
// other readers; nil when this machine has no identity of a member, and
// then sync only says what is left.
func (a *App) syncKey(s *store.Store) *store.SyncKey {
	id, act, err := a.identityAct(s)
	if err != nil {
		return nil
	}
	return &store.SyncKey{ID: id, Act: act}
}

func commits(n int) string {
	if n == 1 {
		return "1 commit"
	}
	return fmt.Sprintf("%d commits", n)
}

// driverCommand is the cabinet binary Git runs as the merge driver: this
// one, by its absolute path, so that it need not be on Git's PATH.
func driverCommand() string {
	exe, err := os.Executable()
	if err != nil {
		return "cabinet"
	}
	if abs, err := filepath.EvalSymlinks(exe); err == nil {
		return abs
	}
	return exe
}
