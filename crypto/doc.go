// Package crypto seals and opens cabinet's values with age, and finds the
// operator's identity.
//
// Values are sealed as ASCII-armored age files, so any of them decrypts with
// the stock age command and the right identity. Recipients are age X25519
// keys ("age1…") and ssh-ed25519 public keys.
//
// # Identity sources
//
// Resolve looks for the operator's identity in this order, first match wins:
//  1. an identity file: the --identity flag or CABINET_IDENTITY_FILE
//     (a passphrase-protected one asks for its passphrase);
//  2. CABINET_IDENTITY, the AGE-SECRET-KEY-1… string itself;
//  3. the OS keyring (service "cabinet"), through go-keyring.
//
// Every keyring call has a deadline, so a missing, locked or hung Secret
// Service gives an error with a hint instead of a hang.
package crypto
