// Package media checks a file before any request is made for it.
//
// Probe sniffs the content type from the file's first bytes (never from its
// extension), picks X's media_category for it, enforces X's size limits, reads
// an image's dimensions from its header and a video's duration from the MP4 /
// QuickTime mvhd box, and reports every problem as a *RuleError whose message
// names the file and the rule, e.g.
//
//	clip.mov: video is 612 MB, over the 512 MB limit for tweet_video
//
// Probe reads the first few kilobytes of a file plus the box headers it needs
// to find the duration; it seeks past media data, so it is fast on a 512 MB
// video. ChunkSize chooses the APPEND segment size within X's limits of 5 MB a
// segment and 1000 segments a file.
package media
