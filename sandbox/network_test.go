package sandbox

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestFaultsEveryMediaRequest: with Faults = 1 every media request faults,
// each kind shows up, nothing changes state, and posts are never faulted.
func TestFaultsEveryMediaRequest(t *testing.T) {
	clock := newFakeClock()
	s := New(Options{Now: clock.Now, Faults: 1, Seed: 42})
	// A fault is counted when it is injected, its endpoint when the handler
	// returns: the counters are read only once every handler has returned
	// (a stalled one returns when the client gives up).
	var handlers sync.WaitGroup
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlers.Add(1)
		defer handlers.Done()
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		s.Close()
		ts.CloseClientConnections()
		ts.Close()
	})
	c := newClient(t, ts, DemoAccount(), clock)
	c.hc = &http.Client{Timeout: 500 * time.Millisecond} // a stall waits for this
	// A session made behind the server's back, to send APPENDs to.
	m := s.newSession(&principal{account: DemoAccount()}, clock.Now(), "image/png", "", 2000, nil)
	png := pngBytes(t, 10, 10, 2000)

	const n = 40
	var resets, stalls int
	for i := 0; i < n; i++ {
		var p *prepared
		switch i % 4 {
		case 0:
			p = c.newForm("POST", v1Path, nil, url.Values{"command": {"INIT"}, "media_type": {"image/png"}, "total_bytes": {"10"}})
		case 1:
			p = c.newMultipart(v1Path, nil, []field{{name: "command", value: "APPEND"}, {name: "media_id", value: m.id},
				{name: "segment_index", value: "0"}, {name: "media", filename: "b", data: png}})
		case 2:
			p = c.newJSON("POST", "/2/media/upload/initialize", nil, map[string]any{"media_type": "image/png", "total_bytes": 10})
		case 3:
			p = c.newForm("GET", "/2/media/upload", url.Values{"media_id": {m.id}}, nil)
		}
		resp, err := c.hc.Do(p.clone(t))
		if err != nil {
			if strings.Contains(err.Error(), "Timeout") || strings.Contains(err.Error(), "deadline") {
				stalls++
			} else {
				resets++
			}
			continue
		}
		body := readAll(t, resp)
		resp.Body.Close()
		switch resp.StatusCode {
		case 500, 503:
		case 429:
			if resp.Header.Get("retry-after") != "1" {
				t.Errorf("fault 429 without retry-after: 1")
			}
			reset, _ := strconv.ParseInt(resp.Header.Get("x-rate-limit-reset"), 10, 64)
			if d := reset - clock.Now().Unix(); d < 1 || d > 2 || resp.Header.Get("x-rate-limit-remaining") != "0" {
				t.Errorf("fault 429 headers %v", resp.Header)
			}
		default:
			t.Fatalf("request %d was not faulted: %d %s", i, resp.StatusCode, body)
		}
		if resp.StatusCode == 500 && strings.HasPrefix(p.url, ts.URL+"/1.1/") && !bytes.Contains(body, []byte(`"code":131`)) {
			t.Errorf("v1.1 500 body %s", body)
		}
	}
	handlers.Wait() // every request the client sent (and any transport retry) has been answered
	st := s.Requests()
	total, received := 0, 0
	for kind, k := range st.Faults {
		total += k
		if k == 0 {
			t.Errorf("no %s fault in %d requests", kind, n)
		}
	}
	for _, k := range st.ByEndpoint {
		received += k
	}
	// Go's transport may resend an idempotent GET once after a reset, so
	// the server can see a few more requests than the test sent.
	// Every stall surfaces as a client timeout (a slow machine may add more).
	if total != received || total < n || st.Faults["stall"] > stalls || resets+stalls == 0 {
		t.Errorf("faults %v (resets seen %d, stalls seen %d): want one per request received (%d)", st.Faults, resets, stalls, received)
	}
	if st.ByEndpoint["INIT"] < n/2 || st.ByEndpoint["APPEND"] < n/4 || st.ByEndpoint["STATUS"] < n/4 {
		t.Errorf("by_endpoint %v", st.ByEndpoint)
	}
	// No state changed: no media besides ours, nothing stored.
	if all := s.AllMedia(); len(all) != 1 {
		t.Fatalf("faulted INITs created media: %+v", all)
	}
	m.mu.Lock()
	segs, appended := len(m.segments), m.appendedBytes
	m.mu.Unlock()
	if segs != 0 {
		t.Errorf("a faulted APPEND stored a segment")
	}
	if appended%2000 != 0 {
		t.Errorf("appended_bytes %d is not a whole number of 2000-byte chunks", appended)
	}
	// Posts are not faulted.
	c.hc = ts.Client()
	if r := c.v2Tweet(map[string]any{"text": "no faults here"}); r.code != http.StatusCreated {
		t.Fatalf("post under Faults=1: %d %s", r.code, r.body)
	}
}

