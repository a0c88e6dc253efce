package cli

import (
	"errors"
	"os"
	"runtime/debug"
	"slices"
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
	var first string
	if len(args) > 0 {
		first = args[0]
	}
	root := newRootCmd(a, first)
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
	if !silent(err) {
		printError(a.Err, err)
	}
	return exitCodeOf(err)
}

// NewRootCmd builds the command tree.
func NewRootCmd(a *App) *cobra.Command { return newRootCmd(a, "") }

// newRootCmd builds the command tree with, when only names one of the
// commands, that command alone: a script's `cabinet get` then does not
// build thirty commands, their flags and their help to run one (about 0.6
// ms of a 16 ms process on the bench machine, where get is held to 1.3 ×
// age -d).
func newRootCmd(a *App, only string) *cobra.Command {
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
	subs := subcommands()
	if !slices.ContainsFunc(subs, func(sub subcommand) bool { return sub.name == only }) {
		only = "" // help, completion, the workbench, a mistyped name: the whole tree
	}
	// cobra adds its completion command to every tree it runs; a tree for
	// one command (not `completion`, not `__complete`) has no use for it.
	root.CompletionOptions.DisableDefaultCmd = only != ""
	for _, sub := range subs {
		if only == "" || sub.name == only {
			c := sub.make(a)
			c.GroupID = sub.group
			root.AddCommand(c)
		}
	}
	markWrites(root)
	return root
}

// subcommand is one of cabinet's commands, made only when it is needed.
type subcommand struct {
	name, group string
	make        func(*App) *cobra.Command
}

// subcommands lists every command, in the order --help lists them.
// TestSubcommandNames holds each name to its command's.
func subcommands() []subcommand {
	return []subcommand{
		{"ls", "secrets", newLsCmd}, {"get", "secrets", newGetCmd}, {"show", "secrets", newShowCmd},
		{"set", "secrets", newSetCmd}, {"edit", "secrets", newEditCmd}, {"rotate", "secrets", newRotateCmd},
		{"approve", "secrets", newApproveCmd}, {"rm", "secrets", newRmCmd}, {"resolve", "secrets", newResolveCmd},
		{"audit", "secrets", newAuditCmd}, {"run", "secrets", newRunCmd}, {"render", "secrets", newRenderCmd},
		{"refs", "secrets", newRefsCmd},
		{"import", "secrets", newImportCmd},
		{"export", "secrets", newExportCmd},
		{"demo", "team", newDemoCmd}, {"init", "team", newInitCmd}, {"clone", "team", newCloneCmd},
		{"sync", "team", newSyncCmd}, {"identity", "team", newIdentityCmd}, {"members", "team", newMembersCmd},
		{"scopes", "team", newScopesCmd}, {"rekey", "team", newRekeyCmd}, {"doctor", "team", newDoctorCmd},
		{"merge-driver", "team", newMergeDriverCmd},
		{"scan", "secrets", newScanCmd},
		{"hook", "team", newHookCmd},
	}
}
