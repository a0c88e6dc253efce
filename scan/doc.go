// Package scan finds plaintext secrets in text: well-known token formats
// (cloud keys, Git hosts' tokens, private key blocks, passwords in DSNs,
// JWTs), high-entropy strings, and copies of an inventory's own values.
//
// It does no I/O and reports where a secret is (line, column, rule),
// never the secret itself: a Finding holds no matched text, so that
// nothing printed from one can leak what was found.
//
// # Known values
//
// The values of an inventory are looked for by an anchor of their first
// 8 bytes: every value is at least 8 bytes long (shorter ones, a PIN or a
// port, would match everywhere and are left out), so every copy of a value
// starts with one of these anchors. Each 8-byte window of the text is
// hashed with a key drawn at random for the run, a 1 Mi-bit table rejects
// almost every window at once, and the few that pass are compared with
// the values whose anchor they share. The cost is one multiply and one
// table lookup per byte whatever the number of values or their lengths,
// where a keyed hash of every window of every length present costs one
// hash per byte per distinct length, and an Aho–Corasick automaton over
// 10,000 values costs hundreds of megabytes as a dense table or a pointer
// chase per byte as a sparse one. The values stay in memory only; the
// table and key are never written anywhere.
package scan
