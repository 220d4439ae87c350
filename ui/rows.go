package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// Job is what one queue row shows: a plain copy of a job's latest state.
type Job struct {
	Name  string // the file's base name
	Phase string // queued, probing, uploading, processing, paused, ready, failed, canceled
	Kind  string // image, gif, video; "" before probing

	// SentBytes is what was read into requests; SegmentsAcked what X has
	// acknowledged (the row shows the acknowledged part when there are
	// several segments).
	TotalBytes, SentBytes        int64
	SegmentsAcked, SegmentsTotal int
	Rate                         float64 // bytes per second
	Resumed                      bool

	State   string // X's processing state: pending, in_progress, succeeded, failed
	Percent int    // X's processing percent

	MediaID   string
	ExpiresIn time.Duration // time left before X forgets the media; 0 = unknown

	Err       string // why it failed or was canceled, one sentence
	Retryable bool

	Attached bool // attached to the tweet being composed
}

// Bar renders a progress bar at a fraction from 0 to 1; bubbles'
// progress.Model is one (its ViewAs), shared by every row.
type Bar interface {
	ViewAs(percent float64) string
}

// RowOptions say how to draw one row.
type RowOptions struct {
	Cursor  bool   // the row is under the cursor
	Focused bool   // its pane has the focus
	Spinner string // the shared spinner's current frame, for processing rows
	Bar     Bar    // the shared progress bar
}

// NameWidth is the width of the file-name column in a queue row of width.
func NameWidth(width int) int { return min(max(width/4, 10), 28) }

// BarWidth is the width the shared progress bar should have for rows of width.
func BarWidth(width int) int { return min(max(width/5, 8), 24) }

// JobRow renders one queue row in exactly width cells: cursor mark, attach
// mark, name, then what the phase has to say (bar and figures while
// uploading, state and percent while processing, media ID and expiry when
// ready, reason and whether a retry can help when failed).
func JobRow(st Styles, j Job, width int, o RowOptions) string {
	mark := "  "
	if o.Cursor {
		mark = "▸ "
	}
	att := "  "
	switch {
	case j.Attached:
		att = st.Marked.Render("◆") + " "
	case j.Phase == "ready":
		att = st.Dim.Render("◇") + " "
	}
	name := Fit(j.Name, NameWidth(width))
	if o.Cursor {
		if o.Focused {
			name = st.Cursor.Render(name)
		} else {
			name = st.CursorOff.Render(name)
		}
	}
	head := mark + att + name + " "
	rest := width - ansi.StringWidth(head)
	return Fit(head+Cut(jobStatus(st, j, o), rest), width)
}

// jobStatus is the phase-dependent part of a row.
func jobStatus(st Styles, j Job, o RowOptions) string {
	badge := Badge(st, j.Phase)
	switch j.Phase {
	case "uploading", "paused":
		// Bytes read into requests run ahead of what X has taken (socket
		// buffers hold megabytes, a whole small file): count only the
		// acknowledged segments, so bar, figures and ETA agree with
		// "acked/total" and a file never looks done before X has it.
		done := j.SentBytes
		if j.SegmentsTotal > 0 {
			done = min(done, j.TotalBytes*int64(j.SegmentsAcked)/int64(j.SegmentsTotal))
		}
		var b strings.Builder
		if o.Bar != nil {
			frac := 0.0
			if j.TotalBytes > 0 {
				frac = float64(done) / float64(j.TotalBytes)
			}
			b.WriteString(o.Bar.ViewAs(frac) + " ")
		}
		if j.Phase == "paused" {
			b.WriteString(badge + " ")
		}
		if j.SegmentsTotal > 0 {
			fmt.Fprintf(&b, "%d/%d ", j.SegmentsAcked, j.SegmentsTotal)
		}
		fmt.Fprintf(&b, "%s/%s", Bytes(done), Bytes(j.TotalBytes))
		if j.Phase == "uploading" {
			if r := Rate(j.Rate); r != "" {
				b.WriteString(" " + st.Dim.Render(r))
			}
			if eta := ETA(j.TotalBytes, done, j.Rate); eta != "" {
				b.WriteString(" " + st.Dim.Render("ETA "+eta))
			}
		}
		if j.Resumed {
			b.WriteString(" " + st.Dim.Render("resumed"))
		}
		return b.String()
	case "processing":
		s := badge
		if o.Spinner != "" {
			s = o.Spinner + " " + s
		}
		if j.State != "" {
			s += " " + st.Dim.Render(strings.ReplaceAll(j.State, "_", " "))
		}
		if j.Percent > 0 {
			s += fmt.Sprintf(" %d%%", j.Percent)
		}
		return s
	case "ready":
		s := st.OK.Render("✓ ") + badge + " " + st.Info.Render(j.MediaID)
		if j.ExpiresIn > 0 {
			s += " " + st.Dim.Render("expires in "+Duration(j.ExpiresIn))
		}
		return s
	case "failed":
		hint := "retry won't help"
		if j.Retryable {
			hint = "retry may help"
		}
		return st.Err.Render("✗ ") + badge + " " + st.Dim.Render(hint) + " " + OneLine(j.Err)
	case "probing":
		return badge + "…"
	default:
		return badge
	}
}

