package scan

import (
	"bytes"
	"regexp"
	"strings"
	"sync"
)

// Kind groups rules by what they find.
type Kind string

const (
	KindToken      Kind = "token"        // a service's API key or token
	KindPrivateKey Kind = "private-key"  // a private key block or an age identity
	KindPassword   Kind = "password"     // a password written into a DSN
	KindEntropy    Kind = "high-entropy" // a random-looking string
	KindKnown      Kind = "known-value"  // a copy of one of the inventory's values
)

// rule is one well-known format. The regular expression runs only on lines
// that hold one of its triggers, literal text every match contains: most
// lines hold none, and a bytes.Contains is far cheaper than a regexp.
type rule struct {
	name     string
	kind     Kind
	triggers []string
	re       *regexp.Regexp
	// find, for a format a regexp would be slow on (every URL of a file is
	// a candidate DSN), returns what it matched on the line.
	find func(line []byte) []match
}

// match is what a rule matched on a line: the whole match and where the
// secret in it starts (the password of a DSN).
type match struct{ start, end, at int }

// rules are compiled the first time a scan needs them, not when the
// program starts: every cabinet command links this package, and a `get`
// has no use for a dozen regular expressions.
var rules = sync.OnceValue(func() []rule {
	return []rule{
		{name: "aws-access-key-id", kind: KindToken, triggers: []string{"AKIA", "ASIA"},
			re: regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`)},
		{name: "github-token", kind: KindToken, triggers: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"},
			re: regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{36}\b`)},
		{name: "github-fine-grained-token", kind: KindToken, triggers: []string{"github_pat_"},
			re: regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b`)},
		{name: "gitlab-token", kind: KindToken, triggers: []string{"glpat-"},
			re: regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}`)},
		{name: "slack-token", kind: KindToken, triggers: []string{"xox"},
			re: regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9]+-[A-Za-z0-9-]{8,}`)},
		{name: "stripe-key", kind: KindToken, triggers: []string{"k_live_"},
			re: regexp.MustCompile(`\b[sr]k_live_[A-Za-z0-9]{20,}`)},
		{name: "google-api-key", kind: KindToken, triggers: []string{"AIza"},
			re: regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}`)},
		{name: "jwt", kind: KindToken, triggers: []string{"eyJ"},
			re: regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}`)},
		{name: "private-key-block", kind: KindPrivateKey, triggers: []string{"PRIVATE KEY"},
			re: regexp.MustCompile(`-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----`)},
		// Bech32's upper-case alphabet: no 1, B, I or O after the separator.
		{name: "age-identity", kind: KindPrivateKey, triggers: []string{"AGE-SECRET-KEY-1"},
			re: regexp.MustCompile(`AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}`)},
		{name: "dsn-password", kind: KindPassword, triggers: []string{"://"}, find: dsnPasswords},
	}
})

// dsnPasswords finds scheme://user:<password>@host, reporting where the
// password starts, unless the password is a placeholder.
func dsnPasswords(line []byte) []match {
	var found []match
	for from := 0; ; {
		i := bytes.Index(line[from:], []byte("://"))
		if i < 0 {
			return found
		}
		i += from
		from = i + 3
		start := i
		for start > 0 && isSchemeByte(line[start-1]) {
			start--
		}
		for start < i && !isLetter(line[start]) {
			start++
		}
		if start == i || (start > 0 && isWordByte(line[start-1])) {
			continue
		}
		user := from + span(line[from:], ":/?#@")
		if user >= len(line) || line[user] != ':' {
			continue
		}
		// A slash ends the password, so that a secret://… reference in its
		// place is never taken for one.
		pass := user + 1
		at := pass + span(line[pass:], "/?#@")
		if at == pass || at+1 >= len(line) || line[at] != '@' || !isHostByte(line[at+1]) || placeholder(line[pass:at]) {
			continue
		}
		found = append(found, match{start: start, end: at + 1, at: pass})
		from = at + 1
	}
}

// span is how many bytes of b come before white space, a quote or one of
// stop.
func span(b []byte, stop string) int {
	for i, c := range b {
		if c <= ' ' || c == '"' || c == '\'' || c == '`' || strings.IndexByte(stop, c) >= 0 {
			return i
		}
	}
	return len(b)
}

func isLetter(c byte) bool     { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isWordByte(c byte) bool   { return isLetter(c) || '0' <= c && c <= '9' || c == '_' }
func isSchemeByte(c byte) bool { return isWordByte(c) && c != '_' || c == '+' || c == '.' || c == '-' }
func isHostByte(c byte) bool   { return isWordByte(c) || c == '[' || c == '.' || c == '-' }

// placeholder reports whether a DSN's password is no password but a
// template's blank: $VAR, ${VAR}, $(cmd),
// {{ .Var }}, {var}, <password>, %s, [REDACTED], ****, xxxx, or anything
// with an ellipsis. A literal word such as "password" or "changeme" is
// reported: a default password is the one most worth finding, and a
// document that shows one can say so in the allow-list.
func placeholder(p []byte) bool {
	switch {
	case strings.IndexByte("$<{%[", p[0]) >= 0:
		return true
	case bytes.Contains(p, []byte("...")) || bytes.Contains(p, []byte("…")):
		return true
	case len(bytes.Trim(p, string(p[:1]))) == 0: // ****, xxxx
		return true
	}
	return false
}

// awsSecretKeyword marks a line that names an AWS secret access key: a
// random 40-character string on it is reported as one.
var awsSecretKeyword = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)aws.{0,20}secret|secret.?access.?key`)
})

// awsNear is how many lines from an access key id a 40-character string
// is taken as its secret key.
const awsNear = 3

// hashPrefixes mark a string as a digest (Subresource Integrity, go.sum,
// OCI digests), not a secret.
var hashPrefixes = []string{"sha1-", "sha256-", "sha384-", "sha512-", "sha1:", "sha256:", "sha512:", "h1:", "md5:", "md5-"}

// secretishKeyword marks a line where a random hexadecimal string is likely
// a secret rather than a digest or a commit id.
var secretishKeyword = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)secret|token|passw|pwd|api.?key|private|credential|auth`)
})
