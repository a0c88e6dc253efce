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
	c := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Create a store; you become its first member",
		Long: `Create a store in DIR (default: --store, $CABINET_STORE, or the user's
store ~/.local/share/cabinet/store). You become its first member, under the
name --member (default: $USER), with the public key of your identity, and the
only member of scope "*", which covers every path.

You need an identity first: ` + "`cabinet identity new`" + ` creates one in the OS
keyring.`,
		Example: `  cabinet init
  cabinet init ~/team-secrets --member alice`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := ""
			if len(args) == 1 {
				dir = args[0]
			}
			return runInit(a, dir, member)
		},
	}
	c.Flags().StringVar(&member, "member", "", "your member name (default: $USER)")
	return c
}

func runInit(a *App, dir, member string) error {
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
	abs, _ := filepath.Abs(dir)
	fmt.Fprintf(a.Err, "created a store in %s\nyou are member %s (%s), in scope *\n", abs, member, id.PublicKeys()[0])
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
