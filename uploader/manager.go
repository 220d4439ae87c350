package uploader

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/mediaup/mediaup/uploader/store"
	"github.com/mediaup/mediaup/uploader/tweet"
	"github.com/mediaup/mediaup/xapi"
)

// Config sets up a Manager.
type Config struct {
	Client    *xapi.Client
	Workers   int           // files uploading at once; default 3
	Segments  int           // APPENDs in flight per file; default 4
	ChunkSize int64         // preferred chunk size; 0 = 4 MiB (grown when a file would need over 1000 segments)
	Limiter   *rate.Limiter // shared cap on upload bandwidth; nil = none
	PollCap   time.Duration // total time to wait for X's processing; default 15 min
	Throttle  time.Duration // least time between two progress events of a job; default 100 ms
	Now       func() time.Time

	// Store, when set, journals every session so an interrupted upload
	// resumes with the same media ID, and remembers ready media so the same
	// content is not uploaded twice while its ID is valid. Account names
	// the X user the credentials belong to (part of every journal key).
	Store   *store.Store
	Account string
}

// JobOptions are the per-file choices.
type JobOptions struct {
	Category string   // media_category override; "" = chosen from the file's type
	Owners   []string // additional_owners: user IDs that may also post the media
	AltText  string   // alt text, set once the media is ready (images and GIFs)
}

// Manager runs file jobs on a bounded pool and reports every change of
// every job on one Events channel. Its methods never block on the
// channel's reader, so a UI may call them while it is busy.
type Manager struct {
	cfg    Config
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	jobs    map[JobID]*job
	order   []JobID
	queue   []*job // waiting for a worker, FIFO
	running int
	nextID  JobID
	closed  bool
	changed chan struct{} // closed and replaced on every state change
	wg      sync.WaitGroup

	out      chan Event
	pumpMu   sync.Mutex
	cond     *sync.Cond
	buf      []Event
	last     map[JobID]int // index in buf of a job's unsent progress event
	base     int           // absolute index of buf[0]
	done     bool
	pumped   chan struct{}
	stopping chan struct{}
}

// NewManager starts a manager; call Close to stop it.
func NewManager(cfg Config) *Manager {
	if cfg.Workers <= 0 {
		cfg.Workers = 3
	}
	if cfg.Segments <= 0 {
		cfg.Segments = 4
	}
	if cfg.PollCap <= 0 {
		cfg.PollCap = 15 * time.Minute
	}
	if cfg.Throttle <= 0 {
		cfg.Throttle = 100 * time.Millisecond
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Manager{
		cfg: cfg, ctx: ctx, cancel: cancel,
		jobs: map[JobID]*job{}, changed: make(chan struct{}),
		out: make(chan Event, 64), last: map[JobID]int{}, pumped: make(chan struct{}), stopping: make(chan struct{}),
	}
	m.cond = sync.NewCond(&m.pumpMu)
	if cfg.Store != nil {
		cfg.Store.Cleanup(cfg.Now())
	}
	go m.pump()
	return m
}

// Events is the one channel of job snapshots. It is closed by Close.
func (m *Manager) Events() <-chan Event { return m.out }

// Client is the client the manager uploads with (the UI posts with it too).
func (m *Manager) Client() *xapi.Client { return m.cfg.Client }

// Add queues a file and returns its job ID. The file is probed when a
// worker takes it; a bad file fails with the reason and never reaches X.
func (m *Manager) Add(path string, opts JobOptions) JobID {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nextID++
	j := &job{m: m, id: m.nextID, path: path, opts: opts}
	j.ev = Event{Job: j.id, Path: path, Phase: PhaseQueued}
	m.jobs[j.id] = j
	m.order = append(m.order, j.id)
	if m.closed {
		j.ev.Phase, j.ev.Err = PhaseCanceled, errors.New(path+": not uploaded, mediaup is shutting down")
		m.emitLocked(j, true)
		return j.id
	}
	m.emitLocked(j, true)
	m.queue = append(m.queue, j)
	m.scheduleLocked()
	return j.id
}

// Snapshot returns the latest state of every job, in the order they were added.
func (m *Manager) Snapshot() []Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	evs := make([]Event, 0, len(m.order))
	for _, id := range m.order {
		evs = append(evs, m.jobs[id].ev)
	}
	return evs
}

