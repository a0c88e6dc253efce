package refs

import "os"

// forwarded are the signals cabinet passes on to the command it runs.
func forwarded() []os.Signal { return nil }
