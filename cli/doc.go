// Package cli is cabinet's command line: one cobra command per verb, each
// built from an App that holds what the program needs (streams, the
// environment, the clock, the keyring), so tests run them with fakes and
// production wires the real ones in cmd/cabinet.
package cli
