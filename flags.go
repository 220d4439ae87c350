package main

import (
	"flag"
	"fmt"
	"strings"
)

// parseFlagsAndFiles parses flags that may come before, between or after
// the files (`upload clip.mp4 --post "hi"` means what it says, rather than
// uploading a file called --post), and returns the files. Everything after
// "--" is a file.
func parseFlagsAndFiles(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return files, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(files, rest...), nil
		}
		files = append(files, rest[0])
		args = rest[1:]
	}
}

// flagError rewords the flag package's errors as mediaup's messages, which
// write flags with two dashes, and points at the help.
func flagError(err error, help string) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return fmt.Errorf("unknown flag --%s; see %s", strings.TrimLeft(name, "-"), help)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Errorf("--%s needs a value; see %s", strings.TrimLeft(name, "-"), help)
	}
	return fmt.Errorf("%s; see %s", msg, help)
}
