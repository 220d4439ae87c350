package uploader

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mediaup/mediaup/internal/testmedia"
	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/uploader/store"
	"github.com/mediaup/mediaup/xapi"
)

// lostFinalize stands in front of the sandbox. The first FINALIZE is
// processed by the sandbox, but its answer never reaches the client (the
// process is killed while it waits); every later FINALIZE of that media is
// refused with 400, as an X that does not accept a second FINALIZE would.
type lostFinalize struct {
	sb        http.Handler
	processed chan struct{} // closed once the first FINALIZE went through
	once      sync.Once
	finalizes atomic.Int64
}

func (h *lostFinalize) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/finalize") {
		h.sb.ServeHTTP(w, r)
		return
	}
	if h.finalizes.Add(1) == 1 {
		rec := httptest.NewRecorder()
		h.sb.ServeHTTP(rec, r)
		if rec.Code/100 != 2 {
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
			return
		}
		h.once.Do(func() { close(h.processed) })
		<-r.Context().Done() // the client goes away without an answer
		panic(http.ErrAbortHandler)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusBadRequest)
	w.Write([]byte(`{"title":"Invalid Request","detail":"One or more parameters to your request was invalid.",` +
		`"type":"https://api.x.com/2/problems/invalid-request","errors":[{"message":"Media is already finalized."}]}`))
}

// TestResumeAfterFinalizeAnswerLost covers the window between X processing
// FINALIZE and the journal recording it: a process killed there leaves a
// session with every segment acknowledged but not marked finalized. The
// next run sends FINALIZE again; if X refuses it because the first one went
// through, STATUS must settle what X has, and the upload ends ready with the
// same media ID instead of failing.
func TestResumeAfterFinalizeAnswerLost(t *testing.T) {
	h := &lostFinalize{sb: sandbox.New(sandbox.Options{}), processed: make(chan struct{})}
	srv := httptest.NewServer(h)
	defer srv.Close()
	dir := t.TempDir()
	if _, err := testmedia.WriteTo(dir); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "sample.mp4")
	a := sandbox.DemoAccount()
	cl, err := xapi.NewClient(xapi.Options{BaseURL: srv.URL, Credentials: xapi.Credentials{ConsumerKey: a.ConsumerKey, ConsumerSecret: a.ConsumerSecret, AccessToken: a.AccessToken, AccessSecret: a.AccessSecret}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// First run: stopped while FINALIZE, already processed, waits for its answer.
	m1 := NewManager(Config{Client: cl, Store: st, Account: a.UserID})
	go func() {
		for range m1.Events() {
		}
	}()
	m1.Add(file, JobOptions{})
	select {
	case <-h.processed:
	case <-ctx.Done():
		t.Fatal("FINALIZE never reached the sandbox")
	}
	m1.Close()
	first := m1.Snapshot()[0]
	sessions, err := st.Sessions()
	if err != nil || len(sessions) != 1 || !sessions[0].Complete() || sessions[0].Finalized {
		t.Fatalf("after the interrupted FINALIZE the journal should hold one complete, unfinalized session: %+v, %v", sessions, err)
	}
	id := sessions[0].MediaID

	// Second run: resumes the session; FINALIZE is refused; STATUS settles it.
	m2 := NewManager(Config{Client: cl, Store: st, Account: a.UserID})
	defer m2.Close()
	go func() {
		for range m2.Events() {
		}
	}()
	m2.Add(file, JobOptions{})
	if err := m2.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	ev := m2.Snapshot()[0]
	if ev.Phase != PhaseReady || ev.MediaID != id || !ev.Resumed {
		t.Fatalf("resumed run ended %s with media %q (resumed %v), want ready with %s; first run ended %s (%v); err %v",
			ev.Phase, ev.MediaID, ev.Resumed, id, first.Phase, first.Err, ev.Err)
	}
	if n := h.finalizes.Load(); n != 2 {
		t.Errorf("%d FINALIZE requests, want 2 (the lost one and the refused one)", n)
	}
	var ae *xapi.APIError
	if errors.As(ev.Err, &ae) {
		t.Errorf("ready job carries an error: %v", ev.Err)
	}
	if sessions, _ := st.Sessions(); len(sessions) != 0 {
		t.Errorf("journal still holds %d sessions after the upload finished", len(sessions))
	}
}
