package model

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/mediaup/mediaup/sandbox/sandboxtest"
	"github.com/mediaup/mediaup/uploader"
	"github.com/mediaup/mediaup/uploader/tweet"
	"github.com/mediaup/mediaup/xapi"
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
	a := newTestApp(t, 100, 30)
	up := ev(1, "/m/clip.mp4", uploader.PhaseUploading)
	up.Kind, up.TotalBytes, up.SentBytes, up.SegmentsAcked, up.SegmentsTotal, up.Rate = "video", 8<<20, 2<<20, 1, 4, 1<<20
	apply(a, ev(1, "/m/clip.mp4", uploader.PhaseQueued), up, ev(2, "/m/a.png", uploader.PhaseQueued),
		failedEv(3, "/m/empty.png", "file is empty (0 bytes)", false))
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
	a := newTestApp(t, 120, 30)
	apply(a, failedEv(1, "/m/net.png", "APPEND failed on the network: connection reset", true))
	s := screen(a)
	if !strings.Contains(s, "retry may help") || !strings.Contains(s, "connection reset") {
		t.Errorf("screen:\n%s", s)
	}
	// A wrong credential, for real: X answers 401, and trying again cannot
	// help.
	creds := demoCredentials()
	creds.ConsumerSecret = "not-the-secret"
	e := newEnv(t, 160, 30, setup{creds: &creds, files: []string{filepath.Join(sampleFiles(t), "sample.png")}})
	e.until("sample.png failed", e.rowIs(1, uploader.PhaseFailed))
	var ae *xapi.APIError
	if j := e.job(1); !errors.As(j.Err, &ae) || ae.StatusCode != 401 || j.Retryable {
		t.Fatalf("the engine should report a 401 that retrying cannot fix: %v (retryable %v)", j.Err, j.Retryable)
	}
	s = screen(e.app)
	if !strings.Contains(s, "retry won't help") || !strings.Contains(s, "Could not authenticate you") {
		t.Errorf("screen:\n%s", s)
	}
}

