package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"mediaup/assets"
	"mediaup/sandbox"
)

// caseTimeout bounds one run of the command: a bad input must be refused
// quickly, never hang.
const caseTimeout = 30 * time.Second

// badEnv is the world of one bad-input case: a temporary working directory
// (so messages show short relative paths), XDG directories inside it, an
// inspectable sandbox, and the sandbox's demo credentials in MEDIAUP_*.
type badEnv struct {
	t      *testing.T
	dir    string
	config string // the config file path mediaup reads
	sb     *sandbox.Server
	ts     *httptest.Server

	logMu sync.Mutex
	log   []string // the sandbox's request log
}

// mediaupEnv lists every environment variable mediaup reads; each case
// starts with all of them set by the test, so the real home is never touched.
var mediaupEnv = []string{"MEDIAUP_CONSUMER_KEY", "MEDIAUP_CONSUMER_SECRET", "MEDIAUP_ACCESS_TOKEN",
	"MEDIAUP_ACCESS_SECRET", "MEDIAUP_BASE_URL", "MEDIAUP_API", "MEDIAUP_PROFILE"}

func newBadEnv(t *testing.T, opts sandbox.Options) *badEnv {
	t.Helper()
	e := &badEnv{t: t, dir: t.TempDir()}
	opts.Logf = func(format string, args ...any) {
		e.logMu.Lock()
		e.log = append(e.log, fmt.Sprintf(format, args...))
		e.logMu.Unlock()
	}
	e.sb, e.ts = sandbox.NewTestServer(t, opts)
	t.Chdir(e.dir)
	t.Setenv("HOME", filepath.Join(e.dir, "home"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(e.dir, "config"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(e.dir, "state"))
	e.config = filepath.Join(e.dir, "config", "mediaup", "config.toml")
	for _, k := range mediaupEnv {
		t.Setenv(k, "")
	}
	a := sandbox.DemoAccount()
	t.Setenv("MEDIAUP_CONSUMER_KEY", a.ConsumerKey)
	t.Setenv("MEDIAUP_CONSUMER_SECRET", a.ConsumerSecret)
	t.Setenv("MEDIAUP_ACCESS_TOKEN", a.AccessToken)
	t.Setenv("MEDIAUP_ACCESS_SECRET", a.AccessSecret)
	t.Setenv("MEDIAUP_BASE_URL", e.ts.URL)
	return e
}

// write creates name (relative to the working directory) with data.
func (e *badEnv) write(name string, data []byte) string {
	e.t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		e.t.Fatal(err)
	}
	return name
}

// sparse writes head and then extends the file to size without writing
// the rest, so a 600 MB video costs a few KB of disk.
func (e *badEnv) sparse(name string, head []byte, size int64) string {
	e.t.Helper()
	e.write(name, head)
	if err := os.Truncate(name, size); err != nil {
		e.t.Fatal(err)
	}
	return name
}

// writeConfig writes the config file with the given mode.
func (e *badEnv) writeConfig(text string, mode os.FileMode) {
	e.t.Helper()
	if err := os.MkdirAll(filepath.Dir(e.config), 0o700); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(e.config, []byte(text), mode); err != nil {
		e.t.Fatal(err)
	}
	if err := os.Chmod(e.config, mode); err != nil { // not narrowed by the umask
		e.t.Fatal(err)
	}
}

// run runs `mediaup upload args...` in-process under caseTimeout and
// returns its exit status and output. A panic or a hang fails the test.
func (e *badEnv) run(args ...string) (code int, stdout, stderr string) {
	e.t.Helper()
	return runCommand(e.t, append([]string{"upload"}, args...), nil)
}

// runCommand runs mediaup with args in-process under caseTimeout; stdout
// may be wrapped (to watch events as they are written).
func runCommand(t *testing.T, args []string, wrap func(io.Writer) io.Writer) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut syncBuffer
	var w io.Writer = &out
	if wrap != nil {
		w = wrap(&out)
	}
	type result struct {
		code  int
		panic string
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{panic: fmt.Sprintf("%v\n%s", p, debug.Stack())}
			}
		}()
		done <- result{code: run(args, nil, w, &errOut)}
	}()
	select {
	case r := <-done:
		if r.panic != "" {
			t.Fatalf("mediaup %s crashed: %s", strings.Join(args, " "), r.panic)
		}
		return r.code, out.String(), errOut.String()
	case <-time.After(caseTimeout):
		t.Fatalf("mediaup %s hung for %s; stderr so far:\n%s", strings.Join(args, " "), caseTimeout, errOut.String())
		return 0, "", ""
	}
}

