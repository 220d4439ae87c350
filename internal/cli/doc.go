// Package cli is mediaup's command line on spf13/cobra: the root command
// (the terminal UI) and the upload, sandbox, auth, status, history and
// completion subcommands. It parses flags, builds the engine's settings
// and turns every outcome into one exit status (0 done, 1 a file or the
// post failed, 2 usage or configuration), through an IO-streams seam
// that tests fake.
package cli
