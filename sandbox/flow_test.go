package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/rand"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func getJSON(t *testing.T, u string, v any) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil && resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

// TestV2VideoFlow drives the v2 dialect end to end: strict initialize,
// concurrent out-of-order appends, async finalize, STATUS over an injected
// clock, the inspection contract, and a post.
func TestV2VideoFlow(t *testing.T) {
	clock := newFakeClock()
	s, ts := newTestServer(t, Options{Now: clock.Now, Processing: 10 * time.Second, Seed: 1})
	c := newClient(t, ts, DemoAccount(), clock)
	video := mp4Bytes(3*1000 + 17)

	r := c.v2Init(map[string]any{"media_type": "video/mp4", "total_bytes": len(video), "media_category": "tweet_video",
		"additional_owners": []string{"3805104374"}, "shared": false})
	if r.code != http.StatusAccepted {
		t.Fatalf("initialize: %d %s", r.code, r.body)
	}
	d := r.data(t)
	id := d["id"].(string)
	if d["media_key"] != "7_"+id || d["expires_after_secs"].(json.Number).String() != "86400" || len(id) != 19 {
		t.Fatalf("initialize data %v", d)
	}
	if r.header.Get("x-mediaid") != id || r.header.Get("x-rate-limit-limit") != "200" {
		t.Fatalf("initialize headers %v", r.header)
	}
	// Four segments, sent concurrently in shuffled order, one sent twice.
	chunks := [][]byte{video[:1000], video[1000:2000], video[2000:3000], video[3000:]}
	order := rand.New(rand.NewSource(2)).Perm(len(chunks))
	order = append(order, 1)
	var wg sync.WaitGroup
	errs := make(chan string, len(order))
	for _, i := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := c.v2Append(id, i, chunks[i]); r.code != http.StatusNoContent || len(r.body) != 0 {
				errs <- string(r.body)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatalf("append failed: %s", e)
	}
	r = c.v2Finalize(id)
	if r.code != http.StatusOK {
		t.Fatalf("finalize: %d %s", r.code, r.body)
	}
	pi := r.data(t)["processing_info"].(map[string]any)
	if pi["state"] != "pending" || pi["check_after_secs"].(json.Number).String() != "1" {
		t.Fatalf("finalize processing_info %v", pi)
	}
	// Not yet usable.
	if r := c.v2Tweet(map[string]any{"text": "too early", "media": map[string]any{"media_ids": []string{id}}}); r.code != http.StatusBadRequest ||
		!strings.Contains(string(r.body), "Your media IDs are invalid.") {
		t.Fatalf("post with pending media: %d %s", r.code, r.body)
	}
	// The state advances with the clock, not with polls.
	lastPct := 0
	start := clock.Now()
	for _, step := range []struct {
		at    time.Duration
		state string
	}{{0, "pending"}, {2 * time.Second, "in_progress"}, {5 * time.Second, "in_progress"}, {9 * time.Second, "in_progress"}, {10 * time.Second, "succeeded"}} {
		clock.mu.Lock()
		clock.t = start.Add(step.at)
		clock.mu.Unlock()
		for range 2 { // polling twice changes nothing
			d := c.v2Status(id).data(t)
			pi := d["processing_info"].(map[string]any)
			if pi["state"] != step.state {
				t.Fatalf("at +%s: state %v, want %s", step.at, pi["state"], step.state)
			}
			_, hasCheck := pi["check_after_secs"]
			if hasCheck != (step.state != "succeeded") {
				t.Fatalf("at +%s: check_after_secs present=%v in %v", step.at, hasCheck, pi)
			}
			if step.state == "in_progress" {
				pct, _ := pi["progress_percent"].(json.Number).Int64()
				if int(pct) < lastPct || pct <= 0 || pct >= 100 {
					t.Fatalf("at +%s: progress %d after %d", step.at, pct, lastPct)
				}
				lastPct = int(pct)
			}
			if step.state == "succeeded" {
				if d["video"].(map[string]any)["video_type"] != "video/mp4" {
					t.Fatalf("succeeded without video{}: %v", d)
				}
			}
		}
	}
	// Inspection over HTTP.
	var info map[string]any
	if code := getJSON(t, ts.URL+"/sandbox/media/"+id, &info); code != http.StatusOK {
		t.Fatalf("inspection: %d", code)
	}
	want := map[string]any{"media_id": id, "media_key": "7_" + id, "owner_id": DemoAccount().UserID, "media_type": "video/mp4",
		"media_category": "tweet_video", "total_bytes": float64(len(video)), "appended_bytes": float64(len(video) + 1000),
		"sha256": sha(video), "state": "succeeded", "alt_text": ""}
	for k, v := range want {
		if info[k] != v {
			t.Errorf("inspection %s = %v, want %v", k, info[k], v)
		}
	}
	if owners, _ := info["additional_owners"].([]any); len(owners) != 1 || owners[0] != "3805104374" {
		t.Errorf("additional_owners %v", info["additional_owners"])
	}
	if _, err := time.Parse(time.RFC3339, info["expires_at"].(string)); err != nil {
		t.Errorf("expires_at %v: %v", info["expires_at"], err)
	}
	if code := getJSON(t, ts.URL+"/sandbox/media/1234", nil); code != http.StatusNotFound {
		t.Errorf("unknown id: %d, want 404", code)
	}
	// The partner, listed in additional_owners, may post it.
	p := newClient(t, ts, PartnerAccount(), clock)
	r = p.v2Tweet(map[string]any{"text": "launch day", "media": map[string]any{"media_ids": []string{id}}})
	if r.code != http.StatusCreated {
		t.Fatalf("post: %d %s", r.code, r.body)
	}
	tw := r.data(t)
	if !strings.HasPrefix(tw["text"].(string), "launch day https://t.co/") {
		t.Errorf("post text %v", tw["text"])
	}
	var tweets []TweetInfo
	getJSON(t, ts.URL+"/sandbox/tweets", &tweets)
	if len(tweets) != 1 || tweets[0].ID != tw["id"] || tweets[0].Text != "launch day" || tweets[0].AuthorID != "3805104374" ||
		len(tweets[0].MediaIDs) != 1 || tweets[0].MediaIDs[0] != id {
		t.Errorf("tweets %+v", tweets)
	}
	var stats RequestStats
	getJSON(t, ts.URL+"/sandbox/requests", &stats)
	if stats.ByEndpoint["APPEND"] != 5 || stats.ByEndpoint["INIT"] != 1 || stats.ByEndpoint["TWEET"] != 2 || stats.ByStatus["204"] != 5 {
		t.Errorf("request stats %+v", stats)
	}
	if got := s.Requests(); got.ByEndpoint["STATUS"] != stats.ByEndpoint["STATUS"] || got.ByEndpoint["STATUS"] < 10 {
		t.Errorf("Requests() %+v", got)
	}
	if all := s.AllMedia(); len(all) != 1 || all[0].SHA256 != sha(video) {
		t.Errorf("AllMedia %+v", all)
	}
}

