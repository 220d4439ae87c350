package store

import (
	"path/filepath"
	"testing"
	"time"
)

// TestPostRecordSurvivesReopen: a post begun and never finished is still
// known after the process that began it is gone; a finished one keeps its
// tweet ID; a refused one is forgotten.
func TestPostRecordSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"2125648957928196664", "2125648957928196665"}
	k := PostKey("1500", "http://127.0.0.1:1", "launch", ids)
	if k == PostKey("1500", "http://127.0.0.1:1", "launch", ids[:1]) || k == PostKey("1500", "http://127.0.0.1:1", "launch!", ids) {
		t.Fatal("different posts share a key")
	}
	if err := st.BeginPost(Post{Key: k, Account: "1500", Text: "launch", MediaIDs: ids}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, ok, err := st.Post(k)
	if err != nil || !ok || p.Done() || p.Text != "launch" || p.Started.IsZero() {
		t.Fatalf("after reopen: %+v %v %v", p, ok, err)
	}
	if err := st.FinishPost(k, "99"); err != nil {
		t.Fatal(err)
	}
	if p, _, _ := st.Post(k); !p.Done() || p.TweetID != "99" || len(p.MediaIDs) != 2 {
		t.Fatalf("finished: %+v", p)
	}
	if err := st.DropPost(k); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := st.Post(k); ok {
		t.Fatal("dropped post still known")
	}
}

// TestCleanupForgetsOldPosts: post records go after PostMemory, not before.
func TestCleanupForgetsOldPosts(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	if err := st.BeginPost(Post{Key: "k", Text: "t", Started: start}); err != nil {
		t.Fatal(err)
	}
	if n, err := st.Cleanup(start.Add(PostMemory - time.Minute)); err != nil || n != 0 {
		t.Fatalf("cleanup before PostMemory removed %d (%v)", n, err)
	}
	if _, ok, _ := st.Post("k"); !ok {
		t.Fatal("a recent post record was removed")
	}
	if n, err := st.Cleanup(start.Add(PostMemory + time.Minute)); err != nil || n != 1 {
		t.Fatalf("cleanup after PostMemory removed %d (%v)", n, err)
	}
	if _, ok, _ := st.Post("k"); ok {
		t.Fatal("an old post record survived cleanup")
	}
}
