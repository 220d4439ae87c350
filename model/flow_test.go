package model

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/sandbox/sandboxtest"
	"github.com/mediaup/mediaup/uploader"
)

// The flows run the real program (teatest, 100×30, colour profile pinned
// to ASCII: attributes, no colours) on a real manager that uploads to the
// sandbox over loopback HTTP. Screens are taken from inside the program's
// loop (a tea.WithFilter hook sees the model between messages) once the
// state the test waits for is reached, so a golden file never catches a
// half-drawn frame. Media IDs, tweet IDs and the temporary folder are masked.

const flowW, flowH = 100, 30

// pingMsg wakes the filter so it can look at the model; the app ignores it.
type pingMsg struct{}

// flow is one running program.
type flow struct {
	t   *testing.T
	wd  string // the package folder, where testdata is
	tm  *teatest.TestModel
	mgr *uploader.Manager
	sb  *sandbox.Server
	dir string

	mu   sync.Mutex
	cond func(*App) bool
	shot chan string
}

// startFlow starts the app in dir (made the working directory, so files
// can be named relative to it) with files queued at start.
func startFlow(t *testing.T, dir string, files []string, opts sandbox.Options) *flow {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	sb, ts := sandboxtest.New(t, opts)
	acct := sandbox.DemoAccount()
	client := newClient(t, ts.URL, nil)
	mgr := uploader.NewManager(uploader.Config{Client: client, Workers: 4})
	f := &flow{t: t, wd: wd, mgr: mgr, sb: sb, dir: dir}
	poster := uploader.NewPoster(uploader.PosterConfig{Client: client, Store: tempStore(t)})
	app := New(Config{Manager: mgr, Poster: poster, Account: "@" + acct.ScreenName, Dialect: "v2",
		BaseURL: "http://sandbox.test", StartDir: ".", Files: files, Profile: colorprofile.ASCII})
	f.tm = teatest.NewTestModel(t, app, teatest.WithInitialTermSize(flowW, flowH),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII), tea.WithFilter(f.filter)))
	t.Cleanup(func() {
		_ = f.tm.Quit()
		f.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
		mgr.Close()
	})
	return f
}

// filter runs in the program's loop before each message: if the test waits
// for a state and the model is in it, it takes the screen.
func (f *flow) filter(m tea.Model, msg tea.Msg) tea.Msg {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cond != nil {
		if a, ok := m.(*App); ok && f.cond(a) {
			f.shot <- a.Render()
			f.cond = nil
		}
	}
	return msg
}

// waitFor waits until cond holds for the model and returns the screen then.
func (f *flow) waitFor(what string, cond func(*App) bool) string {
	f.t.Helper()
	shot := make(chan string, 1)
	f.mu.Lock()
	f.cond, f.shot = cond, shot
	f.mu.Unlock()
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case s := <-shot:
			return f.mask(s)
		case <-tick.C:
			f.tm.Send(pingMsg{})
		case <-deadline:
			f.mu.Lock()
			f.cond = nil
			f.mu.Unlock()
			f.t.Fatalf("timed out waiting for %s", what)
			return ""
		}
	}
}

// keys sends key presses to the program.
func (f *flow) keys(ks ...string) {
	for _, k := range ks {
		f.tm.Send(press(k))
	}
}

var longDigits = regexp.MustCompile(`[0-9]{12,}`)

