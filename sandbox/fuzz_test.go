package sandbox

// Fuzz targets for the sandbox's request parsing and OAuth 1.0a verification.
// Their seeds (f.Add below and testdata/fuzz/<FuzzName>/) run as ordinary
// tests; `go test -run '^$' -fuzz FuzzX -fuzztime 60s ./sandbox` explores.
//
// Requests go straight to Server.ServeHTTP with an httptest.ResponseRecorder:
// no network, so each execution is fast and a panic surfaces as a crash. Every
// execution gets a fresh server with a fixed clock and seed, so media ids are
// the same from run to run and a found input replays exactly.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fuzzNow is the clock of every fuzz server, and the time the harness signs
// at, so a signature is never refused for its timestamp.
var fuzzNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fuzzHost is the Host header of every fuzz request.
const fuzzHost = "api.x.com"

func newFuzzServer() *Server {
	return New(Options{Seed: 1, Now: func() time.Time { return fuzzNow }})
}

// fuzzCreds are the keys one request is signed with.
type fuzzCreds struct {
	consumerKey, consumerSecret, token, tokenSecret string
}

func demoCreds() fuzzCreds {
	a := DemoAccount()
	return fuzzCreds{a.ConsumerKey, a.ConsumerSecret, a.AccessToken, a.AccessSecret}
}

// appCreds signs as the demo app alone (POST /oauth/request_token).
func appCreds() fuzzCreds {
	a := DemoAccount()
	return fuzzCreds{consumerKey: a.ConsumerKey, consumerSecret: a.ConsumerSecret}
}

// fuzzSign is the harness's own small OAuth 1.0a signer: it returns the
// protocol parameters, oauth_signature included, for a request whose signed
// parameters are query and form (both decoded).
func fuzzSign(cr fuzzCreds, nonce, method, baseURL string, query, form url.Values) url.Values {
	oauth := url.Values{
		"oauth_consumer_key":     {cr.consumerKey},
		"oauth_nonce":            {nonce},
		"oauth_signature_method": {"HMAC-SHA1"},
		"oauth_timestamp":        {strconv.FormatInt(fuzzNow.Unix(), 10)},
		"oauth_version":          {"1.0"},
	}
	if cr.token != "" {
		oauth.Set("oauth_token", cr.token)
	}
	signed := url.Values{}
	for _, src := range []url.Values{query, form, oauth} {
		for k, vs := range src {
			signed[k] = append(signed[k], vs...)
		}
	}
	oauth.Set("oauth_signature", Sign(SignatureBase(method, baseURL, signed), cr.consumerSecret, cr.tokenSecret))
	return oauth
}

// formatAuthHeader writes an Authorization header from single-valued
// parameters, keys in sorted order. style varies what RFC 5849 §3.5.1 leaves
// open: the scheme's case, the separator, a realm, quotes and spaces.
func formatAuthHeader(params url.Values, style uint8) string {
	scheme := []string{"OAuth", "oauth", "OAUTH", "OAuth"}[style&3]
	sep := []string{", ", ",", " ,  ", ",\t"}[style>>2&3]
	var b strings.Builder
	b.WriteString(scheme + " ")
	if style&16 != 0 {
		b.WriteString(`realm="http://` + fuzzHost + `/"` + sep)
	}
	for i, k := range slices.Sorted(maps.Keys(params)) {
		if i > 0 {
			b.WriteString(sep)
		}
		v := percentEncode(params.Get(k))
		switch {
		case style&32 != 0: // unquoted
			b.WriteString(percentEncode(k) + "=" + v)
		case style&64 != 0: // spaces around '='
			b.WriteString(percentEncode(k) + ` = "` + v + `"`)
		default:
			b.WriteString(percentEncode(k) + `="` + v + `"`)
		}
	}
	return b.String()
}

// fuzzRequest is one request as the harness builds it.
type fuzzRequest struct {
	method   string
	path     string // decoded path
	rawPath  string // its encoding, when not the default one
	rawQuery string
	header   http.Header
	body     []byte
}

