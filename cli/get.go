package cli

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
	"github.com/spf13/cobra"
)

func newGetCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "get PATH[@STATE|#N]",
		Short: "Print a secret's value, for scripts",
		Long: `Print the value of a secret to standard output, exactly as stored: no
newline is added when the output is piped or redirected, so
  psql "password=$(cabinet get prod/db/password)"
gets the bare value. On a terminal a newline is added after it.

By default the current version is printed; @pending, @previous, @retired or
#N name another. "secret://" before the path is accepted. The read is
recorded in the audit log.`,
		Example: `  cabinet get prod/db/password
  cabinet get prod/db/password@previous
  cabinet get secret://prod/db/password#3 > /dev/null`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completePaths(a),
		RunE: func(c *cobra.Command, args []string) error {
			return runGet(a, args[0])
		},
	}
}

func runGet(a *App, ref string) error {
	path, sel, err := inventory.ParseRef(ref)
	if err != nil {
		return usage(err)
	}
	s, err := a.openStoreFor(path)
	if err != nil {
		return err
	}
	id, err := a.identity()
	if err != nil {
		return err
	}
	value, _, err := s.Read(path, sel, id, a.act(s, id))
	if err != nil {
		return err
	}
	if _, err := a.Out.Write(value); err != nil {
		return err
	}
	if a.Terminal(a.Out) && !bytes.HasSuffix(value, []byte("\n")) {
		fmt.Fprintln(a.Out)
	}
	return nil
}

func newShowCmd(a *App) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "show PATH",
		Short: "Show a secret's metadata and versions, never its value",
		Long: `Show a secret's owner, description, tags, rotation policy and deadline,
who can read it, and its versions with their state, creation time and author.
The value is never shown: use ` + "`cabinet get`" + `.`,
		Example:           "  cabinet show prod/db/password\n  cabinet show prod/db/password --json",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completePaths(a),
		RunE: func(c *cobra.Command, args []string) error {
			return runShow(a, args[0], asJSON)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	return c
}

func runShow(a *App, path string, asJSON bool) error {
	s, err := a.openStoreFor(path)
	if err != nil {
		return err
	}
	sec, err := s.Load(path)
	if err != nil {
		return err
	}
	// A value moved here from another secret or version is shown, and the
	// command fails with exit 5, as get would.
	misplaced := store.Misplaced(sec)
	if misplaced != nil {
		misplaced = fmt.Errorf("%s: %w", path, misplaced)
	}
	now := a.Now()
	e := entryOf(sec, now, s.Config.Warning)
	if asJSON {
		if err := a.writeJSON(e); err != nil {
			return err
		}
		return misplaced
	}
	scope, _ := s.Recipients.ScopeOf(path)
	w := a.Out
	printLine(w, "path:        %s", e.Path)
	printLine(w, "owner:       %s", e.Owner)
	if e.Description != "" {
		printLine(w, "description: %s", e.Description)
	}
	if len(e.Tags) > 0 {
		printLine(w, "tags:        %s", strings.Join(e.Tags, ", "))
	}
	printLine(w, "status:      %s", e.Status)
	printLine(w, "rotation:    %s", inventory.Explain(sec, now, s.Config.Warning))
	if e.Rotating != nil {
		printLine(w, "rotating:    %s (next: step %d)", e.Rotating.summary(), e.Rotating.NextStep)
	}
	if e.Runbook != "" {
		printLine(w, "runbook:     %s", e.Runbook)
	}
	printLine(w, "scope:       %s (%s)", scope, strings.Join(s.Recipients.ReadersOf(path), ", "))
	for _, x := range e.Exposures {
		printLine(w, "exposed:     %s lost access on %s", x.Member, x.At.Format(time.DateOnly))
	}
	for _, line := range conflictLines(sec) {
		printLine(w, "conflict:    %s", line)
	}
	printLine(w, "versions:")
	for _, v := range e.Versions {
		sealed := ""
		if v.SealedAs != 0 {
			sealed = fmt.Sprintf("  (renumbered by a merge: sealed as v%d)", v.SealedAs)
		}
		printLine(w, "  v%-4d %-9s %s  by %s%s", v.Version, v.State, v.Created.Format(time.RFC3339), v.Author, sealed)
	}
	return misplaced
}