func TestExpiryCountsDownWithTheClock(t *testing.T) {
	now := testNow
	a := newEnv(t, 100, 30, setup{now: func() time.Time { return now }}).app
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
	a := newTestApp(t, 100, 30)
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

// TestQueueActionsDriveTheEngine presses p, x, r and d on real jobs and
// checks what the engine did: a paused upload keeps its media ID and
// resumes with it, a canceled one continues its session on retry, a file
// that cannot work fails again on retry, an action the engine refuses
// shows its reason, and a removed job is gone, running or not.
func TestQueueActionsDriveTheEngine(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "empty.png"), nil, 0o644))
	s := slow()
	s.files = []string{paddedMP4(t, dir, "a.mp4", bigVideo), paddedMP4(t, dir, "b.mp4", bigVideo), filepath.Join(dir, "empty.png")}
	e := newEnv(t, 100, 30, s)
	a := e.app
	if a.focus != paneQueue {
		t.Fatalf("with files given the queue should have the focus, not pane %d", a.focus)
	}
	e.until("both videos uploading and empty.png failed", func() bool {
		return e.uploading(1)() && e.uploading(2)() && e.rowIs(3, uploader.PhaseFailed)()
	})
	idA, idB := e.row(1).MediaID, e.row(2).MediaID
	if e.row(1).Resumed {
		t.Fatal("a first upload is not a resumed one")
	}

	// p pauses the selected upload, and only it, keeping its media ID.
	send(a, "p")
	e.until("a.mp4 paused", e.rowIs(1, uploader.PhasePaused))
	if j := e.job(1); j.Phase != uploader.PhasePaused || j.MediaID != idA {
		t.Fatalf("after p the engine has a.mp4 %s with media %s, want paused with %s", j.Phase, j.MediaID, idA)
	}
	if j := e.job(2); j.Phase != uploader.PhaseUploading {
		t.Errorf("p paused b.mp4 too: %s", j.Phase)
	}
	if !strings.Contains(screen(a), "1 uploading · 1 paused") {
		t.Errorf("the status line should count the paused file:\n%s", screen(a))
	}
	// p on a paused row resumes it: the same session, the same media ID.
	send(a, "p")
	e.until("a.mp4 uploading again", e.uploading(1))
	if j := e.job(1); !j.Resumed || j.MediaID != idA {
		t.Fatalf("after the second p: resumed %v, media %s, want the session %s resumed", j.Resumed, j.MediaID, idA)
	}

	// x cancels the next row's upload; r retries it, continuing its session.
	send(a, "down", "x")
	e.until("b.mp4 canceled", e.rowIs(2, uploader.PhaseCanceled))
	if j := e.job(2); j.Phase != uploader.PhaseCanceled {
		t.Fatalf("after x the engine has b.mp4 %s", j.Phase)
	}
	if s := screen(a); !strings.Contains(s, "b.mp4: canceled") {
		t.Errorf("the canceled row should say so:\n%s", s)
	}
	if j := e.job(1); j.Phase != uploader.PhaseUploading {
		t.Errorf("x on b.mp4 stopped a.mp4 too: %s", j.Phase)
	}
	send(a, "r")
	e.until("b.mp4 uploading again", e.uploading(2))
	if j := e.job(2); !j.Resumed || j.MediaID != idB {
		t.Fatalf("after r: resumed %v, media %s, want the session %s continued", j.Resumed, j.MediaID, idB)
	}

	// r on a file that cannot work runs it again, and it fails again.
	mark := len(e.seen)
	send(a, "down", "r")
	e.until("empty.png queued again and failed again", func() bool {
		requeued := slices.ContainsFunc(e.seen[mark:], func(ev uploader.Event) bool {
			return ev.Job == 3 && ev.Phase == uploader.PhaseQueued
		})
		return requeued && e.rowIs(3, uploader.PhaseFailed)()
	})
	if j := e.job(3); j.Phase != uploader.PhaseFailed || j.Err == nil || !strings.Contains(j.Err.Error(), "file is empty") {
		t.Fatalf("empty.png after r: %s %v", j.Phase, j.Err)
	}

	// x on a failed file: the engine refuses, and the screen says why.
	settle(a, send(a, "x"))
	if s := screen(a); !strings.Contains(s, "empty.png: cannot cancel a file that is failed") {
		t.Errorf("the engine's refusal should be shown:\n%s", s)
	}
	if j := e.job(3); j.Phase != uploader.PhaseFailed {
		t.Errorf("a refused cancel changed the job: %s", j.Phase)
	}

	// d removes a finished job and a running one: the engine forgets
	// both, their rows go, and the job left is untouched.
	send(a, "d")
	e.until("empty.png's row gone", func() bool { _, ok := a.queue.jobs[3]; return !ok })
	send(a, "g", "d")
	e.until("a.mp4's row gone", func() bool { _, ok := a.queue.jobs[1]; return !ok })
	for _, id := range []uploader.JobID{1, 3} {
		if j, ok := e.mgr.Job(id); ok {
			t.Errorf("job %d (%s) is still in the engine after d: %s", id, filepath.Base(j.Path), j.Phase)
		}
	}
	if a.queue.Len() != 1 || e.job(2).Phase != uploader.PhaseUploading {
		t.Errorf("%d rows left, b.mp4 %s; want b.mp4 alone, still uploading", a.queue.Len(), e.job(2).Phase)
	}
	if s := ansi.Strip(a.queue.View(a.st, true, nil)); strings.Contains(s, "a.mp4") || strings.Contains(s, "empty.png") {
		t.Errorf("removed rows still shown:\n%s", s)
	}
}

