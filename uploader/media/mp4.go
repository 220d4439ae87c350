package media

import (
	"encoding/binary"
	"io"
	"math"
	"time"
)

// maxBoxes bounds how many sibling boxes are visited at one level, so a
// damaged or hostile file cannot make the walk long.
const maxBoxes = 4096

// box is one ISO BMFF / QuickTime box: its four-character type, where its
// payload starts and where the box ends.
type box struct {
	typ          string
	payload, end int64
}

// readBox reads the box header at off. A box whose size field is 0 runs to
// limit. ok is false when there is no valid header at off; a box that claims
// to run past limit (a truncated file) is returned with its claimed end.
func readBox(r io.ReaderAt, off, limit int64) (b box, ok bool) {
	var hdr [16]byte
	if off+8 > limit {
		return box{}, false
	}
	if _, err := r.ReadAt(hdr[:8], off); err != nil {
		return box{}, false
	}
	size := int64(binary.BigEndian.Uint32(hdr[:4]))
	b.typ = string(hdr[4:8])
	b.payload = off + 8
	switch size {
	case 0: // to the end of the enclosing space
		size = limit - off
	case 1: // a 64-bit size follows the type
		if off+16 > limit {
			return box{}, false
		}
		if _, err := r.ReadAt(hdr[8:16], off+8); err != nil {
			return box{}, false
		}
		large := binary.BigEndian.Uint64(hdr[8:16])
		if large > math.MaxInt64 {
			return box{}, false
		}
		size = int64(large)
		b.payload = off + 16
	}
	if size < b.payload-off {
		return box{}, false
	}
	if size > math.MaxInt64-off {
		b.end = math.MaxInt64
	} else {
		b.end = off + size
	}
	return b, true
}

// findBox returns the first box of type typ among the siblings in [off, limit).
func findBox(r io.ReaderAt, off, limit int64, typ string) (box, bool) {
	for i := 0; i < maxBoxes && off < limit; i++ {
		b, ok := readBox(r, off, limit)
		if !ok {
			return box{}, false
		}
		if b.typ == typ {
			// A box cut short by the end of the file may still hold what is
			// looked for (an mvhd comes first in a moov).
			b.end = min(b.end, limit)
			return b, true
		}
		if b.end > limit {
			return box{}, false
		}
		off = b.end
	}
	return box{}, false
}

// mp4Duration reads a movie's duration from moov/mvhd in an MP4 or QuickTime
// file of the given size. It reads box headers and seeks past everything else
// (a moov after a large mdat costs a few reads). It returns 0 when the
// duration is missing, unknown (all ones, or a zero time scale) or the
// structure is damaged.
func mp4Duration(r io.ReaderAt, size int64) time.Duration {
	moov, ok := findBox(r, 0, size, "moov")
	if !ok {
		return 0
	}
	mvhd, ok := findBox(r, moov.payload, moov.end, "mvhd")
	if !ok {
		return 0
	}
	var p [32]byte
	n := min(int64(len(p)), mvhd.end-mvhd.payload)
	if n < 20 {
		return 0
	}
	if _, err := r.ReadAt(p[:n], mvhd.payload); err != nil {
		return 0
	}
	var scale uint32
	var dur uint64
	switch p[0] { // version; 3 bytes of flags follow
	case 0: // creation(4) modification(4) timescale(4) duration(4)
		scale = binary.BigEndian.Uint32(p[12:16])
		d32 := binary.BigEndian.Uint32(p[16:20])
		if d32 == math.MaxUint32 {
			return 0
		}
		dur = uint64(d32)
	case 1: // creation(8) modification(8) timescale(4) duration(8)
		if n < 32 {
			return 0
		}
		scale = binary.BigEndian.Uint32(p[20:24])
		dur = binary.BigEndian.Uint64(p[24:32])
		if dur == math.MaxUint64 {
			return 0
		}
	default:
		return 0
	}
	return scaledDuration(dur, scale)
}

// scaledDuration converts dur units of 1/scale seconds to a time.Duration,
// saturating at the largest Duration. A zero scale gives 0 (unknown).
func scaledDuration(dur uint64, scale uint32) time.Duration {
	if scale == 0 {
		return 0
	}
	ts := uint64(scale)
	secs := dur / ts
	if secs > uint64(math.MaxInt64/int64(time.Second))-1 {
		return time.Duration(math.MaxInt64)
	}
	frac := (dur % ts) * uint64(time.Second) / ts // < 2^32 · 10^9, fits
	return time.Duration(secs)*time.Second + time.Duration(frac)
}
