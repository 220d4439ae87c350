package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// parseOnly runs the command line with r in place of the real work, so
// only parsing happens: no network, no files touched.
func parseOnly(args []string, r runners) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	s := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}
	code = execute(newRootCmd(&env{io: s}, r), args, s)
	return code, out.String(), errOut.String()
}

// mustNotRun is a runners value whose every command fails the test.
func mustNotRun(t *testing.T) runners {
	fail := func(string) error { t.Helper(); t.Error("a command ran"); return nil }
	return runners{
		tui:     func(*tuiRun) error { return fail("tui") },
		upload:  func(*uploadRun) error { return fail("upload") },
		sandbox: func(*sandboxRun) error { return fail("sandbox") },
		auth:    func(*authRun) error { return fail("auth") },
		status:  func(*statusRun) error { return fail("status") },
		history: func(*historyRun) error { return fail("history") },
	}
}

func TestParseUpload(t *testing.T) {
	var got *uploadRun
	code, _, stderr := parseOnly([]string{"upload", "a.png", "--post", "hi", "--workers", "2", "--", "--b.png"},
		runners{upload: func(r *uploadRun) error { got = r; return nil }})
	if code != exitOK || got == nil {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !slices.Equal(got.files, []string{"a.png", "--b.png"}) || got.post != "hi" || !got.posting || got.workers != 2 {
		t.Errorf("files %q, post %q (posting %v), workers %d", got.files, got.post, got.posting, got.workers)
	}
	if got.segments != 4 || got.pollCap != 15*time.Minute || got.json || got.conn.sandbox {
		t.Errorf("defaults: segments %d, poll-cap %s, json %v, sandbox %v", got.segments, got.pollCap, got.json, got.conn.sandbox)
	}

	// Every flag, in any place; --alt repeats and keeps commas; an empty
	// --post still posts.
	got = nil
	code, _, stderr = parseOnly([]string{"upload", "--json", "x.mp4", "--alt", "a, b", "--alt=x.mp4=c", "--post", "",
		"--category", "tweet_video", "--owners", "1,2", "y.gif", "--profile", "work", "--api", "v1.1", "--base-url",
		"http://127.0.0.1:9", "--segments", "3", "--chunk-size", "1MB", "--limit-rate", "2MB", "--poll-cap", "2m",
		"--repost", "--sandbox"}, runners{upload: func(r *uploadRun) error { got = r; return nil }})
	if code != exitOK || got == nil {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	want := uploadRun{json: true, post: "", posting: true, repost: true, alts: []string{"a, b", "x.mp4=c"},
		category: "tweet_video", owners: "1,2", workers: 3, segments: 3, chunkSize: "1MB", limitRate: "2MB",
		pollCap: 2 * time.Minute, files: []string{"x.mp4", "y.gif"},
		conn: connectOptions{profile: "work", api: "v1.1", baseURL: "http://127.0.0.1:9", sandbox: true}}
	got.io = nil
	if got.json != want.json || got.post != want.post || got.posting != want.posting || got.repost != want.repost ||
		!slices.Equal(got.alts, want.alts) || got.category != want.category || got.owners != want.owners ||
		got.workers != want.workers || got.segments != want.segments || got.chunkSize != want.chunkSize ||
		got.limitRate != want.limitRate || got.pollCap != want.pollCap || !slices.Equal(got.files, want.files) ||
		!sameConn(got.conn, want.conn) {
		t.Errorf("options\n got %+v\nwant %+v", *got, want)
	}
}

func TestParseRoot(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("upload", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args    []string
		files   []string
		sandbox bool
		profile string
	}{
		// A flag after the file is a flag, not a file called --sandbox.
		{[]string{"a.png", "--sandbox"}, []string{"a.png"}, true, ""},
		{[]string{"--profile", "work", "a.png", "b.mp4"}, []string{"a.png", "b.mp4"}, false, "work"},
		{[]string{"a.png", "--profile=work", "b.mp4"}, []string{"a.png", "b.mp4"}, false, "work"},
		// "--" ends the flags.
		{[]string{"--", "--weird-name.png"}, []string{"--weird-name.png"}, false, ""},
		{[]string{"--sandbox", "--", "--profile"}, []string{"--profile"}, true, ""},
		// Words that are not commands are files, even near-misses of one
		// (cobra would otherwise answer "unknown command, did you mean upload?").
		{[]string{"uplod"}, []string{"uplod"}, false, ""},
		{[]string{"./upload"}, []string{"./upload"}, false, ""},
		{[]string{"a.png", "upload"}, []string{"a.png", "upload"}, false, ""},
		{[]string{"--", "upload"}, []string{"upload"}, false, ""},
		{nil, nil, false, ""},
	} {
		var got *tuiRun
		code, _, stderr := parseOnly(tc.args, runners{tui: func(r *tuiRun) error { got = r; return nil }})
		if code != exitOK || got == nil {
			t.Errorf("mediaup %q: exit %d, stderr %q", tc.args, code, stderr)
			continue
		}
		if !slices.Equal(got.args, tc.files) || got.conn.sandbox != tc.sandbox || got.conn.profile != tc.profile {
			t.Errorf("mediaup %q: files %q, sandbox %v, profile %q; want %q, %v, %q", tc.args,
				got.args, got.conn.sandbox, got.conn.profile, tc.files, tc.sandbox, tc.profile)
		}
	}
	// The subcommand's name alone is the subcommand.
	var up *uploadRun
	if code, _, _ := parseOnly([]string{"upload", "a.png"}, runners{upload: func(r *uploadRun) error { up = r; return nil }}); code != exitOK || up == nil || !slices.Equal(up.files, []string{"a.png"}) {
		t.Errorf("mediaup upload a.png: exit %d, %+v", code, up)
	}
}

func TestParseStatusHistorySandboxAuth(t *testing.T) {
	var st *statusRun
	if code, _, stderr := parseOnly([]string{"status", "--json", "123"}, runners{status: func(r *statusRun) error { st = r; return nil }}); code != exitOK || st == nil || !st.json || !slices.Equal(st.args, []string{"123"}) {
		t.Errorf("status --json 123: exit %d, %+v, stderr %q", code, st, stderr)
	}
	st = nil
	if code, _, _ := parseOnly([]string{"status", "123", "--profile", "p", "--api", "v2", "--base-url", "http://127.0.0.1:1"}, runners{status: func(r *statusRun) error { st = r; return nil }}); code != exitOK || st == nil ||
		!sameConn(st.conn, connectOptions{profile: "p", api: "v2", baseURL: "http://127.0.0.1:1"}) {
		t.Errorf("status with connection flags: exit %d, %+v", code, st)
	}
	var h *historyRun
	if code, _, _ := parseOnly([]string{"history", "--json"}, runners{history: func(r *historyRun) error { h = r; return nil }}); code != exitOK || h == nil || !h.json {
		t.Errorf("history --json: exit %d, %+v", code, h)
	}
	var sb *sandboxRun
	code, _, _ := parseOnly([]string{"sandbox", "--addr", "127.0.0.1:0", "--latency", "100ms", "--bandwidth", "10MB",
		"--faults", "0.1", "--fail-processing", "0.5", "--processing", "0s", "--consumer-key", "k", "--consumer-secret", "cs",
		"--access-token", "1-t", "--access-secret", "as"}, runners{sandbox: func(r *sandboxRun) error { sb = r; return nil }})
	if code != exitOK || sb == nil || sb.addr != "127.0.0.1:0" || sb.latency != 100*time.Millisecond || sb.bandwidth != "10MB" ||
		sb.faults != 0.1 || sb.failProcessing != 0.5 || sb.processing != 0 || sb.acct.ConsumerKey != "k" ||
		sb.acct.ConsumerSecret != "cs" || sb.acct.AccessToken != "1-t" || sb.acct.AccessSecret != "as" {
		t.Errorf("sandbox: exit %d, %+v", code, sb)
	}
	sb = nil
	if code, _, _ := parseOnly([]string{"sandbox"}, runners{sandbox: func(r *sandboxRun) error { sb = r; return nil }}); code != exitOK || sb == nil || sb.addr != "127.0.0.1:8080" || sb.processing != 3*time.Second {
		t.Errorf("sandbox defaults: exit %d, %+v", code, sb)
	}
	var a *authRun
	if code, _, _ := parseOnly([]string{"auth", "--base-url", "http://127.0.0.1:1", "--profile", "me"}, runners{auth: func(r *authRun) error { a = r; return nil }}); code != exitOK || a == nil || a.profile != "me" || a.baseURL != "http://127.0.0.1:1" {
		t.Errorf("auth: exit %d, %+v", code, a)
	}
}

// TestParseErrors: every mistake in the flags or arguments is exit 2 with
// one line that names the flag with two dashes, and nothing runs.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"upload", "--nope", "a.png"}, "mediaup upload: unknown flag --nope; see mediaup upload --help\n"},
		{[]string{"upload", "a.png", "--workers"}, "mediaup upload: --workers needs a value; see mediaup upload --help\n"},
		{[]string{"upload", "--workers", "two", "a.png"}, "mediaup upload: --workers \"two\": give a whole number; see mediaup upload --help\n"},
		{[]string{"upload", "--poll-cap", "soon", "a.png"}, "mediaup upload: --poll-cap \"soon\": give a duration such as 30s, 15m or 1h; see mediaup upload --help\n"},
		{[]string{"upload", "--json=maybe", "a.png"}, "mediaup upload: --json \"maybe\": give true or false; see mediaup upload --help\n"},
		{[]string{"upload", "-post", "hi", "a.png"}, "mediaup upload: unknown flag -post: flags take two dashes, as in --post; see mediaup upload --help\n"},
		{[]string{"upload", "-x", "a.png"}, "mediaup upload: unknown flag -x; see mediaup upload --help\n"},
		{[]string{"--frobnicate"}, "mediaup: unknown flag --frobnicate; see mediaup --help\n"},
		{[]string{"a.png", "--profile"}, "mediaup: --profile needs a value; see mediaup --help\n"},
		{[]string{"status", "--json=2", "1"}, "mediaup status: --json \"2\": give true or false; see mediaup status --help\n"},
		{[]string{"sandbox", "--faults", "lots"}, "mediaup sandbox: --faults \"lots\": give a number, such as 0.1; see mediaup sandbox --help\n"},
		{[]string{"sandbox", "extra"}, "mediaup sandbox: unexpected argument \"extra\"; usage: mediaup sandbox [--addr HOST:PORT] [flags]\n"},
		{[]string{"history", "extra"}, "mediaup history: unexpected argument \"extra\"; usage: mediaup history [--json]\n"},
		{[]string{"auth", "extra"}, "mediaup auth: unexpected argument \"extra\"; usage: mediaup auth [--profile NAME] [--base-url URL]\n"},
		{[]string{"upload", "--version"}, "mediaup upload: unknown flag --version; see mediaup upload --help\n"},
	} {
		code, stdout, stderr := parseOnly(tc.args, mustNotRun(t))
		if code != exitUsage || stdout != "" || stderr != tc.want {
			t.Errorf("mediaup %q: exit %d, stdout %q, stderr\n got %q\nwant %q", tc.args, code, stdout, stderr, tc.want)
		}
	}
	// cobra's own argument checks are usage errors too.
	if code, _, stderr := parseOnly([]string{"completion", "tcsh"}, mustNotRun(t)); code != exitUsage || strings.Count(stderr, "\n") != 1 {
		t.Errorf("completion tcsh: exit %d, stderr %q", code, stderr)
	}
}

