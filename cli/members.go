package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/store"
	"github.com/spf13/cobra"
)

func newMembersCmd(a *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "members",
		Short: "Add, remove or list the members who can read secrets",
		Long: `Members are people and pipeline jobs, each with an age or ssh-ed25519
public key (recipients.yaml). A member reads the secrets of the scopes that
name them. Changing members re-encrypts the affected values; if that is
interrupted, run the same command again (or ` + "`cabinet rekey`" + `) to finish.`,
	}
	c.AddCommand(newMembersAddCmd(a), newMembersRmCmd(a), newMembersLsCmd(a), newMembersResolveCmd(a))
	return c
}

func newMembersAddCmd(a *App) *cobra.Command {
	var scopes []string
	c := &cobra.Command{
		Use:   "add NAME KEY",
		Short: "Add a member (or change a member's key)",
		Example: `  cabinet members add bob age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p --scope dev/ --scope stg/
  cabinet members add etl-prod "$(cat etl.pub)" --scope prod/`,
		Args: cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			return a.changeMembers(func(s *store.Store, id *crypto.Identity, act store.Act) (store.RekeyResult, error) {
				return s.AddMember(args[0], args[1], scopes, id, act)
			}, "added member "+args[0])
		},
	}
	c.Flags().StringSliceVar(&scopes, "scope", nil, "also add the member to this scope (repeatable)")
	return c
}

func newMembersRmCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "rm NAME",
		Short: "Remove a member; what they could read is re-encrypted and marked exposed",
		Long: `Remove a member from every scope and the member list. The values they could
read are re-encrypted to the remaining members and the secrets are marked
exposed: the member may have kept a copy, so rotate them.`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return a.changeMembers(func(s *store.Store, id *crypto.Identity, act store.Act) (store.RekeyResult, error) {
				return s.RemoveMember(args[0], id, act)
			}, "removed member "+args[0])
		},
	}
}

func newMembersLsCmd(a *App) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "ls",
		Short: "List members, their keys and scopes",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			s, err := a.openStore()
			if err != nil {
				return err
			}
			type member struct {
				Name   string   `json:"name"`
				Key    string   `json:"key"`
				Scopes []string `json:"scopes"`
			}
			var list []member
			for _, name := range s.Recipients.MemberNames() {
				m := member{Name: name, Key: s.Recipients.Members[name], Scopes: []string{}}
				for _, sc := range s.Recipients.ScopeNames() {
					for _, n := range s.Recipients.Scopes[sc] {
						if n == name {
							m.Scopes = append(m.Scopes, sc)
						}
					}
				}
				list = append(list, m)
			}
			for _, conflict := range s.Recipients.Conflicts {
				fmt.Fprintf(a.Err, "cabinet: warning: recipients.yaml: %s (from a merge: nothing is sealed until a member of scope * checks the keys and runs `cabinet members resolve`)\n", cell(conflict))
			}
			if asJSON {
				return a.writeJSON(list)
			}
			tw := tabwriter.NewWriter(a.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSCOPES\tKEY")
			for _, m := range list {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", cell(m.Name), cell(strings.Join(m.Scopes, " ")), cell(m.Key))
			}
			return tw.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	return c
}

func newMembersResolveCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "resolve",
		Short: "Settle the clashes a merge recorded in recipients.yaml",
		Long: `When two clones give one member different keys (or one removes a member the
other gives a new key), the merge keeps one key, records the clash in
recipients.yaml, and nothing is sealed until it is settled: ` + "`cabinet members ls`" + `
shows it. Check with the member which key is theirs; if the one kept is wrong,
` + "`cabinet members rm NAME`" + ` and ` + "`cabinet members add NAME KEY`" + ` after this. Only a member
of scope * may settle it.`,
		Example: `  cabinet members ls
  cabinet members resolve`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			s, err := a.openStore()
			if err != nil {
				return err
			}
			_, act, err := a.identityAct(s)
			if err != nil {
				return err
			}
			if err := s.ResolveRecipients(act); err != nil {
				return err
			}
			fmt.Fprintln(a.Err, "settled recipients.yaml: the members and keys stand as they are")
			return nil
		},
	}
}

func newScopesCmd(a *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "scopes",
		Short: "Set or list which members read which paths",
		Long: `A scope is a path prefix (prod/, prod/db/) or "*" and the members who may
read the secrets under it; the longest matching prefix wins, and "*" covers
the rest. Every value is encrypted to exactly its scope's members, so changing
a scope re-encrypts its values; if that is interrupted, run the same command
again (or ` + "`cabinet rekey`" + `) to finish.`,
	}
	set := &cobra.Command{
		Use:     "set PREFIX MEMBER...",
		Short:   "Set the members of a scope",
		Example: "  cabinet scopes set prod/ alice etl-prod\n  cabinet scopes set '*' alice bob",
		Args:    cobra.MinimumNArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			return a.changeMembers(func(s *store.Store, id *crypto.Identity, act store.Act) (store.RekeyResult, error) {
				return s.SetScope(args[0], args[1:], id, act)
			}, "set scope "+args[0])
		},
	}
	rm := &cobra.Command{
		Use:   "rm PREFIX",
		Short: "Remove a scope; its paths fall back to a shorter prefix or *",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return a.changeMembers(func(s *store.Store, id *crypto.Identity, act store.Act) (store.RekeyResult, error) {
				return s.RemoveScope(args[0], id, act)
			}, "removed scope "+args[0])
		},
	}
	var asJSON bool
	ls := &cobra.Command{
		Use:   "ls",
		Short: "List scopes and their members",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			s, err := a.openStore()
			if err != nil {
				return err
			}
			if asJSON {
				return a.writeJSON(s.Recipients.Scopes)
			}
			tw := tabwriter.NewWriter(a.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "SCOPE\tMEMBERS")
			for _, sc := range s.Recipients.ScopeNames() {
				fmt.Fprintf(tw, "%s\t%s\n", cell(sc), cell(strings.Join(s.Recipients.Scopes[sc], " ")))
			}
			return tw.Flush()
		},
	}
	ls.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	c.AddCommand(set, rm, ls)
	return c
}

func newRekeyCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "rekey",
		Short: "Re-encrypt every secret not sealed to exactly its scope's members",
		Long: `Finish a change of members or scopes that was interrupted, or that someone
without access to every secret started. Secrets already sealed to their scope
are left alone, so it is safe to run at any time.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return a.changeMembers((*store.Store).Reencrypt, "checked the store")
		},
	}
}

// changeMembers opens the store, runs a change of members or scopes, and
// reports what was re-encrypted and what could not be. The store refuses bad
// input (store.ErrBadInput, exit 2) before it writes anything.
func (a *App) changeMembers(change func(*store.Store, *crypto.Identity, store.Act) (store.RekeyResult, error), done string) error {
	s, err := a.openStore()
	if err != nil {
		return err
	}
	// Re-encryption opens every affected value: it needs your identity.
	id, act, err := a.identityAct(s)
	if err != nil {
		return err
	}
	res, err := change(s, id, act)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Err, "%s; re-encrypted %d of %d secrets\n", done, len(res.Reencrypted), res.Checked)
	if len(res.Failed) > 0 {
		for _, f := range res.Failed[1:] {
			printError(a.Err, f)
		}
		return fmt.Errorf("%d secrets could not be re-encrypted, first %w; they are still sealed to their old readers: run `cabinet rekey` as someone who can read them", len(res.Failed), res.Failed[0])
	}
	return nil
}
