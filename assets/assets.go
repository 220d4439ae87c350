package assets

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

//go:generate go run gen/main.go

// FS holds the sample files at its root: sample.png (640×360), sample2.png
// (480×480), sample.gif (320×180, animated) and sample.mp4 (320×180, 3 s,
// H.264 High with a silent AAC track).
//
//go:embed sample.png sample2.png sample.gif sample.mp4
var FS embed.FS

// Names returns the sample file names, sorted.
func Names() []string {
	entries, err := fs.ReadDir(FS, ".")
	if err != nil {
		// The embedded root always exists; failing here means a broken build.
		panic("assets: reading embedded samples: " + err.Error())
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// WriteTo writes every sample into dir, creating dir if needed, and returns
// the written paths in Names order. Existing files of the same names are
// replaced.
func WriteTo(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("assets: cannot create %s for the sample media: %w", dir, unwrapPath(err))
	}
	var paths []string
	for _, name := range Names() {
		data, err := FS.ReadFile(name)
		if err != nil {
			return paths, fmt.Errorf("assets: reading embedded %s: %w", name, err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return paths, fmt.Errorf("assets: cannot write sample %s: %w", path, unwrapPath(err))
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// unwrapPath drops *fs.PathError's own copy of the path, which the caller's
// message already names.
func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
