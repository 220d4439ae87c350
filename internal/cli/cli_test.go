package cli

import (
	"io"
	"os"

	"github.com/mediaup/mediaup/internal/testmedia"
)

// run runs mediaup in-process as the binary would, on streams that are
// not terminals, with the sample media of assets/, and returns the exit
// status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return Run(args, &IOStreams{In: stdin, Out: stdout, ErrOut: stderr}, os.DirFS(testmedia.Dir()))
}
