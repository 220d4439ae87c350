package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrNoSession is wrapped by errors about a session key the journal does not
// hold (never begun, or already finished or dropped).
var ErrNoSession = errors.New("no such upload session")

// DefaultTTL is how long a session or ledger entry is taken to live when X
// did not say (its ExpiresAt is zero): X's usual expires_after_secs.
const DefaultTTL = 24 * time.Hour

// expiry is when an entry stops being usable.
func expiry(expiresAt, created time.Time) time.Time {
	if expiresAt.IsZero() {
		return created.Add(DefaultTTL)
	}
	return expiresAt
}

// Expired reports whether X has forgotten the session's media ID at now, so
// the upload must start again from INIT.
func (s Session) Expired(now time.Time) bool { return !now.Before(expiry(s.ExpiresAt, s.Created)) }

// Begin records a new session, replacing any session with the same key. Call
// it right after X accepts INIT. Created is set when zero; Acked is sized to
// Segments.
func (s *Store) Begin(sess Session) error {
	if err := sess.validate(); err != nil {
		return err
	}
	sess.normalizeAcked()
	now := s.now()
	if sess.Created.IsZero() {
		sess.Created = now
	}
	sess.Updated = now
	buf, err := json.Marshal(sess)
	if err != nil {
		return s.wrap("encoding session", err)
	}
	return s.wrap("recording upload session", s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSessions).Put([]byte(sess.Key), buf)
	}))
}

// MarkFinalized records that X accepted FINALIZE for the session, so a resumed
// job only polls STATUS.
func (s *Store) MarkFinalized(key string) error {
	return s.wrap("marking session finalized", s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		sess, err := s.getSession(b, key)
		if err != nil {
			return err
		}
		sess.Finalized = true
		sess.Updated = s.now()
		return s.putSession(b, sess)
	}))
}

// Session returns the journal record for key; ok is false when there is none.
func (s *Store) Session(key string) (sess Session, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSessions).Get([]byte(key))
		if v == nil {
			return nil
		}
		ok = true
		return s.decodeSession(key, v, &sess)
	})
	return sess, ok, s.wrap("reading upload session", err)
}

// Sessions returns every unfinished session, most recently updated first,
// for lists of resumable uploads. Expired sessions are included until
// Cleanup removes them; see Session.Expired.
func (s *Store) Sessions() ([]Session, error) {
	var all []Session
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSessions).ForEach(func(k, v []byte) error {
			var sess Session
			if err := s.decodeSession(string(k), v, &sess); err != nil {
				return err
			}
			all = append(all, sess)
			return nil
		})
	})
	if err != nil {
		return nil, s.wrap("listing upload sessions", err)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Updated.After(all[j].Updated) })
	return all, nil
}

// Drop deletes the session for key, after a failure that cannot be resumed
// or when its media ID has expired. Dropping a missing session is not an
// error.
func (s *Store) Drop(key string) error {
	return s.wrap("dropping upload session", s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSessions).Delete([]byte(key))
	}))
}

func (s *Store) getSession(b *bolt.Bucket, key string) (*Session, error) {
	v := b.Get([]byte(key))
	if v == nil {
		return nil, userError{fmt.Errorf("state database %s has no upload session %s: %w", s.path, key, ErrNoSession)}
	}
	sess := new(Session)
	if err := s.decodeSession(key, v, sess); err != nil {
		return nil, err
	}
	return sess, nil
}

func (s *Store) putSession(b *bolt.Bucket, sess *Session) error {
	buf, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	return b.Put([]byte(sess.Key), buf)
}

func (s *Store) decodeSession(key string, v []byte, sess *Session) error {
	if err := json.Unmarshal(v, sess); err != nil {
		return userError{fmt.Errorf("state database %s: upload session %s is unreadable (%v); drop it and upload the file again", s.path, key, err)}
	}
	sess.normalizeAcked()
	sess.Category, sess.Owners = splitOwners(sess.Category, sess.Owners)
	return nil
}
