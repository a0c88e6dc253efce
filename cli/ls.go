package cli

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
	"github.com/spf13/cobra"
)

type lsOptions struct {
	prefix  string
	due     bool
	overdue bool
	exposed bool
	// conflicts: only the secrets a merge left in conflict.
	conflicts bool
	json      bool
}

func newLsCmd(a *App) *cobra.Command {
	var o lsOptions
	c := &cobra.Command{
		Use:   "ls [PREFIX]",
		Short: "List secrets with owner, version, status and deadline",
		Long: `List the secrets of the store: path, owner, current version, status and
rotation deadline. No identity is needed: metadata is not encrypted.

Statuses: overdue, due (within the store's warning window), ok, no-policy,
no-value, rotating (a pending version exists), exposed (a member who could
read it lost access: rotate it now) and conflict (two clones changed it at the
same time: settle it with cabinet resolve).

A secret file that cannot be read is reported on stderr by name, the others
are still listed, and the exit code is 5.`,
		Example: `  cabinet ls
  cabinet ls prod/db
  cabinet ls --due --json | jq -r '.[].path'
  cabinet ls --exposed
  cabinet ls --conflicts`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completePaths(a),
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.prefix = args[0]
			}
			return runLs(a, o)
		},
	}
	c.Flags().BoolVar(&o.due, "due", false, "only secrets that are due or overdue")
	c.Flags().BoolVar(&o.overdue, "overdue", false, "only overdue secrets")
	c.Flags().BoolVar(&o.exposed, "exposed", false, "only secrets a removed member could read (rotate them)")
	c.Flags().BoolVar(&o.conflicts, "conflicts", false, "only secrets a merge left in conflict (settle them with cabinet resolve)")
	c.Flags().BoolVar(&o.json, "json", false, "print JSON for scripts")
	c.MarkFlagsMutuallyExclusive("due", "overdue", "exposed", "conflicts")
	return c
}

// lsEntry is one secret in `ls --json` and `show --json`.
type lsEntry struct {
	Path        string          `json:"path"`
	Owner       string          `json:"owner"`
	Description string          `json:"description,omitempty"`
	Tags        []string        `json:"tags"`
	Version     *int            `json:"version"`
	Status      string          `json:"status"`
	Deadline    *time.Time      `json:"deadline"`
	Every       string          `json:"every,omitempty"`
	Runbook     string          `json:"runbook,omitempty"`
	Readers     []string        `json:"readers"`
	Versions    []versionEntry  `json:"versions"`
	Exposures   []exposureEntry `json:"exposed,omitempty"`
	// Conflicts are the fields two clones changed at the same time.
	Conflicts []string       `json:"conflicts,omitempty"`
	Rotating  *rotatingEntry `json:"rotating,omitempty"`
}

// rotatingEntry is a rotation in progress.
type rotatingEntry struct {
	Version   int        `json:"version"`
	Runbook   string     `json:"runbook,omitempty"`
	Started   time.Time  `json:"started"`
	By        string     `json:"by"`
	NextStep  int        `json:"next_step"` // 1-based
	Approved  string     `json:"approved_by,omitempty"`
	WaitUntil *time.Time `json:"wait_until,omitempty"`
	Last      string     `json:"last,omitempty"` // the last step's outcome, in words
}

type versionEntry struct {
	Version int `json:"version"`
	// SealedAs is the number the value was sealed for, when a merge
	// renumbered it.
	SealedAs int       `json:"sealed_as,omitempty"`
	State    string    `json:"state"`
	Created  time.Time `json:"created"`
	Author   string    `json:"author"`
}

type exposureEntry struct {
	Member string    `json:"member"`
	At     time.Time `json:"at"`
}

func entryOf(sec *inventory.Secret, now time.Time, warning time.Duration) lsEntry {
	e := lsEntry{
		Path: sec.Path, Owner: sec.Owner, Description: sec.Description, Tags: sec.Tags,
		Status: string(inventory.StatusAt(sec, now, warning)),
		Every:  sec.Rotation.Every.String(), Runbook: sec.Rotation.Runbook,
		Readers: sec.Readers, Versions: []versionEntry{},
	}
	if e.Tags == nil {
		e.Tags = []string{}
	}
	if e.Readers == nil {
		e.Readers = []string{}
	}
	if cur := sec.CurrentVersion(); cur != nil {
		e.Version = &cur.Number
	}
	if d, ok := inventory.Deadline(sec); ok {
		e.Deadline = &d
	}
	for _, v := range sec.Versions {
		e.Versions = append(e.Versions, versionEntry{Version: v.Number, SealedAs: v.SealedAs, State: string(v.State), Created: v.Created, Author: v.Author})
	}
	for _, x := range sec.Exposures {
		e.Exposures = append(e.Exposures, exposureEntry{Member: x.Member, At: x.At})
	}
	e.Conflicts = sec.Conflicts
	if r := sec.Rotating; r != nil {
		e.Rotating = &rotatingEntry{Version: r.Version, Runbook: r.Runbook, Started: r.Started, By: r.By, NextStep: r.Next + 1, Approved: r.Approved}
		if !r.WaitUntil.IsZero() {
			e.Rotating.WaitUntil = &r.WaitUntil
		}
		if n := len(r.Steps); n > 0 {
			o := r.Steps[n-1]
			e.Rotating.Last = fmt.Sprintf("step %d %s: %s", o.Step+1, o.Name, o.Outcome)
			if o.Step < 0 {
				e.Rotating.Last = fmt.Sprintf("rollback %s: %s", o.Name, o.Outcome)
			}
		}
	}
	return e
}

