package store

import (
	"fmt"
	"math/bits"
	"net/url"
	"strings"
	"time"
)

// MaxSegments is the most APPEND segments one upload may have (X accepts
// segment_index 0–999), and so the size of a session's acknowledgement set.
const MaxSegments = 1000

// Session is the journal record of one unfinished chunked upload: the media
// ID X gave at INIT and which segments it has acknowledged.
type Session struct {
	Key      string      `json:"key"`              // SessionKey(Account, BaseURL, Dialect, File.SHA256, Category, Owners...)
	File     Fingerprint `json:"file"`             // the file being uploaded
	Account  string      `json:"account"`          // the X user ID the upload belongs to
	BaseURL  string      `json:"base_url"`         // the API base URL the media ID is valid on
	Dialect  string      `json:"dialect"`          // "v2" or "v1.1"
	Category string      `json:"category"`         // media_category sent at INIT
	Owners   []string    `json:"owners,omitempty"` // additional_owners sent at INIT

	MediaID   string    `json:"media_id"`   // from INIT
	MediaKey  string    `json:"media_key"`  // from INIT, when X sent one
	ExpiresAt time.Time `json:"expires_at"` // when X forgets the media ID; zero if unknown

	ChunkSize int64 `json:"chunk_size"` // bytes per segment; the last one may be shorter
	Segments  int   `json:"segments"`   // number of segments, at most MaxSegments

	// Acked is a bitset of acknowledged segment indices: segment i is bit
	// i%64 of Acked[i/64].
	Acked []uint64 `json:"acked"`

	Finalized bool `json:"finalized"` // FINALIZE was accepted; only STATUS polling remains

	Created time.Time `json:"created"` // when Begin recorded the session
	Updated time.Time `json:"updated"` // last Ack or MarkFinalized
}

// SessionKey is the journal and ledger key for one file's content uploaded by
// one account to one endpoint in one dialect and media category, with the
// same additional owners (they are part of INIT). A media ID is only reusable
// when all of them match.
func SessionKey(account, baseURL, dialect, sha256hex, category string, owners ...string) string {
	if len(owners) > 0 {
		// The form keys had when owners were stored inside the category, so
		// journals written then still match.
		category += "+" + strings.Join(owners, ",")
	}
	parts := []string{
		strings.TrimSpace(account),
		strings.TrimRight(strings.TrimSpace(baseURL), "/"),
		strings.ToLower(strings.TrimSpace(dialect)),
		strings.ToLower(strings.TrimSpace(category)),
		strings.ToLower(strings.TrimSpace(sha256hex)),
	}
	// Escaping each part keeps the key unambiguous whatever the parts hold.
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "|")
}

// IsAcked reports whether segment i has been acknowledged.
func (s Session) IsAcked(i int) bool {
	if i < 0 || i/64 >= len(s.Acked) {
		return false
	}
	return s.Acked[i/64]&(1<<(uint(i)%64)) != 0
}

// AckedCount returns how many segments have been acknowledged.
func (s Session) AckedCount() int {
	n := 0
	for _, w := range s.Acked {
		n += bits.OnesCount64(w)
	}
	return n
}

// Missing returns, in ascending order, the segments still to be sent.
func (s Session) Missing() []int {
	missing := make([]int, 0, s.Segments-min(s.AckedCount(), s.Segments))
	for i := range s.Segments {
		if !s.IsAcked(i) {
			missing = append(missing, i)
		}
	}
	return missing
}

// Complete reports whether every segment has been acknowledged.
func (s Session) Complete() bool { return s.AckedCount() >= s.Segments }

func (s *Session) setAcked(i int) (changed bool) {
	w, m := i/64, uint64(1)<<(uint(i)%64)
	if s.Acked[w]&m != 0 {
		return false
	}
	s.Acked[w] |= m
	return true
}

// splitOwners migrates a record written when the owners were stored in the
// category as "tweet_video+id,id": it returns the real category and owners.
func splitOwners(category string, owners []string) (string, []string) {
	cat, list, ok := strings.Cut(category, "+")
	if !ok || len(owners) > 0 {
		return category, owners
	}
	if list == "" {
		return cat, nil
	}
	return cat, strings.Split(list, ",")
}

// validate checks a session before it is written. Errors name the file.
func (s *Session) validate() error {
	name := s.File.Path
	if name == "" {
		name = s.Key
	}
	switch {
	case s.Key == "":
		return fmt.Errorf("upload session for %s has no key; build one with SessionKey", name)
	case s.Segments < 0 || s.Segments > MaxSegments:
		return fmt.Errorf("upload session for %s has %d segments, outside the 0–%d that X accepts; use a larger chunk size", name, s.Segments, MaxSegments)
	case s.ChunkSize < 0:
		return fmt.Errorf("upload session for %s has a negative chunk size %d", name, s.ChunkSize)
	}
	return nil
}

// normalizeAcked sizes the bitset for the segment count and clears bits
// beyond it, so AckedCount never counts segments that do not exist.
func (s *Session) normalizeAcked() {
	words := (s.Segments + 63) / 64
	acked := make([]uint64, words)
	copy(acked, s.Acked)
	if r := s.Segments % 64; r != 0 && words > 0 {
		acked[words-1] &= (1 << uint(r)) - 1
	}
	s.Acked = acked
}

// Ready is the ledger record of media that finished processing on X: its
// media ID can be attached to a post until ExpiresAt.
type Ready struct {
	Key       string      `json:"key"`              // the same SessionKey as the journal used
	MediaID   string      `json:"media_id"`         // the media ID to attach
	MediaKey  string      `json:"media_key"`        // the media key, when X sent one
	ExpiresAt time.Time   `json:"expires_at"`       // when X forgets the media ID
	File      Fingerprint `json:"file"`             // the file that was uploaded
	Account   string      `json:"account"`          // the X user ID that owns it
	BaseURL   string      `json:"base_url"`         // the API base URL it is valid on
	Dialect   string      `json:"dialect"`          // "v2" or "v1.1"
	Category  string      `json:"category"`         // media_category
	Owners    []string    `json:"owners,omitempty"` // additional_owners it was uploaded with
	Created   time.Time   `json:"created"`          // when the upload finished
}
