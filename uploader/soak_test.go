package uploader

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color/palette"
	"image/gif"
	"image/png"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mediaup/mediaup/internal/testmedia"
	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/sandbox/sandboxtest"
	"github.com/mediaup/mediaup/uploader/media"
	"github.com/mediaup/mediaup/uploader/store"
	"github.com/mediaup/mediaup/xapi"
)

// The soak's shape: 30 real media through a sandbox that faults 15 % of
// media requests, in 256 KiB segments so there are a few hundred requests.
// 1 MB/s per connection makes a 256 KiB body take a quarter second on the
// wire, long enough for a reset to land mid-body, short enough that a body
// sitting in socket buffers never looks like a 1 s stall.
const (
	soakFaults    = 0.15
	soakBandwidth = 1_000_000
	soakChunk     = 256 << 10
	soakStall     = time.Second
	soakRetryFor  = 30 * time.Second
	soakWorkers   = 4
	soakSegments  = 4
)

// soakFile is one file of the soak and what it should become on X.
type soakFile struct {
	path string
	kind media.Kind
	sha  string
	alt  string
	bad  bool // not media at all: must fail before the network
}

// soakTransport counts requests that net/http replayed by itself: a GET on
// a reused keep-alive connection that is reset before the answer is sent
// again on a new connection inside RoundTrip, so the retry loop in
// Client.do never sees that failure (and rightly does not count it).
type soakTransport struct {
	base    *http.Transport
	replays atomic.Int64
}

func (c *soakTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var conns atomic.Int64
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) {
		if conns.Add(1) > 1 {
			c.replays.Add(1)
		}
	}}
	return c.base.RoundTrip(r.WithContext(httptrace.WithClientTrace(r.Context(), trace)))
}

// TestSoakUnderFaults uploads 30 images, GIFs and videos through a sandbox
// injecting resets mid-body, 500, 503, 429 and stalls into 15 % of media
// requests, then posts every group X allows in one tweet. Every file must
// end byte-identical on X or with a clear error naming it; every fault the
// client saw must be counted in Event.Retries; every tweet must exist once;
// and once everything is closed no goroutine may be left behind.
// Both dialects run; -short keeps only v2, X's current API.
func TestSoakUnderFaults(t *testing.T) {
	for _, d := range []xapi.Dialect{xapi.V2, xapi.V11} {
		t.Run(string(d), func(t *testing.T) {
			if d != xapi.V2 && testing.Short() {
				t.Skip("-short: the v1.1 soak repeats the v2 one in the retired dialect")
			}
			soak(t, d)
		})
	}
}

