package tweet

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// URL detection: a subset of twitter-text's URL extraction, enough to count
// what X counts as links. A URL is
//
//	[http:// | https://] domain [:port] [/path] [?query]
//
// where the domain ends in a known top-level domain (see tlds). Without a
// scheme the domain is ASCII (plus Latin letters with accents); with one it may
// be in any script, each label at most 63 characters in its ASCII form. A URL
// may not follow a letter, digit, @, $ or # (so e-mail addresses, mentions,
// hashtags and cashtags are not URLs), and trailing punctuation is left out.
// IP-address hosts and TLDs in other scripts are not recognised.

// span is a URL's byte range in the text.
type span struct{ start, end int }

// findURLs returns the URLs in s, in order, without overlaps.
func findURLs(s string) []span {
	var out []span
	for i := 0; i < len(s); {
		if end, ok := urlAt(s, i); ok {
			out = append(out, span{i, end})
			i = end
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return out
}

// urlAt reports whether a URL starts at byte i of s, and where it ends.
func urlAt(s string, i int) (int, bool) {
	c := s[i]
	if !isASCIIAlnum(c) && c < utf8.RuneSelf {
		return 0, false
	}
	var prev rune = -1
	if i > 0 {
		prev, _ = utf8.DecodeLastRuneInString(s[:i])
	}
	if prev >= 0 && invalidPreceding(prev) {
		return 0, false
	}
	p := i
	scheme := false
	for _, pre := range []string{"https://", "http://"} {
		if len(s)-i >= len(pre) && strings.EqualFold(s[i:i+len(pre)], pre) {
			p, scheme = i+len(pre), true
			break
		}
	}
	if !scheme && (strings.ContainsRune("-_./", prev) || isLatinAccent(prev)) {
		// Not inside a word either: a bare domain does not start after an
		// accented letter (this also keeps the scan linear on long runs of
		// them).
		return 0, false
	}
	hostStart := p
	p, ok := domainEnd(s, p, scheme)
	if !ok {
		return 0, false
	}
	host := s[hostStart:p]

	// :port
	if p+1 < len(s) && s[p] == ':' && isDigit(s[p+1]) {
		p++
		for p < len(s) && isDigit(s[p]) {
			p++
		}
	}

	// t.co links are cut to their slug: "http://t.co/abc's" is http://t.co/abc.
	if scheme && strings.EqualFold(host, "t.co") && p < len(s) && s[p] == '/' {
		q := p + 1
		for q < len(s) && isASCIIAlnum(s[q]) {
			q++
		}
		if q-(p+1) > 40 {
			return 0, false // not a t.co link
		}
		if q > p+1 {
			return queryEnd(s, q), true
		}
	}

	if p < len(s) && s[p] == '/' {
		p = pathEnd(s, p)
	}
	return queryEnd(s, p), true
}

// invalidPreceding reports characters a URL may not follow.
func invalidPreceding(r rune) bool {
	switch {
	case r < utf8.RuneSelf && isASCIIAlnum(byte(r)):
		return true
	case r == '@', r == '＠', r == '$', r == '#', r == '＃':
		return true
	case r >= 0x202A && r <= 0x202E: // directional embedding and override marks
		return true
	}
	return false
}

// domainEnd parses the domain starting at p and returns where it ends: after
// the last label that is a known TLD and is not followed by a letter, digit,
// @, + or - (so "foo.community" and "a.jp@b" are no URLs, but
// "example.comだよ" holds one).
func domainEnd(s string, p int, scheme bool) (int, bool) {
	type label struct{ start, end int }
	var labels []label
	q := p
	for {
		start := q
		for q < len(s) {
			r, size := utf8.DecodeRuneInString(s[q:])
			if !isLabelRune(r, scheme) {
				break
			}
			q += size
		}
		if q == start {
			break
		}
		labels = append(labels, label{start, q})
		if q+1 < len(s) && s[q] == '.' {
			if r, _ := utf8.DecodeRuneInString(s[q+1:]); isLabelRune(r, scheme) {
				q++
				continue
			}
		}
		break
	}
	// The longest domain whose last label starts with a TLD wins.
	for k := len(labels) - 1; k >= 1; k-- {
		l := labels[k]
		ascii := l.start
		for ascii < l.end && isASCIILabelByte(s[ascii]) {
			ascii++
		}
		if !tlds[strings.ToLower(s[l.start:ascii])] {
			continue
		}
		if ascii == l.end && ascii < len(s) && strings.IndexByte("@+-_", s[ascii]) >= 0 {
			continue
		}
		for j := range k {
			text := s[labels[j].start:labels[j].end]
			if !validLabel(text, j == k-1, scheme) {
				return 0, false
			}
		}
		return ascii, true
	}
	return 0, false
}

// validLabel checks a domain label other than the TLD: no leading or trailing
// '-' or '_', no '_' in the registered name (the label just before the TLD) or
// anywhere without a scheme, and at most 63 characters in ASCII form. A label
// in another script may not already start with the ASCII-form prefix "xn--".
func validLabel(l string, registered, scheme bool) bool {
	first, last := l[0], l[len(l)-1]
	if first == '-' || first == '_' || last == '-' || last == '_' {
		return false
	}
	if (registered || !scheme) && strings.IndexByte(l, '_') >= 0 {
		return false
	}
	if hasNonASCII(l) && len(l) >= 4 && strings.EqualFold(l[:4], "xn--") {
		return false
	}
	// Every code point takes at least one character in the ASCII form, so a
	// long label is refused before the (quadratic) encoding length is worked out.
	return utf8.RuneCountInString(l) <= 63 && punycodeLen(l) <= 63
}

// isLabelRune reports the characters a domain label may hold: ASCII letters,
// digits, '-' and '_', Latin letters with accents, and with a scheme also
// letters, digits, marks and symbols of any script.
func isLabelRune(r rune, scheme bool) bool {
	if r < utf8.RuneSelf {
		return isASCIILabelByte(byte(r))
	}
	if isLatinAccent(r) {
		return true
	}
	if !scheme {
		return false
	}
	if r >= 0x202A && r <= 0x202E || r == 0xFFFE || r == 0xFEFF || r == 0xFFFF {
		return false
	}
	return unicode.In(r, unicode.L, unicode.N, unicode.M, unicode.S)
}

// pathEnd consumes a path starting at the '/' at p and returns where it ends:
// after the last character a path may end with, so trailing punctuation stays
// outside. Parentheses are taken when balanced, one level deep inside them.
func pathEnd(s string, p int) int {
	q := p + 1
	end := q // a lone "/" is a path
	for q < len(s) {
		r, size := utf8.DecodeRuneInString(s[q:])
		switch {
		case r == '(':
			close := parenEnd(s, q)
			if close < 0 {
				return end
			}
			q = close
			end = q
		case isPathRune(r):
			q += size
			if isPathEndRune(r) {
				end = q
			}
		default:
			return end
		}
	}
	return end
}

// parenEnd returns the index after the ')' balancing the '(' at p, or -1.
// Inside, path characters and one nested balanced pair are allowed.
func parenEnd(s string, p int) int {
	depth := 0
	for q := p; q < len(s); {
		r, size := utf8.DecodeRuneInString(s[q:])
		switch {
		case r == '(':
			if depth++; depth > 2 {
				return -1
			}
		case r == ')':
			if depth--; depth == 0 {
				if q == p+1 {
					return -1 // "()" holds nothing
				}
				return q + 1
			}
		case !isPathRune(r):
			return -1
		}
		q += size
	}
	return -1
}

// queryEnd consumes "?query" at p if there is one, up to its last valid
// ending character, and returns the new end.
func queryEnd(s string, p int) int {
	if p >= len(s) || s[p] != '?' {
		return p
	}
	end := p
	for q := p + 1; q < len(s); q++ {
		c := s[q]
		if !isASCIIAlnum(c) && strings.IndexByte("!?*'@();:&=+$/%#[]-_.,~|", c) < 0 {
			break
		}
		if isASCIIAlnum(c) || strings.IndexByte("-_&=#/", c) >= 0 {
			end = q + 1
		}
	}
	return end
}

func isPathRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(byte(r)) || strings.IndexByte("!*';:=+,.$/%#[]-_~|&@", byte(r)) >= 0
	}
	return isCyrillic(r) || isLatinAccent(r) || r == '\u2013' // en dash
}

func isPathEndRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(byte(r)) || strings.IndexByte("+-=_#/", byte(r)) >= 0
	}
	return isCyrillic(r) || isLatinAccent(r)
}

func isCyrillic(r rune) bool { return r >= 0x0400 && r <= 0x04FF }

// isLatinAccent reports the accented Latin letters and combining marks
// twitter-text lets into domains and paths.
func isLatinAccent(r rune) bool {
	switch {
	case r >= 0x00C0 && r <= 0x00FF:
		return r != 0x00D7 && r != 0x00F7 // not × ÷
	case r >= 0x0100 && r <= 0x024F, r >= 0x0300 && r <= 0x036F, r >= 0x1E00 && r <= 0x1EFF:
		return true
	}
	switch r {
	case 0x0253, 0x0254, 0x0256, 0x0257, 0x0259, 0x025B, 0x0263, 0x0268, 0x026F, 0x0272, 0x0289, 0x028B, 0x02BB:
		return true
	}
	return false
}

func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isASCIIAlnum(c byte) bool { return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'z' }
func isASCIILabelByte(c byte) bool {
	return isASCIIAlnum(c) || c == '-' || c == '_'
}
