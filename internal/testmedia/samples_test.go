package testmedia_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gabriel-vasile/mimetype"

	"github.com/mediaup/mediaup/internal/testmedia"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	data, err := testmedia.ReadFile(name)
	if err != nil {
		t.Fatalf("read embedded %s: %v", name, err)
	}
	return data
}

func TestNames(t *testing.T) {
	want := []string{"sample.gif", "sample.mp4", "sample.png", "sample2.png"}
	if got := testmedia.Names(); !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %q, want %q", got, want)
	}
}

func TestSizesUnderBudget(t *testing.T) {
	budget := map[string]int{
		"sample.png":  200 << 10,
		"sample2.png": 200 << 10,
		"sample.gif":  150 << 10,
		"sample.mp4":  200 << 10,
	}
	total := 0
	for _, name := range testmedia.Names() {
		n := len(read(t, name))
		total += n
		limit, ok := budget[name]
		if !ok {
			t.Errorf("%s has no size budget; add one here", name)
			continue
		}
		if n > limit {
			t.Errorf("%s is %d bytes, over its %d-byte budget", name, n, limit)
		}
		if n < 1000 {
			t.Errorf("%s is only %d bytes; a real sample should be larger", name, n)
		}
	}
	if total > 600<<10 {
		t.Errorf("samples total %d bytes, over 600 KiB", total)
	}
}

func TestSniffedTypes(t *testing.T) {
	want := map[string]string{
		"sample.png":  "image/png",
		"sample2.png": "image/png",
		"sample.gif":  "image/gif",
		"sample.mp4":  "video/mp4",
	}
	for name, mime := range want {
		if got := mimetype.Detect(read(t, name)); !got.Is(mime) {
			t.Errorf("%s sniffs as %s, want %s", name, got, mime)
		}
	}
}

func TestPNGsDecode(t *testing.T) {
	tests := []struct {
		name string
		w, h int
	}{
		{"sample.png", 640, 360},
		{"sample2.png", 480, 480},
	}
	for _, tt := range tests {
		img, err := png.Decode(bytes.NewReader(read(t, tt.name)))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if b := img.Bounds(); b.Dx() != tt.w || b.Dy() != tt.h {
			t.Errorf("%s is %dx%d, want %dx%d", tt.name, b.Dx(), b.Dy(), tt.w, tt.h)
		}
		if n := distinctColours(img); n < 200 {
			t.Errorf("%s has only %d colours; want a real gradient picture", tt.name, n)
		}
	}
	if bytes.Equal(read(t, "sample.png"), read(t, "sample2.png")) {
		t.Error("sample.png and sample2.png are the same file; tests need two different images")
	}
}

func distinctColours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}

func TestGIFIsAnimated(t *testing.T) {
	g, err := gif.DecodeAll(bytes.NewReader(read(t, "sample.gif")))
	if err != nil {
		t.Fatalf("sample.gif: %v", err)
	}
	if g.Config.Width != 320 || g.Config.Height != 180 {
		t.Errorf("sample.gif is %dx%d, want 320x180", g.Config.Width, g.Config.Height)
	}
	if len(g.Image) < 8 {
		t.Fatalf("sample.gif has %d frames, want several (at least 8)", len(g.Image))
	}
	if len(g.Image) > 350 {
		t.Errorf("sample.gif has %d frames, over X's 350-frame GIF limit", len(g.Image))
	}
	if g.LoopCount != 0 {
		t.Errorf("LoopCount = %d, want 0 (loop forever)", g.LoopCount)
	}
	for i, d := range g.Delay {
		if d <= 0 {
			t.Errorf("frame %d has delay %d; want a positive delay", i, d)
		}
	}
	if bytes.Equal(g.Image[0].Pix, g.Image[len(g.Image)/2].Pix) {
		t.Error("first and middle frames are identical; the GIF does not animate")
	}
}

// box is one ISO BMFF box: its type and its payload (after the header).
type box struct {
	typ     string
	payload []byte
}

