package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mediaup/mediaup/config"
	"github.com/mediaup/mediaup/internal/testmedia"
	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/sandbox/sandboxtest"
)

// cmdTestEnv points the config and state directories at fresh temporary
// folders and clears every MEDIAUP_* variable, so a test sees only what it
// sets itself. It returns the config file path.
func cmdTestEnv(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	t.Setenv("HOME", dir)
	for _, v := range []string{config.EnvConsumerKey, config.EnvConsumerSecret, config.EnvAccessToken,
		config.EnvAccessSecret, config.EnvBaseURL, config.EnvAPI, config.EnvProfile} {
		t.Setenv(v, "")
	}
	return filepath.Join(dir, "config", "mediaup", "config.toml")
}

// demoEnv sets the sandbox demo account's four credentials in the environment.
func demoEnv(t *testing.T) {
	t.Helper()
	d := sandbox.DemoAccount()
	t.Setenv(config.EnvConsumerKey, d.ConsumerKey)
	t.Setenv(config.EnvConsumerSecret, d.ConsumerSecret)
	t.Setenv(config.EnvAccessToken, d.AccessToken)
	t.Setenv(config.EnvAccessSecret, d.AccessSecret)
}

// sampleFile writes one of the embedded sample media into a temp dir.
func sampleFile(t *testing.T, name string) string {
	t.Helper()
	data, err := testmedia.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// watchBuf is an output buffer that run may write from its goroutine while
// the test waits for some text to appear.
type watchBuf struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newWatchBuf() *watchBuf { return &watchBuf{changed: make(chan struct{}, 1)} }

func (w *watchBuf) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	select {
	case w.changed <- struct{}{}:
	default:
	}
	return n, err
}

func (w *watchBuf) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// waitFor waits until re matches the output and returns the match, or ""
// if the command finished (done closed) first.
func (w *watchBuf) waitFor(t *testing.T, re *regexp.Regexp, done <-chan struct{}) string {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		if m := re.FindString(w.String()); m != "" {
			return m
		}
		select {
		case <-w.changed:
		case <-done:
			return re.FindString(w.String())
		case <-timeout:
			t.Fatalf("timed out waiting for %v in output:\n%s", re, w.String())
		}
	}
}

var (
	authorizeURLPattern = regexp.MustCompile(`http://\S+/oauth/authorize\?oauth_token=\S+`)
	pinPattern          = regexp.MustCompile(`<code>(\d+)</code>`)
)

// readPIN opens the authorize page as a browser would and reads the PIN.
func readPIN(t *testing.T, pageURL string) string {
	t.Helper()
	resp, err := http.Get(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", pageURL, resp.Status, body)
	}
	m := pinPattern.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no PIN on the authorize page:\n%s", body)
	}
	return string(m[1])
}

// authResult is what one `mediaup auth` run left behind.
type authResult struct {
	code           int
	stdout, stderr string
	pin            string // the PIN the page showed ("" if never reached)
}

// runAuthFlow runs `mediaup auth args...` with stdin fed first with before,
// then, once the authorization URL is printed, with answer(pin) and a newline,
// where pin is read from the authorize page over HTTP.
func runAuthFlow(t *testing.T, args []string, before string, answer func(pin string) string) authResult {
	t.Helper()
	inR, inW := io.Pipe()
	stdout, stderr := newWatchBuf(), newWatchBuf()
	done := make(chan struct{})
	var code int
	go func() {
		defer close(done)
		code = run(append([]string{"auth"}, args...), inR, stdout, stderr)
		inR.Close() // unblock any write the command no longer reads
	}()
	if before != "" {
		go io.WriteString(inW, before)
	}
	res := authResult{}
	if u := stdout.waitFor(t, authorizeURLPattern, done); u != "" {
		res.pin = readPIN(t, u)
		go io.WriteString(inW, answer(res.pin)+"\n")
	}
	<-done
	inW.Close()
	res.code, res.stdout, res.stderr = code, stdout.String(), stderr.String()
	return res
}

