// Package tweet holds X's rules for a post's text and attachments.
//
// WeightedLength counts text the way X does (twitter-text configuration v3,
// x-api.md §4.4): NFC-normalised, most Latin and punctuation weigh 1, other
// code points (CJK and the like) 2, each URL 23 whatever its length, and each
// emoji sequence 2 as a whole. ValidateText applies the 280 limit and the
// other text rules; CheckAttachments the media mix rule (at most 4 images, or
// 1 GIF, or 1 video).
package tweet
