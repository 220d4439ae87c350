package tweet

import (
	"strings"
	"testing"

	"github.com/mediaup/mediaup/uploader/media"
)

func TestValidateText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		text   string
		media  int
		errMsg string // "" means valid
	}{
		{"plain", "Launch day!", 0, ""},
		{"empty with media", "", 1, ""},
		{"blank with media", "  \n", 4, ""},
		{"empty without media", "", 0, "tweet is empty; write some text or attach media"},
		{"blank without media", " \t\n", 0, "tweet is empty; write some text or attach media"},
		{"exactly 280", strings.Repeat("a", 280), 0, ""},
		{"280 with URLs and emoji", strings.Repeat("https://example.com/a/very/long/path ", 10) + strings.Repeat("😀", 20), 0, ""},
		{"281", strings.Repeat("a", 281), 0,
			"tweet is 281 characters by X's count, over the 280 limit (URLs count 23, emoji and CJK count 2)"},
		{"291 with CJK", strings.Repeat("字", 140) + strings.Repeat("a", 11), 1,
			"tweet is 291 characters by X's count, over the 280 limit (URLs count 23, emoji and CJK count 2)"},
		{"BOM", "hello \uFEFFworld", 0, "tweet contains U+FEFF at character 7, which X does not accept; remove it"},
		{"U+FFFE", "\uFFFE", 1, "tweet contains U+FFFE at character 1, which X does not accept; remove it"},
		{"U+FFFF", "ok\uFFFF", 0, "tweet contains U+FFFF at character 3, which X does not accept; remove it"},
		{"invalid UTF-8", "caf\xe9", 0, "tweet text is not valid UTF-8; re-type or re-paste it"},
	}
	for _, c := range cases {
		err := ValidateText(c.text, c.media)
		switch {
		case c.errMsg == "" && err != nil:
			t.Errorf("%s: unexpected error %v", c.name, err)
		case c.errMsg != "" && (err == nil || err.Error() != c.errMsg):
			t.Errorf("%s: error = %v\nwant %q", c.name, err, c.errMsg)
		}
	}
}

func TestCheckAttachments(t *testing.T) {
	t.Parallel()
	img, gif, vid := media.Image, media.GIF, media.Video
	cases := []struct {
		kinds  []media.Kind
		errMsg string
	}{
		{nil, ""},
		{[]media.Kind{img}, ""},
		{[]media.Kind{img, img, img, img}, ""},
		{[]media.Kind{gif}, ""},
		{[]media.Kind{vid}, ""},
		{[]media.Kind{img, img, img, img, img}, "5 images: a tweet takes at most 4 images"},
		{[]media.Kind{gif, img}, "a GIF cannot share a tweet with other media"},
		{[]media.Kind{img, gif}, "a GIF cannot share a tweet with other media"},
		{[]media.Kind{vid, img, img}, "a video cannot share a tweet with other media"},
		{[]media.Kind{gif, gif}, "2 GIFs: a tweet takes at most 1 GIF"},
		{[]media.Kind{vid, vid, vid}, "3 videos: a tweet takes at most 1 video"},
		{[]media.Kind{gif, vid}, "a GIF cannot share a tweet with other media"},
		{[]media.Kind{img, "audio"}, `unknown media kind "audio": a tweet takes images, a GIF or a video`},
	}
	for _, c := range cases {
		err := CheckAttachments(c.kinds)
		switch {
		case c.errMsg == "" && err != nil:
			t.Errorf("%v: unexpected error %v", c.kinds, err)
		case c.errMsg != "" && (err == nil || err.Error() != c.errMsg):
			t.Errorf("%v: error = %v\nwant %q", c.kinds, err, c.errMsg)
		}
	}
}
