package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

type auditOptions struct {
	path, member, since, until string
	actions                    []string
	json                       bool
}

func newAuditCmd(a *App) *cobra.Command {
	var o auditOptions
	c := &cobra.Command{
		Use:   "audit",
		Short: "Who read and changed what, and when: the audit log",
		Long: `Print the audit log: every read, reveal, copy, change, rotation step,
approval and membership change, newest first. Each member's events are in
audit/<member>.jsonl in the store, one JSON object per line, each chained to
the line before it by its SHA-256; values never appear there.

Filters combine: --path takes a secret or a folder of them (prod/db picks
prod/db/password, not prod/dbx); --action takes an action name, "rotate"
for every rotation step, or "access" for read, reveal and copy; --since and
--until take an age (30d, 12h, 2w) or a date (2026-03-01; --until includes
that day).

A log whose chain is broken is still listed, with a warning: run
` + "`cabinet audit verify`" + ` to see what is wrong with it.`,
		Example: `  cabinet audit --since 30d
  cabinet audit --path prod/warehouse --action access --since 2026-03-01
  cabinet audit --member bob --json | jq -r .path | sort | uniq -c
  cabinet audit verify
  cabinet audit report --since 30d --format md > report.md`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runAudit(a, o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.path, "path", "", "only events of this secret, or of the secrets under this folder")
	f.StringVar(&o.member, "member", "", "only events by this member")
	f.StringSliceVar(&o.actions, "action", nil, "only these actions (repeat, or separate with commas): an action, rotate or access")
	f.StringVar(&o.since, "since", "", "only events at or after: an age (30d, 12h, 2w) or a date (2026-03-01)")
	f.StringVar(&o.until, "until", "", "only events before: an age or a date (that day included)")
	f.BoolVar(&o.json, "json", false, "one JSON object per line, as in the log, newest first")
	_ = c.RegisterFlagCompletionFunc("action", cobra.FixedCompletions(append(inventory.Actions(), "rotate", "access"), cobra.ShellCompDirectiveNoFileComp))
	_ = c.RegisterFlagCompletionFunc("path", completePaths(a))
	_ = c.RegisterFlagCompletionFunc("member", completeMembers(a))
	c.AddCommand(newAuditVerifyCmd(a), newAuditReportCmd(a))
	return c
}

// filter reads the options' filter, at now.
func (o auditOptions) filter(now time.Time) (inventory.Filter, error) {
	f := inventory.Filter{Prefix: o.path, Member: o.member, Actions: o.actions}
	for _, act := range o.actions {
		if err := inventory.CheckAction(act); err != nil {
			return f, usage(err)
		}
	}
	var err error
	if o.since != "" {
		if f.Since, err = inventory.ParseSince(o.since, now); err != nil {
			return f, usagef("--since: %v", err)
		}
	}
	if o.until != "" {
		if f.Until, err = inventory.ParseUntil(o.until, now); err != nil {
			return f, usagef("--until: %v", err)
		}
	}
	return f, nil
}

func runAudit(a *App, o auditOptions) error {
	f, err := o.filter(a.Now())
	if err != nil {
		return err
	}
	s, err := a.openStore()
	if err != nil {
		return err
	}
	logs, err := s.AuditLogs()
	if err != nil {
		return err
	}
	warnBroken(a, logs)
	events := store.Picked(logs, f)
	w := bufio.NewWriter(a.Out)
	if o.json {
		err = writeEventsJSON(w, events)
	} else {
		writeEventTable(w, events, a.Now())
	}
	if err != nil {
		return err
	}
	return w.Flush()
}

// warnBroken says on stderr which logs do not hold together, so that a
// listing is not taken for a verified one.
func warnBroken(a *App, logs []store.AuditLog) {
	for _, l := range logs {
		if l.Check.Tampered() {
			printLine(a.Err, "warning: %s does not verify (line %d: %s); run `cabinet audit verify`", l.Name, l.Check.Problems[0].Line, l.Check.Problems[0].What)
		}
	}
}

func writeEventsJSON(w io.Writer, events []inventory.Event) error {
	enc := json.NewEncoder(w)
	for i := range events {
		if err := enc.Encode(&events[i]); err != nil {
			return err
		}
	}
	return nil
}

func writeEventTable(w io.Writer, events []inventory.Event, now time.Time) {
	if len(events) == 0 {
		fmt.Fprintln(w, "No events.")
		return
	}
	rows := [][]string{{"WHEN", "MEMBER", "ACTION", "PATH", "VERSION", "OUTCOME", "DETAIL"}}
	for _, e := range events {
		version := ""
		if e.Version > 0 {
			version = "v" + strconv.Itoa(e.Version)
		}
		rows = append(rows, []string{
			e.Time.In(now.Location()).Format("2006-01-02 15:04"), cell(e.Actor), cell(e.Action), cell(e.Path),
			version, cell(e.Outcome), cell(e.Detail),
		})
	}
	writeColumns(w, rows)
}
