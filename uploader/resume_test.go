package uploader

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/uploader/store"
	"github.com/mediaup/mediaup/xapi"
)

// TestResumeAcrossManagers stops a manager mid-upload (as a quit or crash
// would), then a new manager on the same journal lists the upload as
// resumable and finishes it with the same media ID, re-sending at most the
// segments that were in flight.
func TestResumeAcrossManagers(t *testing.T) {
	e := newEnv(t, xapi.V2, sandbox.Options{Bandwidth: 2 << 20})
	big := bigMP4(t, e.sample("sample.mp4"), 3<<20)
	st, err := store.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const chunk, inflight = 256 << 10, 2
	cfg := Config{Client: e.cl, ChunkSize: chunk, Segments: inflight, Store: st, Account: "1500000000000000001"}

	m1 := NewManager(cfg)
	first := make(chan Event, 1)
	go func() {
		for ev := range m1.Events() {
			if ev.Phase == PhaseUploading && ev.SegmentsAcked >= 4 {
				select {
				case first <- ev:
				default:
				}
			}
		}
	}()
	m1.Add(big, JobOptions{})
	var mid Event
	select {
	case mid = <-first:
	case <-time.After(20 * time.Second):
		t.Fatal("no progress")
	}
	m1.Close()

	rs, err := Resumable(st, e.cl, cfg.Account, time.Now())
	if err != nil || len(rs) != 1 || rs[0].MediaID != mid.MediaID || rs[0].AckedCount() < 4 {
		t.Fatalf("resumable %+v, %v (media %s)", rs, err, mid.MediaID)
	}
	m2 := NewManager(cfg)
	defer m2.Close()
	go func() {
		for range m2.Events() {
		}
	}()
	id := m2.AddPaused(rs[0])
	if ev, _ := m2.Job(id); ev.Phase != PhasePaused || ev.SegmentsAcked != rs[0].AckedCount() || ev.Note == "" {
		t.Fatalf("listed as %+v", ev)
	}
	if err := m2.Resume(id); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m2.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	done, _ := m2.Job(id)
	if done.Phase != PhaseReady || done.MediaID != mid.MediaID {
		t.Fatalf("resumed to %s %s (want media %s): %v", done.Phase, done.MediaID, mid.MediaID, done.Err)
	}
	var sm sbMedia
	e.getJSON(t, "/sandbox/media/"+done.MediaID, &sm)
	if sm.SHA256 != fileSHA(t, big) {
		t.Fatal("assembled bytes differ")
	}
	if limit := sm.TotalBytes + inflight*chunk; sm.AppendedBytes > limit {
		t.Fatalf("appended %d bytes, more than %d", sm.AppendedBytes, limit)
	}
	if rs, _ := Resumable(st, e.cl, cfg.Account, time.Now()); len(rs) != 0 {
		t.Fatalf("finished upload still listed: %+v", rs)
	}
	// The same content again reuses the ready media instead of uploading it.
	evs := runAll(t, cfg, []string{big}, JobOptions{})
	if evs[0].MediaID != mid.MediaID || !evs[0].Reused {
		t.Fatalf("second upload of the same file: %+v", evs[0])
	}
}

// TestResumeAfterTouch: a file whose mtime changed but whose content did
// not (the journal keys sessions by content hash) resumes instead of
// failing as "changed during upload".
func TestResumeAfterTouch(t *testing.T) {
	e := newEnv(t, xapi.V2, sandbox.Options{Bandwidth: 2 << 20})
	big := bigMP4(t, "", 3<<20)
	st, err := store.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg := Config{Client: e.cl, ChunkSize: 256 << 10, Segments: 2, Store: st, Account: "1"}
	m1 := NewManager(cfg)
	started := make(chan string, 1)
	go func() {
		for ev := range m1.Events() {
			if ev.SegmentsAcked >= 2 && ev.Phase == PhaseUploading {
				select {
				case started <- ev.MediaID:
				default:
				}
			}
		}
	}()
	m1.Add(big, JobOptions{})
	id := <-started
	m1.Close()
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(big, later, later); err != nil {
		t.Fatal(err)
	}
	evs := runAll(t, cfg, []string{big}, JobOptions{})
	if ev := evs[0]; ev.Phase != PhaseReady || ev.MediaID != id || !ev.Resumed {
		t.Fatalf("after touch: %s media %s (want %s) resumed=%v: %v", ev.Phase, ev.MediaID, id, ev.Resumed, ev.Err)
	}
}

// TestRetryExpiredMedia: a ready job whose media ID has expired can be
// retried and is uploaded again under a new media ID.
func TestRetryExpiredMedia(t *testing.T) {
	e := newEnv(t, xapi.V2, sandbox.Options{})
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	m := NewManager(Config{Client: e.cl, Now: clock})
	defer m.Close()
	go func() {
		for range m.Events() {
		}
	}()
	id := m.Add(e.sample("sample.png"), JobOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m.Wait(ctx)
	first, _ := m.Job(id)
	if first.Phase != PhaseReady {
		t.Fatalf("%s %v", first.Phase, first.Err)
	}
	if err := m.Retry(id); err == nil {
		t.Fatal("a fresh ready file should not be retried")
	}
	now.Store(first.ExpiresAt.Add(time.Second).UnixNano())
	if err := m.Retry(id); err != nil {
		t.Fatal(err)
	}
	m.Wait(ctx)
	again, _ := m.Job(id)
	if again.Phase != PhaseReady || again.MediaID == first.MediaID || again.MediaID == "" {
		t.Fatalf("after retrying an expired media: %s %s (was %s) %v", again.Phase, again.MediaID, first.MediaID, again.Err)
	}
}

// TestRefusedSessionLeavesJournal: a journaled session X no longer knows
// (its answer to APPEND is 400 "Invalid media_id") fails without a retry
// offer and leaves the journal, so the next run starts afresh and succeeds.
func TestRefusedSessionLeavesJournal(t *testing.T) {
	e := newEnv(t, xapi.V2, sandbox.Options{})
	big := bigMP4(t, "", 1<<20)
	st, err := store.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fp, err := store.FingerprintFile(big)
	if err != nil {
		t.Fatal(err)
	}
	key := store.SessionKey("1", e.cl.BaseURL(), string(e.cl.Dialect()), fp.SHA256, "tweet_video")
	if err := st.Begin(store.Session{Key: key, File: fp, Account: "1", BaseURL: e.cl.BaseURL(), Dialect: string(e.cl.Dialect()),
		Category: "tweet_video", MediaID: "1999999999999999999", ExpiresAt: time.Now().Add(time.Hour),
		ChunkSize: 256 << 10, Segments: 4}); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Client: e.cl, Store: st, Account: "1"}
	ev := runAll(t, cfg, []string{big}, JobOptions{})[0]
	var ae *xapi.APIError
	if ev.Phase != PhaseFailed || ev.Retryable || !ev.Resumed || !errors.As(ev.Err, &ae) || ae.StatusCode != 400 {
		t.Fatalf("%s retryable=%v resumed=%v: %v", ev.Phase, ev.Retryable, ev.Resumed, ev.Err)
	}
	if ss, _ := st.Sessions(); len(ss) != 0 {
		t.Fatalf("refused session still journaled: %+v", ss)
	}
	again := runAll(t, cfg, []string{big}, JobOptions{})[0]
	if again.Phase != PhaseReady || again.Resumed || again.MediaID == "1999999999999999999" {
		t.Fatalf("next run: %s resumed=%v media %s: %v", again.Phase, again.Resumed, again.MediaID, again.Err)
	}
}
