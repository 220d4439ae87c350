package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// openTemp opens a fresh Store in a test directory and closes it at the end.
func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/xdg/state")
	if got, want := DefaultPath(), "/xdg/state/mediaup/state.db"; got != want {
		t.Errorf("with XDG_STATE_HOME: DefaultPath() = %q, want %q", got, want)
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	want := filepath.Join(home, ".local", "state", "mediaup", "state.db")
	for _, xdg := range []string{"", "relative/dir"} {
		t.Setenv("XDG_STATE_HOME", xdg)
		if got := DefaultPath(); got != want {
			t.Errorf("XDG_STATE_HOME=%q: DefaultPath() = %q, want %q", xdg, got, want)
		}
	}
}

func TestOpenCreatesPrivateDirsAndFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "mediaup")
	path := filepath.Join(dir, "state.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v", p, got, want)
		}
	}
}

func TestOpenLockedFailsWithClearError(t *testing.T) {
	_, path := openTemp(t)
	start := time.Now()
	s2, err := Open(path) // flock conflicts even between two opens in one process
	elapsed := time.Since(start)
	if err == nil {
		s2.Close()
		t.Fatal("second Open of a held database succeeded")
	}
	want := "state database " + path + " is in use by another mediaup process"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	if elapsed > LockTimeout+2*time.Second {
		t.Errorf("Open took %v to give up, want about %v", elapsed, LockTimeout)
	}
}

func TestOpenRejectsForeignFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	junk := []byte(strings.Repeat("this is not a bolt database\n", 1000))
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err == nil {
		s.Close()
		t.Fatal("Open of a junk file succeeded")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "move it aside") {
		t.Errorf("error %q should name the file and say what to do", err)
	}
}

func TestClosedStoreErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Ack("k", 0); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Ack after Close: error %v, want one naming %s", err, path)
	}
	if _, err := s.Sessions(); err == nil {
		t.Error("Sessions after Close succeeded")
	}
	if err := s.Begin(Session{Key: "k", Segments: 1}); err == nil {
		t.Error("Begin after Close succeeded")
	}
	if errors.Is(s.Ack("k", 0), ErrNoSession) {
		t.Error("Ack after Close reported ErrNoSession, want a database error")
	}
}
