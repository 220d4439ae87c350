// Package testmedia gives tests across the module the sample media in
// assets/ (two PNGs, an animated GIF, a short MP4), read from the source
// tree. The binary embeds the same files itself (samples.go in package
// main); this package is for tests only.
package testmedia

import (
	"fmt"
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
