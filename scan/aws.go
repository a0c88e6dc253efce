package scan

import "bytes"

// awsState pairs AWS access key ids with the secret keys written near
// them: a secret access key is 40 characters of base64 with no prefix of
// its own, recognisable only by its neighbourhood.
type awsState struct {
	idLines    []int
	candidates []awsCandidate
}

type awsCandidate struct {
	Finding
	named  bool // its line says it is an AWS secret key
	random bool // random enough to be reported as high entropy anyway
}

func (a *awsState) sawRules(found []Finding) {
	for _, f := range found {
		if f.Rule == "aws-access-key-id" {
			a.idLines = append(a.idLines, f.Line)
		}
	}
}

// candidate keeps a 40-character run of the standard base64 alphabet with
// upper case, lower case and a digit, and says whether it kept it.
func (a *awsState) candidate(run, line []byte, n, column, offset int, random bool) bool {
	if len(run) != 40 || bytes.ContainsAny(run, "-_=") || !mixed(run) {
		return false
	}
	f := Finding{Line: n, Column: column, Kind: KindToken, Rule: "aws-secret-access-key", start: offset, end: offset + 40}
	a.candidates = append(a.candidates, awsCandidate{Finding: f, named: awsSecretKeyword().Match(line), random: random})
	return true
}

// secretKeys are the candidates named as such on their line or within
// awsNear lines of an access key id; the others are reported as high
// entropy when they are random enough.
func (a *awsState) secretKeys() []Finding {
	var found []Finding
	for _, c := range a.candidates {
		near := c.named
		for _, l := range a.idLines {
			near = near || (c.Line-l <= awsNear && l-c.Line <= awsNear)
		}
		switch {
		case near:
			found = append(found, c.Finding)
		case c.random:
			c.Kind, c.Rule = KindEntropy, "high-entropy-base64"
			found = append(found, c.Finding)
		}
	}
	return found
}
