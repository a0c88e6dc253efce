package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// newMergeDriverCmd is the merge driver that .gitattributes routes the
// store's files to; Git runs it, people do not (it is hidden from help).
func newMergeDriverCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "merge-driver BASE OURS THEIRS [PATH]",
		Short: "Merge two clones' copies of a store file (Git runs it)",
		Long: `Merge two clones' copies of a secret file, recipients.yaml or an audit log,
as Git's merge driver: BASE is the common ancestor (%O), OURS this clone's
copy (%A), where the result is written, THEIRS the other clone's (%B), PATH
the file's path in the repository (%P).

A secret merges by version: every version of both sides is kept; where both
made a new value, both stay, renumbered the same way on every clone, and the
secret is in conflict until ` + "`cabinet resolve PATH --keep N`" + `. The result never
has conflict markers. A file it cannot read is left as it was, and the exit
status tells Git the merge failed.`,
		Hidden: true,
		Args:   cobra.RangeArgs(3, 4),
		RunE: func(c *cobra.Command, args []string) error {
			name := ""
			if len(args) == 4 {
				name = args[3]
			}
			return runMergeDriver(a, args[0], args[1], args[2], name)
		},
	}
}

func runMergeDriver(a *App, basePath, oursPath, theirsPath, name string) error {
	var data [3][]byte
	for i, p := range []string{basePath, oursPath, theirsPath} {
		b, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("merge-driver: %w", err)
		}
		data[i] = b
	}
	shown := name
	if shown == "" {
		shown = oursPath
	}
	res, err := store.MergeFile(name, data[0], data[1], data[2])
	if err != nil {
		return fmt.Errorf("cannot merge %s: %w", inventory.Printable(shown), err)
	}
	// The result replaces ours, as Git asks; a conflict is recorded in it,
	// never as conflict markers.
	if err := os.WriteFile(oursPath, res.Data, 0o600); err != nil {
		return fmt.Errorf("merge-driver: %w", err)
	}
	switch {
	case res.Kind == "recipients" && len(res.Clashes) > 0:
		fmt.Fprintf(a.Err, "cabinet: %s: %s; recorded in the file: nothing is sealed until a member of scope * checks the keys and runs `cabinet members resolve`\n",
			inventory.Printable(shown), inventory.Printable(strings.Join(res.Clashes, "; ")))
	case res.Conflict:
		fmt.Fprintf(a.Err, "cabinet: %s: both sides changed it; the merge kept both (in conflict): see `cabinet show %s`, settle with `cabinet resolve %s`\n",
			inventory.Printable(res.Path), inventory.Printable(res.Path), inventory.Printable(res.Path))
	}
	return nil
}
