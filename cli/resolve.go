package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cabinethq/cabinet/inventory"
)

func newResolveCmd(a *App) *cobra.Command {
	var keep int
	c := &cobra.Command{
		Use:   "resolve PATH [--keep N]",
		Short: "Settle a conflict that a merge of two clones left",
		Long: `Settle a secret that a merge left in conflict (status conflict in ls and
show). Where two clones each made a new value, the merge kept both: the later
one is current and get warns; --keep N names the version that stays. A value in
conflict that you keep becomes current (or pending again, if it was a
rotation not yet promoted: resume the rotation to finish it); the values not
kept are retired, never dropped. The kept value is sealed again under its
final number, so you need your identity.

Where two clones changed a field (owner, description, tags, rotation) at the
same time, the merge kept one of the two, the same on every clone; resolve
without --keep accepts it (change it first with ` + "`cabinet edit`" + ` if it is wrong).`,
		Example: `  cabinet show prod/db/password             # what clashes
  cabinet resolve prod/db/password --keep 5
  cabinet resolve prod/db/password            # fields only: accept the merge`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completePaths(a),
		RunE: func(c *cobra.Command, args []string) error {
			if c.Flags().Changed("keep") && keep < 1 {
				return usagef("--keep %d: name a version number (see `cabinet show %s`)", keep, args[0])
			}
			return runResolve(a, args[0], keep)
		},
	}
	c.Flags().IntVar(&keep, "keep", 0, "the version whose value stays")
	return c
}

func runResolve(a *App, path string, keep int) error {
	s, err := a.openStoreFor(path)
	if err != nil {
		return err
	}
	id, act, err := a.identityAct(s)
	if err != nil {
		return err
	}
	sec, err := s.Resolve(path, keep, id, act)
	if errors.Is(err, inventory.ErrKeepWhich) {
		return usage(err)
	}
	if err != nil {
		return err
	}
	if keep == 0 {
		fmt.Fprintf(a.Err, "resolved %s: the fields the merge kept stay\n", path)
		return nil
	}
	var states []string
	for _, v := range sec.Versions {
		if v.State == inventory.Current || v.State == inventory.Pending {
			states = append(states, fmt.Sprintf("v%d is %s", v.Number, v.State))
		}
	}
	fmt.Fprintf(a.Err, "resolved %s: %s; the values not kept are retired\n", path, strings.Join(states, ", "))
	return nil
}

// conflictLines say, for show, what a merge left in conflict and how to
// settle it.
func conflictLines(sec *inventory.Secret) []string {
	var lines, clashing []string
	cur := sec.CurrentVersion()
	for _, v := range sec.Versions {
		if v.State == inventory.Conflicted {
			clashing = append(clashing, fmt.Sprintf("v%d", v.Number))
		}
	}
	if len(clashing) > 0 {
		kept := "no value is current"
		if cur != nil {
			kept = fmt.Sprintf("v%d, the later, is current", cur.Number)
		}
		lines = append(lines, fmt.Sprintf("%s made on another clone at the same time (%s); `cabinet resolve %s --keep N` keeps one",
			strings.Join(clashing, ", "), kept, sec.Path))
	}
	if len(sec.Conflicts) > 0 {
		hint := fmt.Sprintf("`cabinet resolve %s` accepts what the merge kept", sec.Path)
		if len(clashing) > 0 {
			hint = "resolving accepts what the merge kept"
		}
		lines = append(lines, fmt.Sprintf("%s changed on two clones at the same time; %s", strings.Join(sec.Conflicts, ", "), hint))
	}
	return lines
}
