package store

import (
	"slices"
	"testing"
)

func TestSessionKey(t *testing.T) {
	base := SessionKey("3805104374", "https://api.x.com", "v2", "ABCDEF", "tweet_video")
	if base != SessionKey(" 3805104374", "https://api.x.com/", "V2", "abcdef", "TWEET_VIDEO") {
		t.Error("SessionKey does not normalise spaces, trailing slash and case")
	}
	others := []string{
		SessionKey("1", "https://api.x.com", "v2", "abcdef", "tweet_video"),
		SessionKey("3805104374", "http://127.0.0.1:8080", "v2", "abcdef", "tweet_video"),
		SessionKey("3805104374", "https://api.x.com", "v1.1", "abcdef", "tweet_video"),
		SessionKey("3805104374", "https://api.x.com", "v2", "abcdee", "tweet_video"),
		SessionKey("3805104374", "https://api.x.com", "v2", "abcdef", "tweet_gif"),
	}
	for _, k := range others {
		if k == base {
			t.Errorf("key %q should differ from %q", k, base)
		}
	}
	// A separator inside one part must not let two different tuples collide.
	if SessionKey("a|b", "c", "v2", "00", "x") == SessionKey("a", "b|c", "v2", "00", "x") {
		t.Error("SessionKey is ambiguous when a part contains the separator")
	}
}

func TestSessionBitset(t *testing.T) {
	s := Session{Segments: 130, Acked: []uint64{0, 0, ^uint64(0), 7}} // too long, bits beyond 130 set
	s.normalizeAcked()
	if len(s.Acked) != 3 {
		t.Fatalf("normalised bitset has %d words, want 3", len(s.Acked))
	}
	if got := s.AckedCount(); got != 2 {
		t.Errorf("AckedCount = %d, want 2 (bits 128 and 129 only)", got)
	}
	for _, i := range []int{0, 63, 64, 127} {
		if !s.setAcked(i) {
			t.Errorf("setAcked(%d) reported no change on a clear bit", i)
		}
		if s.setAcked(i) {
			t.Errorf("setAcked(%d) twice reported a change", i)
		}
	}
	for i, want := range map[int]bool{0: true, 1: false, 63: true, 64: true, 127: true, 128: true, 129: true, 130: false, -1: false} {
		if s.IsAcked(i) != want {
			t.Errorf("IsAcked(%d) = %v, want %v", i, !want, want)
		}
	}
	if got := s.AckedCount(); got != 6 {
		t.Errorf("AckedCount = %d, want 6", got)
	}
	missing := s.Missing()
	if len(missing) != 124 || missing[0] != 1 || missing[61] != 62 || missing[62] != 65 || slices.Contains(missing, 128) {
		t.Errorf("Missing() = %v", missing)
	}
	if s.Complete() {
		t.Error("Complete() with missing segments")
	}
	empty := Session{Segments: 0}
	empty.normalizeAcked()
	if !empty.Complete() || len(empty.Missing()) != 0 {
		t.Error("a zero-segment session should be complete with nothing missing")
	}
}

func TestSessionValidate(t *testing.T) {
	for _, s := range []Session{
		{Segments: 1},
		{Key: "k", Segments: MaxSegments + 1},
		{Key: "k", Segments: -1},
		{Key: "k", Segments: 1, ChunkSize: -5},
	} {
		if s.validate() == nil {
			t.Errorf("%+v: validate accepted it", s)
		}
	}
	if err := (&Session{Key: "k", Segments: MaxSegments, ChunkSize: 5 << 20}).validate(); err != nil {
		t.Error(err)
	}
}
