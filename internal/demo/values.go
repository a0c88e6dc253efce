package demo

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// Shapes of values, shared by the demo and bench/gen: random content, made
// by the caller, laid out like the real thing.

// PEM lays der out as a PEM block with the given label: base64 in lines of
// 64 characters.
func PEM(label string, der []byte) string {
	var b strings.Builder
	b.WriteString("-----BEGIN " + label + "-----\n")
	s := base64.StdEncoding.EncodeToString(der)
	for len(s) > 64 {
		b.WriteString(s[:64] + "\n")
		s = s[64:]
	}
	b.WriteString(s + "\n-----END " + label + "-----\n")
	return b.String()
}

// ServiceAccountKey lays out a Google Cloud service account key file of the
// account in the project, with its key ID, PEM private key and client ID.
func ServiceAccountKey(project, account, keyID, privateKey, clientID string) []byte {
	return fmt.Appendf(nil, `{
  "type": "service_account",
  "project_id": "%s",
  "private_key_id": "%s",
  "private_key": %q,
  "client_email": "%s@%s.iam.gserviceaccount.com",
  "client_id": "%s",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token"
}
`, project, keyID, privateKey, account, project, clientID)
}
