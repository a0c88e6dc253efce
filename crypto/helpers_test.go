package crypto_test

import (
	"testing"

	"github.com/cabinethq/cabinet/crypto"
)

func recipients(t testing.TB, keys ...string) crypto.Recipients {
	t.Helper()
	rs, err := crypto.ParseRecipients(keys)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// seal seals value to keys as cabinet does, bound to testBinding.
func seal(t testing.TB, value string, keys ...string) string {
	t.Helper()
	sealed, err := crypto.Seal([]byte(value), recipients(t, keys...), testBinding)
	if err != nil {
		t.Fatal(err)
	}
	return sealed
}
