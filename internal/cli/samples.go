package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// writeSamples copies the demo media `mediaup --sandbox` opens the picker
// on (the files at the root of samples) into dir and returns their paths.
func writeSamples(samples fs.FS, dir string) ([]string, error) {
	if samples == nil {
		return nil, fmt.Errorf("this build of mediaup carries no sample media")
	}
	entries, err := fs.ReadDir(samples, ".")
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		data, err := fs.ReadFile(samples, e.Name())
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
