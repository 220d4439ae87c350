package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mediaup/mediaup/internal/xdg"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// LockTimeout is how long Open waits for another process to release the
// state database before it gives up with a clear error.
const LockTimeout = time.Second

var (
	bucketSessions = []byte("sessions")
	bucketLedger   = []byte("ledger")
	bucketPosts    = []byte("posts")
)

// Store is the open state database. Its methods are safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string

	ackState // group commit for Ack

	now func() time.Time // the clock for Created/Updated stamps; tests may replace it
}

// DefaultPath returns where mediaup keeps its state:
// $XDG_STATE_HOME/mediaup/state.db, or ~/.local/state/mediaup/state.db when
// XDG_STATE_HOME is unset or not absolute (as the XDG spec requires). It
// returns "" when neither is known, and Open refuses "" saying so.
func DefaultPath() string {
	p, _ := xdg.StatePath("state.db")
	return p
}

// Open opens (creating it if needed) the state database at path. Missing
// directories are made with mode 0700 and the file with mode 0600. If another
// process holds the database, Open fails after LockTimeout with an error that
// says so, instead of waiting for ever.
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("state database path is empty: set XDG_STATE_HOME or HOME to an absolute directory")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the directory for state database %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: LockTimeout})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("state database %s is in use by another mediaup process (waited %v); finish or stop that process first", path, LockTimeout)
		}
		if errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrVersionMismatch) || errors.Is(err, berrors.ErrChecksum) {
			return nil, fmt.Errorf("state database %s is not a readable mediaup state file (%v); move it aside and mediaup will start a new one", path, err)
		}
		return nil, fmt.Errorf("cannot open state database %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketSessions, bucketLedger, bucketPosts} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot prepare state database %s: %w", path, err)
	}
	return &Store{db: db, path: path, now: time.Now}, nil
}

// Path returns the file the Store was opened from.
func (s *Store) Path() string { return s.path }

// Close releases the database file. Calls made after Close fail.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("closing state database %s: %w", s.path, err)
	}
	return nil
}

// wrap adds the database path to an error from bbolt, so the user knows which
// file is at fault.
func (s *Store) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var ue userError
	if errors.As(err, &ue) {
		return err
	}
	return fmt.Errorf("state database %s: %s: %w", s.path, op, err)
}

// userError marks errors that already read as a full sentence and should not
// be wrapped again.
type userError struct{ error }

func (e userError) Unwrap() error { return e.error }
