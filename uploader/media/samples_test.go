package media

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The real sample media committed in the module's assets directory.
const assetsDir = "../../assets"

func TestProbeRealSamples(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		want Info
	}{
		{"sample.png", Info{MIME: "image/png", Kind: Image, Width: 640, Height: 360, Category: "tweet_image"}},
		{"sample2.png", Info{MIME: "image/png", Kind: Image, Width: 480, Height: 480, Category: "tweet_image"}},
		{"sample.gif", Info{MIME: "image/gif", Kind: GIF, Width: 320, Height: 180, Category: "tweet_gif"}},
		{"sample.mp4", Info{MIME: "video/mp4", Kind: Video, Duration: 3 * time.Second, Category: "tweet_video"}},
	}
	for _, c := range cases {
		path := filepath.Join(assetsDir, c.name)
		got, err := Probe(path, Options{})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		want := c.want
		want.Path, want.Size, want.ModTime = path, st.Size(), st.ModTime()
		if *got != want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, *got, want)
		}
	}
}

// padSample copies the real sample.mp4 and appends a free box so the file is
// size bytes: still a valid MP4, any size, sparse on disk.
func padSample(t *testing.T, size int64) string {
	t.Helper()
	src, err := os.Open(filepath.Join(assetsDir, "sample.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(t.TempDir(), "padded.mp4")
	dst, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	n, err := io.Copy(dst, src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dst.Write(padHeader("free", size-n)); err != nil {
		t.Fatal(err)
	}
	if err := dst.Truncate(size); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestProbePaddedRealSample(t *testing.T) {
	t.Parallel()
	path := padSample(t, 300<<20)
	info, err := Probe(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != 300<<20 || info.Duration != 3*time.Second || info.MIME != "video/mp4" {
		t.Errorf("padded sample: %+v", info)
	}

	path = padSample(t, 600<<20)
	_, err = Probe(path, Options{Category: "amplify_video"})
	var re *RuleError
	if !errors.As(err, &re) || re.Rule != RuleVideoSize ||
		err.Error() != path+": video is 600 MB, over the 512 MB limit for amplify_video" {
		t.Errorf("600 MB sample: %v", err)
	}
}
