package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mediaup/mediaup/internal/testmedia"
	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/sandbox/sandboxtest"
)

// uploadOnStreams runs `mediaup upload` of the sample PNG and MP4 against
// a loopback sandbox with stderr that says it is (or is not) a terminal.
func uploadOnStreams(t *testing.T, errTTY bool, width int) (code int, stdout, stderr string) {
	t.Helper()
	cmdTestEnv(t)
	demoEnv(t)
	_, ts := sandboxtest.New(t, sandbox.Options{})
	t.Setenv("MEDIAUP_BASE_URL", ts.URL)
	png := sampleFile(t, "sample.png")
	mp4 := sampleFile(t, "sample.mp4")
	var out, errOut syncBuffer
	s := &IOStreams{Out: &out, ErrOut: &errOut, ErrTTY: errTTY, Width: width}
	code = Run([]string{"upload", "--chunk-size", "16KB", png, mp4}, s, nil)
	return code, out.String(), errOut.String()
}

// TestUploadProgressOnATerminal: on a terminal, stderr's per-file lines
// are redrawn in place (cursor up over the block, then each line cleared
// and rewritten), and each line fits the terminal's width.
func TestUploadProgressOnATerminal(t *testing.T) {
	code, stdout, stderr := uploadOnStreams(t, true, 60)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "\x1b[2A") {
		t.Errorf("no redraw of the two-line block (ESC[2A) on a terminal:\n%q", stderr)
	}
	if n := strings.Count(stderr, "\r\x1b[2K"); n < 4 {
		t.Errorf("%d cleared lines, want at least two redraws of two lines:\n%q", n, stderr)
	}
	// The last frame shows both files ready.
	frames := strings.Split(stderr, "\x1b[2A")
	last := frames[len(frames)-1]
	if strings.Count(last, "ready  media") != 2 {
		t.Errorf("last frame does not show both files ready:\n%q", last)
	}
	for _, l := range strings.Split(regexp.MustCompile(`\x1b\[[0-9]*[AK]|\r`).ReplaceAllString(stderr, "\n"), "\n") {
		if n := len([]rune(l)); n > 59 {
			t.Errorf("line %q is %d wide on a 60-column terminal", l, n)
		}
	}
	if strings.Count(stdout, "\t") != 2 {
		t.Errorf("stdout should hold the two media IDs: %q", stdout)
	}
}

// TestUploadProgressNotATerminal: with stderr redirected, no escape
// sequences, and exactly one line per finished file.
func TestUploadProgressNotATerminal(t *testing.T) {
	code, stdout, stderr := uploadOnStreams(t, false, 0)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
	if strings.Contains(stderr, "\x1b") {
		t.Errorf("escape sequences on a non-terminal stderr:\n%q", stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per finished file, got %d:\n%s", len(lines), stderr)
	}
	for _, name := range []string{"sample.png", "sample.mp4"} {
		n := 0
		for _, l := range lines {
			if strings.HasPrefix(l, fmt.Sprintf("%-24s ready  media ", name)) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d ready lines for %s:\n%s", n, name, stderr)
		}
	}
}

// TestWriteSamples: the demo folder gets every sample, byte for byte.
func TestWriteSamples(t *testing.T) {
	dir := t.TempDir()
	paths, err := writeSamples(testSamples(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(testmedia.Names()) {
		t.Fatalf("wrote %v, want %v", paths, testmedia.Names())
	}
	for _, p := range paths {
		got, _ := os.ReadFile(p)
		want, err := testmedia.ReadFile(filepath.Base(p))
		if err != nil || string(got) != string(want) || len(got) == 0 {
			t.Errorf("%s differs from the sample (%v)", p, err)
		}
	}
	if _, err := writeSamples(nil, dir); err == nil {
		t.Error("writeSamples without samples did not fail")
	}
}
