package cli

import (
	"bufio"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cabinethq/cabinet/refs"
	"github.com/cabinethq/cabinet/store"
)

func newRefsCmd(a *App) *cobra.Command {
	var asJSON, unused bool
	c := &cobra.Command{
		Use:   "refs [DIR]",
		Short: "List which files reference which secrets, and the references to none",
		Long: `List every secret:// reference in the text files under DIR: file, line,
reference, and whether the secret exists. Without DIR, the project folders
the store names in .cabinet/store.yaml (projects: [../etl, ../dbt], relative
to the store's folder), else the current folder. .git, the store's own
folder, binary files and files over 1 MiB are skipped; links are not
followed. No value is read.

--unused lists instead the store's secrets that nothing there references:
candidates to remove, once every project is listed.

A reference to a secret that does not exist, or whose path is not valid in
the store, is an error: refs exits 3 (or 2 for an invalid path) after the
list, so that a CI step catches a config that names a secret nobody made.`,
		Example: `  cabinet refs                 # this project's references
  cabinet refs deploy/ --json | jq -r '.[].ref' | sort -u`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runRefs(a, args, asJSON, unused)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "the references as a JSON list, each with its file, line and state")
	c.Flags().BoolVar(&unused, "unused", false, "list the secrets nothing references instead")
	return c
}

// refsFolders are the folders refs reads: the one named, else the store's
// projects, else the current folder; each with the name its files are
// shown under ("" for none).
func refsFolders(args []string, storeDir string, projects []string) (names, paths []string) {
	switch {
	case len(args) == 1:
		return []string{""}, args
	case len(projects) > 0:
		return refs.Projects(storeDir, projects)
	}
	return []string{""}, []string{"."}
}

// refState is one reference found, with what the store says of it.
type refState struct {
	refs.FileRef
	State string `json:"state"` // ok, missing, invalid
	Why   string `json:"why,omitempty"`
}

func runRefs(a *App, args []string, asJSON, unused bool) error {
	s, err := a.openStore()
	if err != nil {
		return err
	}
	names, dirs := refsFolders(args, s.Dir, s.Config.Projects)
	found, err := refs.InFolders(s.Dir, names, dirs)
	if err != nil {
		return err
	}
	if unused {
		return printUnused(a, s, found, asJSON)
	}
	states := make([]refState, len(found))
	missing, invalid := 0, 0
	for i, f := range found {
		states[i] = refState{FileRef: f, State: "ok"}
		if err := s.ValidatePath(f.Ref.Path); err != nil {
			states[i].State, states[i].Why = "invalid", err.Error()
			invalid++
			continue
		}
		if _, err := s.Load(f.Ref.Path); errors.Is(err, store.ErrNotFound) {
			states[i].State = "missing"
			missing++
		} else if err != nil {
			states[i].State, states[i].Why = "unreadable", err.Error()
		}
	}
	if asJSON {
		if err := a.writeJSON(states); err != nil {
			return err
		}
	} else {
		w := bufio.NewWriter(a.Out)
		if len(states) == 0 {
			fmt.Fprintln(w, "No references.")
		}
		for _, st := range states {
			line := fmt.Sprintf("%s:%d: %s", st.File, st.Line, st.Text)
			if st.State != "ok" {
				line += "  (" + st.State + ")"
			}
			printLine(w, "%s", line)
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	switch {
	case invalid > 0:
		return usagef("%s to an invalid path (see above)", plural(invalid, "reference"))
	case missing > 0:
		return errorOfKind(store.ErrNotFound, "%s to a secret that does not exist (see above)", plural(missing, "reference"))
	}
	return nil
}

// printUnused lists the secrets that none of found references.
func printUnused(a *App, s *store.Store, found []refs.FileRef, asJSON bool) error {
	used := map[string]bool{}
	for _, f := range found {
		used[f.Ref.Path] = true
	}
	secrets, bad, err := s.List()
	if err != nil {
		return err
	}
	type unusedSecret struct {
		Path  string `json:"path"`
		Owner string `json:"owner"`
	}
	list := []unusedSecret{}
	for _, sec := range secrets {
		if !used[sec.Path] {
			list = append(list, unusedSecret{sec.Path, sec.Owner})
		}
	}
	if asJSON {
		if err := a.writeJSON(list); err != nil {
			return err
		}
	} else {
		rows := [][]string{{"PATH", "OWNER"}}
		for _, u := range list {
			rows = append(rows, []string{cell(u.Path), cell(u.Owner)})
		}
		if len(list) == 0 {
			fmt.Fprintln(a.Out, "Every secret is referenced.")
		} else {
			writeColumns(a.Out, rows)
		}
	}
	return reportBad(a, bad)
}
