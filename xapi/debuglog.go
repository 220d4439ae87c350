package xapi

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// debugLog writes one line per request attempt and its answer, for when
// something goes wrong with X. It never writes a header other than the
// rate-limit ones (X's OAuth 1.0a signature is in Authorization), nor a
// query value other than the few that name media, and every line passes
// through the redactor before it is written.
type debugLog struct {
	mu     sync.Mutex
	w      io.Writer
	redact func(string) string
}

// newDebugLog returns nil when w is nil. The client's four credential values
// are always redacted, then redact (if any) is applied.
func newDebugLog(w io.Writer, redact func(string) string, cr Credentials) *debugLog {
	if w == nil {
		return nil
	}
	var pairs []string
	for _, s := range []string{cr.ConsumerKey, cr.ConsumerSecret, cr.AccessToken, cr.AccessSecret} {
		if s != "" {
			pairs = append(pairs, s, "[redacted]")
		}
	}
	own := strings.NewReplacer(pairs...)
	return &debugLog{w: w, redact: func(s string) string {
		s = own.Replace(s)
		if redact != nil {
			s = redact(s)
		}
		return s
	}}
}

// loggedQuery are the query parameters whose values are logged; the values
// of any others are not.
var loggedQuery = map[string]bool{"command": true, "media_id": true, "segment_index": true, "media_category": true}

// line logs one attempt of the call named endpoint (INIT, APPEND, TWEET...): retry is 0 for the first, status 0 when no answer
// came, err the failure if any.
func (d *debugLog) line(endpoint string, req *http.Request, retry int, start time.Time, resp *http.Response, err error) {
	if d == nil || req == nil {
		return
	}
	path := req.URL.Path
	if q := req.URL.Query(); len(q) > 0 {
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			v := "[redacted]"
			if loggedQuery[k] {
				v = q.Get(k)
			}
			parts[i] = url.QueryEscape(k) + "=" + url.QueryEscape(v)
		}
		path += "?" + strings.Join(parts, "&")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s xapi %s %s %s retry=%d", start.UTC().Format(time.RFC3339Nano), endpoint, req.Method, path, retry)
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	fmt.Fprintf(&b, " status=%d duration=%s", status, time.Since(start).Round(time.Microsecond))
	if resp != nil {
		for _, h := range []string{"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} {
			if v := resp.Header.Get(h); v != "" {
				fmt.Fprintf(&b, " %s=%s", h, v)
			}
		}
	}
	if err != nil {
		fmt.Fprintf(&b, " error=%q", err.Error())
	}
	out := strings.ReplaceAll(d.redact(b.String()), "\n", " ") + "\n"
	d.mu.Lock()
	defer d.mu.Unlock()
	io.WriteString(d.w, out)
}
