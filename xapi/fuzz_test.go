package xapi

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"
)

// seedResponses adds every recorded X body to a fuzz corpus.
func seedResponses(f *testing.F) {
	b, err := os.ReadFile("testdata/responses.json")
	if err != nil {
		f.Fatal(err)
	}
	var rs struct{ Responses []recorded }
	if err := json.Unmarshal(b, &rs); err != nil {
		f.Fatal(err)
	}
	for _, r := range rs.Responses {
		f.Add(r.Status, []byte(r.Body))
	}
	f.Add(500, []byte(`{"errors":["internal server error"]}`))
	f.Add(200, []byte(`{"data":{"id":"1","processing_info":{"state":"in_progress","check_after_secs":1e308}}}`))
	f.Add(200, []byte(`{"media_id":1e400}`))
}

// FuzzDecodeMedia: no body X could send makes the decoder panic, and a
// decoded media always has an ID.
func FuzzDecodeMedia(f *testing.F) {
	seedResponses(f)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		m, err := decodeMedia("STATUS", body, time.Unix(0, 0), "")
		if err == nil && m.ID == "" {
			t.Fatalf("decoded media without an ID from %q", body)
		}
		if err == nil && m.Processing != nil && m.Processing.CheckAfter < 0 {
			t.Fatalf("negative check_after from %q", body)
		}
	})
}

// FuzzParseAPIError: every error body yields a message to show.
func FuzzParseAPIError(f *testing.F) {
	seedResponses(f)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		h := http.Header{}
		h.Set("x-rate-limit-reset", "1700000000")
		e := parseAPIError("APPEND", status, h, body)
		if e.Message == "" || e.Error() == "" {
			t.Fatalf("empty message for %d %q", status, body)
		}
	})
}
