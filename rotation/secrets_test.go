package rotation

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
)

// runSteps rotates path in f with the runbook's steps, as alice with env
// added to the steps' environment, and returns what the steps printed and
// the audit log.
func runSteps(t *testing.T, steps string, value []byte, env ...string) (f *fixture, out, audit string) {
	t.Helper()
	f = newFixture(t, "data-platform", "name: rb\nsteps:\n"+steps+"  - name: promote\n")
	e := f.engine(f.alice, nil)
	e.Env = append(e.Env, env...)
	if _, err := e.Start(path, value); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Run(context.Background(), path); err != nil {
		t.Fatalf("run: %v", err) // masked, like the output
	}
	return f, f.out.String(), f.audit()
}

// keyFile writes a new age identity to a file and returns its path and the
// key.
func keyFile(t *testing.T) (file, secret string) {
	t.Helper()
	g, err := crypto.GenerateIdentity()
	if err != nil {
		t.Fatal(err)
	}
	file = filepath.Join(t.TempDir(), "identity.txt")
	if err := os.WriteFile(file, []byte(g.Secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return file, g.Secret
}

// leaks reports whether text holds secret, in either case, or a long
// piece of it: the error messages then never quote text.
func leaks(text, secret string) bool {
	lower := strings.ToLower(text)
	return strings.Contains(lower, strings.ToLower(secret)) || strings.Contains(lower, strings.ToLower(secret[len(secret)/2:]))
}

// A step that prints the file CABINET_IDENTITY_FILE names, and its whole
// environment, shows neither the key nor any CABINET_IDENTITY* variable:
// the step does not get them.
func TestAStepCannotReadTheIdentityFile(t *testing.T) {
	file, secret := keyFile(t)
	steps := "  - name: leak the key\n    run: |\n      cat \"$CABINET_IDENTITY_FILE\"\n      env\n      echo \"last: $CABINET_IDENTITY_FILE\"\n"
	_, out, audit := runSteps(t, steps, nil,
		"CABINET_IDENTITY_FILE="+file, "CABINET_IDENTITY="+secret, "CABINET_IDENTITY_PASSPHRASE=not-for-steps", "KEEP=me")
	if leaks(out, secret) || leaks(audit, secret) {
		t.Fatal("the operator's key reached the step's output or the audit log")
	}
	if strings.Contains(out, "CABINET_IDENTITY") || strings.Contains(out, file+"\n") || strings.Contains(out, "not-for-steps") {
		t.Fatalf("the step got an identity variable:\n%s", out)
	}
	if !strings.Contains(out, "KEEP=me") || !strings.Contains(audit, "step 1: ") {
		t.Fatalf("the step did not run with its environment:\n%s", out)
	}
}

// An age secret key that a step finds anyway is masked wherever it
// appears: upper case, lower case, split over two writes, and as the last
// line, which goes to the audit log.
func TestAStepPrintingAnAgeKeyShowsItMasked(t *testing.T) {
	file, secret := keyFile(t)
	steps := `  - run: |
      cat "$KEYFILE"
      tr A-Z a-z < "$KEYFILE"
      head -c 25 "$KEYFILE"; sleep 0.1; tail -c +26 "$KEYFILE"
      echo "key: $(cat "$KEYFILE")"
`
	_, out, audit := runSteps(t, steps, nil, "KEYFILE="+file)
	if leaks(out, secret) || leaks(audit, secret) || strings.Contains(strings.ToLower(out), "age-secret-key") {
		t.Fatal("an age secret key reached the step's output or the audit log")
	}
	if !strings.Contains(out, "\n***\n***\n***\nkey: ***\n") {
		t.Fatalf("output:\n%s", out)
	}
	if !strings.Contains(audit, ": ok (key: ***)") {
		t.Fatalf("audit log:\n%s", audit)
	}
}

// pem is a multi-line value: a step that prints one of its lines alone,
// or a line cut over two writes, shows it masked.
const pem = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACDnSNb1dKf0Zb8tQ8vXc0pP2zq5yYwJrN7S5sG4q1X7HwAAAJi9m7nLvZu5
AAAAC3NzaC1lZDI1NTE5AAAAIOdI1vV0p/Rlvy1Dy9dzSk/bOrnJjAms3tLmwbirVfsf
-----END OPENSSH PRIVATE KEY-----
`

func TestEachLineOfAMultiLineValueIsMasked(t *testing.T) {
	steps := `  - run: |
      printf '%s\n' "$CABINET_NEW" | sed -n 2p
      line=$(printf '%s\n' "$CABINET_NEW" | sed -n 3p)
      printf 'split: %s' "$(printf '%s' "$line" | cut -c1-30)"; sleep 0.1; printf '%s\n' "$(printf '%s' "$line" | cut -c31-)"
      printf '%s\n' "$CABINET_NEW" | sed -n 5p
      echo ok
`
	f, out, audit := runSteps(t, steps, []byte(pem))
	for i, line := range strings.Split(pem, "\n")[1:4] {
		if strings.Contains(out, line[5:30]) || strings.Contains(audit, line[5:30]) {
			t.Fatalf("line %d of the value reached the output or the audit log", i+2)
		}
	}
	// Line 5, the PEM's last, is no secret but is masked as well: only
	// lines under MinMaskedLine characters are left alone.
	if !strings.Contains(out, "\n***\nsplit: ***\n***\nok\n") || !strings.Contains(audit, ": ok (ok)") {
		t.Fatalf("output:\n%s", out)
	}
	if f.read(inventory.Selector{}) != pem {
		t.Fatal("the value is not current")
	}
}
