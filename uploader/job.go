package uploader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mediaup/mediaup/uploader/media"
	"github.com/mediaup/mediaup/xapi"
)

// job is one file's upload. Its Event (ev) and cancel func are guarded by
// the manager's mutex; the rest belongs to the goroutine running it.
type job struct {
	m      *Manager
	id     JobID
	path   string
	opts   JobOptions
	ev     Event
	cancel context.CancelCauseFunc

	removed bool
	sess    *session    // open upload session; kept across pause and retry
	ready   *xapi.Media // set once X has the media, so a retry only redoes alt text
	retries atomic.Int64
	dirty   bool     // state changed since the last event (guarded by m.mu)
	jr      *journal // the job's records in the store; nil without one
}

// session is an open chunked upload on X: which segments it acknowledged.
type session struct {
	mediaID, mediaKey string
	expiresAt         time.Time
	chunk             int64
	segments          int
	acked             []bool
	size              int64
	modTime           time.Time
	finalized         bool
}

func (s *session) missing() []int {
	var out []int
	for i, ok := range s.acked {
		if !ok {
			out = append(out, i)
		}
	}
	return out
}

func (s *session) segSize(i int) int64 {
	if i == s.segments-1 {
		return s.size - int64(i)*s.chunk
	}
	return s.chunk
}

// update changes the job's event under the lock. A forced update (a phase
// change, a result) is emitted at once; others only mark the job dirty,
// and the ticker emits them at most once per Throttle.
func (j *job) update(force bool, f func(ev *Event)) {
	j.m.mu.Lock()
	defer j.m.mu.Unlock()
	if j.removed {
		return
	}
	f(&j.ev)
	j.ev.Retries = int(j.retries.Load())
	if !force {
		j.dirty = true
		return
	}
	j.dirty = false
	j.m.emitLocked(j, true)
}

func (j *job) setPhase(p Phase) { j.update(true, func(ev *Event) { ev.Phase = p }) }

// run drives the job and turns its outcome into the final event.
func (j *job) run(ctx context.Context) {
	ctx = xapi.WithRetryCounter(ctx, &j.retries)
	err := j.upload(ctx)
	cause := context.Cause(ctx)
	if err != nil && cause == nil && refusedSession(err) {
		// X refused the session for good: a later run must not resume it.
		j.sess = nil
		j.jr.drop()
	}
	j.update(true, func(ev *Event) {
		switch {
		case err == nil:
			ev.Phase, ev.Err, ev.Retryable = PhaseReady, nil, false
		case cause == errPaused:
			ev.Phase, ev.Err = PhasePaused, nil
		case cause == errCanceled:
			ev.Phase, ev.Err, ev.Retryable = PhaseCanceled, fileError(j.path, errors.New("canceled")), true
		case errors.Is(cause, context.Canceled) && j.m.ctx.Err() != nil:
			ev.Phase, ev.Err, ev.Retryable = PhaseCanceled, fileError(j.path, errors.New("stopped before it finished; run again to resume")), true
		default:
			ev.Phase, ev.Err, ev.Retryable = PhaseFailed, fileError(j.path, err), canRetry(err)
		}
		ev.Rate = 0
	})
}

// refusedSession reports whether X refused the upload session itself (a
// bad request or an unknown media ID), as opposed to the account (401/403,
// which the user can fix and then resume) or the network.
func refusedSession(err error) bool {
	var ae *xapi.APIError
	return errors.As(err, &ae) && (ae.StatusCode == 400 || ae.StatusCode == 404)
}

// canRetry says whether trying the same file again can help.
func canRetry(err error) bool {
	var re *media.RuleError
	var pe *xapi.ProcessingError
	var ae *xapi.APIError
	switch {
	case errors.As(err, &re), errors.As(err, &pe):
		return false
	case errors.As(err, &ae):
		return ae.Temporary()
	case errors.Is(err, errPollCap), errors.Is(err, errChanged):
		return true
	}
	return xapi.Retryable(err) || errors.Is(err, context.DeadlineExceeded)
}