// Job returns the latest state of one job.
func (m *Manager) Job(id JobID) (Event, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[id]
	if !ok {
		return Event{}, false
	}
	return j.ev, true
}

var (
	errPaused   = errors.New("paused")
	errCanceled = errors.New("canceled")
	errRemoved  = errors.New("removed")
)

// Pause stops a queued or running job, keeping what was acknowledged so
// Resume continues with the same media ID.
func (m *Manager) Pause(id JobID) error {
	return m.withJob(id, func(j *job) error {
		switch {
		case j.cancel != nil:
			j.cancel(errPaused)
		case j.ev.Phase == PhaseQueued:
			m.dequeueLocked(j)
			j.ev.Phase = PhasePaused
			m.emitLocked(j, true)
		default:
			return fileError(j.path, fmt.Errorf("cannot pause a file that is %s", j.ev.Phase))
		}
		return nil
	})
}

// Resume puts a paused job back in the queue.
func (m *Manager) Resume(id JobID) error {
	return m.withJob(id, func(j *job) error {
		if j.ev.Phase != PhasePaused {
			return fileError(j.path, errors.New("not paused"))
		}
		m.requeueLocked(j)
		return nil
	})
}

// Cancel stops a job for good (until Retry). What X received is abandoned.
func (m *Manager) Cancel(id JobID) error {
	return m.withJob(id, func(j *job) error {
		switch {
		case j.cancel != nil:
			j.cancel(errCanceled)
		case j.ev.Phase == PhaseQueued || j.ev.Phase == PhasePaused:
			m.dequeueLocked(j)
			j.ev.Phase, j.ev.Err = PhaseCanceled, fileError(j.path, errors.New("canceled"))
			m.emitLocked(j, true)
		default:
			return fileError(j.path, fmt.Errorf("cannot cancel a file that is %s", j.ev.Phase))
		}
		return nil
	})
}

// Retry queues a failed or canceled job again, or a ready one whose media
// ID has expired (it is uploaded afresh). An upload session that is still
// open on X continues where it stopped.
func (m *Manager) Retry(id JobID) error {
	return m.withJob(id, func(j *job) error {
		expired := j.ev.Phase == PhaseReady && !j.ev.ExpiresAt.IsZero() && !m.cfg.Now().Before(j.ev.ExpiresAt)
		if j.ev.Phase != PhaseFailed && j.ev.Phase != PhaseCanceled && !expired {
			return fileError(j.path, fmt.Errorf("only a failed, canceled or expired file can be retried (this one is %s)", j.ev.Phase))
		}
		m.requeueLocked(j)
		return nil
	})
}

// Remove drops a job from the manager, stopping it first if it runs. Its
// last event has Removed set.
func (m *Manager) Remove(id JobID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, err := m.lookupLocked(id)
	if err != nil {
		return err
	}
	j.removed = true
	if j.cancel != nil {
		j.cancel(errRemoved)
	} else {
		m.dequeueLocked(j)
	}
	delete(m.jobs, id)
	for i, o := range m.order {
		if o == id {
			m.order = append(m.order[:i:i], m.order[i+1:]...)
			break
		}
	}
	j.ev.Removed = true
	m.emitLocked(j, true)
	return nil
}

// SetAltText sets a job's alt text: at once on X if the media is ready,
// else when it becomes ready.
func (m *Manager) SetAltText(id JobID, text string) error {
	if err := tweet.CheckAltText(text); err != nil {
		return err
	}
	m.mu.Lock()
	j, err := m.lookupLocked(id)
	if err != nil {
		m.mu.Unlock()
		return err
	}
	j.opts.AltText = text
	ready := j.ev.Phase == PhaseReady
	mediaID := j.ev.MediaID
	m.mu.Unlock()
	if !ready || text == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(m.ctx, 2*time.Minute)
	defer cancel()
	if err := m.cfg.Client.SetAltText(ctx, mediaID, text); err != nil {
		return fileError(j.path, fmt.Errorf("alt text not saved: %w", err))
	}
	return nil
}

// SetOwners sets additional_owners for a job that has not started uploading.
func (m *Manager) SetOwners(id JobID, owners []string) error {
	return m.withJob(id, func(j *job) error {
		if j.cancel != nil || j.ev.Phase == PhaseReady || j.sess != nil {
			return fileError(j.path, errors.New("owners are fixed once the upload has started; cancel, then retry it to upload again with new owners"))
		}
		j.opts.Owners = append([]string(nil), owners...)
		return nil
	})
}

