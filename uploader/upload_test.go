package uploader

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mediaup/mediaup/internal/testmedia"
	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/sandbox/sandboxtest"
	"github.com/mediaup/mediaup/xapi"
)

// env is a sandbox on loopback plus a client for its demo account.
type env struct {
	sb   *sandbox.Server
	url  string
	dir  string // the sample media
	cl   *xapi.Client
	opts sandbox.Options
}

func newEnv(t testing.TB, d xapi.Dialect, opts sandbox.Options) *env {
	t.Helper()
	sb, srv := sandboxtest.New(t, opts)
	dir := t.TempDir()
	if _, err := testmedia.WriteTo(dir); err != nil {
		t.Fatal(err)
	}
	a := sandbox.DemoAccount()
	cl, err := xapi.NewClient(xapi.Options{Dialect: d, BaseURL: srv.URL, StallTimeout: 5 * time.Second, RetryFor: 20 * time.Second,
		Credentials: xapi.Credentials{ConsumerKey: a.ConsumerKey, ConsumerSecret: a.ConsumerSecret, AccessToken: a.AccessToken, AccessSecret: a.AccessSecret}})
	if err != nil {
		t.Fatal(err)
	}
	return &env{sb: sb, url: srv.URL, dir: dir, cl: cl, opts: opts}
}

func (e *env) sample(name string) string { return filepath.Join(e.dir, name) }

// getJSON reads an inspection endpoint over HTTP.
func (e *env) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	resp, err := http.Get(e.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

type sbMedia struct {
	MediaID       string   `json:"media_id"`
	MediaKey      string   `json:"media_key"`
	OwnerID       string   `json:"owner_id"`
	Owners        []string `json:"additional_owners"`
	MediaType     string   `json:"media_type"`
	Category      string   `json:"media_category"`
	TotalBytes    int64    `json:"total_bytes"`
	AppendedBytes int64    `json:"appended_bytes"`
	SHA256        string   `json:"sha256"`
	State         string   `json:"state"`
	AltText       string   `json:"alt_text"`
}

type sbTweet struct {
	ID       string   `json:"id"`
	Text     string   `json:"text"`
	MediaIDs []string `json:"media_ids"`
	AuthorID string   `json:"author_id"`
}

func fileSHA(t testing.TB, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// runAll uploads files through a manager and returns each job's last event.
func runAll(t testing.TB, cfg Config, files []string, opts JobOptions) []Event {
	t.Helper()
	m := NewManager(cfg)
	defer m.Close()
	go func() {
		for range m.Events() {
		}
	}()
	for _, f := range files {
		m.Add(f, opts)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := m.Wait(ctx); err != nil {
		t.Fatalf("uploads did not finish: %v; %+v", err, m.Snapshot())
	}
	return m.Snapshot()
}

// bigMP4 makes a valid MP4 of the given size from the sample by appending a
// `free` box, as DESIGN.md suggests.
func bigMP4(t testing.TB, _ string, size int64) string {
	t.Helper()
	path, _, err := testmedia.PaddedMP4(t.TempDir(), "big.mp4", size, 0)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestUploadSamplesBothDialects uploads the PNG, GIF and MP4 samples in
// each dialect and checks the bytes X assembled are the file's bytes.
func TestUploadSamplesBothDialects(t *testing.T) {
	for _, d := range []xapi.Dialect{xapi.V2, xapi.V11} {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d, sandbox.Options{Processing: 200 * time.Millisecond})
			files := []string{e.sample("sample.png"), e.sample("sample.gif"), e.sample("sample.mp4")}
			evs := runAll(t, Config{Client: e.cl}, files, JobOptions{})
			wantCat := map[string]string{"sample.png": "tweet_image", "sample.gif": "tweet_gif", "sample.mp4": "tweet_video"}
			for _, ev := range evs {
				if ev.Phase != PhaseReady {
					t.Fatalf("%s: %s %v", ev.Path, ev.Phase, ev.Err)
				}
				var sm sbMedia
				e.getJSON(t, "/sandbox/media/"+ev.MediaID, &sm)
				if sm.SHA256 != fileSHA(t, ev.Path) {
					t.Errorf("%s: sandbox sha256 %s differs from the file's", ev.Path, sm.SHA256)
				}
				if sm.State != "succeeded" || sm.Category != wantCat[filepath.Base(ev.Path)] || ev.Category != sm.Category {
					t.Errorf("%s: state %s category %s (event %s)", ev.Path, sm.State, sm.Category, ev.Category)
				}
				if sm.MediaKey == "" || ev.MediaKey != sm.MediaKey {
					t.Errorf("%s: media key %q vs sandbox %q", ev.Path, ev.MediaKey, sm.MediaKey)
				}
				if ev.ExpiresAt.Before(time.Now().Add(time.Hour)) {
					t.Errorf("%s: expiry %v too soon", ev.Path, ev.ExpiresAt)
				}
			}
		})
	}
}

// TestPostTweetsCarryExactMediaIDs posts two images in one tweet and a
// video in another, in both dialects.
func TestPostTweetsCarryExactMediaIDs(t *testing.T) {
	for _, d := range []xapi.Dialect{xapi.V2, xapi.V11} {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d, sandbox.Options{Processing: 100 * time.Millisecond})
			evs := runAll(t, Config{Client: e.cl}, []string{e.sample("sample.png"), e.sample("sample2.png"), e.sample("sample.mp4")}, JobOptions{})
			ctx := context.Background()
			images := []string{evs[0].MediaID, evs[1].MediaID}
			t1, err := e.cl.PostTweet(ctx, xapi.NewTweet{Text: "two images " + string(d), MediaIDs: images})
			if err != nil {
				t.Fatal(err)
			}
			t2, err := e.cl.PostTweet(ctx, xapi.NewTweet{Text: "a video " + string(d), MediaIDs: []string{evs[2].MediaID}})
			if err != nil {
				t.Fatal(err)
			}
			var tweets []sbTweet
			e.getJSON(t, "/sandbox/tweets", &tweets)
			if len(tweets) != 2 {
				t.Fatalf("%d tweets: %+v", len(tweets), tweets)
			}
			if tweets[0].ID != t1.ID || !slices.Equal(tweets[0].MediaIDs, images) || tweets[0].Text != "two images "+string(d) {
				t.Errorf("first tweet %+v, want %s with %v", tweets[0], t1.ID, images)
			}
			if tweets[1].ID != t2.ID || !slices.Equal(tweets[1].MediaIDs, []string{evs[2].MediaID}) {
				t.Errorf("second tweet %+v", tweets[1])
			}
			if tweets[0].AuthorID != sandbox.DemoAccount().UserID {
				t.Errorf("author %s", tweets[0].AuthorID)
			}
		})
	}
}

