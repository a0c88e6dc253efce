package cli

import (
	"fmt"
	"path/filepath"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
	"github.com/spf13/cobra"
)

func newInitCmd(a *App) *cobra.Command {
	var member string
	var withGit bool
	c := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Create a store; you become its first member",
		Long: `Create a store in DIR (default: --store, $CABINET_STORE, or the user's
store ~/.local/share/cabinet/store). You become its first member, under the
name --member (default: $USER), with the public key of your identity, and the
only member of scope "*", which covers every path.

With --git the store is also a Git repository: every change is then one
commit, and ` + "`cabinet sync`" + ` shares it through a remote (add one with
` + "`git remote add origin URL`" + `).

You need an identity first: ` + "`cabinet identity new`" + ` creates one in the OS
keyring.`,
		Example: `  cabinet init
  cabinet init ~/team-secrets --member alice
  cabinet init ~/team-secrets --git && cd ~/team-secrets && git remote add origin git@host:team/secrets.git && cabinet sync`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := ""
			if len(args) == 1 {
				dir = args[0]
			}
			return runInit(a, dir, member, withGit)
		},
	}
	c.Flags().StringVar(&member, "member", "", "your member name (default: $USER)")
	c.Flags().BoolVar(&withGit, "git", false, "make the store a Git repository: a commit per change, shared with `cabinet sync`")
	return c
}

func runInit(a *App, dir, member string, withGit bool) error {
	if dir == "" {
		var err error
		if dir, err = a.initDirectory(); err != nil {
			return err
		}
	}
	if member == "" {
		member = a.defaultMemberName()
	}
	if err := inventory.ValidateMemberName(member); err != nil {
		return usage(err)
	}
	if withGit {
		if err := store.RequireGit(); err != nil {
			return err // before the store is made: never half of what was asked
		}
	}
	id, err := a.identity()
	if err != nil {
		return err
	}
	s, err := store.Init(dir, member, id.PublicKeys()[0])
	if err != nil {
		return err
	}
	act := store.Act{Actor: member, Now: a.Now()}
	if err := s.Audit(inventory.Event{Time: act.Now, Actor: member, Action: inventory.ActionMemberAdd, Outcome: inventory.OutcomeOK, Detail: member}); err != nil {
		return err
	}
	if withGit {
		if err := s.InitGit(driverCommand(), act); err != nil {
			return err
		}
	}
	abs, _ := filepath.Abs(dir)
	fmt.Fprintf(a.Err, "created a store in %s\nyou are member %s (%s), in scope *\n", abs, member, id.PublicKeys()[0])
	if withGit {
		fmt.Fprintf(a.Err, "it is a Git repository: add a remote with `git remote add origin URL`, then `cabinet sync`\n")
	}
	return nil
}

// initDirectory is where `cabinet init` without DIR creates the store.
func (a *App) initDirectory() (string, error) {
	if a.storeDir != "" {
		return a.storeDir, nil
	}
	if d := a.Getenv("CABINET_STORE"); d != "" {
		return d, nil
	}
	return a.defaultStore()
}
