package cli

import (
	"io"
	"os"

	"github.com/charmbracelet/x/term"
)

// IOStreams are the streams a command reads and writes, and what is known
// about them: whether each is a terminal and how wide the terminal is.
// System builds them from the process; tests build them by hand, and may
// say "I am a terminal" about a buffer to see what a terminal would get.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	InTTY  bool // In is a terminal
	OutTTY bool // Out is a terminal
	ErrTTY bool // ErrOut is a terminal
	// Width is the terminal's width in columns, 0 when unknown.
	Width int
}

// System returns the process's standard streams.
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		InTTY:  term.IsTerminal(os.Stdin.Fd()),
		OutTTY: term.IsTerminal(os.Stdout.Fd()),
		ErrTTY: term.IsTerminal(os.Stderr.Fd()),
	}
	for _, f := range []*os.File{os.Stderr, os.Stdout} {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 0 {
			s.Width = w
			break
		}
	}
	return s
}
