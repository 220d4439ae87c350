package cli

import (
	"bytes"
	"crypto/sha256"
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
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mediaup/mediaup/internal/testmedia"
	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/sandbox/sandboxtest"
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
	e.sb, e.ts = sandboxtest.New(t, opts)
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
	b, err := testmedia.ReadFile(name)
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
	// file's path.
	stderr string
	// stdout is the exact standard output ("" for most cases).
	stdout string
	// summaryFileErr, when set, is the exact error of the --json summary's
	// only file (stdout is then not compared whole).
	summaryFileErr string
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
	unreadable := fileCases("unreadable file", func(e *badEnv) []string {
		e.write("private.png", png)
		if err := os.Chmod("private.png", 0); err != nil {
			t.Fatal(err)
		}
		return []string{"private.png"}
	}, "private.png", "private.png: permission denied; mediaup cannot read this file")
	for i := range unreadable {
		unreadable[i].unprivileged = true
	}
	add(unreadable...)
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

	// Several files that cannot share one tweet, and text X would refuse:
	// refused before anything is uploaded.
	images := func(e *badEnv, n int) []string {
		var paths []string
		for i := 1; i <= n; i++ {
			paths = append(paths, e.write(fmt.Sprintf("p%d.png", i), pngFile(t, 16+i, 16)))
		}
		return paths
	}
	add(badCase{
		name:   "5 images on one tweet",
		setup:  func(e *badEnv) []string { return append([]string{"--post", "five"}, images(e, 5)...) },
		code:   exitUsage,
		stderr: "mediaup upload: cannot post p1.png, p2.png, p3.png, p4.png and p5.png in one tweet: 5 images: a tweet takes at most 4 images; nothing uploaded\n",
	}, badCase{
		name: "GIF plus image on one tweet",
		setup: func(e *badEnv) []string {
			return []string{"--post", "mixed", e.write("anim.gif", sample(t, "sample.gif")), e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: cannot post anim.gif and photo.png in one tweet: a GIF cannot share a tweet with other media; nothing uploaded\n",
	}, badCase{
		name: "two videos on one tweet",
		setup: func(e *badEnv) []string {
			return []string{"--post", "double", e.write("a.mp4", sample(t, "sample.mp4")), e.write("b.mp4", sample(t, "sample.mp4"))}
		},
		code:   exitUsage,
		stderr: "mediaup upload: cannot post a.mp4 and b.mp4 in one tweet: 2 videos: a tweet takes at most 1 video; nothing uploaded\n",
	}, badCase{
		name: "tweet over 280 weighted characters",
		setup: func(e *badEnv) []string {
			return []string{"--post", strings.Repeat("字", 141), e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: tweet is 282 characters by X's count, over the 280 limit (URLs count 23, emoji and CJK count 2); nothing uploaded\n",
	}, badCase{
		name:   "tweet with a character X refuses",
		setup:  func(e *badEnv) []string { return []string{"--post", "hello\ufeffworld", e.write("photo.png", png)} },
		code:   exitUsage,
		stderr: "mediaup upload: tweet contains U+FEFF at character 6, which X does not accept; remove it; nothing uploaded\n",
	}, badCase{
		name:   "the same file twice",
		setup:  func(e *badEnv) []string { return []string{"--post", "twice", e.write("photo.png", png), "./photo.png"} },
		code:   exitUsage,
		stderr: "mediaup upload: photo.png and ./photo.png are the same file; give each file once\n",
	}, badCase{
		name: "alt text over 1000 characters for every file",
		setup: func(e *badEnv) []string {
			return []string{"--alt", strings.Repeat("é", 1001), e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: photo.png: alt text is 1001 characters, over X's 1000-character limit; nothing uploaded\n",
	}, badCase{
		name: "alt text over 1000 characters for one file",
		setup: func(e *badEnv) []string {
			return []string{"--post", "hi", "--alt", "photo.png=" + strings.Repeat("a", 1200), e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: photo.png: alt text is 1200 characters, over X's 1000-character limit; nothing uploaded\n",
	})

	// Flags.
	add(badCase{
		name:   "no files given",
		setup:  func(e *badEnv) []string { return nil },
		code:   exitUsage,
		stderr: "mediaup upload: no files given: mediaup upload [flags] FILE [FILE ...]\n",
	}, badCase{
		name:   "unknown flag",
		setup:  func(e *badEnv) []string { return []string{"--frobnicate", e.write("photo.png", png)} },
		code:   exitUsage,
		stderr: "mediaup upload: unknown flag --frobnicate; see mediaup upload --help\n",
	}, badCase{
		name:   "flag without its value",
		setup:  func(e *badEnv) []string { return []string{e.write("photo.png", png), "--post"} },
		code:   exitUsage,
		stderr: "mediaup upload: --post needs a value; see mediaup upload --help\n",
	}, badCase{
		name:   "bad --chunk-size",
		setup:  func(e *badEnv) []string { return []string{"--chunk-size", "lots", e.write("photo.png", png)} },
		code:   exitUsage,
		stderr: "mediaup upload: --chunk-size: \"lots\" is not a size like 4MB or 512KB\n",
	}, badCase{
		name:   "--chunk-size in terabytes",
		setup:  func(e *badEnv) []string { return []string{"--chunk-size", "4TB", e.write("photo.png", png)} },
		code:   exitUsage,
		stderr: "mediaup upload: --chunk-size: \"4TB\" has an unknown unit \"TB\": use B, KB, MB or GB (1 KB = 1024 bytes)\n",
	}, badCase{
		name:   "--limit-rate of nothing",
		setup:  func(e *badEnv) []string { return []string{"--limit-rate", "0", e.write("photo.png", png)} },
		code:   exitUsage,
		stderr: "mediaup upload: --limit-rate \"0\" would send nothing: give a size per second such as 2MB\n",
	}, badCase{
		name:   "--limit-rate not a number",
		setup:  func(e *badEnv) []string { return []string{"--limit-rate", "NaN", e.write("photo.png", png)} },
		code:   exitUsage,
		stderr: "mediaup upload: --limit-rate: \"NaN\" is not a size like 4MB or 512KB\n",
	}, badCase{
		name:   "--chunk-size over 5 MB",
		setup:  func(e *badEnv) []string { return []string{"--chunk-size", "6MB", e.write("photo.png", png)} },
		code:   exitUsage,
		stderr: "mediaup upload: --chunk-size 6MB is over X's 5 MB segment limit\n",
	}, badCase{
		name:   "bad --owners",
		setup:  func(e *badEnv) []string { return []string{"--owners", "3805104374,@friend", e.write("photo.png", png)} },
		code:   exitUsage,
		stderr: "mediaup upload: --owners: \"@friend\" is not a numeric X user ID; give IDs separated by commas, e.g. 3805104374,783214\n",
	}, badCase{
		name:   "negative --poll-cap",
		setup:  func(e *badEnv) []string { return []string{"--poll-cap", "-5m", e.write("photo.png", png)} },
		code:   exitUsage,
		stderr: "mediaup upload: --poll-cap -5m0s: give a positive duration such as 15m\n",
	}, badCase{
		name:   "unknown --category",
		setup:  func(e *badEnv) []string { return []string{"--category", "tweet_audio", e.write("photo.png", png)} },
		code:   exitUsage,
		stderr: "mediaup upload: --category: unknown media category \"tweet_audio\"; use tweet_image, tweet_gif, tweet_video or amplify_video\n",
	}, badCase{
		name:   "--workers 0",
		setup:  func(e *badEnv) []string { return []string{"--workers", "0", e.write("photo.png", png)} },
		code:   exitUsage,
		stderr: "mediaup upload: --workers and --segments must be at least 1\n",
	}, badCase{
		name:   "bad --limit-rate",
		setup:  func(e *badEnv) []string { return []string{"--limit-rate", "fast", e.write("photo.png", png)} },
		code:   exitUsage,
		stderr: "mediaup upload: --limit-rate: \"fast\" is not a size like 4MB or 512KB\n",
	}, badCase{
		name:   "unknown --api",
		setup:  func(e *badEnv) []string { return []string{"--api", "v3", e.write("photo.png", png)} },
		code:   exitUsage,
		stderr: "mediaup upload: --api: unknown API dialect \"v3\": use v2 or v1.1\n",
	}, badCase{
		name: "unknown MEDIAUP_API",
		setup: func(e *badEnv) []string {
			t.Setenv("MEDIAUP_API", "v3")
			return []string{e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: config: MEDIAUP_API: API \"v3\" is not supported; use v2 or v1.1\n",
	})

	// Where to send, and as whom.
	add(badCase{
		name: "--base-url not http(s)",
		setup: func(e *badEnv) []string {
			return []string{"--base-url", "ftp://127.0.0.1:21", e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: --base-url: base URL \"ftp://127.0.0.1:21\" must start with https:// (or http:// for a loopback host such as 127.0.0.1)\n",
	}, badCase{
		name: "MEDIAUP_BASE_URL not http(s)",
		setup: func(e *badEnv) []string {
			t.Setenv("MEDIAUP_BASE_URL", "api.x.com")
			return []string{e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: config: MEDIAUP_BASE_URL: base URL \"api.x.com\" must start with https:// (or http:// for a loopback host such as 127.0.0.1)\n",
	}, badCase{
		name: "plain http to a non-loopback host",
		setup: func(e *badEnv) []string {
			return []string{"--base-url", "http://api.example.com", e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: --base-url: base URL \"http://api.example.com\" uses plain http to api.example.com, which is not a loopback host; use https, or plain http only to 127.0.0.1, ::1 or localhost\n",
	}, badCase{
		name: "base URL with a password",
		setup: func(e *badEnv) []string {
			return []string{"--base-url", "https://me:hunter2@api.example.com", e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: --base-url: base URL \"https://…@api.example.com\" must not contain a user name or password\n",
	}, badCase{
		name: "missing credentials",
		setup: func(e *badEnv) []string {
			for _, k := range mediaupEnv {
				t.Setenv(k, "")
			}
			return []string{e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: config: credentials are missing the consumer key, consumer secret, access token and access secret; set MEDIAUP_CONSUMER_KEY, MEDIAUP_CONSUMER_SECRET, MEDIAUP_ACCESS_TOKEN and MEDIAUP_ACCESS_SECRET, or run: mediaup auth\n",
	}, badCase{
		name: "one credential missing",
		setup: func(e *badEnv) []string {
			t.Setenv("MEDIAUP_ACCESS_SECRET", "")
			return []string{"--post", "hi", e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: config: credentials are missing the access secret; set MEDIAUP_ACCESS_SECRET, or run: mediaup auth\n",
	}, badCase{
		name: "wrong credentials",
		setup: func(e *badEnv) []string {
			t.Setenv("MEDIAUP_ACCESS_SECRET", "not-the-access-secret")
			return []string{"--post", "hi", e.write("photo.png", png)}
		},
		code:   exitFailed,
		stderr: "photo.png                failed: X refused UPLOAD (HTTP 401, code 32): Could not authenticate you.\nnot posted: not every file is ready\n",
	}, badCase{
		name: "wrong credentials, chunked",
		setup: func(e *badEnv) []string {
			t.Setenv("MEDIAUP_CONSUMER_SECRET", "not-the-consumer-secret")
			return []string{"--json", "--post", "hi", e.write("clip.mp4", sample(t, "sample.mp4"))}
		},
		code:           exitFailed,
		summaryFileErr: "clip.mp4: X refused INIT (HTTP 401, code 32): Could not authenticate you.",
	})

	add(badCase{
		name: "--sandbox with --base-url",
		setup: func(e *badEnv) []string {
			return []string{"--sandbox", "--base-url", e.ts.URL, e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: --sandbox starts its own local X API, so --base-url has no place beside it; give one or the other\n",
	})

	// The config file.
	const goodProfile = "[profiles.work]\nconsumer_key = \"k\"\nconsumer_secret = \"S3CRET-c\"\naccess_token = \"1-t\"\naccess_secret = \"S3CRET-a\"\n"
	add(badCase{
		name:   "unknown profile, no config file",
		setup:  func(e *badEnv) []string { return []string{"--profile", "nope", e.write("photo.png", png)} },
		code:   exitUsage,
		stderr: "mediaup upload: config: unknown profile \"nope\": $CONFIG does not exist; create the profile with: mediaup auth --profile nope\n",
	}, badCase{
		name: "unknown profile",
		setup: func(e *badEnv) []string {
			e.writeConfig(goodProfile+"[profiles.home]\nscreen_name = \"me\"\n", 0o600)
			return []string{"--profile", "nope", e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: config: unknown profile \"nope\" in $CONFIG (profiles: home, work)\n",
	}, badCase{
		name: "unknown MEDIAUP_PROFILE",
		setup: func(e *badEnv) []string {
			e.writeConfig(goodProfile, 0o600)
			t.Setenv("MEDIAUP_PROFILE", "wrok")
			return []string{e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: config: unknown profile \"wrok\" in $CONFIG (profiles: work)\n",
	}, badCase{
		name: "malformed config file",
		setup: func(e *badEnv) []string {
			e.writeConfig("[profiles.work]\nconsumer_key = \"k\nconsumer_secret = \"s\"\n", 0o600)
			return []string{e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: config: $CONFIG line 2, column 18: strings cannot contain newlines (after key \"profiles.work.consumer_key\"); fix the TOML syntax there\n",
	}, badCase{
		name: "secret without quotes in the config file",
		setup: func(e *badEnv) []string {
			e.writeConfig(strings.Replace(goodProfile, `"S3CRET-a"`, "tOkSecret99", 1), 0o600)
			return []string{e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: config: $CONFIG line 5: the value of access_secret is not valid TOML; write it in double quotes, like access_secret = \"...\"\n",
	}, badCase{
		name: "misspelt key in the config file",
		setup: func(e *badEnv) []string {
			e.writeConfig(strings.Replace(goodProfile, "consumer_secret", "consumer_secert", 1), 0o600)
			return []string{e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: config: $CONFIG: unknown key \"profiles.work.consumer_secert\"; the top level knows default and [profiles.NAME], and a profile knows consumer_key, consumer_secret, access_token, access_secret, user_id, screen_name, base_url and api\n",
	}, badCase{
		name: "config file is a directory",
		setup: func(e *badEnv) []string {
			if err := os.MkdirAll(e.config, 0o700); err != nil {
				t.Fatal(err)
			}
			return []string{e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: config: $CONFIG is a directory, not a config file\n",
	}, badCase{
		name: "config file too open",
		setup: func(e *badEnv) []string {
			e.writeConfig(goodProfile, 0o644)
			return []string{e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: config: permissions 0644 for $CONFIG are too open; it holds secrets, so run: chmod 600 $CONFIG\n",
	}, badCase{
		name: "config file unreadable",
		setup: func(e *badEnv) []string {
			e.writeConfig(goodProfile, 0o000)
			return []string{e.write("photo.png", png)}
		},
		code:         exitUsage,
		stderr:       "mediaup upload: config: cannot read $CONFIG: permission denied\n",
		unprivileged: true,
	}, badCase{
		name: "base URL in the config file is plain http to another host",
		setup: func(e *badEnv) []string {
			e.writeConfig(goodProfile+"base_url = \"http://192.0.2.10:8080\"\n", 0o600)
			t.Setenv("MEDIAUP_BASE_URL", "")
			return []string{e.write("photo.png", png)}
		},
		code:   exitUsage,
		stderr: "mediaup upload: config: $CONFIG, profile \"work\": base URL \"http://192.0.2.10:8080\" uses plain http to 192.0.2.10, which is not a loopback host; use https, or plain http only to 127.0.0.1, ::1 or localhost\n",
	})

	return cases
}

// asNobodyEnv is set for a copy of the test binary that runs one
// unprivileged case as the user nobody: root reads every file whatever its
// mode, so an unreadable file can only be shown to an ordinary user.
const asNobodyEnv = "MEDIAUP_TEST_AS_NOBODY"

// nobody is the conventional unprivileged user and group ID.
const nobody = 65534

// TestBadInput runs `mediaup upload` in-process on every bad input in the
// table, each against a fresh sandbox, and checks the exit status, the exact
// words the user sees, that nothing hung or crashed, and that nothing was
// uploaded to or posted on the sandbox.
func TestBadInput(t *testing.T) {
	if os.Getenv(asNobodyEnv) == "1" {
		dropPrivileges(t)
	}
	for _, c := range badCases(t) {
		t.Run(c.name, func(t *testing.T) {
			if c.unprivileged && os.Geteuid() == 0 {
				runAsNobody(t)
				return
			}
			e := newBadEnv(t, sandbox.Options{})
			args := c.setup(e)
			code, stdout, stderr := e.run(args...)
			repl := strings.NewReplacer("$CONFIG", e.config)
			if code != c.code {
				t.Errorf("exit status %d, want %d", code, c.code)
			}
			if want := repl.Replace(c.stderr); stderr != want {
				t.Errorf("stderr:\n got %q\nwant %q", stderr, want)
			}
			if c.summaryFileErr != "" {
				sum := lastSummary(t, stdout)
				if sum.OK || len(sum.Files) != 1 || sum.Files[0].State != "failed" || sum.Files[0].Error != repl.Replace(c.summaryFileErr) {
					t.Errorf("summary %+v, want one failed file with error %q", sum, c.summaryFileErr)
				}
			} else if want := repl.Replace(c.stdout); stdout != want {
				t.Errorf("stdout:\n got %q\nwant %q", stdout, want)
			}
			// Every case is refused before any media reaches X: by the
			// preflight, the probe, or X's refusal of the credentials.
			e.assertNothingPosted()
			e.assertNothingUploaded()
		})
	}
}

// dropPrivileges makes this process (a copy started by runAsNobody) the
// user nobody, for good.
func dropPrivileges(t *testing.T) {
	if os.Geteuid() != 0 {
		return
	}
	if err := syscall.Setgroups(nil); err != nil {
		t.Fatalf("dropping supplementary groups: %v", err)
	}
	if err := syscall.Setgid(nobody); err != nil {
		t.Fatalf("becoming group %d: %v", nobody, err)
	}
	if err := syscall.Setuid(nobody); err != nil {
		t.Fatalf("becoming user %d: %v", nobody, err)
	}
	if os.Geteuid() != nobody {
		t.Fatalf("still user %d after setuid", os.Geteuid())
	}
}

// othersCanReach reports whether every directory from / down to dir lets
// other users pass through.
func othersCanReach(dir string) bool {
	for {
		st, err := os.Stat(dir)
		if err != nil || st.Mode().Perm()&0o001 == 0 {
			return false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return true
		}
		dir = parent
	}
}

// runAsNobody runs the current subtest again in a copy of the test binary
// that drops root first, and fails if it fails there.
func runAsNobody(t *testing.T) {
	t.Helper()
	parts := strings.Split(t.Name(), "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run="+strings.Join(parts, "/"), "-test.v", "-test.count=1", "-test.timeout=2m")
	// A temporary directory the unprivileged copy can reach and write in,
	// whatever TMPDIR says.
	base := os.TempDir()
	if !othersCanReach(base) {
		base = "/tmp"
	}
	tmp, err := os.MkdirTemp(base, "mediaup-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	if err := os.Chmod(tmp, 0o1777); err != nil {
		t.Fatal(err)
	}
	cmd.Env = append(os.Environ(), asNobodyEnv+"=1", "TMPDIR="+tmp)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("as user nobody: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: "+t.Name()+" ") {
		t.Fatalf("as user nobody the case did not run:\n%s", out)
	}
	t.Logf("ran as user nobody (uid %d), since root can read any file", nobody)
}

// paddedMP4 is the sample MP4 followed by a `free` box of filler, a valid
// video of the given size.
func paddedMP4(t *testing.T, size int64) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := testmedia.WritePaddedMP4(&b, size, 0); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// changeOnProgress is stdout for `upload --json` that calls change once,
// on the first event that shows bytes on their way to X.
type changeOnProgress struct {
	w      io.Writer
	once   sync.Once
	change func()
}

func (c *changeOnProgress) Write(p []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimSpace(string(p)), "\n") {
		var ev struct {
			Type  string `json:"type"`
			Phase string `json:"phase"`
			Sent  int64  `json:"sent_bytes"`
		}
		if json.Unmarshal([]byte(line), &ev) == nil && ev.Type == "event" && ev.Phase == "uploading" && ev.Sent > 0 {
			c.once.Do(c.change)
		}
	}
	return c.w.Write(p)
}

// TestBadInputFileChangedDuringUpload grows and re-stamps a video while its
// segments are on their way to a bandwidth-limited sandbox: mediaup must
// not finalize or post it, must say what changed, and the rerun it advises
// must upload the new content.
func TestBadInputFileChangedDuringUpload(t *testing.T) {
	e := newBadEnv(t, sandbox.Options{Bandwidth: 256 << 10})
	const size = 1 << 20
	e.write("clip.mp4", paddedMP4(t, size))
	before := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	after := before.Add(time.Hour)
	if err := os.Chtimes("clip.mp4", before, before); err != nil {
		t.Fatal(err)
	}
	changed := false
	change := func() {
		f, err := os.OpenFile("clip.mp4", os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
			return
		}
		// A second free box: still a valid MP4, now 4 KB longer.
		pad := binary.BigEndian.AppendUint32(nil, 4096)
		pad = append(pad, "free"...)
		_, err = f.Write(append(pad, make([]byte, 4096-8)...))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chtimes("clip.mp4", after, after)
		}
		if err != nil {
			t.Error(err)
		}
		changed = true
	}
	args := []string{"upload", "--json", "--chunk-size", "128KB", "--post", "changed under us", "clip.mp4"}
	code, stdout, stderr := runCommand(t, args, func(w io.Writer) io.Writer { return &changeOnProgress{w: w, change: change} })
	if !changed {
		t.Fatalf("the upload finished before the file could be changed; stdout:\n%s", stdout)
	}
	if code != exitFailed || stderr != "" {
		t.Errorf("exit %d, stderr %q; want 1 and nothing on stderr", code, stderr)
	}
	sum := lastSummary(t, stdout)
	want := fmt.Sprintf("clip.mp4: file changed during upload (it was %d bytes, modified %s; now %d bytes, modified %s); not finalized, run again to upload the new content",
		size, before.Local().Format(time.RFC3339), size+4096, after.Local().Format(time.RFC3339))
	if sum.OK || len(sum.Files) != 1 || sum.Files[0].Error != want || sum.Files[0].MediaID != "" {
		t.Errorf("summary %+v\nwant the file's error %q", sum, want)
	}
	if sum.Error != "not posted: not every file is ready" || sum.TweetID != "" {
		t.Errorf("summary error %q, tweet %q; want not posted", sum.Error, sum.TweetID)
	}
	e.assertNothingPosted()
	var all []sandbox.MediaInfo
	e.getJSON("/sandbox/media", &all)
	for _, m := range all {
		if m.State == "succeeded" {
			t.Errorf("the changed file was finalized on X: %+v", m)
		}
	}

	// Run again, as the message says: the new content goes up and is posted.
	code, stdout, stderr = runCommand(t, args, nil)
	if code != exitOK {
		t.Fatalf("rerun: exit %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}
	sum = lastSummary(t, stdout)
	var tweets []sandbox.TweetInfo
	e.getJSON("/sandbox/tweets", &tweets)
	if len(tweets) != 1 || len(tweets[0].MediaIDs) != 1 || tweets[0].MediaIDs[0] != sum.Files[0].MediaID {
		t.Fatalf("tweets %+v; want one with media %s", tweets, sum.Files[0].MediaID)
	}
	var m sandbox.MediaInfo
	e.getJSON("/sandbox/media/"+sum.Files[0].MediaID, &m)
	data, err := os.ReadFile("clip.mp4")
	if err != nil {
		t.Fatal(err)
	}
	if m.TotalBytes != size+4096 || m.SHA256 != fmt.Sprintf("%x", sha256.Sum256(data)) {
		t.Errorf("X holds %d bytes with sha256 %s; want the new content", m.TotalBytes, m.SHA256)
	}
}

// lastSummary decodes the summary line that ends `upload --json` output.
func lastSummary(t *testing.T, stdout string) summary {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var sum summary
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil || sum.Type != "summary" {
		t.Fatalf("last stdout line is not the summary (%v):\n%s", err, stdout)
	}
	return sum
}

// TestUploadFlagsAfterFiles: a flag written after the files is a flag, not
// a file called "--post" (which used to upload the image and post nothing).
func TestUploadFlagsAfterFiles(t *testing.T) {
	e := newBadEnv(t, sandbox.Options{})
	e.write("photo.png", pngFile(t, 32, 32))
	code, stdout, stderr := e.run("photo.png", "--post", "after the file", "--json")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	sum := lastSummary(t, stdout)
	var tweets []sandbox.TweetInfo
	e.getJSON("/sandbox/tweets", &tweets)
	if len(tweets) != 1 || tweets[0].Text != "after the file" || sum.TweetID != tweets[0].ID {
		t.Fatalf("tweets %+v, summary %+v", tweets, sum)
	}
	// After "--" everything is a file, even what looks like a flag.
	code, _, stderr = e.run("--", "--json")
	if code != exitFailed || stderr != fmt.Sprintf("%-24s failed: no such file\n", "--json") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
