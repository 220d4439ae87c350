package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/mediaup/mediaup/internal/testmedia"
	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/sandbox/sandboxtest"
	"github.com/mediaup/mediaup/uploader"
	"github.com/mediaup/mediaup/uploader/store"
	"github.com/mediaup/mediaup/xapi"
)

// The Update tests run the App on the real engine: a real uploader.Manager
// and *xapi.Client talking to the sandbox over loopback HTTP. Update is
// still driven as a plain function: a test feeds it messages (key presses,
// event batches it makes up, or the batches the engine really sends) and
// looks at the model; what a key did is checked on the engine (Job,
// Options) and on the sandbox's inspection endpoints.

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// setup is what an env differs in; the zero value is a fast sandbox, the
// demo account, a manager with default settings, nothing queued, colours
// off and the clock stopped at testNow.
type setup struct {
	sandbox  sandbox.Options
	manager  uploader.Config      // Client is filled in
	creds    *xapi.Credentials    // nil: the demo account's
	files    []string             // queued at start (Config.Files)
	startDir string               // "" = a fresh empty folder
	profile  colorprofile.Profile // Unknown = ASCII
	now      func() time.Time     // nil = always testNow
	// lossy puts a front before the sandbox that lets X create each post,
	// then loses the answer this way (0: no front).
	lossy sandboxtest.Loss
}

// env is one App on the real engine.
type env struct {
	t   testing.TB
	app *App
	mgr *uploader.Manager
	cl  *xapi.Client
	sb  *sandbox.Server
	url string // the sandbox's base URL

	seen []uploader.Event // every event the engine sent, in order
}

// newEnv starts a sandbox on loopback, a client and a manager on it, and
// an App on the manager at w×h. Everything is stopped in t.Cleanup.
func newEnv(t testing.TB, w, h int, s setup) *env {
	t.Helper()
	sb, ts := sandboxtest.New(t, s.sandbox)
	base := ts.URL
	if s.lossy != 0 {
		base = sandboxtest.LossyFront(t, ts.URL, func(r *http.Request) bool {
			return r.Method == http.MethodPost && r.URL.Path == "/2/tweets"
		}, s.lossy).URL
	}
	cl := newClient(t, base, s.creds)
	cfg := s.manager
	cfg.Client = cl
	mgr := uploader.NewManager(cfg)
	t.Cleanup(func() {
		// Nobody reads the events once the test is over: drain them so
		// Close does not wait for a reader.
		go func() {
			for range mgr.Events() {
			}
		}()
		mgr.Close()
	})
	if s.startDir == "" {
		s.startDir = t.TempDir()
	}
	if s.profile == colorprofile.Unknown {
		s.profile = colorprofile.ASCII
	}
	if s.now == nil {
		s.now = func() time.Time { return testNow }
	}
	posts := cfg.Store // the manager's journal when the test gives one, as the TUI shares it
	if posts == nil {
		posts = tempStore(t)
	}
	poster := uploader.NewPoster(uploader.PosterConfig{Client: cl, Store: posts, Account: cfg.Account, Now: s.now})
	a := New(Config{Manager: mgr, Poster: poster, Account: "@mediaup_demo", Dialect: "v2",
		BaseURL: "http://127.0.0.1:1", StartDir: s.startDir, Files: s.files, Profile: s.profile, Now: s.now})
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return &env{t: t, app: a, mgr: mgr, cl: cl, sb: sb, url: ts.URL}
}

// newTestApp is an App on an idle engine, for tests that feed it made-up
// event batches.
func newTestApp(t testing.TB, w, h int) *App { return newEnv(t, w, h, setup{}).app }

