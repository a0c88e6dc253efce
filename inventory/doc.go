// Package inventory is cabinet's domain: secret paths and references,
// metadata, versions and their states, rotation policies, deadlines and
// statuses, members and scopes, and audit events.
//
// It is pure Go: no file, network, keyring or terminal I/O. Time is always
// an argument, so every deadline and status is a function of a secret and a
// given instant.
package inventory
