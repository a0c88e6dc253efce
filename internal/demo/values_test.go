package demo

import (
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
)

func TestPEM(t *testing.T) {
	der := make([]byte, 306)
	for i := range der {
		der[i] = byte(i)
	}
	text := PEM("OPENSSH PRIVATE KEY", der)
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 9 || len(lines[1]) != 64 || len(lines[7]) != 24 {
		t.Errorf("%d lines:\n%s", len(lines), text)
	}
	block, rest := pem.Decode([]byte(text))
	if block == nil || block.Type != "OPENSSH PRIVATE KEY" || string(block.Bytes) != string(der) || len(rest) != 0 {
		t.Errorf("does not decode as PEM:\n%s", text)
	}
}

func TestServiceAccountKey(t *testing.T) {
	key := PEM("PRIVATE KEY", make([]byte, 402))
	var v map[string]string
	if err := json.Unmarshal(ServiceAccountKey("acme-analytics", "bq-export", "0a1b", key, "123"), &v); err != nil {
		t.Fatal(err)
	}
	if v["type"] != "service_account" || v["project_id"] != "acme-analytics" || v["private_key"] != key ||
		v["client_email"] != "bq-export@acme-analytics.iam.gserviceaccount.com" || v["private_key_id"] != "0a1b" || v["client_id"] != "123" {
		t.Errorf("%v", v)
	}
}
