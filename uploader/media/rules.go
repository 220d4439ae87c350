package media

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/mediaup/mediaup/internal/size"
)

// Size and segment limits of X's media upload (x-api.md §2.1, §2.5). Sizes are
// in bytes; "MB" in messages means 1024×1024 bytes, as X's own 5242880-byte
// image limit does.
const (
	MaxImageBytes = 5 << 20   // tweet_image
	MaxGIFBytes   = 15 << 20  // tweet_gif
	MaxVideoBytes = 512 << 20 // tweet_video and amplify_video
	MaxChunk      = 5 << 20   // largest APPEND segment X accepts
	DefaultChunk  = 4 << 20   // segment size used when none is asked for
	MaxSegments   = 1000      // segment_index runs 0–999
)

// Video duration limits (x-api.md §2.3).
const (
	MinVideoDuration        = 500 * time.Millisecond
	MaxTweetVideoDuration   = 140 * time.Second
	MaxAmplifyVideoDuration = 20 * time.Minute
)

// The media_category values mediaup sends.
const (
	CategoryTweetImage   = "tweet_image"
	CategoryTweetGIF     = "tweet_gif"
	CategoryTweetVideo   = "tweet_video"
	CategoryAmplifyVideo = "amplify_video"
)

// Rule identifiers carried in RuleError.Rule. They are stable: callers may
// switch on them.
const (
	RuleMissing      = "missing"       // the path does not exist
	RuleDirectory    = "directory"     // the path is a directory
	RuleNotRegular   = "not-regular"   // a device, pipe or socket
	RuleSymlinkLoop  = "symlink-loop"  // symbolic links that never reach a file
	RulePermission   = "permission"    // the file cannot be opened for reading
	RuleRead         = "read"          // any other I/O error
	RuleEmpty        = "empty"         // 0 bytes
	RuleType         = "type"          // content of a type X does not accept
	RuleTypeMismatch = "type-mismatch" // a media extension on content of another, unaccepted type
	RuleImageHeader  = "image-header"  // an image whose header cannot be read
	RuleImageSize    = "image-size"    // over MaxImageBytes for tweet_image
	RuleGIFSize      = "gif-size"      // over MaxGIFBytes for tweet_gif
	RuleVideoSize    = "video-size"    // over MaxVideoBytes
	RuleDuration     = "video-duration"
	RuleCategory     = "category"      // an unknown media category
	RuleCategoryKind = "category-kind" // a category that does not fit the file's kind
	RuleChunkSize    = "chunk-size"    // a chunk size outside 1 byte … MaxChunk
	RuleSegments     = "segments"      // more than MaxSegments segments
)

// RuleError is a file that breaks one of X's media rules, or a setting that
// cannot work. Msg is a sentence a user can act on; Rule is one of the Rule*
// identifiers.
type RuleError struct {
	Path string // the file as the user named it; empty for errors not tied to a file yet
	Rule string
	Msg  string
}

