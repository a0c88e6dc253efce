package cli

import (
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/internal/gittest"
)

// seededText is n characters of alphabet, the same for the same seed: a
// random string that must pass the scanner's entropy test every run. No
// token is written in this file; they are all made when the tests run.
func seededText(alphabet string, n int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 11))
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

const (
	testAlnum       = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	testUpperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	testBech32Upper = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
	testHex         = "0123456789abcdef"
)

// scanRuleFile is one file holding one kind of secret: what it holds that
// must never be printed, and the rules cabinet scan reports for it.
type scanRuleFile struct {
	text   string
	hidden []string
	rules  []string
	kind   string
}

func scanRuleFiles(known string) map[string]scanRuleFile {
	awsID := "AKIA" + seededText(testUpperDigits, 16, 1)
	awsSecret := seededText(testAlnum+"+/", 40, 2)
	ghp := "ghp_" + seededText(testAlnum, 36, 3)
	pat := "github_pat_" + seededText(testAlnum, 22, 4) + "_" + seededText(testAlnum, 59, 5)
	glpat := "glpat-" + seededText(testAlnum, 20, 6)
	slack := "xoxb-" + seededText("0123456789", 12, 7) + "-" + seededText(testAlnum, 24, 8)
	stripe := "sk_" + "live_" + seededText(testAlnum, 24, 9)
	google := "AIza" + seededText(testAlnum+"-_", 35, 10)
	jwt := "eyJ" + seededText(testAlnum, 20, 11) + ".eyJ" + seededText(testAlnum, 30, 12) + "." + seededText(testAlnum, 43, 13)
	keyBody := seededText(testAlnum+"+/", 64, 14)
	ageKey := "AGE-SECRET-KEY-1" + seededText(testBech32Upper, 58, 15)
	dsnPass := "Tr0ub4dor-" + seededText(testAlnum, 10, 16)
	b64 := seededText(testAlnum+"+/", 48, 17)
	hex := seededText(testHex, 40, 18)
	return map[string]scanRuleFile{
		"aws.env":          {"AWS_ACCESS_KEY_ID=" + awsID + "\nAWS_SECRET_ACCESS_KEY=" + awsSecret + "\n", []string{awsID, awsSecret}, []string{"aws-access-key-id", "aws-secret-access-key"}, "token"},
		"github.txt":       {"token: " + ghp + "\n", []string{ghp}, []string{"github-token"}, "token"},
		"github-fine.txt":  {"token: " + pat + "\n", []string{pat}, []string{"github-fine-grained-token"}, "token"},
		"gitlab.txt":       {"GITLAB=" + glpat + "\n", []string{glpat}, []string{"gitlab-token"}, "token"},
		"slack.txt":        {"hook: " + slack + "\n", []string{slack}, []string{"slack-token"}, "token"},
		"stripe.txt":       {"key = " + stripe + "\n", []string{stripe}, []string{"stripe-key"}, "token"},
		"google.txt":       {"maps: " + google + "\n", []string{google}, []string{"google-api-key"}, "token"},
		"jwt.txt":          {"Authorization: Bearer " + jwt + "\n", []string{jwt}, []string{"jwt"}, "token"},
		"key.pem":          {"-----BEGIN RSA " + "PRIVATE KEY-----\n" + keyBody + "\n-----END RSA PRIVATE KEY-----\n", []string{keyBody}, []string{"private-key-block"}, "private-key"},
		"identity.txt":     {"# created: today\n" + ageKey + "\n", []string{ageKey}, []string{"age-identity"}, "private-key"},
		"dsn.yaml":         {"url: postgres://etl:" + dsnPass + "@db.internal:5432/warehouse\n", []string{dsnPass}, []string{"dsn-password"}, "password"},
		"entropy.py":       {"x = '" + b64 + "'\n", []string{b64}, []string{"high-entropy-base64"}, "high-entropy"},
		"entropy-hex.conf": {"secret=" + hex + "\n", []string{hex}, []string{"high-entropy-hex"}, "high-entropy"},
		"known.txt":        {"the old one was " + known + ", see\n", []string{known}, []string{"known-value"}, "known-value"},
		"known-dsn.yaml":   {"dsn: mysql://app:" + known + "@db/x\n", []string{known}, []string{"known-value"}, "known-value"},
		"clean.yaml":       {"db:\n  password: secret://prod/db/password\n  url: https://example.com/a:b\n", nil, nil, ""},
	}
}