func TestV1StatusShapesAndCountdown(t *testing.T) {
	clock := newFakeClock()
	_, ts := newTestServer(t, Options{Now: clock.Now, Processing: 4 * time.Second})
	c := newClient(t, ts, DemoAccount(), clock)
	g := gifBytes(t, 40, 30, 3, 0)
	id, r := c.uploadV1(g, "image/gif", "tweet_gif", 500)
	if r.code != http.StatusOK {
		t.Fatalf("FINALIZE: %d %s", r.code, r.body)
	}
	f := r.obj(t)
	if f["media_key"] != "16_"+id || f["processing_info"].(map[string]any)["state"] != "pending" {
		t.Fatalf("FINALIZE body %s", r.body)
	}
	clock.Advance(2 * time.Second)
	st := c.v1Status(id).obj(t)
	pi := st["processing_info"].(map[string]any)
	if pi["state"] != "in_progress" || pi["check_after_secs"] == nil || pi["progress_percent"] == nil {
		t.Fatalf("STATUS in_progress: %v", st)
	}
	clock.Advance(100 * time.Second)
	st = c.v1Status(id).obj(t)
	pi = st["processing_info"].(map[string]any)
	if pi["state"] != "succeeded" || pi["check_after_secs"] != nil || pi["progress_percent"].(json.Number).String() != "100" {
		t.Fatalf("STATUS succeeded: %v", st)
	}
	if st["expires_after_secs"].(json.Number).String() != "86298" {
		t.Fatalf("expires_after_secs %v, want 86298 (counting down from FINALIZE)", st["expires_after_secs"])
	}
	if st["video"].(map[string]any)["video_type"] != "video/mp4" {
		t.Fatalf("processed GIF should report video{} %v", st)
	}
	if st["media_id"].(json.Number).String() != st["media_id_string"] {
		t.Fatalf("media_id %v vs %v", st["media_id"], st["media_id_string"])
	}
}

