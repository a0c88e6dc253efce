//go:build !windows

package refs

import (
	"os"
	"syscall"
)

// forwarded are the signals cabinet passes on to the command it runs (a
// SIGINT too, where no terminal delivers it to both).
func forwarded() []os.Signal {
	return []os.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}
}
