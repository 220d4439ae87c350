package media

import (
	"bytes"
	"testing"
)

// FuzzMP4Duration feeds arbitrary bytes to the box walker: it must never
// panic, loop, or report a negative duration.
func FuzzMP4Duration(f *testing.F) {
	ftyp := ftypBox("isom")
	f.Add(append(append([]byte{}, ftyp...), mp4Box("moov", mvhdBox(0, 1000, 5000))...))
	f.Add(append(append([]byte{}, ftyp...), mp4Box("moov", mvhdBox(1, 90000, 1<<40))...))
	f.Add([]byte{0, 0, 0, 1, 'f', 'r', 'e', 'e', 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0, 0, 0, 0, 'm', 'o', 'o', 'v', 0, 0, 0, 0, 'm', 'v', 'h', 'd'})
	f.Fuzz(func(t *testing.T, data []byte) {
		if d := mp4Duration(bytes.NewReader(data), int64(len(data))); d < 0 {
			t.Fatalf("negative duration %v", d)
		}
	})
}
