//go:build !linux

package cli

import "os"

// createUnnamed: no unnamed files here; the caller uses a named temporary.
func createUnnamed(string) (*os.File, func(string) error, bool) { return nil, nil, false }
