package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Fingerprint identifies a file's content: the SHA-256 decides whether two
// files are the same, and the size and modification time allow a cheap check
// that the file has not changed since it was hashed.
type Fingerprint struct {
	Path    string    `json:"path"`     // absolute path when it was fingerprinted
	Size    int64     `json:"size"`     // bytes
	ModTime time.Time `json:"mod_time"` // modification time as the file system reports it
	SHA256  string    `json:"sha256"`   // lower-case hex digest of the whole content
}

// FingerprintFile hashes the file at path, streaming it through SHA-256 so
// that a file of any size needs only a small buffer. It fails if the file
// changes while it is being read.
func FingerprintFile(path string) (Fingerprint, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	f, err := os.Open(path)
	if err != nil {
		return Fingerprint{}, fmt.Errorf("cannot fingerprint %s: %w", path, err)
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil {
		return Fingerprint{}, fmt.Errorf("cannot fingerprint %s: %w", path, err)
	}
	if !before.Mode().IsRegular() {
		return Fingerprint{}, fmt.Errorf("cannot fingerprint %s: it is not a regular file", path)
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return Fingerprint{}, fmt.Errorf("cannot fingerprint %s: reading it failed: %w", path, err)
	}
	after, err := f.Stat()
	if err != nil {
		return Fingerprint{}, fmt.Errorf("cannot fingerprint %s: %w", path, err)
	}
	if n != before.Size() || after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
		return Fingerprint{}, fmt.Errorf("cannot fingerprint %s: the file changed while it was being read; wait until it is completely written", path)
	}
	return Fingerprint{
		Path:    abs,
		Size:    before.Size(),
		ModTime: before.ModTime(),
		SHA256:  hex.EncodeToString(h.Sum(nil)),
	}, nil
}

// Check is the cheap test that the file at fp.Path still has the size and
// modification time it had when fp was taken. It does not re-read the
// content; call it before resuming a session or finalizing an upload.
func (fp Fingerprint) Check() error {
	st, err := os.Stat(fp.Path)
	if err != nil {
		return fmt.Errorf("%s: cannot check the file is unchanged: %w", fp.Path, err)
	}
	if st.Size() != fp.Size {
		return fmt.Errorf("%s: the file changed since it was fingerprinted (size %d bytes, was %d); upload it again from the start", fp.Path, st.Size(), fp.Size)
	}
	if !st.ModTime().Equal(fp.ModTime) {
		return fmt.Errorf("%s: the file changed since it was fingerprinted (modified %s, was %s); upload it again from the start",
			fp.Path, st.ModTime().Format(time.RFC3339), fp.ModTime.Format(time.RFC3339))
	}
	return nil
}