// TestAltTextAndOwnersInputs edits alt text and owners through the queue's
// inputs and checks what the engine keeps and what X receives.
func TestAltTextAndOwnersInputs(t *testing.T) {
	dir := t.TempDir()
	s := slow()
	s.manager.Workers = 1 // a.png waits behind the video, so its owners can still change
	s.files = []string{paddedMP4(t, dir, "v.mp4", bigVideo),
		copyFile(t, filepath.Join(sampleFiles(t), "sample.png"), filepath.Join(dir, "a.png"))}
	e := newEnv(t, 100, 30, s)
	a := e.app
	e.until("the video uploading and a.png waiting", func() bool {
		return e.uploading(1)() && e.rowIs(2, uploader.PhaseQueued)()
	})

	// Videos take no alt text.
	settle(a, send(a, "a"))
	if a.queue.Editing() || !strings.Contains(screen(a), "alt text for images and GIFs only") {
		t.Errorf("alt text on a video should be refused:\n%s", screen(a))
	}
	// Owners are fixed once an upload has started: the engine says so.
	send(a, "o")
	typeText(a, "783214")
	settle(a, send(a, "enter"))
	if a.queue.Editing() || !strings.Contains(screen(a), "owners are fixed once the upload has started") {
		t.Errorf("owners on a started upload should be refused with the engine's reason:\n%s", screen(a))
	}
	if o, _ := e.mgr.Options(1); len(o.Owners) != 0 {
		t.Errorf("the engine took owners for a started upload: %v", o.Owners)
	}

	// a.png has not started. A bad ID keeps the input open with the reason,
	// and nothing reaches the engine.
	send(a, "down", "o")
	typeText(a, "3805104374, bob")
	settle(a, send(a, "enter"))
	if !a.queue.Editing() || !strings.Contains(screen(a), `"bob" is not a numeric X user ID`) {
		t.Fatalf("bad owners should be refused and the input kept:\n%s", screen(a))
	}
	if o, _ := e.mgr.Options(2); len(o.Owners) != 0 {
		t.Errorf("refused owners reached the engine: %v", o.Owners)
	}
	for range "bob" {
		send(a, "backspace")
	}
	typeText(a, "783214")
	settle(a, send(a, "enter"))
	if o, _ := e.mgr.Options(2); strings.Join(o.Owners, ",") != "3805104374,783214" {
		t.Errorf("the engine has owners %v", o.Owners)
	}
	if s := screen(a); !strings.Contains(s, "a.png: additional owners 3805104374, 783214") {
		t.Errorf("screen:\n%s", s)
	}

	// Alt text before the upload: the engine keeps it for when the media
	// is ready. Typing in the input must not act on the queue (the text has
	// a, d, r, o and t in it).
	send(a, "a")
	if !a.queue.Editing() {
		t.Fatal("a should open the alt text input")
	}
	typeText(a, "A red kite over a hill")
	if a.focus != paneQueue || !a.queue.Editing() {
		t.Fatal("typing in the input must not leave it")
	}
	if j := e.job(1); j.Phase != uploader.PhaseUploading || e.job(2).Phase != uploader.PhaseQueued {
		t.Fatalf("typing in the input acted on the queue: v.mp4 %s, a.png %s", j.Phase, e.job(2).Phase)
	}
	do(a, send(a, "enter"))
	if o, _ := e.mgr.Options(2); o.AltText != "A red kite over a hill" {
		t.Errorf("the engine has alt text %q", o.AltText)
	}
	if s := screen(a); !strings.Contains(s, "alt text saved for a.png") || !strings.Contains(s, "alt: A red kite") {
		t.Errorf("screen:\n%s", s)
	}
	// esc closes the input without saving.
	send(a, "a")
	typeText(a, " never saved")
	send(a, "esc")
	if o, _ := e.mgr.Options(2); a.queue.Editing() || o.AltText != "A red kite over a hill" {
		t.Errorf("esc should close the input without saving; the engine has %q", o.AltText)
	}

	// Cancel the video to free the worker: a.png goes up with its owners
	// and alt text.
	send(a, "up", "x")
	e.until("a.png ready", e.rowIs(2, uploader.PhaseReady))
	id := e.row(2).MediaID
	m := e.media(id)
	if strings.Join(m.AdditionalOwners, ",") != "3805104374,783214" || m.AltText != "A red kite over a hill" {
		t.Fatalf("X has owners %v and alt text %q", m.AdditionalOwners, m.AltText)
	}
	// Alt text for ready media goes to X at once.
	send(a, "down", "a")
	typeText(a, ", wings spread")
	do(a, send(a, "enter"))
	if got := e.media(id).AltText; got != "A red kite over a hill, wings spread" {
		t.Errorf("X has alt text %q after the edit", got)
	}
	if s := screen(a); !strings.Contains(s, "alt: A red kite over a hill, wings spread") {
		t.Errorf("screen:\n%s", s)
	}
}

