package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

func TestBytes(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0B"}, {812, "812B"}, {1024, "1.0KB"}, {64 << 10, "64KB"}, {4404019, "4.2MB"},
		{612 << 20, "612MB"}, {5 << 30, "5.0GB"},
	} {
		if got := Bytes(c.n); got != c.want {
			t.Errorf("Bytes(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestDuration(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "0s"}, {4 * time.Second, "4s"}, {125 * time.Second, "2m05s"},
		{24*time.Hour - 500*time.Millisecond, "23h59m"}, {15 * 24 * time.Hour, "15d00h"},
	} {
		if got := Duration(c.d); got != c.want {
			t.Errorf("Duration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
	if got := ETA(100, 50, 10); got != "5s" {
		t.Errorf("ETA = %q, want 5s", got)
	}
	if got := ETA(100, 50, 0); got != "" {
		t.Errorf("ETA without a rate = %q, want empty", got)
	}
	if got := Clock(7*time.Second + 600*time.Millisecond); got != "0:08" {
		t.Errorf("Clock = %q", got)
	}
}

func TestFitAndLines(t *testing.T) {
	st := NewStyles(colorprofile.TrueColor)
	long := st.Err.Render(strings.Repeat("x", 50))
	if w := ansi.StringWidth(Fit(long, 20)); w != 20 {
		t.Errorf("Fit cut to %d cells, want 20", w)
	}
	if !strings.HasSuffix(ansi.Strip(Fit(long, 20)), "…") {
		t.Errorf("a cut line should end in …: %q", ansi.Strip(Fit(long, 20)))
	}
	if got := Fit("ab", 5); got != "ab   " {
		t.Errorf("Fit pads: %q", got)
	}
	ls := Lines("a\nb\nc\nd", 3, 2)
	if len(ls) != 2 || ls[0] != "a  " || ls[1] != "b  " {
		t.Errorf("Lines = %q", ls)
	}
	if ls := Lines("a", 2, 3); len(ls) != 3 || ls[2] != "  " {
		t.Errorf("Lines pads height: %q", ls)
	}
}

func TestBoxIsExactlyItsSize(t *testing.T) {
	st := NewStyles(colorprofile.TrueColor)
	for _, size := range [][2]int{{80, 10}, {20, 3}, {6, 2}, {100, 7}} {
		body := []string{strings.Repeat("wide text ", 20), "short", "", "x", "y", "z", "more", "rows", "than", "fit", "here"}
		box := Box(st, "Queue (3)", true, size[0], size[1], body)
		lines := strings.Split(box, "\n")
		if len(lines) != size[1] {
			t.Fatalf("box %v has %d lines", size, len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != size[0] {
				t.Errorf("box %v line %d is %d wide: %q", size, i, w, ansi.Strip(l))
			}
		}
	}
	box := ansi.Strip(Box(st, "Picker", false, 30, 4, []string{"hello"}))
	if !strings.HasPrefix(box, "╭─ Picker ─") || !strings.Contains(box, "│ hello") {
		t.Errorf("box:\n%s", box)
	}
}

func TestScroll(t *testing.T) {
	for _, c := range []struct{ n, rows, cursor, offset, want int }{
		{5, 10, 4, 0, 0},    // all fit
		{20, 5, 0, 0, 0},    // top
		{20, 5, 4, 0, 0},    // last visible row
		{20, 5, 5, 0, 1},    // one past: scroll by one
		{20, 5, 19, 0, 15},  // jump to end
		{20, 5, 3, 10, 3},   // cursor above the window
		{20, 5, 18, 17, 15}, // never past the end
		{20, 0, 3, 2, 0},
	} {
		got := Scroll(c.n, c.rows, c.cursor, c.offset)
		if got != c.want {
			t.Errorf("Scroll(%d,%d,%d,%d) = %d, want %d", c.n, c.rows, c.cursor, c.offset, got, c.want)
		}
		if c.rows > 0 && c.n > 0 && (c.cursor < got || c.cursor >= got+c.rows) {
			t.Errorf("cursor %d not visible at offset %d", c.cursor, got)
		}
	}
}

type fakeBar struct{ width int }

func (b fakeBar) ViewAs(p float64) string {
	n := int(p * float64(b.width))
	return strings.Repeat("#", n) + strings.Repeat(".", b.width-n)
}

func TestJobRowPhases(t *testing.T) {
	st := NewStyles(colorprofile.ASCII)
	exp := 24*time.Hour - time.Second
	for _, c := range []struct {
		job  Job
		want []string
	}{
		{Job{Name: "a.mp4", Phase: "queued"}, []string{"a.mp4", "queued"}},
		{Job{Name: "a.mp4", Phase: "uploading", TotalBytes: 4 << 20, SentBytes: 1 << 20, SegmentsAcked: 1,
			SegmentsTotal: 4, Rate: 1 << 20}, []string{"#####...............", "1/4", "1.0MB/4.0MB", "1.0MB/s", "ETA 3s"}},
		{Job{Name: "a.mp4", Phase: "paused", TotalBytes: 100, SentBytes: 50, SegmentsAcked: 1, SegmentsTotal: 2},
			[]string{"paused", "1/2"}},
		{Job{Name: "a.mp4", Phase: "processing", State: "in_progress", Percent: 45}, []string{"⣾ processing in progress 45%"}},
		{Job{Name: "a.png", Phase: "ready", MediaID: "1880028106020515840", ExpiresIn: exp, Attached: true},
			[]string{"◆ a.png", "✓ ready 1880028106020515840 expires in 23h59m"}},
		{Job{Name: "b.png", Phase: "failed", Err: "b.png: file is empty (0 bytes)"},
			[]string{"✗ failed retry won't help b.png: file is empty"}},
		{Job{Name: "c.png", Phase: "failed", Err: "APPEND failed on the network", Retryable: true},
			[]string{"retry may help"}},
	} {
		row := JobRow(st, c.job, 100, RowOptions{Cursor: true, Focused: true, Spinner: "⣾", Bar: fakeBar{20}})
		if w := ansi.StringWidth(row); w != 100 {
			t.Errorf("%s row is %d wide", c.job.Phase, w)
		}
		plain := ansi.Strip(row)
		if !strings.HasPrefix(plain, "▸ ") {
			t.Errorf("cursor row should start with ▸: %q", plain)
		}
		for _, w := range c.want {
			if !strings.Contains(plain, w) {
				t.Errorf("%s row %q lacks %q", c.job.Phase, plain, w)
			}
		}
	}
	narrow := JobRow(st, Job{Name: strings.Repeat("n", 60) + ".png", Phase: "failed", Err: strings.Repeat("why ", 40)},
		40, RowOptions{})
	if w := ansi.StringWidth(narrow); w != 40 {
		t.Errorf("narrow row is %d wide", w)
	}
}

func TestNoColourStylesEmitNoColour(t *testing.T) {
	st := NewStyles(colorprofile.ASCII)
	if st.Colour {
		t.Fatal("ASCII profile reported colour")
	}
	out := Counter(st, 300, 280) + Badge(st, "failed") + Chips(st, []Chip{{"a.png", "image"}}, true, 80) +
		JobRow(st, Job{Name: "x", Phase: "ready", MediaID: "1"}, 60, RowOptions{Cursor: true, Focused: true})
	for _, sgr := range []string{"[38;", "[48;", "[31m", "[91m"} {
		if strings.Contains(out, sgr) {
			t.Errorf("no-colour output has a colour sequence %q: %q", sgr, out)
		}
	}
	if !strings.Contains(out, "\x1b[") {
		t.Error("no-colour styles should still use attributes (bold, reverse)")
	}
	col := NewStyles(colorprofile.TrueColor)
	if !strings.Contains(Counter(col, 300, 280), "38;2;") {
		t.Errorf("over-limit count should be coloured: %q", Counter(col, 300, 280))
	}
}

func TestCounterAndProbeText(t *testing.T) {
	st := NewStyles(colorprofile.ASCII)
	if got := ansi.Strip(Counter(st, 123, 280)); got != "123/280" {
		t.Errorf("Counter = %q", got)
	}
	if got := ansi.Strip(Counter(st, 281, 280)); got != "281/280 over" {
		t.Errorf("Counter over = %q", got)
	}
	p := ProbeText(st, Probe{MIME: "video/mp4", Size: 2 << 20, Duration: 7 * time.Second, Category: "tweet_video"})
	if got := ansi.Strip(p); got != "video/mp4 · 2.0MB · 0:07 · tweet_video" {
		t.Errorf("ProbeText = %q", got)
	}
	p = ProbeText(st, Probe{Err: errors.New("x.png: file is empty (0 bytes)").Error()})
	if got := ansi.Strip(p); got != "✗ x.png: file is empty (0 bytes)" {
		t.Errorf("ProbeText error = %q", got)
	}
}

func TestEntryRowAndStatusLine(t *testing.T) {
	st := NewStyles(colorprofile.TrueColor)
	row := EntryRow(st, Entry{Name: "clips", Dir: true}, true, true, 60, "")
	if ansi.StringWidth(row) != 60 || !strings.Contains(ansi.Strip(row), "▸   clips/") {
		t.Errorf("dir row: %q", ansi.Strip(row))
	}
	row = EntryRow(st, Entry{Name: "a.png", Marked: true}, false, true, 60, "image/png")
	if !strings.Contains(ansi.Strip(row), "✓ a.png") || !strings.Contains(ansi.Strip(row), "image/png") {
		t.Errorf("marked row: %q", ansi.Strip(row))
	}
	s := StatusLine(st, "@demo", "v2", "http://127.0.0.1:1", "1 ready", 80)
	if ansi.StringWidth(s) != 80 || !strings.HasSuffix(ansi.Strip(s), "1 ready") {
		t.Errorf("status line: %q", ansi.Strip(s))
	}
	if w := ansi.StringWidth(StatusLine(st, "@demo", "v2", strings.Repeat("u", 200), "x", 80)); w != 80 {
		t.Errorf("long status line is %d wide", w)
	}
}

func TestUploadProgressCountsAcknowledgedSegments(t *testing.T) {
	st := NewStyles(colorprofile.ASCII)
	// 16 MB in 4 segments, all of it read into requests, one acknowledged.
	j := Job{Name: "a.mp4", Phase: "uploading", TotalBytes: 16 << 20, SentBytes: 16 << 20, SegmentsAcked: 1,
		SegmentsTotal: 4, Rate: 1 << 20}
	plain := ansi.Strip(JobRow(st, j, 100, RowOptions{Bar: fakeBar{20}}))
	for _, want := range []string{"#####...............", "1/4 4.0MB/16MB", "ETA 12s"} {
		if !strings.Contains(plain, want) {
			t.Errorf("row %q lacks %q", plain, want)
		}
	}
}

// TestOneSegmentFileIsNotDoneBeforeXHasIt: a 3 MB video in one segment is
// read into its request at once (socket buffers take it all), but the row
// must not look finished until X acknowledges the segment.
func TestOneSegmentFileIsNotDoneBeforeXHasIt(t *testing.T) {
	st := NewStyles(colorprofile.ASCII)
	j := Job{Name: "big.mp4", Phase: "uploading", TotalBytes: 3 << 20, SentBytes: 3 << 20, SegmentsTotal: 1, Rate: 500 << 10}
	plain := ansi.Strip(JobRow(st, j, 100, RowOptions{Bar: fakeBar{20}}))
	if !strings.Contains(plain, "0/1 0B/3.0MB") || !strings.Contains(plain, "....................") {
		t.Errorf("unacknowledged one-segment row %q", plain)
	}
	j.SegmentsAcked = 1
	if plain := ansi.Strip(JobRow(st, j, 100, RowOptions{Bar: fakeBar{20}})); !strings.Contains(plain, "1/1 3.0MB/3.0MB") {
		t.Errorf("acknowledged row %q", plain)
	}
}

func TestStatusLineKeepsTheSummary(t *testing.T) {
	st := NewStyles(colorprofile.ASCII)
	sum := "7 files · 2 uploading · 1 processing · 2 queued · 2 ready"
	s := ansi.Strip(StatusLine(st, "@mediaup_demo", "v2", "http://127.0.0.1:18787", sum, 100))
	if ansi.StringWidth(s) != 100 || !strings.HasSuffix(s, sum) || !strings.HasPrefix(s, "mediaup @mediaup_demo") {
		t.Errorf("status line %q", s)
	}
}
