package store

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// testSession returns a session of n segments for a made-up file.
func testSession(name string, n int) Session {
	fp := Fingerprint{Path: "/media/" + name, Size: int64(n) * 1 << 20, ModTime: time.Unix(1700000000, 123456789).UTC(), SHA256: fmt.Sprintf("%064x", len(name)*7919+n)}
	return Session{
		Key:       SessionKey("3805104374", "http://127.0.0.1:1", "v2", fp.SHA256+name, "tweet_video"),
		File:      fp,
		Account:   "3805104374",
		BaseURL:   "http://127.0.0.1:1",
		Dialect:   "v2",
		Category:  "tweet_video",
		MediaID:   "1880028106020515840",
		MediaKey:  "7_1880028106020515840",
		ExpiresAt: time.Now().Add(24 * time.Hour).Round(0),
		ChunkSize: 1 << 20,
		Segments:  n,
	}
}

func mustBegin(t testing.TB, s *Store, sess Session) {
	t.Helper()
	if err := s.Begin(sess); err != nil {
		t.Fatal(err)
	}
}

func mustSession(t testing.TB, s *Store, key string) Session {
	t.Helper()
	sess, ok, err := s.Session(key)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatalf("session %s is missing", key)
	}
	return sess
}

func TestBeginAckSurvivesReopen(t *testing.T) {
	s, path := openTemp(t)
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return clock }
	want := testSession("clip.mp4", 10)
	mustBegin(t, s, want)
	clock = clock.Add(time.Minute)
	for _, i := range []int{0, 3, 9, 3} {
		if err := s.Ack(want.Key, i); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := mustSession(t, s, want.Key)
	if got.MediaID != want.MediaID || got.MediaKey != want.MediaKey || got.File != want.File ||
		got.ChunkSize != want.ChunkSize || got.Segments != 10 || !got.ExpiresAt.Equal(want.ExpiresAt) ||
		got.Account != want.Account || got.BaseURL != want.BaseURL || got.Dialect != want.Dialect || got.Category != want.Category {
		t.Errorf("reopened session differs:\n got %+v\nwant %+v", got, want)
	}
	if got.AckedCount() != 3 || !got.IsAcked(0) || !got.IsAcked(3) || !got.IsAcked(9) {
		t.Errorf("acked %v, want segments 0, 3, 9", got.Acked)
	}
	if m := got.Missing(); fmt.Sprint(m) != "[1 2 4 5 6 7 8]" {
		t.Errorf("Missing() = %v", m)
	}
	if !got.Created.Equal(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)) || !got.Updated.Equal(clock) {
		t.Errorf("Created %v Updated %v, want Begin's and the last Ack's time", got.Created, got.Updated)
	}
	if got.Finalized {
		t.Error("session finalized without MarkFinalized")
	}
}

func TestBeginReplaces(t *testing.T) {
	s, _ := openTemp(t)
	sess := testSession("a.mp4", 4)
	mustBegin(t, s, sess)
	if err := s.Ack(sess.Key, 1); err != nil {
		t.Fatal(err)
	}
	sess.MediaID = "999"
	mustBegin(t, s, sess) // a fresh INIT after expiry
	got := mustSession(t, s, sess.Key)
	if got.MediaID != "999" || got.AckedCount() != 0 {
		t.Errorf("after a second Begin: media %s, %d acked; want 999 and none", got.MediaID, got.AckedCount())
	}
	if err := s.Begin(Session{Key: "k", Segments: 1001}); err == nil || !strings.Contains(err.Error(), "1001 segments") {
		t.Errorf("Begin with 1001 segments: %v", err)
	}
}