// TestUploadSurvivesFaultsWithRetries: a client that retries each request
// finishes a chunked upload through a 30 % fault rate, intact.
func TestUploadSurvivesFaultsWithRetries(t *testing.T) {
	s, ts := newTestServer(t, Options{Faults: 0.3, Seed: 7})
	c := newClient(t, ts, DemoAccount(), nil)
	c.hc = &http.Client{Timeout: 500 * time.Millisecond}
	try := func(mk func() *prepared, ok int) result {
		for attempt := 0; attempt < 30; attempt++ {
			resp, err := c.hc.Do(mk().clone(t))
			if err != nil {
				continue
			}
			body := readAll(t, resp)
			resp.Body.Close()
			if resp.StatusCode == ok {
				return result{code: resp.StatusCode, header: resp.Header, body: body}
			}
		}
		t.Fatal("30 attempts failed")
		return result{}
	}
	video := mp4Bytes(10_000)
	r := try(func() *prepared {
		return c.newJSON("POST", "/2/media/upload/initialize", nil, map[string]any{"media_type": "video/mp4", "total_bytes": len(video)})
	}, http.StatusAccepted)
	id := r.data(t)["id"].(string)
	for i := 0; i < 5; i++ {
		try(func() *prepared {
			return c.newMultipart("/2/media/upload/"+id+"/append", nil, []field{{name: "segment_index", value: strconv.Itoa(i)},
				{name: "media", filename: "b", data: video[i*2000 : (i+1)*2000]}})
		}, http.StatusNoContent)
	}
	try(func() *prepared { return c.newForm("POST", "/2/media/upload/"+id+"/finalize", nil, nil) }, http.StatusCreated)
	info, _ := s.Media(id)
	if info.SHA256 != sha(video) || info.State != "succeeded" || info.AppendedBytes < int64(len(video)) {
		t.Fatalf("after retries: %+v", info)
	}
	if f := s.Requests().Faults; f["reset"]+f["500"]+f["503"]+f["429"]+f["stall"] == 0 {
		t.Fatalf("no faults injected at 30 %%")
	}
}

func TestBandwidthLowerBound(t *testing.T) {
	const rate = 200_000 // bytes per second
	_, ts := newTestServer(t, Options{Bandwidth: rate})
	c := newClient(t, ts, DemoAccount(), nil)
	data := pngBytes(t, 10, 10, 300_000)
	start := time.Now()
	r := c.v1Simple(data, nil)
	elapsed := time.Since(start)
	if r.code != http.StatusOK {
		t.Fatalf("simple upload: %d %s", r.code, r.body)
	}
	if min := time.Duration(float64(len(data)) / rate * float64(time.Second)); elapsed < min {
		t.Fatalf("%d bytes at %d B/s took %s, less than %s", len(data), rate, elapsed, min)
	}
}

func TestLatency(t *testing.T) {
	_, ts := newTestServer(t, Options{Latency: 150 * time.Millisecond})
	c := newClient(t, ts, DemoAccount(), nil)
	start := time.Now()
	if r := c.v1Init("image/png", 10, "", ""); r.code != http.StatusAccepted {
		t.Fatal(r.code)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("request took %s with 150ms latency", d)
	}
}

func TestRateLimits(t *testing.T) {
	clock := newFakeClock()
	_, ts := newTestServer(t, Options{Now: clock.Now})
	c := newClient(t, ts, DemoAccount(), clock)
	reset := strconv.FormatInt(clock.Now().Add(15*time.Minute).Unix(), 10)
	for i := 1; i <= 200; i++ {
		r := c.v1Init("image/png", 10, "", "")
		if r.code != http.StatusAccepted || r.header.Get("x-rate-limit-remaining") != strconv.Itoa(200-i) ||
			r.header.Get("x-rate-limit-reset") != reset {
			t.Fatalf("INIT %d: %d %v", i, r.code, r.header)
		}
	}
	wantV1Code(t, c.v1Init("image/png", 10, "", ""), http.StatusTooManyRequests, 88, "Rate limit exceeded")
	r := c.v2Init(map[string]any{"media_type": "image/png", "total_bytes": 10})
	if r.code != http.StatusTooManyRequests || string(r.body) != `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}` {
		t.Fatalf("v2 429: %d %s", r.code, r.body)
	}
	// Other commands and other users have their own windows.
	if r := c.v2Status("1"); r.header.Get("x-rate-limit-limit") != "1000" {
		t.Fatalf("STATUS limit header %v", r.header)
	}
	if r := newClient(t, ts, PartnerAccount(), clock).v1Init("image/png", 10, "", ""); r.code != http.StatusAccepted {
		t.Fatalf("another user: %d", r.code)
	}
	clock.Advance(15 * time.Minute)
	if r := c.v1Init("image/png", 10, "", ""); r.code != http.StatusAccepted || r.header.Get("x-rate-limit-remaining") != "199" {
		t.Fatalf("after the window: %d %v", r.code, r.header)
	}
}

func TestListenServeClose(t *testing.T) {
	s := New(Options{Bandwidth: 1 << 20})
	l, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	resp, err := http.Get("http://" + l.Addr().String() + "/sandbox/requests")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("inspection over Serve: %d", resp.StatusCode)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve returned %v after Close", err)
		}
	case <-ctx.Done():
		t.Fatal("Serve did not return after Close")
	}
	// Close before Serve: Serve returns at once.
	s2 := New(Options{})
	l2, err := s2.Listen("")
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if err := s2.Serve(l2); err != nil {
		t.Fatalf("Serve after Close: %v", err)
	}
}
