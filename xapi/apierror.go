package xapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// APIError is a refusal from X: an HTTP status outside 2xx with whatever X
// said about it. X answers in three shapes (the v1.1 REST
// `{"errors":[{"code","message"}]}`, the v1.1 upload host's
// `{"request","error"}`, and v2 problem+json, whose `errors` may even be
// plain strings); all three land here.
type APIError struct {
	Endpoint   string // which call: INIT, APPEND, FINALIZE, STATUS, UPLOAD, METADATA, TWEET
	StatusCode int    // HTTP status
	Code       int    // X's error code, 0 when the shape has none
	Message    string // X's own words, or the HTTP status text when it said nothing
	Title      string // v2 problem title
	Type       string // v2 problem type URI

	// Rate-limit state from the x-rate-limit-* headers, when present.
	Limit, Remaining int
	Reset            time.Time
	RetryAfter       time.Duration // from Retry-After, when present
}

// Error reads as a sentence: what X refused (or failed at, for a 5xx), the
// status and code, and X's message.
func (e *APIError) Error() string {
	var b strings.Builder
	verb := "refused"
	if e.StatusCode >= 500 {
		verb = "failed" // a server error is no verdict on the request
	}
	fmt.Fprintf(&b, "X %s %s (HTTP %d", verb, e.Endpoint, e.StatusCode)
	if e.Code != 0 {
		fmt.Fprintf(&b, ", code %d", e.Code)
	}
	b.WriteString("): ")
	b.WriteString(e.Message)
	if e.StatusCode == http.StatusTooManyRequests && !e.Reset.IsZero() {
		fmt.Fprintf(&b, " (limit resets at %s)", e.Reset.Local().Format("15:04:05"))
	}
	return b.String()
}

// Temporary reports whether the same request may succeed later: server
// errors, timeouts and rate limits. 400, 401, 403 and 404 are final.
func (e *APIError) Temporary() bool {
	return e.StatusCode >= 500 || e.StatusCode == http.StatusRequestTimeout ||
		e.StatusCode == http.StatusTooManyRequests || e.StatusCode == 420
}

// Wait is how long to wait before repeating a rate-limited request: the
// Retry-After header if X sent one, else until x-rate-limit-reset. Zero
// when neither is known.
func (e *APIError) Wait(now time.Time) time.Duration {
	if e.RetryAfter > 0 {
		return e.RetryAfter
	}
	if !e.Reset.IsZero() && e.Reset.After(now) {
		return e.Reset.Sub(now)
	}
	return 0
}

// parseAPIError builds an APIError from a non-2xx response's status, headers and body.
func parseAPIError(endpoint string, status int, h http.Header, body []byte) *APIError {
	e := &APIError{Endpoint: endpoint, StatusCode: status}
	e.Limit, _ = strconv.Atoi(h.Get("x-rate-limit-limit"))
	e.Remaining, _ = strconv.Atoi(h.Get("x-rate-limit-remaining"))
	if s, err := strconv.ParseInt(h.Get("x-rate-limit-reset"), 10, 64); err == nil && s > 0 {
		e.Reset = time.Unix(s, 0)
	}
	if ra := h.Get("Retry-After"); ra != "" {
		if s, err := strconv.Atoi(ra); err == nil {
			e.RetryAfter = time.Duration(s) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil {
			e.RetryAfter = time.Until(t)
		}
	}
	decodeErrorBody(e, body)
	if e.Message == "" {
		e.Message = http.StatusText(status)
		if e.Message == "" {
			e.Message = "no explanation given"
		}
	}
	return e
}

// errorBody is the union of X's error shapes.
type errorBody struct {
	// v1.1 REST and v2 problem "errors": objects or plain strings.
	Errors []json.RawMessage `json:"errors"`
	// v1.1 upload host.
	Request string `json:"request"`
	Error   string `json:"error"`
	// v2 problem+json.
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Type   string `json:"type"`
}

type errorItem struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// genericDetails are v2 details that say nothing the item messages don't say better.
var genericDetails = map[string]bool{
	"One or more parameters to your request was invalid.": true,
}

func decodeErrorBody(e *APIError, body []byte) {
	var eb errorBody
	if len(body) == 0 {
		return
	}
	if json.Unmarshal(body, &eb) != nil {
		e.Message = plainText(body)
		return
	}
	e.Title, e.Type = eb.Title, eb.Type
	var msgs []string
	for _, raw := range eb.Errors {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			msgs = append(msgs, s)
			continue
		}
		var it errorItem
		if json.Unmarshal(raw, &it) == nil {
			if e.Code == 0 {
				e.Code = it.Code
			}
			if it.Message != "" {
				msgs = append(msgs, it.Message)
			}
		}
	}
	switch {
	case eb.Error != "":
		e.Message = eb.Error
	case len(msgs) > 0 && (eb.Detail == "" || genericDetails[eb.Detail]):
		e.Message = strings.Join(msgs, "; ")
	case eb.Detail != "":
		e.Message = eb.Detail
		if len(msgs) > 0 {
			e.Message += " (" + strings.Join(msgs, "; ") + ")"
		}
	case eb.Title != "":
		e.Message = eb.Title
	}
}

// maxPlainText caps how much of a non-JSON error body (an OAuth endpoint's
// plain-text reason, a proxy's HTML page) is shown.
const maxPlainText = 200

var tagPattern = regexp.MustCompile(`<[^>]*>`)

// plainText is a non-JSON error body as one short line: tags dropped,
// white space collapsed, at most maxPlainText characters.
func plainText(body []byte) string {
	text := strings.Join(strings.Fields(tagPattern.ReplaceAllString(string(body), " ")), " ")
	if r := []rune(text); len(r) > maxPlainText {
		text = string(r[:maxPlainText]) + "…"
	}
	return text
}
