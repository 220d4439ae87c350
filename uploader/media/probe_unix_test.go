//go:build unix

package media

import (
	"errors"
	"syscall"
	"testing"
)

func TestProbeNotRegular(t *testing.T) {
	t.Parallel()
	p := join(t.TempDir(), "pipe.mp4")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatal(err)
	}
	// Opening a FIFO with no writer would block: Probe must refuse it first.
	_, err := Probe(p, Options{})
	var re *RuleError
	if !errors.As(err, &re) || re.Rule != RuleNotRegular || err.Error() != p+": is a named pipe, not a regular file" {
		t.Fatalf("got %v", err)
	}
}
