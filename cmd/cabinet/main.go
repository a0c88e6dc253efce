// Command cabinet is a terminal workbench for the secrets that data
// pipelines use. See README.md, or run `cabinet --help`.
package main

import (
	"os"

	"github.com/cabinethq/cabinet/cli"
)

func main() { os.Exit(int(cli.Main())) }
