package xapi

import (
	"net/http"
	"testing"
)

func TestAccountOf(t *testing.T) {
	tests := []struct {
		body, token, id, name string
	}{
		{"oauth_token=1-a&oauth_token_secret=s&user_id=1&screen_name=jack", "1-a", "1", "jack"},
		{"oauth_token=6253282-abc&oauth_token_secret=s", "6253282-abc", "6253282", ""},
		{"oauth_token=opaque&oauth_token_secret=s", "opaque", "", ""},
	}
	for _, tc := range tests {
		id, name := accountOf([]byte(tc.body), tc.token)
		if id != tc.id || name != tc.name {
			t.Errorf("accountOf(%q) = %q, %q; want %q, %q", tc.body, id, name, tc.id, tc.name)
		}
	}
}

// TestTokenRefusalText: the OAuth endpoints' refusals, JSON or plain text
// or HTML, read as X's reason in one short line.
func TestTokenRefusalText(t *testing.T) {
	tests := []struct {
		status int
		body   string
		code   int
		want   string
	}{
		{401, `{"errors":[{"code":32,"message":"Could not authenticate you."}]}`, 32, "Could not authenticate you."},
		{401, "Error processing your OAuth request: Invalid oauth_verifier parameter", 0, "Error processing your OAuth request: Invalid oauth_verifier parameter"},
		{403, "<html><body><p>Forbidden\n here</p></body></html>", 0, "Forbidden here"},
		{500, "", 0, "Internal Server Error"},
	}
	for _, tc := range tests {
		e := parseAPIError("ACCESS_TOKEN", tc.status, http.Header{}, []byte(tc.body))
		if e.Code != tc.code || e.Message != tc.want {
			t.Errorf("parseAPIError(%d, %q) = code %d, %q; want code %d, %q", tc.status, tc.body, e.Code, e.Message, tc.code, tc.want)
		}
	}
	long := make([]byte, 1000)
	for i := range long {
		long[i] = 'x'
	}
	if e := parseAPIError("X", 502, http.Header{}, long); len([]rune(e.Message)) != maxPlainText+1 {
		t.Errorf("a long plain body is not cut to %d characters: %d", maxPlainText, len([]rune(e.Message)))
	}
}