// TestHelpWritesTwoDashes: help lists every flag as --flag, never -flag.
func TestHelpWritesTwoDashes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"upload", "--help"}, []string{"--post TEXT", "--json", "--alt TEXT", "--chunk-size SIZE", "--poll-cap duration", "--sandbox", "--workers int"}},
		{[]string{"--help"}, []string{"--profile NAME", "--sandbox", "--api string", "--base-url URL", "--version", "upload", "completion", "status", "history", "sandbox", "auth"}},
		{[]string{"status", "--help"}, []string{"--json", "--profile NAME"}},
		{[]string{"history", "-h"}, []string{"--json"}},
		{[]string{"sandbox", "--help"}, []string{"--addr HOST:PORT", "--faults float", "--bandwidth string"}},
		{[]string{"auth", "--help"}, []string{"--profile NAME", "--base-url URL"}},
		{[]string{"help", "upload"}, []string{"--post TEXT"}},
	} {
		code, stdout, stderr := parseOnly(tc.args, mustNotRun(t))
		if code != exitOK || stderr != "" {
			t.Errorf("mediaup %q: exit %d, stderr %q", tc.args, code, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stdout, w) {
				t.Errorf("mediaup %q help lacks %q:\n%s", tc.args, w, stdout)
			}
		}
		for _, line := range strings.Split(stdout, "\n") {
			f := strings.Fields(line)
			if len(f) > 0 && strings.HasPrefix(f[0], "-") && !strings.HasPrefix(f[0], "--") && f[0] != "-h," && f[0] != "-v," {
				t.Errorf("mediaup %q help has a one-dash flag: %q", tc.args, line)
			}
		}
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := parseOnly([]string{"--version"}, mustNotRun(t))
	if code != exitOK || !strings.HasPrefix(stdout, "mediaup ") || strings.Count(stdout, "\n") != 1 {
		t.Errorf("--version: exit %d, %q", code, stdout)
	}
	old := version
	t.Cleanup(func() { version = old })
	version = "v9.8.7"
	if got := versionText(); !strings.HasPrefix(got, "v9.8.7") {
		t.Errorf("stamped version: %q", got)
	}
	if code, stdout, _ := parseOnly([]string{"--version"}, mustNotRun(t)); code != exitOK || !strings.HasPrefix(stdout, "mediaup v9.8.7") {
		t.Errorf("--version with a stamped version: %q", stdout)
	}
	version = ""
	if got := versionText(); got == "" || strings.HasPrefix(got, " ") {
		t.Errorf("unstamped version: %q", got)
	}
}

