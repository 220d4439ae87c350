package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mediaup/mediaup/config"
)

// Exit statuses, a contract with scripts.
const (
	exitOK     = 0 // all done
	exitFailed = 1 // a file or the post failed
	exitUsage  = 2 // usage or configuration error
)

// version is mediaup's version, stamped at release time with
// -ldflags "-X github.com/mediaup/mediaup/internal/cli.version=v1.2.3".
var version string

// mediaExts are the file types the shells offer for file arguments.
var mediaExts = []string{"png", "jpg", "jpeg", "gif", "webp", "mp4", "mov"}

// Run runs mediaup with args (without the program name) on the given
// streams and returns the process's exit status. samples holds the demo
// media `mediaup --sandbox` opens the picker on; nil leaves them out.
func Run(args []string, streams *IOStreams, samples fs.FS) int {
	return execute(newRootCmd(&env{io: streams, samples: samples}, runners{}), args, streams)
}

// env is what every command shares: the streams and the sample media.
type env struct {
	io      *IOStreams
	samples fs.FS
}

// runners are what each command does once its flags are parsed. A nil
// field means the real work; parse-only tests put a function there that
// keeps the options and returns.
type runners struct {
	tui     func(*tuiRun) error
	upload  func(*uploadRun) error
	sandbox func(*sandboxRun) error
	auth    func(*authRun) error
	status  func(*statusRun) error
	history func(*historyRun) error
}

// runWith calls the test's runner when there is one, else the real one.
// A plain error from the real work is a failure (exit 1); errors that call
// for another status are *exitError already.
func runWith[T any](opts T, override, real func(T) error) error {
	if override != nil {
		return override(opts)
	}
	err := real(opts)
	var ee *exitError
	if err != nil && !errors.As(err, &ee) {
		return &exitError{code: exitFailed, err: err}
	}
	return err
}

