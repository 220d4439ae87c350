//go:build unix

package crash

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mediaup/mediaup/internal/testbin"
	"github.com/mediaup/mediaup/internal/testmedia"
)

// The shape of the crash run. 64 MiB at 4 × 2.5 MB/s is about 7 s of pure
// transfer, so four kills of at most 1.5 s each all land mid-upload.
const (
	bigSize       = 64 << 20
	chunk         = 1 << 20 // --chunk-size 1MB (mediaup reads MB as MiB)
	segments      = 4       // --segments 4: APPENDs in flight per file
	bandwidth     = "2.5MB" // per connection, so about 10 MB/s with 4 in flight
	kills         = 4
	minKill       = 300 * time.Millisecond
	maxKill       = 1500 * time.Millisecond
	runTimeout    = 45 * time.Second
	postText      = "kill -9 resume test: one tweet, one media"
	procPostText  = "killed while X was processing"
	seedEnv       = "MEDIAUP_CRASH_SEED"
	procSandboxes = "3s" // processing time for the kill-during-processing case
)

func TestMain(m *testing.M) { testbin.Main(m) }

// settledAppended returns appended_bytes of media id once every connection
// of the killed client has been served. Bodies already in the kernel's
// socket buffers still reach the sandbox after the process died, and the
// sandbox counts a body only once it has all of it; when it has closed the
// last such connection, its count is final. On Linux the test watches the
// sandbox's sockets in /proc/net/tcp; elsewhere it waits for the count to
// stay still for two seconds (at most 1 MiB per connection is left, under
// half a second at 2.5 MB/s).
func settledAppended(t *testing.T, sb *testbin.Sandbox, id string) int64 {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	if _, err := serverConns(sb.Port); err == nil {
		for {
			n, err := serverConns(sb.Port)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				return sb.MediaByID(t, id).AppendedBytes
			}
			if time.Now().After(deadline) {
				t.Fatalf("the sandbox still serves %d connections 15 s after the client was killed", n)
			}
			time.Sleep(20 * time.Millisecond) // polling kernel state: nothing to wait on
		}
	}
	const quiet = 2 * time.Second
	last, since := sb.MediaByID(t, id).AppendedBytes, time.Now()
	for time.Since(since) < quiet {
		if time.Now().After(deadline) {
			t.Fatalf("appended_bytes of %s kept changing for 15 s after the client was killed", id)
		}
		time.Sleep(50 * time.Millisecond) // polling an HTTP endpoint: nothing to wait on
		if n := sb.MediaByID(t, id).AppendedBytes; n != last {
			last, since = n, time.Now()
		}
	}
	return last
}

// serverConns counts the IPv4 sockets whose local port is port and that
// still carry a request: established, half-open, or closed by the peer
// but not yet by the sandbox (CLOSE_WAIT). The inspection requests do not
// keep their connections, so they leave none of these behind.
func serverConns(port int) (int, error) {
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, row := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(row)
		if len(f) < 4 {
			continue
		}
		_, hexPort, _ := strings.Cut(f[1], ":")
		p, err := strconv.ParseUint(hexPort, 16, 16)
		if err != nil || int(p) != port {
			continue
		}
		switch f[3] {
		case "01", "03", "08": // ESTABLISHED, SYN_RECV, CLOSE_WAIT
			n++
		}
	}
	return n, nil
}

// client is one user's machine: its own config and state directories, the
// demo credentials, and the sandbox as X.
type client struct {
	bin   string
	env   []string
	state string // XDG_STATE_HOME
	dir   string // where the media files are
}

