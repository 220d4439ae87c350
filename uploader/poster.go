package uploader

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mediaup/mediaup/uploader/media"
	"github.com/mediaup/mediaup/uploader/store"
	"github.com/mediaup/mediaup/uploader/tweet"
	"github.com/mediaup/mediaup/xapi"
)

// PostMedia is one media a post carries, with what the poster checks
// before sending it.
type PostMedia struct {
	ID        string
	Name      string     // the file, for messages
	Kind      media.Kind // image, gif or video
	ExpiresAt time.Time  // when X forgets the media ID; zero = not known
}

// PostRequest is one post a face asks for.
type PostRequest struct {
	Text    string
	Media   []PostMedia
	ReplyTo string // the tweet this one answers; "" = none
	// Repost is the user's explicit word that the post may go out even
	// though an earlier attempt posted it, or may have.
	Repost bool
}

// PostOutcome is what became of a post.
type PostOutcome int

// The outcomes a face shows. Only PostNotPosted means trying again is safe
// without checking the account first.
const (
	// PostSent: X created the tweet (PostResult.TweetID).
	PostSent PostOutcome = iota + 1
	// PostAlreadySent: an earlier attempt posted the same account, text,
	// media and reply target as PostResult.TweetID; nothing was sent.
	PostAlreadySent
	// PostNotPosted: a rule, the journal, or X's own answer (a 4xx) proves
	// that nothing was posted (PostResult.Err says why).
	PostNotPosted
	// PostUnknown: the request went out and no answer proves what X did (a
	// 5xx, a reset, a timeout). The post is blocked until Repost.
	PostUnknown
	// PostBlocked: an earlier attempt's outcome is unknown, so this one was
	// not sent; Repost overrides once the user has checked the account.
	PostBlocked
)

// PostResult is the outcome of Poster.Post.
type PostResult struct {
	Outcome PostOutcome
	TweetID string
	// Started is when the earlier attempt began (PostAlreadySent, PostBlocked).
	Started time.Time
	// Err is why nothing was posted, or why the outcome is unknown.
	Err error
	// Warning is set when the tweet went out but could not be recorded.
	Warning string
}

// MayBeLive reports whether the post may exist on X although no tweet ID
// came back: the user must check the account before a repost.
func (r PostResult) MayBeLive() bool { return r.Outcome == PostUnknown || r.Outcome == PostBlocked }

// Message is the outcome as one sentence for a face (without the remedy
// keys or flags, which each face adds in its own terms).
func (r PostResult) Message() string {
	when := r.Started.Local().Format("2006-01-02 15:04:05")
	switch r.Outcome {
	case PostSent:
		return "posted tweet " + r.TweetID
	case PostAlreadySent:
		return fmt.Sprintf("already posted as tweet %s by an earlier attempt at %s; not posted again", r.TweetID, when)
	case PostNotPosted:
		return "not posted: " + errText(r.Err)
	case PostUnknown:
		return "the outcome is unknown: X may have this post, but its answer never came (" + errText(r.Err) + "); check the account before posting again"
	case PostBlocked:
		return fmt.Sprintf("not posted: an earlier attempt at %s stopped before X answered, so X may already have it; check the account before posting again", when)
	}
	return "not posted"
}

func errText(err error) string {
	if err == nil {
		return "no reason given"
	}
	return err.Error()
}

// ExpiredError says a media ID expired before the post: X refuses it.
type ExpiredError struct {
	Name string
	At   time.Time
}

func (e *ExpiredError) Error() string {
	return fmt.Sprintf("the media ID of %s expired at %s", e.Name, e.At.Local().Format("15:04"))
}

// PosterConfig sets up a Poster.
type PosterConfig struct {
	Client *xapi.Client
	// Store is the journal of posts, shared by every face and run. Without
	// one nothing is posted: there would be no telling whether an earlier
	// attempt went out. JournalErr says why there is none.
	Store      *store.Store
	JournalErr error
	// Account names the X account in the journal (as Config.Account).
	Account string
	// Timeout bounds one post request; default 1 minute.
	Timeout time.Duration
	// Now is the clock for expiry checks; default time.Now.
	Now func() time.Time
}

// Poster sends every post mediaup makes. It records a post before sending
// it, never sends one twice, and never retries one whose outcome is
// unknown: X has no idempotency key. It is safe for concurrent use; posts
// are sent one at a time.
type Poster struct {
	cfg PosterConfig
	mu  sync.Mutex
}

// NewPoster builds a poster.
func NewPoster(cfg PosterConfig) *Poster {
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Poster{cfg: cfg}
}

