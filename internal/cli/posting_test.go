package cli

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/uploader"
	"github.com/mediaup/mediaup/uploader/media"
	"github.com/mediaup/mediaup/uploader/store"
)

// TestPostNeverRepeatedBlindly: running a finished `upload --post` again
// reports the earlier tweet without sending a second post; a post whose
// outcome is unknown (the run died after sending it) is refused until the
// user says --repost, and X's duplicate refusal is then shown as such.
func TestPostNeverRepeatedBlindly(t *testing.T) {
	e := newBadEnv(t, sandbox.Options{})
	img := e.write("photo.png", sample(t, "sample.png"))

	code, stdout, stderr := e.run("--json", "--post", "launch day", img)
	first := lastSummary(t, stdout)
	if code != 0 || first.TweetID == "" {
		t.Fatalf("first run: exit %d, %s %s", code, stdout, stderr)
	}

	code, stdout, _ = e.run("--json", "--post", "launch day", img)
	again := lastSummary(t, stdout)
	if code != 0 || again.TweetID != first.TweetID || !strings.Contains(again.Note, "already posted as tweet "+first.TweetID) {
		t.Fatalf("second run: exit %d, summary %+v", code, again)
	}
	if n := e.sb.Requests().ByEndpoint["TWEET"]; n != 1 {
		t.Fatalf("%d posts sent, want 1", n)
	}

	// Make the journal say what a run killed mid-post leaves: begun, no answer.
	st, err := store.Open(filepath.Join(e.dir, "state", "mediaup", "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{first.Files[0].MediaID}
	key := store.PostKey(strings.SplitN(sandbox.DemoAccount().AccessToken, "-", 2)[0], e.ts.URL, "launch day", ids)
	if err := st.BeginPost(store.Post{Key: key, Text: "launch day", MediaIDs: ids}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	code, stdout, _ = e.run("--json", "--post", "launch day", img)
	unknown := lastSummary(t, stdout)
	if code != 1 || unknown.TweetID != "" || !strings.Contains(unknown.Error, "stopped before X answered") || !strings.Contains(unknown.Error, "--repost") {
		t.Fatalf("unknown outcome: exit %d, summary %+v", code, unknown)
	}
	if n := e.sb.Requests().ByEndpoint["TWEET"]; n != 1 {
		t.Fatalf("%d posts sent after an unknown outcome, want still 1", n)
	}

	code, stdout, _ = e.run("--json", "--repost", "--post", "launch day", img)
	dup := lastSummary(t, stdout)
	if code != 1 || !strings.Contains(dup.Error, "duplicate content") {
		t.Fatalf("--repost of a posted text: exit %d, summary %+v", code, dup)
	}
	var tweets []sandbox.TweetInfo
	e.getJSON("/sandbox/tweets", &tweets)
	if len(tweets) != 1 {
		t.Fatalf("%d tweets, want 1", len(tweets))
	}
}

// TestTUIAndUploadShareThePostJournal: the TUI's poster (built as the TUI
// builds it) and upload --post keep one record of what went out: a post
// made by either is reported by the other instead of being sent again.
func TestTUIAndUploadShareThePostJournal(t *testing.T) {
	e := newBadEnv(t, sandbox.Options{})
	img := e.write("photo.png", sample(t, "sample.png"))
	code, stdout, stderr := e.run("--json", "--post", "launch day", img)
	first := lastSummary(t, stdout)
	if code != 0 || first.TweetID == "" {
		t.Fatalf("upload --post: exit %d, %s %s", code, stdout, stderr)
	}
	tg, err := connect(connectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.stop()
	st := tg.openJournal(io.Discard)
	if st == nil {
		t.Fatal("no journal")
	}
	p := tg.poster(st)
	withPhoto := func(text string) uploader.PostRequest {
		return uploader.PostRequest{Text: text, Media: []uploader.PostMedia{{ID: first.Files[0].MediaID, Name: "photo.png", Kind: media.Image}}}
	}
	r := p.Post(context.Background(), withPhoto("launch day"))
	if r.Outcome != uploader.PostAlreadySent || r.TweetID != first.TweetID {
		t.Fatalf("the TUI's poster after upload --post: %+v", r)
	}
	second := p.Post(context.Background(), withPhoto("and again"))
	if second.Outcome != uploader.PostSent {
		t.Fatalf("the TUI's own post: %+v", second)
	}
	st.Close()
	code, stdout, _ = e.run("--json", "--post", "and again", img)
	again := lastSummary(t, stdout)
	if code != 0 || again.TweetID != second.TweetID || !strings.Contains(again.Note, "already posted as tweet "+second.TweetID) {
		t.Fatalf("upload --post after the TUI posted: exit %d, %+v", code, again)
	}
	if n := e.sb.Requests().ByEndpoint["TWEET"]; n != 2 {
		t.Fatalf("%d post requests reached X, want 2", n)
	}
}

// TestNoPostWithoutTheJournal: while another mediaup (the TUI, say) holds
// the state file, upload --post still uploads but posts nothing, and says
// why: without the journal it could not tell whether the post went out.
func TestNoPostWithoutTheJournal(t *testing.T) {
	e := newBadEnv(t, sandbox.Options{})
	img := e.write("photo.png", sample(t, "sample.png"))
	held, err := store.Open(filepath.Join(e.dir, "state", "mediaup", "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	code, stdout, _ := e.run("--json", "--post", "while the TUI is open", img)
	sum := lastSummary(t, stdout)
	if code != 1 || sum.TweetID != "" || !strings.Contains(sum.Error, "in use by another mediaup process") || !strings.Contains(sum.Error, "posts nothing") {
		t.Fatalf("exit %d, summary %+v", code, sum)
	}
	if sum.Files[0].MediaID == "" {
		t.Errorf("the upload itself should still work: %+v", sum.Files[0])
	}
	if n := e.sb.Requests().ByEndpoint["TWEET"]; n != 0 {
		t.Fatalf("%d post requests reached X without a journal", n)
	}
}
