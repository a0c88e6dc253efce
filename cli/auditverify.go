package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

func newAuditVerifyCmd(a *App) *cobra.Command {
	return &cobra.Command{Use: "verify", Short: "(being written)", RunE: func(*cobra.Command, []string) error { return errors.New("not yet") }}
}
