//go:build unix

package keysource

import (
	"os"
	"syscall"
)

// openIdentityFlags opens an identity file without blocking: a FIFO put in
// its place after the check opens at once, and f.Stat then refuses it.
const openIdentityFlags = os.O_RDONLY | syscall.O_NONBLOCK
