package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/mediaup/mediaup/internal/size"
	"github.com/mediaup/mediaup/uploader"
)

// reporter shows `upload` progress: JSON lines on stdout with --json, a
// live line per file on a terminal's stderr, or one line per finished file
// when stderr is not a terminal.
type reporter struct {
	json   bool
	stdout io.Writer
	stderr io.Writer
	scrub  func(string) string
	tty    bool
	width  int // the terminal's columns (tty); 0 when unknown

	mu      sync.Mutex
	order   []uploader.JobID
	last    map[uploader.JobID]uploader.Event
	drawn   int // lines drawn last time (tty)
	drawnAt time.Time
}

func newReporter(jsonOut bool, s *IOStreams, scrub func(string) string) *reporter {
	return &reporter{json: jsonOut, stdout: s.Out, stderr: s.ErrOut, scrub: scrub,
		tty: s.ErrTTY && !jsonOut, width: s.Width, last: map[uploader.JobID]uploader.Event{}}
}

func (r *reporter) event(ev uploader.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.json {
		fmt.Fprintf(r.stdout, "%s\n", encodeEvent(ev, r.scrub))
		return
	}
	prev, seen := r.last[ev.Job]
	if !seen {
		r.order = append(r.order, ev.Job)
	}
	r.last[ev.Job] = ev
	if r.tty {
		if ev.Phase.Final() || time.Since(r.drawnAt) >= 100*time.Millisecond {
			r.redraw()
		}
		return
	}
	if ev.Phase.Final() && (!seen || prev.Phase != ev.Phase) {
		fmt.Fprintln(r.stderr, r.line(ev))
	}
}

// redraw rewrites the block of per-file lines in place.
func (r *reporter) redraw() {
	var b strings.Builder
	if r.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", r.drawn)
	}
	for _, id := range r.order {
		b.WriteString("\r\x1b[2K")
		line := r.line(r.last[id])
		if r.width > 1 {
			// A line that wraps takes two rows, and the cursor-up count
			// above would no longer reach the first.
			line = ansi.Truncate(line, r.width-1, "…")
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	r.drawn = len(r.order)
	r.drawnAt = time.Now()
	io.WriteString(r.stderr, b.String())
}

func (r *reporter) finishProgress() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tty && len(r.order) > 0 {
		r.redraw()
	}
}

// line is one file's state in a sentence-like row.
func (r *reporter) line(ev uploader.Event) string {
	name := filepath.Base(ev.Path)
	switch ev.Phase {
	case uploader.PhaseUploading:
		pct := 0
		if ev.TotalBytes > 0 {
			pct = int(ev.SentBytes * 100 / ev.TotalBytes)
		}
		if pct >= 100 && ev.SegmentsAcked < ev.SegmentsTotal {
			pct = 99 // every byte is on the wire, X has not acknowledged them all yet
		}
		s := fmt.Sprintf("%-24s uploading %3d%%  %s / %s  %d/%d segments", name, pct,
			size.Format(ev.SentBytes), size.Format(ev.TotalBytes), ev.SegmentsAcked, ev.SegmentsTotal)
		if ev.Rate > 0 {
			s += fmt.Sprintf("  %s/s", size.Format(int64(ev.Rate)))
		}
		return s
	case uploader.PhaseProcessing:
		return fmt.Sprintf("%-24s processing %s %d%%", name, ev.State, ev.Percent)
	case uploader.PhaseReady:
		s := fmt.Sprintf("%-24s ready  media %s", name, ev.MediaID)
		if !ev.ExpiresAt.IsZero() {
			s += fmt.Sprintf("  expires in %s", time.Until(ev.ExpiresAt).Round(time.Minute))
		}
		return s
	case uploader.PhaseFailed, uploader.PhaseCanceled:
		msg := ev.Phase.String()
		if ev.Err != nil {
			// The row already names the file.
			msg = r.scrub(uploader.Reason(ev.Err))
		}
		if ev.Retryable {
			msg += " (retrying may help)"
		}
		return fmt.Sprintf("%-24s %s: %s", name, ev.Phase, msg)
	}
	return fmt.Sprintf("%-24s %s", name, ev.Phase)
}

// summary prints the run's outcome: a JSON object, or readable lines.
func (r *reporter) summary(s summary) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.json {
		b, _ := json.Marshal(s)
		fmt.Fprintf(r.stdout, "%s\n", b)
		return
	}
	for _, f := range s.Files {
		if f.MediaID != "" {
			fmt.Fprintf(r.stdout, "%s\t%s\n", f.Path, f.MediaID)
		}
	}
	if s.TweetID != "" {
		fmt.Fprintf(r.stdout, "tweet\t%s\n", s.TweetID)
	}
	if s.Note != "" {
		fmt.Fprintln(r.stderr, s.Note)
	}
	if s.Error != "" {
		fmt.Fprintln(r.stderr, s.Error)
	}
}
