// Command mediaup is a terminal upload manager for X media: a TUI by
// default, a headless `upload` command for scripts, and a local X API
// sandbox (`mediaup sandbox`) for demos and tests. The command line lives
// in internal/cli.
package main

import (
	"os"

	"github.com/mediaup/mediaup/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], cli.System(), samples()))
}
