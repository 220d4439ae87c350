package media

import (
	"errors"
	"testing"
	"time"
)

func TestChunkSize(t *testing.T) {
	t.Parallel()
	ok := []struct {
		total, preferred int64
		chunk            int64
		segments         int
	}{
		{0, 0, DefaultChunk, 1},
		{1, 0, DefaultChunk, 1},
		{DefaultChunk, 0, DefaultChunk, 1},
		{DefaultChunk + 1, 0, DefaultChunk, 2},
		{MaxVideoBytes, 0, DefaultChunk, 128},
		{4000 << 20, 0, DefaultChunk, 1000},                // exactly 1000 default chunks
		{4000<<20 + 1, 0, 4194305, 1000},                   // grows by one byte
		{int64(MaxChunk) * MaxSegments, 0, MaxChunk, 1000}, // the most X takes
		{10 << 20, 1 << 20, 1 << 20, 10},                   // a user's size is kept
		{100 << 20, 104858, 104858, 1000},                  // the minimum from the message works
		{100 << 20, 105000, 105000, 999},                   // so does the suggested "105 KB" read as 1000s
		{3, MaxChunk, MaxChunk, 1},
	}
	for _, c := range ok {
		chunk, n, err := ChunkSize(c.total, c.preferred)
		if err != nil || chunk != c.chunk || n != c.segments {
			t.Errorf("ChunkSize(%d, %d) = %d, %d, %v; want %d, %d", c.total, c.preferred, chunk, n, err, c.chunk, c.segments)
		}
	}
	bad := []struct {
		total, preferred int64
		rule, msg        string
	}{
		{100 << 20, 64 << 10, RuleSegments, "1600 segments at 64 KB chunks, over X's 1000-segment limit; use --chunk-size 105 KB or more"},
		{MaxVideoBytes, 256 << 10, RuleSegments, "2048 segments at 256 KB chunks, over X's 1000-segment limit; use --chunk-size 537 KB or more"},
		{100 << 20, 104857, RuleSegments, "1001 segments at 102 KB chunks, over X's 1000-segment limit; use --chunk-size 105 KB or more"},
		{10 << 20, 6 << 20, RuleChunkSize, "chunk size 6 MB is over X's 5 MB segment limit; use --chunk-size 5 MB or less"},
		{10 << 20, -1, RuleChunkSize, "chunk size -1 is invalid; it must be positive"},
		{int64(MaxChunk)*MaxSegments + 1, 0, RuleSegments, "file is 4.9 GB, more than X's 1000 segments of 5 MB can carry (4.9 GB)"},
		{-5, 0, RuleSegments, "size -5 bytes is invalid"},
	}
	for _, c := range bad {
		_, _, err := ChunkSize(c.total, c.preferred)
		var re *RuleError
		if !errors.As(err, &re) {
			t.Errorf("ChunkSize(%d, %d) error = %v, want a *RuleError", c.total, c.preferred, err)
			continue
		}
		if re.Rule != c.rule || err.Error() != c.msg {
			t.Errorf("ChunkSize(%d, %d) = %q (%s)\nwant %q (%s)", c.total, c.preferred, err, re.Rule, c.msg, c.rule)
		}
		// A caller names the file by setting Path.
		re.Path = "clip.mp4"
		if err.Error() != "clip.mp4: "+c.msg {
			t.Errorf("with Path: %q", err)
		}
	}
}

func TestCategoryFor(t *testing.T) {
	t.Parallel()
	ok := []struct {
		k        Kind
		override string
		want     string
	}{
		{Image, "", "tweet_image"},
		{GIF, "", "tweet_gif"},
		{Video, "", "tweet_video"},
		{Image, "tweet_image", "tweet_image"},
		{GIF, "tweet_image", "tweet_image"},
		{GIF, "Tweet_GIF", "tweet_gif"},
		{Video, "amplify_video", "amplify_video"},
		{Video, "tweet_video", "tweet_video"},
	}
	for _, c := range ok {
		if got, err := CategoryFor(c.k, c.override); err != nil || got != c.want {
			t.Errorf("CategoryFor(%s, %q) = %q, %v; want %q", c.k, c.override, got, err, c.want)
		}
	}
	bad := []struct {
		k        Kind
		override string
		rule     string
		msg      string
	}{
		{Image, "tweet_gif", RuleCategoryKind, "media category tweet_gif is for GIFs, but this file is an image; use tweet_image"},
		{Image, "amplify_video", RuleCategoryKind, "media category amplify_video is for videos, but this file is an image; use tweet_image"},
		{Video, "tweet_gif", RuleCategoryKind, "media category tweet_gif is for GIFs, but this file is a video; use tweet_video or amplify_video"},
		{GIF, "tweet_video", RuleCategoryKind, "media category tweet_video is for videos, but this file is a GIF; use tweet_gif or tweet_image"},
		{Video, "dm_video", RuleCategory, `unknown media category "dm_video"; use tweet_image, tweet_gif, tweet_video or amplify_video`},
		{Kind("audio"), "", RuleCategoryKind, `unknown media kind "audio" (want image, gif or video)`},
	}
	for _, c := range bad {
		_, err := CategoryFor(c.k, c.override)
		var re *RuleError
		if !errors.As(err, &re) || re.Rule != c.rule || err.Error() != c.msg {
			t.Errorf("CategoryFor(%s, %q) = %v\nwant %q (%s)", c.k, c.override, err, c.msg, c.rule)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	cases := []struct {
		d    time.Duration
		up   bool
		want string
	}{
		{500 * time.Millisecond, false, "0.5 s"},
		{140 * time.Second, false, "140 s"},
		{20 * time.Minute, false, "20 min"},
		{140*time.Second + time.Millisecond, true, "140.1 s"},
		{499 * time.Millisecond, false, "0.4 s"},
		{25*time.Minute + 3200*time.Millisecond, true, "25 min 4 s"},
		{25*time.Minute + 3200*time.Millisecond, false, "25 min 3 s"},
	}
	for _, c := range cases {
		if got := formatDuration(c.d, c.up); got != c.want {
			t.Errorf("formatDuration(%v, %v) = %q, want %q", c.d, c.up, got, c.want)
		}
	}
}
