package uploader

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/sandbox/sandboxtest"
	"github.com/mediaup/mediaup/uploader/media"
	"github.com/mediaup/mediaup/uploader/store"
	"github.com/mediaup/mediaup/xapi"
)

// clientFor is a v2 client for the demo account at base.
func clientFor(t testing.TB, base string) *xapi.Client {
	t.Helper()
	a := sandbox.DemoAccount()
	cl, err := xapi.NewClient(xapi.Options{BaseURL: base, RetryFor: 5 * time.Second,
		Credentials: xapi.Credentials{ConsumerKey: a.ConsumerKey, ConsumerSecret: a.ConsumerSecret, AccessToken: a.AccessToken, AccessSecret: a.AccessSecret}})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func openStore(t testing.TB, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func isTweetPost(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/2/tweets"
}

// TestPosterNeverPostsTwice: a post that went out is reported, not sent
// again, by the same poster and by another one on the same journal (the
// TUI and the headless command share it).
func TestPosterNeverPostsTwice(t *testing.T) {
	e := newEnv(t, xapi.V2, sandbox.Options{})
	path := filepath.Join(t.TempDir(), "state.db")
	st := openStore(t, path)
	p := NewPoster(PosterConfig{Client: e.cl, Store: st, Account: "42"})
	req := PostRequest{Text: "launch day"}

	first := p.Post(context.Background(), req)
	if first.Outcome != PostSent || first.TweetID == "" || first.Err != nil {
		t.Fatalf("first post: %+v", first)
	}
	again := p.Post(context.Background(), req)
	if again.Outcome != PostAlreadySent || again.TweetID != first.TweetID || !strings.Contains(again.Message(), "already posted as tweet "+first.TweetID) {
		t.Fatalf("second post: %+v (%s)", again, again.Message())
	}
	st.Close()
	other := NewPoster(PosterConfig{Client: e.cl, Store: openStore(t, path), Account: "42"})
	if r := other.Post(context.Background(), req); r.Outcome != PostAlreadySent || r.TweetID != first.TweetID {
		t.Fatalf("another face on the same journal: %+v", r)
	}
	if n := e.sb.Requests().ByEndpoint["TWEET"]; n != 1 {
		t.Fatalf("%d post requests reached X, want 1", n)
	}
	// Another account, or a reply to another tweet, is another post.
	if r := other.Post(context.Background(), PostRequest{Text: "launch day", ReplyTo: first.TweetID}); r.Outcome == PostAlreadySent || r.Outcome == PostBlocked {
		t.Fatalf("a reply with the same text counts as the same post: %+v", r)
	}
}

// TestPosterUnknownOutcomeBlocksUntilRepost: X creates the tweet but the
// answer is lost (a 500, or a dropped connection). The outcome is unknown,
// the same post is then refused without a request, and only Repost sends
// it again (through the same lossy front, whose answer is lost again).
func TestPosterUnknownOutcomeBlocksUntilRepost(t *testing.T) {
	for _, tc := range []struct {
		name string
		loss sandboxtest.Loss
	}{{"500", sandboxtest.Answer500}, {"dropped connection", sandboxtest.DropConnection}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, xapi.V2, sandbox.Options{})
			front := sandboxtest.LossyFront(t, e.url, isTweetPost, tc.loss)
			st := openStore(t, filepath.Join(t.TempDir(), "state.db"))
			p := NewPoster(PosterConfig{Client: clientFor(t, front.URL), Store: st, Account: "42"})
			req := PostRequest{Text: "lost in the mail"}

			r := p.Post(context.Background(), req)
			if r.Outcome != PostUnknown || !r.MayBeLive() || r.Err == nil || !strings.Contains(r.Message(), "outcome is unknown") {
				t.Fatalf("lost answer: %+v (%s)", r, r.Message())
			}
			if n := len(e.sb.Tweets()); n != 1 {
				t.Fatalf("the sandbox has %d tweets, want the 1 whose answer was lost", n)
			}
			r = p.Post(context.Background(), req)
			if r.Outcome != PostBlocked || !strings.Contains(r.Message(), "stopped before X answered") {
				t.Fatalf("same post again: %+v (%s)", r, r.Message())
			}
			if n := e.sb.Requests().ByEndpoint["TWEET"]; n != 1 {
				t.Fatalf("%d post requests reached X after an unknown outcome, want still 1", n)
			}
			req.Repost = true
			r = p.Post(context.Background(), req)
			if n := e.sb.Requests().ByEndpoint["TWEET"]; n != 2 || r.Outcome != PostUnknown {
				t.Fatalf("repost: %d post requests (want 2), %+v", n, r)
			}
			if n := len(e.sb.Tweets()); n != 1 {
				t.Fatalf("the sandbox has %d tweets after the repost, want 1 (X refuses the duplicate)", n)
			}
		})
	}
}

