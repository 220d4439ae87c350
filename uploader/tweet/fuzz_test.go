package tweet

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

// FuzzWeightedLength checks properties that hold for any text: counting never
// panics, never goes negative, does not depend on the normalisation form, and
// is at most 2 per code point plus 23 per URL.
func FuzzWeightedLength(f *testing.F) {
	for _, s := range []string{
		"", "Hi http://test.co", "cafe\u0301", family, "1\u20E3", "http://ああ.com/(a(b))",
		"t.co/abc's", "a.b.c.d.e.com", "\xff\xfe", "http://xn--はじめよう.com", "(((((", "é.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := WeightedLength(s)
		if n < 0 {
			t.Fatalf("WeightedLength(%q) = %d", s, n)
		}
		if nfd := WeightedLength(norm.NFD.String(s)); nfd != n {
			t.Fatalf("WeightedLength(%q) = %d but %d in NFD", s, n, nfd)
		}
		nfc := norm.NFC.String(s)
		urls := findURLs(nfc)
		if most := 2*len([]rune(nfc)) + 23*len(urls); n > most {
			t.Fatalf("WeightedLength(%q) = %d, more than %d", s, n, most)
		}
		end := 0
		for _, u := range urls {
			if u.start < end || u.start >= u.end || u.end > len(nfc) {
				t.Fatalf("bad URL span %v in %q", u, s)
			}
			end = u.end
		}
	})
}
