package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cabinethq/cabinet/inventory"
)

type auditReportOptions struct {
	since, format, out string
	failOn             []string
}

// The kinds of secret --fail-on takes.
const (
	failOverdue = "overdue"
	failDue     = "due"
	failExposed = "exposed"
)

func newAuditReportCmd(a *App) *cobra.Command {
	var o auditReportOptions
	c := &cobra.Command{
		Use:   "report",
		Short: "What a team lead and an auditor ask: deadlines, exposures, reads, rotations, removals",
		Long: `Report on the store from its secrets and every member's audit log, with no
key needed: a summary first, then one table per question.

  overdue, due           rotations past their deadline, or within the store's
                         warning window, with owner and when the value was made
                         (as ` + "`cabinet ls --overdue`" + ` and ` + "`--due`" + ` count them)
  no policy, no value    secrets with no rotation period, or with no value yet
  exposed                secrets a removed member could read, and who
  in conflict            secrets a merge left to settle (` + "`cabinet resolve`" + `)
  not read in 90 days    secrets that exist for 90 days or more and that nobody
                         read, revealed or copied in the last 90 days (the whole
                         log counts, not just the period): candidates to remove
  reads                  per secret and per member in the period, with denied
                         and failed reads counted apart
  rotations              each rotation with an event in the period: who started
                         it, how it ended (finished, rolled-back, failed: a step
                         failed and nothing followed, in-progress) and who ended it
  former members         members since removed: when and by whom, their reads of
                         all time, and every access after their removal (look
                         into each one)

The period starts at --since (an age such as 30d, 12h or 2w, or a date) and
ends now; deadlines and statuses are those of now.

Formats: md (Markdown, to paste into a ticket; times in your time zone), csv
(the tables one after another, the first column of each line naming its
table, header line included: grep '^overdue,' is the overdue table; times in
RFC 3339, UTC) and json (the whole report, times in UTC).

With --out DIR the report goes to files in DIR (made if missing) instead of
standard output: one file per table for csv (summary.csv, overdue.csv, ...),
report.md or report.json otherwise. Each file is written whole, mode 0600, or
not at all.

--fail-on makes the command a check for a scheduled job: once the report is
written it exits 1, with one line on stderr saying what was found, when any
secret is of a kind named (repeat the flag or separate with commas): overdue,
due (due or overdue: an overdue secret counts too) or exposed. Exit 2 is a
usage error; 5 means a secret file could not be read (it is named, and the
report covers the rest); a log that does not verify is reported with a
warning, and its events are counted.`,
		Example: `  cabinet audit report
  cabinet audit report --since 2026-01-01 --format md > q1-report.md
  cabinet audit report --format csv --out reports/
  cabinet audit report --format json | jq '.overdue[] | {path, owner, days_late}'

  # A scheduled CI job (e.g. every Monday) that fails when a rotation is
  # late or a removed member could still read a value, and keeps the report:
  cabinet audit report --since 7d --out audit-report --fail-on due,exposed`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runAuditReport(a, o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.since, "since", "30d", "start of the period: an age (30d, 12h, 2w) or a date (2026-03-01)")
	f.StringVar(&o.format, "format", "md", "md, csv or json")
	f.StringVar(&o.out, "out", "", "write to files in `DIR`: one per table for csv, report.md or report.json otherwise")
	f.StringSliceVar(&o.failOn, "fail-on", nil, "exit 1 when any secret is overdue, due (due or overdue) or exposed (repeat, or separate with commas)")
	_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"md", "csv", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = c.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{failOverdue, failDue, failExposed}, cobra.ShellCompDirectiveNoFileComp))
	_ = c.MarkFlagDirname("out")
	return c
}

