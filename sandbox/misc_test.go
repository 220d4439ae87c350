package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func TestPINFlow(t *testing.T) {
	var mu sync.Mutex
	var logs []string
	logf := func(format string, args ...any) {
		mu.Lock()
		logs = append(logs, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	_, ts := newTestServer(t, Options{Logf: logf})
	app := DemoAccount()
	app.AccessToken, app.AccessSecret = "", ""
	c := newClient(t, ts, app, nil)
	// Step 1: request token, signed by the consumer only.
	c.oauthInBody = false
	r := c.do("POST", "/oauth/request_token", url.Values{"oauth_callback": {"oob"}}, nil)
	if r.code != http.StatusOK {
		t.Fatalf("request_token: %d %s", r.code, r.body)
	}
	rt, err := url.ParseQuery(string(r.body))
	if err != nil || rt.Get("oauth_callback_confirmed") != "true" || rt.Get("oauth_token") == "" || rt.Get("oauth_token_secret") == "" {
		t.Fatalf("request_token body %q", r.body)
	}
	// Step 2: the authorize page shows a 7-digit PIN.
	resp, err := http.Get(ts.URL + "/oauth/authorize?oauth_token=" + url.QueryEscape(rt.Get("oauth_token")))
	if err != nil {
		t.Fatal(err)
	}
	page := string(readAll(t, resp))
	resp.Body.Close()
	pin := regexp.MustCompile(`<code>(\d{7})</code>`).FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || pin == nil || !strings.Contains(page, "@mediaup_demo") {
		t.Fatalf("authorize page %d: %s", resp.StatusCode, page)
	}
	// Step 3: access token, signed with the request token.
	c.acct.AccessToken, c.acct.AccessSecret = rt.Get("oauth_token"), rt.Get("oauth_token_secret")
	wrong := "0000000"
	if pin[1] == wrong {
		wrong = "1111111"
	}
	if r := c.do("POST", "/oauth/access_token", nil, url.Values{"oauth_verifier": {wrong}}); r.code != http.StatusUnauthorized {
		t.Fatalf("wrong PIN: %d %s", r.code, r.body)
	}
	r = c.do("POST", "/oauth/access_token", nil, url.Values{"oauth_verifier": {pin[1]}})
	if r.code != http.StatusOK {
		t.Fatalf("access_token: %d %s", r.code, r.body)
	}
	at, _ := url.ParseQuery(string(r.body))
	if at.Get("user_id") != demoUserID || at.Get("screen_name") != "mediaup_demo" || at.Get("oauth_token") == "" {
		t.Fatalf("access_token body %q", r.body)
	}
	// The request token is spent.
	if r := c.do("POST", "/oauth/access_token", nil, url.Values{"oauth_verifier": {pin[1]}}); r.code != http.StatusUnauthorized {
		t.Fatalf("request token reused: %d", r.code)
	}
	// The new token works on the API.
	c.acct.AccessToken, c.acct.AccessSecret = at.Get("oauth_token"), at.Get("oauth_token_secret")
	r = c.v1Init("image/png", 10, "", "")
	if r.code != http.StatusAccepted {
		t.Fatalf("INIT with the new token: %d %s", r.code, r.body)
	}
	// Non-oob callbacks are refused (the sandbox has no browser redirect).
	c.acct.AccessToken, c.acct.AccessSecret = "", ""
	wantV1Code(t, c.do("POST", "/oauth/request_token", url.Values{"oauth_callback": {"https://example.com/cb"}}, nil), http.StatusForbidden, 417, "")
	// The log never shows a secret.
	mu.Lock()
	defer mu.Unlock()
	if len(logs) == 0 {
		t.Fatal("Logf was not called")
	}
	for _, l := range logs {
		for _, secret := range []string{DemoAccount().ConsumerSecret, rt.Get("oauth_token_secret"), at.Get("oauth_token_secret")} {
			if strings.Contains(l, secret) {
				t.Fatalf("log line shows a secret: %s", l)
			}
		}
	}
}

func TestV2PathsNeedOAuth(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	for _, p := range []string{"/2/media/upload/initialize", "/2/tweets", "/2/media/metadata", "/1.1/statuses/update.json"} {
		resp, err := http.Post(ts.URL+p, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		resp.Body.Close()
		wantAuthError(t, resp.StatusCode, string(body), 32)
	}
	// A bearer token is not OAuth 1.0a.
	req, _ := http.NewRequest("POST", ts.URL+"/2/tweets", strings.NewReader(`{"text":"x"}`))
	req.Header.Set("Authorization", "Bearer AAAA")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	resp.Body.Close()
	wantAuthError(t, resp.StatusCode, string(body), 32)
}

func TestInspectionEndpoints(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	var media []MediaInfo
	if code := getJSON(t, ts.URL+"/sandbox/media", &media); code != http.StatusOK || media == nil || len(media) != 0 {
		t.Fatalf("empty media list: %d %v", code, media)
	}
	var tweets []TweetInfo
	if code := getJSON(t, ts.URL+"/sandbox/tweets", &tweets); code != http.StatusOK || tweets == nil {
		t.Fatalf("empty tweets: %d %v", code, tweets)
	}
	var raw map[string]map[string]int
	getJSON(t, ts.URL+"/sandbox/requests", &raw)
	for _, k := range []string{"by_endpoint", "by_status", "faults"} {
		if raw[k] == nil {
			t.Errorf("requests lacks %s: %v", k, raw)
		}
	}
	for _, k := range []string{"INIT", "APPEND", "FINALIZE", "STATUS", "UPLOAD", "METADATA", "TWEET", "OAUTH"} {
		if _, ok := raw["by_endpoint"][k]; !ok {
			t.Errorf("by_endpoint lacks %s", k)
		}
	}
	if code := getJSON(t, ts.URL+"/sandbox/nothing", nil); code != http.StatusNotFound {
		t.Errorf("unknown inspection path: %d", code)
	}
}

func TestDemoBannerAndAccountString(t *testing.T) {
	d := DemoAccount()
	b := DemoBanner(":8787")
	for _, want := range []string{"http://127.0.0.1:8787", d.ConsumerKey, d.ConsumerSecret, d.AccessToken, d.AccessSecret,
		"MEDIAUP_CONSUMER_KEY=" + d.ConsumerKey, "MEDIAUP_CONSUMER_SECRET=" + d.ConsumerSecret,
		"MEDIAUP_ACCESS_TOKEN=" + d.AccessToken, "MEDIAUP_ACCESS_SECRET=" + d.AccessSecret, "MEDIAUP_BASE_URL=http://127.0.0.1:8787"} {
		if !strings.Contains(b, want) {
			t.Errorf("banner lacks %q:\n%s", want, b)
		}
	}
	if got := BaseURL("localhost:9000"); got != "http://localhost:9000" {
		t.Errorf("BaseURL = %s", got)
	}
	s := d.String()
	if strings.Contains(s, d.ConsumerSecret) || strings.Contains(s, d.AccessSecret) || !strings.Contains(s, "mediaup_demo") {
		t.Errorf("Account.String() = %s", s)
	}
	if fmt.Sprint(d) != s {
		t.Errorf("fmt does not use String()")
	}
	if PartnerAccount().UserID != "3805104374" || XDevelopersAccount().UserID != "2244994945" || DemoAccount().UserID == "3805104374" {
		t.Error("known account ids changed")
	}
}
