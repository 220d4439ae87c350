package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mediaup/mediaup/config"
	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/sandbox/sandboxtest"
)

// TestDebugLog: --debug FILE (or MEDIAUP_DEBUG) gets one line per X
// request and answer, with no secret in it.
func TestDebugLog(t *testing.T) {
	e := newBadEnv(t, sandbox.Options{})
	img := e.write("photo.png", sample(t, "sample.png"))
	log := filepath.Join(e.dir, "debug.log")
	if code, stdout, stderr := e.run("--debug", log, "--post", "debug me", img); code != 0 {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	line := regexp.MustCompile(`^\S+ xapi [A-Z_]+ (GET|POST) /\S* retry=\d+ status=\d+ duration=\S+`)
	var upload, tweet bool
	for _, l := range lines {
		if !line.MatchString(l) {
			t.Errorf("debug line has the wrong shape: %q", l)
		}
		upload = upload || strings.Contains(l, " UPLOAD POST ") && strings.Contains(l, "status=200")
		tweet = tweet || strings.Contains(l, " TWEET POST /2/tweets ") && strings.Contains(l, "status=201")
	}
	if !upload || !tweet {
		t.Errorf("the upload (%v) and the post (%v) should each have a line:\n%s", upload, tweet, b)
	}
	a := sandbox.DemoAccount()
	for _, secret := range []string{a.ConsumerSecret, a.AccessSecret, a.AccessToken, "oauth_signature"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the debug log holds %q:\n%s", secret, b)
		}
	}
	if fi, err := os.Stat(log); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("debug log mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}

	// The environment names it too, and a second run appends.
	t.Setenv("MEDIAUP_DEBUG", log)
	img2 := e.write("photo2.png", sample(t, "sample2.png")) // new content: requests to log
	if code, _, stderr := e.run(img2); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	after, _ := os.ReadFile(log)
	if !strings.HasPrefix(string(after), string(b)) || len(after) <= len(b) {
		t.Errorf("MEDIAUP_DEBUG should append to the log (%d bytes before, %d after)", len(b), len(after))
	}

	if code, _, stderr := e.run("--debug", filepath.Join(e.dir, "no", "such", "dir", "x.log"), img); code != exitUsage || !strings.Contains(stderr, "--debug: cannot open the debug log") {
		t.Errorf("unopenable --debug: exit %d, %s", code, stderr)
	}
}

// TestDebugLogCoversTheSignIn: auth --debug logs the two token requests,
// without the consumer secret, the request token's secret or the new
// access secret.
func TestDebugLogCoversTheSignIn(t *testing.T) {
	cfgPath := cmdTestEnv(t)
	_, ts := sandboxtest.New(t, sandbox.Options{})
	demo := sandbox.DemoAccount()
	log := filepath.Join(t.TempDir(), "auth.log")
	res := runAuthFlow(t, []string{"--base-url", ts.URL, "--profile", "t", "--debug", log},
		demo.ConsumerKey+"\n"+demo.ConsumerSecret+"\n", func(pin string) string { return pin })
	if res.code != exitOK {
		t.Fatalf("auth exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.Contains(s, " REQUEST_TOKEN POST /oauth/request_token retry=0 status=200") || !strings.Contains(s, " ACCESS_TOKEN POST /oauth/access_token retry=0 status=200") {
		t.Errorf("both token requests should be logged:\n%s", s)
	}
	f, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{demo.ConsumerSecret, f.Profiles["t"].AccessSecret, "oauth_signature", "oauth_verifier"} {
		if strings.Contains(s, secret) {
			t.Errorf("the debug log holds %q:\n%s", secret, s)
		}
	}
}