// boxes splits data into its boxes, failing the test on a malformed header.
func boxes(t *testing.T, data []byte) []box {
	t.Helper()
	var out []box
	for len(data) > 0 {
		if len(data) < 8 {
			t.Fatalf("truncated box header: %d bytes left", len(data))
		}
		size := uint64(binary.BigEndian.Uint32(data))
		typ := string(data[4:8])
		hdr := uint64(8)
		switch size {
		case 1:
			if len(data) < 16 {
				t.Fatalf("truncated large box %q", typ)
			}
			size, hdr = binary.BigEndian.Uint64(data[8:]), 16
		case 0:
			size = uint64(len(data))
		}
		if size < hdr || size > uint64(len(data)) {
			t.Fatalf("box %q has size %d, but %d bytes remain", typ, size, len(data))
		}
		out = append(out, box{typ, data[hdr:size]})
		data = data[size:]
	}
	return out
}

func find(t *testing.T, data []byte, path ...string) []byte {
	t.Helper()
	for _, want := range path {
		var found []byte
		for _, b := range boxes(t, data) {
			if b.typ == want {
				found = b.payload
				break
			}
		}
		if found == nil {
			t.Fatalf("no %q box on path %s", want, strings.Join(path, "/"))
		}
		data = found
	}
	return data
}

func TestMP4Structure(t *testing.T) {
	data := read(t, "sample.mp4")
	top := boxes(t, data)
	if top[0].typ != "ftyp" {
		t.Fatalf("sample.mp4 starts with %q, want ftyp", top[0].typ)
	}
	if brand := string(top[0].payload[:4]); brand != "isom" && brand != "mp42" {
		t.Errorf("major brand %q, want isom or mp42", brand)
	}
	var order []string
	for _, b := range top {
		order = append(order, b.typ)
	}
	moov, mdat := -1, -1
	for i, typ := range order {
		switch typ {
		case "moov":
			moov = i
		case "mdat":
			mdat = i
		}
	}
	if moov < 0 || mdat < 0 || moov > mdat {
		t.Errorf("top-level boxes %v: want moov before mdat (faststart)", order)
	}

	mvhd := find(t, data, "moov", "mvhd")
	var timescale uint32
	var duration uint64
	switch mvhd[0] {
	case 0:
		timescale = binary.BigEndian.Uint32(mvhd[12:])
		duration = uint64(binary.BigEndian.Uint32(mvhd[16:]))
	case 1:
		timescale = binary.BigEndian.Uint32(mvhd[20:])
		duration = binary.BigEndian.Uint64(mvhd[24:])
	default:
		t.Fatalf("mvhd version %d", mvhd[0])
	}
	if timescale == 0 {
		t.Fatal("mvhd timescale is 0")
	}
	if secs := float64(duration) / float64(timescale); secs < 2 || secs > 4 {
		t.Errorf("mvhd duration %.3f s, want 2–4 s", secs)
	}

	// The first track is H.264 video: its sample description is avc1 with an avcC.
	stsd := find(t, data, "moov", "trak", "mdia", "minf", "stbl", "stsd")
	entries := boxes(t, stsd[8:]) // version/flags and entry count come first
	if len(entries) == 0 || entries[0].typ != "avc1" {
		t.Fatalf("first track's sample entries %v, want avc1", entries)
	}
	avc1 := entries[0].payload
	if w, h := binary.BigEndian.Uint16(avc1[24:]), binary.BigEndian.Uint16(avc1[26:]); w != 320 || h != 180 {
		t.Errorf("avc1 says %dx%d, want 320x180", w, h)
	}
	if !bytes.Contains(avc1, []byte("avcC")) {
		t.Error("avc1 entry has no avcC configuration")
	}
	if hdlr := find(t, data, "moov", "trak", "mdia", "hdlr"); string(hdlr[8:12]) != "vide" {
		t.Errorf("first track handler %q, want vide", hdlr[8:12])
	}
}

func TestWriteTo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "samples")
	paths, err := testmedia.WriteTo(dir)
	if err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	names := testmedia.Names()
	if len(paths) != len(names) {
		t.Fatalf("WriteTo returned %d paths, want %d", len(paths), len(names))
	}
	for i, name := range names {
		if want := filepath.Join(dir, name); paths[i] != want {
			t.Errorf("path %d = %q, want %q", i, paths[i], want)
		}
		got, err := os.ReadFile(paths[i])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, read(t, name)) {
			t.Errorf("%s differs from the sample", paths[i])
		}
	}
	// Writing again over existing files works and keeps them identical.
	if _, err := testmedia.WriteTo(dir); err != nil {
		t.Errorf("second WriteTo: %v", err)
	}
}
