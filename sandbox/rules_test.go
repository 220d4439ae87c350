package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// wantUploadError checks the legacy upload-host shape, slashes escaped.
func wantUploadError(t *testing.T, r result, msg string) {
	t.Helper()
	want := `{"request":"\/1.1\/media\/upload.json","error":"` + msg + `"}`
	if r.code != http.StatusBadRequest || string(r.body) != want {
		t.Fatalf("got %d %s\nwant 400 %s", r.code, r.body, want)
	}
}

// wantV1Code checks {"errors":[{"code":N,"message":…}]}.
func wantV1Code(t *testing.T, r result, status, code int, msg string) {
	t.Helper()
	var e struct {
		Errors []struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if r.code != status || json.Unmarshal(r.body, &e) != nil || len(e.Errors) != 1 || e.Errors[0].Code != code ||
		(msg != "" && e.Errors[0].Message != msg) {
		t.Fatalf("got %d %s, want %d code %d %q", r.code, r.body, status, code, msg)
	}
}

// wantInvalid checks a v2 invalid-request problem whose first error contains msg.
func wantInvalid(t *testing.T, r result, msg string) {
	t.Helper()
	var p problem
	if r.code != http.StatusBadRequest || json.Unmarshal(r.body, &p) != nil ||
		p.Type != "https://api.x.com/2/problems/invalid-request" || p.Title != "Invalid Request" ||
		p.Detail != "One or more parameters to your request was invalid." || len(p.Errors) != 1 ||
		!strings.Contains(p.Errors[0].Message, msg) {
		t.Fatalf("got %d %s, want 400 invalid-request with %q", r.code, r.body, msg)
	}
}

func TestSegmentRules(t *testing.T) {
	clock := newFakeClock()
	s, ts := newTestServer(t, Options{Now: clock.Now})
	c := newClient(t, ts, DemoAccount(), clock)
	png := pngBytes(t, 16, 16, 3000)

	// segment_index outside 0..999, both versions. Refused APPENDs still
	// count in appended_bytes: the bytes were received.
	id := c.v1Init("image/png", len(png), "", "").obj(t)["media_id_string"].(string)
	wantUploadError(t, c.v1Append(id, 1000, png[:10]), "SegmentIndex must be between 0 and 999.")
	wantUploadError(t, c.v1Append(id, -1, png[:10]), "SegmentIndex must be between 0 and 999.")
	r := c.run(c.newMultipart(v1Path, nil, []field{{name: "command", value: "APPEND"}, {name: "media_id", value: id},
		{name: "segment_index", value: "x"}, {name: "media", filename: "b", data: png}}))
	wantUploadError(t, r, "SegmentIndex must be between 0 and 999.")
	v2id := c.v2Init(map[string]any{"media_type": "image/png", "total_bytes": len(png)}).data(t)["id"].(string)
	wantInvalid(t, c.v2Append(v2id, 1000, png), "SegmentIndex must be between 0 and 999.")
	// JSON append with a numeric-string index is fine; a bad one is not.
	r = c.run(c.newJSON("POST", "/2/media/upload/"+v2id+"/append", nil, map[string]any{"media": "AAAA", "segment_index": "7"}))
	if r.code != http.StatusNoContent {
		t.Fatalf("JSON append with \"7\": %d %s", r.code, r.body)
	}
	r = c.run(c.newJSON("POST", "/2/media/upload/"+v2id+"/append", nil, map[string]any{"media": "AAAA", "segment_index": true}))
	wantInvalid(t, r, "SegmentIndex must be between 0 and 999.")

	// A chunk over 5 MiB.
	big := make([]byte, 5<<20+1)
	if r := c.v1Append(id, 0, big); r.code != http.StatusBadRequest || !strings.Contains(string(r.body), "5242880") {
		t.Fatalf("5 MiB + 1 chunk: %d %s", r.code, r.body)
	}
	if r := c.v2Append(v2id, 0, big); r.code != http.StatusBadRequest {
		t.Fatalf("v2 5 MiB + 1 chunk: %d %s", r.code, r.body)
	}

	// Gaps and size mismatches are reported at FINALIZE.
	if r := c.v1Append(id, 0, png[:1000]); r.code != http.StatusNoContent {
		t.Fatal(r.code)
	}
	if r := c.v1Append(id, 2, png[2000:]); r.code != http.StatusNoContent {
		t.Fatal(r.code)
	}
	wantUploadError(t, c.v1Finalize(id), "Segments do not add up to provided total file size.")
	c.v1Append(id, 1, png[1000:1999]) // one byte short
	wantUploadError(t, c.v1Finalize(id), "Segments do not add up to provided total file size.")
	// A re-sent segment replaces the earlier one (last write wins).
	c.v1Append(id, 1, png[1000:2000])
	r = c.v1Finalize(id)
	if r.code != http.StatusCreated {
		t.Fatalf("FINALIZE after the fix: %d %s", r.code, r.body)
	}
	info, _ := s.Media(id)
	if info.SHA256 != sha(png) || info.AppendedBytes != int64(10+10+len(png)+len(big)+1000+1000+999+1000) || info.State != "succeeded" {
		t.Fatalf("inspection after re-send: %+v", info)
	}
	// FINALIZE again answers the same, and APPEND is refused.
	if r := c.v1Finalize(id); r.code != http.StatusCreated || r.obj(t)["image"] == nil {
		t.Fatalf("second FINALIZE: %d %s", r.code, r.body)
	}
	if r := c.v1Append(id, 3, png[:5]); r.code != http.StatusBadRequest {
		t.Fatalf("APPEND after FINALIZE: %d %s", r.code, r.body)
	}

	// Unknown bytes: media type unrecognized, at FINALIZE.
	junk := bytes.Repeat([]byte("not media "), 50)
	_, r = c.uploadV1(junk, "image/png", "", 1000)
	wantUploadError(t, r, "media type unrecognized.")
	_, r = c.uploadV2(junk, "video/mp4", "tweet_video", 1000)
	wantInvalid(t, r, "media type unrecognized.")

	// Unknown, empty and foreign media ids.
	wantUploadError(t, c.v1Append("1234567890123456789", 0, png), "Invalid media_id: 1234567890123456789.")
	wantUploadError(t, c.do("POST", v1Path, nil, url.Values{"command": {"FINALIZE"}}), "Invalid media_id: Some().")
	x := newClient(t, ts, XDevelopersAccount(), clock)
	wantUploadError(t, x.v1Status(id), "Invalid media_id: "+id+".")
}

func TestSizeLimitsAtInit(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := newClient(t, ts, DemoAccount(), nil)
	for _, tc := range []struct {
		mediaType, category string
		limit               int
		msg                 string
	}{
		{"image/png", "", 5242880, "Image file size must be <= 5242880 bytes"},
		{"image/jpeg", "tweet_image", 5242880, "Image file size must be <= 5242880 bytes"},
		{"image/gif", "tweet_gif", 15 << 20, "Animated GIF file size must be <= 15728640 bytes"},
		{"video/mp4", "tweet_video", 512 << 20, "Video file size must be <= 536870912 bytes"},
		{"video/mp4", "amplify_video", 512 << 20, "Video file size must be <= 536870912 bytes"},
	} {
		if r := c.v1Init(tc.mediaType, tc.limit, tc.category, ""); r.code != http.StatusAccepted {
			t.Errorf("%s/%s at the limit: %d %s", tc.mediaType, tc.category, r.code, r.body)
		}
		wantV1Code(t, c.v1Init(tc.mediaType, tc.limit+1, tc.category, ""), http.StatusBadRequest, 324, tc.msg)
		body := map[string]any{"media_type": tc.mediaType, "total_bytes": tc.limit + 1}
		if tc.category != "" {
			body["media_category"] = tc.category
		}
		wantInvalid(t, c.v2Init(body), tc.msg)
	}
	if r := c.v1Init("video/mp4", 10, "amplify_video", ""); r.obj(t)["media_key"] != "13_"+r.obj(t)["media_id_string"].(string) {
		t.Errorf("amplify_video media_key: %s", r.body)
	}
	// v1.1 accepts the other spellings of a category.
	if r := c.v1Init("image/png", 10, "TweetImage", ""); r.code != http.StatusAccepted || !strings.Contains(string(r.body), `"media_key":"3_`) {
		t.Errorf("TweetImage: %d %s", r.code, r.body)
	}
}

func TestV2InitIsStrict(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := newClient(t, ts, DemoAccount(), nil)
	for _, tc := range []struct {
		body string
		msg  string
	}{
		{`{"media_type":"image/png","total_bytes":10,"colour":"red"}`, "$.colour: is not defined in the schema"},
		{`{"media_type":"image/png","total_bytes":10,"shared":"true"}`, "$.shared: string found, boolean expected"},
		{`{"media_type":"image/png","total_bytes":"10"}`, "$.total_bytes"},
		{`{"media_type":"image/png","total_bytes":10.5}`, "$.total_bytes"},
		{`{"media_type":"image/png"}`, "$.total_bytes: is missing"},
		{`{"media_type":"application/zip","total_bytes":10}`, "$.media_type: does not have a value in the enumeration"},
		{`{"media_type":"image/png","total_bytes":10,"media_category":"TweetImage"}`, "$.media_category"},
		{`{"media_type":"image/png","total_bytes":10,"additional_owners":["abc"]}`, "additional_owners"},
		{`[1,2]`, "JSON object"},
	} {
		wantInvalid(t, c.v2Init(json.RawMessage(tc.body)), tc.msg)
	}
	if r := c.v2Init(json.RawMessage(`{"media_type":"image/png","total_bytes":10,"shared":true}`)); r.code != http.StatusAccepted {
		t.Fatalf("shared:true: %d %s", r.code, r.body)
	}
	// Not JSON at all.
	r := c.do("POST", "/2/media/upload/initialize", nil, url.Values{"media_type": {"image/png"}, "total_bytes": {"10"}})
	wantInvalid(t, r, "content-type of application/json")
}

func TestExpiry(t *testing.T) {
	clock := newFakeClock()
	s, ts := newTestServer(t, Options{Now: clock.Now})
	c := newClient(t, ts, DemoAccount(), clock)
	png := pngBytes(t, 4, 4, 0)
	ready, _ := c.uploadV1(png, "image/png", "", 1<<20)
	open := c.v1Init("image/png", len(png), "", "").obj(t)["media_id_string"].(string)
	clock.Advance(86400*time.Second + time.Second)
	wantUploadError(t, c.v1Append(open, 0, png), "Invalid media_id: "+open+".")
	wantUploadError(t, c.v1Status(ready), "Invalid media_id: "+ready+".")
	wantInvalid(t, c.v2Status(ready), "Invalid media_id")
	for _, id := range []string{ready, open} {
		if info, _ := s.Media(id); info.State != "expired" {
			t.Errorf("%s state %s, want expired", id, info.State)
		}
	}
	r := c.v2Tweet(map[string]any{"text": "late", "media": map[string]any{"media_ids": []string{ready}}})
	wantInvalid(t, r, "Your media IDs are invalid.")
}

func TestPostRules(t *testing.T) {
	clock := newFakeClock()
	_, ts := newTestServer(t, Options{Now: clock.Now, Processing: time.Minute})
	c := newClient(t, ts, DemoAccount(), clock)
	var photos []string
	for i := 0; i < 5; i++ {
		id, r := c.uploadV1(pngBytes(t, 10+i, 10, 0), "image/png", "tweet_image", 1<<20)
		if r.code != http.StatusCreated {
			t.Fatalf("image upload %d: %d %s", i, r.code, r.body)
		}
		photos = append(photos, id)
	}
	gifID, _ := c.uploadV2(gifBytes(t, 20, 20, 4, 0), "image/gif", "tweet_gif", 1<<20)
	vidID, _ := c.uploadV2(mp4Bytes(4000), "video/mp4", "tweet_video", 1<<20)
	vid2, _ := c.uploadV2(mp4Bytes(4001), "video/mp4", "tweet_video", 1<<20)
	// Processing not finished yet: the video cannot be posted.
	wantInvalid(t, c.v2Tweet(map[string]any{"text": "early", "media": map[string]any{"media_ids": []string{vidID}}}), "Your media IDs are invalid.")
	clock.Advance(2 * time.Minute)

	v2 := func(text string, ids ...string) result {
		body := map[string]any{"text": text}
		if ids != nil {
			body["media"] = map[string]any{"media_ids": ids}
		}
		return c.v2Tweet(body)
	}
	v1 := func(text string, ids ...string) result {
		f := url.Values{"status": {text}}
		if ids != nil {
			f.Set("media_ids", strings.Join(ids, ","))
		}
		return c.do("POST", "/1.1/statuses/update.json", nil, f)
	}
	wantInvalid(t, v2("five", photos...), "maximum of 4 items")
	wantV1Code(t, v1("five", photos...), http.StatusBadRequest, 324, "The validation of media ids failed.")
	wantInvalid(t, v2("mixed", photos[0], gifID), "Your media IDs are invalid.")
	wantInvalid(t, v2("two videos", vidID, vid2), "Your media IDs are invalid.")
	wantV1Code(t, v1("mixed", photos[0], vidID), http.StatusBadRequest, 324, "")
	wantInvalid(t, v2("unknown", "1234567890123456789"), "Your media IDs are invalid.")
	wantV1Code(t, v1("bad ids", "12,abc"), http.StatusBadRequest, 44, "media_ids parameter is invalid.")
	wantInvalid(t, c.v2Tweet(map[string]any{"text": "x", "media": map[string]any{"media_ids": []string{"1x"}}}), "regex")
	wantInvalid(t, c.v2Tweet(map[string]any{"text": "x", "poll_options": 1}), "is not defined in the schema")

	// Someone else's media.
	x := newClient(t, ts, XDevelopersAccount(), clock)
	wantInvalid(t, x.v2Tweet(map[string]any{"text": "not mine", "media": map[string]any{"media_ids": []string{photos[0]}}}), "Your media IDs are invalid.")

	for name, r := range map[string]result{
		"4 photos": v2("four", photos[:4]...), "1 gif": v2("gif", gifID), "1 video": v1("video", vidID), "media only": v2("", photos[4]),
	} {
		if r.code != http.StatusCreated && r.code != http.StatusOK {
			t.Errorf("%s: %d %s", name, r.code, r.body)
		}
	}
	// Duplicates, per user.
	if r := v2("hello"); r.code != http.StatusCreated {
		t.Fatalf("first hello: %d %s", r.code, r.body)
	}
	r := v2("hello")
	if r.code != http.StatusForbidden || string(r.body) != `{"title":"Forbidden","detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","status":403}` {
		t.Fatalf("duplicate v2: %d %s", r.code, r.body)
	}
	wantV1Code(t, v1("hello"), http.StatusForbidden, 187, "Status is a duplicate.")
	if r := x.v2Tweet(map[string]any{"text": "hello"}); r.code != http.StatusCreated {
		t.Fatalf("same text by another user: %d %s", r.code, r.body)
	}
	// Length: 280 weighted characters, URLs 23, emoji 2.
	if r := v2(strings.Repeat("a", 280)); r.code != http.StatusCreated {
		t.Fatalf("280 chars: %d %s", r.code, r.body)
	}
	wantInvalid(t, v2(strings.Repeat("b", 281)), "over the 280 limit")
	wantV1Code(t, v1(strings.Repeat("c", 281)), http.StatusForbidden, 186, "Tweet needs to be a bit shorter.")
	wantInvalid(t, v2(strings.Repeat("界", 141)), "over the 280 limit")
	if r := v2(strings.Repeat("界", 140)); r.code != http.StatusCreated {
		t.Fatalf("140 CJK: %d %s", r.code, r.body)
	}
	long := "https://example.com/" + strings.Repeat("x", 100)
	if r := v2(strings.Repeat("d", 256) + " " + long); r.code != http.StatusCreated {
		t.Fatalf("256 + space + URL (23) = 280: %d %s", r.code, r.body)
	}
	wantInvalid(t, v2(strings.Repeat("e", 257)+" "+long), "over the 280 limit")
	// Empty.
	wantInvalid(t, v2(""), "needs text or media")
	wantV1Code(t, v1(""), http.StatusBadRequest, 170, "")
	// Wrong content type.
	wantInvalid(t, c.do("POST", "/2/tweets", nil, url.Values{"text": {"form"}}), "content-type of application/json")
}

func TestWeightedLength(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"Hi http://test.co", 26},
		{"http://test.co", 23},
		{strings.Repeat("中", 160), 320},
		{strings.Repeat("😷", 160), 320},
		{"H🐱☺👨‍👩‍👧‍👦", 7},
		{strings.Repeat("https://www.twitter.com/aloha ", 10), 240},
		{"café", 4},
		{"👍🏽 ok", 5},
		{"🇯🇵", 2},
		{"1️⃣", 2},
		{"a\u2014b", 3}, // em dash is in 8208-8223
		{"see www.example.com.", 28},
	} {
		if got, ok := weightedLength(tc.text); !ok || got != tc.want {
			t.Errorf("weightedLength(%q) = %d, %v; want %d", tc.text, got, ok, tc.want)
		}
	}
	for _, bad := range []string{"", "a\uFFFEb", "\xff"} {
		if _, ok := weightedLength(bad); ok {
			t.Errorf("weightedLength(%q) ok, want invalid", bad)
		}
	}
}

