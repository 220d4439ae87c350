package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestEmbeddedSamples: the binary carries exactly the files in assets/, so
// `mediaup --sandbox` demos the same media the tests upload.
func TestEmbeddedSamples(t *testing.T) {
	dir := t.TempDir()
	paths, err := writeSamples(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"sample.gif", "sample.mp4", "sample.png", "sample2.png"}
	if len(paths) != len(want) {
		t.Fatalf("wrote %v", paths)
	}
	for i, p := range paths {
		if filepath.Base(p) != want[i] {
			t.Errorf("sample %d is %s, want %s", i, p, want[i])
		}
		got, _ := os.ReadFile(p)
		orig, err := os.ReadFile(filepath.Join("assets", want[i]))
		if err != nil || !bytes.Equal(got, orig) || len(got) == 0 {
			t.Errorf("%s differs from assets/%s (%v)", p, want[i], err)
		}
	}
}