// Check applies the rules a post must pass before anything is sent: the
// media mix, the text, and that no media ID has expired.
func (p *Poster) Check(req PostRequest) error {
	names := make([]string, len(req.Media))
	kinds := make([]media.Kind, len(req.Media))
	for i, m := range req.Media {
		names[i], kinds[i] = m.Name, m.Kind
		if !tweet.IsID(m.ID) {
			return fmt.Errorf("%s has no usable media ID (%q); upload it again", m.Name, m.ID)
		}
	}
	if err := CheckTweet(req.Text, names, kinds); err != nil {
		return err
	}
	if req.ReplyTo != "" && !tweet.IsID(req.ReplyTo) {
		return fmt.Errorf("the reply target %q is not a tweet ID", req.ReplyTo)
	}
	now := p.cfg.Now()
	for _, m := range req.Media {
		if !m.ExpiresAt.IsZero() && !now.Before(m.ExpiresAt) {
			return &ExpiredError{Name: m.Name, At: m.ExpiresAt}
		}
	}
	return nil
}

// CheckTweet checks that media of these kinds (named for the message) can
// share one post with text: the mix rule, then the text rules.
func CheckTweet(text string, names []string, kinds []media.Kind) error {
	if err := tweet.CheckAttachments(kinds); err != nil {
		return fmt.Errorf("cannot post %s in one tweet: %w", joinAnd(names), err)
	}
	return tweet.ValidateText(text, len(kinds))
}

// Post sends req unless the journal says it went out already or may have.
func (p *Poster) Post(ctx context.Context, req PostRequest) PostResult {
	if err := p.Check(req); err != nil {
		return PostResult{Outcome: PostNotPosted, Err: err}
	}
	ids := make([]string, len(req.Media))
	for i, m := range req.Media {
		ids[i] = m.ID
	}
	records := p.cfg.Store
	if records == nil {
		why := p.cfg.JournalErr
		if why == nil {
			why = errors.New("there is no post journal")
		}
		return PostResult{Outcome: PostNotPosted, Err: fmt.Errorf("%w; without the post journal mediaup cannot tell whether an earlier attempt posted this, so it posts nothing", why)}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	base := p.cfg.Client.BaseURL()
	keyText := req.Text
	if req.ReplyTo != "" {
		keyText = "reply to " + req.ReplyTo + "\x00" + req.Text
	}
	key := store.PostKey(p.cfg.Account, base, keyText, ids)
	earlier, ok, err := records.Post(key)
	if err != nil {
		// Without the record there is no telling whether an earlier run
		// posted this: fail closed.
		return PostResult{Outcome: PostNotPosted, Err: fmt.Errorf("%w; mediaup cannot tell whether an earlier attempt posted this, so it did not post", err)}
	}
	if ok && !req.Repost {
		if earlier.Done() {
			return PostResult{Outcome: PostAlreadySent, TweetID: earlier.TweetID, Started: earlier.Started}
		}
		return PostResult{Outcome: PostBlocked, Started: earlier.Started}
	}
	rec := store.Post{Key: key, Account: p.cfg.Account, BaseURL: base, Text: req.Text, MediaIDs: ids, ReplyTo: req.ReplyTo}
	if err := records.BeginPost(rec); err != nil {
		return PostResult{Outcome: PostNotPosted, Err: fmt.Errorf("%w; a post that cannot be recorded is not sent", err)}
	}
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	tw, err := p.cfg.Client.PostTweet(ctx, xapi.NewTweet{Text: req.Text, MediaIDs: ids, ReplyTo: req.ReplyTo})
	cancel()
	if err == nil {
		res := PostResult{Outcome: PostSent, TweetID: tw.ID}
		if ferr := records.FinishPost(key, tw.ID); ferr != nil {
			res.Warning = fmt.Sprintf("posted tweet %s, but %v; a rerun will ask before posting it again", tw.ID, ferr)
		}
		return res
	}
	if neverSent(err) {
		records.DropPost(key)
		return PostResult{Outcome: PostNotPosted, Err: err}
	}
	return PostResult{Outcome: PostUnknown, Err: err}
}

// neverSent reports whether err proves X did not create the post: X
// answered with a 4xx, or the connection was never made.
func neverSent(err error) bool {
	var ae *xapi.APIError
	if errors.As(err, &ae) {
		return ae.StatusCode >= 400 && ae.StatusCode < 500
	}
	return xapi.Unsent(err)
}

// joinAnd joins words as English: "a", "a and b", "a, b and c".
func joinAnd(words []string) string {
	switch len(words) {
	case 0:
		return "no media"
	case 1:
		return words[0]
	}
	out := words[0]
	for _, w := range words[1 : len(words)-1] {
		out += ", " + w
	}
	return out + " and " + words[len(words)-1]
}
