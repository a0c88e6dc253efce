// Package crypto seals and opens cabinet's values with age: values in and
// out (Seal, bound to the secret and version they belong to, and Open, which
// says what they are bound to; Inspect reads that without a key),
// recipients (Recipients) and the operator's identity (Identity) and its
// parsing.
//
// Values are sealed as ASCII-armored age files, so any of them decrypts with
// the stock age command and the right identity. Recipients are age X25519
// keys ("age1…") and ssh-ed25519 public keys.
//
// Where the identity comes from (an identity file, the environment, the OS
// keyring) is the business of the sub-package crypto/keysource.
package crypto
