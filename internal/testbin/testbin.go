package testbin

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/uploader/store"
)

// binary is the path Main built; "" before it has.
var binary string

// Main builds mediaup from the module root into a temporary folder, runs
// the package's tests, removes the binary and exits with the tests'
// status. Call it from TestMain; a failed build fails the package before
// any test runs.
func Main(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building mediaup: go env GOMOD: %v\n", err)
		return 1
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	dir, err := os.MkdirTemp("", "mediaup-testbin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "building mediaup:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "mediaup")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building mediaup: go build in %s: %v\n%s", root, err, out)
		return 1
	}
	return m.Run()
}

// Binary is the path of the mediaup binary Main built. It panics when the
// package's TestMain does not call Main.
func Binary() string {
	if binary == "" {
		panic("testbin.Binary: the package's TestMain must call testbin.Main")
	}
	return binary
}

// CleanEnv is the test process's environment without anything that would
// point mediaup at another account, config or state: no MEDIAUP_* and no
// XDG_* variables. Variables appended to it win over the inherited ones
// (os/exec keeps the last value of a repeated name), so a test sets HOME
// by appending "HOME=…".
func CleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MEDIAUP_") && !strings.HasPrefix(kv, "XDG_") {
			env = append(env, kv)
		}
	}
	return env
}

// Sandbox is a `mediaup sandbox` process on a loopback port.
type Sandbox struct {
	URL  string // http://127.0.0.1:PORT, the base URL to give mediaup
	Port int    // the port it listens on
}

// inspect reads the inspection endpoints without keeping connections open,
// so the sandbox's open sockets are only those of the mediaup under test.
var inspect = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}

var listening = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`)

// StartSandbox runs `mediaup sandbox --addr 127.0.0.1:0 ARGS...` from
// Binary with CleanEnv, reads the address it bound from its banner, and
// stops it (interrupt, then kill after 5 s) when the test ends. Port 0 lets
// the kernel pick a free port without a window for another process to take
// it. The test fails if the sandbox exits or prints no address within 15 s;
// what it wrote to stderr is in the failure, and in the log of a test that
// failed later.
func StartSandbox(t testing.TB, args ...string) *Sandbox {
	t.Helper()
	cmd := exec.Command(Binary(), append([]string{"sandbox", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = CleanEnv()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer // read only once the process has been waited for
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u := listening.FindString(sc.Text()); u != "" {
				select {
				case found <- u:
				default:
				}
			}
		}
		_ = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	listened := false
	t.Cleanup(func() {
		stop()
		if listened && t.Failed() && stderr.Len() > 0 {
			t.Logf("mediaup sandbox %s wrote to stderr:\n%s", strings.Join(args, " "), stderr.String())
		}
	})
	select {
	case u := <-found:
		port, err := strconv.Atoi(u[strings.LastIndex(u, ":")+1:])
		if err != nil {
			t.Fatalf("mediaup sandbox printed the address %s: %v", u, err)
		}
		listened = true
		return &Sandbox{URL: u, Port: port}
	case <-exited:
		t.Fatalf("mediaup sandbox %s exited before it listened: %s", strings.Join(args, " "), stderr.String())
	case <-time.After(15 * time.Second):
		stop()
		t.Fatalf("mediaup sandbox %s printed no address within 15 s: %s", strings.Join(args, " "), stderr.String())
	}
	return nil
}

// Env is what points mediaup at this sandbox as its demo account: the
// four MEDIAUP_* credentials and MEDIAUP_BASE_URL, as NAME=value.
func (s *Sandbox) Env() []string {
	a := sandbox.DemoAccount()
	return []string{
		"MEDIAUP_CONSUMER_KEY=" + a.ConsumerKey,
		"MEDIAUP_CONSUMER_SECRET=" + a.ConsumerSecret,
		"MEDIAUP_ACCESS_TOKEN=" + a.AccessToken,
		"MEDIAUP_ACCESS_SECRET=" + a.AccessSecret,
		"MEDIAUP_BASE_URL=" + s.URL,
	}
}

// Get reads the inspection endpoint path (e.g. "/sandbox/media") into v,
// failing the test on any status but 200 or on a body that does not decode.
func (s *Sandbox) Get(t testing.TB, path string, v any) {
	t.Helper()
	resp, err := inspect.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", path, resp.Status, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, b)
	}
}

// Media is every media the sandbox holds (/sandbox/media).
func (s *Sandbox) Media(t testing.TB) []sandbox.MediaInfo {
	t.Helper()
	var all []sandbox.MediaInfo
	s.Get(t, "/sandbox/media", &all)
	return all
}

// MediaByID is the media id (/sandbox/media/ID).
func (s *Sandbox) MediaByID(t testing.TB, id string) sandbox.MediaInfo {
	t.Helper()
	var m sandbox.MediaInfo
	s.Get(t, "/sandbox/media/"+id, &m)
	return m
}

// Tweets is every tweet posted to the sandbox (/sandbox/tweets).
func (s *Sandbox) Tweets(t testing.TB) []sandbox.TweetInfo {
	t.Helper()
	var tw []sandbox.TweetInfo
	s.Get(t, "/sandbox/tweets", &tw)
	return tw
}

// Requests counts the API requests the sandbox has served
// (/sandbox/requests).
func (s *Sandbox) Requests(t testing.TB) sandbox.RequestStats {
	t.Helper()
	var st sandbox.RequestStats
	s.Get(t, "/sandbox/requests", &st)
	return st
}

// Journal reads the state database a mediaup run left under stateHome
// (its XDG_STATE_HOME): the unfinished upload sessions and the ledger of
// ready media. No mediaup may be running on it: bbolt locks the file.
func Journal(t testing.TB, stateHome string) ([]store.Session, []store.Ready) {
	t.Helper()
	st, err := store.Open(filepath.Join(stateHome, "mediaup", "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sessions, err := st.Sessions()
	if err != nil {
		t.Fatal(err)
	}
	ready, err := st.History()
	if err != nil {
		t.Fatal(err)
	}
	return sessions, ready
}