// execute parses args with root, runs the command they name, prints its
// error as one line and returns the exit status.
func execute(root *cobra.Command, args []string, s *IOStreams) int {
	if args == nil {
		args = []string{} // cobra reads os.Args when given nil
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err != nil {
		if msg := err.Error(); msg != "" {
			fmt.Fprintf(s.ErrOut, "%s: %s\n", cmd.CommandPath(), msg)
		}
	}
	return exitStatus(err)
}

// exitError is a failed command with the exit status it calls for. An
// empty message means the command has already said what went wrong.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErrorf is a usage or configuration error (exit 2).
func usageErrorf(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

// usageError marks err as a usage or configuration error (exit 2).
func usageError(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{exitUsage, err}
}

// refusedErrorf is a refusal or failure (exit 1).
func refusedErrorf(format string, args ...any) error {
	return &exitError{exitFailed, fmt.Errorf(format, args...)}
}

// errExitFailed ends a command with exit 1 once it has printed why.
var errExitFailed = &exitError{code: exitFailed}

// exitStatus is the one place an outcome becomes an exit status: nil is 0,
// an *exitError carries its own, and any other error comes from cobra's
// parsing of flags and arguments, so it is a usage error.
func exitStatus(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitUsage
}

// flagError rewords pflag's errors as mediaup's one style, which writes
// flags with two dashes and points at the command's help:
// "unknown flag --nope; see mediaup upload --help".
func flagError(cmd *cobra.Command, err error) error {
	see := "see " + cmd.CommandPath() + " --help"
	var (
		notExist *pflag.NotExistError
		noValue  *pflag.ValueRequiredError
		invalid  *pflag.InvalidValueError
		syntax   *pflag.InvalidSyntaxError
	)
	switch {
	case errors.As(err, &notExist):
		if group := notExist.GetSpecifiedShortnames(); group != "" {
			// -post: the Go flag package's one-dash habit.
			if cmd.Flags().Lookup(group) != nil {
				return usageErrorf("unknown flag -%s: flags take two dashes, as in --%s; %s", group, group, see)
			}
			return usageErrorf("unknown flag -%s; %s", group, see)
		}
		return usageErrorf("unknown flag --%s; %s", notExist.GetSpecifiedName(), see)
	case errors.As(err, &noValue):
		name := noValue.GetSpecifiedName()
		if f := noValue.GetFlag(); f != nil {
			name = f.Name
		}
		return usageErrorf("--%s needs a value; %s", name, see)
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		return usageErrorf("--%s %q: %s; %s", f.Name, invalid.GetValue(), wantedValue(f), see)
	case errors.As(err, &syntax):
		return usageErrorf("%q is not a flag: write flags as --name or --name=value; %s", syntax.GetSpecifiedFlag(), see)
	}
	return usageErrorf("%v; %s", err, see)
}

// wantedValue says what a flag's value should look like.
func wantedValue(f *pflag.Flag) string {
	switch f.Value.Type() {
	case "int", "int64", "uint":
		return "give a whole number"
	case "float64":
		return "give a number, such as 0.1"
	case "duration":
		return "give a duration such as 30s, 15m or 1h"
	case "bool":
		return "give true or false"
	}
	return "not a valid value"
}

// versionText is the version line: the stamped version, else the module's
// from the build info, else (devel); plus the commit when the build
// recorded one.
func versionText() string {
	v, commit, dirty := version, "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				dirty, _ = strconv.ParseBool(s.Value)
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if commit != "" {
		if len(commit) > 12 {
			commit = commit[:12]
		}
		if dirty {
			commit += ", modified"
		}
		v += " (commit " + commit + ")"
	}
	return v
}

// completeMedia offers media files (and folders) for file arguments.
func completeMedia(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return mediaExts, cobra.ShellCompDirectiveFilterFileExt
}

// completeProfiles offers the profile names of the config file.
func completeProfiles(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
	f, err := config.Load(config.DefaultPath())
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var names []string
	for _, n := range f.Names() {
		if strings.HasPrefix(n, prefix) {
			names = append(names, n)
		}
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// noArgs refuses positional arguments with the command's usage line.
func noArgs(usage string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usageErrorf("unexpected argument %q; usage: %s", args[0], usage)
		}
		return nil
	}
}

const rootLong = `mediaup uploads media to X (Twitter) and posts it.

With no command it opens the terminal UI; files given are queued at once and
a folder becomes the picker's start folder. Flags may come before, between or
after the files; "--" ends the flags.

Credentials come from the profile in $XDG_CONFIG_HOME/mediaup/config.toml or from
MEDIAUP_CONSUMER_KEY, MEDIAUP_CONSUMER_SECRET, MEDIAUP_ACCESS_TOKEN, MEDIAUP_ACCESS_SECRET
(and MEDIAUP_BASE_URL). --sandbox needs none: it starts a local X API with demo credentials.

Exit status: 0 all done, 1 a file or the post failed, 2 usage or configuration error.`

// newRootCmd builds the whole command tree.
func newRootCmd(e *env, r runners) *cobra.Command {
	root := newTUICmd(e, r.tui)
	root.Version = versionText()
	root.SetVersionTemplate("mediaup {{.Version}}\n")
	root.SilenceUsage = true
	root.SilenceErrors = true
	root.SetFlagErrorFunc(flagError)
	// Before the completion command is made: it takes its writer then.
	if e.io.In != nil {
		root.SetIn(e.io.In)
	}
	root.SetOut(e.io.Out)
	root.SetErr(e.io.ErrOut)
	root.AddCommand(
		newUploadCmd(e, r.upload),
		newSandboxCmd(e, r.sandbox),
		newAuthCmd(e, r.auth),
		newStatusCmd(e, r.status),
		newHistoryCmd(e, r.history),
	)
	// cobra's completion command prints its help for any word that is not
	// a shell; a script that asks for an unknown shell should see it fail.
	root.InitDefaultCompletionCmd()
	if c, _, err := root.Find([]string{"completion"}); err == nil && c != root {
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("unknown shell %q: use bash, zsh, fish or powershell", args[0])
			}
			return c.Help()
		}
	}
	return root
}
