package model

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"mediaup/assets"
	"mediaup/uploader"
)

func TestListenDrainsWhatIsQueued(t *testing.T) {
	ch := make(chan uploader.Event, 10)
	for i := 1; i <= 3; i++ {
		ch <- ev(uploader.JobID(i), "f", uploader.PhaseQueued)
	}
	msg := listen(ch)().(eventsMsg)
	if len(msg.events) != 3 || msg.closed {
		t.Fatalf("got %d events (closed %v), want one batch of 3", len(msg.events), msg.closed)
	}
	ch <- ev(4, "f", uploader.PhaseQueued)
	close(ch)
	msg = listen(ch)().(eventsMsg)
	if len(msg.events) != 1 || !msg.closed {
		t.Fatalf("got %d events (closed %v), want 1 and closed", len(msg.events), msg.closed)
	}
	if msg := listen(ch)().(eventsMsg); !msg.closed || len(msg.events) != 0 {
		t.Fatalf("a closed channel should give an empty closed batch, got %+v", msg)
	}
}

func TestListenBoundsABatch(t *testing.T) {
	ch := make(chan uploader.Event, maxBatch+10)
	for i := 0; i < maxBatch+10; i++ {
		ch <- ev(1, "f", uploader.PhaseUploading)
	}
	if n := len(listen(ch)().(eventsMsg).events); n != maxBatch {
		t.Fatalf("batch of %d, want %d", n, maxBatch)
	}
}

