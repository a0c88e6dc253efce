// Package store reads and writes a cabinet inventory on disk: the store's
// settings, its members and scopes, one YAML file per secret, and the audit
// log.
//
// Every write is atomic (a temporary file in the same folder, fsync, rename,
// fsync of the folder), files are 0600 and folders 0700, and writers hold an
// advisory lock on .cabinet/lock. A malformed secret file never stops the
// rest of the inventory from opening: List reports it by name and nothing is
// rewritten.
package store
