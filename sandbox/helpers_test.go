package sandbox

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is an injectable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// result is one HTTP answer.
type result struct {
	code   int
	header http.Header
	body   []byte
}

// obj decodes a JSON object body, keeping numbers exact.
func (r result) obj(t testing.TB) map[string]any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(r.body))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("body is not a JSON object (%d): %q", r.code, r.body)
	}
	return m
}

// data returns the v2 "data" object.
func (r result) data(t testing.TB) map[string]any {
	t.Helper()
	d, ok := r.obj(t)["data"].(map[string]any)
	if !ok {
		t.Fatalf("no data object in %s", r.body)
	}
	return d
}

func readAll(t testing.TB, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tclient signs requests with the test's own use of the exported signer.
type tclient struct {
	t            testing.TB
	base         string
	acct         Account
	clock        *fakeClock
	skew         time.Duration
	oauthInBody  bool
	oauthInQuery bool
	hc           *http.Client
	nonce        atomic.Int64
}

func newClient(t testing.TB, ts *httptest.Server, a Account, clock *fakeClock) *tclient {
	return &tclient{t: t, base: ts.URL, acct: a, clock: clock, hc: ts.Client()}
}

func (c *tclient) now() time.Time {
	if c.clock != nil {
		return c.clock.Now().Add(c.skew)
	}
	return time.Now().Add(c.skew)
}

// prepared is a signed request that can be sent more than once.
type prepared struct {
	method, url string
	header      http.Header
	body        []byte
}

func (p *prepared) clone(t testing.TB) *http.Request {
	req, err := http.NewRequest(p.method, p.url, bytes.NewReader(p.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = p.header.Clone()
	return req
}

// sign adds OAuth 1.0a to a request whose signed parameters are query and
// (for urlencoded bodies) form. It returns the final query and form.
func (c *tclient) sign(method, path string, query, form url.Values, header http.Header) (url.Values, url.Values) {
	q, f := url.Values{}, url.Values{}
	for k, v := range query {
		q[k] = v
	}
	for k, v := range form {
		f[k] = v
	}
	oauth := map[string]string{
		"oauth_consumer_key":     c.acct.ConsumerKey,
		"oauth_nonce":            fmt.Sprintf("n%d-%d", time.Now().UnixNano(), c.nonce.Add(1)),
		"oauth_signature_method": "HMAC-SHA1",
		"oauth_timestamp":        strconv.FormatInt(c.now().Unix(), 10),
		"oauth_version":          "1.0",
	}
	if c.acct.AccessToken != "" {
		oauth["oauth_token"] = c.acct.AccessToken
	}
	signed := url.Values{}
	for k, v := range q {
		signed[k] = v
	}
	for k, v := range f {
		signed[k] = v
	}
	for k, v := range oauth {
		signed.Set(k, v)
	}
	oauth["oauth_signature"] = Sign(SignatureBase(method, c.base+path, signed), c.acct.ConsumerSecret, c.acct.AccessSecret)
	switch {
	case c.oauthInBody:
		for k, v := range oauth {
			f.Set(k, v)
		}
	case c.oauthInQuery:
		for k, v := range oauth {
			q.Set(k, v)
		}
	default:
		var b bytes.Buffer
		b.WriteString("OAuth ")
		first := true
		for k, v := range oauth {
			if !first {
				b.WriteString(", ")
			}
			first = false
			b.WriteString(k + `="` + percentEncode(v) + `"`)
		}
		header.Set("Authorization", b.String())
	}
	return q, f
}

func (c *tclient) url(path string, q url.Values) string {
	if len(q) == 0 {
		return c.base + path
	}
	return c.base + path + "?" + q.Encode()
}

// newForm prepares a request with an optional urlencoded body.
func (c *tclient) newForm(method, path string, query, form url.Values) *prepared {
	h := http.Header{}
	q, f := c.sign(method, path, query, form, h)
	p := &prepared{method: method, header: h, url: c.url(path, q)}
	if form != nil || c.oauthInBody {
		h.Set("Content-Type", "application/x-www-form-urlencoded")
		p.body = []byte(f.Encode())
	}
	return p
}

// field is one multipart field; file fields carry a filename.
type field struct {
	name, value, filename string
	data                  []byte
}

func (c *tclient) newMultipart(path string, query url.Values, fields []field) *prepared {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		if f.filename != "" || f.data != nil {
			w, _ := mw.CreateFormFile(f.name, f.filename)
			w.Write(f.data)
			continue
		}
		mw.WriteField(f.name, f.value)
	}
	mw.Close()
	h := http.Header{}
	h.Set("Content-Type", mw.FormDataContentType())
	q, _ := c.sign("POST", path, query, nil, h)
	return &prepared{method: "POST", url: c.url(path, q), header: h, body: buf.Bytes()}
}

func (c *tclient) newJSON(method, path string, query url.Values, v any) *prepared {
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	if raw, ok := v.(json.RawMessage); ok {
		b = raw
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	q, _ := c.sign(method, path, query, nil, h)
	return &prepared{method: method, url: c.url(path, q), header: h, body: b}
}

func (c *tclient) send(req *http.Request) result {
	c.t.Helper()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	return result{code: resp.StatusCode, header: resp.Header, body: readAll(c.t, resp)}
}

func (c *tclient) run(p *prepared) result {
	c.t.Helper()
	return c.send(p.clone(c.t))
}

func (c *tclient) do(method, path string, query, form url.Values) result {
	c.t.Helper()
	return c.run(c.newForm(method, path, query, form))
}

// v1.1 helpers.

const v1Path = "/1.1/media/upload.json"

func (c *tclient) v1Simple(data []byte, extra url.Values) result {
	c.t.Helper()
	var fs []field
	for k, vs := range extra {
		fs = append(fs, field{name: k, value: vs[0]})
	}
	fs = append(fs, field{name: "media", filename: "file", data: data})
	return c.run(c.newMultipart(v1Path, nil, fs))
}

func (c *tclient) v1Init(mediaType string, total int, category string, owners string) result {
	c.t.Helper()
	f := url.Values{"command": {"INIT"}, "media_type": {mediaType}, "total_bytes": {strconv.Itoa(total)}}
	if category != "" {
		f.Set("media_category", category)
	}
	if owners != "" {
		f.Set("additional_owners", owners)
	}
	return c.do("POST", v1Path, nil, f)
}

func (c *tclient) v1Append(id string, index int, chunk []byte) result {
	c.t.Helper()
	return c.run(c.newMultipart(v1Path, nil, []field{
		{name: "command", value: "APPEND"}, {name: "media_id", value: id},
		{name: "segment_index", value: strconv.Itoa(index)}, {name: "media", filename: "blob", data: chunk},
	}))
}

func (c *tclient) v1Finalize(id string) result {
	c.t.Helper()
	return c.do("POST", v1Path, nil, url.Values{"command": {"FINALIZE"}, "media_id": {id}})
}

func (c *tclient) v1Status(id string) result {
	c.t.Helper()
	return c.do("GET", v1Path, url.Values{"command": {"STATUS"}, "media_id": {id}}, nil)
}

// uploadV1 runs INIT, APPEND (chunk bytes at a time) and FINALIZE and
// returns the media id and the FINALIZE result.
func (c *tclient) uploadV1(data []byte, mediaType, category string, chunk int) (string, result) {
	c.t.Helper()
	r := c.v1Init(mediaType, len(data), category, "")
	if r.code != http.StatusAccepted {
		c.t.Fatalf("INIT: %d %s", r.code, r.body)
	}
	id := r.obj(c.t)["media_id_string"].(string)
	for i := 0; i*chunk < len(data); i++ {
		end := min((i+1)*chunk, len(data))
		if r := c.v1Append(id, i, data[i*chunk:end]); r.code != http.StatusNoContent {
			c.t.Fatalf("APPEND %d: %d %s", i, r.code, r.body)
		}
	}
	return id, c.v1Finalize(id)
}

// v2 helpers.

func (c *tclient) v2Init(body any) result {
	c.t.Helper()
	return c.run(c.newJSON("POST", "/2/media/upload/initialize", nil, body))
}

func (c *tclient) v2Append(id string, index int, chunk []byte) result {
	c.t.Helper()
	return c.run(c.newMultipart("/2/media/upload/"+id+"/append", nil, []field{
		{name: "segment_index", value: strconv.Itoa(index)}, {name: "media", filename: "blob", data: chunk},
	}))
}

func (c *tclient) v2Finalize(id string) result {
	c.t.Helper()
	return c.do("POST", "/2/media/upload/"+id+"/finalize", nil, nil)
}

func (c *tclient) v2Status(id string) result {
	c.t.Helper()
	return c.do("GET", "/2/media/upload", url.Values{"command": {"STATUS"}, "media_id": {id}}, nil)
}

func (c *tclient) uploadV2(data []byte, mediaType, category string, chunk int) (string, result) {
	c.t.Helper()
	body := map[string]any{"media_type": mediaType, "total_bytes": len(data)}
	if category != "" {
		body["media_category"] = category
	}
	r := c.v2Init(body)
	if r.code != http.StatusAccepted {
		c.t.Fatalf("initialize: %d %s", r.code, r.body)
	}
	id := r.data(c.t)["id"].(string)
	for i := 0; i*chunk < len(data); i++ {
		end := min((i+1)*chunk, len(data))
		if r := c.v2Append(id, i, data[i*chunk:end]); r.code != http.StatusNoContent {
			c.t.Fatalf("append %d: %d %s", i, r.code, r.body)
		}
	}
	return id, c.v2Finalize(id)
}

func (c *tclient) v2Tweet(body any) result {
	c.t.Helper()
	return c.run(c.newJSON("POST", "/2/tweets", nil, body))
}

// Test media, made here from the standard library: real headers, padded to
// any size with trailing bytes the decoders ignore.

func pad(t testing.TB, b []byte, size int) []byte {
	t.Helper()
	if size == 0 {
		return b
	}
	if len(b) > size {
		t.Fatalf("encoded media is %d bytes, more than the %d wanted", len(b), size)
	}
	return append(b, make([]byte, size-len(b))...)
}

func pngBytes(t testing.TB, w, h, size int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return pad(t, buf.Bytes(), size)
}

func jpegBytes(t testing.TB, w, h, size int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return pad(t, buf.Bytes(), size)
}

func gifBytes(t testing.TB, w, h, frames, size int) []byte {
	t.Helper()
	g := &gif.GIF{}
	for i := 0; i < frames; i++ {
		p := image.NewPaletted(image.Rect(0, 0, w, h), palette.Plan9)
		p.Set(i%w, 0, color.White)
		g.Image = append(g.Image, p)
		g.Delay = append(g.Delay, 10)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	return pad(t, buf.Bytes(), size)
}

// mp4Bytes is an ftyp box followed by a free box filling up to size.
func mp4Bytes(size int) []byte {
	b := make([]byte, 0, size)
	b = binary.BigEndian.AppendUint32(b, 24)
	b = append(b, "ftypisom"...)
	b = binary.BigEndian.AppendUint32(b, 0x200)
	b = append(b, "isommp41"...)
	rest := size - len(b)
	b = binary.BigEndian.AppendUint32(b, uint32(rest))
	b = append(b, "free"...)
	for len(b) < size {
		b = append(b, byte(len(b)))
	}
	return b
}

// newTestServer is sandboxtest.New for the sandbox's own tests, which
// cannot import that package (it imports this one).
func newTestServer(t testing.TB, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	s := New(opts)
	ts := httptest.NewUnstartedServer(s)
	ts.Listener = s.shape(ts.Listener)
	ts.Start()
	t.Cleanup(func() {
		s.Close()
		ts.CloseClientConnections()
		ts.Close()
	})
	return s, ts
}
