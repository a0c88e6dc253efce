// Package keysource finds the operator's identity: in an identity file, in
// the environment or in the OS keyring.
//
// It is apart from crypto so that crypto stays narrow, like age's own API:
// values in and out, recipients and identities. Where an identity is kept
// (files that must not block or never end, environment variables, a
// keyring that may hang and so needs a deadline) is a separate concern, and
// the only part of cabinet that talks to the OS keyring. keysource imports
// crypto, never the other way.
//
// # Identity sources
//
// Sources.Resolve looks for the operator's identity in this order, first
// match wins:
//  1. an identity file: the --identity flag or CABINET_IDENTITY_FILE
//     (a passphrase-protected one asks for its passphrase);
//  2. CABINET_IDENTITY, the AGE-SECRET-KEY-1… string itself;
//  3. the OS keyring (service "cabinet", user "identity"), through
//     go-keyring.
//
// An identity file must be a regular file of at most 64 KiB: a FIFO or a
// device is refused at once instead of blocking. Every keyring call has a
// deadline (CABINET_KEYRING_TIMEOUT, 3s by default), so a missing, locked
// or hung Secret Service gives an error with a hint instead of a hang.
package keysource