// check refuses bad flags before the store is read.
func (o *auditReportOptions) check() error {
	if !slices.Contains([]string{"md", "csv", "json"}, o.format) {
		return usagef("--format: unknown format %s: use md, csv or json", inventory.Quote(o.format))
	}
	var kinds []string
	for _, k := range o.failOn {
		k = strings.TrimSpace(k)
		if !slices.Contains([]string{failOverdue, failDue, failExposed}, k) {
			return usagef("--fail-on: unknown kind %s: use overdue, due or exposed", inventory.Quote(k))
		}
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	o.failOn = kinds
	return nil
}

func runAuditReport(a *App, o auditReportOptions) error {
	if err := o.check(); err != nil {
		return err
	}
	now := a.Now()
	since, err := inventory.ParseSince(o.since, now)
	if err != nil {
		return usagef("--since: %v", err)
	}
	s, err := a.openStore()
	if err != nil {
		return err
	}
	secrets, bad, err := s.List()
	if err != nil {
		return err
	}
	logs, err := s.AuditLogs()
	if err != nil {
		return err
	}
	warnBroken(a, logs)
	n := 0
	for _, l := range logs {
		n += len(l.Events)
	}
	events := make([]inventory.Event, 0, n) // 100,000 events grown by append took a third of the report
	for _, l := range logs {
		events = append(events, l.Events...)
	}
	r := inventory.BuildReport(inventory.ReportInput{
		Store: filepath.Base(s.Dir), Secrets: secrets, Events: events, Members: s.Recipients.MemberNames(),
		Now: now, Since: since, Warning: s.Settings().Warning,
	})
	if err := writeReport(a, &r, o, now.Location()); err != nil {
		return err
	}
	found := failOnFound(&r, o.failOn)
	if len(bad) > 0 {
		if found != "" {
			printLine(a.Err, "cabinet: %s", found)
		}
		return reportBad(a, bad)
	}
	if found != "" {
		return fmt.Errorf("%s", found)
	}
	return nil
}

// failOnFound says what --fail-on found, "" for nothing.
func failOnFound(r *inventory.Report, kinds []string) string {
	var found []string
	for _, k := range kinds {
		n, what := 0, k
		switch k {
		case failOverdue:
			n = r.Summary.Overdue
		case failDue:
			n, what = r.Summary.Due+r.Summary.Overdue, "due or overdue"
		case failExposed:
			n = r.Summary.Exposed
		}
		if n == 0 {
			continue
		}
		if len(found) == 0 {
			found = append(found, fmt.Sprintf("%s %s", count(n, "secret", "secrets"), what))
		} else {
			found = append(found, fmt.Sprintf("%d %s", n, what))
		}
	}
	if len(found) == 0 {
		return ""
	}
	return fmt.Sprintf("%s (--fail-on %s)", strings.Join(found, ", "), strings.Join(kinds, ","))
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// writeReport writes r in its format, to standard output or to files in
// --out.
func writeReport(a *App, r *inventory.Report, o auditReportOptions, loc *time.Location) error {
	tables := reportTables(r)
	if o.out == "" {
		var buf bytes.Buffer
		if err := formatReport(&buf, r, tables, o.format, loc); err != nil {
			return err
		}
		_, err := a.Out.Write(buf.Bytes())
		return err
	}
	if err := os.MkdirAll(o.out, 0o700); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	files := map[string][]byte{}
	if o.format == "csv" {
		for _, t := range tables {
			var buf bytes.Buffer
			if err := writeCSVTable(&buf, t, false); err != nil {
				return err
			}
			files[t.kind+".csv"] = buf.Bytes()
		}
	} else {
		var buf bytes.Buffer
		if err := formatReport(&buf, r, tables, o.format, loc); err != nil {
			return err
		}
		files["report."+o.format] = buf.Bytes()
	}
	names := slices.Sorted(maps.Keys(files))
	for _, name := range names {
		if err := writeFileAtomic(o.out, name, files[name]); err != nil {
			return err
		}
	}
	if len(names) == 1 {
		printLine(a.Err, "wrote %s", filepath.Join(o.out, names[0]))
	} else {
		printLine(a.Err, "wrote %d files in %s (%s, ...)", len(names), o.out, names[0])
	}
	return nil
}

func formatReport(w io.Writer, r *inventory.Report, tables []reportTable, format string, loc *time.Location) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "csv":
		for _, t := range tables {
			if err := writeCSVTable(w, t, true); err != nil {
				return err
			}
		}
		return nil
	}
	writeMarkdown(w, r, tables, loc)
	return nil
}

// A report's table, for Markdown and CSV: its kind (the CSV table name and
// file name, as the JSON field), a title and a note for Markdown, and its
// columns and rows.
type reportTable struct {
	kind, title, note string
	columns           []reportColumn
	rows              [][]any
}

// reportColumn is a column's CSV name (the JSON field's) and its Markdown
// header.
type reportColumn struct{ key, header string }

