package uploader

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/mediaup/mediaup/uploader/media"
	"github.com/mediaup/mediaup/uploader/store"
	"github.com/mediaup/mediaup/xapi"
)

// journal ties one job to its records in the store: the session being
// uploaded (acked segments) and, once ready, the ledger entry.
type journal struct {
	st     *store.Store
	key    string
	fp     store.Fingerprint
	acc    string
	cat    string
	owners []string
	c      *xapi.Client
}

// openJournal fingerprints the file and looks for what the store already
// knows about this content on this account and host. It returns a ready
// media to reuse, or an unfinished session to resume, or neither; note
// says why an older session of the same path was abandoned.
func (j *job) openJournal(info *media.Info) (jr *journal, ready *store.Ready, sess *store.Session, note string, err error) {
	cfg := j.m.cfg
	fp, err := store.FingerprintFile(info.Path)
	if err != nil {
		return nil, nil, nil, "", err
	}
	// Owners are part of INIT, so they are part of what makes two uploads the same.
	owners := append([]string(nil), j.opts.Owners...)
	jr = &journal{st: cfg.Store, fp: fp, acc: cfg.Account, cat: info.Category, owners: owners, c: cfg.Client}
	jr.key = store.SessionKey(cfg.Account, cfg.Client.BaseURL(), string(cfg.Client.Dialect()), fp.SHA256, info.Category, owners...)
	now := cfg.Now()
	if r, ok, err := jr.st.Lookup(jr.key, now); err == nil && ok {
		return jr, &r, nil, "", nil
	}
	if s, ok, err := jr.st.Session(jr.key); err == nil && ok {
		if !s.Expired(now) && s.ChunkSize > 0 && s.Segments > 0 {
			return jr, nil, &s, "", nil
		}
		jr.st.Drop(jr.key)
		note = fmt.Sprintf("the interrupted upload of %s expired on X at %s; starting afresh", filepath.Base(info.Path), s.ExpiresAt.Local().Format(time.Kitchen))
	}
	// A session for the same path with other content means the file changed.
	if all, err := jr.st.Sessions(); err == nil {
		abs, _ := filepath.Abs(info.Path)
		for _, s := range all {
			if s.File.Path == abs && s.Key != jr.key && s.Account == cfg.Account && s.BaseURL == cfg.Client.BaseURL() {
				jr.st.Drop(s.Key)
				note = fmt.Sprintf("%s changed since its interrupted upload (was %d bytes, modified %s); starting afresh",
					filepath.Base(info.Path), s.File.Size, s.File.ModTime.Local().Format(time.RFC3339))
			}
		}
	}
	return jr, nil, nil, note, nil
}

// begin records a new session after INIT.
func (jr *journal) begin(s *session) {
	if jr == nil {
		return
	}
	jr.st.Begin(store.Session{Key: jr.key, File: jr.fp, Account: jr.acc, BaseURL: jr.c.BaseURL(),
		Dialect: string(jr.c.Dialect()), Category: jr.cat, Owners: jr.owners, MediaID: s.mediaID, MediaKey: s.mediaKey,
		ExpiresAt: s.expiresAt, ChunkSize: s.chunk, Segments: s.segments})
}

// ack records one acknowledged segment; a failed write only costs a re-send later.
func (jr *journal) ack(i int) {
	if jr != nil {
		jr.st.Ack(jr.key, i)
	}
}

func (jr *journal) finalized() {
	if jr != nil {
		jr.st.MarkFinalized(jr.key)
	}
}

// finish moves the session to the ledger of ready media.
func (jr *journal) finish(m *xapi.Media, now time.Time) {
	if jr == nil {
		return
	}
	jr.st.Finish(jr.key, store.Ready{Key: jr.key, MediaID: m.ID, MediaKey: m.Key, ExpiresAt: m.ExpiresAt,
		File: jr.fp, Account: jr.acc, BaseURL: jr.c.BaseURL(), Dialect: string(jr.c.Dialect()), Category: jr.cat, Owners: jr.owners, Created: now})
}

// drop forgets the session (X refused the media; resuming cannot help).
func (jr *journal) drop() {
	if jr != nil {
		jr.st.Drop(jr.key)
	}
}

// sessionFrom rebuilds an in-memory session from the journal.
func sessionFrom(s *store.Session) *session {
	acked := make([]bool, s.Segments)
	for i := range acked {
		acked[i] = s.IsAcked(i)
	}
	return &session{mediaID: s.MediaID, mediaKey: s.MediaKey, expiresAt: s.ExpiresAt, chunk: s.ChunkSize,
		segments: s.Segments, acked: acked, size: s.File.Size, modTime: s.File.ModTime, finalized: s.Finalized}
}

// Resumable lists the journal's unfinished uploads that this client could
// continue: same account, host and dialect, not expired, file still there.
func Resumable(st *store.Store, c *xapi.Client, account string, now time.Time) ([]store.Session, error) {
	all, err := st.Sessions()
	if err != nil {
		return nil, err
	}
	var out []store.Session
	for _, s := range all {
		if s.Account != account || s.BaseURL != c.BaseURL() || s.Dialect != string(c.Dialect()) || s.Expired(now) {
			continue
		}
		if s.File.Check() != nil {
			continue // moved or changed: it would start afresh anyway
		}
		out = append(out, s)
	}
	return out, nil
}

// AddPaused lists an interrupted upload from the journal as a paused job
// with its progress so far; Resume continues it with the same media ID.
func (m *Manager) AddPaused(s store.Session) JobID {
	cat := s.Category
	opts := JobOptions{Category: cat, Owners: s.Owners}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nextID++
	j := &job{m: m, id: m.nextID, path: s.File.Path, opts: opts}
	var sent int64
	for i := 0; i < s.Segments; i++ {
		if s.IsAcked(i) {
			sent += min(s.ChunkSize, s.File.Size-int64(i)*s.ChunkSize)
		}
	}
	j.ev = Event{Job: j.id, Path: s.File.Path, Phase: PhasePaused, Category: cat, TotalBytes: s.File.Size,
		SentBytes: sent, SegmentsAcked: s.AckedCount(), SegmentsTotal: s.Segments, MediaID: s.MediaID,
		MediaKey: s.MediaKey, ExpiresAt: s.ExpiresAt, Resumed: true,
		Note: fmt.Sprintf("interrupted upload, %d of %d segments on X; resume to finish it", s.AckedCount(), s.Segments)}
	m.jobs[j.id] = j
	m.order = append(m.order, j.id)
	m.emitLocked(j, true)
	return j.id
}
