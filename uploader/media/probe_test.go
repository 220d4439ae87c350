package media

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestProbeRules checks every refusal with its exact message.
func TestProbeRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		make func(t *testing.T, dir string) string
		opts Options
		rule string
		msg  string // after "<path>: "
	}{
		{
			name: "missing",
			make: func(t *testing.T, dir string) string { return join(dir, "gone.png") },
			rule: RuleMissing, msg: "no such file",
		},
		{
			name: "broken symlink",
			make: func(t *testing.T, dir string) string {
				p := join(dir, "link.png")
				if err := os.Symlink(join(dir, "nowhere.png"), p); err != nil {
					t.Fatal(err)
				}
				return p
			},
			rule: RuleMissing, msg: "no such file (the symbolic link points to a file that does not exist)",
		},
		{
			name: "directory",
			make: func(t *testing.T, dir string) string {
				p := join(dir, "album")
				if err := os.Mkdir(p, 0o755); err != nil {
					t.Fatal(err)
				}
				return p
			},
			rule: RuleDirectory, msg: "is a directory, not a media file; choose the files inside it",
		},
		{
			name: "symlink loop",
			make: func(t *testing.T, dir string) string {
				a, b := join(dir, "a.mp4"), join(dir, "b.mp4")
				if err := os.Symlink(b, a); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(a, b); err != nil {
					t.Fatal(err)
				}
				return a
			},
			rule: RuleSymlinkLoop, msg: "symbolic link loop; the link never reaches a file",
		},
		{
			name: "empty",
			make: func(t *testing.T, dir string) string { return writeFile(t, join(dir, "blank.jpg"), nil, 0) },
			rule: RuleEmpty, msg: "file is empty (0 bytes)",
		},
		{
			name: "text named png",
			make: func(t *testing.T, dir string) string {
				return writeFile(t, join(dir, "photo.png"), []byte("this is not a picture\n"), 0)
			},
			rule: RuleTypeMismatch, msg: "content is text/plain, not an image, GIF or video X accepts (the .png extension does not match)",
		},
		{
			name: "text named MP4, extension case ignored",
			make: func(t *testing.T, dir string) string {
				return writeFile(t, join(dir, "CLIP.MP4"), []byte("not a video, just notes\n"), 0)
			},
			rule: RuleTypeMismatch, msg: "content is text/plain, not an image, GIF or video X accepts (the .mp4 extension does not match)",
		},
		{
			name: "pdf",
			make: func(t *testing.T, dir string) string {
				return writeFile(t, join(dir, "flyer.pdf"), []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), 0)
			},
			rule: RuleType, msg: "content is application/pdf, not an image, GIF or video X accepts (only JPEG, PNG, WEBP, GIF, MP4 and MOV are)",
		},
		{
			name: "bmp",
			make: func(t *testing.T, dir string) string {
				bmp := append([]byte("BM"), make([]byte, 60)...)
				bmp[14] = 40 // BITMAPINFOHEADER size
				return writeFile(t, join(dir, "scan.bmp"), bmp, 0)
			},
			rule: RuleType, msg: "content is image/bmp, not an image, GIF or video X accepts (only JPEG, PNG, WEBP, GIF, MP4 and MOV are)",
		},
		{
			name: "unknown binary",
			make: func(t *testing.T, dir string) string {
				return writeFile(t, join(dir, "blob"), []byte{0, 1, 2, 3, 4, 5, 6, 7, 0xfe, 0xff}, 0)
			},
			rule: RuleType, msg: "content is unrecognised binary data, not an image, GIF or video X accepts (only JPEG, PNG, WEBP, GIF, MP4 and MOV are)",
		},
		{
			name: "damaged png header",
			make: func(t *testing.T, dir string) string {
				data := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), 0, 0, 1)
				return writeFile(t, join(dir, "cut.png"), data, 0)
			},
			rule: RuleImageHeader, msg: "PNG header is damaged, X would reject the file (the file ends too early)",
		},
		{
			name: "image over 5 MB",
			make: func(t *testing.T, dir string) string {
				return writeFile(t, join(dir, "big.png"), pngBytes(t, 4, 4), 6<<20)
			},
			rule: RuleImageSize, msg: "image is 6 MB, over the 5 MB limit for tweet_image",
		},
		{
			name: "image one byte over shows exact bytes",
			make: func(t *testing.T, dir string) string {
				return writeFile(t, join(dir, "edge.jpg"), jpegBytes(t, 4, 4), MaxImageBytes+1)
			},
			rule: RuleImageSize, msg: "image is 5 MB (5242881 bytes), over the 5 MB (5242880 bytes) limit for tweet_image",
		},
		{
			name: "GIF over 15 MB",
			make: func(t *testing.T, dir string) string {
				return writeFile(t, join(dir, "loop.gif"), gifBytes(t, 4, 4, 3), 16<<20+300<<10)
			},
			rule: RuleGIFSize, msg: "GIF is 16.3 MB, over the 15 MB limit for tweet_gif",
		},
		{
			name: "GIF as tweet_image over 5 MB",
			make: func(t *testing.T, dir string) string {
				return writeFile(t, join(dir, "still.gif"), gifBytes(t, 4, 4, 1), 6<<20)
			},
			opts: Options{Category: "tweet_image"},
			rule: RuleImageSize, msg: "GIF is 6 MB, over the 5 MB limit for tweet_image",
		},
		{
			name: "video over 512 MB",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "clip.mov"), mp4Spec{brand: "qt  ", timescale: 600, duration: 600 * 30, size: 612 << 20})
			},
			rule: RuleVideoSize, msg: "video is 612 MB, over the 512 MB limit for tweet_video",
		},
		{
			name: "video too short",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "blip.mp4"), mp4Spec{timescale: 1000, duration: 300})
			},
			rule: RuleDuration, msg: "video is 0.3 s long, outside the 0.5 s–140 s range for tweet_video",
		},
		{
			name: "video just under the minimum rounds down",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "blip.mp4"), mp4Spec{timescale: 1000, duration: 499})
			},
			rule: RuleDuration, msg: "video is 0.4 s long, outside the 0.5 s–140 s range for tweet_video",
		},
		{
			name: "video too long for tweet_video",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "talk.mp4"), mp4Spec{timescale: 90000, duration: 90000*151 + 18000})
			},
			rule: RuleDuration, msg: "video is 151.2 s long, outside the 0.5 s–140 s range for tweet_video",
		},
		{
			name: "video just over 140 s rounds up",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "talk.mp4"), mp4Spec{timescale: 1000, duration: 140001})
			},
			rule: RuleDuration, msg: "video is 140.1 s long, outside the 0.5 s–140 s range for tweet_video",
		},
		{
			name: "video too long for amplify_video (mvhd v1)",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "film.mov"), mp4Spec{brand: "qt  ", version: 1, timescale: 600, duration: 600*(25*60+3) + 120})
			},
			opts: Options{Category: "amplify_video"},
			rule: RuleDuration, msg: "video is 25 min 4 s long, outside the 0.5 s–20 min range for amplify_video",
		},
		{
			name: "video too short for amplify_video",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "blip.mp4"), mp4Spec{timescale: 1000, duration: 200})
			},
			opts: Options{Category: "amplify_video"},
			rule: RuleDuration, msg: "video is 0.2 s long, outside the 0.5 s–20 min range for amplify_video",
		},
		{
			name: "tweet_gif for a PNG",
			make: func(t *testing.T, dir string) string {
				return writeFile(t, join(dir, "logo.png"), pngBytes(t, 2, 2), 0)
			},
			opts: Options{Category: "tweet_gif"},
			rule: RuleCategoryKind, msg: "media category tweet_gif is for GIFs, but this file is an image; use tweet_image",
		},
		{
			name: "tweet_image for a video",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "clip.mp4"), mp4Spec{timescale: 1000, duration: 5000})
			},
			opts: Options{Category: "tweet_image"},
			rule: RuleCategoryKind, msg: "media category tweet_image is for images, but this file is a video; use tweet_video or amplify_video",
		},
		{
			name: "tweet_video for a GIF",
			make: func(t *testing.T, dir string) string {
				return writeFile(t, join(dir, "loop.gif"), gifBytes(t, 2, 2, 2), 0)
			},
			opts: Options{Category: "tweet_video"},
			rule: RuleCategoryKind, msg: "media category tweet_video is for videos, but this file is a GIF; use tweet_gif or tweet_image",
		},
		{
			name: "unknown category",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "clip.mp4"), mp4Spec{timescale: 1000, duration: 5000})
			},
			opts: Options{Category: "dm_video"},
			rule: RuleCategory, msg: `unknown media category "dm_video"; use tweet_image, tweet_gif, tweet_video or amplify_video`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			path := c.make(t, t.TempDir())
			info, err := Probe(path, c.opts)
			if err == nil {
				t.Fatalf("Probe(%s) = %+v, want error %q", path, info, c.msg)
			}
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("error %T %v is not a *RuleError", err, err)
			}
			if re.Rule != c.rule {
				t.Errorf("rule = %q, want %q", re.Rule, c.rule)
			}
			if re.Path != path {
				t.Errorf("path = %q, want %q", re.Path, path)
			}
			if want := path + ": " + c.msg; err.Error() != want {
				t.Errorf("message\n got %q\nwant %q", err.Error(), want)
			}
		})
	}
}