// Options returns a job's current per-file options.
func (m *Manager) Options(id JobID) (JobOptions, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, ok := m.jobs[id]
	if !ok {
		return JobOptions{}, false
	}
	return j.opts, true
}

// Wait blocks until every job is ready, failed, canceled or paused, or ctx ends.
func (m *Manager) Wait(ctx context.Context) error {
	for {
		m.mu.Lock()
		busy := false
		for _, j := range m.jobs {
			if !j.ev.Phase.Final() && j.ev.Phase != PhasePaused {
				busy = true
				break
			}
		}
		ch := m.changed
		m.mu.Unlock()
		if !busy {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Close cancels every running job, waits for them and closes Events once
// every event already emitted has been delivered or dropped by the reader.
func (m *Manager) Close() {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	m.closed = true
	m.queue = nil
	m.mu.Unlock()
	m.cancel()
	m.wg.Wait()
	m.pumpMu.Lock()
	m.done = true
	m.cond.Signal()
	m.pumpMu.Unlock()
	close(m.stopping)
	<-m.pumped
}

// withJob runs f on a job under the manager's lock.
func (m *Manager) withJob(id JobID, f func(j *job) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	j, err := m.lookupLocked(id)
	if err != nil {
		return err
	}
	return f(j)
}

func (m *Manager) lookupLocked(id JobID) (*job, error) {
	j, ok := m.jobs[id]
	if !ok {
		return nil, fmt.Errorf("no job %d", id)
	}
	return j, nil
}

func (m *Manager) dequeueLocked(j *job) {
	for i, q := range m.queue {
		if q == j {
			m.queue = append(m.queue[:i:i], m.queue[i+1:]...)
			return
		}
	}
}

func (m *Manager) requeueLocked(j *job) {
	if m.closed {
		return
	}
	j.ev.Phase, j.ev.Err, j.ev.Retryable = PhaseQueued, nil, false
	m.emitLocked(j, true)
	m.queue = append(m.queue, j)
	m.scheduleLocked()
}

// scheduleLocked starts queued jobs while workers are free.
func (m *Manager) scheduleLocked() {
	for m.running < m.cfg.Workers && len(m.queue) > 0 && !m.closed {
		j := m.queue[0]
		m.queue = m.queue[1:]
		m.running++
		ctx, cancel := context.WithCancelCause(m.ctx)
		j.cancel = cancel
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			j.run(ctx)
			m.mu.Lock()
			j.cancel = nil
			m.running--
			m.scheduleLocked()
			m.mu.Unlock()
			cancel(nil)
		}()
	}
}

// emitLocked records j.ev as the job's state and queues it for the reader.
// Progress events (force false) replace an unsent one of the same job.
func (m *Manager) emitLocked(j *job, force bool) {
	ev := j.ev
	close(m.changed)
	m.changed = make(chan struct{})
	m.pumpMu.Lock()
	defer m.pumpMu.Unlock()
	if m.done {
		return
	}
	if i, ok := m.last[ev.Job]; ok && !force && i >= m.base && m.buf[i-m.base].Phase == ev.Phase {
		m.buf[i-m.base] = ev
		return
	}
	m.buf = append(m.buf, ev)
	if force {
		delete(m.last, ev.Job)
	} else {
		m.last[ev.Job] = m.base + len(m.buf) - 1
	}
	m.cond.Signal()
}

// pump forwards queued events to the channel, so emitters never block.
// Once Close has begun, a reader gets one more second to take what is left.
func (m *Manager) pump() {
	defer close(m.pumped)
	defer close(m.out)
	var giveUp <-chan time.Time
	for {
		m.pumpMu.Lock()
		for len(m.buf) == 0 && !m.done {
			m.cond.Wait()
		}
		if len(m.buf) == 0 {
			m.pumpMu.Unlock()
			return
		}
		ev := m.buf[0]
		m.buf = m.buf[1:]
		m.base++
		if i, ok := m.last[ev.Job]; ok && i < m.base {
			delete(m.last, ev.Job)
		}
		m.pumpMu.Unlock()
		select {
		case m.out <- ev:
			continue
		case <-m.stopping:
		}
		if giveUp == nil {
			giveUp = time.After(time.Second)
		}
		select {
		case m.out <- ev:
		case <-giveUp:
			return
		}
	}
}
