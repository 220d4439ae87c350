package main

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// sampleFiles are the demo media `mediaup --sandbox` opens the picker on:
// real files made for this project (docs/samples.md says how).
//
//go:embed assets/sample.png assets/sample2.png assets/sample.gif assets/sample.mp4
var sampleFiles embed.FS

// writeSamples copies the embedded samples into dir and returns their paths.
func writeSamples(dir string) ([]string, error) {
	entries, err := fs.ReadDir(sampleFiles, "assets")
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, e := range entries {
		data, err := sampleFiles.ReadFile("assets/" + e.Name())
		if err != nil {
			return paths, err
		}
		p := filepath.Join(dir, e.Name())
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return paths, fmt.Errorf("cannot write sample %s: %w", p, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}
