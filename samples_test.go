package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestEmbeddedSamples: the binary carries exactly the files in assets/, so
// `mediaup --sandbox` demos the same media the tests upload.
func TestEmbeddedSamples(t *testing.T) {
	entries, err := fs.ReadDir(samples(), ".")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"sample.gif", "sample.mp4", "sample.png", "sample2.png"}
	if len(entries) != len(want) {
		t.Fatalf("embedded %v", entries)
	}
	for i, e := range entries {
		if e.Name() != want[i] {
			t.Errorf("sample %d is %s, want %s", i, e.Name(), want[i])
		}
		got, _ := fs.ReadFile(samples(), e.Name())
		orig, err := os.ReadFile(filepath.Join("assets", want[i]))
		if err != nil || !bytes.Equal(got, orig) || len(got) == 0 {
			t.Errorf("%s differs from assets/%s (%v)", e.Name(), want[i], err)
		}
	}
}
