package cli

import (
	"io"
	"testing/fstest"

	"github.com/mediaup/mediaup/internal/testmedia"
)

// testSamples is the sample media the binary embeds, read from assets/.
func testSamples() fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, name := range testmedia.Names() {
		data, err := testmedia.ReadFile(name)
		if err != nil {
			panic(err)
		}
		fsys[name] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	return fsys
}

// run runs mediaup in-process as the binary would, on streams that are
// not terminals, with the sample media, and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return Run(args, &IOStreams{In: stdin, Out: stdout, ErrOut: stderr}, testSamples())
}