// newClient is a v2 client for the sandbox at base with the demo account's
// credentials, or creds when given.
func newClient(t testing.TB, base string, creds *xapi.Credentials) *xapi.Client {
	t.Helper()
	c := demoCredentials()
	if creds != nil {
		c = *creds
	}
	cl, err := xapi.NewClient(xapi.Options{Credentials: c, Dialect: xapi.V2, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// demoCredentials are the sandbox demo account's four OAuth values.
func demoCredentials() xapi.Credentials {
	a := sandbox.DemoAccount()
	return xapi.Credentials{ConsumerKey: a.ConsumerKey, ConsumerSecret: a.ConsumerSecret,
		AccessToken: a.AccessToken, AccessSecret: a.AccessSecret}
}

// until feeds the engine's events into Update, one listen batch at a time
// as the app would receive them, until cond holds. It fails the test after
// 20 s.
func (e *env) until(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for !cond() {
		got := make(chan tea.Msg, 1)
		go func() { got <- listen(e.mgr.Events())() }()
		select {
		case msg := <-got:
			if m, ok := msg.(eventsMsg); ok {
				e.seen = append(e.seen, m.events...)
			}
			e.app.Update(msg)
		case <-deadline.C:
			e.t.Fatalf("timed out waiting for %s; screen:\n%s", what, screen(e.app))
		}
	}
}

// row is what the queue shows for a job.
func (e *env) row(id uploader.JobID) uploader.Event { return e.app.queue.jobs[id] }

// rowIs reports whether a job's row is in phase ph.
func (e *env) rowIs(id uploader.JobID, ph uploader.Phase) func() bool {
	return func() bool { r, ok := e.app.queue.jobs[id]; return ok && r.Phase == ph }
}

// uploading reports whether a job's row shows a started upload session:
// uploading with its media ID and segment count.
func (e *env) uploading(id uploader.JobID) func() bool {
	return func() bool {
		r := e.row(id)
		return r.Phase == uploader.PhaseUploading && r.MediaID != "" && r.SegmentsTotal > 0
	}
}

// job is the engine's own state of a job.
func (e *env) job(id uploader.JobID) uploader.Event {
	e.t.Helper()
	j, ok := e.mgr.Job(id)
	if !ok {
		e.t.Fatalf("the engine has no job %d", id)
	}
	return j
}

// getJSON reads one of the sandbox's inspection endpoints over HTTP.
func (e *env) getJSON(path string, v any) {
	e.t.Helper()
	resp, err := http.Get(e.url + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s: %s: %s", path, resp.Status, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		e.t.Fatalf("GET %s: %v: %s", path, err, b)
	}
}

// media is /sandbox/media/{id}.
func (e *env) media(id string) sandbox.MediaInfo {
	var m sandbox.MediaInfo
	e.getJSON("/sandbox/media/"+id, &m)
	return m
}

// tweets is /sandbox/tweets.
func (e *env) tweets() []sandbox.TweetInfo {
	var tw []sandbox.TweetInfo
	e.getJSON("/sandbox/tweets", &tw)
	return tw
}

// tweetRequests is how many post requests reached the sandbox.
func (e *env) tweetRequests() int {
	var st sandbox.RequestStats
	e.getJSON("/sandbox/requests", &st)
	return st.ByEndpoint["TWEET"]
}

// do runs a command that does I/O (a post, saving alt text) to its end and
// feeds its message to Update. Unlike settle it has no time limit: give it
// only commands that end by themselves.
func do(a *App, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	a.Update(cmd())
}

// sampleFiles writes the sample media into a fresh folder and returns it.
func sampleFiles(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := testmedia.WriteTo(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// copyFile copies the file at src to dst.
func copyFile(t testing.TB, src, dst string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// paddedMP4 writes a valid MP4 of size bytes in dir: the sample video and
// then an MP4 `free` box, which players and the probe skip. Big enough
// files keep an upload running on a bandwidth-limited sandbox while a test
// pauses or cancels it.
func paddedMP4(t testing.TB, dir, name string, size int64) string {
	t.Helper()
	path, _, err := testmedia.PaddedMP4(dir, name, size, 31)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// slow is a sandbox and manager on which a 16 MB video takes half a
// minute: 256 KB/s per connection, 256 KB segments, two in flight. Small
// images still take well under a second.
func slow() setup {
	return setup{
		sandbox: sandbox.Options{Bandwidth: 256 << 10},
		manager: uploader.Config{ChunkSize: 256 << 10, Segments: 2, Workers: 4},
	}
}

// bigVideo is the size of the padded video that must still be uploading
// while a test acts on it (see slow).
const bigVideo = 16 << 20

// press makes the key message a terminal sends for a key name.
func press(k string) tea.KeyPressMsg {
	switch k {
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "ctrl+s":
		return tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+r":
		return tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	}
	r := []rune(k)
	if len(r) != 1 {
		panic("press: unknown key " + k)
	}
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// send feeds keys to the app and returns the last command.
func send(a *App, keys ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		_, cmd = a.Update(press(k))
	}
	return cmd
}

// typeText types text into whatever has the keyboard.
func typeText(a *App, s string) {
	for _, r := range s {
		a.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// run executes a command and what it batches, and returns the messages that
// arrive quickly; commands that wait (ticks, cursor blinks) are left
// behind. Never give it the listen command: a listen left behind would take
// an event from the engine that until then never sees.
func run(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(300 * time.Millisecond):
		return nil
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, run(c)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

// settle runs cmd and feeds its messages back until nothing quick is left:
// for the app's local commands (notices, folder listings, probes).
func settle(a *App, cmd tea.Cmd) {
	for i := 0; i < 20 && cmd != nil; i++ {
		var next []tea.Cmd
		for _, m := range run(cmd) {
			_, c := a.Update(m)
			next = append(next, c)
		}
		cmd = tea.Batch(next...)
	}
}

// screen is the rendered view without styling.
func screen(a *App) string { return ansi.Strip(a.Render()) }

// ev builds an event.
func ev(id uploader.JobID, path string, ph uploader.Phase) uploader.Event {
	return uploader.Event{Job: id, Path: path, Phase: ph}
}

// readyEv builds the event of a ready file of a kind.
func readyEv(id uploader.JobID, path, kind string) uploader.Event {
	e := ev(id, path, uploader.PhaseReady)
	e.Kind = kind
	e.MediaID = fmt.Sprintf("18800281060205158%02d", id)
	e.ExpiresAt = testNow.Add(24 * time.Hour)
	return e
}

func failedEv(id uploader.JobID, path, why string, retryable bool) uploader.Event {
	e := ev(id, path, uploader.PhaseFailed)
	e.Err = &uploader.FileError{Path: path, Err: errors.New(why)} // as the engine reports every job error
	e.Retryable = retryable
	return e
}

// apply feeds one made-up batch of events. The command Update returns (it
// re-arms listen) is returned but must not be run.
func apply(a *App, evs ...uploader.Event) tea.Cmd {
	_, cmd := a.Update(eventsMsg{events: evs})
	return cmd
}

// checkFits fails when the view is taller or wider than the window.
func checkFits(t *testing.T, a *App, w, h int) {
	t.Helper()
	out := a.View().Content
	lines := strings.Split(out, "\n")
	if len(lines) > h {
		t.Errorf("%d×%d: view has %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("%d×%d: line %d is %d wide: %q", w, h, i, lw, ansi.Strip(l))
		}
	}
}

// tempStore is a journal of its own for one test, closed by t.Cleanup.
func tempStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
