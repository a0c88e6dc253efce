package cli

import (
	"bufio"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

func newAuditVerifyCmd(a *App) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "verify",
		Short: "Check that no audit line was removed, edited, reordered or slipped in",
		Long: `Check every member's audit log. Each line records the SHA-256 of the line
it follows, so a line removed, edited, moved or slipped in breaks the chain
where it was: verify names the file, the line and what was done.

A log cut short, or whose last lines were rewritten, still chains; each
clone therefore keeps, outside the log (.cabinet/cache/anchors), the hash of
the last line of a change it wrote, and verify finds that line in the log.
In a Git store verify also checks that what the last commit holds of each
log is still there, that no commit removed or changed a log's line, and
that every commit that changed a secret file appended the event of that
change by the member whose log it is: a change made behind cabinet's back
is named by its commit.

A last line cut short by a crash while it was written is reported as such,
and is not tampering. Exit 0 when every log holds, 5 when one does not.`,
		Example: `  cabinet audit verify
  cabinet audit verify --json | jq '.logs[] | select(.problems)'`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return runAuditVerify(a, asJSON)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "what was checked and found, as JSON")
	return c
}

func runAuditVerify(a *App, asJSON bool) error {
	s, err := a.openStore()
	if err != nil {
		return err
	}
	v, err := s.VerifyAudit()
	if err != nil {
		return err
	}
	if asJSON {
		if err := a.writeJSON(v); err != nil {
			return err
		}
	} else {
		w := bufio.NewWriter(a.Out)
		writeVerification(w, v)
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return verificationError(v)
}

func writeVerification(w io.Writer, v *store.Verification) {
	if len(v.Logs) == 0 {
		fmt.Fprintln(w, "No audit log yet.")
	}
	for _, l := range v.Logs {
		verdict := "ok"
		for _, p := range l.Problems {
			if p.Kind == inventory.ProblemTampered {
				verdict = "TAMPERED"
				break
			}
			verdict = "warning"
		}
		printLine(w, "%-8s %s: %s", verdict, l.Name, plural(l.Lines, "line"))
		for _, p := range l.Problems {
			printLine(w, "         line %d: %s", p.Line, p.What)
		}
	}
	if !v.Git {
		return
	}
	if len(v.Commits) == 0 {
		fmt.Fprintln(w, "ok       Git history: every commit that changed a secret has its audit event")
		return
	}
	for _, c := range v.Commits {
		printLine(w, "TAMPERED commit %s (%s, %s, %q): %s", c.Commit, c.Author, c.Date, c.Subject, c.What)
	}
}

// verificationError is the one-line error of a verification that found
// tampering: the first thing found, and how many more.
func verificationError(v *store.Verification) error {
	var first string
	n := 0
	for _, l := range v.Logs {
		for _, p := range l.Problems {
			if p.Kind != inventory.ProblemTampered {
				continue
			}
			if n == 0 {
				first = fmt.Sprintf("%s line %d: %s", l.Name, p.Line, p.What)
			}
			n++
		}
	}
	for _, c := range v.Commits {
		if n == 0 {
			first = fmt.Sprintf("commit %s %s", c.Commit, c.What)
		}
		n++
	}
	if n == 0 {
		return nil
	}
	if n > 1 {
		first += fmt.Sprintf(" (and %s)", plural(n-1, "more problem"))
	}
	return inventory.WithHint(errorOfKind(store.ErrCorrupt, "the audit log was tampered with: %s", first),
		"keep the store as it is for the investigation (in a Git store, `git log -p audit/` shows who changed what)")
}
