package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Post is a tweet mediaup was asked to post. It is recorded before the
// request goes out, so a run that dies while posting leaves a trace and
// the next run with the same text and media does not post blindly again:
// X has no idempotency key.
type Post struct {
	Key      string    `json:"key"`
	Account  string    `json:"account"`
	BaseURL  string    `json:"base_url"`
	Text     string    `json:"text"`
	MediaIDs []string  `json:"media_ids"`
	ReplyTo  string    `json:"reply_to,omitempty"` // the tweet it replies to
	Started  time.Time `json:"started"`
	TweetID  string    `json:"tweet_id,omitempty"` // set once X answered with the tweet
}

// PostMemory is how long a post record is kept. Its media IDs have expired
// long before (X keeps them a day), so the same post cannot happen again.
const PostMemory = 7 * 24 * time.Hour

// Done reports whether X confirmed the post.
func (p Post) Done() bool { return p.TweetID != "" }

// PostKey names one post: the same account, host, text and media.
func PostKey(account, baseURL, text string, mediaIDs []string) string {
	h := sha256.New()
	for _, part := range []string{account, baseURL, text, strings.Join(mediaIDs, ",")} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// BeginPost records that a post is about to be sent.
func (s *Store) BeginPost(p Post) error {
	if p.Key == "" {
		p.Key = PostKey(p.Account, p.BaseURL, p.Text, p.MediaIDs)
	}
	if p.Started.IsZero() {
		p.Started = s.now()
	}
	buf, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return s.wrap("record the post", s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPosts).Put([]byte(p.Key), buf)
	}))
}

// FinishPost records the tweet X created for a post.
func (s *Store) FinishPost(key, tweetID string) error {
	return s.wrap("record the tweet", s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPosts)
		var p Post
		if v := b.Get([]byte(key)); v != nil {
			if err := json.Unmarshal(v, &p); err != nil {
				return err
			}
		}
		p.Key, p.TweetID = key, tweetID
		buf, err := json.Marshal(p)
		if err != nil {
			return err
		}
		return b.Put([]byte(key), buf)
	}))
}

// DropPost forgets a post X refused: nothing was posted, so trying again is safe.
func (s *Store) DropPost(key string) error {
	return s.wrap("forget the post", s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPosts).Delete([]byte(key))
	}))
}

// Post returns what is known of a post.
func (s *Store) Post(key string) (p Post, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketPosts).Get([]byte(key))
		if v == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &p)
	})
	return p, ok, s.wrap("read the post", err)
}
