// Package testmedia gives tests across the module the sample media in
// assets/ (two PNGs, an animated GIF, a short MP4), read from the source
// tree. The binary embeds the same files itself (samples.go in package
// main); this package is for tests only.
package testmedia

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
)

// Names lists the sample files, sorted.
func Names() []string {
	return []string{"sample.gif", "sample.mp4", "sample.png", "sample2.png"}
}

// Dir is the repository's assets/ folder.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "assets")
}

// ReadFile returns one sample's bytes.
func ReadFile(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(Dir(), name))
}

// WriteTo copies every sample into dir, creating it if needed, and returns
// the written paths in Names order.
func WriteTo(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("testmedia: %w", err)
	}
	var paths []string
	for _, name := range Names() {
		data, err := ReadFile(name)
		if err != nil {
			return paths, fmt.Errorf("testmedia: %w", err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return paths, fmt.Errorf("testmedia: %w", err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// WritePaddedMP4 writes a valid MP4 of exactly size bytes to w: the sample
// followed by an MP4 `free` box (4-byte big-endian size, "free", filler)
// that every MP4 reader skips, as DESIGN.md suggests for large test media.
// salt varies the filler so two files of one size differ. It returns the
// sha256 of what it wrote, in hex.
func WritePaddedMP4(w io.Writer, size int64, salt byte) (string, error) {
	sample, err := ReadFile("sample.mp4")
	if err != nil {
		return "", err
	}
	pad := size - int64(len(sample))
	if pad < 8 || pad > 1<<32-1 {
		return "", fmt.Errorf("testmedia: cannot pad the %d-byte sample to %d bytes with one free box", len(sample), size)
	}
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(w, h), 1<<20)
	bw.Write(sample)
	var hdr [8]byte
	binary.BigEndian.PutUint32(hdr[:4], uint32(pad))
	copy(hdr[4:], "free")
	bw.Write(hdr[:])
	fill := make([]byte, 64<<10)
	for i := range fill {
		fill[i] = byte(i*7) ^ salt
	}
	for left := pad - 8; left > 0; {
		n := min(left, int64(len(fill)))
		bw.Write(fill[:n])
		left -= n
	}
	if err := bw.Flush(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// PaddedMP4 creates dir/name with WritePaddedMP4 and returns its path and sha256.
func PaddedMP4(dir, name string, size int64, salt byte) (path, sum string, err error) {
	path = filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		return "", "", err
	}
	sum, err = WritePaddedMP4(f, size, salt)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return path, sum, err
}
