// Command glrun runs runbooks: sandboxed Starlark scripts that drive HPE
// GreenLake step by step, with waits, dry-runs and recorded replay.
package main

import (
	"os"

	"glrun/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