var (
	errPollCap = errors.New("processing took too long")
	errChanged = errors.New("file changed during upload")
)

func (j *job) upload(ctx context.Context) error {
	cfg := j.m.cfg
	j.setPhase(PhaseProbing)
	info, err := media.Probe(j.path, media.Options{Category: j.opts.Category})
	if err != nil {
		return err
	}
	j.update(true, func(ev *Event) {
		ev.MediaType, ev.Kind, ev.Category = info.MIME, string(info.Kind), info.Category
		ev.Width, ev.Height, ev.Duration, ev.TotalBytes = info.Width, info.Height, info.Duration, info.Size
	})
	if j.ready != nil && cfg.Now().Before(j.ready.ExpiresAt) {
		return j.finish(ctx, j.ready)
	}
	j.ready = nil

	f, err := os.Open(j.path)
	if err != nil {
		return err
	}
	defer f.Close()

	if s := j.sess; s != nil && (s.size != info.Size || !s.modTime.Equal(info.ModTime) || !cfg.Now().Before(s.expiresAt)) {
		j.sess = nil
	}
	finalizeSent := false
	if cfg.Store != nil && j.sess == nil {
		jr, ready, sess, note, err := j.openJournal(info)
		if err != nil {
			return err
		}
		j.jr = jr
		if note != "" {
			j.update(true, func(ev *Event) { ev.Note = note })
		}
		switch {
		case ready != nil:
			j.update(true, func(ev *Event) { ev.Reused = true })
			return j.finish(ctx, &xapi.Media{ID: ready.MediaID, Key: ready.MediaKey, ExpiresAt: ready.ExpiresAt})
		case sess != nil:
			// The journal key includes the content's hash, just computed: the
			// content is the same even if the file was touched since.
			j.sess = sessionFrom(sess)
			j.sess.size, j.sess.modTime = info.Size, info.ModTime
		}
	}
	if j.sess == nil {
		chunk, n, err := media.ChunkSize(info.Size, cfg.ChunkSize)
		if err != nil {
			return err // run names the file
		}
		if info.Kind == media.Image && n == 1 {
			return j.simple(ctx, f, info)
		}
		j.setPhase(PhaseUploading)
		m, err := cfg.Client.Init(ctx, xapi.InitRequest{TotalBytes: info.Size, MediaType: info.MIME, Category: info.Category, AdditionalOwners: j.opts.Owners})
		if err != nil {
			return err
		}
		j.sess = &session{mediaID: m.ID, mediaKey: m.Key, expiresAt: m.ExpiresAt, chunk: chunk, segments: n,
			acked: make([]bool, n), size: info.Size, modTime: info.ModTime}
		if m.ExpiresAt.IsZero() {
			j.sess.expiresAt = cfg.Now().Add(time.Hour) // X did not say: assume the shortest documented life
		}
		j.jr.begin(j.sess)
	} else {
		j.update(true, func(ev *Event) { ev.Resumed = true })
		// Every segment acknowledged but not finalized: the run that was
		// interrupted may have sent FINALIZE and never heard the answer.
		finalizeSent = len(j.sess.missing()) == 0
	}
	s := j.sess
	j.update(true, func(ev *Event) {
		ev.Phase, ev.MediaID, ev.MediaKey, ev.SegmentsTotal = PhaseUploading, s.mediaID, s.mediaKey, s.segments
	})
	if !s.finalized {
		if err := j.appendAll(ctx, f, s); err != nil {
			return err
		}
		if err := unchanged(j.path, s); err != nil {
			j.sess = nil
			return err
		}
	}
	j.setPhase(PhaseProcessing)
	var m *xapi.Media
	if s.finalized {
		m, err = cfg.Client.Status(ctx, s.mediaID) // FINALIZE went through before the interruption
	} else {
		if finalizeSent {
			m, err = cfg.Client.FinalizeResumed(ctx, s.mediaID)
		} else {
			m, err = cfg.Client.Finalize(ctx, s.mediaID)
		}
	}
	if err != nil {
		return err
	}
	s.finalized = true
	j.jr.finalized()
	if m, err = j.poll(ctx, m); err != nil {
		var pe *xapi.ProcessingError
		if errors.As(err, &pe) {
			j.sess = nil // X refused the media: a retry must upload afresh
			j.jr.drop()
		}
		return err
	}
	j.sess = nil
	return j.finish(ctx, m)
}