// TestProbeExampleMessage checks the message the spec quotes, word for word,
// with the file named relative to the working directory.
func TestProbeExampleMessage(t *testing.T) {
	dir := t.TempDir()
	writeMP4(t, join(dir, "clip.mov"), mp4Spec{brand: "qt  ", timescale: 600, duration: 6000, size: 612 << 20})
	t.Chdir(dir)
	_, err := Probe("clip.mov", Options{})
	if err == nil || err.Error() != "clip.mov: video is 612 MB, over the 512 MB limit for tweet_video" {
		t.Fatalf("got %v", err)
	}
}

func TestProbeAccepts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		make func(t *testing.T, dir string) string
		opts Options
		want Info // Path, Size and ModTime are checked against the file
	}{
		{
			name: "png",
			make: func(t *testing.T, dir string) string { return writeFile(t, join(dir, "a.png"), pngBytes(t, 3, 2), 0) },
			want: Info{MIME: "image/png", Kind: Image, Width: 3, Height: 2, Category: "tweet_image"},
		},
		{
			name: "png exactly 5 MB",
			make: func(t *testing.T, dir string) string {
				return writeFile(t, join(dir, "a.png"), pngBytes(t, 7, 5), MaxImageBytes)
			},
			want: Info{MIME: "image/png", Kind: Image, Width: 7, Height: 5, Category: "tweet_image"},
		},
		{
			name: "jpeg",
			make: func(t *testing.T, dir string) string { return writeFile(t, join(dir, "a.jpg"), jpegBytes(t, 16, 9), 0) },
			want: Info{MIME: "image/jpeg", Kind: Image, Width: 16, Height: 9, Category: "tweet_image"},
		},
		{
			name: "webp",
			make: func(t *testing.T, dir string) string {
				return writeFile(t, join(dir, "a.webp"), webpBytes(1280, 720), 0)
			},
			want: Info{MIME: "image/webp", Kind: Image, Width: 1280, Height: 720, Category: "tweet_image"},
		},
		{
			name: "content wins over a wrong media extension",
			make: func(t *testing.T, dir string) string { return writeFile(t, join(dir, "a.mp4"), pngBytes(t, 5, 4), 0) },
			want: Info{MIME: "image/png", Kind: Image, Width: 5, Height: 4, Category: "tweet_image"},
		},
		{
			name: "animated gif under 15 MB",
			make: func(t *testing.T, dir string) string {
				return writeFile(t, join(dir, "a.gif"), gifBytes(t, 6, 4, 3), 14<<20)
			},
			want: Info{MIME: "image/gif", Kind: GIF, Width: 6, Height: 4, Category: "tweet_gif"},
		},
		{
			name: "gif as tweet_image, override normalised",
			make: func(t *testing.T, dir string) string {
				return writeFile(t, join(dir, "a.gif"), gifBytes(t, 2, 2, 1), 0)
			},
			opts: Options{Category: " TWEET_IMAGE "},
			want: Info{MIME: "image/gif", Kind: GIF, Width: 2, Height: 2, Category: "tweet_image"},
		},
		{
			name: "mp4 v0",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "a.mp4"), mp4Spec{timescale: 1000, duration: 12345, size: 1 << 20})
			},
			want: Info{MIME: "video/mp4", Kind: Video, Duration: 12345 * time.Millisecond, Category: "tweet_video"},
		},
		{
			name: "mov v1, 90 kHz",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "a.mov"), mp4Spec{brand: "qt  ", version: 1, timescale: 90000, duration: 90000*30 + 45000})
			},
			want: Info{MIME: "video/quicktime", Kind: Video, Duration: 30500 * time.Millisecond, Category: "tweet_video"},
		},
		{
			name: "m4v sent as mp4",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "a.m4v"), mp4Spec{brand: "M4V ", timescale: 600, duration: 600})
			},
			want: Info{MIME: "video/mp4", Kind: Video, Duration: time.Second, Category: "tweet_video"},
		},
		{
			name: "exactly 140 s and 0.5 s limits are inside",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "a.mp4"), mp4Spec{timescale: 1000, duration: 140000})
			},
			want: Info{MIME: "video/mp4", Kind: Video, Duration: 140 * time.Second, Category: "tweet_video"},
		},
		{
			name: "amplify_video takes 19 min",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "a.mp4"), mp4Spec{timescale: 1, duration: 19 * 60})
			},
			opts: Options{Category: "amplify_video"},
			want: Info{MIME: "video/mp4", Kind: Video, Duration: 19 * time.Minute, Category: "amplify_video"},
		},
		{
			name: "duration unknown: no moov",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "a.mp4"), mp4Spec{noMoov: true, size: 4096})
			},
			want: Info{MIME: "video/mp4", Kind: Video, Category: "tweet_video"},
		},
		{
			name: "duration unknown: all ones",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "a.mp4"), mp4Spec{timescale: 1000, duration: 0xFFFFFFFF})
			},
			want: Info{MIME: "video/mp4", Kind: Video, Category: "tweet_video"},
		},
		{
			name: "duration unknown: zero time scale",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "a.mp4"), mp4Spec{timescale: 0, duration: 5000})
			},
			want: Info{MIME: "video/mp4", Kind: Video, Category: "tweet_video"},
		},
		{
			name: "511 MB with moov after mdat",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "a.mp4"), mp4Spec{timescale: 600, duration: 600 * 60, size: 511 << 20, moovLast: true})
			},
			want: Info{MIME: "video/mp4", Kind: Video, Duration: time.Minute, Category: "tweet_video"},
		},
		{
			name: "exactly 512 MB",
			make: func(t *testing.T, dir string) string {
				return writeMP4(t, join(dir, "a.mp4"), mp4Spec{timescale: 600, duration: 600 * 60, size: MaxVideoBytes})
			},
			want: Info{MIME: "video/mp4", Kind: Video, Duration: time.Minute, Category: "tweet_video"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			path := c.make(t, t.TempDir())
			got, err := Probe(path, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			want := c.want
			want.Path, want.Size, want.ModTime = path, st.Size(), st.ModTime()
			if *got != want {
				t.Errorf("Probe:\n got %+v\nwant %+v", *got, want)
			}
		})
	}
}

