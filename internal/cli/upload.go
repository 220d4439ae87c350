package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/time/rate"

	"github.com/mediaup/mediaup/config"
	"github.com/mediaup/mediaup/uploader"
	"github.com/mediaup/mediaup/uploader/media"
	"github.com/mediaup/mediaup/uploader/store"
	"github.com/mediaup/mediaup/uploader/tweet"
	"github.com/mediaup/mediaup/xapi"
)

// Upper bounds for the concurrency flags.
const (
	maxWorkers  = 16
	maxSegments = 16
)

// uploadRun is one `mediaup upload` invocation's settings.
type uploadRun struct {
	io        *IOStreams
	conn      connectOptions
	json      bool
	post      string
	posting   bool
	repost    bool
	alts      []string
	category  string
	owners    string
	workers   int
	segments  int
	chunkSize string
	limitRate string
	pollCap   time.Duration
	files     []string
}

func newUploadCmd(e *env, runF func(*uploadRun) error) *cobra.Command {
	r := &uploadRun{io: e.io}
	r.conn.errOut = e.io.ErrOut
	cmd := &cobra.Command{
		Use:   "upload [flags] FILE...",
		Short: "Upload files headlessly, and post them in one tweet with --post",
		Long: `Uploads the files to X, several at once, and prints "path<TAB>media_id" for each
ready file on stdout (with --json: one JSON event per line, then a summary).
Flags may come before, between or after the files; "--" ends the flags.

Exit status: 0 all done, 1 a file or the post failed, 2 usage or configuration error.`,
		Args:              cobra.ArbitraryArgs,
		ValidArgsFunction: completeMedia,
		RunE: func(cmd *cobra.Command, args []string) error {
			r.files = args
			r.posting = cmd.Flags().Changed("post")
			return runWith(r, runF, (*uploadRun).run)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.BoolVar(&r.json, "json", false, "one JSON object per line on stdout: events, then a summary")
	fs.StringVar(&r.post, "post", "", "post one tweet with `TEXT` and all the media once they are ready")
	fs.BoolVar(&r.repost, "repost", false, "post even if an earlier run posted, or may have posted, the same tweet")
	fs.StringArrayVar(&r.alts, "alt", nil, "alt `TEXT` for every file, or FILE=TEXT for one file (repeatable)")
	fs.StringVar(&r.category, "category", "", "override media_category (tweet_image, tweet_gif, tweet_video, amplify_video)")
	fs.StringVar(&r.owners, "owners", "", "additional_owners: comma-separated user `IDs` that may also post the media")
	r.conn.register(cmd, true)
	fs.IntVar(&r.workers, "workers", 3, "files uploading at once")
	fs.IntVar(&r.segments, "segments", 4, "segments in flight per file")
	fs.StringVar(&r.chunkSize, "chunk-size", "", "preferred segment `SIZE`, e.g. 4MB (grown when a file would need over 1000 segments; at most 5MB)")
	fs.StringVar(&r.limitRate, "limit-rate", "", "cap total upload bandwidth, e.g. 2MB (per second)")
	fs.DurationVar(&r.pollCap, "poll-cap", 15*time.Minute, "give up waiting for X's processing after this long")
	_ = cmd.RegisterFlagCompletionFunc("category", cobra.FixedCompletions(
		[]string{"tweet_image", "tweet_gif", "tweet_video", "amplify_video"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// validate checks the settings that need no network: every mistake here
// is a usage error (exit 2).
func (r *uploadRun) validate() error {
	if len(r.files) == 0 {
		return usageErrorf("no files given: mediaup upload [flags] FILE [FILE ...]")
	}
	if r.workers < 1 || r.segments < 1 {
		return usageErrorf("--workers and --segments must be at least 1")
	}
	// X rate-limits per user; past these, more requests in flight only earn 429s.
	if r.workers > maxWorkers || r.segments > maxSegments {
		return usageErrorf("--workers is at most %d and --segments at most %d (X rate-limits each account)", maxWorkers, maxSegments)
	}
	if r.pollCap <= 0 {
		return usageErrorf("--poll-cap %s: give a positive duration such as 15m", r.pollCap)
	}
	// The same file twice would be uploaded twice, or reused and then
	// refused by X as a repeated media ID in the post.
	seen := make([]os.FileInfo, len(r.files))
	for i, f := range r.files {
		st, err := os.Stat(f)
		if err != nil {
			continue // the probe reports it
		}
		for j, prev := range seen[:i] {
			if prev != nil && os.SameFile(prev, st) {
				return usageErrorf("%s and %s are the same file; give each file once", r.files[j], f)
			}
		}
		seen[i] = st
	}
	if r.category != "" {
		// An unknown category is a usage mistake, not a fault of each file.
		var re *media.RuleError
		if _, err := media.CategoryFor(media.Video, r.category); errors.As(err, &re) && re.Rule == media.RuleCategory {
			return usageErrorf("--category: %w", err)
		}
	}
	return nil
}

// run validates the settings, then uploads.
func (r *uploadRun) run() error {
	if err := r.validate(); err != nil {
		return err
	}
	code, err := r.execute(r.io.Out, r.io.ErrOut)
	switch {
	case code == exitOK:
		return nil
	case err == nil:
		return &exitError{code: code} // the summary said why
	}
	return &exitError{code: code, err: err}
}

// altFor returns the alt text for one file: a FILE=TEXT entry wins over a plain TEXT.
func (r *uploadRun) altFor(path string) string {
	all := ""
	for _, a := range r.alts {
		if k, v, ok := strings.Cut(a, "="); ok && r.isFile(k) {
			if k == path {
				return v
			}
			continue
		}
		all = a
	}
	return all
}

func (r *uploadRun) isFile(s string) bool {
	for _, f := range r.files {
		if f == s {
			return true
		}
	}
	return false
}

// preflight probes every file and checks the tweet rules before anything
// is sent, so a post that cannot work is refused with nothing uploaded.
// Without --post, bad files are left to the manager, which reports each
// as failed while the good ones go up.
func (r *uploadRun) preflight(chunk int64) (code int, err error) {
	var kinds []media.Kind
	var probeErrs []error
	for _, f := range r.files {
		info, perr := media.Probe(f, media.Options{Category: r.category})
		if perr == nil {
			kinds = append(kinds, info.Kind)
			if _, _, cerr := media.ChunkSize(info.Size, chunk); cerr != nil {
				var re *media.RuleError
				if errors.As(cerr, &re) {
					re.Path = f
				}
				perr = cerr
			}
		}
		probeErrs = append(probeErrs, perr)
	}
	for _, a := range r.alts {
		which := "--alt text"
		if k, v, ok := strings.Cut(a, "="); ok && r.isFile(k) {
			a, which = v, "--alt text for "+k
		}
		if n := len([]rune(a)); n > xapi.MaxAltText {
			return exitUsage, fmt.Errorf("%s is %d characters, over X's %d-character limit for alt text; nothing uploaded", which, n, xapi.MaxAltText)
		}
	}
	if !r.posting {
		return exitOK, nil
	}
	for _, perr := range probeErrs {
		if perr != nil {
			return exitFailed, fmt.Errorf("%v; nothing uploaded and nothing posted", perr)
		}
	}
	if err := tweet.CheckAttachments(kinds); err != nil {
		return exitUsage, fmt.Errorf("cannot post %s in one tweet: %v; nothing uploaded", joinAnd(r.files), err)
	}
	if err := tweet.ValidateText(r.post, len(kinds)); err != nil {
		return exitUsage, fmt.Errorf("%v; nothing uploaded", err)
	}
	return exitOK, nil
}

func (r *uploadRun) execute(stdout, stderr io.Writer) (int, error) {
	chunk, err := parseSize(r.chunkSize)
	if err != nil {
		return exitUsage, fmt.Errorf("--chunk-size: %w", err)
	}
	if chunk > media.MaxChunk {
		return exitUsage, fmt.Errorf("--chunk-size %s is over X's 5 MB segment limit", r.chunkSize)
	}
	var limiter *rate.Limiter
	if r.limitRate != "" {
		bps, err := parseSize(r.limitRate)
		if err != nil || bps <= 0 {
			return exitUsage, fmt.Errorf("--limit-rate %q: give a size per second such as 2MB", r.limitRate)
		}
		limiter = rate.NewLimiter(rate.Limit(bps), int(min(bps, 256<<10)))
	}
	var owners []string
	if r.owners != "" {
		for _, o := range strings.Split(r.owners, ",") {
			o = strings.TrimSpace(o)
			if o == "" {
				continue // a stray comma
			}
			if !isDigits(o) {
				return exitUsage, fmt.Errorf("--owners: %q is not a numeric X user ID", o)
			}
			owners = append(owners, o)
		}
	}
	if code, err := r.preflight(chunk); err != nil {
		return code, err
	}
	t, err := connect(r.conn)
	if err != nil {
		return exitUsage, err
	}
	defer t.stop()
	scrub := func(s string) string { return config.Redact(s, t.secrets...) }

	ctx, stopSignals := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stopSignals()

	st := t.openJournal(stderr)
	if st != nil {
		defer st.Close()
	}
	m := uploader.NewManager(uploader.Config{Client: t.client, Workers: r.workers, Segments: r.segments,
		ChunkSize: chunk, Limiter: limiter, PollCap: r.pollCap, Store: st, Account: t.journalKey})
	out := newReporter(r.json, r.io, scrub)
	ids := make([]uploader.JobID, len(r.files))
	for i, f := range r.files {
		ids[i] = m.Add(f, uploader.JobOptions{Category: r.category, Owners: owners, AltText: r.altFor(f)})
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range m.Events() {
			out.event(ev)
		}
	}()
	waitErr := m.Wait(ctx)
	final := m.Snapshot()
	m.Close()
	<-done
	out.finishProgress()

	sum := summary{Type: "summary", OK: true}
	var mediaIDs []string
	for _, ev := range final {
		fr := fileResult{Path: ev.Path, MediaID: ev.MediaID, MediaKey: ev.MediaKey, State: ev.Phase.String(), Retries: ev.Retries}
		if !ev.ExpiresAt.IsZero() && ev.Phase == uploader.PhaseReady {
			fr.ExpiresAt = ev.ExpiresAt.UTC().Format(time.RFC3339)
		}
		if ev.Phase != uploader.PhaseReady {
			sum.OK = false
			fr.MediaID, fr.MediaKey = "", ""
			if ev.Err != nil {
				fr.Error = scrub(ev.Err.Error())
			} else {
				fr.Error = ev.Path + ": not finished"
			}
		} else {
			mediaIDs = append(mediaIDs, ev.MediaID)
			if time.Until(ev.ExpiresAt) <= 0 && !ev.ExpiresAt.IsZero() {
				sum.OK = false
				fr.Error = ev.Path + ": media ID " + ev.MediaID + " expired before posting; upload it again"
			}
		}
		sum.Files = append(sum.Files, fr)
	}
	if waitErr != nil {
		sum.OK = false
		sum.Error = "interrupted: uploads stopped; run the same command again to upload what is missing"
	}
	if r.posting {
		if !sum.OK {
			sum.Error = joinNonEmpty(sum.Error, "not posted: not every file is ready")
		} else {
			r.postOnce(t, st, mediaIDs, &sum, scrub)
		}
	}
	out.summary(sum)
	if !sum.OK {
		return exitFailed, nil
	}
	return exitOK, nil
}

// joinAnd joins words as English: "a", "a and b", "a, b and c".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

func joinNonEmpty(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func isDigits(s string) bool {
	if s == "" || len(s) > 19 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func encodeEvent(ev uploader.Event, scrub func(string) string) []byte {
	je := jsonEvent{Type: "event", Event: ev, Phase: ev.Phase.String(), Duration: ev.Duration.Seconds()}
	if ev.Err != nil {
		je.Error = scrub(ev.Err.Error())
	}
	b, _ := json.Marshal(je)
	return b
}

// postOnce posts the tweet unless an earlier run already did, or may have:
// X has no idempotency key, so a post whose outcome is unknown (the run
// died or the connection broke after sending) is never repeated blindly.
// The journal records the post before it is sent; --repost overrides.
func (r *uploadRun) postOnce(t *target, st *store.Store, mediaIDs []string, sum *summary, scrub func(string) string) {
	var key string
	if st != nil {
		key = store.PostKey(t.journalKey, t.client.BaseURL(), r.post, mediaIDs)
		if p, ok, err := st.Post(key); err == nil && ok && !r.repost {
			when := p.Started.Local().Format("2006-01-02 15:04:05")
			if p.Done() {
				sum.TweetID = p.TweetID
				sum.Note = fmt.Sprintf("already posted as tweet %s by an earlier run at %s; not posted again", p.TweetID, when)
				return
			}
			sum.OK = false
			sum.Error = fmt.Sprintf("not posted: an earlier run was posting this tweet at %s and stopped before X answered, so X may already have it; check the account, then run again with --repost to post anyway", when)
			return
		}
		if err := st.BeginPost(store.Post{Key: key, Account: t.journalKey, BaseURL: t.client.BaseURL(), Text: r.post, MediaIDs: mediaIDs}); err != nil {
			sum.OK = false
			sum.Error = "not posted: " + err.Error()
			return
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	tw, err := t.client.PostTweet(ctx, r.post, mediaIDs)
	cancel()
	var ae *xapi.APIError
	switch {
	case err == nil:
		sum.TweetID = tw.ID
		if st != nil {
			st.FinishPost(key, tw.ID)
		}
	case errors.As(err, &ae):
		// X answered: nothing was posted, so a later run may try again.
		sum.OK = false
		sum.Error = "not posted: " + scrub(err.Error())
		if st != nil {
			st.DropPost(key)
		}
	default:
		sum.OK = false
		sum.Error = "not posted: the outcome is unknown (" + scrub(err.Error()) + "); check the account before posting again (--repost)"
	}
}