// Badge renders a phase name in its colour.
func Badge(st Styles, phase string) string {
	if s, ok := st.Badge[phase]; ok {
		return s.Render(phase)
	}
	return phase
}

// Entry is one line of the file picker.
type Entry struct {
	Name   string
	Dir    bool // a folder (shown with a trailing slash)
	Marked bool // selected with space
	Queued bool // already sent to the queue in this session
}

// EntryRow renders a picker line in exactly width cells; detail (the probe
// result, for the line under the cursor) goes to its right.
func EntryRow(st Styles, e Entry, cursor, focused bool, width int, detail string) string {
	mark := "  "
	if cursor {
		mark = "▸ "
	}
	sel := "  "
	switch {
	case e.Marked:
		sel = st.Marked.Render("✓") + " "
	case e.Queued:
		sel = st.Dim.Render("·") + " "
	}
	name := e.Name
	if e.Dir {
		name = st.Dir.Render(name + "/")
	}
	nameW := min(max(width/3, 16), 40)
	if detail == "" {
		nameW = width - 4
	}
	name = Fit(name, nameW)
	if cursor {
		if focused {
			name = st.Cursor.Render(name)
		} else {
			name = st.CursorOff.Render(name)
		}
	}
	line := mark + sel + name
	if detail != "" {
		line += " " + detail
	}
	return Fit(line, width)
}

// Probe is what probing found out about the file under the picker's cursor.
type Probe struct {
	Pending  bool   // probe still running
	Err      string // why the file cannot be uploaded
	MIME     string
	Kind     string
	Size     int64
	Width    int
	Height   int
	Duration time.Duration
	Category string
}

// ProbeText renders a probe result for the line beside the cursor: "image/png
// · 64KB · 640×480 · tweet_image", or the reason the file cannot be
// uploaded.
func ProbeText(st Styles, p Probe) string {
	switch {
	case p.Pending:
		return st.Dim.Render("probing…")
	case p.Err != "":
		return st.Err.Render("✗ " + OneLine(p.Err))
	}
	parts := []string{p.MIME, Bytes(p.Size)}
	if p.Width > 0 && p.Height > 0 {
		parts = append(parts, fmt.Sprintf("%d×%d", p.Width, p.Height))
	}
	if p.Duration > 0 {
		parts = append(parts, Clock(p.Duration))
	}
	parts = append(parts, p.Category)
	return st.Info.Render(strings.Join(parts, " · "))
}

// Counter renders X's weighted length against the limit: "123/280", in the
// over-limit style past it.
func Counter(st Styles, n, limit int) string {
	s := fmt.Sprintf("%d/%d", n, limit)
	if n > limit {
		return st.CountOver.Render(s + " over")
	}
	return st.Count.Render(s)
}

// Chip is one attached media file in the compose pane.
type Chip struct {
	Name string
	Kind string // image, gif, video
}

// Chips renders the attached media on one line of at most width cells; bad
// marks a set that breaks X's one-tweet rule.
func Chips(st Styles, chips []Chip, bad bool, width int) string {
	if len(chips) == 0 {
		return st.Dim.Render("no media attached (t on a ready queue row attaches it)")
	}
	style := st.Chip
	if bad {
		style = st.ChipBad
	}
	parts := make([]string, len(chips))
	for i, c := range chips {
		parts[i] = style.Render(" " + Cut(c.Name, 24) + " " + c.Kind + " ")
	}
	return Cut(strings.Join(parts, " "), width)
}

// StatusLine renders the top line: the app name, the account, the API
// dialect and base URL, and a summary of the queue at the right. When both
// do not fit, the left part is cut first (down to 24 cells): the summary is
// what changes.
func StatusLine(st Styles, account, dialect, baseURL, summary string, width int) string {
	left := st.Title.Render("mediaup") + " " + st.Status.Render(account+" · "+dialect+" · "+baseURL)
	right := st.Status.Render(summary)
	lw, rw := ansi.StringWidth(left), ansi.StringWidth(right)
	if lw+1+rw > width {
		if width-rw-1 < 24 {
			return Fit(left, width)
		}
		left = Cut(left, width-rw-1)
		lw = ansi.StringWidth(left)
	}
	return left + strings.Repeat(" ", width-lw-rw) + right
}
