package cli

import (
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mediaup/mediaup/config"
	"github.com/mediaup/mediaup/sandbox"
)

// The account's two secrets: distinctive, and full of characters that
// percent-encoding changes, so an encoded copy is caught too. Every copy
// of either, in any encoding, contains "S3CRET".
const (
	consumerSecret = "S3CRET-consumer-7f/Qz+w=~k y"
	accessSecret   = "S3CRET-access-9c/Kp+v=~m z"
	// Wrong secrets a user might paste; they must not leak either.
	wrongAccessSecret   = "S3CRET-access-WRONG/x+y="
	wrongConsumerSecret = "S3CRET-consumer-WRONG/x+y="
)

// keeper is the sandbox account the secrets belong to.
func keeper() sandbox.Account {
	return sandbox.Account{
		UserID:         "1600000000000000007",
		ScreenName:     "secret_keeper",
		ConsumerKey:    "keeper-consumer-key",
		ConsumerSecret: consumerSecret,
		AccessToken:    "1600000000000000007-keeperAccessToken",
		AccessSecret:   accessSecret,
	}
}

// rfc3986 is OAuth's percent-encoding (RFC 3986 unreserved characters kept).
func rfc3986(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// leaks returns the forms of any secret found in text.
func leaks(text string) []string {
	var found []string
	for _, marker := range []string{"S3CRET", "LEAKMARK"} {
		if strings.Contains(strings.ToUpper(text), marker) {
			found = append(found, marker)
		}
	}
	for _, s := range []string{consumerSecret, accessSecret, wrongAccessSecret, wrongConsumerSecret} {
		tail := strings.TrimPrefix(s, "S3CRET-")
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s), rfc3986(s), rfc3986(rfc3986(s)),
			base64.StdEncoding.EncodeToString([]byte(s)), tail, rfc3986(tail)} {
			if strings.Contains(text, form) {
				found = append(found, form)
			}
		}
	}
	return found
}

// secretsEnv is a badEnv whose sandbox knows only the keeper account.
func secretsEnv(t *testing.T) *badEnv {
	t.Helper()
	e := newBadEnv(t, sandbox.Options{Accounts: []sandbox.Account{keeper()}})
	useKeeperEnv(t)
	return e
}

// useKeeperEnv puts the keeper's credentials in MEDIAUP_*.
func useKeeperEnv(t *testing.T) {
	a := keeper()
	t.Setenv("MEDIAUP_CONSUMER_KEY", a.ConsumerKey)
	t.Setenv("MEDIAUP_CONSUMER_SECRET", a.ConsumerSecret)
	t.Setenv("MEDIAUP_ACCESS_TOKEN", a.AccessToken)
	t.Setenv("MEDIAUP_ACCESS_SECRET", a.AccessSecret)
}

// keeperProfile is the config file text of profile "keeper" for the
// sandbox at base.
func keeperProfile(base string) string {
	a := keeper()
	return fmt.Sprintf("default = \"keeper\"\n\n[profiles.keeper]\nconsumer_key = %q\nconsumer_secret = %q\naccess_token = %q\naccess_secret = %q\nuser_id = %q\nscreen_name = %q\nbase_url = %q\n",
		a.ConsumerKey, a.ConsumerSecret, a.AccessToken, a.AccessSecret, a.UserID, a.ScreenName, base)
}

