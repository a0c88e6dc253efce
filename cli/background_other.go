//go:build !unix

package cli

import (
	"os"
	"time"
)

// askBackground asks nothing outside Unix: the console has no OSC 11 to
// answer reliably, and the workbench keeps the dark default.
func askBackground(in, out *os.File, timeout time.Duration) background {
	return background{}
}
