package crypto_test

import (
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/internal/agetest"
)

// FuzzInspect: a value's header comes from a file anyone with push access
// may have written. Reading it never panics, and a binding it reports is
// one SealBound could have written.
func FuzzInspect(f *testing.F) {
	alice, _ := agetest.X25519(f)
	bound, err := crypto.Seal([]byte("v"), recipients(f, alice.Public), crypto.Binding{Path: "prod/db/password", Version: 2, Readers: "0123456789abcdef"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(bound)
	f.Add(seal(f, "v", alice.Public))
	f.Add(strings.Replace(bound, "A", "B", 1))
	f.Add("-----BEGIN AGE ENCRYPTED FILE-----\n-----END AGE ENCRYPTED FILE-----\n")
	f.Fuzz(func(t *testing.T, armored string) {
		h, err := crypto.Inspect(armored)
		if err != nil {
			return
		}
		if h.Recipients < 0 {
			t.Fatalf("negative recipient count %d", h.Recipients)
		}
		if b := h.Binding; b != nil {
			if b.Version < 1 || b.Path == "" || b.Readers == "" || strings.ContainsAny(b.Path+b.Readers, " \n") {
				t.Fatalf("Inspect reported a binding SealBound cannot write: %+v", *b)
			}
		}
	})
}