func newClient(t *testing.T, sb *testbin.Sandbox) *client {
	root := t.TempDir()
	c := &client{bin: testbin.Binary(), state: filepath.Join(root, "state"), dir: filepath.Join(root, "files")}
	for _, d := range []string{c.state, c.dir, filepath.Join(root, "config")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	c.env = append(append(testbin.CleanEnv(), sb.Env()...),
		"XDG_STATE_HOME="+c.state,
		"XDG_CONFIG_HOME="+filepath.Join(root, "config"),
	)
	return c
}

// line is one `upload --json` line: an event or the summary.
type line struct {
	Type          string `json:"type"`
	Phase         string `json:"phase"`
	State         string `json:"state"`
	MediaID       string `json:"media_id"`
	SegmentsAcked int    `json:"segments_acked"`
	Resumed       bool   `json:"resumed"`
	Reused        bool   `json:"reused"`
	Note          string `json:"note"`
	Error         string `json:"error"`
	OK            bool   `json:"ok"`
	TweetID       string `json:"tweet_id"`
	Files         []struct {
		Path    string `json:"path"`
		State   string `json:"state"`
		MediaID string `json:"media_id"`
		Error   string `json:"error"`
	} `json:"files"`
}

// run is what one `mediaup upload` process did.
type run struct {
	lines  []line
	code   int  // exit status; -1 when killed
	killed bool // ended by our SIGKILL
	took   time.Duration
	stderr string
}

func (r *run) mediaIDs() []string {
	var ids []string
	for _, l := range r.lines {
		if l.MediaID != "" && !slices.Contains(ids, l.MediaID) {
			ids = append(ids, l.MediaID)
		}
	}
	return ids
}

func (r *run) resumed() bool {
	return slices.ContainsFunc(r.lines, func(l line) bool { return l.Resumed })
}

func (r *run) summary() *line {
	for i := len(r.lines) - 1; i >= 0; i-- {
		if r.lines[i].Type == "summary" {
			return &r.lines[i]
		}
	}
	return nil
}

// upload runs `mediaup upload --json --post TEXT --chunk-size 1MB --segments 4
// FILE`. It kills the process with SIGKILL after killAfter (0: never) or as
// soon as killOn accepts a line it printed (nil: never).
func (c *client) upload(t *testing.T, file, text string, killAfter time.Duration, killOn func(line) bool) *run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, "upload", "--json", "--post", text,
		"--chunk-size", "1MB", "--segments", strconv.Itoa(segments), file)
	cmd.Env = c.env
	cmd.Dir = c.dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var killOnce sync.Once
	var killedByUs atomic.Bool
	kill := func() {
		killOnce.Do(func() {
			// Say so before the signal: once it lands, Wait can return (and
			// read the flag) before Kill itself has returned here.
			killedByUs.Store(true)
			if cmd.Process.Kill() != nil {
				killedByUs.Store(false)
			}
		})
	}
	if killAfter > 0 {
		timer := time.AfterFunc(killAfter, kill)
		defer timer.Stop()
	}
	r := &run{}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			// A process killed mid-write leaves a torn last line; anything
			// else on stdout breaks the --json contract.
			r.stderr += fmt.Sprintf("unparsable stdout line %q: %v\n", sc.Text(), err)
			continue
		}
		r.lines = append(r.lines, l)
		if killOn != nil && killOn(l) {
			kill()
		}
	}
	err = cmd.Wait()
	r.took = time.Since(start)
	r.stderr += stderr.String()
	if ctx.Err() != nil {
		t.Fatalf("mediaup upload %s did not finish within %s; stderr:\n%s", file, runTimeout, r.stderr)
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		ws, _ := ee.Sys().(syscall.WaitStatus)
		if ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			r.code, r.killed = -1, true
		} else {
			r.code = ee.ExitCode()
		}
	default:
		t.Fatalf("mediaup upload: %v", err)
	}
	if r.killed && !killedByUs.Load() {
		t.Fatalf("mediaup upload was killed by someone else; stderr:\n%s", r.stderr)
	}
	if !r.killed && strings.Contains(r.stderr, "unparsable") {
		t.Fatalf("mediaup upload --json printed a line that is not JSON:\n%s", r.stderr)
	}
	return r
}

// paddedMP4 writes a valid MP4 of exactly size bytes: the embedded sample
// followed by a `free` box (4-byte big-endian size, "free", filler) that
// every MP4 reader skips. salt varies the filler so two files differ.
func paddedMP4(t *testing.T, dir, name string, size int64, salt byte) (path, sum string) {
	t.Helper()
	path, sum, err := testmedia.PaddedMP4(dir, name, size, salt)
	if err != nil {
		t.Fatal(err)
	}
	return path, sum
}

func seed(t *testing.T) int64 {
	if s := os.Getenv(seedEnv); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q is not an integer", seedEnv, s)
		}
		return n
	}
	return time.Now().UnixNano()
}

