//go:build unix

package store

import "syscall"

// privateUmask makes what git creates for the store (a clone's files, what
// a merge brings in) 0600 and 0700, as cabinet's own writes are: git
// follows the process's umask. It returns the function that restores it.
func privateUmask() (restore func()) {
	old := syscall.Umask(0o077)
	return func() { syscall.Umask(old) }
}
