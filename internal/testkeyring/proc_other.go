//go:build !linux

package testkeyring

import (
	"errors"
	"os"
)

// supported is false: on macOS and Windows go-keyring uses the Keychain or
// the Credential Manager, not a Secret Service, so a private one would not be
// used (and tests would touch the user's real keyring).
const supported = false

var sigStop, sigCont os.Signal

func procState(int) (byte, error) { return 0, errors.New("testkeyring: Linux only") }
