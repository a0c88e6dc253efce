package scan

import (
	"bytes"
	"math"
	"slices"
	"sort"
)

// Finding is one place that looks like a secret. It holds no text of what
// was found.
type Finding struct {
	Line   int  // 1-based
	Column int  // 1-based, in bytes
	Kind   Kind // what was found
	Rule   string
	Secret string // for a known value, the path of the secret it is a copy of

	start, end int // offsets in the text, to drop findings inside others
}

// Options say how to read one text.
type Options struct {
	// NoEntropy turns the high-entropy rule off: a lock file or go.sum is
	// full of digests.
	NoEntropy bool
}

// maxBlockLines bounds a PEM block whose END line is missing: a 4096-bit
// RSA key is 50 lines, and an armored age value of 1 MiB is longer than
// any config file holds.
const maxBlockLines = 2000

// Scanner finds secrets; it may be shared by goroutines.
type Scanner struct {
	known *Known
}

// New returns a scanner looking for the well-known formats and, when known
// is not nil, for copies of its values.
func New(known *Known) *Scanner { return &Scanner{known: known} }

// Scan returns the findings in data, in the order of the text.
func (s *Scanner) Scan(data []byte, opt Options) []Finding {
	starts := lineStarts(data)
	active := activeRules(data)
	var found []Finding
	var aws awsState
	blockLeft := 0 // lines of a PEM block still to come
	for n, start := range starts {
		end := len(data)
		if n+1 < len(starts) {
			end = starts[n+1]
		}
		line := bytes.TrimRight(data[start:end], "\r\n")
		lineFound := scanRules(active, line, n+1, start)
		found = append(found, lineFound...)
		aws.sawRules(lineFound)
		// Inside a PEM block (a certificate, an age ciphertext, a private
		// key already reported by its BEGIN line) every line is random. A
		// block may be indented or quoted in a document or a test; one
		// whose END never comes ends after maxBlockLines.
		begin := bytes.Index(line, []byte("-----BEGIN "))
		if begin >= 0 && bytes.LastIndex(line, []byte("-----END ")) < begin {
			blockLeft = maxBlockLines
		}
		if blockLeft == 0 {
			found = append(found, scanRuns(line, n+1, start, opt, lineFound, &aws)...)
		} else {
			blockLeft--
		}
		if bytes.Contains(line, []byte("-----END ")) {
			blockLeft = 0
		}
	}
	found = append(found, aws.secretKeys()...)
	s.known.find(data, func(b, e int, path string) {
		n := sort.Search(len(starts), func(i int) bool { return starts[i] > b }) - 1
		found = append(found, Finding{Line: n + 1, Column: b - starts[n] + 1, Kind: KindKnown, Rule: "known-value", Secret: path, start: b, end: e})
	})
	return tidy(found)
}

// lineStarts returns the offset of each line.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 || i+j+1 >= len(data) {
			return starts
		}
		i += j + 1
		starts = append(starts, i)
	}
}

// activeRules are the rules whose triggers occur in data: most texts
// hold none, and one look over the whole text is cheaper than one a line.
func activeRules(data []byte) []*rule {
	var active []*rule
	all := rules()
	for i := range all {
		if containsAny(data, all[i].triggers) {
			active = append(active, &all[i])
		}
	}
	return active
}

// scanRules applies the well-known formats to one line.
func scanRules(active []*rule, line []byte, n, offset int) []Finding {
	var found []Finding
	for _, r := range active {
		if !containsAny(line, r.triggers) {
			continue
		}
		for _, m := range r.matches(line) {
			found = append(found, Finding{Line: n, Column: m.at + 1, Kind: r.kind, Rule: r.name, start: offset + m.start, end: offset + m.end})
		}
	}
	return found
}

func (r *rule) matches(line []byte) []match {
	if r.find != nil {
		return r.find(line)
	}
	var found []match
	for _, m := range r.re.FindAllIndex(line, -1) {
		found = append(found, match{start: m[0], end: m[1], at: m[0]})
	}
	return found
}

func containsAny(line []byte, triggers []string) bool {
	for _, t := range triggers {
		if bytes.Contains(line, []byte(t)) {
			return true
		}
	}
	return false
}

// isRunByte is the alphabet of base64, base64url and hexadecimal.
var isRunByte = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "+/_-" { // = pads the end only: it would join key=value
		t[c] = true
	}
	return t
}()

// scanRuns finds random-looking runs of base64 or hexadecimal on a line
// and notes 40-character ones that may be an AWS secret access key.
func scanRuns(line []byte, n, offset int, opt Options, ruled []Finding, aws *awsState) []Finding {
	var found []Finding
	for i := 0; i < len(line); {
		if !isRunByte[line[i]] {
			i++
			continue
		}
		j := i
		for j < len(line) && isRunByte[line[j]] {
			j++
		}
		b, e := i, j
		i = j
		if e-b < 20 || overlaps(b+offset, e+offset, ruled) {
			continue
		}
		run := line[b:e]
		if isDigest(line, b, run) {
			continue
		}
		rule, random := highEntropy(run, line)
		random = random && !opt.NoEntropy
		if aws.candidate(run, line, n, b+1, offset+b, random) {
			continue
		}
		if random {
			found = append(found, Finding{Line: n, Column: b + 1, Kind: KindEntropy, Rule: rule, start: offset + b, end: offset + e})
		}
	}
	return found
}