// TestChunkedLargeFileManySegmentsInFlight sends a 9 MB video in 1 MB
// segments, four at a time, and checks X assembled it byte for byte.
func TestChunkedLargeFileManySegmentsInFlight(t *testing.T) {
	e := newEnv(t, xapi.V2, sandbox.Options{})
	big := bigMP4(t, e.sample("sample.mp4"), 9<<20+12345)
	evs := runAll(t, Config{Client: e.cl, ChunkSize: 1 << 20, Segments: 4}, []string{big}, JobOptions{})
	ev := evs[0]
	if ev.Phase != PhaseReady || ev.SegmentsTotal != 10 || ev.SegmentsAcked != 10 {
		t.Fatalf("%+v", ev)
	}
	var sm sbMedia
	e.getJSON(t, "/sandbox/media/"+ev.MediaID, &sm)
	if sm.SHA256 != fileSHA(t, big) || sm.TotalBytes != 9<<20+12345 || sm.AppendedBytes != sm.TotalBytes {
		t.Fatalf("sandbox has %+v", sm)
	}
}

// TestWrongConsumerSecret is refused with X's message and posts nothing.
func TestWrongConsumerSecret(t *testing.T) {
	e := newEnv(t, xapi.V2, sandbox.Options{})
	a := sandbox.DemoAccount()
	bad, err := xapi.NewClient(xapi.Options{BaseURL: e.url, Credentials: xapi.Credentials{ConsumerKey: a.ConsumerKey, ConsumerSecret: "not-the-secret", AccessToken: a.AccessToken, AccessSecret: a.AccessSecret}})
	if err != nil {
		t.Fatal(err)
	}
	evs := runAll(t, Config{Client: bad}, []string{e.sample("sample.png")}, JobOptions{})
	ev := evs[0]
	var ae *xapi.APIError
	if ev.Phase != PhaseFailed || !errors.As(ev.Err, &ae) || ae.StatusCode != 401 || ae.Code != 32 {
		t.Fatalf("want 401 code 32, got %s %v", ev.Phase, ev.Err)
	}
	if ev.Retryable {
		t.Error("a bad credential is not worth retrying")
	}
	if !strings.Contains(ev.Err.Error(), "sample.png") || !strings.Contains(ev.Err.Error(), "Could not authenticate you") {
		t.Errorf("message %q", ev.Err)
	}
	if _, err := bad.PostTweet(context.Background(), xapi.NewTweet{Text: "hello"}); err == nil {
		t.Fatal("post with a wrong secret went through")
	}
	var tweets []sbTweet
	e.getJSON(t, "/sandbox/tweets", &tweets)
	if len(tweets) != 0 {
		t.Fatalf("tweets posted: %+v", tweets)
	}
}

