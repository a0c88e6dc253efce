package crypto_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cabinethq/cabinet/crypto"
)

// Seal a value to the members of a scope, then open it with one member's
// identity.
func Example() {
	alice, _ := crypto.GenerateIdentity()
	etl, _ := crypto.GenerateIdentity()
	to, err := crypto.ParseRecipients([]string{alice.Public, etl.Public})
	if err != nil {
		panic(err)
	}
	// The value is bound to the secret and version it is for, and to a
	// digest of the readers it is sealed to.
	at := crypto.Binding{Path: "prod/db/password", Version: 3, Readers: "55b377046c3bba03"}
	sealed, err := crypto.Seal([]byte("hunter2"), to, at)
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.SplitN(sealed, "\n", 2)[0])

	id, _ := crypto.ParseIdentity(etl.Secret, "CABINET_IDENTITY")
	value, header, err := crypto.Open(sealed, id)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(value), "from", header.Binding)
	// Output:
	// -----BEGIN AGE ENCRYPTED FILE-----
	// hunter2 from prod/db/password version 3
}

func ExampleOpen_errors() {
	alice, _ := crypto.GenerateIdentity()
	bob, _ := crypto.GenerateIdentity()
	sealed, _ := crypto.Seal([]byte("hunter2"), mustRecipients(alice.Public), testBinding)

	bobID, _ := crypto.ParseIdentity(bob.Secret, "CABINET_IDENTITY")
	_, _, err := crypto.Open(sealed, bobID)
	fmt.Println(errors.Is(err, crypto.ErrNoMatch), err)

	aliceID, _ := crypto.ParseIdentity(alice.Secret, "CABINET_IDENTITY")
	_, _, err = crypto.Open(strings.Replace(sealed, "-----END AGE ENCRYPTED FILE-----", "", 1), aliceID)
	fmt.Println(errors.Is(err, crypto.ErrTampered), err)
	// Output:
	// true no identity matches
	// true ciphertext is damaged or was altered
}

func ExampleParseRecipient() {
	for _, key := range []string{"age1notakey", "ssh-rsa AAAAB3NzaC1yc2E bob@host"} {
		_, err := crypto.ParseRecipient(key)
		fmt.Println(err != nil, strings.SplitN(err.Error(), ":", 2)[0])
	}
	// Output:
	// true invalid age public key
	// true unsupported public key
}

func mustRecipients(keys ...string) crypto.Recipients {
	rs, err := crypto.ParseRecipients(keys)
	if err != nil {
		panic(err)
	}
	return rs
}