// syncBuffer is a bytes.Buffer safe for the reporter's goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// getJSON reads one of the sandbox's inspection endpoints over HTTP, as a
// script would.
func (e *badEnv) getJSON(path string, v any) {
	e.t.Helper()
	resp, err := http.Get(e.ts.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		e.t.Fatalf("GET %s: %v", path, err)
	}
}

// assertNothingPosted fails when /sandbox/tweets lists a post.
func (e *badEnv) assertNothingPosted() {
	e.t.Helper()
	var tweets []sandbox.TweetInfo
	e.getJSON("/sandbox/tweets", &tweets)
	if len(tweets) != 0 {
		e.t.Errorf("posted although the input was bad: %+v", tweets)
	}
}

// assertNothingUploaded fails when /sandbox/media lists any media.
func (e *badEnv) assertNothingUploaded() {
	e.t.Helper()
	var all []sandbox.MediaInfo
	e.getJSON("/sandbox/media", &all)
	if len(all) != 0 {
		e.t.Errorf("media reached X although nothing should have been uploaded: %+v", all)
	}
}

// --- building media files ---

func pngFile(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// gifHead is the header and logical screen descriptor of a 320×180 GIF89a.
func gifHead() []byte {
	b := []byte("GIF89a")
	b = binary.LittleEndian.AppendUint16(b, 320)
	b = binary.LittleEndian.AppendUint16(b, 180)
	return append(b, 0, 0, 0) // no global colour table, background, aspect
}

func box(typ string, payload ...[]byte) []byte {
	n := 8
	for _, p := range payload {
		n += len(p)
	}
	b := binary.BigEndian.AppendUint32(nil, uint32(n))
	b = append(b, typ...)
	for _, p := range payload {
		b = append(b, p...)
	}
	return b
}

// mp4Head is an MP4's ftyp and moov boxes with an mvhd that says the
// movie lasts millis milliseconds; padding after it (a `free` box of the
// rest, written sparsely) makes any size.
func mp4Head(millis uint32, size int64) []byte {
	ftyp := box("ftyp", []byte("isom\x00\x00\x02\x00isomiso2avc1mp41"))
	p := []byte{0, 0, 0, 0}                          // version 0, flags
	p = binary.BigEndian.AppendUint32(p, 0)          // creation
	p = binary.BigEndian.AppendUint32(p, 0)          // modification
	p = binary.BigEndian.AppendUint32(p, 1000)       // time scale: milliseconds
	p = binary.BigEndian.AppendUint32(p, millis)     // duration
	p = binary.BigEndian.AppendUint32(p, 0x00010000) // rate 1.0
	p = binary.BigEndian.AppendUint16(p, 0x0100)     // volume 1.0
	p = append(p, make([]byte, 10)...)
	for _, v := range []uint32{0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000} {
		p = binary.BigEndian.AppendUint32(p, v)
	}
	p = append(p, make([]byte, 24)...)
	p = binary.BigEndian.AppendUint32(p, 2)
	head := append(ftyp, box("moov", box("mvhd", p))...)
	if rest := size - int64(len(head)); rest >= 8 {
		head = binary.BigEndian.AppendUint32(head, uint32(min(rest, 0xFFFFFFFF)))
		head = append(head, "free"...)
	}
	return head
}

// sample returns one of the embedded sample files' bytes.
func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := assets.FS.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// --- the table ---

// badCase is one way a user can get `mediaup upload` wrong, and exactly
// what they must see.
type badCase struct {
	name  string
	setup func(e *badEnv) []string // makes files, sets env; returns the arguments after "upload"
	code  int
	// stderr is the exact standard error; $CONFIG stands for the config
	// file's path and $URL for the sandbox's base URL.
	stderr string
	// stdout is the exact standard output ("" for most cases).
	stdout string
	// summaryFileErr, when set, is the exact error of the --json summary's
	// only file (stdout is then not compared whole).
	summaryFileErr string
	// uploads allows media to reach the sandbox (a refused --post must
	// upload nothing; some failures happen after an upload started).
	uploads bool
	// unprivileged runs the case as an ordinary user (root reads any file).
	unprivileged bool
}

// fileCases turns one bad file into three cases: refused up front with
// --post (exit 1, nothing uploaded), failed on its own row without --post,
// and failed in the --json summary. msg is the file's message, which starts
// with the path as given.
func fileCases(name string, setup func(e *badEnv) []string, path, msg string) []badCase {
	rest, ok := strings.CutPrefix(msg, path+": ")
	if !ok {
		panic("message " + msg + " does not start with " + path)
	}
	return []badCase{
		{
			name:   name + "/post",
			setup:  func(e *badEnv) []string { return append([]string{"--post", "hello"}, setup(e)...) },
			code:   exitFailed,
			stderr: "mediaup upload: " + msg + "; nothing uploaded and nothing posted\n",
		},
		{
			name:   name + "/row",
			setup:  setup,
			code:   exitFailed,
			stderr: fmt.Sprintf("%-24s failed: %s\n", filepath.Base(path), rest),
		},
		{
			name:           name + "/json",
			setup:          func(e *badEnv) []string { return append([]string{"--json"}, setup(e)...) },
			code:           exitFailed,
			summaryFileErr: msg,
		},
	}
}

func one(path string, data []byte) func(e *badEnv) []string {
	return func(e *badEnv) []string { return []string{e.write(path, data)} }
}

func badCases(t *testing.T) []badCase {
	png := pngFile(t, 64, 48)
	var cases []badCase
	add := func(cs ...badCase) { cases = append(cases, cs...) }

	add(fileCases("missing file", func(e *badEnv) []string { return []string{"holiday.png"} },
		"holiday.png", "holiday.png: no such file")...)
	add(fileCases("dangling symlink", func(e *badEnv) []string {
		if err := os.Symlink("gone.png", "link.png"); err != nil {
			t.Fatal(err)
		}
		return []string{"link.png"}
	}, "link.png", "link.png: no such file (the symbolic link points to a file that does not exist)")...)
	add(fileCases("directory", func(e *badEnv) []string {
		e.write("photos/a.png", png)
		return []string{"photos"}
	}, "photos", "photos: is a directory, not a media file; choose the files inside it")...)
	add(fileCases("empty file", one("empty.png", nil), "empty.png", "empty.png: file is empty (0 bytes)")...)
	add(fileCases("symlink loop", func(e *badEnv) []string {
		if err := os.Symlink("b.png", "a.png"); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("a.png", "b.png"); err != nil {
			t.Fatal(err)
		}
		return []string{"a.png"}
	}, "a.png", "a.png: symbolic link loop; the link never reaches a file")...)
	add(fileCases("named pipe", func(e *badEnv) []string {
		if err := syscall.Mkfifo("pipe.mp4", 0o644); err != nil {
			t.Fatal(err)
		}
		return []string{"pipe.mp4"}
	}, "pipe.mp4", "pipe.mp4: is a named pipe, not a regular file")...)
	add(fileCases("type by extension, not by content", one("notes.png", []byte("shopping list: eggs, milk, bread\n")),
		"notes.png", "notes.png: content is text/plain, not an image, GIF or video X accepts (the .png extension does not match)")...)
	add(fileCases("type X does not accept", one("scan.pdf", []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n")),
		"scan.pdf", "scan.pdf: content is application/pdf, not an image, GIF or video X accepts (only JPEG, PNG, WEBP, GIF, MP4 and MOV are)")...)
	add(fileCases("damaged image header", one("cut.png", png[:30]),
		"cut.png", "cut.png: PNG header is damaged, X would reject the file (the file ends too early)")...)
	add(fileCases("image over 5 MB", func(e *badEnv) []string { return []string{e.sparse("poster.png", png, 6<<20)} },
		"poster.png", "poster.png: image is 6 MB, over the 5 MB limit for tweet_image")...)
	add(fileCases("image one byte over 5 MB", func(e *badEnv) []string { return []string{e.sparse("edge.png", png, 5<<20+1)} },
		"edge.png", "edge.png: image is 5 MB (5242881 bytes), over the 5 MB (5242880 bytes) limit for tweet_image")...)
	add(fileCases("GIF over 15 MB", func(e *badEnv) []string { return []string{e.sparse("loop.gif", gifHead(), 16<<20)} },
		"loop.gif", "loop.gif: GIF is 16 MB, over the 15 MB limit for tweet_gif")...)
	add(fileCases("video over 512 MB", func(e *badEnv) []string {
		return []string{e.sparse("film.mp4", mp4Head(60_000, 600<<20), 600<<20)}
	}, "film.mp4", "film.mp4: video is 600 MB, over the 512 MB limit for tweet_video")...)
	add(fileCases("video too short", one("blink.mp4", mp4Head(400, 0)),
		"blink.mp4", "blink.mp4: video is 0.4 s long, outside the 0.5 s–140 s range for tweet_video")...)
	add(fileCases("video too long for tweet_video", one("talk.mp4", mp4Head(150_000, 0)),
		"talk.mp4", "talk.mp4: video is 150 s long, outside the 0.5 s–140 s range for tweet_video")...)
	add(fileCases("video too long for amplify_video", func(e *badEnv) []string {
		return []string{"--category", "amplify_video", e.write("keynote.mp4", mp4Head(21*60_000, 0))}
	}, "keynote.mp4", "keynote.mp4: video is 21 min long, outside the 0.5 s–20 min range for amplify_video")...)
	add(fileCases("category that does not fit the file", func(e *badEnv) []string {
		return []string{"--category", "tweet_video", e.write("photo.png", png)}
	}, "photo.png", "photo.png: media category tweet_video is for videos, but this file is an image; use tweet_image")...)
	add(fileCases("over 1000 segments at the chosen chunk size", func(e *badEnv) []string {
		return []string{"--chunk-size", "64KB", e.sparse("long.mp4", mp4Head(60_000, 100<<20), 100<<20)}
	}, "long.mp4", "long.mp4: 1600 segments at 64 KB chunks, over X's 1000-segment limit; use --chunk-size 105 KB or more")...)

	return cases
}

func TestBadInput(t *testing.T) {
	for _, c := range badCases(t) {
		t.Run(c.name, func(t *testing.T) {
			e := newBadEnv(t, sandbox.Options{})
			args := c.setup(e)
			code, stdout, stderr := e.run(args...)
			repl := strings.NewReplacer("$CONFIG", e.config, "$URL", e.ts.URL)
			if code != c.code {
				t.Errorf("exit status %d, want %d", code, c.code)
			}
			if want := repl.Replace(c.stderr); stderr != want {
				t.Errorf("stderr:\n got %q\nwant %q", stderr, want)
			}
			if c.summaryFileErr != "" {
				var sum summary
				lines := strings.Split(strings.TrimSpace(stdout), "\n")
				if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil || sum.Type != "summary" {
					t.Fatalf("last stdout line is not the summary (%v):\n%s", err, stdout)
				}
				if sum.OK || len(sum.Files) != 1 || sum.Files[0].State != "failed" || sum.Files[0].Error != repl.Replace(c.summaryFileErr) {
					t.Errorf("summary %+v, want one failed file with error %q", sum, c.summaryFileErr)
				}
			} else if want := repl.Replace(c.stdout); stdout != want {
				t.Errorf("stdout:\n got %q\nwant %q", stdout, want)
			}
			e.assertNothingPosted()
			if !c.uploads {
				e.assertNothingUploaded()
			}
		})
	}
}

var _ = exec.Command
var _ = strconv.Itoa
