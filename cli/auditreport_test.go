package cli

import (
	"encoding/csv"
	"encoding/json"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata")

// daysBefore is n days before the tests' clock.
func daysBefore(n int) time.Time { return fixedNow.AddDate(0, 0, -n) }

// reportStore builds a store whose history is known to the minute, through
// the command line where it can (and the store where the command line has
// no verb), and returns alice's shell at fixedNow. The report over the last
// 30 days (from 2026-10-24 12:00) must find:
//
//   - 7 secrets; prod/api/token overdue by 10 days (its owner "api|team"
//     escaped in Markdown); stg/cache/url due in 10 days; no policy:
//     prod/legacy/ftp and prod/partner/key; no value: prod/partner/key;
//     dev/app/key exposed by bob's removal; prod/queue/pass rotating.
//   - Not read in 90 days: prod/api/token (never) and prod/legacy/ftp (read
//     100 days ago, before the period).
//   - Reads in the period: 8 by 2 members (the failing rotation's step read
//     stg/cache/url's new and old values), 1 denied (bob, prod/db/password).
//   - Rotations in the period: stg/cache/url v2 rolled back after its step
//     failed, prod/db/password v3 finished, prod/queue/pass v2 in progress;
//     prod/db/password v2, 60 days ago, is before the period.
//   - bob, removed 10 days ago by alice, read dev/app/key 3 times, once
//     after his removal.
func reportStore(t *testing.T) *env {
	t.Helper()
	alice := newEnv(t)
	at := func(days int, hours ...int) {
		alice.now = daysBefore(days)
		if len(hours) > 0 {
			alice.now = alice.now.Add(time.Duration(hours[0]) * time.Hour)
		}
	}
	at(200)
	alice.setup()
	alice.runbook("failing", "name: failing\nsteps:\n  - name: apply\n    run: exit 3\n  - name: promote\n")
	alice.runbook("confirming", "name: confirming\nsteps:\n  - name: promote\n  - name: revoke\n    confirm: \"Old one revoked?\"\n")
	alice.must("pw1", "set", "prod/db/password", "--owner", "data-platform", "--every", "90d")
	alice.must("ftp", "set", "prod/legacy/ftp", "--owner", "data-platform")
	at(100)
	alice.must("tok", "set", "prod/api/token", "--owner", "api|team", "--every", "90d")
	alice.must("", "get", "prod/legacy/ftp")
	at(80)
	alice.must("url", "set", "stg/cache/url", "--owner", "ops", "--every", "90d")
	at(60)
	alice.must("", "rotate", "prod/db/password")

	bob := newEnv(t)
	bob.vars["CABINET_STORE"] = alice.store()
	bobKey := strings.TrimSpace(bob.must("", "identity", "new").out)
	at(50)
	alice.must("", "members", "add", "bob", bobKey, "--scope", "dev/")
	at(40)
	alice.must("key", "set", "dev/app/key", "--owner", "dev", "--every", "90d")
	alice.must("q", "set", "prod/queue/pass", "--owner", "data-platform", "--every", "90d", "--runbook", "confirming")
	bob.now = daysBefore(20)
	bob.must("", "get", "dev/app/key")
	bob.now = daysBefore(19)
	bob.must("", "get", "dev/app/key")
	bob.now = daysBefore(15)
	if r := bob.run("", "get", "prod/db/password"); r.code != ExitNoIdentity {
		t.Fatalf("bob reads prod/db/password: exit %d %s", r.code, r.err)
	}

	s, err := store.Open(alice.store())
	if err != nil {
		t.Fatal(err)
	}
	at(12)
	if _, err := s.Create("prod/partner/key", store.Act{Actor: "alice", Now: alice.now}, func(sec *inventory.Secret) error {
		sec.Owner = "partners"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	at(10)
	alice.must("", "members", "rm", "bob")
	// bob's clone still had him as a member: his read there reaches the
	// store's log with the next merge.
	if err := s.Audit(inventory.Event{Time: daysBefore(5), Actor: "bob", Action: inventory.ActionRead, Path: "dev/app/key", Version: 1, Outcome: inventory.OutcomeOK}); err != nil {
		t.Fatal(err)
	}
	at(3)
	alice.must("", "get", "prod/db/password")
	alice.must("", "get", "prod/db/password")
	alice.must("", "get", "stg/cache/url")
	at(2)
	alice.must("", "edit", "stg/cache/url", "--runbook", "failing")
	if r := alice.run("", "rotate", "stg/cache/url"); r.code != ExitFailed || !strings.Contains(r.err, "rolled back") {
		t.Fatalf("the failing rotation: exit %d %s", r.code, r.err)
	}
	at(1)
	alice.must("", "rotate", "prod/db/password")
	at(1, 1)
	if r := alice.runOnTerminal("n\n", "rotate", "prod/queue/pass"); r.code != ExitFailed {
		t.Fatalf("the rotation left in progress: exit %d %s", r.code, r.err)
	}
	alice.now = fixedNow
	return alice
}

// golden compares got with testdata/report/name, or rewrites it with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	file := filepath.Join("testdata", "report", name)
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./cli -run Report -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (rewrite it with -update once the change is meant):\n%s", name, file, got)
	}
}

func TestAuditReportFormats(t *testing.T) {
	e := reportStore(t)

	md := e.must("", "audit", "report")
	golden(t, "report.md", md.out)
	if md.err != "" {
		t.Errorf("stderr: %s", md.err)
	}
	for _, want := range []string{
		"# Audit report: store\n",
		"Period: 2026-10-24 12:00 to 2026-11-23 12:00 (UTC).",
		"- 7 secrets: 1 overdue, 1 due within 14d, 2 with no policy, 1 with no value, 1 exposed, 0 in conflict.",
		"- 2 not read in 90 days",
		"- 8 reads in the period by 2 members; 1 denied, 0 failed.",
		"- 3 rotations in the period: 1 finished, 1 rolled back, 0 failed, 1 in progress.",
		"- 1 former member, 1 of whom read values; 1 access after a removal.",
		"| prod/api/token | api\\|team | 90d | 2026-11-13 12:00 | 10 | v1 | 2026-08-15 12:00 | alice |",
		"| stg/cache/url | v2 | failing | 2026-11-21 12:00 | alice |  | rolled-back | 2026-11-21 12:00 | alice | step 1: apply: failed (exit status 3) |",
		"| bob | 2026-11-13 12:00 | alice | 3 | 1 | 2026-11-18 12:00 | 1 |",
		"## In conflict\n\nTwo clones changed it at once: settle it with `cabinet resolve PATH`.\n\nNone.\n",
	} {
		if !strings.Contains(md.out, want) {
			t.Errorf("the Markdown report lacks %q", want)
		}
	}

	csvOut := e.must("", "audit", "report", "--format", "csv").out
	golden(t, "report.csv", csvOut)
	tables := splitCSV(t, csvOut)
	if got := tables["summary"][1]; strings.Join(got, ",") != "summary,store,2026-11-23T12:00:00Z,2026-10-24T12:00:00Z,14d,7,1,1,2,1,1,0,2,8,2,1,0,3,1,1,1" {
		t.Errorf("csv summary = %v", got)
	}
	if got := tables["reads_by_member"]; len(got) != 3 || strings.Join(got[2], ",") != "reads_by_member,bob,3,1,1,0,2026-11-18T12:00:00Z" {
		t.Errorf("csv reads_by_member = %v", got)
	}
	if got := tables["in_conflict"]; len(got) != 1 || strings.Join(got[0], ",") != "in_conflict,path,owner,versions,fields" {
		t.Errorf("an empty table is its header alone: %v", got)
	}

	jsonOut := e.must("", "audit", "report", "--format", "json").out
	golden(t, "report.json", jsonOut)
	var r inventory.Report
	if err := json.Unmarshal([]byte(jsonOut), &r); err != nil {
		t.Fatal(err)
	}
	if r.Summary.Overdue != 1 || r.Overdue[0].Path != "prod/api/token" || r.Overdue[0].DaysLate != 10 || r.Due[0].DaysLeft != 10 ||
		r.Summary.Reads != 8 || len(r.Rotations) != 3 || r.Rotations[2].Ended != inventory.RotationInProgress ||
		len(r.AfterRemoval) != 1 || !r.AfterRemoval[0].Time.Equal(daysBefore(5)) {
		t.Errorf("json report = %+v", r)
	}
	if !strings.Contains(jsonOut, "\n  \"summary\": {\n") {
		t.Error("the JSON report is not indented")
	}
}

// splitCSV reads a CSV report and splits it by its first column.
func splitCSV(t *testing.T, data string) map[string][][]string {
	t.Helper()
	cr := csv.NewReader(strings.NewReader(data))
	cr.FieldsPerRecord = -1
	records, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string][][]string{}
	for _, rec := range records {
		tables[rec[0]] = append(tables[rec[0]], rec)
	}
	kinds := slices.Sorted(maps.Keys(tables))
	want := []string{"access_after_removal", "due", "exposed", "former_members", "in_conflict", "no_policy", "no_value", "not_read_90d",
		"overdue", "reads_by_member", "reads_by_secret", "rotations", "summary"}
	if !slices.Equal(kinds, want) {
		t.Errorf("csv tables = %v, want %v", kinds, want)
	}
	return tables
}