// TestSecretsNeverShown runs every command path with the keeper's secrets
// in play and looks for them in stdout, stderr, the sandbox's request log
// and the resume journal.
func TestSecretsNeverShown(t *testing.T) {
	e := secretsEnv(t)
	e.write("photo.png", pngFile(t, 40, 30))
	e.write("photo2.png", pngFile(t, 30, 40))
	e.write("clip.mp4", sample(t, "sample.mp4"))
	// Files X has not seen, so the wrong-secret runs sign upload requests
	// rather than reuse media already on X.
	e.write("fresh.png", pngFile(t, 50, 50))
	e.write("fresh.mp4", paddedMP4(t, 80<<10))
	clearEnv := func() {
		for _, k := range mediaupEnv {
			t.Setenv(k, "")
		}
	}

	type step struct {
		name  string
		setup func()
		args  []string
		code  int
	}
	var uploadedID string
	steps := []step{
		{name: "upload with environment credentials", args: []string{"upload", "--post", "hello", "photo.png"}, code: exitOK},
		{name: "upload --json, chunked video", args: []string{"upload", "--json", "--chunk-size", "16KB", "--post", "video", "clip.mp4"}, code: exitOK},
		{name: "upload with a config-file profile", setup: func() {
			clearEnv()
			e.writeConfig(keeperProfile(e.ts.URL), 0o600)
		}, args: []string{"upload", "--profile", "keeper", "--alt", "a photo", "photo2.png"}, code: exitOK},
		{name: "status with a config-file profile", args: []string{"status", "MEDIA_ID"}, code: exitOK},
		{name: "status --json", args: []string{"status", "--json", "MEDIA_ID"}, code: exitOK},
		{name: "history", args: []string{"history"}, code: exitOK},
		{name: "history --json", args: []string{"history", "--json"}, code: exitOK},
		{name: "upload with a wrong access secret", setup: func() {
			useKeeperEnv(t)
			t.Setenv("MEDIAUP_ACCESS_SECRET", wrongAccessSecret)
		}, args: []string{"upload", "--post", "nope", "fresh.png"}, code: exitFailed},
		{name: "upload --json with a wrong consumer secret", setup: func() {
			useKeeperEnv(t)
			t.Setenv("MEDIAUP_CONSUMER_SECRET", wrongConsumerSecret)
		}, args: []string{"upload", "--json", "--chunk-size", "16KB", "--post", "nope", "fresh.mp4"}, code: exitFailed},
		{name: "status with a wrong consumer secret", args: []string{"status", "MEDIA_ID"}, code: exitFailed},
		{name: "upload with a bad flag", setup: func() { useKeeperEnv(t) }, args: []string{"upload", "--frobnicate", "photo.png"}, code: exitUsage},
		{name: "upload --help", args: []string{"upload", "--help"}, code: exitOK},
		{name: "upload with an access secret missing", setup: func() {
			if err := os.Remove(e.config); err != nil {
				t.Fatal(err)
			}
			t.Setenv("MEDIAUP_ACCESS_SECRET", "")
		},
			args: []string{"upload", "photo.png"}, code: exitUsage},
		{name: "sandbox --help", args: []string{"sandbox", "--help"}, code: exitOK},
		{name: "sandbox with only some credentials", args: []string{"sandbox", "--consumer-secret", consumerSecret, "--addr", "127.0.0.1:0"}, code: exitUsage},
		{name: "sandbox with credentials and an address it cannot use", args: []string{"sandbox",
			"--consumer-key", "k", "--consumer-secret", consumerSecret, "--access-token", "1-t", "--access-secret", accessSecret,
			"--addr", "127.0.0.1:99999"}, code: exitUsage},
		{name: "the TUI's --help", args: []string{"--help"}, code: exitOK},
		{name: "the TUI with a bad flag", args: []string{"--frobnicate"}, code: exitUsage},
		{name: "config file too open", setup: func() {
			clearEnv()
			e.writeConfig(keeperProfile(e.ts.URL), 0o644)
		}, args: []string{"upload", "photo.png"}, code: exitUsage},
		{name: "the TUI with a config file too open", args: []string{"--profile", "keeper"}, code: exitUsage},
		{name: "config file with a secret left unquoted", setup: func() {
			e.writeConfig(strings.Replace(keeperProfile(e.ts.URL), fmt.Sprintf("%q", accessSecret), accessSecret, 1), 0o600)
		}, args: []string{"upload", "photo.png"}, code: exitUsage},
		{name: "config file with an unterminated secret", setup: func() {
			e.writeConfig(strings.Replace(keeperProfile(e.ts.URL), fmt.Sprintf("%q", consumerSecret), `"`+consumerSecret, 1), 0o600)
		}, args: []string{"upload", "photo.png"}, code: exitUsage},
		// The TOML parser quotes the letters it stopped at: an unquoted
		// secret that starts with letters would be shown up to its first
		// digit or sign (here "tLeakMark").
		{name: "config file with an unquoted secret the parser reads as a word", setup: func() {
			e.writeConfig(strings.Replace(keeperProfile(e.ts.URL), fmt.Sprintf("%q", accessSecret), "tLeakMark-S3CRET-bare", 1), 0o600)
		}, args: []string{"upload", "photo.png"}, code: exitUsage},
		{name: "config file with a secret in an unclosed array", setup: func() {
			e.writeConfig(strings.Replace(keeperProfile(e.ts.URL), fmt.Sprintf("%q", consumerSecret), "[tLeakMark-S3CRET", 1), 0o600)
		}, args: []string{"upload", "photo.png"}, code: exitUsage},
		{name: "config file with a secret of the wrong type", setup: func() {
			e.writeConfig(strings.Replace(keeperProfile(e.ts.URL), fmt.Sprintf("%q", accessSecret), fmt.Sprintf("[%q]", accessSecret), 1), 0o600)
		}, args: []string{"upload", "photo.png"}, code: exitUsage},
		{name: "config file with a misspelt secret key", setup: func() {
			e.writeConfig(strings.Replace(keeperProfile(e.ts.URL), "access_secret", "acess_secret", 1), 0o600)
		}, args: []string{"upload", "photo.png"}, code: exitUsage},
		{name: "unknown profile", setup: func() { e.writeConfig(keeperProfile(e.ts.URL), 0o600) },
			args: []string{"upload", "--profile", "other", "photo.png"}, code: exitUsage},
	}
	for _, s := range steps {
		if s.setup != nil {
			s.setup()
		}
		args := append([]string(nil), s.args...)
		for i, a := range args {
			if a == "MEDIA_ID" {
				args[i] = uploadedID
			}
		}
		code, stdout, stderr := runCommand(t, args, nil)
		if code != s.code {
			t.Errorf("%s: exit %d, want %d; stderr:\n%s", s.name, code, s.code, stderr)
		}
		if stdout+stderr == "" && s.code != exitOK {
			t.Errorf("%s: failed without a word", s.name)
		}
		for where, text := range map[string]string{"stdout": stdout, "stderr": stderr} {
			if found := leaks(text); len(found) > 0 {
				t.Errorf("%s: a secret (%q) is in %s:\n%s", s.name, found, where, text)
			}
		}
		if s.name == "upload with environment credentials" {
			id, ok := strings.CutPrefix(strings.TrimSpace(strings.Split(stdout, "\n")[0]), "photo.png\t")
			if !ok {
				t.Fatalf("upload printed no media ID: %q", stdout)
			}
			uploadedID = id
		}
	}

	// The secrets did reach the sandbox where they belong: it verified
	// signatures made with them.
	if tweets := e.sb.Tweets(); len(tweets) != 2 {
		t.Errorf("want the two good posts on the sandbox, got %+v", tweets)
	}
	e.logMu.Lock()
	reqLog := strings.Join(e.log, "\n")
	e.logMu.Unlock()
	if reqLog == "" {
		t.Error("the sandbox's request log is empty; the test would not see a leak there")
	}
	if found := leaks(reqLog); len(found) > 0 {
		t.Errorf("a secret (%q) is in the sandbox's request log:\n%s", found, reqLog)
	}
	// The resume journal holds what X and the files said, never a secret.
	err := filepath.Walk(filepath.Join(e.dir, "state"), func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if found := leaks(string(b)); len(found) > 0 {
			t.Errorf("a secret (%q) is stored in %s", found, path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("reading the state directory: %v", err)
	}
}

// TestConfigSavedPrivate: the config file is written 0600 whatever the
// umask, and once someone opens it up to the group, mediaup refuses it
// with the command that fixes it, as ssh does.
func TestConfigSavedPrivate(t *testing.T) {
	e := secretsEnv(t)
	for _, k := range mediaupEnv {
		t.Setenv(k, "")
	}
	a := keeper()
	f := &config.File{Default: "keeper", Profiles: map[string]config.Profile{"keeper": {
		ConsumerKey: a.ConsumerKey, ConsumerSecret: a.ConsumerSecret, AccessToken: a.AccessToken, AccessSecret: a.AccessSecret,
		UserID: a.UserID, ScreenName: a.ScreenName, BaseURL: e.ts.URL}}}
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	if err := f.Save(e.config); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(e.config)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("config saved with mode %04o, want 0600", st.Mode().Perm())
	}
	dir, err := os.Stat(filepath.Dir(e.config))
	if err != nil {
		t.Fatal(err)
	}
	if dir.Mode().Perm() != 0o700 {
		t.Errorf("config directory made with mode %04o, want 0700", dir.Mode().Perm())
	}

	e.write("photo.png", pngFile(t, 20, 20))
	code, stdout, stderr := runCommand(t, []string{"upload", "photo.png"}, nil)
	if code != exitOK {
		t.Fatalf("the saved profile does not work: exit %d, stderr %q", code, stderr)
	}
	if !strings.HasPrefix(stdout, "photo.png\t") {
		t.Errorf("stdout %q", stdout)
	}

	for _, mode := range []os.FileMode{0o640, 0o644, 0o604, 0o660} {
		if err := os.Chmod(e.config, mode); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runCommand(t, []string{"upload", "photo.png"}, nil)
		want := fmt.Sprintf("mediaup upload: config: permissions %04o for %s are too open; it holds secrets, so run: chmod 600 %s\n", mode, e.config, e.config)
		if code != exitUsage || stdout != "" || stderr != want {
			t.Errorf("mode %04o: exit %d, stdout %q, stderr\n got %q\nwant %q", mode, code, stdout, stderr, want)
		}
	}
	if n := len(e.sb.Tweets()); n != 0 {
		t.Errorf("%d tweets posted", n)
	}
}

// TestTLSCertificateVerified: a server whose certificate no trusted
// authority signed is refused before anything is sent, at once (a failed
// check is not retried), and the user is told why. Verification is never
// turned off, not even for a loopback address.
func TestTLSCertificateVerified(t *testing.T) {
	e := secretsEnv(t)
	sb := sandbox.New(sandbox.Options{Accounts: []sandbox.Account{keeper()}})
	ts := httptest.NewUnstartedServer(sb)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	ts.StartTLS()
	t.Cleanup(func() {
		sb.Close()
		ts.Close()
	})
	if !strings.HasPrefix(ts.URL, "https://127.0.0.1:") {
		t.Fatalf("test server at %s", ts.URL)
	}
	e.write("photo.png", pngFile(t, 20, 20))
	e.write("clip.mp4", sample(t, "sample.mp4"))

	cases := []struct {
		args   []string
		stderr string
	}{
		{[]string{"upload", "--base-url", ts.URL, "--post", "over tls", "photo.png"},
			"photo.png                failed: UPLOAD: cannot verify the server's TLS certificate, so nothing was sent (tls: failed to verify certificate: x509: certificate signed by unknown authority)\nnot posted: not every file is ready\n"},
		{[]string{"upload", "--base-url", ts.URL, "--chunk-size", "16KB", "clip.mp4"},
			"clip.mp4                 failed: INIT: cannot verify the server's TLS certificate, so nothing was sent (tls: failed to verify certificate: x509: certificate signed by unknown authority)\n"},
		{[]string{"status", "--base-url", ts.URL, "1234567890"},
			"mediaup status: media 1234567890: STATUS: cannot verify the server's TLS certificate, so nothing was sent (tls: failed to verify certificate: x509: certificate signed by unknown authority)\n"},
	}
	for _, c := range cases {
		start := time.Now()
		code, stdout, stderr := runCommand(t, c.args, nil)
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("%v: took %s; a certificate failure must not be retried", c.args, took)
		}
		if code != exitFailed || stdout != "" || stderr != c.stderr {
			t.Errorf("%v: exit %d, stdout %q, stderr\n got %q\nwant %q", c.args, code, stdout, stderr, c.stderr)
		}
	}
	if st := sb.Requests(); sumCounts(st.ByEndpoint) != 0 {
		t.Errorf("requests reached the untrusted server: %+v", st.ByEndpoint)
	}
	if n := len(sb.Tweets()); n != 0 {
		t.Errorf("%d tweets posted", n)
	}
}

func sumCounts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