func TestAckErrors(t *testing.T) {
	s, _ := openTemp(t)
	sess := testSession("a.mp4", 4)
	mustBegin(t, s, sess)

	err := s.Ack("nope", 0)
	if !errors.Is(err, ErrNoSession) || !strings.Contains(err.Error(), s.Path()) {
		t.Errorf("Ack of an unknown key: %v, want ErrNoSession naming the database", err)
	}
	for _, seg := range []int{-1, 4} {
		err := s.Ack(sess.Key, seg)
		if err == nil || !strings.Contains(err.Error(), "segments 0 to 3") || !strings.Contains(err.Error(), "a.mp4") {
			t.Errorf("Ack of segment %d: %v", seg, err)
		}
	}

	// Bad acks in the same group commit as good ones must fail alone.
	var wg sync.WaitGroup
	errs := make([]error, 64)
	for g := range 64 {
		wg.Go(func() {
			switch g % 4 {
			case 0:
				errs[g] = s.Ack("nope", 0)
			case 1:
				errs[g] = s.Ack(sess.Key, 7)
			default:
				errs[g] = s.Ack(sess.Key, g%4)
			}
		})
	}
	wg.Wait()
	for g, err := range errs {
		if (g%4 < 2) != (err != nil) {
			t.Errorf("goroutine %d (kind %d): error %v", g, g%4, err)
		}
	}
	got := mustSession(t, s, sess.Key)
	if got.AckedCount() != 2 || !got.IsAcked(2) || !got.IsAcked(3) {
		t.Errorf("acked %v, want segments 2 and 3", got.Acked)
	}
}

// TestConcurrentAck acks 1000 segments from 16 goroutines, each segment
// twice, and checks after reopening that every bit is set.
func TestConcurrentAck(t *testing.T) {
	s, path := openTemp(t)
	a, b := testSession("a.mp4", MaxSegments), testSession("b.mp4", 500)
	mustBegin(t, s, a)
	mustBegin(t, s, b)

	const workers = 16
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	for g := range workers {
		wg.Go(func() {
			for i := g; i < MaxSegments; i += workers {
				for _, seg := range []int{i, MaxSegments - 1 - i} {
					if err := s.Ack(a.Key, seg); err != nil {
						errc <- err
						return
					}
				}
				if i%2 == 0 {
					if err := s.Ack(b.Key, i/2); err != nil {
						errc <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, want := range []Session{a, b} {
		got := mustSession(t, s, want.Key)
		if got.AckedCount() != want.Segments || len(got.Missing()) != 0 || !got.Complete() {
			t.Errorf("%s: %d of %d acked, missing %v", want.File.Path, got.AckedCount(), want.Segments, got.Missing())
		}
	}
}

func TestMarkFinalizedDropSessions(t *testing.T) {
	s, _ := openTemp(t)
	clock := time.Unix(1700000000, 0)
	s.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	a, b, c := testSession("a.mp4", 2), testSession("b.mp4", 2), testSession("c.mp4", 2)
	for _, sess := range []Session{a, b, c} {
		mustBegin(t, s, sess)
	}
	if err := s.MarkFinalized(a.Key); err != nil {
		t.Fatal(err)
	}
	if !mustSession(t, s, a.Key).Finalized {
		t.Error("MarkFinalized did not stick")
	}
	if err := s.MarkFinalized("nope"); !errors.Is(err, ErrNoSession) {
		t.Errorf("MarkFinalized of an unknown key: %v", err)
	}
	if err := s.Drop(b.Key); err != nil {
		t.Fatal(err)
	}
	if err := s.Drop(b.Key); err != nil {
		t.Errorf("dropping twice: %v", err)
	}
	if _, ok, err := s.Session(b.Key); ok || err != nil {
		t.Errorf("dropped session: ok=%v err=%v", ok, err)
	}
	if err := s.Ack(b.Key, 0); !errors.Is(err, ErrNoSession) {
		t.Errorf("Ack after Drop: %v", err)
	}
	all, err := s.Sessions()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, sess := range all {
		names = append(names, sess.File.Path)
	}
	// a was updated last (MarkFinalized), then c was begun after a.
	if fmt.Sprint(names) != "[/media/a.mp4 /media/c.mp4]" {
		t.Errorf("Sessions() = %v, want a then c", names)
	}
}

func TestSessionExpired(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		s    Session
		want bool
	}{
		{Session{ExpiresAt: now.Add(time.Second)}, false},
		{Session{ExpiresAt: now}, true},
		{Session{Created: now.Add(-23 * time.Hour)}, false},
		{Session{Created: now.Add(-DefaultTTL)}, true},
	} {
		if got := tc.s.Expired(now); got != tc.want {
			t.Errorf("%+v: Expired = %v, want %v", tc.s, got, tc.want)
		}
	}
}
