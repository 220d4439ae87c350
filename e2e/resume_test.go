//go:build unix

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mediaup/mediaup/internal/testbin"
	"github.com/mediaup/mediaup/internal/testmedia"
	"github.com/mediaup/mediaup/sandbox"
)

// The resume run's shape: 21 segments of 1 MiB (the last one short) at
// 2 MB/s per connection, four in flight: about 3 s of transfer, so the
// kill after the third acknowledgement lands early in the upload.
const (
	resumeSize     = 20<<20 + 4321
	resumeChunk    = 1 << 20 // --chunk-size 1MB (mediaup reads MB as MiB)
	resumeSegments = (resumeSize + resumeChunk - 1) / resumeChunk
	resumeInFlight = 4 // --segments 4: APPENDs in flight
	killAtAcked    = 3
)

// TestTUIResumesInterruptedUpload is issue 4's "the TUI lists resumable
// uploads at start": `mediaup upload` is killed with SIGKILL part way
// through a big video; the TUI, started on the same state directory, lists
// the file as a paused, interrupted upload with its acknowledged segments,
// and p finishes it under the same media ID, sending little twice.
func TestTUIResumesInterruptedUpload(t *testing.T) {
	requireTmux(t)
	sb := testbin.StartSandbox(t, "--bandwidth", "2MB")
	dir := t.TempDir()
	state := filepath.Join(t.TempDir(), "state")
	_, sum := paddedMP4(t, dir, "big.mp4", resumeSize)

	killUploadAfterAcks(t, sb, dir, state, "big.mp4", killAtAcked)

	// What the killed run left in the journal (read before the TUI holds
	// the database).
	sessions, _ := testbin.Journal(t, state)
	if len(sessions) != 1 {
		t.Fatalf("the journal holds %d upload sessions after the kill, want 1: %+v", len(sessions), sessions)
	}
	sess := sessions[0]
	acked := sess.AckedCount()
	if sess.MediaID == "" || sess.Segments != resumeSegments || acked < killAtAcked || acked >= resumeSegments {
		t.Fatalf("journal session: media %q, %d of %d segments acknowledged; want a media ID and %d ≤ acked < %d of %d",
			sess.MediaID, acked, sess.Segments, killAtAcked, resumeSegments, resumeSegments)
	}

	// The TUI on the same state lists it, paused, before anything is pressed.
	r := startInTmux(t, sb, dir, 120, 36, []string{"env", "XDG_STATE_HOME=" + state, testbin.Binary()})
	note := fmt.Sprintf("interrupted upload, %d of %d segments on X", acked, resumeSegments)
	s := r.waitScreen("the interrupted upload listed", func(s string) bool { return strings.Contains(s, note) })
	row := queueRow(s, "big.mp4")
	if !strings.Contains(row, "paused") || !strings.Contains(row, fmt.Sprintf("%d/%d", acked, resumeSegments)) {
		t.Errorf("the queue row should show big.mp4 paused with %d/%d segments, got %q; screen:\n%s",
			acked, resumeSegments, row, s)
	}
	if !strings.Contains(s, "1 file · 1 paused") {
		t.Errorf("the status line should count one paused file:\n%s", s)
	}

	// tab to the queue, p resumes: the same media ID finishes on X.
	r.keys("Tab")
	r.waitScreen("the queue focused", func(s string) bool { return strings.Contains(s, "p pause/resume") })
	r.keys("p")
	var m sandbox.MediaInfo
	poll(t, "the resumed upload to succeed on the sandbox", func() bool {
		m = sb.MediaByID(t, sess.MediaID)
		return m.State == "succeeded" || m.State == "failed"
	})
	if m.State != "succeeded" {
		t.Fatalf("media %s ended %s on the sandbox", sess.MediaID, m.State)
	}
	if m.SHA256 != sum || m.TotalBytes != resumeSize {
		t.Errorf("the sandbox assembled %d bytes with sha256 %s; the file is %d bytes with sha256 %s",
			m.TotalBytes, m.SHA256, int64(resumeSize), sum)
	}
	if limit := m.TotalBytes + resumeInFlight*resumeChunk; m.AppendedBytes > limit {
		t.Errorf("the sandbox received %d bytes for a %d-byte file: more than the %d segments in flight at the kill were sent twice",
			m.AppendedBytes, m.TotalBytes, resumeInFlight)
	}
	all := sb.Media(t)
	if len(all) != 1 {
		t.Errorf("the sandbox holds %d media, want the one resumed session: %+v", len(all), all)
	}
	s = r.waitScreen("the row ready with the same media ID", func(s string) bool {
		return strings.Contains(queueRow(s, "big.mp4"), "ready")
	})
	if row := queueRow(s, "big.mp4"); !strings.Contains(row, sess.MediaID) {
		t.Errorf("the ready row should show media %s, got %q", sess.MediaID, row)
	}
	t.Logf("killed after %d of %d segments; resumed %s; the sandbox received %d bytes for %d",
		acked, resumeSegments, sess.MediaID, m.AppendedBytes, m.TotalBytes)
}

// killUploadAfterAcks runs `mediaup upload --json --chunk-size 1MB
// --segments 4 name` in dir with the demo credentials and the state
// directory state, and kills it with SIGKILL as soon as an event reports at
// least acks segments acknowledged. It fails the test if the upload ends any other way.
func killUploadAfterAcks(t *testing.T, sb *testbin.Sandbox, dir, state, name string, acks int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, testbin.Binary(), "upload", "--json", "--chunk-size", "1MB",
		"--segments", fmt.Sprint(resumeInFlight), name)
	cmd.Dir = dir
	home := t.TempDir()
	// HOME overrides the inherited one: os/exec keeps a name's last value.
	cmd.Env = append(append(testbin.CleanEnv(), sb.Env()...),
		"XDG_STATE_HOME="+state,
		"XDG_CONFIG_HOME="+home,
		"HOME="+home,
	)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var line struct {
			Type          string `json:"type"`
			SegmentsAcked int    `json:"segments_acked"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Type == "event" && line.SegmentsAcked >= acks && !killed {
			killed = cmd.Process.Signal(syscall.SIGKILL) == nil
		}
	}
	_, _ = io.Copy(io.Discard, stdout)
	err = cmd.Wait()
	if ctx.Err() != nil {
		t.Fatalf("mediaup upload did not reach %d acknowledged segments within 60 s; stderr:\n%s", acks, stderr.String())
	}
	var ee *exec.ExitError
	if !killed || !errors.As(err, &ee) {
		t.Fatalf("mediaup upload ended before it was killed (%v); stderr:\n%s", err, stderr.String())
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("mediaup upload ended with %v, not by SIGKILL; stderr:\n%s", err, stderr.String())
	}
}

// queueRow is the line of the Queue pane in a captured screen that names
// file ("" when there is none): the picker above may list the file too.
func queueRow(s, file string) string {
	inQueue := false
	for _, l := range strings.Split(s, "\n") {
		switch {
		case strings.Contains(l, "╭─ Queue"):
			inQueue = true
		case inQueue && strings.Contains(l, "╰"):
			return ""
		case inQueue && strings.Contains(l, file):
			return l
		}
	}
	return ""
}

// paddedMP4 writes a valid MP4 of exactly size bytes into dir: the sample
// video, then an MP4 `free` box that players and the probe skip. It
// returns the path and the file's SHA-256 in hex.
func paddedMP4(t *testing.T, dir, name string, size int64) (string, string) {
	t.Helper()
	path, sum, err := testmedia.PaddedMP4(dir, name, size, 13)
	if err != nil {
		t.Fatal(err)
	}
	return path, sum
}