// TestKillNineResumes kills a 64 MB upload with SIGKILL at random points,
// restarts it each time, and checks that nothing was lost, that one media ID
// carried every byte, that little was sent twice, and that the tweet was
// posted once.
func TestKillNineResumes(t *testing.T) {
	sd := seed(t)
	t.Logf("kill points from seed %d (reproduce with %s=%d)", sd, seedEnv, sd)
	rng := rand.New(rand.NewSource(sd))

	sb := testbin.StartSandbox(t, "--bandwidth", bandwidth, "--processing", "1s")
	c := newClient(t, sb)
	file, sum := paddedMP4(t, c.dir, "big.mp4", bigSize, 0)

	var runs []*run
	var ackedBefore int // acknowledged segments in the journal after the previous kill
	var journalID string
	var wasted int64  // bytes X received that the journal did not record, summed over the kills
	var settled int64 // appended_bytes once the last kill's bytes stopped arriving
	var prevID string // the journal's media ID before the current run
	for k := 1; k <= kills; k++ {
		d := minKill + time.Duration(rng.Int63n(int64(maxKill-minKill)))
		r := c.upload(t, file, postText, d, nil)
		runs = append(runs, r)
		if !r.killed {
			t.Fatalf("run %d was to be killed after %s but ended by itself (exit %d) after %s; lower the bandwidth. stderr:\n%s",
				k, d.Round(time.Millisecond), r.code, r.took.Round(time.Millisecond), r.stderr)
		}
		sessions, ready := testbin.Journal(t, c.state)
		if len(ready) != 0 {
			t.Fatalf("after kill %d the ledger already has ready media %+v: the upload cannot have finished yet", k, ready)
		}
		acked := 0
		switch len(sessions) {
		case 0:
			// Killed before INIT was answered: nothing to resume yet.
			if ids := r.mediaIDs(); len(ids) > 0 {
				t.Fatalf("kill %d: the run printed media ID %v but the journal holds no session for it", k, ids)
			}
		case 1:
			s := sessions[0]
			if journalID != "" && s.MediaID != journalID {
				t.Fatalf("kill %d: the journal's media ID changed from %s to %s", k, journalID, s.MediaID)
			}
			journalID = s.MediaID
			if s.ChunkSize != chunk || s.Segments != bigSize/chunk {
				t.Fatalf("kill %d: journal session has %d segments of %d bytes, want %d of %d", k, s.Segments, s.ChunkSize, bigSize/chunk, chunk)
			}
			acked = s.AckedCount()
		default:
			t.Fatalf("kill %d: the journal holds %d sessions for one file: %+v", k, len(sessions), sessions)
		}
		if acked < ackedBefore {
			t.Fatalf("kill %d: the journal lost acknowledged segments: %d before, %d now", k, ackedBefore, acked)
		}
		// A run that got as far as printing a media ID while the journal
		// held a session must have resumed that session. (A run killed
		// while it was still hashing the file printed nothing to check.)
		if prevID != "" && len(r.mediaIDs()) > 0 && (!r.resumed() || !slices.Equal(r.mediaIDs(), []string{prevID})) {
			t.Fatalf("run %d printed media IDs %v, resumed %v; the journal held session %s, which it should have resumed",
				k, r.mediaIDs(), r.resumed(), prevID)
		}
		prevID = journalID
		// Segments whose bodies were already in the kernel's socket buffers
		// still reach X after the process died. Once they have, what X holds
		// beyond the journal is this kill's waste: at most one segment per
		// APPEND in flight, since a worker journals its ack before it takes
		// the next segment.
		waste := int64(0)
		if journalID != "" {
			settled = settledAppended(t, sb, journalID)
			waste = settled - int64(acked)*chunk - wasted
			if waste < 0 || waste > segments*chunk {
				t.Fatalf("kill %d: X holds %d bytes, the journal %d segments, earlier kills wasted %d: %d bytes unrecorded, want 0 to %d (%d segments in flight)",
					k, settled, acked, wasted, waste, int64(segments*chunk), segments)
			}
			wasted += waste
		}
		t.Logf("run %d: killed after %s; journal %s has %d/%d segments acknowledged; X received %d bytes (%.1f segments) the journal did not record",
			k, d.Round(time.Millisecond), journalID, acked, bigSize/chunk, waste, float64(waste)/chunk)
		ackedBefore = acked
	}
	last := c.upload(t, file, postText, 0, nil)
	runs = append(runs, last)
	t.Logf("last run: exit %d after %s", last.code, last.took.Round(time.Millisecond))
	if last.code != 0 {
		t.Fatalf("the last run exited %d; stderr:\n%s", last.code, last.stderr)
	}
	if journalID != "" && !last.resumed() {
		t.Errorf("the last run did not say it resumed session %s", journalID)
	}

	// One media ID over every run's output, and it is the summary's.
	var ids []string
	for _, r := range runs {
		for _, id := range r.mediaIDs() {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	sumLine := last.summary()
	if sumLine == nil || !sumLine.OK || len(sumLine.Files) != 1 || sumLine.TweetID == "" {
		t.Fatalf("the last run's summary is not one posted, ready file: %+v", sumLine)
	}
	id := sumLine.Files[0].MediaID
	if len(ids) != 1 || ids[0] != id {
		t.Fatalf("media IDs over all runs = %v, want only the summary's %s", ids, id)
	}
	if journalID != "" && journalID != id {
		t.Fatalf("the journal resumed %s but the upload finished as %s", journalID, id)
	}

	// On X: exactly one media ever received APPEND bytes, and it is that ID.
	// Another run may have been killed after X answered INIT but before the
	// journal recorded it; such a session got no bytes and was never used.
	all := sb.Media(t)
	for _, m := range all {
		if m.MediaID == id {
			continue
		}
		if m.AppendedBytes != 0 || m.SHA256 != "" || m.State != "uploading" {
			t.Errorf("a second media %s received bytes or was finalized: %+v", m.MediaID, m)
		}
	}
	if unused := len(all) - 1; unused > kills {
		t.Errorf("%d unused upload sessions on X for %d kills: at most one per kill may be left behind", unused, kills)
	} else {
		t.Logf("%d media on X: %s plus %d sessions opened by INITs that were killed before the journal recorded them", len(all), id, unused)
	}

	m := sb.MediaByID(t, id)
	if m.SHA256 != sum {
		t.Errorf("sha256 on X = %s, want the file's %s", m.SHA256, sum)
	}
	if m.State != "succeeded" || m.TotalBytes != bigSize {
		t.Errorf("media %s: state %s, total_bytes %d; want succeeded, %d", id, m.State, m.TotalBytes, int64(bigSize))
	}
	bound := int64(bigSize) + kills*segments*chunk
	if m.AppendedBytes < bigSize || m.AppendedBytes > bound {
		t.Errorf("appended_bytes = %d, want between total_bytes %d and %d (total + %d kills × %d segments in flight × %d bytes)",
			m.AppendedBytes, int64(bigSize), bound, kills, segments, chunk)
	}
	t.Logf("appended_bytes %d = total + %d bytes (%.1f segments) sent twice over %d kills; bound %d",
		m.AppendedBytes, m.AppendedBytes-bigSize, float64(m.AppendedBytes-bigSize)/chunk, kills, bound)
	// The last run sent exactly the segments the journal lacked: everything
	// X received twice is accounted for by the kills.
	if lastSent, missing := m.AppendedBytes-settled, int64(bigSize)-int64(ackedBefore)*chunk; lastSent != missing {
		t.Errorf("the last run sent %d bytes, but the journal lacked only %d (%d segments): a resume re-sent acknowledged segments",
			lastSent, missing, bigSize/chunk-ackedBefore)
	}

	tweets := sb.Tweets(t)
	if len(tweets) != 1 || tweets[0].ID != sumLine.TweetID || tweets[0].Text != postText || !slices.Equal(tweets[0].MediaIDs, []string{id}) {
		t.Errorf("tweets on X = %+v, want exactly one, %s, %q with media [%s]", tweets, sumLine.TweetID, postText, id)
	}

	// The finished session left the journal for the ledger of ready media.
	sessions, ready := testbin.Journal(t, c.state)
	if len(sessions) != 0 {
		t.Errorf("the journal still holds sessions after the upload finished: %+v", sessions)
	}
	if len(ready) != 1 || ready[0].MediaID != id {
		t.Errorf("ledger = %+v, want one ready media %s", ready, id)
	}
}

// TestKillDuringProcessing kills the upload once X has accepted FINALIZE and
// is processing the video. The rerun must only poll STATUS: no new INIT, no
// APPEND, no second FINALIZE, and one tweet. A third run after success must
// reuse the media and not post a second tweet.
func TestKillDuringProcessing(t *testing.T) {
	sb := testbin.StartSandbox(t, "--bandwidth", bandwidth, "--processing", procSandboxes)
	c := newClient(t, sb)
	const size = 8 << 20
	file, sum := paddedMP4(t, c.dir, "clip.mp4", size, 0x5a)

	processing := func(l line) bool {
		return l.Type == "event" && l.MediaID != "" && (l.State == "pending" || l.State == "in_progress")
	}
	first := c.upload(t, file, procPostText, 0, processing)
	if !first.killed {
		t.Fatalf("the first run was not killed during processing (exit %d); stderr:\n%s", first.code, first.stderr)
	}
	ids := first.mediaIDs()
	if len(ids) != 1 {
		t.Fatalf("the first run printed media IDs %v, want one", ids)
	}
	id := ids[0]
	atKill := sb.MediaByID(t, id)
	if atKill.State != "pending" && atKill.State != "in_progress" {
		t.Fatalf("media %s is %s right after the kill; the kill was meant to land during processing", id, atKill.State)
	}
	if atKill.SHA256 != sum || atKill.AppendedBytes != size {
		t.Fatalf("before the kill X had appended_bytes %d and sha256 %s; want exactly %d and %s", atKill.AppendedBytes, atKill.SHA256, size, sum)
	}
	reqAtKill := sb.Requests(t)
	sessions, _ := testbin.Journal(t, c.state)
	if len(sessions) != 1 || !sessions[0].Finalized || sessions[0].MediaID != id {
		t.Fatalf("after the kill the journal should hold one finalized session for %s: %+v", id, sessions)
	}
	t.Logf("killed while %s was %s; requests so far %v", id, atKill.State, reqAtKill.ByEndpoint)

	second := c.upload(t, file, procPostText, 0, nil)
	if second.code != 0 {
		t.Fatalf("the rerun exited %d; stderr:\n%s", second.code, second.stderr)
	}
	if !second.resumed() {
		t.Errorf("the rerun did not say it resumed %s", id)
	}
	if got := second.mediaIDs(); !slices.Equal(got, []string{id}) {
		t.Errorf("the rerun printed media IDs %v, want only %s", got, id)
	}
	after := sb.MediaByID(t, id)
	if after.AppendedBytes != atKill.AppendedBytes || after.SHA256 != sum || after.State != "succeeded" {
		t.Errorf("after the rerun media %s has appended_bytes %d (was %d), sha256 %s, state %s; want no re-upload and succeeded",
			id, after.AppendedBytes, atKill.AppendedBytes, after.SHA256, after.State)
	}
	req := sb.Requests(t)
	for _, ep := range []string{"INIT", "APPEND", "FINALIZE", "UPLOAD"} {
		if req.ByEndpoint[ep] != reqAtKill.ByEndpoint[ep] {
			t.Errorf("the rerun sent %d %s requests; a finalized session must only be polled", req.ByEndpoint[ep]-reqAtKill.ByEndpoint[ep], ep)
		}
	}
	if req.ByEndpoint["STATUS"] <= reqAtKill.ByEndpoint["STATUS"] {
		t.Errorf("the rerun sent no STATUS request: it cannot know processing finished")
	}
	if n := len(sb.Media(t)); n != 1 {
		t.Errorf("%d media on X, want 1", n)
	}
	sumLine := second.summary()
	tweets := sb.Tweets(t)
	if sumLine == nil || len(tweets) != 1 || tweets[0].ID != sumLine.TweetID || !slices.Equal(tweets[0].MediaIDs, []string{id}) {
		t.Fatalf("tweets on X = %+v after summary %+v; want exactly one with media [%s]", tweets, sumLine, id)
	}

	// Running the finished command again reuses the media and must not
	// publish a second tweet (X refuses the duplicate text).
	third := c.upload(t, file, procPostText, 0, nil)
	if got := third.mediaIDs(); !slices.Equal(got, []string{id}) {
		t.Errorf("the third run printed media IDs %v, want the reused %s", got, id)
	}
	if !slices.ContainsFunc(third.lines, func(l line) bool { return l.Reused }) {
		t.Errorf("the third run did not say it reused %s", id)
	}
	if req3 := sb.Requests(t); req3.ByEndpoint["APPEND"] != req.ByEndpoint["APPEND"] || req3.ByEndpoint["INIT"] != req.ByEndpoint["INIT"] {
		t.Errorf("the third run uploaded again: INIT %d→%d, APPEND %d→%d", req.ByEndpoint["INIT"], req3.ByEndpoint["INIT"], req.ByEndpoint["APPEND"], req3.ByEndpoint["APPEND"])
	}
	if n := len(sb.Tweets(t)); n != 1 {
		t.Errorf("%d tweets after running the finished command again, want still 1", n)
	}
	// The journal remembers the post: the third run does not send it again
	// (no TWEET request at all) and reports the earlier tweet.
	req3 := sb.Requests(t)
	tweets = sb.Tweets(t)
	if s := third.summary(); s == nil || third.code != 0 || len(tweets) != 1 || s.TweetID != tweets[0].ID || !strings.Contains(s.Note, "already posted") {
		t.Errorf("the third run should report the earlier tweet and exit 0; exit %d, summary %+v", third.code, s)
	}
	if req3.ByEndpoint["TWEET"] != 1 {
		t.Errorf("%d TWEET requests over three runs, want 1", req3.ByEndpoint["TWEET"])
	}
}
