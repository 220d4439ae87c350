package tweet

import (
	"strconv"
	"strings"
	"testing"
)

func TestIsID(t *testing.T) {
	for s, want := range map[string]bool{
		"3805104374": true, "18446744073709551615": true, "0": true,
		"18446744073709551616": false, "": false, "12a": false, "-1": false, " 1": false, "１２": false,
	} {
		if got := IsID(s); got != want {
			t.Errorf("IsID(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestParseOwners(t *testing.T) {
	got, err := ParseOwners(" 3805104374, ,783214,3805104374,")
	if err != nil || strings.Join(got, ",") != "3805104374,783214" {
		t.Fatalf("got %v, %v", got, err)
	}
	if got, err := ParseOwners(""); err != nil || got != nil {
		t.Fatalf("empty: %v, %v", got, err)
	}
	if _, err := ParseOwners("1,@furni"); err == nil || !strings.Contains(err.Error(), `"@furni" is not a numeric X user ID`) {
		t.Fatalf("handle: %v", err)
	}
	ids := make([]string, MaxOwners+1)
	for i := range ids {
		ids[i] = strconv.Itoa(1000 + i)
	}
	if got, err := ParseOwners(strings.Join(ids[:MaxOwners], ",")); err != nil || len(got) != MaxOwners {
		t.Fatalf("%d owners: %d, %v", MaxOwners, len(got), err)
	}
	if _, err := ParseOwners(strings.Join(ids, ",")); err == nil || !strings.Contains(err.Error(), "at most 100 additional owners") {
		t.Fatalf("101 owners: %v", err)
	}
}

func TestCheckAltText(t *testing.T) {
	if err := CheckAltText(strings.Repeat("é", MaxAltText)); err != nil {
		t.Fatalf("1000 characters: %v", err)
	}
	if err := CheckAltText(strings.Repeat("é", MaxAltText+1)); err == nil || !strings.Contains(err.Error(), "1001 characters, over X's 1000-character limit") {
		t.Fatalf("1001 characters: %v", err)
	}
	if err := CheckAltText("\xff"); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Fatalf("invalid UTF-8: %v", err)
	}
}