func TestAltText(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	_, ts2 := newTestServer(t, Options{})
	for _, srv := range []struct {
		v2 bool
	}{{false}, {true}} {
		c := newClient(t, ts, DemoAccount(), nil)
		if srv.v2 {
			c = newClient(t, ts2, DemoAccount(), nil)
		}
		id, _ := c.uploadV1(pngBytes(t, 5, 5, 0), "image/png", "", 1<<20)
		send := func(text string) result {
			if srv.v2 {
				return c.run(c.newJSON("POST", "/2/media/metadata", nil, map[string]any{"id": id, "metadata": map[string]any{"alt_text": map[string]any{"text": text}}}))
			}
			return c.run(c.newJSON("POST", "/1.1/media/metadata/create.json", nil, map[string]any{"media_id": id, "alt_text": map[string]any{"text": text}}))
		}
		if r := send(strings.Repeat("é", 1001)); r.code != http.StatusBadRequest || !strings.Contains(string(r.body), "1000") {
			t.Fatalf("v2=%v 1001 chars: %d %s", srv.v2, r.code, r.body)
		}
		r := send(strings.Repeat("é", 1000))
		if r.code != http.StatusOK {
			t.Fatalf("v2=%v 1000 chars: %d %s", srv.v2, r.code, r.body)
		}
		if srv.v2 && r.data(t)["associated_metadata"] == nil {
			t.Fatalf("v2 metadata response %s", r.body)
		}
		var info MediaInfo
		u := ts.URL
		if srv.v2 {
			u = ts2.URL
		}
		getJSON(t, u+"/sandbox/media/"+id, &info)
		if info.AltText != strings.Repeat("é", 1000) {
			t.Fatalf("v2=%v alt_text %q", srv.v2, info.AltText)
		}
	}
}

