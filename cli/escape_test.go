package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A teammate's editor can put anything in a file: what ls, show, members
// ls, scopes ls and doctor print from it reaches the terminal escaped, and
// JSON keeps it exact.
func TestPrintedMetadataIsEscaped(t *testing.T) {
	e := newEnv(t)
	key := e.setup()
	e.must(canary, "set", "prod/db/password", "--owner", "data-platform", "--tags", "etl")
	name := filepath.Join(e.store(), "secrets", "prod", "db", "password.yaml")
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	// YAML's double quotes spell ESC as \e and BEL as \a.
	text := strings.Replace(string(data), "owner: data-platform", `owner: "\e]0;pwned\a"`+"\n"+`description: "x\e[2Jy\u202e"`, 1)
	text = strings.Replace(text, "tags: [etl]", `tags: ["\e]8;;http://evil\a", "a\nb"]`, 1)
	text = strings.Replace(text, "author: alice", `author: "al\eice"`, 1)
	if text == string(data) {
		t.Fatal("the secret file did not change")
	}
	if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	recipients := filepath.Join(e.store(), "recipients.yaml")
	if data, err = os.ReadFile(recipients); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(recipients, []byte(strings.Replace(string(data), key, key+`\e[31m`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, args := range [][]string{{"ls"}, {"show", "prod/db/password"}, {"members", "ls"}, {"scopes", "ls"}, {"doctor"}} {
		r := e.run("", args...)
		out := r.out + r.err
		if strings.ContainsAny(out, "\x1b\x07") || strings.Contains(out, "\u202e") {
			t.Errorf("cabinet %s printed a raw control character:\n%q", strings.Join(args, " "), out)
		}
		if args[0] == "ls" && !strings.Contains(r.out, `\x1b]0;pwned\x07`) {
			t.Errorf("ls does not show the owner escaped:\n%s", r.out)
		}
	}
	show := e.run("", "show", "prod/db/password").out
	for _, want := range []string{`owner:       \x1b]0;pwned\x07`, `description: x\x1b[2Jy\u202e`, `\x1b]8;;http://evil\x07, a\x0ab`, `by al\x1bice`} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}
	if out := e.run("", "show", "prod/db/password", "--json").out; !strings.Contains(out, `"owner": "\u001b]0;pwned\u0007"`) && !strings.Contains(out, `"owner":"\u001b]0;pwned\u0007"`) {
		t.Errorf("show --json does not keep the owner exactly:\n%s", out)
	}
}