// mask hides what changes from run to run, keeping every line's width: IDs
// become runs of #, the temporary folder becomes /flow (the border is
// lengthened to match).
func (f *flow) mask(s string) string {
	s = longDigits.ReplaceAllStringFunc(s, func(d string) string { return strings.Repeat("#", len(d)) })
	dir := f.dir
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if !strings.Contains(l, dir) {
			continue
		}
		w := ansi.StringWidth(l)
		l = strings.Replace(l, dir, "/flow", 1)
		if i := strings.LastIndex(l, "╮"); i >= 0 {
			if d := w - ansi.StringWidth(l); d > 0 {
				l = l[:i] + strings.Repeat("─", d) + l[i:]
			}
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

// golden compares a screen with testdata/<test>/<name>.golden in the
// package folder. The flow runs in its own folder; the golden files are
// read from the package folder while the app is at rest (the state waited
// for is final, so it opens no files meanwhile).
func (f *flow) golden(name, screen string) {
	f.t.Helper()
	must(f.t, os.Chdir(f.wd))
	defer func() { must(f.t, os.Chdir(f.dir)) }()
	f.t.Run(name, func(t *testing.T) { teatest.RequireEqualOutput(t, []byte(screen)) })
}

// atRest is true when the picker shows a listing and the probe of the file
// under its cursor is done.
func atRest(a *App) bool {
	if a.picker.loading {
		return false
	}
	e, path, ok := a.picker.current()
	if !ok || e.dir {
		return true
	}
	r, seen := a.picker.probes[path]
	return seen && !r.pending
}

// allFinal is true once n jobs exist and all are ready, failed or canceled,
// and the picker is at rest.
func allFinal(n int) func(*App) bool {
	return func(a *App) bool {
		if a.queue.Len() != n || !atRest(a) {
			return false
		}
		for _, id := range a.queue.order {
			if !a.queue.jobs[id].Phase.Final() {
				return false
			}
		}
		return true
	}
}

func TestFlowPickAndQueue(t *testing.T) {
	dir := sampleFiles(t)
	f := startFlow(t, dir, nil, sandbox.Options{})
	// The picker opens on sample.gif; move to sample.png, select it and
	// sample2.png, and wait for the probe beside the cursor.
	f.waitFor("the folder listing", func(a *App) bool { return len(a.picker.entries) == 4 })
	f.keys("down", "down", "space", "space")
	screen := f.waitFor("two files selected and probed", func(a *App) bool {
		r, ok := a.picker.probes[filepath.Join(a.picker.Dir(), "sample2.png")]
		return len(a.picker.marked) == 2 && ok && !r.pending
	})
	f.golden("selected", screen)
	if !strings.Contains(ansi.Strip(screen), "image/png · 57KB · 480×480 · tweet_image") {
		t.Errorf("probe result not beside the cursor:\n%s", ansi.Strip(screen))
	}
	f.keys("enter")
	screen = f.waitFor("both files ready", allFinal(2))
	f.golden("queued", screen)
	plain := ansi.Strip(screen)
	if strings.Count(plain, "✓ ready") != 2 || !strings.Contains(plain, "expires in 23h59m") {
		t.Errorf("queue:\n%s", plain)
	}
	for _, ev := range f.mgr.Snapshot() {
		m, ok := f.sb.Media(ev.MediaID)
		if !ok || m.State != "succeeded" {
			t.Errorf("%s: media %s on the sandbox: %+v", ev.Path, ev.MediaID, m)
		}
	}
}

func TestFlowFailedFile(t *testing.T) {
	dir := sampleFiles(t)
	must(t, os.WriteFile(filepath.Join(dir, "empty.png"), nil, 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "notes.png"), []byte("these are notes, not a picture\n"), 0o644))
	f := startFlow(t, dir, []string{"empty.png", "notes.png", "sample.png"}, sandbox.Options{})
	screen := f.waitFor("three final rows", allFinal(3))
	f.golden("failed", screen)
	plain := ansi.Strip(screen)
	for _, want := range []string{"empty.png: file is empty", "retry won't help", "✓ ready", "3 files · 1 ready · 2 failed"} {
		if !strings.Contains(plain, want) {
			t.Errorf("screen lacks %q:\n%s", want, plain)
		}
	}
	// The row under the cursor shows its full reason; r on a file that
	// cannot work fails again with the same reason.
	f.keys("down")
	screen = f.waitFor("cursor on notes.png", func(a *App) bool { return a.queue.cursor == 1 })
	if !strings.Contains(ansi.Strip(screen), "notes.png: ") {
		t.Errorf("detail line:\n%s", ansi.Strip(screen))
	}
	if n := len(f.sb.AllMedia()); n != 1 {
		t.Errorf("%d media reached the sandbox; bad files must never reach the network", n)
	}
}

func TestFlowFinishedQueue(t *testing.T) {
	dir := sampleFiles(t)
	files := []string{"sample.gif", "sample.mp4", "sample.png", "sample2.png"}
	f := startFlow(t, dir, files, sandbox.Options{Processing: 300 * time.Millisecond})
	f.waitFor("a file processing", func(a *App) bool {
		for _, id := range a.queue.order {
			if a.queue.jobs[id].Phase == uploader.PhaseProcessing {
				return true
			}
		}
		return false
	})
	screen := f.waitFor("all four ready", allFinal(4))
	f.golden("finished", screen)
	plain := ansi.Strip(screen)
	if strings.Count(plain, "✓ ready") != 4 || !strings.Contains(plain, "4 files · 4 ready") {
		t.Errorf("queue:\n%s", plain)
	}
}

func TestFlowCompose(t *testing.T) {
	dir := sampleFiles(t)
	f := startFlow(t, dir, []string{"sample.png", "sample2.png"}, sandbox.Options{})
	f.waitFor("both ready", allFinal(2))
	f.keys("c")
	f.tm.Type("Launch day at https://example.com 🚀")
	screen := f.waitFor("text typed", func(a *App) bool { return strings.HasSuffix(a.compose.Text(), "🚀") && atRest(a) })
	f.golden("typed", screen)
	if !strings.Contains(ansi.Strip(screen), "40/280") {
		t.Errorf("weighted count (14 + URL 23 + 1 + emoji 2):\n%s", ansi.Strip(screen))
	}
	f.keys("ctrl+s")
	screen = f.waitFor("the post", func(a *App) bool { return len(a.Posted()) == 1 && atRest(a) })
	f.golden("posted", screen)
	tweets := f.sb.Tweets()
	if len(tweets) != 1 || tweets[0].Text != "Launch day at https://example.com 🚀" {
		t.Fatalf("sandbox tweets %+v", tweets)
	}
	var want []string
	for _, ev := range f.mgr.Snapshot() {
		want = append(want, ev.MediaID)
	}
	if strings.Join(tweets[0].MediaIDs, ",") != strings.Join(want, ",") {
		t.Errorf("tweet media %v, want %v", tweets[0].MediaIDs, want)
	}
}
