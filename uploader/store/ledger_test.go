package store

import (
	"fmt"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func readyFor(sess Session, expires, created time.Time) Ready {
	return Ready{
		MediaID: sess.MediaID, MediaKey: sess.MediaKey, ExpiresAt: expires, File: sess.File,
		Account: sess.Account, BaseURL: sess.BaseURL, Dialect: sess.Dialect, Category: sess.Category, Created: created,
	}
}

func TestFinishMovesSessionToLedger(t *testing.T) {
	s, path := openTemp(t)
	now := time.Now()
	sess := testSession("clip.mp4", 3)
	mustBegin(t, s, sess)
	if err := s.Finish(sess.Key, readyFor(sess, now.Add(time.Hour), time.Time{})); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Session(sess.Key); ok {
		t.Error("the session is still in the journal after Finish")
	}
	s.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, ok, err := s.Lookup(sess.Key, now)
	if err != nil || !ok {
		t.Fatalf("Lookup after Finish: ok=%v err=%v", ok, err)
	}
	if r.Key != sess.Key || r.MediaID != sess.MediaID || r.MediaKey != sess.MediaKey || r.File != sess.File || r.Created.IsZero() {
		t.Errorf("ledger entry %+v does not match the session", r)
	}
	if _, ok, _ := s.Lookup(SessionKey("other", sess.BaseURL, sess.Dialect, sess.File.SHA256, sess.Category), now); ok {
		t.Error("Lookup found an entry for another account")
	}
}

func TestFinishValidates(t *testing.T) {
	s, _ := openTemp(t)
	sess := testSession("clip.mp4", 3)
	r := readyFor(sess, time.Now().Add(time.Hour), time.Time{})
	for name, tc := range map[string]struct {
		key  string
		r    Ready
		want string
	}{
		"no key":       {"", r, "without a key"},
		"key mismatch": {sess.Key, Ready{Key: "other", MediaID: "1", File: sess.File}, "differs from"},
		"no media ID":  {sess.Key, Ready{File: sess.File}, "clip.mp4: it has no media ID"},
	} {
		if err := s.Finish(tc.key, tc.r); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Finish error %v, want one containing %q", name, err, tc.want)
		}
	}
	// Finish without a session (a simple, unchunked upload) still records it.
	if err := s.Finish(sess.Key, r); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Lookup(sess.Key, time.Now()); !ok {
		t.Error("Finish without a session did not record the ledger entry")
	}
}

func TestLookupExpiry(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name        string
		expires     time.Time
		created     time.Time
		wantOK      bool
		wantHistory bool // still listed after the Lookup
	}{
		{"a day left", now.Add(24 * time.Hour), now, true, true},
		{"just over the margin", now.Add(ReuseMargin + time.Second), now, true, true},
		{"inside the margin", now.Add(ReuseMargin - time.Second), now, false, true},
		{"expiring now", now, now.Add(-time.Hour), false, false},
		{"expired", now.Add(-time.Minute), now.Add(-time.Hour), false, false},
		{"no expiry, recent", time.Time{}, now.Add(-time.Hour), true, true},
		{"no expiry, old", time.Time{}, now.Add(-DefaultTTL - time.Minute), false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openTemp(t)
			sess := testSession("x.mp4", 1)
			if err := s.Finish(sess.Key, readyFor(sess, tc.expires, tc.created)); err != nil {
				t.Fatal(err)
			}
			r, ok, err := s.Lookup(sess.Key, now)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.wantOK || (ok && r.MediaID != sess.MediaID) {
				t.Errorf("Lookup: ok=%v media %q, want ok=%v", ok, r.MediaID, tc.wantOK)
			}
			h, err := s.History()
			if err != nil {
				t.Fatal(err)
			}
			if (len(h) == 1) != tc.wantHistory {
				t.Errorf("History has %d entries after Lookup, want kept=%v", len(h), tc.wantHistory)
			}
		})
	}
}

func TestHistoryNewestFirstAndForget(t *testing.T) {
	s, _ := openTemp(t)
	base := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	var keys []string
	for i, name := range []string{"b.mp4", "c.mp4", "a.mp4"} {
		sess := testSession(name, 1)
		keys = append(keys, sess.Key)
		if err := s.Finish(sess.Key, readyFor(sess, base.Add(48*time.Hour), base.Add(time.Duration(i)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	h, err := s.History()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range h {
		names = append(names, r.File.Path)
	}
	if fmt.Sprint(names) != "[/media/a.mp4 /media/c.mp4 /media/b.mp4]" {
		t.Errorf("History order %v, want newest first", names)
	}
	if err := s.Forget(keys[1]); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Lookup(keys[1], base); ok {
		t.Error("Lookup found a forgotten entry")
	}
	if h, _ := s.History(); len(h) != 2 {
		t.Errorf("History has %d entries after Forget, want 2", len(h))
	}
}

func TestCleanup(t *testing.T) {
	s, _ := openTemp(t)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	live, dead := testSession("live.mp4", 2), testSession("dead.mp4", 2)
	live.ExpiresAt, dead.ExpiresAt = now.Add(time.Hour), now.Add(-time.Hour)
	mustBegin(t, s, live)
	mustBegin(t, s, dead)
	old := testSession("old.mp4", 1)
	fresh := testSession("fresh.mp4", 1)
	if err := s.Finish(old.Key, readyFor(old, now.Add(-time.Second), now.Add(-time.Hour))); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(fresh.Key, readyFor(fresh, now.Add(time.Minute), now)); err != nil {
		t.Fatal(err)
	}
	// A damaged record is unreadable for Sessions; Cleanup removes it.
	if err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSessions).Put([]byte("damaged"), []byte("{not json"))
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sessions(); err == nil || !strings.Contains(err.Error(), "damaged is unreadable") {
		t.Errorf("Sessions with a damaged record: %v", err)
	}

	removed, err := s.Cleanup(now)
	if err != nil {
		t.Fatal(err)
	}
	if removed != 3 {
		t.Errorf("Cleanup removed %d, want 3 (expired session, expired ledger entry, damaged record)", removed)
	}
	sessions, err := s.Sessions()
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 1 || sessions[0].Key != live.Key {
		t.Errorf("sessions after Cleanup: %+v, want only live.mp4", sessions)
	}
	h, _ := s.History()
	if len(h) != 1 || h[0].Key != fresh.Key {
		t.Errorf("ledger after Cleanup: %+v, want only fresh.mp4", h)
	}
	if removed, _ := s.Cleanup(now); removed != 0 {
		t.Errorf("second Cleanup removed %d, want 0", removed)
	}
}