// Cells are strings (text, from files too: escaped), ints, times, and:
type (
	// optTime is a time that may be missing, shown in Markdown as none.
	optTime struct {
		t    *time.Time
		none string
	}
	// versionCell is a version number, v3 in Markdown; 0 is none.
	versionCell int
)

// keys are columns of CSV only.
func keys(names ...string) []reportColumn {
	c := make([]reportColumn, len(names))
	for i, n := range names {
		c[i] = reportColumn{key: n}
	}
	return c
}

// cols are columns given as key, header, key, header...
func cols(pairs ...string) []reportColumn {
	c := make([]reportColumn, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		c = append(c, reportColumn{pairs[i], pairs[i+1]})
	}
	return c
}

// reportTables lays out every table of r, the summary first.
func reportTables(r *inventory.Report) []reportTable {
	s := r.Summary
	tables := []reportTable{{
		kind: "summary",
		columns: keys("store", "generated", "since", "warning", "secrets", "overdue", "due", "no_policy", "no_value", "exposed",
			"in_conflict", "not_read_90d", "reads", "readers", "denied_reads", "failed_reads", "rotations", "former_members",
			"former_members_with_access", "access_after_removal"),
		rows: [][]any{{r.Store, r.Generated, r.Since, r.Warning, s.Secrets, s.Overdue, s.Due, s.NoPolicy, s.NoValue, s.Exposed, s.InConflict,
			s.NotRead90d, s.Reads, s.Readers, s.DeniedReads, s.FailedReads, s.Rotations, s.FormerMembers, s.FormerWithAccess, s.AccessAfterRemoval}},
	}}
	deadline := cols("path", "Path", "owner", "Owner", "every", "Every", "deadline", "Deadline")
	value := cols("version", "Version", "value_created", "Value made", "value_author", "By")
	t := reportTable{kind: "overdue", title: "Overdue rotations", note: "Past their deadline: rotate them (`cabinet rotate PATH`).",
		columns: slices.Concat(deadline, cols("days_late", "Days late"), value)}
	for _, o := range r.Overdue {
		t.rows = append(t.rows, []any{o.Path, o.Owner, o.Every, o.Deadline, o.DaysLate, versionCell(o.Version), o.ValueCreated, o.ValueAuthor})
	}
	tables = append(tables, t)
	t = reportTable{kind: "due", title: "Due rotations", note: "Deadline within the store's warning window (" + r.Warning + ").",
		columns: slices.Concat(deadline, cols("days_left", "Days left"), value)}
	for _, d := range r.Due {
		t.rows = append(t.rows, []any{d.Path, d.Owner, d.Every, d.Deadline, d.DaysLeft, versionCell(d.Version), d.ValueCreated, d.ValueAuthor})
	}
	tables = append(tables, t)
	return append(tables, slices.Concat(attentionTables(r), readTables(r), []reportTable{rotationTable(r)}, formerTables(r))...)
}

func attentionTables(r *inventory.Report) []reportTable {
	noPolicy := reportTable{kind: "no_policy", title: "No rotation policy", note: "Set one with `cabinet edit PATH --every 90d`.",
		columns: cols("path", "Path", "owner", "Owner", "version", "Version", "value_created", "Value made")}
	for _, n := range r.NoPolicy {
		noPolicy.rows = append(noPolicy.rows, []any{n.Path, n.Owner, versionCell(n.Version), optTime{n.ValueCreated, "-"}})
	}
	noValue := reportTable{kind: "no_value", title: "No value", note: "Registered, with no current value to read.",
		columns: cols("path", "Path", "owner", "Owner", "created", "Created", "created_by", "By")}
	for _, n := range r.NoValue {
		noValue.rows = append(noValue.rows, []any{n.Path, n.Owner, optTime{n.Created, "unknown"}, n.CreatedBy})
	}
	exposed := reportTable{kind: "exposed", title: "Exposed", note: "A member who could read the value was removed: rotate it.",
		columns: cols("path", "Path", "owner", "Owner", "member", "Removed member", "at", "Removed at", "status", "Status")}
	for _, x := range r.Exposed {
		exposed.rows = append(exposed.rows, []any{x.Path, x.Owner, x.Member, x.At, string(x.Status)})
	}
	conflict := reportTable{kind: "in_conflict", title: "In conflict", note: "Two clones changed it at once: settle it with `cabinet resolve PATH`.",
		columns: cols("path", "Path", "owner", "Owner", "versions", "Values", "fields", "Fields")}
	for _, c := range r.InConflict {
		var vs []string
		for _, v := range c.Versions {
			vs = append(vs, "v"+strconv.Itoa(v))
		}
		conflict.rows = append(conflict.rows, []any{c.Path, c.Owner, strings.Join(vs, " "), strings.Join(c.Fields, " ")})
	}
	unread := reportTable{kind: "not_read_90d", title: "Not read in 90 days",
		note:    "Made 90 days ago or more, and nobody read, revealed or copied them since: candidates to remove.",
		columns: cols("path", "Path", "owner", "Owner", "exists_since", "Exists since", "last_read", "Last read", "last_reader", "By")}
	for _, u := range r.Unread {
		unread.rows = append(unread.rows, []any{u.Path, u.Owner, u.Exists, optTime{u.LastRead, "never"}, u.LastReader})
	}
	return []reportTable{noPolicy, noValue, exposed, conflict, unread}
}

