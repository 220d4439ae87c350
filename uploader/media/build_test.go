package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// Test media is built here: images with the standard encoders, a WEBP header by
// hand (Go has no WEBP encoder), and MP4/MOV files as a hand-written box
// structure: ftyp, moov/mvhd with a chosen time scale and duration, and a
// free box (or mdat) that pads the file to any size. Padding is left sparse
// with os.Truncate, so a 600 MB file costs nothing on disk.

func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(40 * x), uint8(60 * y), 200, 255})
		}
	}
	return img
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// gifBytes encodes an animated GIF of the given frame count.
func gifBytes(t *testing.T, w, h, frames int) []byte {
	t.Helper()
	anim := &gif.GIF{}
	pal := color.Palette{color.Black, color.White}
	for i := range frames {
		p := image.NewPaletted(image.Rect(0, 0, w, h), pal)
		p.SetColorIndex(i%w, 0, 1)
		anim.Image = append(anim.Image, p)
		anim.Delay = append(anim.Delay, 10)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, anim); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// webpBytes is a lossless (VP8L) WEBP header for a w×h image: the RIFF
// container, the VP8L chunk, its 0x2f signature and the packed 14-bit
// width-1 / height-1 fields. The pixel data after it is irrelevant to a
// header read.
func webpBytes(w, h int) []byte {
	bits := uint32(w-1) | uint32(h-1)<<14 // alpha hint 0, version 0
	chunk := []byte{0x2f}
	chunk = binary.LittleEndian.AppendUint32(chunk, bits)
	chunk = append(chunk, 0, 0, 0) // pad to an even, plausible length
	var b []byte
	b = append(b, "RIFF"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(4+8+len(chunk)))
	b = append(b, "WEBP"...)
	b = append(b, "VP8L"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(chunk)))
	return append(b, chunk...)
}

func mp4Box(typ string, payload ...[]byte) []byte {
	n := 8
	for _, p := range payload {
		n += len(p)
	}
	b := binary.BigEndian.AppendUint32(nil, uint32(n))
	b = append(b, typ...)
	for _, p := range payload {
		b = append(b, p...)
	}
	return b
}

func ftypBox(brand string) []byte {
	p := []byte(brand)
	p = binary.BigEndian.AppendUint32(p, 0) // minor version
	p = append(p, brand...)                 // compatible brands
	return mp4Box("ftyp", p)
}

// mvhdBox is a full movie header box, version 0 (32-bit times and duration)
// or 1 (64-bit).
func mvhdBox(version byte, timescale uint32, duration uint64) []byte {
	p := []byte{version, 0, 0, 0}
	if version == 1 {
		p = binary.BigEndian.AppendUint64(p, 3600) // creation
		p = binary.BigEndian.AppendUint64(p, 3600) // modification
		p = binary.BigEndian.AppendUint32(p, timescale)
		p = binary.BigEndian.AppendUint64(p, duration)
	} else {
		p = binary.BigEndian.AppendUint32(p, 3600)
		p = binary.BigEndian.AppendUint32(p, 3600)
		p = binary.BigEndian.AppendUint32(p, timescale)
		p = binary.BigEndian.AppendUint32(p, uint32(duration))
	}
	p = binary.BigEndian.AppendUint32(p, 0x00010000) // rate 1.0
	p = binary.BigEndian.AppendUint16(p, 0x0100)     // volume 1.0
	p = append(p, make([]byte, 10)...)               // reserved
	for _, v := range []uint32{0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000} {
		p = binary.BigEndian.AppendUint32(p, v) // unity matrix
	}
	p = append(p, make([]byte, 24)...)      // pre-defined
	p = binary.BigEndian.AppendUint32(p, 2) // next track ID
	return mp4Box("mvhd", p)
}

type mp4Spec struct {
	brand     string // "isom" for MP4, "qt  " for MOV
	version   byte   // mvhd version
	timescale uint32
	duration  uint64
	size      int64 // total file size; 0 means just the boxes
	moovLast  bool  // moov after a (sparse) mdat that fills the file
	noMoov    bool  // no moov at all: duration unknown
}

// writeMP4 writes the file described by s and returns its path.
func writeMP4(t *testing.T, path string, s mp4Spec) string {
	t.Helper()
	if s.brand == "" {
		s.brand = "isom"
	}
	ftyp := ftypBox(s.brand)
	var moov []byte
	if !s.noMoov {
		moov = mp4Box("moov", mvhdBox(s.version, s.timescale, s.duration))
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	write := func(b []byte, off int64) {
		t.Helper()
		if _, err := f.WriteAt(b, off); err != nil {
			t.Fatal(err)
		}
	}
	write(ftyp, 0)
	off := int64(len(ftyp))
	if s.moovLast {
		if s.size == 0 {
			t.Fatal("moovLast needs a size")
		}
		mdat := s.size - off - int64(len(moov))
		write(padHeader("mdat", mdat), off)
		write(moov, off+mdat)
	} else {
		write(moov, off)
		off += int64(len(moov))
		if s.size > off {
			write(padHeader("free", s.size-off), off)
		}
	}
	if s.size > 0 {
		if err := f.Truncate(s.size); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// padHeader is the header of a box of n bytes whose payload is left as zeros.
func padHeader(typ string, n int64) []byte {
	if n < 8 {
		panic("box too small")
	}
	if n <= 0xFFFFFFFF {
		return append(binary.BigEndian.AppendUint32(nil, uint32(n)), typ...)
	}
	b := binary.BigEndian.AppendUint32(nil, 1)
	b = append(b, typ...)
	return binary.BigEndian.AppendUint64(b, uint64(n))
}

// writeFile writes data to dir/name, then extends it (sparsely) to size
// when size is larger.
func writeFile(t *testing.T, path string, data []byte, size int64) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if size > int64(len(data)) {
		if err := os.Truncate(path, size); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func join(dir, name string) string { return filepath.Join(dir, name) }
