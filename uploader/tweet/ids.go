package tweet

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxOwners is how many additional owners X takes for one media.
const MaxOwners = 100

// MaxAltText is X's limit on alt text, in characters.
const MaxAltText = 1000

// IsID reports whether s is an X ID (a user, media or tweet ID): decimal
// digits that fit X's unsigned 64-bit IDs.
func IsID(s string) bool {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// ParseOwners reads additional owners: X user IDs separated by commas
// (spaces and stray commas ignored, repeats kept once), at most MaxOwners.
// Empty means none.
func ParseOwners(s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" || seen[f] {
			continue
		}
		if !IsID(f) {
			return nil, fmt.Errorf("%q is not a numeric X user ID; give IDs separated by commas, e.g. 3805104374,783214", f)
		}
		seen[f] = true
		out = append(out, f)
	}
	if len(out) > MaxOwners {
		return nil, fmt.Errorf("%d given, but X takes at most %d additional owners", len(out), MaxOwners)
	}
	return out, nil
}

// CheckAltText checks alt text against X's rules: valid UTF-8 of at most
// MaxAltText characters.
func CheckAltText(text string) error {
	if !utf8.ValidString(text) {
		return errors.New("alt text is not valid UTF-8; re-type or re-paste it")
	}
	if n := utf8.RuneCountInString(text); n > MaxAltText {
		return fmt.Errorf("alt text is %d characters, over X's %d-character limit", n, MaxAltText)
	}
	return nil
}
