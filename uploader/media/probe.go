package media

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gabriel-vasile/mimetype"
	"golang.org/x/image/webp"
)

// Kind is what X makes of a file: an image, a GIF (animated or not, any
// image/gif), or a video.
type Kind string

// The kinds of media X accepts.
const (
	Image Kind = "image"
	GIF   Kind = "gif"
	Video Kind = "video"
)

// Info is what Probe learned about a file.
type Info struct {
	Path    string // as given to Probe
	Size    int64
	ModTime time.Time
	// MIME is sniffed from the content, e.g. image/png, video/mp4,
	// video/quicktime. It is the media_type to send X: an APNG is reported as
	// image/png and an M4V as video/mp4, the types X knows them by.
	MIME string
	Kind Kind
	// Width and Height come from an image's or GIF's header (no pixels are
	// decoded); 0 for videos and for the rare image whose header Go cannot
	// read (for example an arithmetic-coded JPEG).
	Width, Height int
	// Frames is the GIF frame count; 0 means not counted (counting needs the
	// whole file read, which Probe does not do).
	Frames int
	// Duration is an MP4 or MOV's length from its mvhd box; 0 if unknown
	// (X decides then).
	Duration time.Duration
	// Category is the media_category chosen for the upload.
	Category string
}

// Options adjust a probe.
type Options struct {
	// Category overrides the media_category: tweet_image, tweet_gif,
	// tweet_video or amplify_video. It must fit the file's kind.
	Category string
}

// sniffLen is how much of a file is read to detect its type; it is the
// mimetype library's own default limit.
const sniffLen = 4096

// accepted maps the sniffed types X accepts to the type sent and the kind.
var accepted = map[string]struct {
	mime string
	kind Kind
}{
	"image/jpeg":      {"image/jpeg", Image},
	"image/png":       {"image/png", Image},
	"image/apng":      {"image/png", Image},
	"image/webp":      {"image/webp", Image},
	"image/gif":       {"image/gif", GIF},
	"video/mp4":       {"video/mp4", Video},
	"video/x-m4v":     {"video/mp4", Video},
	"video/quicktime": {"video/quicktime", Video},
}

// mediaExts are the extensions of the types X accepts; a file with one of them
// whose content is something else gets RuleTypeMismatch.
var mediaExts = map[string]bool{
	".jpg": true, ".jpeg": true, ".jpe": true, ".png": true, ".apng": true, ".webp": true,
	".gif": true, ".mp4": true, ".m4v": true, ".mov": true, ".qt": true,
}

// Probe checks the file at path against X's media rules and describes it.
// Every refusal is a *RuleError naming the file and the rule broken: a
// missing, unreadable or empty file, a directory, a symlink loop, content of a
// type X does not accept (only JPEG, PNG, WEBP, GIF, MP4 and MOV), a file over
// its category's size limit, a video outside its category's duration range, or
// a category override that does not fit the file. A video whose duration
// cannot be read is accepted with Duration 0.
func Probe(path string, opts Options) (*Info, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	if st.IsDir() {
		return nil, ruleErr(path, RuleDirectory, "is a directory, not a media file; choose the files inside it")
	}
	if !st.Mode().IsRegular() {
		// Checked before opening: opening a named pipe would block.
		return nil, ruleErr(path, RuleNotRegular, "is %s, not a regular file", describeMode(st.Mode()))
	}
	if st.Size() == 0 {
		return nil, ruleErr(path, RuleEmpty, "file is empty (0 bytes)")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	defer f.Close()

	info := &Info{Path: path, Size: st.Size(), ModTime: st.ModTime()}
	head := make([]byte, min(sniffLen, st.Size()))
	n, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fileError(path, err)
	}
	head = head[:n]
	if n == 0 {
		return nil, ruleErr(path, RuleEmpty, "file is empty (0 bytes)")
	}

	sniffed := baseType(mimetype.Detect(head).String())
	acc, ok := accepted[sniffed]
	if !ok {
		return nil, typeError(path, sniffed)
	}
	info.MIME, info.Kind = acc.mime, acc.kind

	cat, err := CategoryFor(info.Kind, opts.Category)
	if err != nil {
		var re *RuleError
		if errors.As(err, &re) {
			re.Path = path
		}
		return nil, err
	}
	info.Category = cat

	if limit, rule := limitFor(cat); info.Size > limit {
		size, lim := sizePair(info.Size, limit)
		return nil, ruleErr(path, rule, "%s is %s, over the %s limit for %s", kindNoun(info.Kind), size, lim, cat)
	}

	switch info.Kind {
	case Image, GIF:
		if err := readDimensions(info, f); err != nil {
			return nil, err
		}
	case Video:
		info.Duration = mp4Duration(f, info.Size)
		lo, hi := durationRange(cat)
		if d := info.Duration; d != 0 && (d < lo || d > hi) {
			return nil, ruleErr(path, RuleDuration, "video is %s long, outside the %s–%s range for %s",
				formatDuration(d, d > hi), formatDuration(lo, false), formatDuration(hi, false), cat)
		}
	}
	return info, nil
}