func TestAltTextLimit(t *testing.T) {
	a := newTestApp(t, 100, 30)
	send(a, "tab")
	apply(a, readyEv(1, "/m/a.png", "image"))
	send(a, "a")
	typeText(a, strings.Repeat("x", tweet.MaxAltText+20))
	if n := len([]rune(a.queue.input.Value())); n != tweet.MaxAltText {
		t.Errorf("alt text input holds %d characters, want at most %d", n, tweet.MaxAltText)
	}
}

func TestDefaultAttachmentsFitOneTweet(t *testing.T) {
	a := newTestApp(t, 120, 36)
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

// TestToggleAttachmentsAndTheRule toggles real ready media with t, checks
// that a set breaking X's rule is explained and never posted, and that
// what t leaves attached is what X receives.
func TestToggleAttachmentsAndTheRule(t *testing.T) {
	samples, dir := sampleFiles(t), t.TempDir()
	s := slow()
	s.files = []string{
		copyFile(t, filepath.Join(samples, "sample.png"), filepath.Join(dir, "a.png")),
		copyFile(t, filepath.Join(samples, "sample2.png"), filepath.Join(dir, "b.png")),
		copyFile(t, filepath.Join(samples, "sample.gif"), filepath.Join(dir, "anim.gif")),
		paddedMP4(t, dir, "slow.mp4", bigVideo),
	}
	e := newEnv(t, 120, 36, s)
	a := e.app
	e.until("three files ready and slow.mp4 uploading", func() bool {
		return e.rowIs(1, uploader.PhaseReady)() && e.rowIs(2, uploader.PhaseReady)() &&
			e.rowIs(3, uploader.PhaseReady)() && e.uploading(4)()
	})
	if got := jobs(a.queue.attachments()); len(got) != 2 || got[0] != 1 || got[1] != 2 {
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
	if s := screen(a); !strings.Contains(s, "a GIF cannot share a tweet with other media") {
		t.Errorf("the broken rule should be explained:\n%s", s)
	}
	send(a, "c")
	typeText(a, "hello")
	settle(a, send(a, "ctrl+s"))
	if !strings.Contains(screen(a), "not posted") || a.compose.Posting() {
		t.Errorf("a post breaking the rule must be refused:\n%s", screen(a))
	}
	if n := e.tweetRequests(); n != 0 {
		t.Fatalf("%d post requests reached X; a set breaking the rule must never be sent", n)
	}
	// t on a row that is not ready explains itself.
	send(a, "esc", "down")
	settle(a, send(a, "t"))
	if !strings.Contains(screen(a), "slow.mp4 is uploading: only a ready file can be attached") {
		t.Errorf("screen:\n%s", screen(a))
	}
	// Detach the GIF and a.png: X gets b.png alone.
	send(a, "up", "t", "g", "t")
	if err := a.queue.attachError(); err != nil {
		t.Fatalf("rule error after detaching the GIF: %v", err)
	}
	send(a, "c")
	do(a, send(a, "ctrl+s"))
	tws := e.tweets()
	if len(tws) != 1 || tws[0].Text != "hello" || strings.Join(tws[0].MediaIDs, ",") != e.job(2).MediaID {
		t.Fatalf("X has tweets %+v, want one with b.png's media %s alone", tws, e.job(2).MediaID)
	}
}

func TestWeightedCount(t *testing.T) {
	a := newTestApp(t, 100, 30)
	send(a, "c")
	typeText(a, "Hi http://test.co")
	if !strings.Contains(screen(a), "26/280") {
		t.Errorf("weighted count of a URL should be 26:\n%s", screen(a))
	}
	typeText(a, strings.Repeat("界", 140))
	if !strings.Contains(screen(a), "306/280 over") {
		t.Errorf("CJK counts 2 and over the limit shows it:\n%s", screen(a))
	}
	c := colourCount(t, strings.Repeat("x", 281))
	if !strings.Contains(c, "\x1b[") || !strings.Contains(c, "281/280") {
		t.Errorf("over-limit count not styled: %q", c)
	}
}

// colourCount renders the compose count of text in colour.
func colourCount(t *testing.T, text string) string {
	a := newEnv(t, 100, 30, setup{profile: colorprofile.TrueColor}).app
	a.compose.ta.SetValue(text)
	for _, l := range strings.Split(a.Render(), "\n") {
		if strings.Contains(l, "281/280") {
			return l
		}
	}
	return ""
}

// TestPostingOnceAtATime posts two real uploads and checks that a second
// ctrl+s while the post is on its way sends nothing.
func TestPostingOnceAtATime(t *testing.T) {
	samples := sampleFiles(t)
	e := newEnv(t, 100, 30, setup{files: []string{filepath.Join(samples, "sample.png"), filepath.Join(samples, "sample2.png")}})
	a := e.app
	e.until("both images ready", func() bool {
		return e.rowIs(1, uploader.PhaseReady)() && e.rowIs(2, uploader.PhaseReady)()
	})
	ids := e.job(1).MediaID + "," + e.job(2).MediaID
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
	do(a, cmd)
	tws := e.tweets()
	if len(tws) != 1 || e.tweetRequests() != 1 {
		t.Fatalf("X has %d tweets from %d requests, want exactly 1: %+v", len(tws), e.tweetRequests(), tws)
	}
	if tws[0].Text != "launch day" || strings.Join(tws[0].MediaIDs, ",") != ids {
		t.Errorf("posted %q with %v, want %q with %s", tws[0].Text, tws[0].MediaIDs, "launch day", ids)
	}
	if s := screen(a); !strings.Contains(s, "posted tweet "+tws[0].ID) {
		t.Errorf("the tweet ID %s should be shown:\n%s", tws[0].ID, s)
	}
	if a.compose.Text() != "" || len(a.Posted()) != 1 || a.Posted()[0].ID != tws[0].ID {
		t.Errorf("after a post the editor is cleared (%q) and the tweet kept (%+v)", a.compose.Text(), a.Posted())
	}
}

// TestFailedPostKeepsTheText has X refuse a post (a duplicate of an
// earlier tweet: 403) and checks that the text and the error stay, that
// ctrl+s tries again, and that a changed text then posts.
func TestFailedPostKeepsTheText(t *testing.T) {
	e := newEnv(t, 120, 30, setup{}) // wide enough for X's whole reason
	a := e.app
	if _, err := e.cl.PostTweet(context.Background(), xapi.NewTweet{Text: "same again"}); err != nil {
		t.Fatal(err)
	}
	send(a, "c")
	typeText(a, "same again")
	do(a, send(a, "ctrl+s"))
	if a.compose.Text() != "same again" || a.compose.Posting() {
		t.Fatalf("text %q, posting %v", a.compose.Text(), a.compose.Posting())
	}
	if s := screen(a); !strings.Contains(s, "duplicate content") {
		t.Errorf("X's reason should be shown:\n%s", s)
	}
	var ae *xapi.APIError
	if !errors.As(a.PostErr(), &ae) || ae.StatusCode != 403 {
		t.Errorf("PostErr should report X's 403, got %v", a.PostErr())
	}
	// ctrl+s tries again: the request reaches X, which refuses it again.
	do(a, send(a, "ctrl+s"))
	if n := e.tweetRequests(); n != 3 || a.PostErr() == nil || len(e.tweets()) != 1 {
		t.Fatalf("after the second ctrl+s: %d post requests (want 3), err %v, %d tweets (want 1)", n, a.PostErr(), len(e.tweets()))
	}
	// With the text changed it goes through and the error clears.
	typeText(a, " (take 2)")
	do(a, send(a, "ctrl+s"))
	tws := e.tweets()
	if a.PostErr() != nil || len(a.Posted()) != 1 || len(tws) != 2 || tws[1].Text != "same again (take 2)" {
		t.Errorf("after changing the text: err %v, posted %+v, X has %+v", a.PostErr(), a.Posted(), tws)
	}
}

func TestEmptyPostIsRefused(t *testing.T) {
	e := newEnv(t, 100, 30, setup{})
	settle(e.app, send(e.app, "c", "ctrl+s"))
	if !strings.Contains(screen(e.app), "tweet is empty") {
		t.Errorf("screen:\n%s", screen(e.app))
	}
	if n := e.tweetRequests(); n != 0 {
		t.Errorf("%d post requests reached X for an empty tweet", n)
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
	a := newTestApp(t, 100, 30)
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
	b := newTestApp(t, 100, 30)
	apply(b, ev(1, "/m/a.mp4", uploader.PhasePaused), readyEv(2, "/m/b.png", "image"))
	if cmd := send(b, "q"); !isQuit(cmd) {
		t.Fatal("q with nothing running should quit")
	}
	// In compose, q is a letter; ctrl+c still quits.
	c := newTestApp(t, 100, 30)
	send(c, "c")
	if cmd := send(c, "q"); isQuit(cmd) {
		t.Fatal("q in compose should type")
	}
	if cmd := send(c, "ctrl+c"); !isQuit(cmd) {
		t.Fatal("ctrl+c in compose should quit")
	}
}

func TestQueueScrollsWithinItsPane(t *testing.T) {
	a := newTestApp(t, 80, 24)
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
	a := newTestApp(t, 80, 24)
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
	a := newTestApp(t, 100, 30)
	up := ev(1, "/m/a.mp4", uploader.PhaseUploading)
	up.TotalBytes, up.SentBytes = 100, 40
	apply(a, up, failedEv(2, "/m/b.png", "bad", false), readyEv(3, "/m/c.png", "image"))
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
	dir := sampleFiles(t)
	must(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not media"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "empty.png"), nil, 0o644))
	must(t, os.Mkdir(filepath.Join(dir, "campaign"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "campaign", "inner.mp4"), []byte("x"), 0o644))

	e := newEnv(t, 100, 30, setup{startDir: dir})
	a := e.app
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
	// Select two files, enter queues both with the engine.
	settle(a, send(a, "space"))
	settle(a, send(a, "space"))
	if !strings.Contains(screen(a), "2 selected") {
		t.Errorf("screen:\n%s", screen(a))
	}
	settle(a, send(a, "enter"))
	want := []string{filepath.Join(dir, "sample.mp4"), filepath.Join(dir, "sample.png")}
	if got := queuedPaths(e.mgr); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("the engine has %v, want %v", got, want)
	}
	if !strings.Contains(screen(a), "queued sample.mp4, sample.png") {
		t.Errorf("screen:\n%s", screen(a))
	}
	// Enter with nothing selected queues the file under the cursor.
	settle(a, send(a, "enter"))
	want = append(want, filepath.Join(dir, "sample2.png"))
	if got := queuedPaths(e.mgr); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("the engine has %v, want %v", got, want)
	}
	// What was queued goes up to X.
	e.until("the three files ready", func() bool {
		return e.rowIs(1, uploader.PhaseReady)() && e.rowIs(2, uploader.PhaseReady)() && e.rowIs(3, uploader.PhaseReady)()
	})
	for id := uploader.JobID(1); id <= 3; id++ {
		if m := e.media(e.job(id).MediaID); m.State != "succeeded" {
			t.Errorf("%s on X: %+v", e.job(id).Path, m)
		}
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
	if n := e.mgr.Snapshot(); len(n) != 3 {
		t.Errorf("opening a folder queued something: %d jobs", len(n))
	}
}

// queuedPaths lists the engine's jobs by path, in the order they were added.
func queuedPaths(m *uploader.Manager) []string {
	var paths []string
	for _, ev := range m.Snapshot() {
		paths = append(paths, ev.Path)
	}
	return paths
}

func TestFilesGivenAreQueuedAtOnce(t *testing.T) {
	e := newEnv(t, 100, 30, setup{files: []string{"a.png", "b.mp4"}})
	if got := queuedPaths(e.mgr); strings.Join(got, ",") != "a.png,b.mp4" {
		t.Fatalf("the engine has %v", got)
	}
	if e.app.focus != paneQueue {
		t.Error("with files given, the queue should have the focus")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestExpiredMediaIsNeverPosted: a ready file whose media ID has expired
// is refused at ctrl+s with the reason, and nothing reaches X.
func TestExpiredMediaIsNeverPosted(t *testing.T) {
	e := newEnv(t, 120, 30, setup{})
	a := e.app
	old := readyEv(1, "/tmp/campaign/old.png", "image")
	old.ExpiresAt = testNow.Add(-time.Minute)
	apply(a, old)
	send(a, "c")
	typeText(a, "still fresh?")
	if cmd := send(a, "ctrl+s"); cmd != nil {
		t.Fatal("ctrl+s with an expired media ID must not post")
	}
	if s := screen(a); !strings.Contains(s, "old.png expired") || !strings.Contains(s, "press r") {
		t.Errorf("the expiry should be explained:\n%s", s)
	}
	if n := e.tweetRequests(); n != 0 {
		t.Fatalf("%d post requests reached X", n)
	}
}

// TestUnknownPostOutcomeIsNeverRepeated: X creates the tweet but its
// answer is lost (a 500, or a dropped connection). The compose pane says
// the outcome is unknown and offers ctrl+r; ctrl+s then sends nothing, and
// only ctrl+r sends the post again.
func TestUnknownPostOutcomeIsNeverRepeated(t *testing.T) {
	for _, loss := range []sandboxtest.Loss{sandboxtest.Answer500, sandboxtest.DropConnection} {
		e := newEnv(t, 120, 30, setup{lossy: loss})
		a := e.app
		send(a, "c")
		typeText(a, "big news")
		do(a, send(a, "ctrl+s"))
		s := screen(a)
		if !strings.Contains(s, "outcome is unknown") || !strings.Contains(s, "ctrl+r") || len(e.tweets()) != 1 {
			t.Fatalf("loss %d: after the lost answer X has %d tweets; screen:\n%s", loss, len(e.tweets()), s)
		}
		if a.compose.Text() != "big news" || a.PostErr() == nil || len(a.Posted()) != 0 {
			t.Errorf("the text stays, the error is kept, nothing counts as posted: %q %v %v", a.compose.Text(), a.PostErr(), a.Posted())
		}
		do(a, send(a, "ctrl+s"))
		if n := e.tweetRequests(); n != 1 {
			t.Fatalf("ctrl+s after an unknown outcome sent %d post requests, want still 1", n)
		}
		if s := screen(a); !strings.Contains(s, "stopped before X answered") {
			t.Errorf("the blocked post should be explained:\n%s", s)
		}
		do(a, send(a, "ctrl+r"))
		if n := e.tweetRequests(); n != 2 {
			t.Fatalf("ctrl+r sent %d post requests in all, want 2", n)
		}
	}
}

// TestRepostKeyOnlyForUnknownOutcomes: ctrl+r does nothing for a post
// whose outcome is known.
func TestRepostKeyOnlyForUnknownOutcomes(t *testing.T) {
	e := newEnv(t, 120, 30, setup{})
	a := e.app
	send(a, "c")
	typeText(a, "fresh")
	if cmd := send(a, "ctrl+r"); cmd != nil || e.tweetRequests() != 0 {
		t.Fatal("ctrl+r without an unknown outcome must not post")
	}
	if s := screen(a); !strings.Contains(s, "only for a post whose outcome is unknown") {
		t.Errorf("screen:\n%s", s)
	}
}

// TestSamePostAfterSuccessReportsTheEarlierTweet: after a post the
// composer is empty of text and media; attaching the same media and
// typing the same text again reports the earlier tweet instead of posting.
func TestSamePostAfterSuccessReportsTheEarlierTweet(t *testing.T) {
	samples := sampleFiles(t)
	e := newEnv(t, 120, 30, setup{files: []string{filepath.Join(samples, "sample.png")}})
	a := e.app
	e.until("the image is ready", e.rowIs(1, uploader.PhaseReady))
	send(a, "c")
	typeText(a, "launch day")
	do(a, send(a, "ctrl+s"))
	if len(e.tweets()) != 1 || len(a.queue.attachments()) != 0 || a.compose.Text() != "" {
		t.Fatalf("after the post: %d tweets, %d still attached, text %q", len(e.tweets()), len(a.queue.attachments()), a.compose.Text())
	}
	// A second ctrl+s on the emptied composer has nothing to post.
	do(a, send(a, "ctrl+s"))
	if n := e.tweetRequests(); n != 1 {
		t.Fatalf("ctrl+s on the emptied composer sent a post (%d requests)", n)
	}
	send(a, "esc")
	a.setFocus(paneQueue)
	send(a, "t")
	send(a, "c")
	typeText(a, "launch day")
	do(a, send(a, "ctrl+s"))
	first := e.tweets()[0].ID
	if n := e.tweetRequests(); n != 1 {
		t.Fatalf("the same post again sent %d requests in all, want 1", n)
	}
	if s := screen(a); !strings.Contains(s, "already posted as tweet "+first) {
		t.Errorf("the earlier tweet should be reported:\n%s", s)
	}
}

// TestNoMediaCarriedBySurpriseAfterAPost: a GIF and a video cannot share a
// post, so the first post carries one. Afterwards the composer is empty of
// media: the other is not pulled in by itself, and a second ctrl+s on the
// emptied composer posts nothing.
func TestNoMediaCarriedBySurpriseAfterAPost(t *testing.T) {
	samples := sampleFiles(t)
	e := newEnv(t, 120, 30, setup{files: []string{filepath.Join(samples, "sample.gif"), filepath.Join(samples, "sample.mp4")}})
	a := e.app
	e.until("both ready", func() bool { return e.rowIs(1, uploader.PhaseReady)() && e.rowIs(2, uploader.PhaseReady)() })
	if n := len(a.queue.attachments()); n != 1 {
		t.Fatalf("%d attached before the post, want 1 (a GIF or a video goes alone)", n)
	}
	send(a, "c")
	typeText(a, "one of two")
	do(a, send(a, "ctrl+s"))
	if len(e.tweets()) != 1 {
		t.Fatalf("%d tweets, want 1", len(e.tweets()))
	}
	if att := a.queue.attachments(); len(att) != 0 {
		t.Fatalf("after the post %s is attached by itself", att[0].Path)
	}
	do(a, send(a, "ctrl+s"))
	if n := e.tweetRequests(); n != 1 {
		t.Fatalf("a second ctrl+s on the emptied composer sent a post (%d requests)", n)
	}
	if s := screen(a); !strings.Contains(s, "tweet is empty") {
		t.Errorf("screen:\n%s", s)
	}
	// A file that becomes ready after the post is not attached by itself
	// either; t attaches it.
	apply(a, readyEv(9, "/m/later.png", "image"))
	if att := a.queue.attachments(); len(att) != 0 {
		t.Fatalf("%s, ready after the post, was attached by itself", att[0].Path)
	}
	send(a, "esc")
	a.setFocus(paneQueue)
	send(a, "G", "t")
	if att := a.queue.attachments(); len(att) != 1 || att[0].Path != "/m/later.png" {
		t.Fatalf("t on later.png attaches %v", att)
	}
}
