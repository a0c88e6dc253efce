package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// newAuditReportCmd is being written (issue 13): a report helper owns this file.
func newAuditReportCmd(a *App) *cobra.Command {
	return &cobra.Command{Use: "report", Short: "(being written)", RunE: func(*cobra.Command, []string) error { return errors.New("not yet") }}
}
