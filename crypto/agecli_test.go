package crypto_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/internal/agetest"
)

// ageCLI returns the stock age command, or skips the test without it.
// CABINET_REQUIRE_AGE_CLI=1 (as in CI) turns the skip into a failure.
func ageCLI(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("age")
	if err != nil {
		if os.Getenv("CABINET_REQUIRE_AGE_CLI") == "1" {
			t.Fatalf("the age command is required (CABINET_REQUIRE_AGE_CLI=1) but not found: %v", err)
		}
		t.Skip("the age command is not installed; set CABINET_REQUIRE_AGE_CLI=1 to make this a failure")
	}
	return path
}

func runAge(t *testing.T, stdin string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(ageCLI(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("age %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		t.Fatal(err)
	}
	return out
}

// TestStockAgeDecryptsSeal: any value must decrypt with the stock age
// command and the right identity (DESIGN.md).
func TestStockAgeDecryptsSeal(t *testing.T) {
	t.Parallel()
	ageCLI(t)
	gen, _ := agetest.X25519(t)
	key := agetest.NewSSHKey(t, "")
	value := []byte("p@ss w0rd\n\x00\xff with 'quotes' and $VARS\n")

	tests := []struct {
		name     string
		identity []byte
		public   string
	}{
		{"x25519", []byte("# test identity\n" + gen.Secret + "\n"), gen.Public},
		{"ssh-ed25519", key.PEM, key.Public},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sealed, err := crypto.Seal(value, recipients(t, tt.public), testBinding)
			if err != nil {
				t.Fatal(err)
			}
			idFile := agetest.WriteFile(t, "identity", tt.identity)
			if got := runAge(t, sealed, "-d", "-i", idFile); !bytes.Equal(got, value) {
				t.Errorf("age -d gave %q, want %q", got, value)
			}
		})
	}
}

// TestOpenReadsStockAge: what the age command seals, cabinet opens.
func TestOpenReadsStockAge(t *testing.T) {
	t.Parallel()
	ageCLI(t)
	gen, id := agetest.X25519(t)
	key := agetest.NewSSHKey(t, "")
	sid, err := crypto.ParseIdentityFile(key.PEM, "id_ed25519", nil)
	if err != nil {
		t.Fatal(err)
	}
	const value = "made by age 1.x\n"
	sealed := runAge(t, value, "-e", "-a", "-r", gen.Public, "-r", key.Public)
	for name, identity := range map[string]*crypto.Identity{"x25519": id, "ssh-ed25519": sid} {
		if got, _, err := crypto.Open(string(sealed), identity); err != nil || string(got) != value {
			t.Errorf("%s: Open(age -e -a) = %q, %v", name, got, err)
		}
	}
}