// unchanged fails when the file's size or mtime moved since the session began.
func unchanged(path string, s *session) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.Size() != s.size || !st.ModTime().Equal(s.modTime) {
		return fmt.Errorf("%w (it was %d bytes, modified %s; now %d bytes, modified %s); not finalized, run again to upload the new content",
			errChanged, s.size, s.modTime.Format(time.RFC3339), st.Size(), st.ModTime().Format(time.RFC3339))
	}
	return nil
}

// simple uploads a one-chunk image in a single request.
func (j *job) simple(ctx context.Context, f *os.File, info *media.Info) error {
	j.update(true, func(ev *Event) { ev.Phase, ev.SegmentsTotal, ev.SegmentsAcked = PhaseUploading, 1, 0 })
	var inflight atomic.Int64
	stop := j.ticker(ctx, func() int64 { return inflight.Load() })
	open := func(ctx context.Context) io.Reader { return j.m.limit(ctx, io.NewSectionReader(f, 0, info.Size)) }
	m, err := j.m.cfg.Client.SimpleUpload(ctx, filepath.Base(j.path), info.Size, open, info.Category, j.opts.Owners,
		func(n int64) { inflight.Add(n) }, func() { inflight.Store(0) })
	stop()
	if err != nil {
		return err
	}
	j.update(false, func(ev *Event) { ev.SentBytes, ev.SegmentsAcked = info.Size, 1 })
	if m, err = j.poll(ctx, m); err != nil {
		return err
	}
	return j.finish(ctx, m)
}

// appendAll sends every segment not yet acknowledged, several at once.
func (j *job) appendAll(ctx context.Context, f *os.File, s *session) error {
	cfg := j.m.cfg
	var acked, inflight atomic.Int64
	ackedCount := 0
	for i, ok := range s.acked {
		if ok {
			acked.Add(s.segSize(i))
			ackedCount++
		}
	}
	var countMu sync.Mutex
	stop := j.ticker(ctx, func() int64 { return acked.Load() + inflight.Load() })
	defer stop()

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	todo := make(chan int)
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	for w := 0; w < cfg.Segments; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range todo {
				off, size := int64(i)*s.chunk, s.segSize(i)
				var sent atomic.Int64
				seg := xapi.Segment{Index: i, Offset: off, Size: size,
					Open: func(ctx context.Context) io.Reader {
						return j.m.limit(ctx, io.NewSectionReader(f, off, size))
					},
					Progress: func(n int64) { sent.Add(n); inflight.Add(n) },
					Restart:  func() { inflight.Add(-sent.Swap(0)) },
				}
				err := cfg.Client.Append(ctx, s.mediaID, seg)
				inflight.Add(-sent.Swap(0))
				if err != nil {
					errOnce.Do(func() { firstErr = err; cancel(err) })
					continue
				}
				acked.Add(size)
				j.jr.ack(i)
				countMu.Lock()
				s.acked[i] = true
				ackedCount++
				n := ackedCount
				countMu.Unlock()
				j.update(false, func(ev *Event) { ev.SegmentsAcked = n })
			}
		}()
	}
	j.update(false, func(ev *Event) { ev.SegmentsAcked = ackedCount })
