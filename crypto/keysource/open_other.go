//go:build !unix

package keysource

import "os"

// openIdentityFlags: no O_NONBLOCK outside Unix, where named pipes do not
// live in the file system.
const openIdentityFlags = os.O_RDONLY