func readTables(r *inventory.Report) []reportTable {
	bySecret := reportTable{kind: "reads_by_secret", title: "Reads per secret", note: "Reads, reveals and copies in the period; denied and failed ones apart.",
		columns: cols("path", "Path", "reads", "Reads", "members", "Members", "denied", "Denied", "failed", "Failed", "last_read", "Last read")}
	for _, s := range r.ReadsBySecret {
		bySecret.rows = append(bySecret.rows, []any{s.Path, s.Reads, s.Members, s.Denied, s.Failed, optTime{s.LastRead, "-"}})
	}
	byMember := reportTable{kind: "reads_by_member", title: "Reads per member",
		columns: cols("member", "Member", "reads", "Reads", "secrets", "Secrets", "denied", "Denied", "failed", "Failed", "last_read", "Last read")}
	for _, m := range r.ReadsByMember {
		byMember.rows = append(byMember.rows, []any{m.Member, m.Reads, m.Secrets, m.Denied, m.Failed, optTime{m.LastRead, "-"}})
	}
	return []reportTable{bySecret, byMember}
}

func rotationTable(r *inventory.Report) reportTable {
	t := reportTable{kind: "rotations", title: "Rotations in the period",
		note: "Each rotation with an event in the period. failed: a step failed and nothing followed (resume or roll it back).",
		columns: cols("path", "Path", "version", "Version", "runbook", "Runbook", "started", "Started", "started_by", "By",
			"approved_by", "Approved by", "ended", "Ended", "ended_at", "At", "ended_by", "By", "note", "Note")}
	for _, x := range r.Rotations {
		t.rows = append(t.rows, []any{x.Path, versionCell(x.Version), x.Runbook, optTime{x.Started, "unknown"}, x.StartedBy,
			x.ApprovedBy, x.Ended, optTime{x.EndedAt, "-"}, x.EndedBy, x.Note})
	}
	return t
}

func formerTables(r *inventory.Report) []reportTable {
	former := reportTable{kind: "former_members", title: "Members since removed", note: "Their reads of all time, and their accesses after their removal.",
		columns: cols("member", "Member", "removed", "Removed", "removed_by", "By", "reads", "Reads", "secrets", "Secrets",
			"last_read", "Last read", "after_removal", "After removal")}
	for _, f := range r.FormerMembers {
		former.rows = append(former.rows, []any{f.Member, optTime{f.Removed, "not recorded"}, f.RemovedBy, f.Reads, f.Secrets, optTime{f.LastRead, "never"}, f.AfterRemoval})
	}
	late := reportTable{kind: "access_after_removal", title: "Access after removal",
		note:    "A removed member read, or tried to read, a value after their removal: find out how.",
		columns: cols("time", "Time", "member", "Member", "action", "Action", "path", "Path", "version", "Version", "outcome", "Outcome", "removed", "Removed")}
	for _, l := range r.AfterRemoval {
		late.rows = append(late.rows, []any{l.Time, l.Member, l.Action, l.Path, versionCell(l.Version), l.Outcome, l.Removed})
	}
	return []reportTable{former, late}
}

