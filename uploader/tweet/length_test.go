package tweet

import (
	"strings"
	"testing"
)

const (
	family = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466" // 👨‍👩‍👧‍👦, a ZWJ sequence
	poem   = "故人西辞黄鹤楼，烟花三月下扬州。孤帆远影碧空尽，唯见长江天际流。朱雀桥边野草花，乌衣巷口夕阳斜。旧时王谢堂前燕，飞入寻常百姓家。朝辞白帝彩云间，千里江陵一日还。两岸猿声啼不住，轻舟已过万重山。泪湿罗巾梦不成，夜深前殿按歌声。红颜未老恩先断，斜倚薰笼坐到明。独在异乡为异客，每逢佳节倍思亲。遥知兄弟登高处，遍插茱萸少一人。"
	kana10 = "あいうえおかきくけこ"
	x11    = "xxxxxxxxxx-"
)

// TestWeightedLengthConformance runs cases from twitter-text's conformance
// suite, conformance/validate.yml, section
// WeightedTweetsWithDiscountedEmojiCounterTest (twitter/twitter-text v3.1.0,
// Apache-2.0), written here with escapes so the ZWJ sequences and tag
// characters are visible. The section's "long url with invalid domain labels"
// and "general punctuation" cases are left out (their exact text could not be
// recovered).
func TestWeightedLengthConformance(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		text string
		want int
	}{
		{"Regular Tweet with url", "Hi http://test.co", 26},
		{"Just url", "http://test.co", 23},
		{"Long tweet, overflow at char index 280", "285 chars-" + strings.Repeat(x11, 25), 285},
		{"Long tweet with url in the middle", "285 chars- http://www.twitter.com/jack " + strings.Repeat(x11, 24), 299},
		{"Long tweet with url at the end", strings.Repeat(x11, 24) + " http://www.twitter.com/jack ", 289},
		{"10 url string, no overflow", strings.Repeat("https://www.twitter.com/aloha ", 10), 240},
		{"160 CJK char", poem, 320},
		{"160 emoji char", strings.Repeat("\U0001F637", 160), 320},
		{"3 latin char + 160 CJK char", "the" + poem, 323},
		{"282 chars with a normalized character", "282 chars-" + strings.Repeat(x11, 24) + "xxxxxA\u0301x", 281},
		{"Count a mix of single byte single word, and double word unicode characters", "H\U0001F431\u263A" + family, 7},
		{"Count unicode emoji chars inside the basic multilingual plane", "\U0001F637\U0001F47E\U0001F621\U0001F525\U0001F4A9", 10},
		{"Count unicode emoji chars outside the basic multilingual plane with skin tone modifiers", "\U0001F64B\U0001F3FD\U0001F468\u200D\U0001F3A4", 4},
		{"Handle a 64 character domain without protocol", "randomurlrandomurlrandomurlrandomurlrandomurlrandomurlrandomurls.com", 68},
		{"Do not allow > 140 CJK characters by virtue of CJK chars greater than 63 punycode encoded chars in the host",
			strings.Repeat(kana10, 12) + " http://" + strings.Repeat(kana10, 5) + "あいう.com", 358},
		{"Allow > 140 CJK characters by virtue of CJK chars less than 63 punycode encoded chars in the host",
			strings.Repeat(kana10, 12) + " http://" + strings.Repeat(kana10, 5) + "あい.com", 264},
		{"140 family emoji", strings.Repeat(family, 140), 280},
		{"Emoji with a leading character in the latin range is counted as 2", "1\u20E3", 2},
		{"Unicode 10.0 emoji", "Unicode 10.0 emoji: \U0001F92A; \U0001F9D5; \U0001F9D5\U0001F3FE; \U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", 34},
		{"Unicode 9.0 emoji", "Unicode 9.0 emoji: \U0001F920; \U0001F483; \U0001F483\U0001F3FE", 29},
		// From the older "lengths" section of the same file, still true in v3.
		{"Count the number of characters", "This is a test.", 15},
		{"Count a URL starting with https:// as 23 characters", "https://test.com", 23},
		{"Count a URL without protocol as 23 characters", "test.com", 23},
		{"Count multiple URLs correctly", "Test https://test.com test https://test.com test.com test", 86},
	}
	for _, c := range cases {
		if got := WeightedLength(c.text); got != c.want {
			t.Errorf("%s: WeightedLength = %d, want %d", c.name, got, c.want)
		}
	}
}

// TestWeightedLengthRules covers the rules one at a time (our own cases).
func TestWeightedLengthRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		text string
		want int
	}{
		{"empty", "", 0},
		{"café NFC", "caf\u00e9", 4},
		{"café NFD", "cafe\u0301", 4},
		{"Hangul counts 2", "저찀쯿쿿", 8},
		{"outside the BMP counts 2", "\U00010000\U0010FFFF", 4},
		{"light general punctuation", "\u2000\u200D\u2010\u201F\u2032\u2037", 6},
		{"heavy general punctuation", "\u200E\u2020\u2038", 6},
		{"U+10FF is light, U+1100 heavy", "\u10FF\u1100", 3},
		{"flag is one emoji", "\U0001F1EF\U0001F1F5", 2},
		{"keycap with VS16", "#\uFE0F\u20E3", 2},
		{"copyright sign is pictographic", "\u00A9", 2},
		{"text-style heart with VS16", "\u2764\uFE0F", 2},
		{"emoji then combining-free text", "\U0001F600a", 3},
		{"CRLF counts each code point", "a\r\nb", 4},
		{"URL with path, query and trailing dot", "see https://example.com/a/b?c=d.", 4 + 23 + 1},
		{"bare domain", "go to example.org now", 6 + 23 + 4},
		{"t.co bare", "t.co", 23},
		{"e-mail address is no URL", "me@example.com", 14},
		{"hashtag domain is no URL", "#example.com", 12},
		{"unknown TLD is no URL", "file.txt", 8},
		{"URL in CJK text", "見てexample.com/pathです", 2*2 + 23 + 2*2},
		{"two URLs back to back by space", "a.co b.co", 23 + 1 + 23},
	}
	for _, c := range cases {
		if got := WeightedLength(c.text); got != c.want {
			t.Errorf("%s: WeightedLength(%q) = %d, want %d", c.name, c.text, got, c.want)
		}
	}
}

func TestPunycodeLen(t *testing.T) {
	t.Parallel()
	cases := []struct {
		label string
		want  string // the ASCII form from RFC 3492 / IDNA
	}{
		{"example", "example"},
		{"bücher", "xn--bcher-kva"},
		{"münchen", "xn--mnchen-3ya"},
		{"日本語", "xn--wgv71a119e"},
		{"☃", "xn--n3h"},
		{"みんな", "xn--q9jyb4c"},
	}
	for _, c := range cases {
		if got := punycodeLen(c.label); got != len(c.want) {
			t.Errorf("punycodeLen(%q) = %d, want %d (%s)", c.label, got, len(c.want), c.want)
		}
	}
}