func overlaps(b, e int, found []Finding) bool {
	for _, f := range found {
		if b < f.end && f.start < e {
			return true
		}
	}
	return false
}

// isDigest reports whether the run at b is a digest written with its
// algorithm (sha512-…, sha256:…, h1:…). A UUID needs no such test: it has
// no lower case and upper case both, and its dashes make it no hex run.
func isDigest(line []byte, b int, run []byte) bool {
	for _, p := range hashPrefixes {
		if bytes.HasPrefix(run, []byte(p)) || bytes.HasSuffix(line[:b], []byte(p)) {
			return true
		}
	}
	return false
}

// highEntropy decides whether a run is random enough to be a secret.
//
// A base64 run needs upper case, lower case and a digit (words and paths
// rarely have all three), fewer than three slashes (a path has more), and
// neither camel case (an identifier) nor five characters in a row of an
// alphabet (the alphabet itself, in a generator), and
// the entropy that 99% of random base64 strings of its length reach
// (randomEntropy). A secret://env/name reference has three slashes: it is
// never taken for a secret. It must be 32 characters or more, or 20 or more on a
// line that names a secret, token, password or key: below 32, camel-case
// identifiers with a digit reach that entropy too.
//
// A hexadecimal run is a digest or a commit id far more often than a
// secret: one of 32 or more characters is reported only on a line that
// names a secret.
func highEntropy(run, line []byte) (string, bool) {
	if len(run) < 20 {
		return "", false
	}
	named := func() bool { return secretishKeyword().Match(line) }
	if isHex(run) {
		if len(run) >= 32 && entropy(run) >= 3.0 && named() {
			return "high-entropy-hex", true
		}
		return "", false
	}
	if bytes.Count(run, []byte("/")) >= 3 || !mixed(run) || camelCase(run) || alphabet(run) || entropy(run) < randomEntropy(len(run)) {
		return "", false
	}
	return "high-entropy-base64", len(run) >= 32 || named()
}

// randomEntropy is the entropy that 99% of random base64 strings of n
// characters reach, measured on 10,000 strings of each length and
// interpolated between.
func randomEntropy(n int) float64 {
	table := [...]struct {
		n int
		h float64
	}{{20, 3.64}, {24, 3.88}, {32, 4.22}, {40, 4.46}, {50, 4.70}, {64, 4.92}, {80, 5.11}, {128, 5.42}}
	if n >= table[len(table)-1].n {
		return table[len(table)-1].h
	}
	for i := 1; i < len(table); i++ {
		if n <= table[i].n {
			a, b := table[i-1], table[i]
			return a.h + (b.h-a.h)*float64(n-a.n)/float64(b.n-a.n)
		}
	}
	return table[0].h
}

// camelCase: letters and digits, starting with a letter, and every upper
// case letter followed by a lower case one, as in BenchmarkList10k. Fewer
// than 1% of random base64 strings of 20 characters look so.
func camelCase(run []byte) bool {
	if !isLetter(run[0]) {
		return false
	}
	for i, c := range run {
		switch {
		case 'A' <= c && c <= 'Z':
			if i+1 == len(run) || !('a' <= run[i+1] && run[i+1] <= 'z') {
				return false
			}
		case !isWordByte(c) || c == '_':
			return false
		}
	}
	return true
}

// alphabet: five characters that follow each other in ASCII, as in
// ABCDE or 56789 (one random base64 string in millions has them).
func alphabet(run []byte) bool {
	rising := 0
	for i := 1; i < len(run); i++ {
		if run[i] == run[i-1]+1 {
			rising++
			if rising == 4 {
				return true
			}
		} else {
			rising = 0
		}
	}
	return false
}

func isHex(run []byte) bool {
	for _, c := range run {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// mixed: upper case, lower case and a digit.
func mixed(run []byte) bool {
	var upper, lower, digit bool
	for _, c := range run {
		switch {
		case 'A' <= c && c <= 'Z':
			upper = true
		case 'a' <= c && c <= 'z':
			lower = true
		case '0' <= c && c <= '9':
			digit = true
		}
	}
	return upper && lower && digit
}

// entropy is the Shannon entropy of s, in bits per byte.
func entropy(s []byte) float64 {
	var counts [256]int
	for _, c := range s {
		counts[c]++
	}
	h, n := 0.0, float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// tidy sorts findings and drops one that lies inside a known value's: the
// secret's path says more than "github-token".
func tidy(found []Finding) []Finding {
	var known []Finding
	for _, f := range found {
		if f.Kind == KindKnown {
			known = append(known, f)
		}
	}
	if len(known) > 0 {
		found = slices.DeleteFunc(found, func(f Finding) bool { return f.Kind != KindKnown && overlaps(f.start, f.end, known) })
	}
	slices.SortStableFunc(found, func(a, b Finding) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	return found
}