func wrongPIN(pin string) string {
	n, _ := strconv.Atoi(pin)
	return fmt.Sprintf("%07d", (n+1)%10_000_000)
}

func assertNoSecrets(t *testing.T, out string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(out, s) {
			t.Errorf("output shows a secret %q:\n%s", s[:4]+"…", out)
		}
	}
}

func TestAuthPINFlowSavesAWorkingProfile(t *testing.T) {
	cfgPath := cmdTestEnv(t)
	_, ts := sandboxtest.New(t, sandbox.Options{})
	demo := sandbox.DemoAccount()

	// The consumer credentials are typed on stdin, like a first sign-in.
	res := runAuthFlow(t, []string{"--base-url", ts.URL, "--profile", "t"},
		demo.ConsumerKey+"\n"+demo.ConsumerSecret+"\n", func(pin string) string { return pin })
	if res.code != exitOK {
		t.Fatalf("auth exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stdout, "Signed in as @mediaup_demo (user "+demo.UserID+")") {
		t.Errorf("stdout does not name the account:\n%s", res.stdout)
	}
	info, err := os.Stat(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("config file mode %04o, want 0600", mode)
	}
	f, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := f.Profiles["t"]
	if !ok {
		t.Fatalf("profile t not saved; profiles: %v", f.Names())
	}
	if p.ConsumerKey != demo.ConsumerKey || p.ConsumerSecret != demo.ConsumerSecret {
		t.Errorf("consumer credentials not saved as typed: %v", p)
	}
	if p.AccessToken == "" || p.AccessSecret == "" || p.AccessToken == demo.AccessToken {
		t.Errorf("access token not the new one the sign-in issued: %v", p)
	}
	if p.UserID != demo.UserID || p.ScreenName != demo.ScreenName {
		t.Errorf("user_id/screen_name = %q/%q, want %q/%q", p.UserID, p.ScreenName, demo.UserID, demo.ScreenName)
	}
	if p.BaseURL != ts.URL {
		t.Errorf("base URL %q, want %q", p.BaseURL, ts.URL)
	}
	if f.Default != "t" {
		t.Errorf("default = %q, want the first profile t", f.Default)
	}
	assertNoSecrets(t, res.stdout+res.stderr, demo.ConsumerSecret, p.AccessSecret)

	// The profile alone (no environment) works for an upload.
	png := sampleFile(t, "sample.png")
	out, errOut := newWatchBuf(), newWatchBuf()
	if code := run([]string{"upload", "--profile", "t", png}, strings.NewReader(""), out, errOut); code != exitOK {
		t.Fatalf("upload with the new profile: exit %d\n%s%s", code, out, errOut)
	}
	line := regexp.MustCompile(regexp.QuoteMeta(png) + `\t(\d+)`).FindStringSubmatch(out.String())
	if line == nil {
		t.Fatalf("upload printed no media ID:\n%s", out)
	}
	var owner struct {
		OwnerID string `json:"owner_id"`
	}
	getJSON(t, ts.URL+"/sandbox/media/"+line[1], &owner)
	if owner.OwnerID != demo.UserID {
		t.Errorf("media owner %q, want %q", owner.OwnerID, demo.UserID)
	}

	// Signing in again reuses the saved consumer credentials: only the PIN is typed.
	old := p.AccessToken
	res = runAuthFlow(t, []string{"--profile", "t"}, "", func(pin string) string { return " " + pin + " " })
	if res.code != exitOK {
		t.Fatalf("second auth exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if strings.Contains(res.stderr, "Consumer key") {
		t.Errorf("asked for the consumer key although the profile has it:\n%s", res.stderr)
	}
	f, _ = config.Load(cfgPath)
	if got := f.Profiles["t"]; got.AccessToken == old || got.BaseURL != ts.URL {
		t.Errorf("second sign-in: token %q (old %q), base %q", got.AccessToken, old, got.BaseURL)
	}
}

func TestAuthWrongPINIsRefusedAndNothingSaved(t *testing.T) {
	cfgPath := cmdTestEnv(t)
	_, ts := sandboxtest.New(t, sandbox.Options{})
	demoEnv(t)
	t.Setenv(config.EnvAccessToken, "")
	t.Setenv(config.EnvAccessSecret, "")
	// An existing file with another profile must come through untouched.
	existing := &config.File{Default: "other", Profiles: map[string]config.Profile{
		"other": {ConsumerKey: "ck", ConsumerSecret: "cs", AccessToken: "at", AccessSecret: "as"},
	}}
	if err := existing.Save(cfgPath); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(cfgPath)

	res := runAuthFlow(t, []string{"--base-url", ts.URL, "--profile", "t"}, "", wrongPIN)
	if res.code != exitFailed {
		t.Fatalf("wrong PIN: exit %d, want %d\n%s%s", res.code, exitFailed, res.stdout, res.stderr)
	}
	for _, want := range []string{"refused the PIN " + wrongPIN(res.pin), "HTTP 401", "Invalid oauth_verifier", "Nothing saved"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	after, _ := os.ReadFile(cfgPath)
	if !bytes.Equal(before, after) {
		t.Errorf("config file changed after a refused PIN:\n%s", after)
	}
	assertNoSecrets(t, res.stdout+res.stderr, sandbox.DemoAccount().ConsumerSecret)
}

func TestAuthRefusedConsumerKey(t *testing.T) {
	cfgPath := cmdTestEnv(t)
	_, ts := sandboxtest.New(t, sandbox.Options{})
	t.Setenv(config.EnvConsumerKey, "not-a-known-app")
	t.Setenv(config.EnvConsumerSecret, "some-consumer-secret")
	stdout, stderr := newWatchBuf(), newWatchBuf()
	code := run([]string{"auth", "--base-url", ts.URL}, strings.NewReader(""), stdout, stderr)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s", code, exitFailed, stderr)
	}
	for _, want := range []string{"X refused the request for a sign-in token", "HTTP 401", "code 32", "check the consumer key and secret"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	assertNoSecrets(t, stdout.String()+stderr.String(), "some-consumer-secret")
	if _, err := os.Stat(cfgPath); !os.IsNotExist(err) {
		t.Errorf("a config file was written after a refusal (stat: %v)", err)
	}
}

func TestAuthUnreachableServer(t *testing.T) {
	cmdTestEnv(t)
	demoEnv(t)
	ts := httptest.NewServer(http.NotFoundHandler())
	base := ts.URL
	ts.Close() // nothing listens there any more
	stderr := newWatchBuf()
	code := run([]string{"auth", "--base-url", base}, strings.NewReader(""), io.Discard, stderr)
	if code != exitFailed || !strings.Contains(stderr.String(), "cannot reach "+base+"/oauth/request_token") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}

func TestAuthBadInput(t *testing.T) {
	_, ts := sandboxtest.New(t, sandbox.Options{})
	tests := []struct {
		name   string
		args   []string
		env    bool   // demo consumer credentials in the environment
		stdin  string // everything typed, up front
		want   string
		server bool // the request token step is reached
	}{
		{name: "stray argument", args: []string{"extra"}, want: `unexpected argument "extra"`},
		{name: "bad profile name", args: []string{"--profile", "my profile"}, env: true, want: `profile name "my profile" is not usable`},
		{name: "bad base URL", args: []string{"--base-url", "ftp://example.com"}, env: true, want: "--base-url: base URL \"ftp://example.com\" must start with https://"},
		{name: "plain http off loopback", args: []string{"--base-url", "http://example.com"}, env: true, want: "which is not a loopback host"},
		{name: "no consumer key", args: []string{"--base-url", ts.URL}, want: "no consumer key given"},
		{name: "blank consumer key", args: []string{"--base-url", ts.URL}, stdin: "\n\n", want: "the consumer key is empty"},
		{name: "no PIN", args: []string{"--base-url", ts.URL}, env: true, server: true, want: "no PIN given"},
		{name: "blank PIN", args: []string{"--base-url", ts.URL}, env: true, server: true, stdin: "  \n", want: "no PIN given"},
		{name: "PIN not digits", args: []string{"--base-url", ts.URL}, env: true, server: true, stdin: "12ab567\n", want: `the PIN "12ab567" is not a number`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfgPath := cmdTestEnv(t)
			if tc.env {
				demoEnv(t)
			}
			stdout, stderr := newWatchBuf(), newWatchBuf()
			code := run(append([]string{"auth"}, tc.args...), strings.NewReader(tc.stdin), stdout, stderr)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, stderr)
			}
			if got := authorizeURLPattern.MatchString(stdout.String()); got != tc.server {
				t.Errorf("authorization URL printed: %v, want %v\n%s", got, tc.server, stdout)
			}
			if _, err := os.Stat(cfgPath); !os.IsNotExist(err) {
				t.Errorf("config file written on bad input (stat: %v)", err)
			}
		})
	}
}

