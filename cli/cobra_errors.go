package cli

import "strings"

// isCobraUsageError recognises the errors cobra returns for a bad command
// line; cobra does not type them.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "requires at most", "invalid argument", "flag needs an argument", "if any flags in the group"} {
		if strings.HasPrefix(msg, p) { // not Contains: a message of git or of a file may hold these words
			return true
		}
	}
	return false
}
