package tweet

import (
	"testing"
	"unicode"

	"github.com/rivo/uniseg"
)

// TestExtPictMatchesGraphemeRules checks the Extended_Pictographic table
// against the grapheme segmenter: by rule GB11, "X ZWJ 😀" stays one grapheme
// cluster exactly when X is Extended_Pictographic.
func TestExtPictMatchesGraphemeRules(t *testing.T) {
	t.Parallel()
	bad := 0
	for r := rune(0x20); r <= 0x3FFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		joined := uniseg.GraphemeClusterCount(string(r)+"\u200d\U0001F600") == 1
		if got := unicode.Is(extPict, r); got != joined {
			if bad++; bad <= 20 {
				t.Errorf("U+%04X: table says %v, grapheme rules say %v", r, got, joined)
			}
		}
	}
	if bad > 20 {
		t.Errorf("... %d mismatches in all", bad)
	}
}
