package store

import (
	"errors"
	"fmt"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// Acks are group-committed: concurrent Ack calls join one pending batch, and
// the first caller of each batch commits the whole batch in one bbolt
// transaction (one fsync) once the previous batch has been written. A lone
// caller therefore waits for no timer, unlike bolt.DB.Batch, while many
// APPEND goroutines share fsyncs. Ack returns only after its bit is durable.

type ackItem struct {
	key     string
	segment int
}

type ackBatch struct {
	items []ackItem
	errs  []error // per item, set by the committer before done is closed
	done  chan struct{}
}

// errNothingChanged rolls back a batch whose bits were all set already, so
// it costs no write.
var errNothingChanged = errors.New("nothing changed")

// Ack records that X acknowledged APPEND of segment for the session key. It
// is safe to call from many goroutines at once and returns once the record
// is on disk. Acking a segment twice is harmless.
func (s *Store) Ack(key string, segment int) error {
	s.ackMu.Lock()
	b := s.ackPending
	if b == nil {
		b = &ackBatch{done: make(chan struct{})}
		s.ackPending = b
	}
	idx := len(b.items)
	b.items = append(b.items, ackItem{key, segment})
	s.ackMu.Unlock()

	if idx == 0 {
		s.commitBatch(b)
	} else {
		<-b.done
	}
	return b.errs[idx]
}

// commitBatch waits for the previous batch to be written, closes b to new
// items and writes it.
func (s *Store) commitBatch(b *ackBatch) {
	s.commitMu.Lock()
	defer s.commitMu.Unlock()
	s.ackMu.Lock()
	if s.ackPending == b {
		s.ackPending = nil
	}
	s.ackMu.Unlock()

	b.errs = make([]error, len(b.items))
	err := s.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketSessions)
		sessions := make(map[string]*Session)
		changed := make(map[string]bool)
		for i, it := range b.items {
			sess, ok := sessions[it.key]
			if !ok {
				var err error
				if sess, err = s.getSession(bk, it.key); err != nil {
					b.errs[i] = err
					continue
				}
				sessions[it.key] = sess
			}
			if it.segment < 0 || it.segment >= sess.Segments {
				b.errs[i] = fmt.Errorf("cannot record segment %d of %s: the upload has segments 0 to %d", it.segment, sess.File.Path, sess.Segments-1)
				continue
			}
			if sess.setAcked(it.segment) {
				changed[it.key] = true
			}
		}
		if len(changed) == 0 {
			return errNothingChanged
		}
		now := s.now()
		for key := range changed {
			sess := sessions[key]
			sess.Updated = now
			if err := s.putSession(bk, sess); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errNothingChanged) {
		err = s.wrap("recording acknowledged segments", err)
		for i := range b.errs {
			b.errs[i] = err
		}
	}
	close(b.done)
}

// ackState is embedded in Store.
type ackState struct {
	ackMu      sync.Mutex // guards ackPending
	ackPending *ackBatch  // the batch new Acks join, nil if none
	commitMu   sync.Mutex // held while a batch is written
}
