package scan

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// The tokens here are made when the tests run, never written out, so that
// scanning this repository (or a host's push protection) finds none.

const (
	upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	alnum       = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	base64std   = alnum + "+/"
	bech32Upper = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
	hexLower    = "0123456789abcdef"
)

// rnd is n characters of alphabet, the same for the same seed.
func rnd(alphabet string, n int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func summary(found []Finding) string {
	var s []string
	for _, f := range found {
		x := fmt.Sprintf("%d:%d:%s", f.Line, f.Column, f.Rule)
		if f.Secret != "" {
			x += "=" + f.Secret
		}
		s = append(s, x)
	}
	return strings.Join(s, " ")
}

func TestEveryRule(t *testing.T) {
	jwt := "eyJ" + rnd(alnum, 20, 1) + ".eyJ" + rnd(alnum, 30, 2) + "." + rnd(alnum, 43, 3)
	for _, c := range []struct{ name, text, want string }{
		{"aws id", "key = AKIA" + rnd(upperDigits, 16, 1), "1:7:aws-access-key-id"},
		{"aws session id", `"ASIA` + rnd(upperDigits, 16, 2) + `"`, "1:2:aws-access-key-id"},
		{"aws id too short", "AKIA" + rnd(upperDigits, 12, 1), ""},
		{"aws id in a word", "XAKIA" + rnd(upperDigits, 16, 1), ""},
		{"aws secret named", "aws_secret_access_key = " + rnd(base64std, 40, 4), "1:25:aws-secret-access-key"},
		{"aws secret near its id", "id: AKIA" + rnd(upperDigits, 16, 1) + "\nother: 1\nkey: " + rnd(alnum, 40, 5),
			"1:5:aws-access-key-id 3:6:aws-secret-access-key"},
		{"github", "token: ghp_" + rnd(alnum, 36, 6), "1:8:github-token"},
		{"github app", "ghs_" + rnd(alnum, 36, 7), "1:1:github-token"},
		{"github short", "ghp_" + rnd(alnum, 20, 7), ""},
		{"github fine-grained", "github_pat_" + rnd(alnum, 22, 8) + "_" + rnd(alnum, 59, 9), "1:1:github-fine-grained-token"},
		{"gitlab", "GITLAB=glpat-" + rnd(alnum, 20, 10), "1:8:gitlab-token"},
		{"gitlab short", "glpat-abc", ""},
		{"slack", "xoxb-" + rnd("0123456789", 12, 1) + "-" + rnd(alnum, 24, 11), "1:1:slack-token"},
		{"slack word", "xoxo-hugs", ""},
		{"stripe", "sk_live_" + rnd(alnum, 24, 12), "1:1:stripe-key"},
		{"stripe restricted", " rk_live_" + rnd(alnum, 24, 13), "1:2:stripe-key"},
		{"stripe test key", "sk_test_" + rnd(alnum, 16, 12), ""},
		{"google", "AIza" + rnd(alnum+"-_", 35, 14), "1:1:google-api-key"},
		{"jwt", "Authorization: Bearer " + jwt, "1:23:jwt"},
		{"unsigned jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.", ""},
		{"rsa key", "-----BEGIN RSA " + "PRIVATE KEY-----\n" + rnd(base64std, 64, 15) + "\n-----END RSA PRIVATE KEY-----", "1:1:private-key-block"},
		{"openssh key", "-----BEGIN OPENSSH " + "PRIVATE KEY-----", "1:1:private-key-block"},
		{"pkcs8 key", "-----BEGIN " + "PRIVATE KEY-----", "1:1:private-key-block"},
		{"public key", "-----BEGIN PUBLIC KEY-----\n" + rnd(base64std, 64, 16) + "\n-----END PUBLIC KEY-----", ""},
		{"age identity", "AGE-SECRET-KEY-1" + rnd(bech32Upper, 58, 17), "1:1:age-identity"},
		{"age identity elided", "the AGE-SECRET-KEY-1… string", ""},
		{"dsn", `url: "postgres://etl:Tr0ub4dor` + `@db.internal:5432/warehouse"`, "1:22:dsn-password"},
		{"dsn changeme", "mysql://root:changeme" + "@localhost/app", "1:14:dsn-password"},
		{"dsn reference", "postgres://etl:secret://prod/db/password@db:5432/x", ""},
		{"dsn env var", "postgres://etl:${DB_PASSWORD}@db/x", ""},
		{"dsn template", "postgres://etl:{{ .Password }}@db/x", ""},
		{"dsn angle", "postgres://etl:<password>@db/x", ""},
		{"dsn stars", "postgres://etl:****@db/x", ""},
		{"dsn no password", "postgres://etl@db/x https://example.com/a:b", ""},
		{"base64 on a named line", "api_key: " + rnd(base64std, 24, 18), "1:10:high-entropy-base64"},
		{"long base64", "x = '" + rnd(base64std, 48, 19) + "'", "1:6:high-entropy-base64"},
		{"short base64 unnamed", "x = '" + rnd(base64std, 24, 18) + "'", ""},
		{"hex named", "secret=" + rnd(hexLower, 40, 20), "1:8:high-entropy-hex"},
		{"hex commit", "fixed in " + rnd(hexLower, 40, 20), ""},
		{"uuid", "token: 123e4567-e89b-12d3-a456-426614174000", ""},
		{"digest", `"integrity": "sha512-` + rnd(base64std, 86, 21) + `=="`, ""},
		{"go.sum-like", "golang.org/x/term v0.1.0 h1:" + rnd(base64std, 43, 22) + "=", ""},
		{"reference", "password: secret://prod/db/" + rnd(alnum, 40, 23), ""},
		{"identifier", "func TestSubcommandNamesHoldEachNameToItsCommand2(t *testing.T)", ""},
		{"short identifier on a named line", "// BenchmarkListPrefix10k lists 10,000 secrets", ""},
		{"an alphabet", `alnum = "` + alnum + `"`, ""},
		{"indented armor", "    -----BEGIN AGE ENCRYPTED FILE-----\n    " + rnd(base64std, 64, 29) + "\n    -----END AGE ENCRYPTED FILE-----\nx = '" + rnd(base64std, 48, 19) + "'", "4:6:high-entropy-base64"},
		{"a block never ended", `k := "-----BEGIN CERTIFICATE-----\n"` + strings.Repeat("\n", maxBlockLines) + "x = '" + rnd(base64std, 48, 19) + "'", fmt.Sprintf("%d:6:high-entropy-base64", maxBlockLines+1)},
		{"path", "/usr/lib/postgresql/15/bin/Postgres/x", ""},
		{"random path", "/srv/" + rnd(alnum, 10, 26) + "/" + rnd(alnum, 10, 27) + "/" + rnd(alnum, 20, 28), ""},
		{"certificate body", "-----BEGIN CERTIFICATE-----\n" + rnd(base64std, 64, 24) + "\n-----END CERTIFICATE-----", ""},
		{"age ciphertext", "-----BEGIN AGE ENCRYPTED FILE-----\n" + rnd(base64std, 64, 25) + "\n-----END AGE ENCRYPTED FILE-----", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := summary(New(nil).Scan([]byte(c.text), Options{})); got != c.want {
				t.Errorf("Scan(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}

func TestLockFilesHaveNoEntropyRule(t *testing.T) {
	text := "x = '" + rnd(base64std, 48, 19) + "'\nghp_" + rnd(alnum, 36, 6)
	if got := summary(New(nil).Scan([]byte(text), Options{NoEntropy: true})); got != "2:1:github-token" {
		t.Fatalf("got %q: the tokens are still looked for, random strings not", got)
	}
}

func TestKnownValues(t *testing.T) {
	k := NewKnown()
	k.Add("prod/db/password", []byte("hunter2-but-longer\n"))
	k.Add("prod/api/token", []byte("ghp_"+rnd(alnum, 36, 30)))
	if k.Add("dev/pin", []byte("1234")) || k.Short() != 1 || k.Len() != 2 {
		t.Fatalf("a 4-byte value must be left out: Len %d Short %d", k.Len(), k.Short())
	}
	text := "first line\n" +
		"DSN=postgres://etl:hunter2-but-longer" + "@db:5432/w\n" +
		"  token: ghp_" + rnd(alnum, 36, 30) + "\n" +
		"hunter2-but-longeX, 1234, hunter2-but-longer"
	want := "2:20:known-value=prod/db/password 3:10:known-value=prod/api/token 4:27:known-value=prod/db/password"
	if got := summary(New(k).Scan([]byte(text), Options{})); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	k.Clear()
	if got := summary(New(k).Scan([]byte(text), Options{})); !strings.Contains(got, "dsn-password") || strings.Contains(got, "known") {
		t.Fatalf("after Clear: %q", got)
	}
}

func TestFindingsCarryNoText(t *testing.T) {
	canary := "CANARY-" + rnd(alnum, 30, 40)
	k := NewKnown()
	k.Add("prod/canary", []byte(canary))
	for _, f := range New(k).Scan([]byte("x="+canary+" ghp_"+rnd(alnum, 36, 41)), Options{}) {
		if s := fmt.Sprintf("%+v %#v", f, f); strings.Contains(s, canary[:8]) || strings.Contains(s, "ghp_") {
			t.Fatalf("a finding shows what it found: %s", s)
		}
	}
}

func FuzzScan(f *testing.F) {
	f.Add([]byte("postgres://u:p4ssw0rd"+"@h/x\nAKIA"+rnd(upperDigits, 16, 1)), 3)
	f.Add([]byte("-----BEGIN "+"PRIVATE KEY-----\r\nabc\n"), 0)
	f.Add([]byte(""), 0)
	const value = "known-value-123"
	k := NewKnown()
	k.Add("prod/x", []byte(value))
	s := New(k)
	f.Fuzz(func(t *testing.T, data []byte, at int) {
		lines := strings.Count(string(data), "\n") + 1
		for _, f := range s.Scan(data, Options{}) {
			if f.Line < 1 || f.Line > lines || f.Column < 1 || f.Column > len(data)+1 {
				t.Fatalf("finding out of the text: %+v (%d lines, %d bytes)", f, lines, len(data))
			}
		}
		// A value put anywhere is found.
		at = max(0, min(len(data), at))
		planted := append(append(append([]byte{}, data[:at]...), value...), data[at:]...)
		for _, f := range s.Scan(planted, Options{}) {
			if f.Secret == "prod/x" {
				return
			}
		}
		t.Fatalf("a value planted at %d is not found", at)
	})
}