func TestCompletion(t *testing.T) {
	cfg := cmdTestEnv(t)
	if err := os.MkdirAll(filepath.Dir(cfg), 0o700); err != nil {
		t.Fatal(err)
	}
	const file = "default = \"work\"\n[profiles.work]\nscreen_name = \"w\"\n[profiles.home]\nscreen_name = \"h\"\n[profiles.wall]\n"
	if err := os.WriteFile(cfg, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"__complete", "--profile", ""}, "home\nwall\nwork\n:4\n"},
		{[]string{"__complete", "--profile", "w"}, "wall\nwork\n:4\n"},
		{[]string{"__complete", "upload", "a.png", "--profile", "h"}, "home\n:4\n"},
		{[]string{"__complete", "status", "--profile", "ho"}, "home\n:4\n"},
		{[]string{"__complete", "auth", "--profile", ""}, "home\nwall\nwork\n:4\n"},
		// Files: the shell filters by extension (directive 8).
		{[]string{"__complete", ""}, strings.Join(mediaExts, "\n") + "\n:8\n"},
		{[]string{"__complete", "upload", "a.png", ""}, strings.Join(mediaExts, "\n") + "\n:8\n"},
	} {
		code, stdout, _ := parseOnly(tc.args, mustNotRun(t))
		// The root's own completions also list the subcommands for "".
		if tc.args[1] == "" {
			var kept []string
			for _, l := range strings.Split(stdout, "\n") {
				if slices.Contains(mediaExts, l) || strings.HasPrefix(l, ":") || l == "" {
					kept = append(kept, l)
				}
			}
			stdout = strings.Join(kept, "\n")
		}
		if code != exitOK || stdout != tc.want {
			t.Errorf("mediaup %q: exit %d\n got %q\nwant %q", tc.args, code, stdout, tc.want)
		}
	}
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		code, stdout, _ := parseOnly([]string{"completion", shell}, mustNotRun(t))
		if code != exitOK || !strings.Contains(stdout, "mediaup") || len(stdout) < 500 {
			t.Errorf("completion %s: exit %d, %d bytes", shell, code, len(stdout))
		}
	}
}

// TestExitStatus: the one mapping of outcomes to the contract.
func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{errExitFailed, exitFailed},
		{refusedErrorf("x"), exitFailed},
		{usageErrorf("x"), exitUsage},
		{usageError(os.ErrNotExist), exitUsage},
		{os.ErrNotExist, exitUsage}, // not ours: cobra's parsing
	} {
		if got := exitStatus(tc.err); got != tc.want {
			t.Errorf("exitStatus(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
	// A plain error from a command's work is a failure, not a usage error.
	err := runWith(0, nil, func(int) error { return errors.New("boom") })
	if got := exitStatus(err); got != exitFailed || err.Error() != "boom" {
		t.Errorf("a plain error from a command: exit %d (%v), want %d", got, err, exitFailed)
	}
}

func sameConn(a, b connectOptions) bool {
	return a.profile == b.profile && a.api == b.api && a.baseURL == b.baseURL && a.sandbox == b.sandbox
}