// Error returns "<path>: <message>", or just the message when Path is empty
// (CategoryFor and ChunkSize do not know the file; callers may set Path).
func (e *RuleError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

func ruleErr(path, rule, format string, args ...any) *RuleError {
	return &RuleError{Path: path, Rule: rule, Msg: fmt.Sprintf(format, args...)}
}

// sizePair formats a size and a limit for a message, adding exact byte counts
// when rounding would make them read the same ("5 MB, over the 5 MB limit").
func sizePair(n, limit int64) (string, string) {
	s, l := size.Format(n), size.Format(limit)
	if s == l {
		s = fmt.Sprintf("%s (%d bytes)", s, n)
		l = fmt.Sprintf("%s (%d bytes)", l, limit)
	}
	return s, l
}

// CategoryFor returns the media_category for a file of kind k: override when
// it is set and fits the kind, else tweet_image, tweet_gif or tweet_video.
// Accepted overrides are tweet_image (images and GIFs), tweet_gif (GIFs),
// tweet_video and amplify_video (videos). Errors are *RuleError with an empty
// Path and Rule RuleCategory or RuleCategoryKind.
func CategoryFor(k Kind, override string) (string, error) {
	cat := strings.ToLower(strings.TrimSpace(override))
	var fits []string
	switch k {
	case Image:
		fits = []string{CategoryTweetImage}
	case GIF:
		fits = []string{CategoryTweetGIF, CategoryTweetImage}
	case Video:
		fits = []string{CategoryTweetVideo, CategoryAmplifyVideo}
	default:
		return "", ruleErr("", RuleCategoryKind, "unknown media kind %q (want image, gif or video)", string(k))
	}
	if cat == "" {
		return fits[0], nil
	}
	var forWhat string
	switch cat {
	case CategoryTweetImage:
		forWhat = "images"
	case CategoryTweetGIF:
		forWhat = "GIFs"
	case CategoryTweetVideo, CategoryAmplifyVideo:
		forWhat = "videos"
	default:
		return "", ruleErr("", RuleCategory, "unknown media category %q; use tweet_image, tweet_gif, tweet_video or amplify_video", override)
	}
	for _, f := range fits {
		if f == cat {
			return cat, nil
		}
	}
	return "", ruleErr("", RuleCategoryKind, "media category %s is for %s, but this file is %s; use %s",
		cat, forWhat, kindArticle(k), strings.Join(fits, " or "))
}

func kindArticle(k Kind) string {
	switch k {
	case Image:
		return "an image"
	case GIF:
		return "a GIF"
	default:
		return "a video"
	}
}

func kindNoun(k Kind) string {
	switch k {
	case Image:
		return "image"
	case GIF:
		return "GIF"
	default:
		return "video"
	}
}

// limitFor returns the size limit and its rule for a category.
func limitFor(category string) (int64, string) {
	switch category {
	case CategoryTweetImage:
		return MaxImageBytes, RuleImageSize
	case CategoryTweetGIF:
		return MaxGIFBytes, RuleGIFSize
	default:
		return MaxVideoBytes, RuleVideoSize
	}
}

// ChunkSize returns the APPEND segment size and the segment count for a file
// of total bytes.
//
// With preferred 0 it starts from DefaultChunk and grows the chunk just enough
// to keep the count within MaxSegments, never above MaxChunk. A preferred size
// (a user's --chunk-size) is used as given; it is an error when it is above
// MaxChunk or would need more than MaxSegments segments, and the message names
// the smallest size that works. A total of 0 gives 1 segment.
//
// Errors are *RuleError with an empty Path (callers may set it) and Rule
// RuleChunkSize or RuleSegments.
func ChunkSize(total, preferred int64) (chunk int64, segments int, err error) {
	switch {
	case total < 0:
		return 0, 0, ruleErr("", RuleSegments, "size %d bytes is invalid", total)
	case preferred < 0:
		return 0, 0, ruleErr("", RuleChunkSize, "chunk size %d is invalid; it must be positive", preferred)
	case preferred > MaxChunk:
		return 0, 0, ruleErr("", RuleChunkSize, "chunk size %s is over X's %s segment limit; use --chunk-size %s or less",
			size.Format(preferred), size.Format(MaxChunk), size.Format(MaxChunk))
	}
	const most = int64(MaxChunk) * MaxSegments
	if total > most {
		return 0, 0, ruleErr("", RuleSegments, "file is %s, more than X's %d segments of %s can carry (%s)",
			size.Format(total), MaxSegments, size.Format(MaxChunk), size.Format(most))
	}
	least := ceilDiv(total, MaxSegments) // smallest chunk that fits in MaxSegments
	chunk = preferred
	if chunk == 0 {
		chunk = max(DefaultChunk, least)
	}
	n := ceilDiv(total, chunk)
	if n > MaxSegments {
		// Suggest in thousands of bytes, rounded up, so the figure works
		// whether --chunk-size reads "KB" as 1000 or 1024 bytes.
		return 0, 0, ruleErr("", RuleSegments, "%d segments at %s chunks, over X's %d-segment limit; use --chunk-size %d KB or more",
			n, size.Format(chunk), MaxSegments, ceilDiv(least, 1000))
	}
	return chunk, int(max(n, 1)), nil
}

func ceilDiv(a, b int64) int64 {
	return (a + b - 1) / b
}

// formatDuration formats d for a duration message: seconds with one decimal
// below 10 minutes ("151.2 s"), else minutes and whole seconds ("25 min 4 s").
// up rounds up (for a value over a maximum), else down (under a minimum), so
// the shown value never appears to be inside the range.
func formatDuration(d time.Duration, up bool) string {
	round := math.Floor
	if up {
		round = math.Ceil
	}
	if d < 10*time.Minute {
		tenths := round(d.Seconds() * 10)
		return strings.TrimSuffix(strconv.FormatFloat(tenths/10, 'f', 1, 64), ".0") + " s"
	}
	secs := int64(round(d.Seconds()))
	m, s := secs/60, secs%60
	if s == 0 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d min %d s", m, s)
}

// durationRange returns the allowed duration range for a video category.
func durationRange(category string) (lo, hi time.Duration) {
	if category == CategoryAmplifyVideo {
		return MinVideoDuration, MaxAmplifyVideoDuration
	}
	return MinVideoDuration, MaxTweetVideoDuration
}