// cabinet scan reports each kind of secret the scanner knows by its rule,
// in text and in JSON, exits 1, and never prints what it found: not the
// token, not the end of it, not a private key's body, not a known value.
func TestScanReportsEveryRuleWithoutItsText(t *testing.T) {
	e := newEnv(t)
	e.setup()
	known := "known-" + seededText(testAlnum, 24, 19)
	e.must(known, "set", "prod/app/password", "--owner", "data")
	files := scanRuleFiles(known)
	dir := filepath.Join(e.dir, "repo")
	texts := map[string]string{}
	var hidden []string
	for name, f := range files {
		texts[name] = f.text
		hidden = append(hidden, f.hidden...)
	}
	writeFiles(t, dir, texts)

	r := e.run("", "scan", dir)
	noValue(t, r, hidden...)
	if r.code != ExitFailed {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	rj := e.run("", "scan", "--json", dir)
	noValue(t, rj, hidden...)
	if rj.code != ExitFailed {
		t.Fatalf("--json: exit %d, stderr %q", rj.code, rj.err)
	}
	var found []scanFinding
	if err := json.Unmarshal([]byte(rj.out), &found); err != nil {
		t.Fatalf("%v:\n%s", err, rj.out)
	}
	got := map[string][]string{}
	for _, f := range found {
		name, _ := filepath.Rel(dir, f.File)
		got[name] = append(got[name], f.Rule)
		if want := files[name].kind; f.Kind != want {
			t.Errorf("%s: %s is of kind %q, want %q", name, f.Rule, f.Kind, want)
		}
		if f.Rule == "known-value" && f.Secret != "prod/app/password" {
			t.Errorf("%s: known-value of %q", name, f.Secret)
		}
		// The text output says the same, line for line.
		line := f.File + ":" + strconv.Itoa(f.Line) + ":" + strconv.Itoa(f.Column) + ": " + f.Rule
		if f.Secret != "" {
			line += " of " + f.Secret
		}
		if !strings.Contains(r.out, line+"\n") {
			t.Errorf("the text output lacks %q:\n%s", line, r.out)
		}
	}
	if strings.Count(r.out, "\n") != len(found) {
		t.Errorf("%d lines of text, %d findings in JSON:\n%s", strings.Count(r.out, "\n"), len(found), r.out)
	}
	for name, f := range files {
		if !slices.Equal(got[name], f.rules) {
			t.Errorf("%s: rules %q, want %q", name, got[name], f.rules)
		}
	}
	if _, ok := got["clean.yaml"]; ok {
		t.Errorf("a clean file is reported: %q", got["clean.yaml"])
	}
}

// The allow-list suppresses exactly what each entry names: a GLOB:RULE
// entry leaves the file's other rules reported, GLOB:RULE:LINE the rule's
// other lines, a kind stands for its rules, a folder for the files in it
// and not for a folder of a longer name.
func TestScanAllowListSuppressesExactlyWhatItNames(t *testing.T) {
	e := newEnv(t)
	dir := filepath.Join(e.dir, "repo")
	tok := func(seed uint64) string { return "ghp_" + seededText(testAlnum, 36, seed) }
	ageKey := "AGE-SECRET-KEY-1" + seededText(testBech32Upper, 58, 20)
	writeFiles(t, dir, map[string]string{
		"docs/setup.md":      "postgres://etl:changeme" + "@localhost/w\ntoken: " + tok(21) + "\n",
		"keys/test.txt":      "-----BEGIN " + "PRIVATE KEY-----\n" + ageKey + "\nT=" + tok(22) + "\n",
		"app.env":            "T=" + tok(23) + "\nU=" + tok(24) + "\n",
		"vendor/lib.go":      "const t = \"" + tok(25) + "\"\n",
		"vendored/lib.go":    "const t = \"" + tok(26) + "\"\n",
		"deploy/values.yaml": "dsn: mysql://root:hunter22" + "@db/x\n",
	})
	all := e.run("", "scan", "--no-values", dir)
	if all.code != ExitFailed || strings.Count(all.out, "\n") != 10 {
		t.Fatalf("without an allow-list: exit %d\n%s", all.code, all.out)
	}
	allow := filepath.Join(dir, ".cabinetignore")
	writeFiles(t, dir, map[string]string{".cabinetignore": "docs/*.md:dsn-password\nkeys/*:private-key\napp.env:github-token:2\nvendor/\n"})
	r := e.run("", "scan", "--no-values", "--allow", allow, dir)
	want := dir + "/app.env:1:3: github-token\n" +
		dir + "/deploy/values.yaml:1:19: dsn-password\n" +
		dir + "/docs/setup.md:2:8: github-token\n" +
		dir + "/keys/test.txt:3:3: github-token\n" +
		dir + "/vendored/lib.go:1:12: github-token\n"
	if r.code != ExitFailed || r.out != want {
		t.Fatalf("with the allow-list: exit %d\nstdout %q\nwant   %q", r.code, r.out, want)
	}
	// Everything allowed: exit 0 and nothing printed.
	writeFiles(t, dir, map[string]string{".cabinetignore": "*\n"})
	if r := e.run("", "scan", "--no-values", "--allow", allow, dir); r.code != ExitOK || r.out != "" {
		t.Fatalf("everything allowed: exit %d, stdout %q", r.code, r.out)
	}
}

// Without --allow, the .cabinetignore at the top of the repository is
// read, from a folder inside it too, and applies to --history's findings,
// whose files are named from the top of the repository.
func TestScanReadsTheRepositorysCabinetignore(t *testing.T) {
	e, value, dir := scanRepo(t)
	writeFiles(t, dir, map[string]string{
		"sub/a.env":      "DSN=postgres://etl:" + value + "@db/w\n",
		"sub/b.env":      "T=" + githubToken() + "\n",
		".cabinetignore": "sub/a.env:known-value\n",
	})
	gittest.Run(t, dir, "add", ".")
	gittest.Run(t, dir, "commit", "-q", "-m", "files")
	t.Chdir(filepath.Join(dir, "sub"))
	r := e.run("", "scan", ".")
	noValue(t, r, value)
	if r.code != ExitFailed || r.out != "b.env:1:3: github-token\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
	r = e.run("", "scan", "--history", dir)
	noValue(t, r, value)
	if r.code != ExitFailed || !strings.HasSuffix(r.out, ":sub/b.env:1:3: github-token\n") || strings.Count(r.out, "\n") != 1 {
		t.Fatalf("--history: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
}

// A known value found in Git history is never printed, in the JSON
// output either.
func TestScanHistoryJSONShowsNoValue(t *testing.T) {
	e, value, dir := scanRepo(t)
	writeFiles(t, dir, map[string]string{"notes.txt": "pw " + value + "\n"})
	gittest.Run(t, dir, "add", ".")
	gittest.Run(t, dir, "commit", "-q", "-m", "leak")
	writeFiles(t, dir, map[string]string{"notes.txt": "pw moved to secret://prod/db/password\n"})
	gittest.Run(t, dir, "commit", "-q", "-am", "fix")
	r := e.run("", "scan", "--history", "--json", dir)
	noValue(t, r, value)
	var found []scanFinding
	if err := json.Unmarshal([]byte(r.out), &found); err != nil || r.code != ExitFailed || len(found) != 1 ||
		found[0].File != "notes.txt" || found[0].Line != 1 || found[0].Column != 4 || found[0].Secret != "prod/db/password" || found[0].Kind != "known-value" {
		t.Fatalf("exit %d, %v, %s", r.code, err, r.out)
	}
}