func TestEventsBecomeRows(t *testing.T) {
	a, _, _ := newTestApp(t, 100, 30)
	up := ev(1, "/m/clip.mp4", uploader.PhaseUploading)
	up.Kind, up.TotalBytes, up.SentBytes, up.SegmentsAcked, up.SegmentsTotal, up.Rate = "video", 8<<20, 2<<20, 1, 4, 1<<20
	apply(a, ev(1, "/m/clip.mp4", uploader.PhaseQueued), up, ev(2, "/m/a.png", uploader.PhaseQueued),
		failedEv(3, "/m/empty.png", "/m/empty.png: file is empty (0 bytes)", false))
	if a.queue.Len() != 3 {
		t.Fatalf("%d rows, want 3", a.queue.Len())
	}
	s := screen(a)
	for _, want := range []string{"clip.mp4", "1/4 2.0MB/8.0MB 1.0MB/s ETA 6s", "a.png", "queued",
		"empty.png", "✗ failed retry won't help file is empty (0 bytes)"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	// Only the last event of a job counts; a later batch replaces the row.
	proc := ev(1, "/m/clip.mp4", uploader.PhaseProcessing)
	proc.State, proc.Percent = "in_progress", 45
	cmd := apply(a, proc, readyEv(2, "/m/a.png", "image"))
	if cmd == nil || !a.queue.spinning {
		t.Error("a processing row should start the shared spinner")
	}
	s = screen(a)
	for _, want := range []string{"processing in progress 45%", "✓ ready 1880028106020515802 expires in 24h00m"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "ETA") {
		t.Error("a processing row still shows the upload figures")
	}
	// The spinner stops once nothing is processing.
	apply(a, readyEv(1, "/m/clip.mp4", "video"))
	if _, c := a.queue.Update(a.queue.spin.Tick()); c != nil {
		t.Error("spinner ticks on with nothing processing")
	}
	// A removed job's row goes.
	gone := ev(3, "/m/empty.png", uploader.PhaseFailed)
	gone.Removed = true
	apply(a, gone)
	if a.queue.Len() != 2 || strings.Contains(screen(a), "empty.png") {
		t.Errorf("removed job still shown:\n%s", screen(a))
	}
	if got := a.queue.summary(); got != "2 files · 2 ready" {
		t.Errorf("summary %q", got)
	}
}

func TestFailedRowSaysWhetherRetryHelps(t *testing.T) {
	a, _, _ := newTestApp(t, 120, 30)
	apply(a, failedEv(1, "/m/net.png", "APPEND failed on the network: connection reset", true))
	s := screen(a)
	if !strings.Contains(s, "retry may help") || !strings.Contains(s, "connection reset") {
		t.Errorf("screen:\n%s", s)
	}
}

func TestExpiryCountsDownWithTheClock(t *testing.T) {
	now := testNow
	m := newFakeManager()
	a := New(Config{Manager: m, StartDir: t.TempDir(), Profile: colorprofile.ASCII, Now: func() time.Time { return now }})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	apply(a, readyEv(1, "/m/a.png", "image"))
	now = now.Add(90 * time.Minute)
	a.Update(clockMsg(now))
	if s := screen(a); !strings.Contains(s, "expires in 22h30m") {
		t.Errorf("expiry did not follow the clock:\n%s", s)
	}
}

func TestKeyMapCoversTheContract(t *testing.T) {
	km := DefaultKeyMap()
	for _, c := range []struct {
		key string
		b   key.Binding
	}{
		{"tab", km.NextPane}, {"shift+tab", km.PrevPane}, {"space", km.Select}, {"enter", km.Open},
		{"p", km.Pause}, {"x", km.Cancel}, {"r", km.Retry}, {"d", km.Remove}, {"t", km.Attach},
		{"a", km.AltText}, {"o", km.Owners}, {"c", km.Compose}, {"esc", km.Leave}, {"ctrl+s", km.Post},
		{"?", km.Help}, {"q", km.Quit}, {"ctrl+c", km.Quit}, {"ctrl+c", km.ForceQuit}, {"backspace", km.Back},
		{"left", km.Back},
	} {
		msg := press(c.key)
		if !key.Matches(msg, c.b) {
			t.Errorf("%s does not match its binding %v", c.key, c.b.Keys())
		}
		if c.b.Help().Key == "" || c.b.Help().Desc == "" {
			t.Errorf("binding for %s has no help text", c.key)
		}
	}
	// The help bar shows the focused pane's keys.
	for _, c := range []struct {
		focus pane
		want  []string
	}{
		{panePicker, []string{"space", "enter", "tab", "c", "?", "q"}},
		{paneQueue, []string{"p", "x", "r", "d", "t", "a", "o"}},
		{paneCompose, []string{"ctrl+s", "esc"}},
	} {
		var got []string
		for _, b := range (contextHelp{km: km, focus: c.focus}).ShortHelp() {
			got = append(got, b.Help().Key)
		}
		for _, w := range c.want {
			if !contains(got, w) {
				t.Errorf("help for pane %d lacks %q: %v", c.focus, w, got)
			}
		}
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func TestFocusMovesWithTabAndCompose(t *testing.T) {
	a, _, _ := newTestApp(t, 100, 30)
	if a.focus != panePicker {
		t.Fatalf("starts on %d", a.focus)
	}
	send(a, "tab")
	if a.focus != paneQueue {
		t.Fatalf("tab: focus %d", a.focus)
	}
	send(a, "shift+tab", "shift+tab")
	if a.focus != paneCompose {
		t.Fatalf("shift+tab twice: focus %d", a.focus)
	}
	send(a, "esc")
	if a.focus != panePicker {
		t.Fatalf("esc leaves compose to where it came from, focus %d", a.focus)
	}
	send(a, "tab", "c")
	if a.focus != paneCompose {
		t.Fatalf("c: focus %d", a.focus)
	}
	typeText(a, "q?c")
	if a.focus != paneCompose || a.compose.Text() != "q?c" {
		t.Fatalf("keys typed in compose should be text, got %q focus %d", a.compose.Text(), a.focus)
	}
	send(a, "esc")
	if a.focus != paneQueue {
		t.Fatalf("esc should return to the queue, focus %d", a.focus)
	}
	send(a, "?")
	if !a.help.ShowAll || !strings.Contains(screen(a), "attach/detach") {
		t.Errorf("? should show the full help:\n%s", screen(a))
	}
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	for _, want := range []string{"shift+tab prev pane", "enter queue/open", "o owners", "ctrl+s post", "quit"} {
		if !strings.Contains(screen(a), want) {
			t.Errorf("full help at 80 columns lacks %q:\n%s", want, screen(a))
		}
	}
}

func TestQueueActionsCallTheManager(t *testing.T) {
	a, m, _ := newTestApp(t, 100, 30)
	send(a, "tab")
	up := ev(1, "/m/a.mp4", uploader.PhaseUploading)
	apply(a, up, ev(2, "/m/b.mp4", uploader.PhasePaused), failedEv(3, "/m/c.mp4", "c.mp4: boom", true))
	send(a, "p")      // pause job 1
	send(a, "down")   // to job 2 (paused)
	send(a, "p")      // resume it
	send(a, "down")   // job 3
	send(a, "r", "x") // retry, cancel
	send(a, "d")
	want := []string{"pause 1", "resume 2", "retry 3", "cancel 3", "remove 3"}
	if got := m.callLog(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("calls %v, want %v", got, want)
	}
	m.fail["cancel"] = errors.New("/m/c.mp4: cannot cancel a file that is failed")
	settle(a, send(a, "x"))
	if !strings.Contains(screen(a), "cannot cancel a file that is failed") {
		t.Errorf("the manager's error should be shown:\n%s", screen(a))
	}
}

func TestAltTextAndOwnersInputs(t *testing.T) {
	a, m, _ := newTestApp(t, 100, 30)
	send(a, "tab")
	apply(a, readyEv(1, "/m/a.png", "image"))
	send(a, "a")
	if !a.queue.Editing() {
		t.Fatal("a should open the alt text input")
	}
	typeText(a, "A red kite over a hill")
	if a.focus != paneQueue || a.queue.Editing() == false {
		t.Fatal("typing in the input must not act on the queue")
	}
	settle(a, send(a, "enter"))
	if m.alt[1] != "A red kite over a hill" {
		t.Errorf("SetAltText got %q", m.alt[1])
	}
	if s := screen(a); !strings.Contains(s, "alt text saved for a.png") || !strings.Contains(s, "alt: A red kite") {
		t.Errorf("screen:\n%s", s)
	}
	// Owners: a bad ID keeps the input open with the reason.
	send(a, "o")
	typeText(a, "3805104374, bob")
	settle(a, send(a, "enter"))
	if !a.queue.Editing() || !strings.Contains(screen(a), `"bob" is not a numeric X user ID`) {
		t.Fatalf("bad owners should be refused and the input kept:\n%s", screen(a))
	}
	for range "bob" {
		send(a, "backspace")
	}
	typeText(a, "783214")
	settle(a, send(a, "enter"))
	if got := m.owners[1]; strings.Join(got, ",") != "3805104374,783214" {
		t.Errorf("SetOwners got %v", got)
	}
	// esc closes without saving.
	send(a, "a")
	typeText(a, "never saved")
	send(a, "esc")
	if a.queue.Editing() || m.alt[1] != "A red kite over a hill" {
		t.Error("esc should close the input without saving")
	}
	// Videos take no alt text.
	apply(a, readyEv(2, "/m/v.mp4", "video"))
	settle(a, send(a, "down", "a"))
	if a.queue.Editing() || !strings.Contains(screen(a), "alt text for images and GIFs only") {
		t.Errorf("alt text on a video should be refused:\n%s", screen(a))
	}
}

func TestAltTextLimit(t *testing.T) {
	a, _, _ := newTestApp(t, 100, 30)
	send(a, "tab")
	apply(a, readyEv(1, "/m/a.png", "image"))
	send(a, "a")
	typeText(a, strings.Repeat("x", uploader.MaxAltText+20))
	if n := len([]rune(a.queue.input.Value())); n != uploader.MaxAltText {
		t.Errorf("alt text input holds %d characters, want at most %d", n, uploader.MaxAltText)
	}
}

func TestDefaultAttachmentsFitOneTweet(t *testing.T) {
	a, _, _ := newTestApp(t, 120, 36)
	var evs []uploader.Event
	for i := 1; i <= 5; i++ {
		evs = append(evs, readyEv(uploader.JobID(i), filepath.Join("/m", string(rune('a'+i-1))+".png"), "image"))
	}
	apply(a, evs...)
	if n := len(a.queue.attachments()); n != 4 {
		t.Fatalf("%d attached, want the first 4 images", n)
	}
	// A GIF that becomes ready later does not push the images out.
	apply(a, readyEv(6, "/m/anim.gif", "gif"))
	got := a.queue.attachments()
	if len(got) != 4 || got[0].Job != 1 || got[3].Job != 4 {
		t.Fatalf("attachments %v", jobs(got))
	}
	if a.queue.attachError() != nil {
		t.Fatal("the default set should always fit")
	}
	s := screen(a)
	if !strings.Contains(s, " a.png image ") || strings.Contains(s, "anim.gif gif") {
		t.Errorf("chips:\n%s", s)
	}
}

func jobs(evs []uploader.Event) []uploader.JobID {
	var ids []uploader.JobID
	for _, e := range evs {
		ids = append(ids, e.Job)
	}
	return ids
}

func TestToggleAttachmentsAndTheRule(t *testing.T) {
	a, _, p := newTestApp(t, 120, 36)
	send(a, "tab")
	apply(a, readyEv(1, "/m/a.png", "image"), readyEv(2, "/m/b.png", "image"), readyEv(3, "/m/anim.gif", "gif"),
		ev(4, "/m/slow.mp4", uploader.PhaseUploading))
	if got := jobs(a.queue.attachments()); len(got) != 2 {
		t.Fatalf("default %v, want the two images", got)
	}
	send(a, "t") // detach a.png
	if got := jobs(a.queue.attachments()); len(got) != 1 || got[0] != 2 {
		t.Fatalf("after detaching a.png: %v", got)
	}
	send(a, "t") // attach it again
	if got := jobs(a.queue.attachments()); len(got) != 2 {
		t.Fatalf("after re-attaching: %v", got)
	}
	send(a, "down", "down", "t") // attach the GIF too: breaks the rule
	if err := a.queue.attachError(); err == nil || !strings.Contains(err.Error(), "GIF cannot share a tweet") {
		t.Fatalf("rule error %v", err)
	}
	s := screen(a)
	if !strings.Contains(s, "a GIF cannot share a tweet with other media") {
		t.Errorf("the broken rule should be explained:\n%s", s)
	}
	send(a, "c")
	typeText(a, "hello")
	settle(a, send(a, "ctrl+s"))
	if p.count() != 0 || !strings.Contains(screen(a), "not posted") {
		t.Errorf("a post breaking the rule must be refused:\n%s", screen(a))
	}
	// t on a row that is not ready explains itself.
	send(a, "esc", "down", "t")
	settle(a, send(a, "t"))
	if !strings.Contains(screen(a), "only a ready file can be attached") {
		t.Errorf("screen:\n%s", screen(a))
	}
}

func TestWeightedCount(t *testing.T) {
	a, _, _ := newTestApp(t, 100, 30)
	send(a, "c")
	typeText(a, "Hi http://test.co")
	if !strings.Contains(screen(a), "26/280") {
		t.Errorf("weighted count of a URL should be 26:\n%s", screen(a))
	}
	typeText(a, strings.Repeat("界", 140))
	if !strings.Contains(screen(a), "306/280 over") {
		t.Errorf("CJK counts 2 and over the limit shows it:\n%s", screen(a))
	}
	c := NewAppColourCount(t, strings.Repeat("x", 281))
	if !strings.Contains(c, "\x1b[") || !strings.Contains(c, "281/280") {
		t.Errorf("over-limit count not styled: %q", c)
	}
}

// NewAppColourCount renders the compose count of text in colour.
func NewAppColourCount(t *testing.T, text string) string {
	m := newFakeManager()
	a := New(Config{Manager: m, StartDir: t.TempDir(), Profile: colorprofile.TrueColor})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	a.compose.ta.SetValue(text)
	for _, l := range strings.Split(a.Render(), "\n") {
		if strings.Contains(l, "281/280") {
			return l
		}
	}
	return ""
}

func TestPostingOnceAtATime(t *testing.T) {
	a, _, p := newTestApp(t, 100, 30)
	apply(a, readyEv(1, "/m/a.png", "image"), readyEv(2, "/m/b.png", "image"))
	send(a, "c")
	typeText(a, "launch day")
	cmd := send(a, "ctrl+s")
	if cmd == nil || !a.compose.Posting() {
		t.Fatal("ctrl+s should start a post")
	}
	if again := send(a, "ctrl+s"); again != nil {
		t.Fatal("a second ctrl+s while posting must not post again")
	}
	if !strings.Contains(screen(a), "already on its way") || !strings.Contains(screen(a), "posting…") {
		t.Errorf("screen:\n%s", screen(a))
	}
	settle(a, cmd)
	if p.count() != 1 {
		t.Fatalf("%d posts, want 1", p.count())
	}
	if strings.Join(p.ids[0], ",") != "1880028106020515801,1880028106020515802" || p.texts[0] != "launch day" {
		t.Errorf("posted %q with %v", p.texts[0], p.ids[0])
	}
	if s := screen(a); !strings.Contains(s, "posted tweet 1700000000000000001") {
		t.Errorf("the tweet ID should be shown:\n%s", s)
	}
	if a.compose.Text() != "" || len(a.Posted()) != 1 {
		t.Errorf("after a post the editor is cleared: %q", a.compose.Text())
	}
}

func TestFailedPostKeepsTheText(t *testing.T) {
	a, _, p := newTestApp(t, 100, 30)
	p.err = errors.New("TWEET: HTTP 403: You are not allowed to create a Tweet with duplicate content. (X code 187)")
	send(a, "c")
	typeText(a, "same again")
	settle(a, send(a, "ctrl+s"))
	if a.compose.Text() != "same again" || a.compose.Posting() {
		t.Fatalf("text %q, posting %v", a.compose.Text(), a.compose.Posting())
	}
	if s := screen(a); !strings.Contains(s, "duplicate content") {
		t.Errorf("the error should be shown:\n%s", s)
	}
	if a.PostErr() == nil {
		t.Error("PostErr should report the failure")
	}
	p.err = nil
	settle(a, send(a, "ctrl+s"))
	if p.count() != 2 || a.PostErr() != nil {
		t.Errorf("retry by ctrl+s: %d posts, err %v", p.count(), a.PostErr())
	}
}

func TestEmptyPostIsRefused(t *testing.T) {
	a, _, p := newTestApp(t, 100, 30)
	settle(a, send(a, "c", "ctrl+s"))
	if p.count() != 0 || !strings.Contains(screen(a), "tweet is empty") {
		t.Errorf("screen:\n%s", screen(a))
	}
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func TestQuitAsksWhileUploadsRun(t *testing.T) {
	a, _, _ := newTestApp(t, 100, 30)
	apply(a, ev(1, "/m/a.mp4", uploader.PhaseUploading))
	if cmd := send(a, "q"); isQuit(cmd) {
		t.Fatal("q while uploading should ask first")
	}
	if !a.confirmQuit || !strings.Contains(screen(a), "Quit? 1 file still uploading") {
		t.Fatalf("no question:\n%s", screen(a))
	}
	send(a, "n")
	if a.confirmQuit {
		t.Fatal("n should keep the app running")
	}
	if cmd := send(a, "ctrl+c"); isQuit(cmd) || !a.confirmQuit {
		t.Fatal("ctrl+c should ask too")
	}
	if cmd := send(a, "y"); !isQuit(cmd) {
		t.Fatal("y should quit")
	}
	// Nothing running: quit at once; paused and finished jobs do not hold it.
	b, _, _ := newTestApp(t, 100, 30)
	apply(b, ev(1, "/m/a.mp4", uploader.PhasePaused), readyEv(2, "/m/b.png", "image"))
	if cmd := send(b, "q"); !isQuit(cmd) {
		t.Fatal("q with nothing running should quit")
	}
	// In compose, q is a letter; ctrl+c still quits.
	c, _, _ := newTestApp(t, 100, 30)
	send(c, "c")
	if cmd := send(c, "q"); isQuit(cmd) {
		t.Fatal("q in compose should type")
	}
	if cmd := send(c, "ctrl+c"); !isQuit(cmd) {
		t.Fatal("ctrl+c in compose should quit")
	}
}

func TestQueueScrollsWithinItsPane(t *testing.T) {
	a, _, _ := newTestApp(t, 80, 24)
	send(a, "tab")
	var evs []uploader.Event
	for i := 1; i <= 60; i++ {
		evs = append(evs, ev(uploader.JobID(i), filepath.Join("/m", "file"+itoa(i)+".mp4"), uploader.PhaseQueued))
	}
	apply(a, evs...)
	rows := a.queue.listRows()
	for i := 0; i < 59; i++ {
		send(a, "down")
		q := a.queue
		if q.cursor < q.offset || q.cursor >= q.offset+rows || q.offset < 0 || q.offset > q.Len()-rows {
			t.Fatalf("cursor %d offset %d rows %d", q.cursor, q.offset, rows)
		}
		checkFits(t, a, 80, 24)
	}
	s := screen(a)
	if !strings.Contains(s, "▸ ") || !strings.Contains(s, "file60.mp4") || strings.Contains(s, "file1.mp4 ") ||
		strings.Contains(s, "file10.mp4") {
		t.Errorf("the last row should be shown, the first scrolled away:\n%s", s)
	}
	if !strings.Contains(s, "of 60") {
		t.Errorf("the title should say where we are:\n%s", s)
	}
	send(a, "down") // past the end: stays
	if a.queue.cursor != 59 {
		t.Errorf("cursor %d past the end", a.queue.cursor)
	}
	send(a, "g")
	if a.queue.cursor != 0 || a.queue.offset != 0 {
		t.Errorf("home: cursor %d offset %d", a.queue.cursor, a.queue.offset)
	}
	// Removing rows under the cursor keeps it in range.
	send(a, "G")
	var gone []uploader.Event
	for i := 30; i <= 60; i++ {
		e := ev(uploader.JobID(i), "x", uploader.PhaseQueued)
		e.Removed = true
		gone = append(gone, e)
	}
	apply(a, gone...)
	if a.queue.cursor != 28 {
		t.Errorf("cursor %d after removing the tail, want 28", a.queue.cursor)
	}
	checkFits(t, a, 80, 24)
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestViewNeverExceedsTheWindow(t *testing.T) {
	a, _, _ := newTestApp(t, 80, 24)
	var evs []uploader.Event
	for i := 1; i <= 40; i++ {
		e := failedEv(uploader.JobID(i), "/m/"+strings.Repeat("long-name-", 8)+itoa(i)+".png",
			strings.Repeat("a very long reason ", 20), i%2 == 0)
		evs = append(evs, e)
	}
	apply(a, evs...)
	send(a, "c")
	typeText(a, strings.Repeat("word ", 200))
	for _, size := range [][2]int{{80, 24}, {100, 30}, {120, 36}, {60, 16}, {40, 10}, {20, 5}, {200, 60}} {
		a.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		checkFits(t, a, size[0], size[1])
		a.help.ShowAll = true
		a.layout()
		checkFits(t, a, size[0], size[1])
		a.help.ShowAll = false
		a.layout()
	}
	a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	lines := strings.Split(a.Render(), "\n")
	if len(lines) != 24 {
		t.Errorf("at 80×24 the view should fill the window: %d lines", len(lines))
	}
	s := screen(a)
	for _, want := range []string{"Files", "Queue", "Compose", "ctrl+s"} {
		if !strings.Contains(s, want) {
			t.Errorf("80×24 lacks %q:\n%s", want, s)
		}
	}
}

func TestNoColourProfileDrawsNoColour(t *testing.T) {
	a, _, _ := newTestApp(t, 100, 30)
	up := ev(1, "/m/a.mp4", uploader.PhaseUploading)
	up.TotalBytes, up.SentBytes = 100, 40
	apply(a, up, failedEv(2, "/m/b.png", "b.png: bad", false), readyEv(3, "/m/c.png", "image"))
	out := a.Render()
	for _, sgr := range []string{"38;2;", "48;2;", "38;5;", "48;5;"} {
		if strings.Contains(out, sgr) {
			t.Fatalf("ASCII profile output has colour %q", sgr)
		}
	}
	// A colour profile message from Bubble Tea switches the styles.
	a.Update(tea.ColorProfileMsg{Profile: colorprofile.TrueColor})
	if !strings.Contains(a.Render(), "38;2;") {
		t.Error("TrueColor profile should draw colour")
	}
}

func TestPickerListsProbesAndQueues(t *testing.T) {
	dir := t.TempDir()
	if _, err := assets.WriteTo(dir); err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not media"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "empty.png"), nil, 0o644))
	must(t, os.Mkdir(filepath.Join(dir, "campaign"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "campaign", "inner.mp4"), []byte("x"), 0o644))

	m := newFakeManager()
	a := New(Config{Manager: m, StartDir: dir, Profile: colorprofile.ASCII})
	a.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	settle(a, a.picker.Init())
	var names []string
	for _, e := range a.picker.entries {
		names = append(names, e.name)
	}
	if got := strings.Join(names, ","); got != "campaign,empty.png,sample.gif,sample.mp4,sample.png,sample2.png" {
		t.Fatalf("entries %s", got)
	}
	settle(a, send(a, "down")) // empty.png: probed, reason shown
	if s := screen(a); !strings.Contains(s, "file is empty") {
		t.Errorf("the probe reason should be beside the cursor:\n%s", s)
	}
	settle(a, send(a, "down", "down"))
	s := screen(a)
	if !strings.Contains(s, "video/mp4") || !strings.Contains(s, "tweet_video") {
		t.Errorf("probe of sample.mp4 should show type and category:\n%s", s)
	}
	// Select two files, enter queues both.
	settle(a, send(a, "space"))
	settle(a, send(a, "space"))
	if !strings.Contains(screen(a), "2 selected") {
		t.Errorf("screen:\n%s", screen(a))
	}
	settle(a, send(a, "enter"))
	want := []string{filepath.Join(dir, "sample.mp4"), filepath.Join(dir, "sample.png")}
	if strings.Join(m.added, ",") != strings.Join(want, ",") {
		t.Fatalf("queued %v, want %v", m.added, want)
	}
	if !strings.Contains(screen(a), "queued sample.mp4, sample.png") {
		t.Errorf("screen:\n%s", screen(a))
	}
	// Enter with nothing selected queues the file under the cursor.
	settle(a, send(a, "enter"))
	if len(m.added) != 3 || m.added[2] != filepath.Join(dir, "sample2.png") {
		t.Fatalf("queued %v", m.added)
	}
	// Enter on a folder opens it; backspace comes back with the cursor on it.
	settle(a, send(a, "g", "enter"))
	if a.picker.Dir() != filepath.Join(dir, "campaign") || len(a.picker.entries) != 1 {
		t.Fatalf("in %s with %v", a.picker.Dir(), a.picker.entries)
	}
	settle(a, send(a, "backspace"))
	if a.picker.Dir() != dir || a.picker.cursor != 0 || a.picker.entries[0].name != "campaign" {
		t.Fatalf("back in %s, cursor %d", a.picker.Dir(), a.picker.cursor)
	}
}

func TestFilesGivenAreQueuedAtOnce(t *testing.T) {
	m := newFakeManager()
	a := New(Config{Manager: m, Files: []string{"a.png", "b.mp4"}, StartDir: t.TempDir(), Profile: colorprofile.ASCII})
	if strings.Join(m.added, ",") != "a.png,b.mp4" {
		t.Fatalf("added %v", m.added)
	}
	if a.focus != paneQueue {
		t.Error("with files given, the queue should have the focus")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
