package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/mediaup/mediaup/internal/testbin"
	"github.com/mediaup/mediaup/internal/testmedia"
	"github.com/mediaup/mediaup/sandbox"
)

func TestMain(m *testing.M) { testbin.Main(m) }

// requireTmux fails the test when tmux is missing: CI installs it, and
// this test is part of what CI must check.
func requireTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is not installed: the end-to-end TUI test needs it (apt-get install -y tmux; .ci/run installs it)")
	}
}

// tmuxRun is one mediaup in its own tmux server.
type tmuxRun struct {
	t      *testing.T
	socket string
}

// startTUI starts mediaup with args in a detached tmux window of w×h on a
// private tmux server, with the demo credentials in its environment.
func startTUI(t *testing.T, sb *testbin.Sandbox, dir string, w, h int, args ...string) *tmuxRun {
	t.Helper()
	return startInTmux(t, sb, dir, w, h, append([]string{testbin.Binary()}, args...))
}

// startTUIShell runs `mediaup args` under sh with a redirect (may be ""),
// and has sh print "mediaup exited with status N" afterwards: the test
// then knows mediaup has ended from the screen itself, without relying on
// tmux noticing that the pane's process died.
func startTUIShell(t *testing.T, sb *testbin.Sandbox, dir string, w, h int, redirect string, args ...string) *tmuxRun {
	t.Helper()
	line := "'" + testbin.Binary() + "' " + strings.Join(args, " ") + " " + redirect + "; echo mediaup exited with status $?"
	return startInTmux(t, sb, dir, w, h, []string{"sh", "-c", line})
}

// exited waits for the status line startTUIShell's shell prints and
// returns the pane with its scrollback.
func (r *tmuxRun) exited() string {
	r.t.Helper()
	var s string
	poll(r.t, "mediaup to exit", func() bool {
		// Scrollback too: tmux may scroll the pane when the process ends.
		s = r.history()
		return strings.Contains(s, "mediaup exited with status")
	})
	return s
}