feed:
	for _, i := range s.missing() {
		select {
		case todo <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(todo)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := context.Cause(ctx); err != nil {
		return err
	}
	j.update(false, func(ev *Event) { ev.SentBytes = s.size })
	return nil
}

// ticker emits throttled progress (bytes sent, rate) until stopped.
func (j *job) ticker(ctx context.Context, sent func() int64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(j.m.cfg.Throttle)
		defer t.Stop()
		var meter rateMeter
		last := int64(-1)
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case now := <-t.C:
				n := sent()
				r := meter.add(now, n)
				j.m.mu.Lock()
				if (n != last || j.dirty) && !j.removed {
					last = n
					j.ev.SentBytes = min(n, j.ev.TotalBytes)
					j.ev.Rate = r
					j.ev.Retries = int(j.retries.Load())
					j.dirty = false
					j.m.emitLocked(j, false)
				}
				j.m.mu.Unlock()
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// poll waits for X's processing, honouring check_after_secs, up to PollCap.
func (j *job) poll(ctx context.Context, m *xapi.Media) (*xapi.Media, error) {
	cfg := j.m.cfg
	start := cfg.Now()
	id := m.ID
	for {
		p := m.Processing
		if p != nil {
			j.update(true, func(ev *Event) {
				ev.Phase, ev.State, ev.Percent = PhaseProcessing, p.State, p.Percent
			})
		}
		if p.Done() {
			if p != nil && (p.Error != nil || p.State == "failed") {
				if p.Error == nil {
					p.Error = &xapi.ProcessingError{Message: "X could not process the media and gave no reason"}
				}
				//lint:ignore ST1005 X is the service's name; run wraps it in a FileError that names the file
				return nil, fmt.Errorf("X could not process it: %w", p.Error)
			}
			return m, nil
		}
		wait := p.CheckAfter
		if wait <= 0 {
			wait = time.Second
		}
		if cfg.Now().Add(wait).Sub(start) > cfg.PollCap {
			return nil, fmt.Errorf("%w: X was still processing it after %s (%s, %d%%); retry later to check again",
				errPollCap, cfg.PollCap.Round(time.Second), p.State, p.Percent)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, context.Cause(ctx)
		case <-t.C:
		}
		next, err := cfg.Client.Status(ctx, id)
		if err != nil {
			return nil, err
		}
		if next.Key == "" {
			next.Key = m.Key
		}
		m = next
	}
}

// finish sets alt text if asked and publishes the ready media.
func (j *job) finish(ctx context.Context, m *xapi.Media) error {
	if j.ready != m {
		j.jr.finish(m, j.m.cfg.Now())
	}
	j.ready = m
	j.m.mu.Lock()
	alt := j.opts.AltText
	j.m.mu.Unlock()
	if alt != "" {
		if err := j.m.cfg.Client.SetAltText(ctx, m.ID, alt); err != nil {
			return fmt.Errorf("uploaded as %s, but the alt text was refused: %w", m.ID, err)
		}
	}
	j.update(true, func(ev *Event) {
		ev.MediaID, ev.ExpiresAt, ev.State = m.ID, m.ExpiresAt, "succeeded"
		if m.Key != "" {
			ev.MediaKey = m.Key
		}
		ev.SentBytes, ev.Percent = ev.TotalBytes, 100
		if ev.SegmentsTotal > 0 {
			ev.SegmentsAcked = ev.SegmentsTotal
		}
	})
	return nil
}

// rateMeter is a sliding three-second average of bytes per second.
type rateMeter struct {
	at    []time.Time
	bytes []int64
}

func (r *rateMeter) add(now time.Time, total int64) float64 {
	r.at = append(r.at, now)
	r.bytes = append(r.bytes, total)
	for len(r.at) > 2 && now.Sub(r.at[0]) > 3*time.Second {
		r.at, r.bytes = r.at[1:], r.bytes[1:]
	}
	dt := now.Sub(r.at[0]).Seconds()
	if dt <= 0 {
		return 0
	}
	return float64(total-r.bytes[0]) / dt
}
