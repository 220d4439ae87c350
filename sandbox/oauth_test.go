package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// vectors mirrors testdata/oauth1_hmac_sha1_test_vectors.json.
type vectors struct {
	Twitter []struct {
		ID                 string            `json:"id"`
		Method             string            `json:"method"`
		BaseURL            string            `json:"base_url"`
		ParamsRaw          map[string]string `json:"params_raw"`
		ConsumerSecret     string            `json:"consumer_secret"`
		TokenSecret        string            `json:"token_secret"`
		ExpectedParamStr   string            `json:"expected_parameter_string"`
		ExpectedBase       string            `json:"expected_base_string"`
		ExpectedSigningKey string            `json:"expected_signing_key"`
		ExpectedSignature  string            `json:"expected_signature"`
		RawBody            string            `json:"raw_request_body_as_published"`
		RawQuery           string            `json:"raw_request_query"`
	} `json:"twitter_x_creating_a_signature"`
	RFC struct {
		Vectors []struct {
			ID             string      `json:"id"`
			Method         string      `json:"method"`
			BaseURL        string      `json:"base_url"`
			Params         [][2]string `json:"params_signed"`
			ClientSecret   string      `json:"client_secret"`
			TokenSecret    string      `json:"token_secret"`
			ExpectedBase   string      `json:"expected_base_string"`
			ExpectedKey    string      `json:"expected_signing_key"`
			Computed       string      `json:"computed_signature"`
			Published      string      `json:"published_signature"`
			PublishedMatch bool        `json:"published_matches_computation"`
			Errata         string      `json:"errata_2550_signature"`
		} `json:"vectors"`
	} `json:"rfc5849"`
	Wiki struct {
		Percent    [][2]string `json:"percent_encoding"`
		Normalize  [][2]string `json:"normalize_parameters"`
		BaseString []struct {
			Method, URL, Expected string
		} `json:"base_strings"`
		HMAC []struct {
			ConsumerSecret string `json:"consumer_secret"`
			TokenSecret    string `json:"token_secret"`
			BaseString     string `json:"base_string"`
			Expected       string `json:"expected"`
		} `json:"hmac_sha1"`
		Plaintext []struct {
			ConsumerSecret string `json:"consumer_secret"`
			TokenSecret    string `json:"token_secret"`
			Expected       string `json:"expected"`
		} `json:"plaintext"`
	} `json:"oauth_net_wiki_testcases"`
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	b, err := os.ReadFile("testdata/oauth1_hmac_sha1_test_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Twitter) != 3 || len(v.RFC.Vectors) != 4 {
		t.Fatalf("vector file changed shape: %d X vectors, %d RFC vectors", len(v.Twitter), len(v.RFC.Vectors))
	}
	return v
}

func TestXSignatureVectors(t *testing.T) {
	for _, v := range loadVectors(t).Twitter {
		t.Run(v.ID, func(t *testing.T) {
			params := url.Values{}
			for k, val := range v.ParamsRaw {
				params.Set(k, val)
			}
			if got := normalizedParams(params); got != v.ExpectedParamStr {
				t.Errorf("parameter string\n got %s\nwant %s", got, v.ExpectedParamStr)
			}
			base := SignatureBase(v.Method, v.BaseURL, params)
			if base != v.ExpectedBase {
				t.Errorf("base string\n got %s\nwant %s", base, v.ExpectedBase)
			}
			if got := signingKey(v.ConsumerSecret, v.TokenSecret); got != v.ExpectedSigningKey {
				t.Errorf("signing key %s, want %s", got, v.ExpectedSigningKey)
			}
			if got := Sign(base, v.ConsumerSecret, v.TokenSecret); got != v.ExpectedSignature {
				t.Errorf("signature %s, want %s", got, v.ExpectedSignature)
			}
			// The same request as published: query in the URL, body with
			// lower-case escapes that must be decoded and re-encoded.
			body, err := url.ParseQuery(v.RawBody)
			if err != nil {
				t.Fatal(err)
			}
			for k, val := range v.ParamsRaw {
				if strings.HasPrefix(k, "oauth_") {
					body.Set(k, val)
				}
			}
			if got := SignatureBase(v.Method, v.BaseURL+"?"+v.RawQuery, body); got != v.ExpectedBase {
				t.Errorf("base string from the raw request\n got %s\nwant %s", got, v.ExpectedBase)
			}
		})
	}
}