// TestFileErrorClassification covers the errors that cannot be produced for
// real in every environment (as root, a mode-000 file is still readable).
func TestFileErrorClassification(t *testing.T) {
	t.Parallel()
	path := "/media/clip.mp4"
	cases := []struct {
		err  error
		rule string
		msg  string
	}{
		{&fs.PathError{Op: "open", Path: path, Err: syscall.EACCES}, RulePermission, "permission denied; mediaup cannot read this file"},
		{&fs.PathError{Op: "stat", Path: path, Err: syscall.ELOOP}, RuleSymlinkLoop, "symbolic link loop; the link never reaches a file"},
		{&fs.PathError{Op: "stat", Path: path, Err: syscall.ENOENT}, RuleMissing, "no such file"},
		{&fs.PathError{Op: "read", Path: path, Err: syscall.EIO}, RuleRead, "cannot read the file: input/output error"},
	}
	for _, c := range cases {
		re := fileError(path, c.err)
		if re.Rule != c.rule || re.Error() != path+": "+c.msg {
			t.Errorf("fileError(%v) = %q (%s), want %q (%s)", c.err, re.Error(), re.Rule, c.msg, c.rule)
		}
	}
}

func TestProbePermissionDenied(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("root reads mode-000 files; TestFileErrorClassification covers the message")
	}
	p := writeFile(t, join(t.TempDir(), "locked.png"), pngBytes(t, 2, 2), 0)
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	_, err := Probe(p, Options{})
	if err == nil || err.Error() != p+": permission denied; mediaup cannot read this file" {
		t.Fatalf("got %v", err)
	}
}