// send hands r to s.ServeHTTP as the HTTP server would.
func send(s *Server, r fuzzRequest) *httptest.ResponseRecorder {
	u := &url.URL{Path: r.path, RawPath: r.rawPath, RawQuery: r.rawQuery}
	header := r.header
	if header == nil {
		header = http.Header{}
	}
	req := &http.Request{
		Method:        r.method,
		URL:           u,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        header,
		Body:          io.NopCloser(bytes.NewReader(r.body)),
		ContentLength: int64(len(r.body)),
		Host:          fuzzHost,
		RemoteAddr:    "127.0.0.1:40000",
		RequestURI:    u.RequestURI(),
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

// baseURLOf is the URL a client signs for path on fuzzHost.
func baseURLOf(path string) string {
	return "http://" + fuzzHost + (&url.URL{Path: path}).EscapedPath()
}

// signedRequest builds a request whose OAuth parameters travel in the
// Authorization header. A form (urlencoded) body is signed; other bodies are
// not.
func signedRequest(cr fuzzCreds, nonce, method, path string, query, form url.Values, ctype string, body []byte) fuzzRequest {
	oauth := fuzzSign(cr, nonce, method, baseURLOf(path), query, form)
	h := http.Header{}
	h.Set("Authorization", formatAuthHeader(oauth, 0))
	if form != nil {
		ctype, body = "application/x-www-form-urlencoded", []byte(form.Encode())
	}
	if ctype != "" {
		h.Set("Content-Type", ctype)
	}
	return fuzzRequest{method: method, path: path, rawQuery: query.Encode(), header: h, body: body}
}

// Answer checks shared by the targets.

var (
	v1ErrorsShape = regexp.MustCompile(`^\{"errors":\[\{"code":[1-9][0-9]*,"message":"(?:[^"\\]|\\.)+"\}\]\}$`)
	numericID     = regexp.MustCompile(`^[0-9]{19}$`)
)

// checkAnswer asserts what every answer of the sandbox must look like: no
// 1xx, 3xx or 5xx; 204 empty; other 2xx a JSON object (v2 inside "data"),
// except the OAuth flow's form and HTML answers and v1.1 metadata's empty
// 200; 4xx in one of X's three error shapes, the one of the path's dialect
// (401 always the v1.1 errors array with code 32 or 135).
func checkAnswer(t *testing.T, r fuzzRequest, rec *httptest.ResponseRecorder) {
	t.Helper()
	code, body := rec.Code, rec.Body.Bytes()
	ctype := rec.Header().Get("Content-Type")
	fail := func(why string) {
		t.Helper()
		t.Fatalf("%q %q?%q (Content-Type %q, %d-byte body) answered %d (%s): %s\nbody: %.600q",
			r.method, r.path, r.rawQuery, r.header.Get("Content-Type"), len(r.body), code, ctype, why, body)
	}
	if code < 200 || code >= 500 || code >= 300 && code < 400 {
		fail("status outside 2xx and 4xx")
	}
	if cl := rec.Header().Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(body)) {
		fail("Content-Length " + cl + " is not the body's length")
	}
	path := r.path
	switch {
	case path == "/sandbox" || strings.HasPrefix(path, "/sandbox/"):
		if !json.Valid(body) {
			fail("inspection answer is not JSON")
		}
		return
	case path == "/oauth/authorize" || path == "/oauth/authenticate":
		if !strings.HasPrefix(ctype, "text/html") || !bytes.HasPrefix(body, []byte("<!doctype html>")) ||
			code != http.StatusOK && code != http.StatusNotFound {
			fail("authorize answers an HTML page, 200 or 404")
		}
		return
	case path == "/oauth/request_token" || path == "/oauth/access_token":
		if code == http.StatusOK {
			v, err := url.ParseQuery(string(body))
			if err != nil || v.Get("oauth_token") == "" || v.Get("oauth_token_secret") == "" {
				fail("token answer is not a form with oauth_token and oauth_token_secret")
			}
			return
		}
		if path == "/oauth/access_token" && code == http.StatusUnauthorized && ctype == ctHTML {
			if string(body) != "Error processing your OAuth request: Invalid oauth_verifier parameter" {
				fail("wrong PIN answer")
			}
			return
		}
	}
	v2 := strings.HasPrefix(path, "/2/")
	switch {
	case code == http.StatusNoContent:
		if len(body) != 0 {
			fail("204 with a body")
		}
		return
	case code < 300 && path == "/1.1/media/metadata/create.json":
		if code != http.StatusOK || len(body) != 0 {
			fail("metadata/create answers an empty 200")
		}
		return
	case code < 300:
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			fail("2xx body is not a JSON object")
		}
		if v2 && obj["data"] == nil {
			fail("v2 2xx body without data")
		}
		return
	}
	// 4xx: one of the three error shapes.
	if code == http.StatusUnauthorized {
		if ctype != ctV1 || !v1ErrorsShape.Match(body) ||
			!bytes.Contains(body, []byte(`"code":32,`)) && !bytes.Contains(body, []byte(`"code":135,`)) {
			fail("401 is not {\"errors\":[{\"code\":32 or 135,…}]}")
		}
		return
	}
	if v2 {
		var p problem
		if ctype != ctProblem || json.Unmarshal(body, &p) != nil || p.Title == "" || p.Type == "" || p.Detail == "" {
			fail("v2 error is not a problem+json document")
		}
		switch p.Type {
		case "about:blank":
			if p.Status != code {
				fail("about:blank problem with another status")
			}
		case "https://api.x.com/2/problems/invalid-request":
			if code != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Message == "" {
				fail("invalid-request problem without one error message")
			}
		default:
			fail("unknown problem type")
		}
		return
	}
	if ctype != ctV1 {
		fail("v1.1 error with another Content-Type")
	}
	if v1ErrorsShape.Match(body) {
		return
	}
	var up struct {
		Request *string `json:"request"`
		Error   *string `json:"error"`
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if d.Decode(&up) != nil || up.Request == nil || up.Error == nil || *up.Error == "" ||
		*up.Request != path || code != http.StatusBadRequest {
		fail("v1.1 error is neither {\"errors\":[…]} nor a 400 {\"request\":path,\"error\":…}")
	}
}

// apiCode is the X code of a v1.1 errors body, or 0.
func apiCode(body []byte) int {
	var e struct {
		Errors []struct {
			Code int `json:"code"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &e) != nil || len(e.Errors) != 1 {
		return 0
	}
	return e.Errors[0].Code
}

// FuzzAuthorizationHeader feeds parseAuthHeader arbitrary headers (it must
// not panic, and what it returns must survive a format-and-parse round trip
// unchanged), and headers formatted from arbitrary oauth_* values in every
// style, which must parse back to exactly those values.
func FuzzAuthorizationHeader(f *testing.F) {
	a := DemoAccount()
	f.Add(`OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", oauth_signature="tnnArxj06cWHq44gCs1OSKk%2FjLY%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0"`,
		a.ConsumerKey, a.AccessToken, "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", "1318622958", "tnnArxj06cWHq44gCs1OSKk/jLY=", "callback", "oob", uint8(0))
	f.Add(`OAuth realm="Example",oauth_consumer_key="9djdj82h48djs9d2",oauth_token="kkk9d7dh3k39sjv7",oauth_signature_method="HMAC-SHA1",oauth_timestamp="137131201",oauth_nonce="7d8f3e4a",oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"`,
		"9djdj82h48djs9d2", "", "7d8f3e4a", "137131201", "bYT5CMsGcbgUdFHObYMEfcx6bsw=", "verifier", "1234567", uint8(16))
	f.Add(`oauth oauth_nonce=abc , oauth_token = "x%20y" ,, realm=""`, "ck", "tok", "", "", "", "", "", uint8(32|2))
	f.Add(`OAuth oauth_token="%zz"`, "c k", "t,o\"k", "n=n", "+5", "a+b/c==", "", "", uint8(64|4))
	f.Add(`OAuth oauth_token`, "ü", "\x00\xff", "\r\n", "-1", "%", "realm", "x", uint8(8|1))
	f.Add(`OAuth oauth_nonce="a", oauth_nonce="b"`, "", "", "", "99999999999999999999", "", "", "", uint8(127))
	f.Add(`Bearer AAAA`, "k", "t", "n", "0", "s", "", "", uint8(3))
	f.Add(`OAuth  =", "=,"="`, "k", "t", "n", "1", "s", "signature", "dup", uint8(12))
	f.Fuzz(func(t *testing.T, raw, consumerKey, token, nonce, timestamp, signature, extraKey, extraVal string, style uint8) {
		// Arbitrary input: no panic; a result re-formats and re-parses to itself.
		got, err := parseAuthHeader(raw)
		if err == nil && len(got) > 0 {
			if _, ok := got["realm"]; ok {
				t.Fatalf("realm kept from %q", raw)
			}
			for k, vs := range got {
				if len(vs) != 1 {
					t.Fatalf("%q has %d values for %q", raw, len(vs), k)
				}
			}
			again, err := parseAuthHeader(formatAuthHeader(got, style))
			if err != nil || !equalValues(again, got) {
				t.Fatalf("%q parsed to %q, which formatted and parsed again to %q, %v", raw, got, again, err)
			}
		}
		if _, err := collectCredentials(oauthRequest{method: "POST", baseURL: "http://" + fuzzHost + "/", header: raw}); err != nil {
			if ae, ok := err.(*authError); !ok || ae.code != 32 {
				t.Fatalf("collectCredentials(%q) failed with %T %v, not an authError with code 32", raw, err, err)
			}
		}

		// Formatted from values: parses back to exactly those values.
		want := url.Values{
			"oauth_consumer_key":     {consumerKey},
			"oauth_token":            {token},
			"oauth_nonce":            {nonce},
			"oauth_timestamp":        {timestamp},
			"oauth_signature":        {signature},
			"oauth_signature_method": {"HMAC-SHA1"},
			"oauth_version":          {"1.0"},
		}
		if k := "oauth_" + extraKey; want[k] == nil {
			want.Set(k, extraVal)
		}
		h := formatAuthHeader(want, style)
		got, err = parseAuthHeader(h)
		if err != nil || !equalValues(got, want) {
			t.Fatalf("header %q parsed to %q, %v; want %q", h, got, err, want)
		}
		cred, err := collectCredentials(oauthRequest{method: "GET", baseURL: "http://" + fuzzHost + "/", header: h})
		ts, tsErr := strconv.ParseInt(timestamp, 10, 64)
		complete := consumerKey != "" && signature != "" && nonce != "" && tsErr == nil
		switch {
		case complete && err != nil:
			t.Fatalf("complete header %q refused: %v", h, err)
		case !complete && err == nil:
			t.Fatalf("incomplete header %q accepted", h)
		case err == nil && (cred.consumerKey != consumerKey || cred.token != token || cred.nonce != nonce ||
			cred.signature != signature || cred.timestamp != ts):
			t.Fatalf("header %q gave credentials %+v", h, cred)
		case err == nil && cred.signed["oauth_signature"] != nil:
			t.Fatalf("header %q: oauth_signature is among the signed parameters", h)
		}
	})
}

func equalValues(a, b url.Values) bool {
	return maps.EqualFunc(a, b, slices.Equal)
}

// verifyTemplate is a request FuzzVerify signs and then mutates.
type verifyTemplate struct {
	method, path string
	app          bool // signed by the app alone (request_token)
	query        func(extra string) url.Values
	form         func(extra string) url.Values // urlencoded body, signed
	ctype        string
	body         func(extra string) []byte // other bodies, not signed
}

var verifyTemplates = []verifyTemplate{
	{method: "POST", path: v1Path,
		query: func(x string) url.Values { return url.Values{"media_category": {"tweet_image"}, "note": {x}} },
		form: func(x string) url.Values {
			return url.Values{"command": {"INIT"}, "media_type": {"image/png"}, "total_bytes": {"100"}, "note": {x}}
		}},
	{method: "GET", path: v1Path,
		query: func(x string) url.Values {
			return url.Values{"command": {"STATUS"}, "media_id": {"1234567890123456789"}, "note": {x}}
		}},
	{method: "POST", path: "/1.1/statuses/update.json",
		query: func(x string) url.Values { return url.Values{"trim_user": {"true"}} },
		form:  func(x string) url.Values { return url.Values{"status": {"hello " + x}} }},
	{method: "POST", path: "/2/tweets", ctype: "application/json",
		query: func(x string) url.Values { return url.Values{"note": {x}} },
		body: func(x string) []byte {
			b, _ := json.Marshal(map[string]string{"text": "hello " + x})
			return b
		}},
	{method: "POST", path: "/2/media/upload/1234567890123456789/append", ctype: "multipart/form-data; boundary=fuzzb",
		query: func(x string) url.Values { return url.Values{"note": {x}} },
		body: func(x string) []byte {
			return []byte("--fuzzb\r\nContent-Disposition: form-data; name=\"segment_index\"\r\n\r\n0\r\n" +
				"--fuzzb\r\nContent-Disposition: form-data; name=\"media\"; filename=\"blob\"\r\n\r\n" + x + "\r\n--fuzzb--\r\n")
		}},
	{method: "POST", path: "/oauth/request_token", app: true,
		query: func(x string) url.Values { return url.Values{"x_auth_access_type": {"write"}} },
		form:  func(x string) url.Values { return url.Values{"oauth_callback": {"oob"}, "note": {x}} }},
}

// Mutation targets of FuzzVerify.
const (
	mutSignature = iota // one byte of the oauth_signature value
	mutBody             // one byte of the body
	mutQuery            // one byte of the raw query
	mutMethod           // one byte of the method
	mutOAuth            // one byte of another oauth_* value
	mutCount
)

// Where FuzzVerify puts the protocol parameters.
const (
	inHeader = iota
	inQuery
	inBody
)

// FuzzVerify signs a request correctly (it must be accepted), then changes
// one byte of its signature, body, query, method or another oauth_* value.
// A change the signature covers must answer 401 with X code 32 (135 when the
// timestamp changed), must not use up the nonce (the original is accepted
// afterwards) and never 5xx; a change it does not cover (the case of the
// method, an equivalent encoding, a JSON or multipart body) must not answer
// 401. A replay of the original then answers 401 code 32.
func FuzzVerify(f *testing.F) {
	for tmpl := range verifyTemplates {
		for where := range 3 {
			for target := range mutCount {
				f.Add(uint8(tmpl), uint8(where), uint8(target), uint16(tmpl*7+target), byte('A'+target), "x")
			}
		}
	}
	f.Add(uint8(2), uint8(inHeader), uint8(mutBody), uint16(12), byte(' '), "x")       // "hello+x" to "hello x": same parameters
	f.Add(uint8(2), uint8(inHeader), uint8(mutBody), uint16(15), byte('a'), "*")       // %2A to %2a: same parameters
	f.Add(uint8(1), uint8(inHeader), uint8(mutQuery), uint16(50), byte(' '), "a b")    // '+' to ' ' in the query: same parameters
	f.Add(uint8(0), uint8(inHeader), uint8(mutMethod), uint16(1), byte('o'), "")       // POST to POsT
	f.Add(uint8(1), uint8(inQuery), uint8(mutQuery), uint16(200), byte(';'), "")       // semicolon in the query
	f.Add(uint8(0), uint8(inBody), uint8(mutBody), uint16(70), byte('&'), "\x00\xff")  // split a pair
	f.Add(uint8(3), uint8(inHeader), uint8(mutOAuth), uint16(3), byte('9'), "ünïcode") // timestamp digit
	f.Fuzz(func(t *testing.T, tmplN, whereN, targetN uint8, pos uint16, b byte, extra string) {
		tp := verifyTemplates[int(tmplN)%len(verifyTemplates)]
		where := int(whereN) % 3
		if where == inBody && tp.form == nil {
			where = inHeader
		}
		target := int(targetN) % mutCount
		if target == mutBody && tp.form == nil && tp.body == nil {
			target = mutQuery
		}
		cr := demoCreds()
		if tp.app {
			cr = appCreds()
		}
		query := tp.query(extra)
		var form url.Values
		if tp.form != nil {
			form = tp.form(extra)
		}
		oauth := fuzzSign(cr, "fuzz-nonce-1", tp.method, baseURLOf(tp.path), query, form)

		// build lays out the request from its parts after a mutation.
		build := func(method string, query, form, oauth url.Values) fuzzRequest {
			q, fm := maps.Clone(query), maps.Clone(form)
			h := http.Header{}
			switch where {
			case inHeader:
				h.Set("Authorization", formatAuthHeader(oauth, pos8(pos)))
			case inQuery:
				q = url.Values{}
				maps.Copy(q, query)
				maps.Copy(q, oauth)
			case inBody:
				fm = url.Values{}
				maps.Copy(fm, form)
				maps.Copy(fm, oauth)
			}
			r := fuzzRequest{method: method, path: tp.path, rawQuery: q.Encode(), header: h}
			switch {
			case fm != nil:
				h.Set("Content-Type", "application/x-www-form-urlencoded")
				r.body = []byte(fm.Encode())
			case tp.body != nil:
				h.Set("Content-Type", tp.ctype)
				r.body = tp.body(extra)
			}
			return r
		}
		orig := build(tp.method, query, form, oauth)

		// Mutate one byte; decide whether the signature covers the change.
		mut := orig
		mut.header = orig.header.Clone()
		covered, tsChanged := true, false
		switch target {
		case mutSignature, mutOAuth:
			keys := []string{"oauth_signature"}
			if target == mutOAuth {
				keys = slices.DeleteFunc(slices.Sorted(maps.Keys(oauth)), func(k string) bool { return k == "oauth_signature" })
			}
			k := keys[int(pos)%len(keys)]
			o := maps.Clone(oauth)
			o.Set(k, mutateByte(o.Get(k), int(pos/8), b))
			tsChanged = k == "oauth_timestamp"
			mut = build(tp.method, query, form, o)
		case mutMethod:
			mut.method = mutateByte(orig.method, int(pos), b)
			covered = !strings.EqualFold(mut.method, orig.method)
		case mutQuery:
			mut.rawQuery = mutateByte(orig.rawQuery, int(pos), b)
			before, _ := url.ParseQuery(orig.rawQuery)
			after, _ := url.ParseQuery(mut.rawQuery)
			covered = !equalValues(before, after)
			tsChanged = before.Get("oauth_timestamp") != after.Get("oauth_timestamp")
		case mutBody:
			mut.body = []byte(mutateByte(string(orig.body), int(pos), b))
			if mut.header.Get("Content-Type") != "application/x-www-form-urlencoded" {
				covered = false
				break
			}
			before, _ := url.ParseQuery(string(orig.body))
			after, err := url.ParseQuery(string(mut.body))
			covered = err != nil || !equalValues(before, after)
			tsChanged = before.Get("oauth_timestamp") != after.Get("oauth_timestamp")
		}

		s := newFuzzServer()
		accepted := func(rec *httptest.ResponseRecorder) bool {
			if rec.Code == http.StatusUnauthorized {
				return false
			}
			// Authenticated API requests carry rate-limit headers; the
			// request_token endpoint answers 200 (or 404 for another method).
			return tp.app || rec.Header().Get("x-rate-limit-limit") != ""
		}
		rec := send(s, mut)
		checkAnswer(t, mut, rec)
		switch code := apiCode(rec.Body.Bytes()); {
		case covered && (rec.Code != http.StatusUnauthorized || code != 32 && !(tsChanged && code == 135)):
			t.Fatalf("mutation %d at %d to %q was not refused with 401 code 32: %d %s\nmutated:  %q %q %q %q\noriginal: %q %q %q %q",
				target, pos, b, rec.Code, rec.Body, mut.method, mut.rawQuery, mut.header.Get("Authorization"), mut.body,
				orig.method, orig.rawQuery, orig.header.Get("Authorization"), orig.body)
		case !covered && target == mutBody && rec.Code == http.StatusUnauthorized:
			// A JSON or multipart body is not signed; one that no longer
			// parses may be refused before authentication, but never as 401.
			t.Fatalf("a change to an unsigned body was refused with 401: %s\nmutated body: %q", rec.Body, mut.body)
		case !covered && target != mutBody && !accepted(rec):
			t.Fatalf("mutation %d at %d to %q is outside the signature but was refused: %d %s\nmutated: %q %q %q %q",
				target, pos, b, rec.Code, rec.Body, mut.method, mut.rawQuery, mut.header.Get("Authorization"), mut.body)
		}
		if covered || !accepted(rec) {
			// The mutated request did not use up the nonce: the original
			// is accepted now.
			rec = send(s, orig)
			checkAnswer(t, orig, rec)
			if !accepted(rec) {
				t.Fatalf("correctly signed request refused after a refused mutation: %d %s\n%q %q %q %q",
					rec.Code, rec.Body, orig.method, orig.rawQuery, orig.header.Get("Authorization"), orig.body)
			}
		}
		// Whichever of the two was accepted used the nonce: a replay is refused.
		rec = send(s, orig)
		if rec.Code != http.StatusUnauthorized || apiCode(rec.Body.Bytes()) != 32 {
			t.Fatalf("replayed request answered %d %s, not 401 code 32", rec.Code, rec.Body)
		}
	})
}

// pos8 picks a header style from a fuzz position.
func pos8(pos uint16) uint8 { return uint8(pos>>3) & 127 }

// mutateByte sets byte pos%len(s) of s to b, or to another value if it
// already is b. An empty s is returned unchanged.
func mutateByte(s string, pos int, b byte) string {
	if s == "" {
		return s
	}
	i := pos % len(s)
	if s[i] == b {
		b ^= 1
	}
	return s[:i] + string([]byte{b}) + s[i+1:]
}

// fuzzEnv is a server with one of each kind of media in it, and the
// placeholders that fuzz inputs use to name them.
type fuzzEnv struct {
	s      *Server
	nonce  int
	reqTok fuzzCreds // the PIN flow's request token, already authorized
	subst  *strings.Replacer
}

// Placeholders in fuzz inputs: {U} an uploading v1.1 session with no
// segments; {A} a v2 session with its only segment (a GIF) appended; {P} a
// succeeded photo; {V} a finalized video; {REQ} the request token; {PIN}
// its PIN.
func newFuzzEnv(t testing.TB) *fuzzEnv {
	t.Helper()
	e := &fuzzEnv{s: newFuzzServer()}
	png, gif := tinyPNG(t), tinyGIF(t)
	must := func(r fuzzRequest, code int) []byte {
		t.Helper()
		rec := send(e.s, r)
		if rec.Code != code {
			t.Fatalf("fuzz setup: %s %s answered %d, want %d: %s", r.method, r.path, rec.Code, code, rec.Body)
		}
		return rec.Body.Bytes()
	}
	id := func(body []byte, v2 bool) string {
		var v struct {
			ID   string `json:"media_id_string"`
			Data struct {
				ID string `json:"id"`
			} `json:"data"`
		}
		json.Unmarshal(body, &v)
		if v2 {
			return v.Data.ID
		}
		return v.ID
	}
	demo := demoCreds()
	u := id(must(e.sign(demo, "POST", v1Path, nil, url.Values{"command": {"INIT"}, "media_type": {"image/png"},
		"total_bytes": {strconv.Itoa(len(png))}}, "", nil), http.StatusAccepted), false)
	initBody, _ := json.Marshal(map[string]any{"media_type": "image/gif", "media_category": "tweet_gif", "total_bytes": len(gif)})
	a := id(must(e.sign(demo, "POST", "/2/media/upload/initialize", nil, nil, "application/json", initBody), http.StatusAccepted), true)
	ctype, body := multipartBody([]mpField{{name: "segment_index", value: "0"}, {name: "media", filename: "blob", data: gif}})
	must(e.sign(demo, "POST", "/2/media/upload/"+a+"/append", nil, nil, ctype, body), http.StatusNoContent)
	ctype, body = multipartBody([]mpField{{name: "media", filename: "p.png", data: png}})
	p := id(must(e.sign(demo, "POST", v1Path, nil, nil, ctype, body), http.StatusOK), false)
	mp4 := mp4Bytes(64)
	v := id(must(e.sign(demo, "POST", v1Path, nil, url.Values{"command": {"INIT"}, "media_type": {"video/mp4"},
		"media_category": {"tweet_video"}, "total_bytes": {"64"}}, "", nil), http.StatusAccepted), false)
	ctype, body = multipartBody([]mpField{{name: "command", value: "APPEND"}, {name: "media_id", value: v},
		{name: "segment_index", value: "0"}, {name: "media", filename: "v.mp4", data: mp4}})
	must(e.sign(demo, "POST", v1Path, nil, nil, ctype, body), http.StatusNoContent)
	must(e.sign(demo, "POST", v1Path, nil, url.Values{"command": {"FINALIZE"}, "media_id": {v}}, "", nil), http.StatusOK)
	tok, _ := url.ParseQuery(string(must(e.sign(appCreds(), "POST", "/oauth/request_token", url.Values{"oauth_callback": {"oob"}}, nil, "", nil), http.StatusOK)))
	page := must(fuzzRequest{method: "GET", path: "/oauth/authorize", rawQuery: "oauth_token=" + url.QueryEscape(tok.Get("oauth_token"))}, http.StatusOK)
	pin := regexp.MustCompile(`<code>([0-9]{7})</code>`).FindSubmatch(page)
	if pin == nil {
		t.Fatalf("fuzz setup: no PIN on the authorize page: %s", page)
	}
	e.reqTok = fuzzCreds{demo.consumerKey, demo.consumerSecret, tok.Get("oauth_token"), tok.Get("oauth_token_secret")}
	e.subst = strings.NewReplacer("{U}", u, "{A}", a, "{P}", p, "{V}", v, "{REQ}", e.reqTok.token, "{PIN}", string(pin[1]))
	return e
}

// sign builds a request signed with cr and a nonce not used before.
func (e *fuzzEnv) sign(cr fuzzCreds, method, path string, query, form url.Values, ctype string, body []byte) fuzzRequest {
	e.nonce++
	return signedRequest(cr, "fuzz-"+strconv.Itoa(e.nonce), method, path, query, form, ctype, body)
}

func tinyPNG(t testing.TB) []byte  { return pngBytes(t, 2, 2, 0) }
func tinyGIF(t testing.TB) []byte  { return gifBytes(t, 2, 2, 2, 0) }
func tinyJPEG(t testing.TB) []byte { return jpegBytes(t, 2, 2, 0) }

// mpField is one part of a multipart body built for a seed.
type mpField struct {
	name, value, filename string
	data                  []byte
	base64                bool // send data base64 with Content-Transfer-Encoding: base64
}

// multipartBody writes fields with the fixed boundary "fuzzb".
func multipartBody(fields []mpField) (ctype string, body []byte) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.SetBoundary("fuzzb")
	for _, f := range fields {
		h := make(map[string][]string)
		disp := fmt.Sprintf(`form-data; name=%q`, f.name)
		if f.filename != "" {
			disp += fmt.Sprintf(`; filename=%q`, f.filename)
			h["Content-Type"] = []string{"application/octet-stream"}
		}
		h["Content-Disposition"] = []string{disp}
		data := []byte(f.value)
		if f.data != nil {
			data = f.data
		}
		if f.base64 {
			h["Content-Transfer-Encoding"] = []string{"base64"}
			data = []byte(base64.StdEncoding.EncodeToString(data))
		}
		w, _ := mw.CreatePart(h)
		w.Write(data)
	}
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

func jsonBody(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// requestSeeds are FuzzRequests' seeds: every endpoint in both dialects.
func requestSeeds(t testing.TB) [][5]string {
	png, gif, jpg, mp4 := tinyPNG(t), tinyGIF(t), tinyJPEG(t), mp4Bytes(64)
	b64 := base64.StdEncoding.EncodeToString
	form := "application/x-www-form-urlencoded"
	mp := func(fields ...mpField) (string, string) {
		c, b := multipartBody(fields)
		return c, string(b)
	}
	seeds := [][5]string{
		// method, path, raw query, content type, body
		{"POST", v1Path, "", form, "command=INIT&media_type=image%2Fpng&total_bytes=" + strconv.Itoa(len(png)) + "&media_category=tweet_image"},
		{"POST", v1Path, "command=INIT&media_type=video%2Fmp4&total_bytes=64&media_category=TweetVideo&additional_owners=3805104374", "", ""},
		{"POST", v1Path, "", form, "command=INIT&media_type=image%2Fgif&total_bytes=99999999999&media_category=tweet_gif"},
		{"POST", v1Path, "", form, "command=APPEND&media_id={U}&segment_index=0&media_data=" + url.QueryEscape(b64(png))},
		{"POST", v1Path, "", form, "command=APPEND&media_id={U}&segment_index=0&media=" + url.QueryEscape(b64(png))},
		{"POST", v1Path, "", form, "command=FINALIZE&media_id={U}"},
		{"POST", v1Path, "command=FINALIZE&media_id={V}", "", ""},
		{"GET", v1Path, "command=STATUS&media_id={V}", "", ""},
		{"GET", v1Path, "command=STATUS&media_id={U}", "", ""},
		{"GET", v1Path, "media_id={P}", "", ""},
		{"POST", v1Path, "", form, "command=STATUS&media_id={P}"},
		{"POST", v1Path, "", form, "command=init"},
		{"PUT", v1Path, "command=INIT", "", ""},
		{"POST", v1Path, "", form, "media_data=" + url.QueryEscape(b64(jpg)) + "&media_category=tweet_image"},
		{"POST", v1Path, "", form, "media=" + url.QueryEscape(b64(gif))},
		{"POST", "/1.1/media/metadata/create.json", "", "application/json", jsonBody(map[string]any{"media_id": "{P}", "alt_text": map[string]string{"text": "a cat"}})},
		{"POST", "/1.1/media/metadata/create.json", "", "application/json", `{"media_id":{P},"alt_text":{}}`},
		{"POST", "/1.1/statuses/update.json", "", form, "status=hello+world&media_ids={P}&trim_user=1"},
		{"POST", "/1.1/statuses/update.json", "status=%F0%9F%98%80+www.example.com", "", ""},
		{"POST", "/1.1/statuses/update.json", "", form, "media_ids={P},{V}"},
		{"POST", "/2/media/upload/initialize", "", "application/json", jsonBody(map[string]any{"media_type": "video/mp4", "total_bytes": 64, "media_category": "tweet_video", "additional_owners": []string{"2244994945"}, "shared": false})},
		{"POST", "/2/media/upload/initialize", "", "application/json", `{"media_type":"image/png","total_bytes":"12","extra":1}`},
		{"POST", "/2/media/upload/{A}/append", "", "application/json", jsonBody(map[string]any{"media": b64(gif), "segment_index": 0})},
		{"POST", "/2/media/upload/{U}/append", "", "application/json", jsonBody(map[string]any{"media": b64(png), "segment_index": "1000"})},
		{"POST", "/2/media/upload/{A}/finalize", "", "", ""},
		{"POST", "/2/media/upload/{U}/finalize", "", "", ""},
		{"POST", "/2/media/upload/abc/finalize", "", "", ""},
		{"GET", "/2/media/upload", "command=STATUS&media_id={A}", "", ""},
		{"GET", "/2/media/upload", "media_id={V}", "", ""},
		{"GET", "/2/media/upload", "command=INIT", "", ""},
		{"POST", "/2/media/upload", "", "application/json", jsonBody(map[string]any{"media": b64(png), "media_category": "tweet_image", "additional_owners": "3805104374"})},
		{"POST", "/2/media/upload", "command=INIT", "", ""},
		{"POST", "/2/media/metadata", "", "application/json", jsonBody(map[string]any{"id": "{P}", "metadata": map[string]any{"alt_text": map[string]string{"text": "a cat"}}})},
		{"POST", "/2/media/metadata", "", form, "id={P}"},
		{"POST", "/2/tweets", "", "application/json", jsonBody(map[string]any{"text": "hello", "media": map[string]any{"media_ids": []string{"{P}"}, "tagged_user_ids": []string{}}})},
		{"POST", "/2/tweets", "", "application/json", `{"text":"hello","reply":{"in_reply_to_tweet_id":"1"},"poll":null}`},
		{"POST", "/2/tweets", "", "application/json", `{"media":{"media_ids":["{V}","{P}"]}}`},
		{"DELETE", "/2/tweets/1", "", "", ""},
		{"POST", "/oauth/request_token", "oauth_callback=oob", "", ""},
		{"POST", "/oauth/request_token", "", form, "oauth_callback=http%3A%2F%2Fexample.com%2F"},
		{"GET", "/oauth/authorize", "oauth_token={REQ}", "", ""},
		{"GET", "/oauth/authenticate", "oauth_token=nope", "", ""},
		{"POST", "/oauth/access_token", "", form, "oauth_verifier={PIN}"},
		{"POST", "/oauth/access_token", "oauth_verifier=0000000", "", ""},
		{"GET", "/sandbox/media/{P}", "", "", ""},
		{"POST", "/sandbox/tweets", "", "", ""},
		{"GET", "/1.1/account/verify_credentials.json", "", "", ""},
		{"POST", v1Path, "", "multipart/form-data", "--x--"},
		{"POST", v1Path, "", form, "a=%zz&b=1"},
	}
	add := func(method, path, query, ctype, body string) {
		seeds = append(seeds, [5]string{method, path, query, ctype, body})
	}
	c, b := mp(mpField{name: "command", value: "APPEND"}, mpField{name: "media_id", value: "{U}"},
		mpField{name: "segment_index", value: "0"}, mpField{name: "media", filename: "blob", data: png})
	add("POST", v1Path, "", c, b)
	c, b = mp(mpField{name: "segment_index", value: "0"}, mpField{name: "media", filename: "blob", data: png, base64: true})
	add("POST", v1Path, "command=APPEND&media_id={U}", c, b)
	c, b = mp(mpField{name: "command", value: "APPEND"}, mpField{name: "media_id", value: "{U}"},
		mpField{name: "segment_index", value: "0"}, mpField{name: "media_data", value: b64(png)})
	add("POST", v1Path, "", c, b)
	c, b = mp(mpField{name: "media[]", filename: "x.jpg", data: jpg}, mpField{name: "media_category", value: "TWEET_IMAGE"})
	add("POST", v1Path, "", c, b)
	c, b = mp(mpField{name: "media", filename: "x.mp4", data: mp4})
	add("POST", v1Path, "", c, b)
	c, b = mp(mpField{name: "segment_index", value: "0"}, mpField{name: "media", filename: "blob", data: gif})
	add("POST", "/2/media/upload/{A}/append", "", c, b)
	c, b = mp(mpField{name: "segment_index", value: "0"}, mpField{name: "media", filename: "blob", data: png, base64: true})
	add("POST", "/2/media/upload/{U}/append", "", c, b)
	c, b = mp(mpField{name: "media", filename: "x.gif", data: gif}, mpField{name: "media_category", value: "tweet_gif"})
	add("POST", "/2/media/upload", "", c, b)
	// Refusals, endpoint by endpoint: each seed reaches one error branch.
	long := strings.Repeat("a", 1001)
	for _, q := range []string{
		"command=INIT&media_type=image%2Fpng",
		"command=INIT&media_type=image%2Fpng&total_bytes=-1",
		"command=INIT&total_bytes=10",
		"command=INIT&media_type=image%2Fpng&total_bytes=10&media_category=tweet_audio",
		"command=INIT&media_type=image%2Fpng&total_bytes=10&additional_owners=abc",
		"command=INIT&media_type=text%2Fplain&total_bytes=10",
		"command=INIT&media_type=image%2Fpng&total_bytes=5242881",
		"command=APPEND&media_id=1&segment_index=0&media_data=AA",
		"command=APPEND&media_id={U}&segment_index=0",
		"command=APPEND&media_id={U}&segment_index=0&media_data=%21%21",
		"command=APPEND&media_id={U}&segment_index=x&media_data=AA",
		"command=APPEND&media_id={P}&segment_index=0&media_data=AA",
		"command=FINALIZE&media_id=1",
		"command=FINALIZE&media_id={P}",
		"command=FINALIZE&media_id={A}",
		"command=STATUS&media_id=1",
		"media_data=%21%21",
		"media_data=AAAA&media_category=bogus",
		"media_data=AAAA&additional_owners=1,x",
		"media_data=AAAA",
		"media=%89PNG",
	} {
		add("POST", v1Path, "", form, q)
	}
	add("POST", v1Path, "", "", "")
	add("GET", v1Path, "command=INIT", "", "")
	add("GET", "/1.1/media/metadata/create.json", "", "", "")
	add("POST", "/1.1/media/metadata/create.json", "", "application/json", "{")
	add("POST", "/1.1/media/metadata/create.json", "", "application/json", `{"media_id":"1","alt_text":{"text":"x"}}`)
	add("POST", "/1.1/media/metadata/create.json", "", "application/json", `{"media_id":"{P}","alt_text":{"text":"`+long+`"}}`)
	for _, q := range []string{"media_ids=abc", "", "status=" + strings.Repeat("%E4%B8%80", 141), "status=x&media_ids=1,2,3,4,5", "status=x&media_ids={U}"} {
		add("POST", "/1.1/statuses/update.json", "", form, q)
	}
	add("GET", "/1.1/statuses/update.json", "status=x", "", "")
	for _, b := range []string{
		`[]`, `{"media_type":1,"total_bytes":1}`, `{"media_type":"image/png"}`, `{"media_type":"image/png","total_bytes":1.5}`,
		`{"media_type":"image/png","total_bytes":1,"shared":"yes"}`, `{"media_type":"image/png","total_bytes":1,"additional_owners":1}`,
		`{"total_bytes":1}`, `{"media_type":"image/heic","total_bytes":1}`, `{"media_type":"image/png","total_bytes":1,"media_category":"bogus"}`,
		`{"media_type":"image/png","total_bytes":1,"additional_owners":["x"]}`, `{"media_type":"text/srt","total_bytes":1,"media_category":"subtitles"}`,
		`{"media_type":"image/png","total_bytes":5242881}`, `{"media_type":"video/mp4","total_bytes":17179869185}`,
	} {
		add("POST", "/2/media/upload/initialize", "", "application/json", b)
	}
	add("POST", "/2/media/upload/initialize", "", form, "media_type=image%2Fpng")
	add("GET", "/2/media/upload/initialize", "", "", "")
	for _, b := range []string{`x`, `{"segment_index":0}`, `{"media":"!!","segment_index":0}`, `{"media":"AA=="}`, `{"media":"AA==","segment_index":0.5}`, `{"media":"AA==","segment_index":"7"}`} {
		add("POST", "/2/media/upload/{U}/append", "", "application/json", b)
	}
	add("POST", "/2/media/upload/{U}/append", "", "text/plain", "AA==")
	add("POST", "/2/media/upload/abc/append", "", "application/json", `{"media":"AA==","segment_index":0}`)
	add("POST", "/2/media/upload/1/append", "", "application/json", `{"media":"AA==","segment_index":0}`)
	add("GET", "/2/media/upload/{U}/append", "", "", "")
	add("GET", "/2/media/upload/{U}/finalize", "", "", "")
	add("POST", "/2/media/upload/{P}/finalize", "", "", "")
	add("GET", "/2/media/upload", "command=FOO&media_id={P}", "", "")
	add("GET", "/2/media/upload", "", "", "")
	add("GET", "/2/media/upload", "media_id={U}", "", "")
	for _, b := range []string{`x`, `{}`, `{"media":"!!"}`, `{"media":"AAAA"}`, `{"media":"AAAA","media_category":"bogus"}`,
		`{"media":"AAAA","media_category":"tweet_image","additional_owners":["x"]}`, `{"media":"AAAA","media_category":"tweet_image","additional_owners":{}}`} {
		add("POST", "/2/media/upload", "", "application/json", b)
	}
	add("POST", "/2/media/upload", "", "text/plain", "x")
	c, b = mp(mpField{name: "media_category", value: "tweet_image"})
	add("POST", "/2/media/upload", "", c, b)
	c, b = mp(mpField{name: "media", filename: "x", data: []byte("!!"), base64: false}, mpField{name: "media_category", value: "tweet_image"})
	add("POST", "/2/media/upload", "", c, b)
	for _, b := range []string{`x`, `{"metadata":{}}`, `{"id":"{P}"}`, `{"id":"1","metadata":{"alt_text":{"text":"x"}}}`,
		`{"id":"{P}","metadata":{"alt_text":{"text":"` + long + `"}}}`} {
		add("POST", "/2/media/metadata", "", "application/json", b)
	}
	add("GET", "/2/media/metadata", "", "", "")
	for _, b := range []string{`x`, `{"text":1}`, `{"text":"x","media":[]}`, `{"text":"x","media":{"media_ids":"1"}}`,
		`{"text":"x","media":{"media_ids":[]}}`, `{"text":"x","media":{"media_ids":["1","2","3","4","5"]}}`,
		`{"text":"x","media":{"media_ids":["x"]}}`, `{"text":"x","media":{"media_ids":["{P}"],"tagged_user_ids":["1","2","3","4","5","6","7","8","9","10","11"]}}`,
		`{}`, `{"text":"` + strings.Repeat("一", 141) + `"}`, `{"text":"x","media":{"media_ids":["{U}"]}}`, `{"text":"\ufeff"}`} {
		add("POST", "/2/tweets", "", "application/json", b)
	}
	add("POST", "/2/tweets", "", form, "text=x")
	add("GET", "/2/tweets", "", "", "")
	add("GET", "/oauth/request_token", "", "", "")
	add("GET", "/oauth/access_token", "oauth_verifier={PIN}", "", "")
	return seeds
}

// FuzzRequests sends arbitrary requests, correctly signed for the demo
// account (urlencoded body parameters included), to a server holding media in
// every state. No answer may panic or be 5xx (Faults is 0), and every answer
// must have the shape X gives it (checkAnswer).
func FuzzRequests(f *testing.F) {
	for _, s := range requestSeeds(f) {
		f.Add(s[0], s[1], s[2], s[3], []byte(s[4]))
	}
	f.Fuzz(func(t *testing.T, method, path, rawQuery, ctype string, body []byte) {
		if method == "" {
			method = "GET"
		}
		if !isToken(method) || !validHeaderValue(ctype) || strings.ContainsAny(rawQuery, " \x7f") {
			return // the HTTP server refuses such requests before the handler
		}
		e := newFuzzEnv(t)
		path = e.subst.Replace(path)
		rawQuery = e.subst.Replace(rawQuery)
		body = []byte(e.subst.Replace(string(body)))
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		// What the server sees: the request target as it parses it.
		u, err := url.ParseRequestURI((&url.URL{Path: path, RawQuery: rawQuery}).RequestURI())
		if err != nil {
			return
		}
		query, _ := url.ParseQuery(u.RawQuery)
		var form url.Values
		if mt, _, _ := mime.ParseMediaType(ctype); strings.EqualFold(mt, "application/x-www-form-urlencoded") {
			form, _ = url.ParseQuery(string(body))
		}
		cr := demoCreds()
		switch u.Path {
		case "/oauth/request_token":
			cr = appCreds()
		case "/oauth/access_token":
			cr = e.reqTok
		}
		e.nonce++
		oauth := fuzzSign(cr, "fuzz-"+strconv.Itoa(e.nonce), method, "http://"+fuzzHost+u.EscapedPath(), query, form)
		h := http.Header{}
		h.Set("Authorization", formatAuthHeader(oauth, 0))
		if ctype != "" {
			h.Set("Content-Type", ctype)
		}
		r := fuzzRequest{method: method, path: u.Path, rawPath: u.RawPath, rawQuery: u.RawQuery, header: h, body: body}
		rec := send(e.s, r)
		checkAnswer(t, r, rec)
		// Refusing the signature is right only when the request carries
		// protocol parameters of its own or a form body that does not parse.
		if rec.Code == http.StatusUnauthorized && rec.Header().Get("Content-Type") == ctV1 &&
			!anyOAuthParam(query) && !anyOAuthParam(form) && (form == nil || formParses(body)) {
			t.Fatalf("correctly signed request refused: %q %q %q %q: %s", method, u.Path, u.RawQuery, body, rec.Body)
		}
		// The inspection views stay consistent whatever was asked.
		for _, m := range e.s.AllMedia() {
			if !numericID.MatchString(m.MediaID) || m.AppendedBytes < 0 {
				t.Fatalf("inspection shows %+v", m)
			}
		}
	})
}

func anyOAuthParam(v url.Values) bool {
	for k := range v {
		if strings.HasPrefix(k, "oauth_") {
			return true
		}
	}
	return false
}

func formParses(body []byte) bool {
	_, err := url.ParseQuery(string(body))
	return err == nil
}

// isToken reports whether s is an HTTP token (RFC 9110 §5.6.2), as a method
// must be.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func validHeaderValue(s string) bool {
	return !strings.ContainsAny(s, "\r\n\x00")
}

// FuzzMultipartAppend sends arbitrary multipart bodies to v1.1 and v2 APPEND
// for a fresh session whose total_bytes is what the harness reads as the
// media part, then FINALIZE and STATUS: no panic, no 5xx, X's shapes, and a
// FINALIZE that succeeds leaves a hashed file of total_bytes.
func FuzzMultipartAppend(f *testing.F) {
	png, gif, jpg := tinyPNG(f), tinyGIF(f), tinyJPEG(f)
	b64 := base64.StdEncoding.EncodeToString
	seed := func(flags uint8, fields ...mpField) {
		_, b := multipartBody(fields)
		f.Add(flags, "fuzzb", b)
	}
	for v2 := range uint8(2) {
		cmd := []mpField{{name: "command", value: "APPEND"}, {name: "media_id", value: "{ID}"}}
		if v2 == 1 {
			cmd = nil
		}
		seed(v2, append(cmd, mpField{name: "segment_index", value: "0"}, mpField{name: "media", filename: "blob", data: png})...)
		seed(v2|2, append(cmd, mpField{name: "segment_index", value: "0"}, mpField{name: "media", filename: "blob", data: gif})...)
		seed(v2|4, append(cmd, mpField{name: "segment_index", value: " 0 "}, mpField{name: "media", filename: "blob", data: jpg, base64: true})...)
		seed(v2|6, append(cmd, mpField{name: "segment_index", value: "0"}, mpField{name: "media", filename: "blob", data: mp4Bytes(48)})...)
		seed(v2, append(cmd, mpField{name: "segment_index", value: "0"}, mpField{name: "media_data", value: b64(png)})...)
		seed(v2, append(cmd, mpField{name: "segment_index", value: "0"}, mpField{name: "media[]", filename: "b", data: png})...)
		seed(v2, append(cmd, mpField{name: "segment_index", value: "1000"}, mpField{name: "media", filename: "blob", data: png})...)
		seed(v2, append(cmd, mpField{name: "segment_index", value: "-1"}, mpField{name: "media", filename: "blob", data: []byte{}})...)
		seed(v2, append(cmd, mpField{name: "media", filename: "blob", data: png})...)
		seed(v2, append(cmd, mpField{name: "segment_index", value: "0"}, mpField{name: "media", filename: "blob", data: []byte("not base64!"), base64: true})...)
		seed(v2|8, mpField{name: "segment_index", value: "0"}, mpField{name: "media", filename: "blob", data: png})
		f.Add(v2, "fuzzb", []byte("--fuzzb\r\nContent-Disposition: form-data; name=\"media\"\r\n\r\nabc"))
		f.Add(v2, "", []byte("--\r\n\r\n"))
		f.Add(v2|8, "a b", []byte("--a b\r\nContent-Disposition: form-data; name=\"segment_index\"\r\n\r\n0\r\n--a b--\r\n"))
	}
	f.Fuzz(func(t *testing.T, flags uint8, boundary string, body []byte) {
		v2, inQuery := flags&1 != 0, flags&8 != 0
		mediaType := []string{"image/png", "image/gif", "image/jpeg", "video/mp4"}[flags>>1&3]
		size := mediaPartSize(boundary, body)
		e := &fuzzEnv{s: newFuzzServer()}
		demo := demoCreds()
		var id string
		if v2 {
			req := map[string]any{"media_type": mediaType, "total_bytes": size}
			if mediaType == "video/mp4" {
				req["media_category"] = "tweet_video"
			}
			r := e.sign(demo, "POST", "/2/media/upload/initialize", nil, nil, "application/json", []byte(jsonBody(req)))
			rec := send(e.s, r)
			checkAnswer(t, r, rec)
			var v struct{ Data struct{ ID string } }
			json.Unmarshal(rec.Body.Bytes(), &v)
			id = v.Data.ID
		} else {
			r := e.sign(demo, "POST", v1Path, nil, url.Values{"command": {"INIT"}, "media_type": {mediaType}, "total_bytes": {strconv.Itoa(size)}}, "", nil)
			rec := send(e.s, r)
			checkAnswer(t, r, rec)
			var v struct {
				ID string `json:"media_id_string"`
			}
			json.Unmarshal(rec.Body.Bytes(), &v)
			id = v.ID
		}
		if id == "" {
			t.Fatalf("INIT of %d bytes of %s gave no media id", size, mediaType)
		}
		body = bytes.ReplaceAll(body, []byte("{ID}"), []byte(id))
		ctype := mime.FormatMediaType("multipart/form-data", map[string]string{"boundary": boundary})
		if ctype == "" {
			ctype = "multipart/form-data; boundary=" + boundary
		}
		if !validHeaderValue(ctype) {
			return
		}
		var query url.Values
		path, finalize := "/2/media/upload/"+id+"/append", "/2/media/upload/"+id+"/finalize"
		if !v2 {
			path, finalize = v1Path, v1Path
			if inQuery {
				query = url.Values{"command": {"APPEND"}, "media_id": {id}}
			}
		} else if inQuery {
			query = url.Values{"segment_index": {"0"}}
		}
		r := e.sign(demo, "POST", path, query, nil, ctype, body)
		rec := send(e.s, r)
		checkAnswer(t, r, rec)
		if rec.Code != http.StatusNoContent {
			return
		}
		var fin fuzzRequest
		if v2 {
			fin = e.sign(demo, "POST", finalize, nil, nil, "", nil)
		} else {
			fin = e.sign(demo, "POST", finalize, nil, url.Values{"command": {"FINALIZE"}, "media_id": {id}}, "", nil)
		}
		rec = send(e.s, fin)
		checkAnswer(t, fin, rec)
		info, ok := e.s.Media(id)
		if !ok {
			t.Fatalf("media %s vanished", id)
		}
		if rec.Code < 300 && (info.SHA256 == "" || info.TotalBytes != int64(size) || info.AppendedBytes < info.TotalBytes) {
			t.Fatalf("FINALIZE answered %d but the media reads %+v (total %d)", rec.Code, info, size)
		}
		st := e.sign(demo, "GET", v1Path, url.Values{"command": {"STATUS"}, "media_id": {id}}, nil, "", nil)
		if v2 {
			st = e.sign(demo, "GET", "/2/media/upload", url.Values{"media_id": {id}}, nil, "", nil)
		}
		rec = send(e.s, st)
		checkAnswer(t, st, rec)
	})
}

// mediaPartSize is the size of the first media part as the harness reads
// the body, or 1 when there is none (INIT needs some size).
func mediaPartSize(boundary string, body []byte) int {
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextRawPart()
		if err != nil {
			return 1
		}
		if isMediaField(p.FormName()) {
			data, err := io.ReadAll(p)
			if err != nil {
				return 1
			}
			if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") || p.FormName() == "media_data" {
				if d, err := decodeBase64(string(data)); err == nil {
					return len(d)
				}
			}
			return len(data)
		}
	}
}