func TestRFC5849Vectors(t *testing.T) {
	for _, v := range loadVectors(t).RFC.Vectors {
		t.Run(v.ID, func(t *testing.T) {
			params := url.Values{}
			for _, p := range v.Params {
				params.Add(p[0], p[1])
			}
			base := SignatureBase(v.Method, v.BaseURL, params)
			if base != v.ExpectedBase {
				t.Errorf("base string\n got %s\nwant %s", base, v.ExpectedBase)
			}
			if got := signingKey(v.ClientSecret, v.TokenSecret); got != v.ExpectedKey {
				t.Errorf("signing key %s, want %s", got, v.ExpectedKey)
			}
			sig := Sign(base, v.ClientSecret, v.TokenSecret)
			if sig != v.Computed {
				t.Errorf("signature %s, want %s", sig, v.Computed)
			}
			if v.PublishedMatch && sig != v.Published {
				t.Errorf("signature %s, RFC prints %s", sig, v.Published)
			}
			if v.Errata != "" && sig != v.Errata {
				t.Errorf("signature %s, errata 2550 gives %s", sig, v.Errata)
			}
		})
	}
	// §3.4.1.1 as it arrives on the wire: query with encoded values, and the
	// form body "c2&a3=2+q" where + is a space.
	body, _ := url.ParseQuery("c2&a3=2+q")
	for k, v := range map[string]string{"oauth_consumer_key": "9djdj82h48djs9d2", "oauth_token": "kkk9d7dh3k39sjv7",
		"oauth_signature_method": "HMAC-SHA1", "oauth_timestamp": "137131201", "oauth_nonce": "7d8f3e4a"} {
		body.Set(k, v)
	}
	got := Sign(SignatureBase("POST", "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b", body), "j49sk3j29djd", "dh893hdasih9")
	if got != "r6/TJjbCOr97/+UU0NsvSne7s5g=" {
		t.Errorf("RFC 5849 §3.1 request signed %s, want the errata value r6/TJjbCOr97/+UU0NsvSne7s5g=", got)
	}
}

