package cli

import (
	"bufio"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/cabinethq/cabinet/refs"
	"github.com/cabinethq/cabinet/store"
)

func newRefsCmd(a *App) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "refs [DIR]",
		Short: "List which files reference which secrets, and the references to none",
		Long: `List every secret:// reference in the text files under DIR (default: the
current folder): file, line, reference, and whether the secret exists. .git,
the store's own folder, binary files and files over 1 MiB are skipped; links
are not followed. No value is read.

A reference to a secret that does not exist, or whose path is not valid in
the store, is an error: refs exits 3 (or 2 for an invalid path) after the
list, so that a CI step catches a config that names a secret nobody made.`,
		Example: `  cabinet refs                 # this project's references
  cabinet refs deploy/ --json | jq -r '.[].ref' | sort -u`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return runRefs(a, dir, asJSON)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "the references as a JSON list, each with its file, line and state")
	return c
}

// refState is one reference found, with what the store says of it.
type refState struct {
	refs.FileRef
	State string `json:"state"` // ok, missing, invalid
	Why   string `json:"why,omitempty"`
}

func runRefs(a *App, dir string, asJSON bool) error {
	s, err := a.openStore()
	if err != nil {
		return err
	}
	storeDir, _ := filepath.Abs(s.Dir)
	found, err := refs.InFiles(dir, func(p string) bool {
		abs, _ := filepath.Abs(p)
		return abs == storeDir
	})
	if err != nil {
		return err
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