// fileError turns an error from stat, open or read into a RuleError.
func fileError(path string, err error) *RuleError {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if lst, lerr := os.Lstat(path); lerr == nil && lst.Mode()&fs.ModeSymlink != 0 {
			return ruleErr(path, RuleMissing, "no such file (the symbolic link points to a file that does not exist)")
		}
		return ruleErr(path, RuleMissing, "no such file")
	case errors.Is(err, syscall.ELOOP):
		return ruleErr(path, RuleSymlinkLoop, "symbolic link loop; the link never reaches a file")
	case errors.Is(err, fs.ErrPermission):
		return ruleErr(path, RulePermission, "permission denied; mediaup cannot read this file")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path is already in front of the message
	}
	return ruleErr(path, RuleRead, "cannot read the file: %v", err)
}

func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	default:
		return "a special file"
	}
}

// baseType drops MIME parameters: "text/plain; charset=utf-8" → "text/plain".
func baseType(t string) string {
	if mt, _, err := mime.ParseMediaType(t); err == nil {
		return mt
	}
	return strings.TrimSpace(strings.SplitN(t, ";", 2)[0])
}

func typeError(path, sniffed string) *RuleError {
	what := sniffed
	if sniffed == "application/octet-stream" {
		what = "unrecognised binary data"
	}
	ext := strings.ToLower(filepath.Ext(path))
	if mediaExts[ext] {
		return ruleErr(path, RuleTypeMismatch, "content is %s, not an image, GIF or video X accepts (the %s extension does not match)", what, ext)
	}
	return ruleErr(path, RuleType, "content is %s, not an image, GIF or video X accepts (only JPEG, PNG, WEBP, GIF, MP4 and MOV are)", what)
}

// readDimensions fills Width and Height from the image header. A header the
// decoder cannot parse is a damaged file and refused; a feature Go does not
// support (e.g. arithmetic-coded JPEG) leaves the size 0 for X to judge.
func readDimensions(info *Info, f *os.File) error {
	r := bufio.NewReaderSize(io.NewSectionReader(f, 0, info.Size), sniffLen)
	var (
		cfg    image.Config
		err    error
		format string
	)
	switch info.MIME {
	case "image/jpeg":
		format = "JPEG"
		cfg, err = jpeg.DecodeConfig(r)
	case "image/png":
		format = "PNG"
		cfg, err = png.DecodeConfig(r)
	case "image/webp":
		format = "WEBP"
		cfg, err = webp.DecodeConfig(r)
	case "image/gif":
		format = "GIF"
		cfg, err = gif.DecodeConfig(r)
	}
	var (
		jpegUnsupported jpeg.UnsupportedError
		pngUnsupported  png.UnsupportedError
	)
	switch {
	case err == nil:
		info.Width, info.Height = cfg.Width, cfg.Height
	case errors.As(err, &jpegUnsupported), errors.As(err, &pngUnsupported):
		// Valid but beyond Go's decoder: leave the size unknown.
	default:
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			err = fmt.Errorf("the file ends too early")
		}
		return ruleErr(info.Path, RuleImageHeader, "%s header is damaged, X would reject the file (%v)", format, err)
	}
	return nil
}
