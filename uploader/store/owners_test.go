package store

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestOwnersAreAListAndPartOfTheKey: owners are stored in their own field,
// the category stays the real media_category, and owners make the key.
func TestOwnersAreAListAndPartOfTheKey(t *testing.T) {
	plain := SessionKey("1", "https://api.x.com", "v2", "abcdef", "tweet_video")
	shared := SessionKey("1", "https://api.x.com", "v2", "abcdef", "tweet_video", "2", "3")
	if plain == shared || shared == SessionKey("1", "https://api.x.com", "v2", "abcdef", "tweet_video", "2") {
		t.Errorf("owners do not change the key: %q %q", plain, shared)
	}
	// Keys written when owners lived in the category still match.
	if old := SessionKey("1", "https://api.x.com", "v2", "abcdef", "tweet_video+2,3"); old != shared {
		t.Errorf("key %q, want the old form %q", shared, old)
	}

	s, _ := openTemp(t)
	fp := Fingerprint{Path: "/m/clip.mp4", Size: 10, SHA256: "abcdef"}
	if err := s.Begin(Session{Key: shared, File: fp, Account: "1", Category: "tweet_video", Owners: []string{"2", "3"},
		MediaID: "9", ChunkSize: 10, Segments: 1, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Session(shared)
	if err != nil || !ok || got.Category != "tweet_video" || !slices.Equal(got.Owners, []string{"2", "3"}) {
		t.Fatalf("Session = %+v, %v, %v; want category tweet_video and owners [2 3]", got, ok, err)
	}
	if err := s.Finish(shared, Ready{MediaID: "9", File: fp, Account: "1", Category: "tweet_video", Owners: []string{"2", "3"},
		ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	h, err := s.History()
	if err != nil || len(h) != 1 || h[0].Category != "tweet_video" || !slices.Equal(h[0].Owners, []string{"2", "3"}) {
		t.Fatalf("History = %+v, %v", h, err)
	}
}

// TestOldOwnersInCategoryMigrateOnRead: records written when the owners were
// appended to the category read as the real category plus an owner list.
func TestOldOwnersInCategoryMigrateOnRead(t *testing.T) {
	s, _ := openTemp(t)
	key := SessionKey("1", "https://api.x.com", "v2", "abcdef", "tweet_image+2,3")
	put := func(bucket []byte, v any) {
		buf, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put([]byte(key), buf) }); err != nil {
			t.Fatal(err)
		}
	}
	old := map[string]any{"key": key, "account": "1", "category": "tweet_image+2,3", "media_id": "9",
		"chunk_size": 10, "segments": 1, "file": map[string]any{"path": "/m/a.png"}}
	put(bucketSessions, old)
	put(bucketLedger, old)
	sessions, err := s.Sessions()
	if err != nil || len(sessions) != 1 {
		t.Fatalf("Sessions = %+v, %v", sessions, err)
	}
	ready, err := s.History()
	if err != nil || len(ready) != 1 {
		t.Fatalf("History = %+v, %v", ready, err)
	}
	for _, got := range []struct {
		cat    string
		owners []string
	}{{sessions[0].Category, sessions[0].Owners}, {ready[0].Category, ready[0].Owners}} {
		if got.cat != "tweet_image" || !slices.Equal(got.owners, []string{"2", "3"}) {
			t.Errorf("old record read as category %q owners %v; want tweet_image [2 3]", got.cat, got.owners)
		}
	}
}