func TestProcessingZeroSucceedsAtFirstStatus(t *testing.T) {
	clock := newFakeClock()
	_, ts := newTestServer(t, Options{Now: clock.Now})
	c := newClient(t, ts, DemoAccount(), clock)
	id, r := c.uploadV2(mp4Bytes(5000), "video/mp4", "tweet_video", 4096)
	if r.code != http.StatusOK || r.data(t)["processing_info"].(map[string]any)["state"] != "pending" {
		t.Fatalf("finalize: %d %s", r.code, r.body)
	}
	pi := c.v2Status(id).data(t)["processing_info"].(map[string]any)
	if pi["state"] != "succeeded" {
		t.Fatalf("first STATUS with Processing=0: %v", pi)
	}
	// Without a category a video is synchronous: 201 and video{}.
	_, r = c.uploadV2(mp4Bytes(5000), "video/mp4", "", 4096)
	d := r.data(t)
	if r.code != http.StatusCreated || d["video"] == nil || d["processing_info"] != nil || d["media_key"] == nil {
		t.Fatalf("sync video finalize: %d %s", r.code, r.body)
	}
}

func TestProcessingFailures(t *testing.T) {
	clock := newFakeClock()
	s, ts := newTestServer(t, Options{Now: clock.Now, Processing: 10 * time.Second, FailProcessing: 1, Seed: 3})
	c := newClient(t, ts, DemoAccount(), clock)
	id, _ := c.uploadV1(mp4Bytes(3000), "video/mp4", "tweet_video", 3000)
	clock.Advance(6 * time.Second)
	pi := c.v1Status(id).obj(t)["processing_info"].(map[string]any)
	if pi["state"] != "in_progress" || pi["error"] == nil || pi["check_after_secs"] != nil || pi["progress_percent"].(json.Number).String() != "99" {
		t.Fatalf("failing upload past half time: %v", pi)
	}
	clock.Advance(5 * time.Second)
	st := c.v1Status(id).obj(t)
	pi = st["processing_info"].(map[string]any)
	e := pi["error"].(map[string]any)
	if pi["state"] != "failed" || (e["name"] != "InvalidMedia" && e["name"] != "UnsupportedMedia") || e["message"] == "" {
		t.Fatalf("failed STATUS: %v", st)
	}
	if _, ok := st["expires_after_secs"]; ok {
		t.Errorf("failed STATUS carries expires_after_secs: %v", st)
	}
	if info, _ := s.Media(id); info.State != "failed" {
		t.Errorf("inspection state %s", info.State)
	}
	r := c.do("POST", "/1.1/statuses/update.json", nil, url.Values{"status": {"x"}, "media_ids": {id}})
	if r.code != http.StatusBadRequest || !strings.Contains(string(r.body), `"code":324`) {
		t.Fatalf("post with failed media: %d %s", r.code, r.body)
	}

	// A PNG announced as video/mp4 with a category is accepted and fails in
	// processing as InvalidMedia, even with FailProcessing = 0.
	clock2 := newFakeClock()
	_, ts2 := newTestServer(t, Options{Now: clock2.Now})
	c2 := newClient(t, ts2, DemoAccount(), clock2)
	id, r = c2.uploadV2(pngBytes(t, 8, 8, 0), "video/mp4", "tweet_video", 1<<20)
	if r.code != http.StatusOK {
		t.Fatalf("finalize of PNG-as-video: %d %s", r.code, r.body)
	}
	pi = c2.v2Status(id).data(t)["processing_info"].(map[string]any)
	if pi["state"] != "failed" || pi["error"].(map[string]any)["code"].(json.Number).String() != "1" {
		t.Fatalf("PNG-as-video processing: %v", pi)
	}
}