// getJSON decodes the JSON answer of an unauthenticated GET (the sandbox's
// inspection endpoints).
func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %s\n%s", u, resp.Status, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

func TestAuthChoosesProfileLikeOtherCommands(t *testing.T) {
	_, ts := sandboxtest.New(t, sandbox.Options{})
	demo := sandbox.DemoAccount()
	app := config.Profile{ConsumerKey: demo.ConsumerKey, ConsumerSecret: demo.ConsumerSecret, BaseURL: ts.URL}

	t.Run("the only profile", func(t *testing.T) {
		cfgPath := cmdTestEnv(t)
		if err := (&config.File{Profiles: map[string]config.Profile{"work": app}}).Save(cfgPath); err != nil {
			t.Fatal(err)
		}
		res := runAuthFlow(t, nil, "", func(pin string) string { return pin })
		if res.code != exitOK {
			t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
		}
		f, _ := config.Load(cfgPath)
		if got := f.Names(); len(got) != 1 || f.Profiles["work"].AccessToken == "" || f.Default != "work" {
			t.Errorf("profiles %v, default %q, work %v", got, f.Default, f.Profiles["work"])
		}
	})

	t.Run("a new profile beside the only one", func(t *testing.T) {
		cfgPath := cmdTestEnv(t)
		if err := (&config.File{Profiles: map[string]config.Profile{"work": app}}).Save(cfgPath); err != nil {
			t.Fatal(err)
		}
		t.Setenv(config.EnvConsumerKey, demo.ConsumerKey)
		t.Setenv(config.EnvConsumerSecret, demo.ConsumerSecret)
		res := runAuthFlow(t, []string{"--profile", "play", "--base-url", ts.URL}, "", func(pin string) string { return pin })
		if res.code != exitOK {
			t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
		}
		f, _ := config.Load(cfgPath)
		// work stays what plain `mediaup` uses.
		if f.Default != "work" || f.Profiles["play"].AccessToken == "" || f.Profiles["work"].AccessToken != "" {
			t.Errorf("default %q, play %v, work %v", f.Default, f.Profiles["play"], f.Profiles["work"])
		}
		if !strings.Contains(res.stdout, "Use it with: mediaup --profile play") {
			t.Errorf("stdout does not say how to use the new profile:\n%s", res.stdout)
		}
	})

	t.Run("several profiles and no default", func(t *testing.T) {
		cfgPath := cmdTestEnv(t)
		if err := (&config.File{Profiles: map[string]config.Profile{"a": app, "b": app}}).Save(cfgPath); err != nil {
			t.Fatal(err)
		}
		stderr := newWatchBuf()
		code := run([]string{"auth"}, strings.NewReader(""), io.Discard, stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), "several profiles (a, b)") || !strings.Contains(stderr.String(), "--profile NAME") {
			t.Errorf("exit %d\n%s", code, stderr)
		}
	})
}
