package store

import (
	"bytes"
	"errors"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
)

const fuzzSeed = `cabinet: 1
path: prod/db/password
owner: data-platform
description: ETL user of the warehouse
rotation:
  every: 90d
  runbook: db-password
tags: [warehouse]
readers: [alice]
readers_sum: 55b377046c3bba03
exposed:
  - member: bob
    at: 2026-11-21T10:00:00Z
versions:
  - version: 2
    state: current
    created: 2026-11-20T10:00:00Z
    author: alice
    value: |
      -----BEGIN AGE ENCRYPTED FILE-----
      YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSA2dWNaTEtJbm4zZ2F2RW1p
      -----END AGE ENCRYPTED FILE-----
  - version: 1
    state: retired
    created: 2026-08-20T10:00:00Z
    author: alice
`

// rotatingSeed is a secret in the middle of a guided rotation.
const rotatingSeed = `cabinet: 1
path: prod/db/password
owner: data-platform
rotation:
  every: 90d
  runbook: db-password
rotating:
  version: 3
  runbook: db-password
  started: 2026-11-21T10:00:00Z
  by: alice
  next: 2
  approved_by: bob
  wait_until: 2026-11-21T10:15:00Z
  steps:
    - step: 0
      name: apply
      outcome: ok
      at: 2026-11-21T10:00:01Z
      by: alice
    - step: 1
      name: validate
      outcome: running
      at: 2026-11-21T10:00:02Z
      by: alice
      detail: exit status 1
versions:
  - version: 3
    state: pending
    created: 2026-11-21T10:00:00Z
    author: alice
    value: |
      -----BEGIN AGE ENCRYPTED FILE-----
      YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSA2dWNaTEtJbm4zZ2F2RW1p
      -----END AGE ENCRYPTED FILE-----
  - version: 2
    state: current
    created: 2026-11-20T10:00:00Z
    author: alice
    value: |
      -----BEGIN AGE ENCRYPTED FILE-----
      YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSA2dWNaTEtJbm4zZ2F2RW1p
      -----END AGE ENCRYPTED FILE-----
`

// FuzzParseSecret feeds the secret-file parser arbitrary bytes: it must never
// panic, every error must say the file is corrupt, and whatever it accepts
// must be a valid secret that survives a format-and-parse round trip.
func FuzzParseSecret(f *testing.F) {
	f.Add([]byte(fuzzSeed))
	f.Add([]byte(fuzzSeed[:len(fuzzSeed)/2]))
	f.Add([]byte("cabinet: 1\npath: prod/db/password\nowner: x\nversions: []\n"))
	f.Add([]byte("cabinet: 2\n"))
	f.Add([]byte("{}"))
	f.Add([]byte("- a\n- b\n"))
	f.Add([]byte("cabinet: 1\npath: prod/db/password\nowner: x\nversions:\n  - version: 1\n    state: current\n"))
	f.Add([]byte(rotatingSeed))
	f.Add([]byte(conflictSeed))
	envs := inventory.DefaultEnvironments
	f.Fuzz(func(t *testing.T, data []byte) {
		sec, err := ParseSecret(data, "prod/db/password", envs)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error does not match ErrCorrupt: %v", err)
			}
			return
		}
		if err := sec.Validate(envs); err != nil {
			t.Fatalf("accepted an invalid secret: %v", err)
		}
		out, err := FormatSecret(sec)
		if err != nil {
			t.Fatalf("cannot format what was parsed: %v", err)
		}
		again, err := ParseSecret(out, "prod/db/password", envs)
		if err != nil {
			t.Fatalf("cannot parse what was formatted: %v\n%s", err, out)
		}
		out2, err := FormatSecret(again)
		if err != nil || string(out2) != string(out) {
			t.Fatalf("format is not stable:\n%s\n---\n%s", out, out2)
		}
	})
}

// FuzzIndex feeds the index reader arbitrary bytes, an index file someone
// else may have left in .cabinet/cache: it must never panic, and what it
// accepts holds entries in strict path order, as listings rely on.
func FuzzIndex(f *testing.F) {
	var good bytes.Buffer
	sec, err := ParseSecret([]byte(fuzzSeed), "prod/db/password", inventory.DefaultEnvironments)
	if err != nil {
		f.Fatal(err)
	}
	second := *sec
	second.Path = "prod/db/user"
	entries := []cacheEntry{{Secret: *sec}, {Secret: second}}
	if err := writeChunks(&good, entries, nil, nil); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add(good.Bytes()[good.Len()/3:])
	f.Add([]byte(indexMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		ix, ok := readTable(bytes.NewReader(data), int64(len(data)))
		if !ok {
			return
		}
		all := make([]int, len(ix.chunks))
		for i := range all {
			all[i] = i
		}
		if !ix.decode(all) {
			return
		}
		list := ix.entries()
		for i := 1; i < len(list); i++ {
			if list[i].Secret.Path <= list[i-1].Secret.Path {
				t.Fatalf("accepted entries out of order: %q after %q", list[i].Secret.Path, list[i-1].Secret.Path)
			}
		}
	})
}