// TestBadFileNeverReachesX: a refused file fails at probing, with no request.
func TestBadFileNeverReachesX(t *testing.T) {
	e := newEnv(t, xapi.V2, sandbox.Options{})
	fake := filepath.Join(t.TempDir(), "photo.png")
	os.WriteFile(fake, []byte("this is not a picture at all, just some text"), 0o644)
	evs := runAll(t, Config{Client: e.cl}, []string{fake, filepath.Join(e.dir, "missing.png")}, JobOptions{})
	for _, ev := range evs {
		if ev.Phase != PhaseFailed || ev.Retryable || !strings.Contains(ev.Err.Error(), filepath.Base(ev.Path)) {
			t.Errorf("%s: %s retryable=%v %v", ev.Path, ev.Phase, ev.Retryable, ev.Err)
		}
	}
	var all []sbMedia
	e.getJSON(t, "/sandbox/media", &all)
	if len(all) != 0 {
		t.Fatalf("bad files reached the sandbox: %+v", all)
	}
}

// TestProcessingFailureIsFinal reports X's error name and message and does
// not offer a retry.
func TestProcessingFailureIsFinal(t *testing.T) {
	e := newEnv(t, xapi.V2, sandbox.Options{Processing: 100 * time.Millisecond, FailProcessing: 1})
	evs := runAll(t, Config{Client: e.cl}, []string{e.sample("sample.mp4")}, JobOptions{})
	ev := evs[0]
	var pe *xapi.ProcessingError
	if ev.Phase != PhaseFailed || !errors.As(ev.Err, &pe) || pe.Name == "" || ev.Retryable {
		t.Fatalf("%s retryable=%v %v", ev.Phase, ev.Retryable, ev.Err)
	}
	if !strings.Contains(ev.Err.Error(), pe.Name) || !strings.Contains(ev.Err.Error(), "sample.mp4") {
		t.Errorf("message %q lacks the file or X's reason", ev.Err)
	}
}

// TestAltTextAndOwners reach X with the media.
func TestAltTextAndOwners(t *testing.T) {
	for _, d := range []xapi.Dialect{xapi.V2, xapi.V11} {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d, sandbox.Options{})
			owner := sandbox.PartnerAccount().UserID
			evs := runAll(t, Config{Client: e.cl}, []string{e.sample("sample.gif")}, JobOptions{AltText: "a ball bouncing", Owners: []string{owner}})
			var sm sbMedia
			e.getJSON(t, "/sandbox/media/"+evs[0].MediaID, &sm)
			if sm.AltText != "a ball bouncing" || !slices.Equal(sm.Owners, []string{owner}) {
				t.Fatalf("sandbox has alt %q owners %v", sm.AltText, sm.Owners)
			}
		})
	}
}

