package xapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mediaup/mediaup/internal/testmedia"
	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/sandbox/sandboxtest"
	"github.com/mediaup/mediaup/xapi"
)

// signatures records the oauth_signature of every request the signer sends.
type signatures struct {
	mu   sync.Mutex
	sigs []string
	base http.RoundTripper
}

var sigRE = regexp.MustCompile(`oauth_signature="([^"]+)"`)

func (s *signatures) RoundTrip(r *http.Request) (*http.Response, error) {
	if m := sigRE.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		sig, _ := url.PathUnescape(m[1])
		s.mu.Lock()
		s.sigs = append(s.sigs, m[1], sig)
		s.mu.Unlock()
	}
	return s.base.RoundTrip(r)
}

// debugLine is the shape of every line: time, call, method, path, retry, status,
// duration, then the rate-limit headers when X sent them.
var debugLine = regexp.MustCompile(`^\S+ xapi [A-Z_]+ (GET|POST) /\S* retry=\d+ status=\d+ duration=\S+` +
	`( x-rate-limit-limit=\d+ x-rate-limit-remaining=\d+ x-rate-limit-reset=\d+)?( error=".*")?$`)

// TestDebugLogShapeAndNoSecrets uploads a video in segments, an image in one
// request and posts both, in both dialects against the sandbox, and checks
// the debug log: one well-formed line per request, the rate-limit headers,
// and none of the credentials or OAuth signatures.
func TestDebugLogShapeAndNoSecrets(t *testing.T) {
	for _, d := range []xapi.Dialect{xapi.V2, xapi.V11} {
		t.Run(string(d), func(t *testing.T) {
			_, srv := sandboxtest.New(t, sandbox.Options{Processing: 10 * time.Millisecond})
			a := sandbox.DemoAccount()
			rec := &signatures{base: xapi.NewTransport()}
			var log bytes.Buffer
			redacted := 0
			cl, err := xapi.NewClient(xapi.Options{Dialect: d, BaseURL: srv.URL, Transport: rec, Debug: &log,
				Redact: func(s string) string { redacted++; return s },
				Credentials: xapi.Credentials{ConsumerKey: a.ConsumerKey, ConsumerSecret: a.ConsumerSecret,
					AccessToken: a.AccessToken, AccessSecret: a.AccessSecret}})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			video, err := testmedia.ReadFile("sample.mp4")
			if err != nil {
				t.Fatal(err)
			}
			m, err := cl.Init(ctx, xapi.InitRequest{TotalBytes: int64(len(video)), MediaType: "video/mp4", Category: "tweet_video"})
			if err != nil {
				t.Fatal(err)
			}
			half := int64(len(video) / 2)
			for i, off := range []int64{0, half} {
				n := half
				if i == 1 {
					n = int64(len(video)) - off
				}
				seg := xapi.Segment{Index: i, Offset: off, Size: n, Open: func(context.Context) io.Reader { return bytes.NewReader(video[off : off+n]) }}
				if err := cl.Append(ctx, m.ID, seg); err != nil {
					t.Fatal(err)
				}
			}
			v, err := cl.Finalize(ctx, m.ID)
			for err == nil && !v.Processing.Done() {
				time.Sleep(20 * time.Millisecond)
				v, err = cl.Status(ctx, m.ID)
			}
			if err != nil {
				t.Fatal(err)
			}
			img, err := testmedia.ReadFile("sample.png")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := cl.SimpleUpload(ctx, "sample.png", int64(len(img)), func(context.Context) io.Reader { return bytes.NewReader(img) }, "tweet_image", nil, nil, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := cl.PostTweet(ctx, xapi.NewTweet{Text: "debug log test", MediaIDs: []string{v.ID}}); err != nil {
				t.Fatal(err)
			}
			if _, err := cl.PostTweet(ctx, xapi.NewTweet{MediaIDs: []string{"1"}}); err == nil {
				t.Fatal("posting an unknown media ID went through")
			}

			text := log.String()
			lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
			// INIT, 2 APPEND, FINALIZE, at least one STATUS or none, UPLOAD, 2 posts.
			if len(lines) < 7 || redacted != len(lines) {
				t.Fatalf("%d lines, %d passed through the redactor; want at least 7, all redacted:\n%s", len(lines), redacted, text)
			}
			rateLimited := 0
			for _, l := range lines {
				if !debugLine.MatchString(l) {
					t.Errorf("line does not have the debug shape: %q", l)
				}
				if strings.Contains(l, "x-rate-limit-limit=") {
					rateLimited++
				}
			}
			if rateLimited == 0 {
				t.Errorf("no line carries the rate-limit headers:\n%s", text)
			}
			for _, want := range []string{" POST ", " APPEND POST ", " TWEET POST ", " status=200 ", " status=201 ", "retry=0", " status=400 ", "error="} {
				if !strings.Contains(text, want) && !(want == " status=201 " && d == xapi.V11) {
					t.Errorf("log lacks %q:\n%s", want, text)
				}
			}
			secrets := map[string]string{"consumer secret": a.ConsumerSecret, "access secret": a.AccessSecret,
				"access token": a.AccessToken, "consumer key": a.ConsumerKey}
			rec.mu.Lock()
			if len(rec.sigs) == 0 {
				t.Fatal("no signed request was seen")
			}
			for i, s := range rec.sigs {
				secrets[fmt.Sprintf("oauth_signature %d", i)] = s
			}
			rec.mu.Unlock()
			for what, s := range secrets {
				if strings.Contains(text, s) {
					t.Errorf("the debug log holds the %s %q:\n%s", what, s, text)
				}
			}
			if strings.Contains(strings.ToLower(text), "authorization") || strings.Contains(text, "oauth_") {
				t.Errorf("the debug log shows a header other than the rate-limit ones:\n%s", text)
			}
		})
	}
}

// TestDebugLogCountsRetries: each attempt of a retried call is its own line
// with its retry number; an attempt that got no answer logs status 0 and why.
func TestDebugLogCountsRetries(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + l.Addr().String()
	l.Close() // nothing listens: every dial is refused, which posting may retry
	var log bytes.Buffer
	cl, err := xapi.NewClient(xapi.Options{BaseURL: base, Debug: &log, RetryFor: 700 * time.Millisecond,
		Credentials: xapi.Credentials{ConsumerKey: "ck", ConsumerSecret: "cs-secret", AccessToken: "at-token", AccessSecret: "as-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.PostTweet(context.Background(), xapi.NewTweet{Text: "hello"}); err == nil {
		t.Fatal("a post to a closed port went through")
	}
	text := log.String()
	for _, want := range []string{"TWEET POST /2/tweets retry=0 status=0 ", "TWEET POST /2/tweets retry=1 status=0 ", "refused"} {
		if !strings.Contains(text, want) {
			t.Errorf("log lacks %q:\n%s", want, text)
		}
	}
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if !debugLine.MatchString(l) {
			t.Errorf("line does not have the debug shape: %q", l)
		}
	}
}
