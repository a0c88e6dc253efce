package keysource_test

import (
	"fmt"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/crypto/keysource"
	"github.com/cabinethq/cabinet/internal/memkeyring"
	"github.com/cabinethq/cabinet/inventory"
)

func ExampleSources_Resolve() {
	gen, _ := crypto.GenerateIdentity()
	keyring := &memkeyring.Keyring{} // keysource.OSKeyring{} in the program
	_ = keyring.Set(keysource.Service, keysource.User, gen.Secret)

	noEnv := func(string) string { return "" } // os.Getenv in the program
	id, err := keysource.Sources{Getenv: noEnv, Keyring: keyring}.Resolve()
	if err != nil {
		panic(err)
	}
	fmt.Println(id.Source, id.PublicKeys()[0] == gen.Public)

	_, err = keysource.Sources{Getenv: noEnv, Keyring: &memkeyring.Keyring{}}.Resolve()
	fmt.Println(err)
	fmt.Println("hint:", inventory.HintOf(err))
	// Output:
	// OS keyring true
	// no identity found
	// hint: run `cabinet identity new` to create one in the OS keyring, or set CABINET_IDENTITY_FILE or CABINET_IDENTITY
}