// countingFile is a virtual file of a given size: the given pieces at their
// offsets and zeros elsewhere. It counts the bytes read, to show Probe's
// duration search seeks rather than reads.
type countingFile struct {
	size   int64
	pieces map[int64][]byte
	read   int64
	calls  int
}

func (f *countingFile) ReadAt(p []byte, off int64) (int, error) {
	f.calls++
	if off >= f.size {
		return 0, fmt.Errorf("read at %d past end %d", off, f.size)
	}
	n := int(min(int64(len(p)), f.size-off))
	clear(p[:n])
	for at, b := range f.pieces {
		for i := range n {
			if j := off + int64(i) - at; j >= 0 && j < int64(len(b)) {
				p[i] = b[j]
			}
		}
	}
	f.read += int64(n)
	if n < len(p) {
		return n, fmt.Errorf("short read")
	}
	return n, nil
}

func TestMP4DurationSeeksPastMediaData(t *testing.T) {
	t.Parallel()
	const size = 512 << 20
	ftyp := ftypBox("isom")
	moov := mp4Box("moov", mp4Box("udta"), mvhdBox(1, 48000, 48000*90))
	mdat := int64(size - len(ftyp) - len(moov))
	f := &countingFile{size: size, pieces: map[int64][]byte{
		0:                       ftyp,
		int64(len(ftyp)):        padHeader("mdat", mdat),
		int64(len(ftyp)) + mdat: moov,
	}}
	if d := mp4Duration(f, size); d != 90*time.Second {
		t.Fatalf("duration = %v, want 1m30s", d)
	}
	if f.read > 256 || f.calls > 10 {
		t.Fatalf("read %d bytes in %d calls from a 512 MB file; want a handful of headers", f.read, f.calls)
	}
}

