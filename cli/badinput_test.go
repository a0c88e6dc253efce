package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/crypto/keysource"
	"github.com/cabinethq/cabinet/internal/memkeyring"
	"github.com/cabinethq/cabinet/inventory"
)

const canary = "CANARY-VALUE-7f3a9c"

// TestBadInput goes through DESIGN.md's list of bad input that applies to
// the foundation: each gets one line on stderr that names the path or file,
// the exit code DESIGN.md gives, and leaves the inventory as it was (a
// refused read is still recorded, so audit files may only grow).
func TestBadInput(t *testing.T) {
	cases := []struct {
		name    string
		prepare func(e *env) // break something after the store is set up
		stdin   string
		args    []string
		code    ExitCode
		mention string // the path, file or field the error must name
	}{
		{name: "malformed secret file", args: []string{"get", "prod/db/password"}, code: ExitCorrupt, mention: "secrets/prod/db/password.yaml",
			prepare: func(e *env) { e.writeFile("secrets/prod/db/password.yaml", "cabinet: 1\npath: [oops\n") }},
		{name: "truncated secret file", args: []string{"get", "prod/db/password"}, code: ExitCorrupt, mention: "secrets/prod/db/password.yaml",
			prepare: func(e *env) { e.truncate("secrets/prod/db/password.yaml", 0.8) }},
		{name: "truncated file in ls", args: []string{"ls"}, code: ExitCorrupt, mention: "secrets/prod/db/password.yaml",
			prepare: func(e *env) { e.truncate("secrets/prod/db/password.yaml", 0.5) }},
		{name: "ciphertext for someone else", args: []string{"get", "prod/db/password"}, code: ExitNoIdentity, mention: "prod/db/password",
			prepare: func(e *env) { e.otherIdentity() }},
		{name: "tampered ciphertext", args: []string{"get", "prod/db/password"}, code: ExitCorrupt, mention: "prod/db/password",
			prepare: func(e *env) { e.tamper("secrets/prod/db/password.yaml") }},
		{name: "missing identity file", args: []string{"get", "prod/db/password"}, code: ExitNoIdentity, mention: "nope.txt",
			prepare: func(e *env) { e.vars["CABINET_IDENTITY_FILE"] = filepath.Join(e.dir, "nope.txt") }},
		{name: "malformed CABINET_IDENTITY", args: []string{"get", "prod/db/password"}, code: ExitNoIdentity, mention: "CABINET_IDENTITY",
			prepare: func(e *env) { e.vars["CABINET_IDENTITY"] = "AGE-SECRET-KEY-1BROKEN" }},
		{name: "no identity anywhere", args: []string{"get", "prod/db/password"}, code: ExitNoIdentity, mention: "CABINET_IDENTITY_FILE",
			prepare: func(e *env) { e.keyring = &memkeyring.Keyring{} }},
		{name: "locked or absent keyring", args: []string{"get", "prod/db/password"}, code: ExitNoIdentity, mention: "CABINET_IDENTITY",
			prepare: func(e *env) { e.keyring = brokenKeyring{} }},
		{name: "unknown runbook", args: []string{"edit", "prod/db/password", "--runbook", "nosuch"}, code: ExitNotFound, mention: "runbooks/nosuch.yaml"},
		{name: "missing secret", args: []string{"get", "prod/db/nosuch"}, code: ExitNotFound, mention: "prod/db/nosuch"},
		{name: "missing version", args: []string{"get", "prod/db/password@pending"}, code: ExitNotFound, mention: "prod/db/password"},
		{name: "invalid path", args: []string{"set", "../etc/passwd", "--owner", "x"}, stdin: canary, code: ExitUsage, mention: "../etc/passwd"},
		{name: "upper-case path", args: []string{"get", "Prod/db/password"}, code: ExitUsage, mention: "Prod/db/password"},
		{name: "unknown environment", args: []string{"set", "qa/db/password", "--owner", "x"}, stdin: canary, code: ExitUsage, mention: "qa/db/password"},
		{name: "value too large", args: []string{"set", "prod/db/password"}, stdin: canary + strings.Repeat("x", crypto.MaxValueSize), code: ExitUsage, mention: "prod/db/password"},
		{name: "empty value", args: []string{"set", "prod/db/password"}, stdin: "\n", code: ExitUsage, mention: "prod/db/password"},
		{name: "bad rotation period", args: []string{"edit", "prod/db/password", "--every", "90 days"}, code: ExitUsage, mention: "90 days"},
		{name: "unknown flag", args: []string{"ls", "--frobnicate"}, code: ExitUsage, mention: "--frobnicate"},
		{name: "member key that is not a key", args: []string{"members", "add", "bob", "age1xyz"}, code: ExitUsage, mention: "bob"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.setup()
			e.must(canary, "set", "prod/db/password", "--owner", "data-platform")
			if c.prepare != nil {
				c.prepare(e)
			}
			before, audit := snapshot(t, e.store()), readAudit(e.store())
			r := e.run(c.stdin, c.args...)
			if r.code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, c.code, r.err)
			}
			if lines := strings.Count(strings.TrimSpace(r.err), "\n") + 1; r.err == "" || lines != 1 {
				t.Errorf("want one line on stderr, got %d: %q", lines, r.err)
			}
			if !strings.HasPrefix(r.err, "cabinet: ") || !strings.Contains(r.err, c.mention) {
				t.Errorf("stderr %q does not name %q", r.err, c.mention)
			}
			if strings.Contains(r.out+r.err, canary) {
				t.Errorf("the value leaked into the output")
			}
			sameExceptAuditAppends(t, e.store(), before, snapshot(t, e.store()), audit)
		})
	}
}

type brokenKeyring struct{}

// Get fails the way a locked Secret Service collection does.
func (brokenKeyring) Get(string, string) (string, error) {
	return "", inventory.WithHint(fmt.Errorf("%w: failed to read from it: failed to unlock correct collection", keysource.ErrKeyringUnavailable), keysource.KeyringHint)
}
func (brokenKeyring) Set(string, string, string) error { return errNever }
func (brokenKeyring) Delete(string, string) error      { return errNever }

func (e *env) writeFile(rel, content string) {
	e.t.Helper()
	if err := os.WriteFile(filepath.Join(e.store(), rel), []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) truncate(rel string, keep float64) {
	e.t.Helper()
	name := filepath.Join(e.store(), rel)
	data, err := os.ReadFile(name)
	if err != nil {
		e.t.Fatal(err)
	}
	e.writeFile(rel, string(data[:int(float64(len(data))*keep)]))
}

// tamper flips one character in the middle of the armored ciphertext.
func (e *env) tamper(rel string) {
	e.t.Helper()
	data, err := os.ReadFile(filepath.Join(e.store(), rel))
	if err != nil {
		e.t.Fatal(err)
	}
	i := bytes.Index(data, []byte("-----BEGIN AGE ENCRYPTED FILE-----\n")) + 80
	if data[i] == 'A' {
		data[i] = 'B'
	} else {
		data[i] = 'A'
	}
	e.writeFile(rel, string(data))
}

// otherIdentity switches the user to an identity the value was not sealed to.
func (e *env) otherIdentity() {
	e.t.Helper()
	g, err := crypto.GenerateIdentity()
	if err != nil {
		e.t.Fatal(err)
	}
	e.keyring = &memkeyring.Keyring{}
	if err := e.keyring.Set(keysource.Service, keysource.User, g.Secret); err != nil {
		e.t.Fatal(err)
	}
}