// rotationSummary says where a rotation stands, in a few words.
func (r *rotatingEntry) summary() string {
	parts := []string{fmt.Sprintf("v%d by %s", r.Version, r.By)}
	if r.Last != "" {
		parts = append(parts, r.Last)
	} else {
		parts = append(parts, "staged")
	}
	if r.WaitUntil != nil {
		parts = append(parts, "waiting until "+r.WaitUntil.Local().Format("2006-01-02 15:04"))
	}
	return strings.Join(parts, ", ")
}

func runLs(a *App, o lsOptions) error {
	s, err := a.openStore()
	if err != nil {
		return err
	}
	// Only the folder of the prefix is read: its cost follows what it lists.
	secrets, bad, err := s.ListPrefix(o.prefix)
	if err != nil {
		return err
	}
	now := a.Now()
	entries := make([]lsEntry, 0, len(secrets))
	for i := range secrets {
		sec := &secrets[i]
		st := inventory.StatusAt(sec, now, s.Config.Warning)
		if o.overdue && st != inventory.StatusOverdue || o.due && st != inventory.StatusOverdue && st != inventory.StatusDue ||
			o.exposed && len(sec.Exposures) == 0 || o.conflicts && !sec.InConflict() {
			continue
		}
		entries = append(entries, entryOf(sec, now, s.Config.Warning))
	}
	if o.json {
		if err := writeLsJSON(a, entries); err != nil {
			return err
		}
	} else {
		printTable(a.Out, entries, now)
	}
	return reportBad(a, bad)
}

func printTable(w io.Writer, entries []lsEntry, now time.Time) {
	if len(entries) == 0 {
		return
	}
	rows := make([][]string, 0, len(entries)+1)
	rows = append(rows, []string{"PATH", "OWNER", "VERSION", "STATUS", "DEADLINE"})
	for _, e := range entries {
		version, deadline := "-", "-"
		if e.Version != nil {
			version = "v" + strconv.Itoa(*e.Version)
		}
		if e.Deadline != nil {
			deadline = e.Deadline.Format("2006-01-02") + " (" + relative(*e.Deadline, now) + ")"
		}
		status := e.Status
		if e.Rotating != nil {
			status += " (" + e.Rotating.summary() + ")"
		}
		rows = append(rows, []string{cell(e.Path), cell(e.Owner), version, cell(status), deadline})
	}
	writeColumns(w, rows)
}

// writeColumns writes rows aligned in columns, as text/tabwriter does with
// a padding of two spaces (each cell but the last of its row padded to the
// widest of its column, in runes, and two more), in one pass into one
// buffer: tabwriter took longer over the 10,000 rows of a large `ls` than
// reading the inventory's index did. TestWriteColumnsIsTabwriter holds the
// two to each other.
func writeColumns(w io.Writer, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, c := range row[:len(row)-1] {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	out := bufio.NewWriterSize(w, 64<<10)
	for _, row := range rows {
		for i, c := range row[:len(row)-1] {
			out.WriteString(c)
			for range widths[i] - utf8.RuneCountInString(c) + 2 {
				out.WriteByte(' ')
			}
		}
		out.WriteString(row[len(row)-1])
		out.WriteByte('\n')
	}
	out.Flush()
}

// relative says "in 12d", "3d ago" or "today".
func relative(t, now time.Time) string {
	d := t.Sub(now)
	days := inventory.WholeDays(d)
	switch {
	case days > 0:
		return fmt.Sprintf("in %dd", days)
	case days < 0:
		return fmt.Sprintf("%dd ago", -days)
	case d >= 0:
		return "today"
	}
	return "overdue today"
}

// reportBad prints each unreadable secret file on its own line and fails
// with the corrupt-data exit code once the rest has been printed.
func reportBad(a *App, bad []store.BadFile) error {
	if len(bad) == 0 {
		return nil
	}
	for _, b := range bad[1:] {
		printError(a.Err, b)
	}
	return fmt.Errorf("%w; fix or restore it from Git history (`cabinet doctor` checks the store)", bad[0])
}