// TestPosterRefusalAllowsATryAgain: a 4xx proves nothing was posted, so
// the record is dropped and the same post may be sent again.
func TestPosterRefusalAllowsATryAgain(t *testing.T) {
	e := newEnv(t, xapi.V2, sandbox.Options{})
	if _, err := e.cl.PostTweet(context.Background(), xapi.NewTweet{Text: "same again"}); err != nil {
		t.Fatal(err)
	}
	p := NewPoster(PosterConfig{Client: e.cl, Store: openStore(t, filepath.Join(t.TempDir(), "state.db")), Account: "42"})
	for i := 0; i < 2; i++ {
		r := p.Post(context.Background(), PostRequest{Text: "same again"})
		if r.Outcome != PostNotPosted || r.MayBeLive() || !strings.Contains(r.Message(), "not posted: ") {
			t.Fatalf("try %d: %+v", i+1, r)
		}
	}
	if n := e.sb.Requests().ByEndpoint["TWEET"]; n != 3 {
		t.Fatalf("%d post requests, want 3 (one setup, two tries)", n)
	}
}

// TestPosterFailsClosed: when the journal cannot be read or written,
// nothing is sent.
func TestPosterFailsClosed(t *testing.T) {
	e := newEnv(t, xapi.V2, sandbox.Options{})
	st, err := store.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.Close() // every read and write now fails
	p := NewPoster(PosterConfig{Client: e.cl, Store: st, Account: "42"})
	r := p.Post(context.Background(), PostRequest{Text: "unrecorded"})
	if r.Outcome != PostNotPosted || !strings.Contains(r.Message(), "cannot tell whether an earlier attempt posted this") {
		t.Fatalf("closed journal: %+v (%s)", r, r.Message())
	}
	// No journal at all (another mediaup holds the state file): the reason
	// is given and nothing is sent.
	busy := errors.New("state database x.db is in use by another mediaup process")
	r = NewPoster(PosterConfig{Client: e.cl, JournalErr: busy}).Post(context.Background(), PostRequest{Text: "unrecorded"})
	if r.Outcome != PostNotPosted || !errors.Is(r.Err, busy) || !strings.Contains(r.Message(), "posts nothing") {
		t.Fatalf("no journal: %+v (%s)", r, r.Message())
	}
	if n := e.sb.Requests().ByEndpoint["TWEET"]; n != 0 {
		t.Fatalf("%d post requests reached X without a record", n)
	}
}

// TestPosterChecksBeforeSending: the media mix, the text, the IDs and the
// expiry are checked by the poster, and a refused post sends nothing.
func TestPosterChecksBeforeSending(t *testing.T) {
	e := newEnv(t, xapi.V2, sandbox.Options{})
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	p := NewPoster(PosterConfig{Client: e.cl, Now: func() time.Time { return now }})
	img := func(name, id string) PostMedia {
		return PostMedia{ID: id, Name: name, Kind: media.Image, ExpiresAt: now.Add(time.Hour)}
	}
	gif := PostMedia{ID: "7", Name: "anim.gif", Kind: media.GIF}
	old := img("old.png", "9")
	old.ExpiresAt = now.Add(-time.Minute)
	for _, tc := range []struct {
		req  PostRequest
		want string
	}{
		{PostRequest{Text: "hi", Media: []PostMedia{img("a.png", "1"), gif}}, "cannot post a.png and anim.gif in one tweet: a GIF cannot share a tweet with other media"},
		{PostRequest{Text: strings.Repeat("x", 281)}, "over the 280 limit"},
		{PostRequest{Text: ""}, "tweet is empty"},
		{PostRequest{Text: "hi", Media: []PostMedia{img("a.png", "12ab")}}, `a.png has no usable media ID ("12ab")`},
		{PostRequest{Text: "hi", Media: []PostMedia{old}}, "the media ID of old.png expired at"},
		{PostRequest{Text: "hi", ReplyTo: "x1"}, `the reply target "x1" is not a tweet ID`},
	} {
		r := p.Post(context.Background(), tc.req)
		if r.Outcome != PostNotPosted || !strings.Contains(r.Message(), tc.want) {
			t.Errorf("%+v: got %+v (%s), want %q", tc.req, r, r.Message(), tc.want)
		}
	}
	var ee *ExpiredError
	if err := p.Check(PostRequest{Text: "hi", Media: []PostMedia{old}}); !errors.As(err, &ee) || ee.Name != "old.png" {
		t.Errorf("expired media: %v", err)
	}
	if n := e.sb.Requests().ByEndpoint["TWEET"]; n != 0 {
		t.Fatalf("%d post requests reached X", n)
	}
}