func TestAuditReportOut(t *testing.T) {
	e := reportStore(t)
	dir := filepath.Join(t.TempDir(), "reports")
	r := e.must("", "audit", "report", "--format", "csv", "--out", dir)
	if r.out != "" || !strings.Contains(r.err, "wrote 13 files in "+dir) {
		t.Errorf("stdout %q, stderr %q", r.out, r.err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, en := range entries {
		info, err := en.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", en.Name(), info.Mode().Perm())
		}
		names = append(names, en.Name())
	}
	if want := "access_after_removal.csv due.csv exposed.csv former_members.csv in_conflict.csv no_policy.csv no_value.csv not_read_90d.csv overdue.csv reads_by_member.csv reads_by_secret.csv rotations.csv summary.csv"; strings.Join(names, " ") != want {
		t.Errorf("files %v (a temporary file left?)", names)
	}
	overdue, _ := os.ReadFile(filepath.Join(dir, "overdue.csv"))
	if string(overdue) != "path,owner,every,deadline,days_late,version,value_created,value_author\nprod/api/token,api|team,90d,2026-11-13T12:00:00Z,10,1,2026-08-15T12:00:00Z,alice\n" {
		t.Errorf("overdue.csv:\n%s", overdue)
	}
	// A second run replaces the files.
	e.now = fixedNow.AddDate(0, 0, 20)
	e.must("", "audit", "report", "--format", "csv", "--out", dir)
	if overdue, _ := os.ReadFile(filepath.Join(dir, "overdue.csv")); !strings.Contains(string(overdue), "prod/api/token,api|team,90d,2026-11-13T12:00:00Z,30,") {
		t.Errorf("overdue.csv after 20 more days:\n%s", overdue)
	}
	e.now = fixedNow

	for _, format := range []string{"md", "json"} {
		r := e.must("", "audit", "report", "--format", format, "--out", dir)
		file := filepath.Join(dir, "report."+format)
		data, err := os.ReadFile(file)
		if err != nil || r.out != "" || !strings.Contains(r.err, "wrote "+file) {
			t.Fatalf("--format %s --out: %v, stdout %q, stderr %q", format, err, r.out, r.err)
		}
		if stdout := e.must("", "audit", "report", "--format", format).out; string(data) != stdout {
			t.Errorf("report.%s is not what standard output gets", format)
		}
		if info, _ := os.Stat(file); info.Mode().Perm() != 0o600 {
			t.Errorf("report.%s has mode %v", format, info.Mode().Perm())
		}
	}
}

func TestAuditReportFailOn(t *testing.T) {
	e := reportStore(t)
	for _, c := range []struct {
		failOn []string
		code   ExitCode
		err    string
	}{
		{nil, ExitOK, ""},
		{[]string{"overdue"}, ExitFailed, "cabinet: 1 secret overdue (--fail-on overdue)\n"},
		{[]string{"due"}, ExitFailed, "cabinet: 2 secrets due or overdue (--fail-on due)\n"},
		{[]string{"overdue,exposed"}, ExitFailed, "cabinet: 1 secret overdue, 1 exposed (--fail-on overdue,exposed)\n"},
		{[]string{"exposed", "due", "exposed"}, ExitFailed, "cabinet: 1 secret exposed, 2 due or overdue (--fail-on exposed,due)\n"},
		{[]string{"soon"}, ExitUsage, `cabinet: --fail-on: unknown kind "soon": use overdue, due or exposed` + "\n"},
	} {
		args := []string{"audit", "report", "--format", "json"}
		for _, k := range c.failOn {
			args = append(args, "--fail-on", k)
		}
		r := e.run("", args...)
		if r.code != c.code || r.err != c.err {
			t.Errorf("--fail-on %v: exit %d, stderr %q; want exit %d, %q", c.failOn, r.code, r.err, c.code, c.err)
		}
		if c.code != ExitUsage && !strings.Contains(r.out, `"summary"`) {
			t.Errorf("--fail-on %v: the report was not printed", c.failOn)
		}
	}

	// Nothing to find: exit 0 with --fail-on.
	quiet := newEnv(t)
	quiet.setup()
	quiet.must("v", "set", "prod/db/password", "--owner", "o", "--every", "90d")
	if r := quiet.run("", "audit", "report", "--fail-on", "overdue,due,exposed"); r.code != ExitOK || r.err != "" {
		t.Errorf("a store with nothing to find: exit %d, %q", r.code, r.err)
	}
}

func TestAuditReportBadInput(t *testing.T) {
	e := newEnv(t)
	e.setup()
	before := snapshot(t, e.store())
	for _, c := range []struct {
		args    []string
		mention string
	}{
		{[]string{"--since", "yesterday"}, `--since: not a time: "yesterday"`},
		{[]string{"--format", "xml"}, `--format: unknown format "xml": use md, csv or json`},
		{[]string{"--format", "csv", "--fail-on", "late"}, `--fail-on: unknown kind "late"`},
		{[]string{"extra"}, "unknown command"},
	} {
		r := e.run("", append([]string{"audit", "report"}, c.args...)...)
		if r.code != ExitUsage || !strings.Contains(r.err, c.mention) || strings.Count(r.err, "\n") != 1 || r.out != "" {
			t.Errorf("audit report %v: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, r.code, r.out, r.err, c.mention)
		}
	}
	if after := snapshot(t, e.store()); !maps.Equal(before, after) {
		t.Error("a refused report changed the store")
	}
}

// Text from files (an audit line's detail here: a teammate's log) reaches
// the terminal escaped, and cannot break a Markdown table or a CSV line.
func TestAuditReportEscapesTextFromFiles(t *testing.T) {
	e := newEnv(t)
	e.now = daysBefore(2)
	e.setup()
	e.must("v", "set", "prod/db/password", "--owner", "data-platform", "--every", "90d")
	s, err := store.Open(e.store())
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []inventory.Event{
		{Time: daysBefore(1), Actor: "alice", Action: inventory.ActionRotateStart, Path: "prod/db/password", Version: 2, Outcome: "ok", Detail: "runbook x"},
		{Time: daysBefore(1).Add(time.Minute), Actor: "alice", Action: inventory.ActionRotateStep, Path: "prod/db/password", Version: 2, Outcome: "failed",
			Detail: "step 1: a|b\x1b]0;pwned\x07\n| forged | row |"},
	} {
		if err := s.Audit(ev); err != nil {
			t.Fatal(err)
		}
	}
	e.now = fixedNow
	md := e.must("", "audit", "report").out
	if !strings.Contains(md, `| failed | 2026-11-22 12:01 | alice | step 1: a\|b\x1b]0;pwned\x07\x0a\| forged \| row \| |`+"\n") {
		t.Errorf("the note is not escaped:\n%s", md)
	}
	csvOut := e.must("", "audit", "report", "--format", "csv").out
	if !strings.Contains(csvOut, `,failed,2026-11-22T12:01:00Z,alice,step 1: a|b\x1b]0;pwned\x07\x0a| forged | row |`+"\n") {
		t.Errorf("the note is not escaped:\n%s", csvOut)
	}
	for _, out := range []string{md, csvOut} {
		if strings.ContainsAny(out, "\x1b\x07") || strings.Contains(out, "\n| forged") {
			t.Errorf("a control character or a forged line got through:\n%s", out)
		}
	}
	// JSON keeps the text exactly, encoded.
	if js := e.must("", "audit", "report", "--format", "json").out; !strings.Contains(js, `"note": "step 1: a|b\u001b]0;pwned\u0007\n| forged | row |"`) {
		t.Errorf("json:\n%s", js)
	}
}

// A secret file that cannot be read is named, the report covers the rest,
// and the exit code is 5, --fail-on or not; a log that does not verify is
// warned about.
func TestAuditReportWithBadFiles(t *testing.T) {
	e := newEnv(t)
	e.now = daysBefore(100)
	e.setup()
	e.must("v", "set", "prod/db/password", "--owner", "data-platform", "--every", "90d")
	e.must("", "get", "prod/db/password")
	e.now = fixedNow
	e.must("v", "set", "prod/db/other", "--owner", "data-platform", "--every", "90d")
	e.truncate("secrets/prod/db/other.yaml", 0.5)
	log, err := os.ReadFile(filepath.Join(e.store(), "audit", "alice.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	e.writeFile("audit/alice.jsonl", strings.Replace(string(log), `"action":"read"`, `"action":"reveal"`, 1))

	r := e.run("", "audit", "report", "--fail-on", "overdue")
	lines := strings.Split(strings.TrimSuffix(r.err, "\n"), "\n")
	if r.code != ExitCorrupt || len(lines) != 3 ||
		!strings.HasPrefix(lines[0], "warning: audit/alice.jsonl does not verify") ||
		lines[1] != "cabinet: 1 secret overdue (--fail-on overdue)" ||
		!strings.HasPrefix(lines[2], "cabinet: secrets/prod/db/other.yaml") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.err)
	}
	if !strings.Contains(r.out, "- 1 secret: 1 overdue,") {
		t.Errorf("the report does not cover the readable secret:\n%s", r.out)
	}
}