func TestSimpleAndOneShotUploads(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	c := newClient(t, ts, DemoAccount(), nil)
	jpg := jpegBytes(t, 30, 20, 0)
	// v1.1 simple with base64 media_data in a urlencoded body.
	r := c.do("POST", v1Path, nil, url.Values{"media_data": {b64(jpg)}, "media_category": {"tweet_image"}, "additional_owners": {"3805104374,2244994945"}})
	o := r.obj(t)
	img := o["image"].(map[string]any)
	if r.code != http.StatusOK || img["image_type"] != `image/jpeg` || img["w"].(json.Number).String() != "30" || o["media_key"] == nil {
		t.Fatalf("simple upload: %d %s", r.code, r.body)
	}
	if !bytes.Contains(r.body, []byte(`"image_type":"image\/jpeg"`)) {
		t.Errorf("v1.1 bodies escape slashes like X: %s", r.body)
	}
	// A video in one request is refused.
	wantV1Code(t, c.v1Simple(mp4Bytes(100), nil), http.StatusBadRequest, 324, "")
	wantUploadError(t, c.v1Simple([]byte("hello"), nil), "media type unrecognized.")
	wantUploadError(t, c.do("POST", v1Path, nil, url.Values{"media_category": {"tweet_image"}}), "media parameter is missing.")
	// v2 one-shot, multipart and JSON.
	r = c.run(c.newMultipart("/2/media/upload", nil, []field{{name: "media_category", value: "tweet_image"}, {name: "media", filename: "a.jpg", data: jpg}}))
	if r.code != http.StatusOK || r.data(t)["media_key"] == nil || r.data(t)["image"] == nil {
		t.Fatalf("v2 one-shot multipart: %d %s", r.code, r.body)
	}
	r = c.run(c.newJSON("POST", "/2/media/upload", nil, map[string]any{"media": b64(jpg), "media_category": "tweet_image"}))
	if r.code != http.StatusOK || r.data(t)["id"] == nil {
		t.Fatalf("v2 one-shot JSON: %d %s", r.code, r.body)
	}
	wantInvalid(t, c.run(c.newJSON("POST", "/2/media/upload", nil, map[string]any{"media": b64(jpg)})), "$.media_category: is missing")
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
