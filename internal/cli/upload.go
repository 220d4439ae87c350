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

	"github.com/mediaup/mediaup/internal/size"
	"github.com/mediaup/mediaup/uploader"
	"github.com/mediaup/mediaup/uploader/media"
	"github.com/mediaup/mediaup/uploader/store"
	"github.com/mediaup/mediaup/uploader/tweet"
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
	fs.StringVar(&r.chunkSize, "chunk-size", "", "preferred segment `SIZE`, e.g. 4MB (grown when a file would need over 1000 segments; at most 5MB). "+size.Units)
	fs.StringVar(&r.limitRate, "limit-rate", "", "cap total upload bandwidth to `RATE` per second, e.g. 2MB. "+size.Units)
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

// preflight applies the engine's checks before anything is sent, so a post
// that cannot work is refused with nothing uploaded.
func (r *uploadRun) preflight(chunk int64) (code int, err error) {
	alts := map[string]string{}
	for _, f := range r.files {
		alts[f] = r.altFor(f)
	}
	err = uploader.Preflight(uploader.PreflightRequest{Files: r.files, Category: r.category, ChunkSize: chunk,
		AltText: alts, Post: r.posting, Text: r.post})
	var pe *uploader.PreflightError
	if errors.As(err, &pe) && pe.File {
		return exitFailed, err
	}
	if err != nil {
		return exitUsage, err
	}
	return exitOK, nil
}

func (r *uploadRun) execute(stdout, stderr io.Writer) (int, error) {
	var chunk int64
	var err error
	if r.chunkSize != "" {
		if chunk, err = size.Parse(r.chunkSize); err != nil {
			return exitUsage, fmt.Errorf("--chunk-size: %w", err)
		}
	}
	if chunk > media.MaxChunk {
		return exitUsage, fmt.Errorf("--chunk-size %s is over X's 5 MB segment limit", r.chunkSize)
	}
	var limiter *rate.Limiter
	if r.limitRate != "" {
		bps, err := size.Parse(r.limitRate)
		if err != nil {
			return exitUsage, fmt.Errorf("--limit-rate: %w", err)
		}
		if bps == 0 {
			return exitUsage, fmt.Errorf("--limit-rate %q would send nothing: give a size per second such as 2MB", r.limitRate)
		}
		limiter = rate.NewLimiter(rate.Limit(bps), int(min(bps, 256<<10)))
	}
	owners, err := tweet.ParseOwners(r.owners)
	if err != nil {
		return exitUsage, fmt.Errorf("--owners: %w", err)
	}
	if code, err := r.preflight(chunk); err != nil {
		return code, err
	}
	t, err := connect(r.conn)
	if err != nil {
		return exitUsage, err
	}
	defer t.stop()
	scrub := t.redact

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
	var ready []uploader.Event
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
			ready = append(ready, ev)
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
			r.postOnce(t, st, ready, &sum, scrub)
		}
	}
	out.summary(sum)
	if !sum.OK {
		return exitFailed, nil
	}
	return exitOK, nil
}

func joinNonEmpty(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func encodeEvent(ev uploader.Event, scrub func(string) string) []byte {
	je := jsonEvent{Type: "event", Event: ev, Phase: ev.Phase.String(), Duration: ev.Duration.Seconds()}
	if ev.Err != nil {
		je.Error = scrub(ev.Err.Error())
	}
	b, _ := json.Marshal(je)
	return b
}

// postOnce posts the tweet through the engine's poster, which records it
// first and never sends it twice; --repost is the user's explicit word.
func (r *uploadRun) postOnce(t *target, st *store.Store, ready []uploader.Event, sum *summary, scrub func(string) string) {
	req := uploader.PostRequest{Text: r.post, Repost: r.repost}
	for _, ev := range ready {
		req.Media = append(req.Media, uploader.PostMedia{ID: ev.MediaID, Name: ev.Path, Kind: media.Kind(ev.Kind), ExpiresAt: ev.ExpiresAt})
	}
	res := t.poster(st).Post(context.Background(), req)
	switch {
	case res.Outcome == uploader.PostSent:
		sum.TweetID = res.TweetID
		sum.Note = res.Warning
	case res.Outcome == uploader.PostAlreadySent:
		sum.TweetID = res.TweetID
		sum.Note = res.Message()
	case res.MayBeLive():
		sum.OK = false
		sum.Error = scrub(res.Message()) + "; then run again with --repost to post anyway"
	default:
		sum.OK = false
		sum.Error = scrub(res.Message())
		var ee *uploader.ExpiredError
		if errors.As(res.Err, &ee) {
			sum.Error += "; upload it again"
		}
	}
}
