package sandbox

import (
	"regexp"
	"unicode/utf8"
)

// maxWeightedLength is the post limit in twitter-text v3 weighted units.
const maxWeightedLength = 280

// urlPattern finds the URLs twitter-text replaces by a 23-character t.co
// link: http(s) URLs and bare www. hosts. This is a compact subset of
// twitter-text's extractor (it does not detect bare domains like example.com).
var urlPattern = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"]+`)

// weightedLength counts text as twitter-text config v3 does (x-api.md §4.4):
// code points in 0-4351, 8192-8205, 8208-8223 and 8242-8247 weigh 1, all
// others 2; every URL weighs 23; every emoji sequence (with skin tones,
// variation selectors, ZWJ joins, keycaps, tags or a flag pair) weighs 2.
// ok is false for empty text, invalid UTF-8 or the characters twitter-text
// refuses (U+FFFE, U+FEFF, U+FFFF). Text is not NFC-normalized first.
func weightedLength(text string) (n int, ok bool) {
	if text == "" || !utf8.ValidString(text) {
		return 0, false
	}
	for _, r := range text {
		if r == 0xFFFE || r == 0xFEFF || r == 0xFFFF {
			return 0, false
		}
	}
	last := 0
	for _, loc := range urlPattern.FindAllStringIndex(text, -1) {
		end := loc[1]
		for end > loc[0] && isTrailingPunct(text[end-1]) {
			end--
		}
		n += countRunes(text[last:loc[0]])
		n += 23
		last = end
	}
	n += countRunes(text[last:])
	return n, true
}

func isTrailingPunct(c byte) bool {
	switch c {
	case '.', ',', '!', '?', ';', ':', ')', '\'', '"':
		return true
	}
	return false
}

// countRunes weighs a URL-free stretch of text.
func countRunes(s string) int {
	rs := []rune(s)
	n := 0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if isRegionalIndicator(r) {
			n += 2
			if i+1 < len(rs) && isRegionalIndicator(rs[i+1]) {
				i++
			}
			continue
		}
		if isEmojiBase(r) || (i+1 < len(rs) && (rs[i+1] == 0xFE0F || rs[i+1] == 0x20E3) && isKeycapBase(r)) {
			n += 2
			// Swallow modifiers and ZWJ-joined parts of the same sequence.
			for i+1 < len(rs) {
				next := rs[i+1]
				switch {
				case next == 0xFE0F || next == 0xFE0E || next == 0x20E3 ||
					next >= 0x1F3FB && next <= 0x1F3FF || next >= 0xE0020 && next <= 0xE007F:
					i++
				case next == 0x200D && i+2 < len(rs):
					i += 2
				default:
					goto done
				}
			}
		done:
			continue
		}
		n += runeWeight(r)
	}
	return n
}

func runeWeight(r rune) int {
	switch {
	case r <= 4351, r >= 8192 && r <= 8205, r >= 8208 && r <= 8223, r >= 8242 && r <= 8247:
		return 1
	}
	return 2
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

func isKeycapBase(r rune) bool { return r == '#' || r == '*' || r >= '0' && r <= '9' }

// isEmojiBase reports code points that start an emoji presentation sequence.
func isEmojiBase(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF, // pictographs, emoticons, transport, symbols
		r >= 0x2600 && r <= 0x27BF, // misc symbols, dingbats
		r >= 0x2300 && r <= 0x23FF, // technical (⌚ ⏰)
		r >= 0x2B00 && r <= 0x2BFF, // arrows, stars (⭐)
		r == 0x3030, r == 0x303D, r == 0x3297, r == 0x3299:
		return true
	}
	return false
}
