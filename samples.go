package main

import (
	"embed"
	"io/fs"
)

// sampleFiles are the demo media `mediaup --sandbox` opens the picker on:
// real files made for this project (docs/samples.md says how). They live
// in package main because go:embed reads only below the embedding
// package, and assets/ holds only media.
//
//go:embed assets/sample.png assets/sample2.png assets/sample.gif assets/sample.mp4
var sampleFiles embed.FS

// samples is the embedded sample media, at the root of the FS.
func samples() fs.FS {
	sub, err := fs.Sub(sampleFiles, "assets")
	if err != nil {
		panic(err) // "assets" is a constant, valid path
	}
	return sub
}