// TestPauseResumeKeepsMediaID pauses mid-upload on a slow link and resumes
// with the same media ID, sending only what was not acknowledged.
func TestPauseResumeKeepsMediaID(t *testing.T) {
	e := newEnv(t, xapi.V2, sandbox.Options{Bandwidth: 2 << 20})
	big := bigMP4(t, e.sample("sample.mp4"), 4<<20)
	m := NewManager(Config{Client: e.cl, ChunkSize: 256 << 10, Segments: 2})
	defer m.Close()
	acked := make(chan Event, 100)
	go func() {
		for ev := range m.Events() {
			if ev.SegmentsAcked >= 3 && ev.Phase == PhaseUploading {
				select {
				case acked <- ev:
				default:
				}
			}
		}
	}()
	id := m.Add(big, JobOptions{})
	first := <-acked
	if err := m.Pause(id); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m.Wait(ctx)
	paused, _ := m.Job(id)
	if paused.Phase != PhasePaused {
		t.Fatalf("phase %s", paused.Phase)
	}
	if err := m.Resume(id); err != nil {
		t.Fatal(err)
	}
	if err := m.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	done, _ := m.Job(id)
	if done.Phase != PhaseReady || done.MediaID != first.MediaID || !done.Resumed {
		t.Fatalf("after resume: %s id %s (was %s) resumed=%v %v", done.Phase, done.MediaID, first.MediaID, done.Resumed, done.Err)
	}
	var sm sbMedia
	e.getJSON(t, "/sandbox/media/"+done.MediaID, &sm)
	if sm.SHA256 != fileSHA(t, big) {
		t.Fatal("assembled bytes differ")
	}
	// Only segments in flight at the pause may have been sent twice.
	if limit := sm.TotalBytes + 2*(256<<10); sm.AppendedBytes > limit {
		t.Fatalf("appended %d bytes for a %d-byte file", sm.AppendedBytes, sm.TotalBytes)
	}
}

// TestCancelAndRetry: a canceled job can be retried to completion.
func TestCancelAndRetry(t *testing.T) {
	e := newEnv(t, xapi.V2, sandbox.Options{Bandwidth: 1 << 20})
	big := bigMP4(t, e.sample("sample.mp4"), 3<<20)
	m := NewManager(Config{Client: e.cl, ChunkSize: 256 << 10})
	defer m.Close()
	up := make(chan struct{}, 1)
	go func() {
		for ev := range m.Events() {
			if ev.Phase == PhaseUploading && ev.SentBytes > 0 {
				select {
				case up <- struct{}{}:
				default:
				}
			}
		}
	}()
	id := m.Add(big, JobOptions{})
	<-up
	if err := m.Cancel(id); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m.Wait(ctx)
	if ev, _ := m.Job(id); ev.Phase != PhaseCanceled || !ev.Retryable {
		t.Fatalf("after cancel: %s %v", ev.Phase, ev.Err)
	}
	if err := m.Retry(id); err != nil {
		t.Fatal(err)
	}
	if err := m.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if ev, _ := m.Job(id); ev.Phase != PhaseReady {
		t.Fatalf("after retry: %s %v", ev.Phase, ev.Err)
	}
}

// TestProgressEventsAreThrottled: about one progress event per job per
// 100 ms, plus phase changes, however many segments are acknowledged.
func TestProgressEventsAreThrottled(t *testing.T) {
	e := newEnv(t, xapi.V2, sandbox.Options{Bandwidth: 4 << 20})
	big := bigMP4(t, e.sample("sample.mp4"), 4<<20)
	m := NewManager(Config{Client: e.cl, ChunkSize: 64 << 10, Segments: 4})
	defer m.Close()
	var n int
	var first, last time.Time
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range m.Events() {
			if ev.Phase == PhaseUploading {
				if n == 0 {
					first = time.Now()
				}
				n++
				last = time.Now()
			}
		}
	}()
	m.Add(big, JobOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	m.Close()
	<-done
	span := last.Sub(first)
	// 64 segments acked; unthrottled that is 64+ events. Allow one per 50 ms plus slack.
	if max := int(span/(50*time.Millisecond)) + 6; n > max || n >= 64 {
		t.Fatalf("%d uploading events over %v (at most %d)", n, span, max)
	}
	fmt.Fprintf(os.Stderr, "throttle: %d events over %v\n", n, span)
}
