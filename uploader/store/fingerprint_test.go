package store

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFingerprintFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "clip.mp4")
	// Several MB so the hash is streamed over many reads.
	data := make([]byte, 3<<20+17)
	for i := range data {
		data[i] = byte(i*31 + i>>11)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2025, 11, 2, 3, 4, 5, 600000000, time.UTC)
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	fp, err := FingerprintFile("clip.mp4")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if fp.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("SHA256 = %s, want %x", fp.SHA256, sum)
	}
	if fp.Size != int64(len(data)) || !fp.ModTime.Equal(mtime) {
		t.Errorf("size %d mtime %v, want %d %v", fp.Size, fp.ModTime, len(data), mtime)
	}
	if want, _ := filepath.Abs(path); fp.Path != want {
		t.Errorf("Path = %q, want the absolute %q", fp.Path, want)
	}
	if err := fp.Check(); err != nil {
		t.Errorf("Check on an unchanged file: %v", err)
	}

	// Same size, new mtime.
	later := mtime.Add(time.Second)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	if err := fp.Check(); err == nil || !strings.Contains(err.Error(), "changed since it was fingerprinted") {
		t.Errorf("Check after touch: %v", err)
	}
	// New size, old mtime.
	if err := os.WriteFile(path, data[:100], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	if err := fp.Check(); err == nil || !strings.Contains(err.Error(), "size 100 bytes") {
		t.Errorf("Check after truncation: %v", err)
	}
	os.Remove(path)
	if err := fp.Check(); err == nil || !strings.Contains(err.Error(), "clip.mp4") {
		t.Errorf("Check of a deleted file: %v", err)
	}
}

func TestFingerprintFileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := FingerprintFile(filepath.Join(dir, "missing.mp4")); err == nil || !strings.Contains(err.Error(), "missing.mp4") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := FingerprintFile(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: %v", err)
	}
}
