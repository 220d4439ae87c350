package store

import (
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// BenchmarkAck measures durable Ack throughput: one goroutine (a lone
// upload), and 16 at once (several files with several segments in flight).
// The bolt-update and bolt-batch variants do the same work with a plain
// db.Update or db.Batch per Ack, for comparison with Store's group commit.
func BenchmarkAck(b *testing.B) {
	impls := []struct {
		name string
		ack  func(s *Store, key string, seg int) error
	}{
		{"store", (*Store).Ack},
		{"bolt-update", func(s *Store, key string, seg int) error { return ackWith(s, s.db.Update, key, seg) }},
		{"bolt-batch", func(s *Store, key string, seg int) error { return ackWith(s, s.db.Batch, key, seg) }},
	}
	for _, impl := range impls {
		for _, par := range []int{1, 16} {
			b.Run(fmt.Sprintf("%s/goroutines=%d", impl.name, par), func(b *testing.B) {
				s, _ := openTemp(b)
				// Every Ack sets a new bit, so every one is a real write.
				keys := make([]string, b.N/MaxSegments+1)
				for i := range keys {
					sess := testSession(fmt.Sprintf("f%d.mp4", i), MaxSegments)
					keys[i] = sess.Key
					mustBegin(b, s, sess)
				}
				// par goroutines share b.N acks, taking the next index in turn.
				var next atomic.Int64
				var wg sync.WaitGroup
				b.ResetTimer()
				for range par {
					wg.Go(func() {
						for {
							i := int(next.Add(1) - 1)
							if i >= b.N {
								return
							}
							if err := impl.ack(s, keys[i/MaxSegments], i%MaxSegments); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
				b.StopTimer()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "acks/s")
			})
		}
	}
}

// ackWith is the straightforward Ack: one read-modify-write transaction.
func ackWith(s *Store, run func(func(*bolt.Tx) error) error, key string, seg int) error {
	return run(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketSessions)
		sess, err := s.getSession(bk, key)
		if err != nil {
			return err
		}
		sess.setAcked(seg)
		buf, err := json.Marshal(sess)
		if err != nil {
			return err
		}
		return bk.Put([]byte(key), buf)
	})
}