// startInTmux runs command (argv) in the tmux window; see startTUI.
func startInTmux(t *testing.T, sb *testbin.Sandbox, dir string, w, h int, command []string) *tmuxRun {
	t.Helper()
	requireTmux(t)
	r := &tmuxRun{t: t, socket: fmt.Sprintf("mediaup-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()%1e6)}
	cfg := t.TempDir()
	tmuxArgs := []string{"-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "-c", dir}
	for _, kv := range append(sb.Env(), "XDG_CONFIG_HOME="+cfg, "XDG_STATE_HOME="+cfg, "XDG_DATA_HOME="+cfg, "HOME="+cfg) {
		tmuxArgs = append(tmuxArgs, "-e", kv)
	}
	tmuxArgs = append(tmuxArgs, command...)
	// In the same command, so the option is set before mediaup can exit:
	// the pane stays to show what it printed after the TUI.
	tmuxArgs = append(tmuxArgs, ";", "set-option", "-t", "main", "remain-on-exit", "on")
	r.tmux(tmuxArgs...)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", r.socket, "kill-server").Run() })
	return r
}

func (r *tmuxRun) tmux(args ...string) string {
	r.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", r.socket}, args...)...).CombinedOutput()
	if err != nil {
		r.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// screen is the visible pane as text.
func (r *tmuxRun) screen() string { return r.tmux("capture-pane", "-p", "-t", "main") }

// history is the pane with its scrollback, for what is printed after the
// TUI has left the alternate screen.
func (r *tmuxRun) history() string { return r.tmux("capture-pane", "-p", "-S", "-", "-t", "main") }

// keys sends tmux key names (C-s, Enter, …).
func (r *tmuxRun) keys(ks ...string) { r.tmux(append([]string{"send-keys", "-t", "main"}, ks...)...) }

// typeText types literal text.
func (r *tmuxRun) typeText(s string) { r.tmux("send-keys", "-t", "main", "-l", s) }

// waitScreen polls the screen until cond holds.
func (r *tmuxRun) waitScreen(what string, cond func(string) bool) string {
	r.t.Helper()
	var s string
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		s = r.screen()
		if cond(s) {
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	r.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
	return ""
}

// poll calls f until it reports done.
func poll(t *testing.T, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// succeeded waits until the sandbox holds n media, all succeeded, and
// returns their IDs.
func succeeded(t *testing.T, sb *testbin.Sandbox, n int) []string {
	t.Helper()
	var ids []string
	poll(t, fmt.Sprintf("%d media succeeded on the sandbox", n), func() bool {
		ms := sb.Media(t)
		ids = ids[:0]
		for _, m := range ms {
			if m.State == "succeeded" {
				ids = append(ids, m.MediaID)
			}
		}
		return len(ms) == n && len(ids) == n
	})
	return ids
}

// tweets waits until the sandbox has n tweets and returns them.
func tweets(t *testing.T, sb *testbin.Sandbox, n int) []sandbox.TweetInfo {
	t.Helper()
	var tws []sandbox.TweetInfo
	poll(t, fmt.Sprintf("%d tweets on the sandbox", n), func() bool {
		tws = sb.Tweets(t)
		return len(tws) >= n
	})
	return tws
}

// samples writes the two sample images into a fresh folder.
func samples(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := testmedia.WriteTo(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestUploadAndPostInTmux(t *testing.T) {
	requireTmux(t)
	sb := testbin.StartSandbox(t, "--processing", "1s")
	dir := samples(t)
	r := startTUIShell(t, sb, dir, 120, 36, "", "sample.png", "sample2.png")

	ids := succeeded(t, sb, 2)
	r.waitScreen("both rows ready", func(s string) bool { return strings.Count(s, "✓ ready") == 2 })
	r.keys("c")
	r.waitScreen("the compose pane focused", func(s string) bool { return strings.Contains(s, "ctrl+s post") })
	const text = "Campaign launch from mediaup e2e"
	r.typeText(text)
	r.waitScreen("the text typed", func(s string) bool { return strings.Contains(s, text) })
	r.keys("C-s")

	tws := tweets(t, sb, 1)
	if len(tws) != 1 {
		t.Fatalf("%d tweets, want exactly 1: %+v", len(tws), tws)
	}
	if tws[0].Text != text {
		t.Errorf("tweet text %q, want %q", tws[0].Text, text)
	}
	if len(tws[0].MediaIDs) != 2 || !sameSet(tws[0].MediaIDs, ids) {
		t.Errorf("tweet media %v, want exactly %v", tws[0].MediaIDs, ids)
	}
	s := r.waitScreen("the tweet ID on screen", func(s string) bool { return strings.Contains(s, tws[0].ID) })
	if !strings.Contains(s, "posted tweet "+tws[0].ID) {
		t.Errorf("screen does not say the tweet was posted:\n%s", s)
	}

	// Quit: nothing is running, so it quits at once and prints the IDs.
	r.keys("Escape") // alone: an escape followed at once by q would read as alt+q
	r.waitScreen("compose left", func(s string) bool { return strings.Contains(s, "p pause/resume") })
	r.keys("q")
	s = r.exited()
	if !strings.Contains(s, ids[0]) || !strings.Contains(s, ids[1]) {
		t.Errorf("media IDs not printed after exit:\n%s", s)
	}
	if !strings.Contains(s, "mediaup exited with status 0") {
		t.Errorf("mediaup should exit 0 after a good session:\n%s", s)
	}
	for _, name := range []string{"sample.png", "sample2.png"} {
		if !regexp.MustCompile(regexp.QuoteMeta(name) + `\s+[0-9]+`).MatchString(s) {
			t.Errorf("no %q line with its media ID after exit:\n%s", name, s)
		}
	}
}

func TestSmallTerminal(t *testing.T) {
	requireTmux(t)
	sb := testbin.StartSandbox(t, "--processing", "1s")
	dir := samples(t)
	r := startTUI(t, sb, dir, 80, 24, "sample.png", "sample2.png")
	succeeded(t, sb, 2)
	s := r.waitScreen("both rows ready", func(s string) bool { return strings.Count(s, "✓ ready") == 2 })
	checkFits(t, s, 80, 24)
	for _, want := range []string{"Files", "Queue", "Compose", "sample.png", "sample2.png", "0/280"} {
		if !strings.Contains(s, want) {
			t.Errorf("80×24 screen lacks %q:\n%s", want, s)
		}
	}
	// The queue is usable: move, open the alt text input, save.
	r.keys("j", "a")
	r.waitScreen("the alt text input", func(s string) bool { return strings.Contains(s, "alt text:") })
	r.typeText("A test card")
	r.keys("Enter")
	r.waitScreen("alt text saved", func(s string) bool { return strings.Contains(s, "alt text saved for sample2.png") })
	// Compose is usable: type, see the count, post.
	r.keys("c")
	r.typeText("Small screen post https://example.com")
	s = r.waitScreen("the weighted count", func(s string) bool { return strings.Contains(s, "41/280") })
	checkFits(t, s, 80, 24)
	r.keys("C-s")
	tws := tweets(t, sb, 1)
	r.waitScreen("the tweet ID", func(s string) bool { return strings.Contains(s, tws[0].ID) })
	checkFits(t, r.screen(), 80, 24)
	ms := sb.Media(t)
	alt := 0
	for _, m := range ms {
		if m.AltText == "A test card" {
			alt++
		}
	}
	if alt != 1 {
		t.Errorf("alt text reached %d media, want 1: %+v", alt, ms)
	}
}

// checkFits fails when the captured screen is taller or wider than w×h.
func checkFits(t *testing.T, s string, w, h int) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > h {
		t.Errorf("%d lines on a %d-line terminal", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d wide on a %d-column terminal: %q", i, n, w, l)
		}
	}
}

// TestCommandLineErrors checks runTUI's exit statuses for mistakes caught
// before the TUI starts (no terminal needed).
func TestCommandLineErrors(t *testing.T) {
	cfg := t.TempDir()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + cfg, "XDG_CONFIG_HOME=" + cfg}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--bogus"}, "unknown flag --bogus"},
		{"two folders", []string{cfg, os.TempDir()}, "at most one folder"},
		{"no credentials", []string{"x.png"}, "MEDIAUP_CONSUMER_KEY"},
		{"bad dialect", []string{"--sandbox", "--api", "v3"}, "unknown API dialect"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(testbin.Binary(), c.args...)
			cmd.Env = env
			out, err := cmd.CombinedOutput()
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() != 2 {
				t.Fatalf("exit %v, want status 2; output:\n%s", err, out)
			}
			if !strings.Contains(string(out), c.want) {
				t.Errorf("output lacks %q:\n%s", c.want, out)
			}
		})
	}
}

// TestIDsToRedirectedStdout runs `mediaup a b > ids.tsv`: the TUI draws on
// the terminal and stdout gets only the "path<TAB>media_id" lines.
func TestIDsToRedirectedStdout(t *testing.T) {
	requireTmux(t)
	sb := testbin.StartSandbox(t)
	dir := samples(t)
	r := startTUIShell(t, sb, dir, 100, 30, "> ids.tsv", "sample.png", "sample2.png")
	ids := succeeded(t, sb, 2)
	r.waitScreen("both rows ready", func(s string) bool { return strings.Count(s, "✓ ready") == 2 })
	r.keys("q")
	if s := r.exited(); !strings.Contains(s, "mediaup exited with status 0") {
		t.Errorf("mediaup should exit 0:\n%s", s)
	}
	out, err := os.ReadFile(filepath.Join(dir, "ids.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var got []string
	for _, l := range lines {
		path, id, ok := strings.Cut(l, "\t")
		if !ok || (path != "sample.png" && path != "sample2.png") {
			t.Fatalf("stdout should hold only path<TAB>media_id lines, got:\n%q", out)
		}
		got = append(got, id)
	}
	if !sameSet(got, ids) {
		t.Errorf("IDs on stdout %v, want %v", got, ids)
	}
}

// TestNoColor runs mediaup with NO_COLOR set: the screen has no colour at
// all, and still marks state with attributes (bold, reverse).
func TestNoColor(t *testing.T) {
	requireTmux(t)
	sb := testbin.StartSandbox(t)
	dir := samples(t)
	r := startInTmux(t, sb, dir, 100, 30, []string{"env", "NO_COLOR=1", "COLORTERM=truecolor", testbin.Binary(), "sample.png"})
	succeeded(t, sb, 1)
	r.waitScreen("the row ready", func(s string) bool { return strings.Contains(s, "✓ ready") })
	styled := r.tmux("capture-pane", "-e", "-p", "-t", "main")
	attrs := 0
	for _, m := range regexp.MustCompile(`\x1b\[([0-9;:]*)m`).FindAllStringSubmatch(styled, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			switch {
			case p == "38" || p == "48" || p == "58":
				t.Fatalf("colour sequence %q under NO_COLOR", m[0])
			case len(p) == 2 && (p[0] == '3' || p[0] == '4' || p[0] == '9') && p[1] <= '7':
				t.Fatalf("colour sequence %q under NO_COLOR", m[0])
			case p == "1" || p == "7" || p == "4":
				attrs++
			}
		}
	}
	if attrs == 0 {
		t.Errorf("no attributes at all under NO_COLOR; the focus and cursor should still show:\n%q", styled)
	}
}

// TestFlagAfterFile: `mediaup sample.png --sandbox` means the flag, not a
// file called --sandbox: the TUI opens on the in-process sandbox with
// sample.png queued, and uploads it there.
func TestFlagAfterFile(t *testing.T) {
	requireTmux(t)
	sb := testbin.StartSandbox(t)
	dir := samples(t)
	r := startTUIShell(t, sb, dir, 120, 36, "", "sample.png", "--sandbox")
	s := r.waitScreen("sample.png ready on the built-in sandbox", func(s string) bool {
		return strings.Contains(s, "sample.png") && strings.Contains(s, "✓ ready")
	})
	if strings.Contains(s, "--sandbox") {
		t.Errorf("--sandbox was queued as a file:\n%s", s)
	}
	if n := len(sb.Media(t)); n != 0 {
		t.Errorf("the external sandbox got %d uploads; --sandbox must start its own", n)
	}
	r.keys("q")
	if s := r.exited(); !strings.Contains(s, "mediaup exited with status 0") {
		t.Errorf("exit:\n%s", s)
	}
}
