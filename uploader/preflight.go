package uploader

import (
	"errors"
	"fmt"
	"os"

	"github.com/mediaup/mediaup/uploader/media"
	"github.com/mediaup/mediaup/uploader/tweet"
)

// PreflightRequest is what a face is about to do with a set of files.
type PreflightRequest struct {
	Files     []string
	Category  string            // media_category override; "" = by type
	ChunkSize int64             // preferred segment size; 0 = the default
	AltText   map[string]string // alt text by file, as given in Files
	Post      bool              // the files go into one post with Text
	Text      string
}

// PreflightError is a refusal before anything is sent. File says a file
// itself is bad (the run fails); otherwise the request is (a usage error).
type PreflightError struct {
	File bool
	Err  error
}

func (e *PreflightError) Error() string { return e.Err.Error() }
func (e *PreflightError) Unwrap() error { return e.Err }

// Preflight checks a batch before any request: each file given once, alt
// texts within X's rules, an override category X knows, and, for a post,
// every file acceptable (probe, segment count) and the media mix and text
// fit one post. Without a post, a bad file is left to the manager, which
// reports it as failed while the good files go up.
func Preflight(req PreflightRequest) error {
	usage := func(err error) error { return &PreflightError{Err: err} }
	// The same file twice would be uploaded twice, or reused and then
	// refused by X as a repeated media ID in the post.
	seen := make([]os.FileInfo, len(req.Files))
	for i, f := range req.Files {
		st, err := os.Stat(f)
		if err != nil {
			continue // the probe reports it
		}
		for j, prev := range seen[:i] {
			if prev != nil && os.SameFile(prev, st) {
				return usage(fmt.Errorf("%s and %s are the same file; give each file once", req.Files[j], f))
			}
		}
		seen[i] = st
	}
	if req.Category != "" {
		var re *media.RuleError
		if _, err := media.CategoryFor(media.Video, req.Category); errors.As(err, &re) && re.Rule == media.RuleCategory {
			return usage(fmt.Errorf("--category: %w", err))
		}
	}
	for _, f := range req.Files {
		if err := tweet.CheckAltText(req.AltText[f]); err != nil {
			return usage(fmt.Errorf("%s: %w; nothing uploaded", f, err))
		}
	}
	if !req.Post {
		return nil
	}
	kinds := make([]media.Kind, 0, len(req.Files))
	for _, f := range req.Files {
		info, err := media.Probe(f, media.Options{Category: req.Category})
		if err == nil {
			_, _, err = media.ChunkSize(info.Size, req.ChunkSize)
			var re *media.RuleError
			if errors.As(err, &re) {
				re.Path = f
			}
		}
		if err != nil {
			return &PreflightError{File: true, Err: fmt.Errorf("%v; nothing uploaded and nothing posted", err)}
		}
		kinds = append(kinds, info.Kind)
	}
	if err := CheckTweet(req.Text, req.Files, kinds); err != nil {
		return usage(fmt.Errorf("%v; nothing uploaded", err))
	}
	return nil
}
