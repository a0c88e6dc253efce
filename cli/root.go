package cli

import (
	"errors"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cabinethq/cabinet/themes"
)

// Version is stamped by release builds with
// -X github.com/cabinethq/cabinet/cli.Version=...
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// Main runs the command line with the process's arguments and streams.
func Main() ExitCode {
	setUpCommand()
	return Run(NewApp(), os.Args[1:])
}

// Run runs the command line with args and returns the exit code. Errors are
// printed on one line to a.Err.
func Run(a *App, args []string) ExitCode {
	root := NewRootCmd(a)
	root.SetArgs(args)
	root.SetIn(a.In)
	root.SetOut(a.Out)
	root.SetErr(a.Err)
	cmd, err := root.ExecuteC()
	if err == nil {
		return ExitOK
	}
	// cobra's own errors (unknown flag or command, wrong argument count) are
	// usage errors; ours are already classified.
	var u usageError
	if cmd != nil && !errors.As(err, &u) && isCobraUsageError(err) {
		err = usage(err)
		if cmd.HasParent() { // say which command: "accepts 2 arg(s)" alone does not
			err = usagef("%s: %v (see `%s --help`)", cmd.CommandPath(), err, cmd.CommandPath())
		}
	}
	printError(a.Err, err)
	return exitCodeOf(err)
}

// NewRootCmd builds the command tree.
func NewRootCmd(a *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "cabinet",
		Short: "An age-encrypted inventory of the secrets your data pipelines use",
		Long: `cabinet keeps a team's database passwords, tokens and API keys in one
age-encrypted inventory: a folder, or a Git repository you share. Each secret
has an owner, versions and a rotation deadline; values are sealed to the
members of the secret's scope and decrypt with the stock age command.

Run cabinet alone to open the workbench on your store, or ` + "`cabinet demo`" + ` to
try it on a sample inventory.

Your own age identity (the master key) is found, first match wins, in
  --identity FILE or CABINET_IDENTITY_FILE   an age identity file
  CABINET_IDENTITY                           the AGE-SECRET-KEY-1… string
  the OS keyring                             service "cabinet"

The store is --store DIR, else $CABINET_STORE, else the nearest folder
upwards holding .cabinet/, else ~/.local/share/cabinet/store.`,
		Example: `  cabinet demo                         # the workbench on a sample inventory
  cabinet identity new                 # a master key in the OS keyring
  cabinet init                         # a store; you are its first member
  cabinet set prod/db/password --owner data-platform --every 90d --generate
  cabinet get prod/db/password
  cabinet ls --due`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			s, err := a.openStore()
			if err != nil {
				return err
			}
			return a.runTUI(s, a.homeRelative(s.Dir), a.workbenchIdentity())
		},
	}
	root.PersistentFlags().StringVarP(&a.storeDir, "store", "s", "", "the store folder (default: $CABINET_STORE, the nearest .cabinet/ upwards, or the user's store)")
	root.PersistentFlags().StringVarP(&a.identityFile, "identity", "i", "", "an age identity file (default: $CABINET_IDENTITY_FILE, $CABINET_IDENTITY, then the OS keyring)")
	root.PersistentFlags().StringVar(&a.theme, "theme", "", "workbench colours: "+strings.Join(themes.Names(), ", ")+" (default: $CABINET_THEME, the config file, or "+themes.Default+")")
	_ = root.RegisterFlagCompletionFunc("theme", cobra.FixedCompletions(themes.Names(), cobra.ShellCompDirectiveNoFileComp))
	_ = root.MarkPersistentFlagFilename("store")
	_ = root.MarkPersistentFlagFilename("identity")
	// Only members write: checked before any command that writes starts.
	root.PersistentPreRunE = func(c *cobra.Command, args []string) error { return a.requireMember(c, args) }
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usagef("%v (see `%s --help`)", err, c.CommandPath())
	})
	root.AddGroup(&cobra.Group{ID: "secrets", Title: "Secrets:"}, &cobra.Group{ID: "team", Title: "Store and team:"})
	for _, c := range []*cobra.Command{
		newLsCmd(a), newGetCmd(a), newShowCmd(a), newSetCmd(a), newEditCmd(a), newRotateCmd(a), newApproveCmd(a), newRmCmd(a),
		newResolveCmd(a), newAuditCmd(a),
	} {
		c.GroupID = "secrets"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{
		newDemoCmd(a), newInitCmd(a), newCloneCmd(a), newSyncCmd(a), newIdentityCmd(a), newMembersCmd(a), newScopesCmd(a), newRekeyCmd(a), newDoctorCmd(a),
		newMergeDriverCmd(a),
	} {
		c.GroupID = "team"
		root.AddCommand(c)
	}
	markWrites(root)
	return root
}