// writeCSVTable writes t's header and rows; withKind puts the table's kind
// in a first column, of the header too, for tables one after another in
// one file: the lines that begin with a kind are that table, header first.
func writeCSVTable(w io.Writer, t reportTable, withKind bool) error {
	cw := csv.NewWriter(w)
	var header []string
	if withKind {
		header = append(header, t.kind)
	}
	for _, c := range t.columns {
		header = append(header, c.key)
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, row := range t.rows {
		var rec []string
		if withKind {
			rec = append(rec, t.kind)
		}
		for _, v := range row {
			rec = append(rec, csvCell(v))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvCell(v any) string {
	switch v := v.(type) {
	case string:
		return inventory.Printable(v)
	case int:
		return strconv.Itoa(v)
	case versionCell:
		if v == 0 {
			return ""
		}
		return strconv.Itoa(int(v))
	case time.Time:
		return v.UTC().Format(time.RFC3339)
	case optTime:
		if v.t == nil {
			return ""
		}
		return v.t.UTC().Format(time.RFC3339)
	}
	panic(fmt.Sprintf("report cell of type %T", v))
}

// mdTime is how Markdown shows a time: to the minute, in the reader's zone
// (the period line names it).
const mdTime = "2006-01-02 15:04"

func mdCell(v any, loc *time.Location) string {
	switch v := v.(type) {
	case string:
		// Printable turns line breaks and controls into escapes; a | would
		// end the cell.
		return strings.ReplaceAll(inventory.Printable(v), "|", `\|`)
	case versionCell:
		if v == 0 {
			return "-"
		}
		return "v" + strconv.Itoa(int(v))
	case time.Time:
		return v.In(loc).Format(mdTime)
	case optTime:
		if v.t == nil {
			return v.none
		}
		return v.t.In(loc).Format(mdTime)
	}
	return csvCell(v)
}

func writeMarkdown(w io.Writer, r *inventory.Report, tables []reportTable, loc *time.Location) {
	fmt.Fprintf(w, "# Audit report: %s\n\n", mdCell(r.Store, loc))
	fmt.Fprintf(w, "Period: %s to %s (%s). Deadlines and statuses as of the end of the period.\n\n",
		r.Since.In(loc).Format(mdTime), r.Generated.In(loc).Format(mdTime), r.Generated.In(loc).Format("MST"))
	fmt.Fprintln(w, "## Summary")
	fmt.Fprintln(w)
	for _, line := range summaryLines(r) {
		fmt.Fprintf(w, "- %s\n", line)
	}
	for _, t := range tables[1:] {
		fmt.Fprintf(w, "\n## %s\n\n", t.title)
		if t.note != "" {
			fmt.Fprintf(w, "%s\n\n", t.note)
		}
		if len(t.rows) == 0 {
			fmt.Fprintln(w, "None.")
			continue
		}
		headers := make([]string, len(t.columns))
		rule := make([]string, len(t.columns))
		for i, c := range t.columns {
			headers[i], rule[i] = c.header, "---"
		}
		fmt.Fprintf(w, "| %s |\n| %s |\n", strings.Join(headers, " | "), strings.Join(rule, " | "))
		for _, row := range t.rows {
			cells := make([]string, len(row))
			for i, v := range row {
				cells[i] = mdCell(v, loc)
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
		}
	}
}

// summaryLines are the summary's bullets: the counts of every table.
func summaryLines(r *inventory.Report) []string {
	s := r.Summary
	ended := map[string]int{}
	for _, x := range r.Rotations {
		ended[x.Ended]++
	}
	return []string{
		fmt.Sprintf("%s: %d overdue, %d due within %s, %d with no policy, %d with no value, %d exposed, %d in conflict.",
			count(s.Secrets, "secret", "secrets"), s.Overdue, s.Due, r.Warning, s.NoPolicy, s.NoValue, s.Exposed, s.InConflict),
		fmt.Sprintf("%d not read in 90 days (candidates to remove).", s.NotRead90d),
		fmt.Sprintf("%s in the period by %s; %d denied, %d failed.", count(s.Reads, "read", "reads"), count(s.Readers, "member", "members"), s.DeniedReads, s.FailedReads),
		fmt.Sprintf("%s in the period: %d finished, %d rolled back, %d failed, %d in progress.", count(s.Rotations, "rotation", "rotations"),
			ended[inventory.RotationFinished], ended[inventory.RotationRolledBack], ended[inventory.RotationFailed], ended[inventory.RotationInProgress]),
		fmt.Sprintf("%s, %d of whom read values; %s after a removal.", count(s.FormerMembers, "former member", "former members"),
			s.FormerWithAccess, count(s.AccessAfterRemoval, "access", "accesses")),
	}
}
