package tweet

import (
	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// MaxWeighted is the longest a post may be, in weighted characters.
const MaxWeighted = 280

// twitter-text configuration v3 (config/v3.json): weights are in hundredths
// of a character.
const (
	scale         = 100
	defaultWeight = 200 // code points outside the ranges below, and emoji
	urlWeight     = 23 * scale
)

// lightRanges are the code points that weigh 100 (one character): Latin,
// Greek, Cyrillic, Hebrew, Arabic, Indic scripts… (U+0000–U+10FF) and the
// common general punctuation (spaces, dashes, quotes, primes).
var lightRanges = [][2]rune{
	{0x0000, 0x10FF},
	{0x2000, 0x200D},
	{0x2010, 0x201F},
	{0x2032, 0x2037},
}

func codePointWeight(r rune) int {
	for _, rg := range lightRanges {
		if r >= rg[0] && r <= rg[1] {
			return scale
		}
	}
	return defaultWeight
}

// WeightedLength returns the length of text as X counts it against the
// 280-character limit (twitter-text configuration v3, x-api.md §4.4): the
// text is NFC-normalised; every URL counts 23 whatever its length; every emoji
// (a whole grapheme cluster holding an Extended_Pictographic code point, a
// flag or a keycap, ZWJ sequences and skin tones included) counts 2; other
// code points count 1 in U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F and
// U+2032–U+2037, else 2 (CJK, most symbols).
func WeightedLength(text string) int {
	s := norm.NFC.String(text)
	urls := findURLs(s)
	total := 0
	for i := 0; i < len(s); {
		if len(urls) > 0 && i == urls[0].start {
			total += urlWeight
			i = urls[0].end
			urls = urls[1:]
			continue
		}
		limit := len(s)
		if len(urls) > 0 {
			limit = urls[0].start
		}
		cluster, _, _, _ := uniseg.FirstGraphemeClusterInString(s[i:limit], -1)
		if isEmojiCluster(cluster) {
			total += defaultWeight
		} else {
			for _, r := range cluster {
				total += codePointWeight(r)
			}
		}
		i += len(cluster)
	}
	return total / scale
}
