// Command mediaup is a terminal upload manager for X media: a TUI by
// default, a headless `upload` command for scripts, and a local X API
// sandbox (`mediaup sandbox`) for demos and tests.
package main

import (
	"fmt"
	"io"
	"os"
)

// Exit statuses, a contract with scripts.
const (
	exitOK     = 0 // all done
	exitFailed = 1 // a file or the post failed
	exitUsage  = 2 // usage or configuration error
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "upload":
			return runUpload(args[1:], stdout, stderr)
		case "sandbox":
			return runSandbox(args[1:], stdout, stderr)
		case "auth":
			return runAuth(args[1:], stdin, stdout, stderr)
		case "status":
			return runStatus(args[1:], stdout, stderr)
		case "history":
			return runHistory(args[1:], stdout, stderr)
		case "help", "-h", "--help":
			fmt.Fprint(stdout, usage)
			return exitOK
		}
	}
	return runTUI(args, stdin, stdout, stderr)
}

const usage = `mediaup uploads media to X (Twitter) and posts it.

Usage:
  mediaup [--profile NAME] [--sandbox] [FILE|DIR ...]   the terminal UI; files given are queued at once
  mediaup upload [flags] FILE...                        headless upload (mediaup upload --help)
  mediaup sandbox [--addr HOST:PORT] [flags]            run the local X API sandbox (mediaup sandbox --help)
  mediaup auth [--profile NAME] [--base-url URL]        sign an X account in with a PIN and save it as a profile
  mediaup status [--json] [flags] MEDIA_ID              ask X once where processing of a media ID stands
  mediaup history [--json]                              list uploaded media, newest first, with their expiry

Credentials come from the profile in $XDG_CONFIG_HOME/mediaup/config.toml or from
MEDIAUP_CONSUMER_KEY, MEDIAUP_CONSUMER_SECRET, MEDIAUP_ACCESS_TOKEN, MEDIAUP_ACCESS_SECRET
(and MEDIAUP_BASE_URL). --sandbox needs none: it starts a local X API with demo credentials.

Exit status: 0 all done, 1 a file or the post failed, 2 usage or configuration error.
`