func TestMP4DurationDamaged(t *testing.T) {
	t.Parallel()
	ftyp := ftypBox("isom")
	mvhd := mvhdBox(0, 1000, 7000)
	cases := map[string][]byte{
		"box size smaller than its header": append(append([]byte{}, ftyp...), 0, 0, 0, 4, 'm', 'o', 'o', 'v'),
		"mvhd cut short":                   append(append([]byte{}, ftyp...), mp4Box("moov", mvhd[:20])...),
		"unknown mvhd version":             append(append([]byte{}, ftyp...), mp4Box("moov", append(append([]byte{}, mvhd[:8]...), append([]byte{7}, mvhd[9:]...)...))...),
		"moov without mvhd":                append(append([]byte{}, ftyp...), mp4Box("moov", mp4Box("trak"))...),
		"free box runs past the end":       append(append([]byte{}, ftyp...), padHeader("free", 1<<20)...),
	}
	for name, data := range cases {
		f := &countingFile{size: int64(len(data)), pieces: map[int64][]byte{0: data}}
		if d := mp4Duration(f, f.size); d != 0 {
			t.Errorf("%s: duration = %v, want 0 (unknown)", name, d)
		}
	}
	// A moov whose declared size runs past the end of a truncated file still
	// yields its mvhd.
	moov := mp4Box("moov", mvhd)
	moov[3] += 100
	data := append(append([]byte{}, ftyp...), moov...)
	f := &countingFile{size: int64(len(data)), pieces: map[int64][]byte{0: data}}
	if d := mp4Duration(f, f.size); d != 7*time.Second {
		t.Errorf("truncated moov: duration = %v, want 7s", d)
	}
	// A 64-bit box size (size field 1, then the size) is followed.
	wide := []byte{0, 0, 0, 1, 'w', 'i', 'd', 'e', 0, 0, 0, 0, 0, 0, 0, 16}
	data = append(append(append([]byte{}, ftyp...), wide...), mp4Box("moov", mvhd)...)
	f = &countingFile{size: int64(len(data)), pieces: map[int64][]byte{0: data}}
	if d := mp4Duration(f, f.size); d != 7*time.Second {
		t.Errorf("64-bit box size: duration = %v, want 7s", d)
	}
}

func TestScaledDuration(t *testing.T) {
	t.Parallel()
	cases := []struct {
		dur   uint64
		scale uint32
		want  time.Duration
	}{
		{1001, 30000, 33366666 * time.Nanosecond},
		{90000 * 3600, 90000, time.Hour},
		{5, 0, 0},
		{1<<64 - 2, 1, time.Duration(1<<63 - 1)},
		{1<<64 - 2, 0xFFFFFFFF, 4294967296*time.Second + 999999999},
	}
	for _, c := range cases {
		if got := scaledDuration(c.dur, c.scale); got != c.want {
			t.Errorf("scaledDuration(%d, %d) = %v, want %v", c.dur, c.scale, got, c.want)
		}
	}
}
