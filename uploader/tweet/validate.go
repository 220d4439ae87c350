package tweet

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mediaup/mediaup/uploader/media"
)

// ValidateText checks a post's text before it is sent: it must be valid UTF-8
// without the characters X refuses (U+FFFE, U+FEFF, U+FFFF), may be empty (or
// blank) only when media is attached, and may weigh at most MaxWeighted.
func ValidateText(text string, mediaCount int) error {
	if !utf8.ValidString(text) {
		return errors.New("tweet text is not valid UTF-8; re-type or re-paste it")
	}
	for i, r := range text {
		if r == 0xFFFE || r == 0xFEFF || r == 0xFFFF {
			at := utf8.RuneCountInString(text[:i]) + 1
			return fmt.Errorf("tweet contains U+%04X at character %d, which X does not accept; remove it", r, at)
		}
	}
	if strings.TrimSpace(text) == "" {
		if mediaCount > 0 {
			return nil
		}
		return errors.New("tweet is empty; write some text or attach media")
	}
	if n := WeightedLength(text); n > MaxWeighted {
		return fmt.Errorf("tweet is %d characters by X's count, over the %d limit (URLs count 23, emoji and CJK count 2)", n, MaxWeighted)
	}
	return nil
}

// CheckAttachments checks the mix of media on one post: up to 4 images, or
// exactly 1 GIF, or exactly 1 video, never mixed. No media is fine. The
// message names the rule; callers add file names.
func CheckAttachments(kinds []media.Kind) error {
	var images, gifs, videos int
	for _, k := range kinds {
		switch k {
		case media.Image:
			images++
		case media.GIF:
			gifs++
		case media.Video:
			videos++
		default:
			return fmt.Errorf("unknown media kind %q: a tweet takes images, a GIF or a video", string(k))
		}
	}
	switch {
	case gifs > 1:
		return fmt.Errorf("%d GIFs: a tweet takes at most 1 GIF", gifs)
	case videos > 1:
		return fmt.Errorf("%d videos: a tweet takes at most 1 video", videos)
	case gifs == 1 && len(kinds) > 1:
		return errors.New("a GIF cannot share a tweet with other media")
	case videos == 1 && len(kinds) > 1:
		return errors.New("a video cannot share a tweet with other media")
	case images > 4:
		return fmt.Errorf("%d images: a tweet takes at most 4 images", images)
	}
	return nil
}