func TestOAuthWikiVectors(t *testing.T) {
	v := loadVectors(t).Wiki
	for _, c := range v.Percent {
		in := c[0]
		if strings.HasPrefix(in, "U+") {
			n, _ := strconv.ParseInt(in[2:], 16, 32)
			in = string(rune(n))
		}
		if got := percentEncode(in); got != c[1] {
			t.Errorf("percentEncode(%q) = %s, want %s", in, got, c[1])
		}
	}
	for _, c := range v.Normalize {
		in, _, _ := strings.Cut(c[0], " (")
		q, err := url.ParseQuery(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := normalizedParams(q); got != c[1] {
			t.Errorf("normalize %q = %s, want %s", in, got, c[1])
		}
	}
	for _, c := range v.BaseString {
		if got := SignatureBase(c.Method, c.URL, nil); got != c.Expected {
			t.Errorf("SignatureBase(%s %s)\n got %s\nwant %s", c.Method, c.URL, got, c.Expected)
		}
	}
	for _, c := range v.HMAC {
		if got := Sign(c.BaseString, c.ConsumerSecret, c.TokenSecret); got != c.Expected {
			t.Errorf("Sign(%q, %q, %q) = %s, want %s", c.BaseString, c.ConsumerSecret, c.TokenSecret, got, c.Expected)
		}
	}
	for _, c := range v.Plaintext {
		if got := signingKey(c.ConsumerSecret, c.TokenSecret); got != c.Expected {
			t.Errorf("key(%q, %q) = %s, want %s", c.ConsumerSecret, c.TokenSecret, got, c.Expected)
		}
	}
	// X's percent-encoding page.
	for in, want := range map[string]string{"Ladies + Gentlemen": "Ladies%20%2B%20Gentlemen", "An encoded string!": "An%20encoded%20string%21",
		"Dogs, Cats & Mice": "Dogs%2C%20Cats%20%26%20Mice", "☃": "%E2%98%83"} {
		if got := percentEncode(in); got != want {
			t.Errorf("percentEncode(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestBaseURLNormalization(t *testing.T) {
	for in, want := range map[string]string{
		"HTTP://Example.COM:80/a/b":    "http://example.com/a/b",
		"https://api.x.com:443/2/x":    "https://api.x.com/2/x",
		"http://127.0.0.1:8080/p":      "http://127.0.0.1:8080/p",
		"https://example.com":          "https://example.com/",
		"http://[::1]:80/x":            "http://[::1]/x",
		"http://[::1]:9000/x?q=1#frag": "http://[::1]:9000/x",
	} {
		u, _ := url.Parse(in)
		if got := baseStringURI(u); got != want {
			t.Errorf("baseStringURI(%s) = %s, want %s", in, got, want)
		}
	}
}

// handHeader builds an Authorization header the long way, as the X docs
// describe, independent of any client library.
func handHeader(method, rawURL string, signedBody url.Values, a Account, ts int64, nonce string) string {
	oauth := map[string]string{
		"oauth_consumer_key":     a.ConsumerKey,
		"oauth_nonce":            nonce,
		"oauth_signature_method": "HMAC-SHA1",
		"oauth_timestamp":        strconv.FormatInt(ts, 10),
		"oauth_token":            a.AccessToken,
		"oauth_version":          "1.0",
	}
	params := url.Values{}
	for k, v := range signedBody {
		params[k] = v
	}
	for k, v := range oauth {
		params.Set(k, v)
	}
	oauth["oauth_signature"] = Sign(SignatureBase(method, rawURL, params), a.ConsumerSecret, a.AccessSecret)
	keys := []string{"oauth_consumer_key", "oauth_nonce", "oauth_signature", "oauth_signature_method", "oauth_timestamp", "oauth_token", "oauth_version"}
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+`="`+percentEncode(oauth[k])+`"`)
	}
	return "OAuth " + strings.Join(parts, ", ")
}

func TestHandSignedRequestVerifies(t *testing.T) {
	clock := newFakeClock()
	_, ts := newTestServer(t, Options{Now: clock.Now})
	a := DemoAccount()
	send := func(header string, body url.Values) (int, string) {
		req, _ := http.NewRequest("POST", ts.URL+"/1.1/media/upload.json?command=INIT", strings.NewReader(body.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b := readAll(t, resp)
		return resp.StatusCode, string(b)
	}
	body := url.Values{"total_bytes": {"1000"}, "media_type": {"image/png"}}
	query := url.Values{"command": {"INIT"}}
	signed := url.Values{}
	for k, v := range body {
		signed[k] = v
	}
	for k, v := range query {
		signed[k] = v
	}
	now := clock.Now().Unix()
	code, out := send(handHeader("POST", ts.URL+"/1.1/media/upload.json", signed, a, now, "nonce-one"), body)
	if code != http.StatusAccepted {
		t.Fatalf("hand-signed INIT: %d %s", code, out)
	}
	// Tamper with a signed body parameter after signing.
	tampered := url.Values{"total_bytes": {"1001"}, "media_type": {"image/png"}}
	code, out = send(handHeader("POST", ts.URL+"/1.1/media/upload.json", signed, a, now, "nonce-two"), tampered)
	wantAuthError(t, code, out, 32)
	// A wrong secret.
	bad := a
	bad.AccessSecret = "not-the-secret"
	code, out = send(handHeader("POST", ts.URL+"/1.1/media/upload.json", signed, bad, now, "nonce-three"), body)
	wantAuthError(t, code, out, 32)
	// Unknown token.
	bad = a
	bad.AccessToken = "1-unknown"
	code, out = send(handHeader("POST", ts.URL+"/1.1/media/upload.json", signed, bad, now, "nonce-four"), body)
	wantAuthError(t, code, out, 32)
	// No OAuth at all.
	code, out = send("", body)
	wantAuthError(t, code, out, 32)
	// Signed for another host.
	code, out = send(handHeader("POST", "https://upload.twitter.com/1.1/media/upload.json", signed, a, now, "nonce-five"), body)
	wantAuthError(t, code, out, 32)
}

func wantAuthError(t *testing.T, code int, body string, xcode int) {
	t.Helper()
	if code != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401; body %s", code, body)
	}
	var e struct {
		Errors []struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || len(e.Errors) != 1 {
		t.Fatalf("401 body %s is not the v1.1 errors shape", body)
	}
	if e.Errors[0].Code != xcode {
		t.Fatalf("X error code %d (%s), want %d", e.Errors[0].Code, e.Errors[0].Message, xcode)
	}
	want := map[int]string{32: "Could not authenticate you.", 135: "Timestamp out of bounds."}[xcode]
	if e.Errors[0].Message != want {
		t.Fatalf("message %q, want %q", e.Errors[0].Message, want)
	}
}

func TestTimestampWindowAndNonceReplay(t *testing.T) {
	clock := newFakeClock()
	_, ts := newTestServer(t, Options{Now: clock.Now})
	c := newClient(t, ts, DemoAccount(), clock)
	for _, tc := range []struct {
		skew time.Duration
		code int
	}{
		{-299 * time.Second, http.StatusOK},
		{299 * time.Second, http.StatusOK},
		{-301 * time.Second, http.StatusUnauthorized},
		{301 * time.Second, http.StatusUnauthorized},
	} {
		c.skew = tc.skew
		r := c.v1Simple(pngBytes(t, 4, 4, 0), nil)
		if r.code != tc.code {
			t.Fatalf("timestamp skew %s: status %d, want %d (%s)", tc.skew, r.code, tc.code, r.body)
		}
		if tc.code == http.StatusUnauthorized {
			wantAuthError(t, r.code, string(r.body), 135)
		}
	}
	c.skew = 0
	// Replay: the same signed request twice.
	req := c.newForm("POST", "/1.1/media/upload.json", url.Values{"command": {"INIT"}, "total_bytes": {"10"}, "media_type": {"image/png"}}, nil)
	first := c.send(req.clone(t))
	if first.code != http.StatusAccepted {
		t.Fatalf("first send: %d %s", first.code, first.body)
	}
	again := c.send(req.clone(t))
	wantAuthError(t, again.code, string(again.body), 32)
}

func TestOAuthParamsInFormBody(t *testing.T) {
	clock := newFakeClock()
	_, ts := newTestServer(t, Options{Now: clock.Now})
	c := newClient(t, ts, DemoAccount(), clock)
	c.oauthInBody = true
	r := c.do("POST", "/1.1/media/upload.json", nil, url.Values{"command": {"INIT"}, "total_bytes": {"257"}, "media_type": {"image/png"}})
	if r.code != http.StatusAccepted {
		t.Fatalf("INIT with OAuth in the body: %d %s", r.code, r.body)
	}
	// Query-string OAuth (RFC 5849 §3.5.3) too.
	c.oauthInBody, c.oauthInQuery = false, true
	r = c.do("POST", "/1.1/media/upload.json", nil, url.Values{"command": {"INIT"}, "total_bytes": {"257"}, "media_type": {"image/png"}})
	if r.code != http.StatusAccepted {
		t.Fatalf("INIT with OAuth in the query: %d %s", r.code, r.body)
	}
}