func soak(t *testing.T, dialect xapi.Dialect) {
	baseline := runtime.NumGoroutine()
	seed := time.Now().UnixNano()
	t.Logf("sandbox seed %d (faults also depend on request order, so a rerun is similar, not identical)", seed)

	dir := t.TempDir()
	files := soakFiles(t, dir, rand.New(rand.NewSource(seed)))

	sb, ts := sandboxtest.New(t, sandbox.Options{Faults: soakFaults, Bandwidth: soakBandwidth,
		Processing: 500 * time.Millisecond, Seed: seed})
	base := ts.URL

	tr := &soakTransport{base: xapi.NewTransport()}
	a := sandbox.DemoAccount()
	cl, err := xapi.NewClient(xapi.Options{Dialect: dialect, BaseURL: base, Transport: tr, StallTimeout: soakStall, RetryFor: soakRetryFor,
		Credentials: xapi.Credentials{ConsumerKey: a.ConsumerKey, ConsumerSecret: a.ConsumerSecret, AccessToken: a.AccessToken, AccessSecret: a.AccessSecret}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	m := NewManager(Config{Client: cl, Workers: soakWorkers, Segments: soakSegments, ChunkSize: soakChunk,
		PollCap: time.Minute, Store: st, Account: a.UserID})
	events := make(chan int)
	go func() {
		n := 0
		for range m.Events() {
			n++
		}
		events <- n
	}()
	ids := make([]JobID, len(files))
	for i, f := range files {
		ids[i] = m.Add(f.path, JobOptions{AltText: f.alt})
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	if err := m.Wait(ctx); err != nil {
		for _, ev := range m.Snapshot() {
			t.Logf("%s: %s %d/%d segments, %d retries, err %v", filepath.Base(ev.Path), ev.Phase, ev.SegmentsAcked, ev.SegmentsTotal, ev.Retries, ev.Err)
		}
		t.Fatalf("the soak did not finish in 50 s: %v", err)
	}
	took := time.Since(start)
	final := m.Snapshot()

	// Every file is on X byte for byte, or failed with a clear error.
	retries, failedOnline := 0, 0
	ready := map[media.Kind][]string{}
	readyAlt := map[string]string{}
	for i, ev := range final {
		f := files[i]
		name := filepath.Base(f.path)
		retries += ev.Retries
		switch {
		case f.bad:
			var re *media.RuleError
			if ev.Phase != PhaseFailed || ev.Retryable || !errors.As(ev.Err, &re) || !strings.Contains(ev.Err.Error(), name) {
				t.Errorf("%s is not media: want a final, non-retryable rule error naming it; got %s, retryable %v, %v", name, ev.Phase, ev.Retryable, ev.Err)
			}
			if ev.MediaID != "" || ev.Retries != 0 {
				t.Errorf("%s reached X (media ID %q, %d retries) though it is not media", name, ev.MediaID, ev.Retries)
			}
		case ev.Phase == PhaseReady:
			var info sandbox.MediaInfo
			if err := soakGet(base+"/sandbox/media/"+ev.MediaID, &info); err != nil {
				t.Errorf("%s: ready as %s, but: %v", name, ev.MediaID, err)
				continue
			}
			if info.SHA256 != f.sha || info.State != "succeeded" || info.TotalBytes != ev.TotalBytes {
				t.Errorf("%s: X holds sha256 %s (%s, %d bytes); want the file's %s, succeeded, %d bytes",
					name, info.SHA256, info.State, info.TotalBytes, f.sha, ev.TotalBytes)
			}
			if info.AltText != f.alt {
				t.Errorf("%s: alt text on X %q, want %q", name, info.AltText, f.alt)
			}
			ready[f.kind] = append(ready[f.kind], ev.MediaID)
			readyAlt[ev.MediaID] = name
		case ev.Phase == PhaseFailed:
			// Only a fault that outlasted RetryFor may end a good file, and
			// then trying again can help.
			failedOnline++
			if ev.Err == nil || !strings.Contains(ev.Err.Error(), name) || !ev.Retryable {
				t.Errorf("%s failed under transient faults; want an error naming it with retryable set: retryable %v, %v", name, ev.Retryable, ev.Err)
			} else {
				t.Logf("%s failed after %d retries: %v", name, ev.Retries, ev.Err)
			}
		default:
			t.Errorf("%s ended %s, want ready or failed: %v", name, ev.Phase, ev.Err)
		}
	}
	if n := len(ready[media.Image]) + len(ready[media.GIF]) + len(ready[media.Video]); n < len(files)-1-2 {
		t.Errorf("only %d of %d media files are ready; 15 %% faults with %s of retries should cost at most a couple", n, len(files)-1, soakRetryFor)
	}

	// Every fault the client saw is counted. Each injected fault fails one
	// attempt: a reset, 500, 503 or 429 answers it, a stall trips the 1 s
	// watchdog. The retry loop repeats every such attempt (+1 in Retries)
	// unless the call gives up; a job whose call gave up fails, and its
	// other segments in flight (at most soakSegments attempts, each maybe
	// faulted) are abandoned without a retry. One kind of fault never
	// reaches the loop at all: a reset STATUS GET on a reused keep-alive
	// connection, which net/http replays itself (soakTransport counts
	// these). No fault hits a tweet: the sandbox only faults media requests.
	// So
	//   Σ Retries ≥ faults − replays − failed jobs × segments in flight,
	// with equality unless something else (a slow CPU tripping the watchdog)
	// caused extra retries; the excess is logged.
	var stats sandbox.RequestStats
	if err := soakGet(base+"/sandbox/requests", &stats); err != nil {
		t.Fatal(err)
	}
	faults := 0
	for _, n := range stats.Faults {
		faults += n
	}
	replays := int(tr.replays.Load())
	floor := faults - replays - failedOnline*soakSegments
	if retries < floor {
		t.Errorf("jobs counted %d retries, but the sandbox injected %d faults (%v), of which net/http replayed %d and %d failed jobs may have abandoned %d: at least %d retries should be counted",
			retries, faults, stats.Faults, replays, failedOnline, failedOnline*soakSegments, floor)
	}
	if faults < 10 {
		t.Errorf("only %d faults injected over %d requests: the soak did not exercise retries", faults, sum(stats.ByEndpoint))
	}
	t.Logf("%d files in %s: %d requests %v, %d faults %v, %d retries counted (%d replayed inside net/http, %d beyond the faults)",
		len(files), took.Round(time.Millisecond), sum(stats.ByEndpoint), stats.ByEndpoint, faults, stats.Faults, retries, replays, retries-(faults-replays))

	// One tweet per group X allows: four images, or one GIF, or one video.
	var groups [][]string
	imgs := ready[media.Image]
	for len(imgs) > 0 {
		n := min(4, len(imgs))
		groups = append(groups, imgs[:n])
		imgs = imgs[n:]
	}
	for _, id := range append(slices.Clone(ready[media.GIF]), ready[media.Video]...) {
		groups = append(groups, []string{id})
	}
	var posted []*xapi.Tweet
	for i, g := range groups {
		pctx, pcancel := context.WithTimeout(context.Background(), 20*time.Second)
		tw, err := m.Client().PostTweet(pctx, xapi.NewTweet{Text: fmt.Sprintf("soak post %d of %d: %s", i+1, len(groups), readyAlt[g[0]]), MediaIDs: g})
		pcancel()
		if err != nil {
			t.Errorf("posting group %d %v: %v", i+1, g, err)
			continue
		}
		posted = append(posted, tw)
	}
	var tweets []sandbox.TweetInfo
	if err := soakGet(base+"/sandbox/tweets", &tweets); err != nil {
		t.Fatal(err)
	}
	if len(posted) == 0 || len(tweets) != len(posted) {
		t.Errorf("posted %d tweets, the sandbox has %d; want the same, at least one", len(posted), len(tweets))
	}
	for i, tw := range tweets {
		if i >= len(posted) || tw.ID != posted[i].ID || !slices.Equal(tw.MediaIDs, groups[i]) {
			t.Errorf("tweet %d on X is %+v; want %v with media %v, exactly once", i+1, tw, posted[min(i, len(posted)-1)], groups[min(i, len(groups)-1)])
		}
	}

	// Nothing half-done is left in the journal.
	if sessions, err := st.Sessions(); err != nil || len(sessions) != failedOnline {
		t.Errorf("journal holds %d sessions (%v) after the soak; want one per failed upload, %d", len(sessions), err, failedOnline)
	}

	// No goroutine outlives the manager, the store, the server and the
	// transport's idle connections.
	m.Close()
	if n := <-events; n < len(files) {
		t.Errorf("only %d events for %d files", n, len(files))
	}
	if err := st.Close(); err != nil {
		t.Error(err)
	}
	// As NewTestServer's cleanup does, but now: the server's connection
	// goroutines must be gone before counting. Close also drops
	// http.DefaultTransport's idle connections (the inspection GETs).
	sb.Close()
	ts.CloseClientConnections()
	ts.Close()
	tr.base.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines 5 s after everything closed, %d before the soak:\n%s", runtime.NumGoroutine(), baseline, buf)
		}
		time.Sleep(20 * time.Millisecond) // NumGoroutine has nothing to wait on
	}
}

// soakGet reads one inspection endpoint.
func soakGet(url string, v any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", url, resp.Status, b)
	}
	return json.Unmarshal(b, v)
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// soakFiles writes the soak's media into dir: 20 noise PNGs from 5 KB to
// 850 KB (the larger ones need several 256 KiB segments), the sample GIF
// and three animated noise GIFs up to about 1 MB, six MP4s of 1 to 6 MiB
// (the sample padded with a free box), and one file that is not media.
func soakFiles(t *testing.T, dir string, rng *rand.Rand) []soakFile {
	t.Helper()
	var out []soakFile
	add := func(name string, kind media.Kind, write func(w io.Writer) error, alt string) {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		bw := bufio.NewWriter(io.MultiWriter(f, h))
		if err := write(bw); err != nil {
			t.Fatal(err)
		}
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		out = append(out, soakFile{path: path, kind: kind, sha: hex.EncodeToString(h.Sum(nil)), alt: alt})
	}
	for i := range 20 {
		w, h := 48+30*i, 36+22*i
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		rng.Read(img.Pix)
		for p := 3; p < len(img.Pix); p += 4 {
			img.Pix[p] = 0xff // opaque: PNG stores RGB, about 3 bytes a pixel of noise
		}
		alt := ""
		if i%3 == 0 {
			alt = fmt.Sprintf("noise %d×%d", w, h)
		}
		add(fmt.Sprintf("image-%02d.png", i), media.Image, func(wr io.Writer) error {
			return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(wr, img)
		}, alt)
	}
	add("sample.gif", media.GIF, func(w io.Writer) error {
		b, err := testmedia.ReadFile("sample.gif")
		if err == nil {
			_, err = w.Write(b)
		}
		return err
	}, "the sample animation")
	for i, sz := range []struct{ w, h, frames int }{{160, 120, 4}, {320, 240, 6}, {400, 300, 8}} {
		add(fmt.Sprintf("noise-%d.gif", i), media.GIF, func(w io.Writer) error {
			g := &gif.GIF{}
			for range sz.frames {
				fr := image.NewPaletted(image.Rect(0, 0, sz.w, sz.h), palette.Plan9)
				rng.Read(fr.Pix)
				g.Image = append(g.Image, fr)
				g.Delay = append(g.Delay, 10)
			}
			return gif.EncodeAll(w, g)
		}, "")
	}
	for i := 1; i <= 6; i++ {
		size := int64(i) << 20
		add(fmt.Sprintf("video-%dmb.mp4", i), media.Video, func(w io.Writer) error {
			_, err := testmedia.WritePaddedMP4(w, size, byte(i))
			return err
		}, "")
	}
	bad := filepath.Join(dir, "notes.png")
	if err := os.WriteFile(bad, []byte("these are notes, not a picture\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out = append(out, soakFile{path: bad, kind: media.Image, bad: true})
	return out
}
