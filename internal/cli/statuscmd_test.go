package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mediaup/mediaup/internal/testmedia"
	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/sandbox/sandboxtest"
	"github.com/mediaup/mediaup/xapi"
)

// statusClock is the sandbox's clock in status tests: processing advances
// only when the test says so.
type statusClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *statusClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *statusClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// finalizedVideo uploads the sample MP4 with INIT, APPEND and FINALIZE as
// the demo account and returns its media ID, leaving processing to run.
func finalizedVideo(t *testing.T, base string) string {
	t.Helper()
	data, err := testmedia.ReadFile("sample.mp4")
	if err != nil {
		t.Fatal(err)
	}
	d := sandbox.DemoAccount()
	c, err := xapi.NewClient(xapi.Options{BaseURL: base, Credentials: xapi.Credentials{
		ConsumerKey: d.ConsumerKey, ConsumerSecret: d.ConsumerSecret, AccessToken: d.AccessToken, AccessSecret: d.AccessSecret}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m, err := c.Init(ctx, xapi.InitRequest{TotalBytes: int64(len(data)), MediaType: "video/mp4", Category: "tweet_video"})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Append(ctx, m.ID, xapi.Segment{Index: 0, Size: int64(len(data)),
		Open: func(context.Context) io.Reader { return bytes.NewReader(data) }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Finalize(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

func runStatusCmd(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(append([]string{"status"}, args...), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestStatusFollowsProcessing(t *testing.T) {
	cmdTestEnv(t)
	demoEnv(t)
	clock := &statusClock{now: time.Now()}
	_, ts := sandboxtest.New(t, sandbox.Options{Now: clock.Now, Processing: 10 * time.Second})
	id := finalizedVideo(t, ts.URL)

	clock.Advance(5 * time.Second)
	code, out, errOut := runStatusCmd("--base-url", ts.URL, id)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"media     " + id, "state     in_progress", "progress  50%", "check in  ", "expires   "} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "error") {
		t.Errorf("stdout shows an error for healthy media:\n%s", out)
	}

	// Flags may follow the media ID; v1.1 reports the same.
	code, out, errOut = runStatusCmd(id, "--json", "--api", "v1.1", "--base-url", ts.URL)
	if code != exitOK {
		t.Fatalf("--json exit %d\n%s%s", code, out, errOut)
	}
	var js statusJSON
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatalf("--json output is not one JSON object: %v\n%s", err, out)
	}
	if !js.OK || js.MediaID != id || js.State != "in_progress" || js.Percent == nil || *js.Percent != 50 || js.CheckAfterSecs <= 0 {
		t.Errorf("--json = %+v", js)
	}
	exp, err := time.Parse(time.RFC3339, js.ExpiresAt)
	if err != nil || time.Until(exp) < 23*time.Hour || js.ExpiresAfterSecs < 23*3600 {
		t.Errorf("expiry %q (%d s), want about a day ahead", js.ExpiresAt, js.ExpiresAfterSecs)
	}

	clock.Advance(6 * time.Second)
	code, out, _ = runStatusCmd("--base-url", ts.URL, id)
	if code != exitOK || !strings.Contains(out, "state     succeeded") || !strings.Contains(out, "progress  100%") {
		t.Errorf("after processing: exit %d\n%s", code, out)
	}
}

func TestStatusShowsProcessingError(t *testing.T) {
	cmdTestEnv(t)
	demoEnv(t)
	clock := &statusClock{now: time.Now()}
	_, ts := sandboxtest.New(t, sandbox.Options{Now: clock.Now, Processing: 4 * time.Second, FailProcessing: 1, Seed: 7})
	id := finalizedVideo(t, ts.URL)
	clock.Advance(5 * time.Second)

	code, out, _ := runStatusCmd("--base-url", ts.URL, id)
	if code != exitFailed {
		t.Errorf("failed media: exit %d, want %d", code, exitFailed)
	}
	if !strings.Contains(out, "state     failed") {
		t.Errorf("stdout lacks the failed state:\n%s", out)
	}
	// X's name and message, as the sandbox sends them.
	if !strings.Contains(out, "error     InvalidMedia: file is invalid") && !strings.Contains(out, "error     UnsupportedMedia: file is currently unsupported") {
		t.Errorf("stdout lacks X's error name and message:\n%s", out)
	}

	code, out, _ = runStatusCmd("--json", "--base-url", ts.URL, id)
	var js statusJSON
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatal(err)
	}
	if code != exitFailed || js.OK || js.State != "failed" || js.ProcessingError == nil || js.ProcessingError.Name == "" || js.ProcessingError.Message == "" {
		t.Errorf("--json: exit %d, %+v", code, js)
	}
}

func TestStatusRefused(t *testing.T) {
	cmdTestEnv(t)
	demoEnv(t)
	_, ts := sandboxtest.New(t, sandbox.Options{})

	code, out, errOut := runStatusCmd("--base-url", ts.URL, "1234567890123")
	if code != exitFailed {
		t.Errorf("unknown media: exit %d, want %d", code, exitFailed)
	}
	if out != "" || !strings.Contains(errOut, "media 1234567890123: X refused STATUS (HTTP 400") {
		t.Errorf("stdout %q, stderr:\n%s", out, errOut)
	}

	code, out, _ = runStatusCmd("--json", "--base-url", ts.URL, "1234567890123")
	var js statusJSON
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	if code != exitFailed || js.OK || js.Error == "" || js.Refusal == nil || js.Refusal.HTTPStatus != 400 {
		t.Errorf("--json: exit %d, %+v", code, js)
	}

	// Wrong credentials: X's 401, and the secret is not echoed.
	t.Setenv("MEDIAUP_ACCESS_SECRET", "a-wrong-access-secret")
	code, out, errOut = runStatusCmd("--base-url", ts.URL, "1234567890123")
	if code != exitFailed || !strings.Contains(errOut, "HTTP 401") {
		t.Errorf("bad credentials: exit %d\n%s", code, errOut)
	}
	assertNoSecrets(t, out+errOut, "a-wrong-access-secret", sandbox.DemoAccount().ConsumerSecret)
}

func TestStatusBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  bool
		want string
	}{
		{"no media ID", nil, true, "give exactly one media ID"},
		{"two media IDs", []string{"1", "2"}, true, "give exactly one media ID"},
		{"not a number", []string{"abc"}, true, `"abc" is not a media ID`},
		{"bad dialect", []string{"--api", "v3", "1"}, true, `"v3"`},
		{"no credentials", []string{"--base-url", "http://127.0.0.1:9", "1"}, false, "missing the consumer key"},
		{"unknown flag", []string{"--frobnicate", "1"}, true, "-frobnicate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmdTestEnv(t)
			if tc.env {
				demoEnv(t)
			}
			code, out, errOut := runStatusCmd(tc.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if out != "" || !strings.Contains(errOut, tc.want) {
				t.Errorf("stdout %q; stderr lacks %q:\n%s", out, tc.want, errOut)
			}
		})
	}
}

func TestStatusParseFlagsAnywhere(t *testing.T) {
	tests := []struct {
		args []string
		json bool
		pos  []string
	}{
		{[]string{"1", "--json"}, true, []string{"1"}},
		{[]string{"--json", "1"}, true, []string{"1"}},
		{[]string{"1", "2"}, false, []string{"1", "2"}},
		{[]string{"--", "--json"}, false, []string{"--json"}},
		{[]string{"1", "--", "--json"}, false, []string{"1", "--json"}},
		{nil, false, nil},
	}
	for _, tc := range tests {
		var got *statusRun
		code, _, _ := parseOnly(append([]string{"status"}, tc.args...), runners{status: func(r *statusRun) error { got = r; return nil }})
		if code != exitOK || got == nil || got.json != tc.json || !slices.Equal(got.args, tc.pos) {
			t.Errorf("status %q: exit %d, options %+v; want %q, json %v", tc.args, code, got, tc.pos, tc.json)
		}
	}
}

func TestStatusUntilText(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		d    time.Duration
		want string
	}{
		{24 * time.Hour, "in 24h"},
		{23*time.Hour + 59*time.Minute + 20*time.Second, "in 23h59m"},
		{12 * time.Minute, "in 12m"},
		{40 * time.Second, "in 40s"},
		{-2 * time.Hour, "expired 2h ago"},
		{0, "expired 0s ago"},
	}
	for _, tc := range tests {
		if got := untilText(now.Add(tc.d), now); got != tc.want {
			t.Errorf("untilText(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
