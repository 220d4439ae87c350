package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ReuseMargin is how much life a ledger entry must have left for Lookup to
// offer its media ID: enough to attach it to a post without it expiring on
// the way.
const ReuseMargin = 10 * time.Minute

// Expired reports whether X has forgotten the media ID at now.
func (r Ready) Expired(now time.Time) bool { return !now.Before(expiry(r.ExpiresAt, r.Created)) }

// Finish moves a finished upload from the journal to the ledger in one
// transaction: the session for key (if any) is deleted and r is stored under
// key. r.Key may be empty; r.Created is set when zero.
func (s *Store) Finish(key string, r Ready) error {
	if key == "" {
		return errors.New("cannot record a finished upload without a key; build one with SessionKey")
	}
	if r.Key != "" && r.Key != key {
		return fmt.Errorf("cannot record the finished upload of %s: its key %q differs from the session key %q", r.File.Path, r.Key, key)
	}
	if r.MediaID == "" {
		return fmt.Errorf("cannot record the finished upload of %s: it has no media ID", r.File.Path)
	}
	r.Key = key
	if r.Created.IsZero() {
		r.Created = s.now()
	}
	buf, err := json.Marshal(r)
	if err != nil {
		return s.wrap("encoding ledger entry", err)
	}
	return s.wrap("recording finished upload", s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketSessions).Delete([]byte(key)); err != nil {
			return err
		}
		return tx.Bucket(bucketLedger).Put([]byte(key), buf)
	}))
}

// Lookup returns the ledger entry for key if its media ID can still be used:
// at least ReuseMargin must be left before it expires. An entry that has
// already expired is deleted; one inside the margin is kept for History but
// not returned.
func (s *Store) Lookup(key string, now time.Time) (r Ready, ok bool, err error) {
	var found bool
	err = s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketLedger).Get([]byte(key))
		if v == nil {
			return nil
		}
		found = true
		return s.decodeReady(key, v, &r)
	})
	if err != nil || !found {
		return Ready{}, false, s.wrap("looking up finished upload", err)
	}
	if r.Expired(now) {
		err = s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketLedger)
			// Re-read: a concurrent Finish may have stored a fresh entry.
			var cur Ready
			if v := b.Get([]byte(key)); v == nil || s.decodeReady(key, v, &cur) != nil || !cur.Expired(now) {
				return nil
			}
			return b.Delete([]byte(key))
		})
		return Ready{}, false, s.wrap("deleting expired ledger entry", err)
	}
	if expiry(r.ExpiresAt, r.Created).Sub(now) < ReuseMargin {
		return Ready{}, false, nil
	}
	return r, true, nil
}

// Forget deletes the ledger entry for key, for when X rejects a media ID the
// ledger still thought valid. Forgetting a missing entry is not an error.
func (s *Store) Forget(key string) error {
	return s.wrap("forgetting finished upload", s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketLedger).Delete([]byte(key))
	}))
}

// History returns the ledger, newest first, for `mediaup history`. Entries
// that have expired but not yet been cleaned up are included; see
// Ready.Expired.
func (s *Store) History() ([]Ready, error) {
	var all []Ready
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketLedger).ForEach(func(k, v []byte) error {
			var r Ready
			if err := s.decodeReady(string(k), v, &r); err != nil {
				return err
			}
			all = append(all, r)
			return nil
		})
	})
	if err != nil {
		return nil, s.wrap("reading upload history", err)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Created.After(all[j].Created) })
	return all, nil
}

// Cleanup deletes every session and ledger entry that has expired at now,
// every post record older than PostMemory, and any record too damaged to
// read, and reports how many it removed.
func (s *Store) Cleanup(now time.Time) (removed int, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		removed = 0
		for _, c := range []struct {
			bucket []byte
			dead   func(v []byte) bool
		}{
			{bucketSessions, func(v []byte) bool {
				var sess Session
				return json.Unmarshal(v, &sess) != nil || sess.Expired(now)
			}},
			{bucketLedger, func(v []byte) bool {
				var r Ready
				return json.Unmarshal(v, &r) != nil || r.Expired(now)
			}},
			{bucketPosts, func(v []byte) bool {
				var p Post
				return json.Unmarshal(v, &p) != nil || now.Sub(p.Started) > PostMemory
			}},
		} {
			n, err := deleteWhere(tx.Bucket(c.bucket), c.dead)
			if err != nil {
				return err
			}
			removed += n
		}
		return nil
	})
	if err != nil {
		return 0, s.wrap("cleaning up expired uploads", err)
	}
	return removed, nil
}

// deleteWhere deletes the records of b whose value dead picks.
func deleteWhere(b *bolt.Bucket, dead func(v []byte) bool) (int, error) {
	var keys [][]byte
	if err := b.ForEach(func(k, v []byte) error {
		if dead(v) {
			keys = append(keys, bytes.Clone(k))
		}
		return nil
	}); err != nil {
		return 0, err
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

func (s *Store) decodeReady(key string, v []byte, r *Ready) error {
	if err := json.Unmarshal(v, r); err != nil {
		return userError{fmt.Errorf("state database %s: ledger entry %s is unreadable (%v); run cleanup to remove it", s.path, key, err)}
	}
	r.Category, r.Owners = splitOwners(r.Category, r.Owners)
	return nil
}
