package cli

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/crypto/keysource"
	"github.com/cabinethq/cabinet/internal/memkeyring"
)

// TestRefusedChanges is DESIGN.md's exit codes for bad input to members,
// scopes and metadata, for a corrupt recipients.yaml and for a write by a
// non-member: each is one line on stderr naming what is wrong, and the
// store, audit log included, is byte for byte as it was.
func TestRefusedChanges(t *testing.T) {
	aliceKey := func(e *env) string { return e.vars["alice-key"] }
	cases := []struct {
		name    string
		prepare func(e *env)
		stdin   string
		args    func(e *env) []string
		code    ExitCode
		mention string
	}{
		// Members and scopes: usage errors, exit 2.
		{name: "member name in upper case", args: fixed("members", "add", "Bob", bobKey), code: ExitUsage, mention: `"Bob"`},
		{name: "member name with a slash", args: fixed("members", "add", "bob/x", bobKey), code: ExitUsage, mention: "bob/x"},
		{name: "member key that is an ssh-rsa key", args: fixed("members", "add", "bob", "ssh-rsa AAAAB3NzaC1yc2E"), code: ExitUsage, mention: "member bob"},
		{name: "member key taken", args: func(e *env) []string { return []string{"members", "add", "bob", aliceKey(e)} }, code: ExitUsage, mention: "alice"},
		{name: "member scope of no environment", args: fixed("members", "add", "bob", bobKey, "--scope", "qa/"), code: ExitUsage, mention: "qa/"},
		{name: "member scope that is a path escape", args: fixed("members", "add", "bob", bobKey, "--scope", "../prod"), code: ExitUsage, mention: "../prod"},
		{name: "members add without a key", args: fixed("members", "add", "bob"), code: ExitUsage, mention: "members add"},
		{name: "members rm of a bad name", args: fixed("members", "rm", "../alice"), code: ExitUsage, mention: "../alice"},
		{name: "members rm of the last member of a scope", args: fixed("members", "rm", "alice"), code: ExitUsage, mention: "scope *"},
		{name: "scope in upper case", args: fixed("scopes", "set", "PROD/", "alice"), code: ExitUsage, mention: "PROD/"},
		{name: "scope of no environment", args: fixed("scopes", "set", "qa/", "alice"), code: ExitUsage, mention: "qa/"},
		{name: "scope with an unknown member", args: fixed("scopes", "set", "prod/", "alice", "ghost"), code: ExitUsage, mention: "ghost"},
		{name: "scope with a bad member name", args: fixed("scopes", "set", "prod/", "Ghost"), code: ExitUsage, mention: "Ghost"},
		{name: "scope without members", args: fixed("scopes", "set", "prod/"), code: ExitUsage, mention: "scopes set"},
		{name: "scopes rm *", args: fixed("scopes", "rm", "*"), code: ExitUsage, mention: "scope *"},
		{name: "scopes rm of a bad prefix", args: fixed("scopes", "rm", "prod//db"), code: ExitUsage, mention: "prod//db"},

		// Metadata is plain text: exit 2, naming the flag.
		{name: "owner with a terminal title escape", args: fixed("set", "prod/api/token", "--owner", "\x1b]0;pwned\x07"), stdin: canary, code: ExitUsage, mention: `--owner "\x1b]0;pwned\x07"`},
		{name: "owner with a newline", args: fixed("set", "prod/api/token", "--owner", "ops\nFAKE LINE"), stdin: canary, code: ExitUsage, mention: "--owner"},
		{name: "owner with a bidi override", args: fixed("edit", "prod/db/password", "--owner", "ops\u202e"), code: ExitUsage, mention: `\u202e`},
		{name: "description with a carriage return", args: fixed("edit", "prod/db/password", "--description", "a\rb"), code: ExitUsage, mention: "--description"},
		{name: "description with an escape", args: fixed("set", "prod/db/password", "--description", "\x1b[2J"), stdin: canary, code: ExitUsage, mention: "--description"},
		{name: "tag with a newline", args: fixed("edit", "prod/db/password", "--tags", "etl\nwarehouse"), code: ExitUsage, mention: "--tags"},
		{name: "tag with a control character", args: fixed("set", "prod/api/token", "--owner", "ops", "--tags", "a,b\x07"), stdin: canary, code: ExitUsage, mention: "--tags"},

		// A damaged recipients.yaml is corrupt data: exit 5.
		{name: "recipients.yaml missing", prepare: func(e *env) { os.Remove(filepath.Join(e.store(), "recipients.yaml")) },
			args: fixed("ls"), code: ExitCorrupt, mention: "recipients.yaml"},
		{name: "recipients.yaml empty", prepare: func(e *env) { e.writeFile("recipients.yaml", "") },
			args: fixed("members", "ls"), code: ExitCorrupt, mention: "recipients.yaml"},
		{name: "recipients.yaml not YAML", prepare: func(e *env) { e.writeFile("recipients.yaml", "members: [\n") },
			args: fixed("get", "prod/db/password"), code: ExitCorrupt, mention: "recipients.yaml"},
		{name: "recipients.yaml with a bad key", prepare: func(e *env) {
			e.writeFile("recipients.yaml", "members:\n  alice: "+aliceKey(e)+"\n  bob: age1notakey\nscopes:\n  '*': [alice, bob]\n")
		}, args: fixed("set", "prod/db/password"), stdin: canary, code: ExitCorrupt, mention: "member bob"},

		// Only members write: exit 4 before any side effect.
		{name: "non-member set", prepare: nonMember, args: fixed("set", "prod/api/token", "--owner", "ops"), stdin: canary, code: ExitNoIdentity, mention: "is not a member of the store"},
		{name: "non-member edit", prepare: nonMember, args: fixed("edit", "prod/db/password", "--owner", "ops"), code: ExitNoIdentity, mention: "is not a member of the store"},
		{name: "non-member rm", prepare: nonMember, args: fixed("rm", "prod/db/password", "--force"), code: ExitNoIdentity, mention: "is not a member of the store"},
		{name: "non-member rotate", prepare: nonMember, args: fixed("rotate", "prod/db/password", "--yes"), code: ExitNoIdentity, mention: "is not a member of the store"},
		{name: "non-member approve", prepare: nonMember, args: fixed("approve", "prod/db/password"), code: ExitNoIdentity, mention: "is not a member of the store"},
		{name: "non-member members add", prepare: nonMember, args: fixed("members", "add", "bob", bobKey), code: ExitNoIdentity, mention: "is not a member of the store"},
		{name: "non-member members rm", prepare: nonMember, args: fixed("members", "rm", "alice"), code: ExitNoIdentity, mention: "is not a member of the store"},
		{name: "non-member scopes set", prepare: nonMember, args: fixed("scopes", "set", "prod/", "alice"), code: ExitNoIdentity, mention: "is not a member of the store"},
		{name: "non-member rekey", prepare: nonMember, args: fixed("rekey"), code: ExitNoIdentity, mention: "is not a member of the store"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.vars["alice-key"] = e.setup()
			e.must(canary, "set", "prod/db/password", "--owner", "data-platform")
			if c.prepare != nil {
				c.prepare(e)
			}
			before, audit := snapshot(t, e.store()), readAudit(e.store())
			r := e.run(c.stdin, c.args(e)...)
			if r.code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, c.code, r.err)
			}
			if lines := strings.Count(strings.TrimSpace(r.err), "\n") + 1; r.err == "" || lines != 1 {
				t.Errorf("want one line on stderr, got %d: %q", lines, r.err)
			}
			if !strings.HasPrefix(r.err, "cabinet: ") || !strings.Contains(r.err, c.mention) {
				t.Errorf("stderr %q does not name %q", r.err, c.mention)
			}
			if strings.ContainsAny(r.err, "\x1b\x07\r") || strings.Contains(r.err, "\u202e") {
				t.Errorf("stderr holds a raw control character: %q", r.err)
			}
			if after := snapshot(t, e.store()); !maps.Equal(before, after) {
				t.Errorf("the store changed:\nbefore %v\nafter  %v", before, after)
			}
			if !maps.EqualFunc(audit, readAudit(e.store()), func(a, b []byte) bool { return string(a) == string(b) }) {
				t.Errorf("the audit log changed")
			}
		})
	}
}

// bobKey is a valid age public key of no one in the store.
const bobKey = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"

func fixed(args ...string) func(*env) []string { return func(*env) []string { return args } }

// nonMember switches the user to an identity that is no member's.
func nonMember(e *env) {
	e.t.Helper()
	g, err := crypto.GenerateIdentity()
	if err != nil {
		e.t.Fatal(err)
	}
	e.keyring = &memkeyring.Keyring{}
	if err := e.keyring.Set(keysource.Service, keysource.User, g.Secret); err != nil {
		e.t.Fatal(err)
	}
	e.vars["other-key"] = g.Public
}

// The error of a non-member names the store and the identity's key, and
// says whom to ask.
func TestNonMemberIsToldWhomToAsk(t *testing.T) {
	e := newEnv(t)
	e.setup()
	nonMember(e)
	r := e.run(canary, "set", "prod/api/token", "--owner", "ops")
	for _, want := range []string{e.vars["other-key"], e.store(), "scope * (alice)", "cabinet members add"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("stderr %q lacks %q", r.err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(e.store(), "audit", "unknown.jsonl")); err == nil {
		t.Error("a non-member's attempt left audit/unknown.jsonl")
	}
}
