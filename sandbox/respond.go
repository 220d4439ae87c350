package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
)

// Content types as X sends them: the v1.1 hosts without a space, the v2 host
// with one, and RFC 7807 problems.
const (
	ctV1      = "application/json;charset=utf-8"
	ctV2      = "application/json; charset=utf-8"
	ctProblem = "application/problem+json"
	ctHTML    = "text/html;charset=utf-8"
)

// escapeSlashes rewrites "/" as "\/" the way X's v1.1 JSON encoder does
// ("image\/png"). It is valid JSON either way; "/" only occurs inside strings.
func escapeSlashes(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte("/"), []byte(`\/`))
}

func (c *call) writeBody(status int, ctype string, body []byte) {
	h := c.w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(status)
	c.w.Write(body)
}

// writeV1 sends a v1.1 JSON body. Values of type json.Number are written as
// exact literals, so a media_id above 2^53 keeps every digit.
func (c *call) writeV1(status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own types are marshalled
	}
	c.writeBody(status, ctV1, escapeSlashes(b))
}

func (c *call) writeV2(status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	c.writeBody(status, ctV2, b)
}

// v1Errors sends the v1.1 REST error shape {"errors":[{"code":N,"message":"…"}]}.
func (c *call) v1Errors(status, code int, msg string) {
	c.writeV1(status, map[string]any{"errors": []map[string]any{{"code": code, "message": msg}}})
}

// uploadError sends the legacy upload-host shape
// {"request":"\/1.1\/media\/upload.json","error":"…"} with no numeric code.
func (c *call) uploadError(status int, msg string) {
	b, _ := json.Marshal(struct {
		Request string `json:"request"`
		Error   string `json:"error"`
	}{c.r.URL.Path, msg})
	c.writeBody(status, ctV1, escapeSlashes(b))
}

// problem is an RFC 7807 document as the v2 API sends it.
type problem struct {
	Title  string         `json:"title"`
	Detail string         `json:"detail"`
	Type   string         `json:"type"`
	Status int            `json:"status,omitempty"`
	Errors []problemError `json:"errors,omitempty"`
}

type problemError struct {
	Message    string              `json:"message"`
	Parameters map[string][]string `json:"parameters,omitempty"`
}

// v2Invalid sends 400 invalid-request with one error entry.
func (c *call) v2Invalid(msg string, params map[string][]string) {
	if params == nil {
		params = map[string][]string{}
	}
	p := problem{
		Title:  "Invalid Request",
		Detail: "One or more parameters to your request was invalid.",
		Type:   "https://api.x.com/2/problems/invalid-request",
		Errors: []problemError{{Message: msg, Parameters: params}},
	}
	b, _ := json.Marshal(p)
	c.writeBody(http.StatusBadRequest, ctProblem, b)
}

// v2Blank sends an about:blank problem: {"title","type","status","detail"}.
func (c *call) v2Blank(status int, title, detail string) {
	b, _ := json.Marshal(problem{Title: title, Detail: detail, Type: "about:blank", Status: status})
	c.writeBody(status, ctProblem, b)
}

// badRequest answers a malformed request in the shape of its endpoint.
func (c *call) badRequest(msg string) {
	switch {
	case c.rt.v2:
		c.v2Invalid(msg, nil)
	case c.rt.kind == rV1Upload || c.rt.kind == rV1Metadata:
		c.uploadError(http.StatusBadRequest, msg)
	default:
		c.v1Errors(http.StatusBadRequest, 44, msg)
	}
}

func (c *call) notFound() {
	if c.rt.v2 {
		c.v2Blank(http.StatusNotFound, "Not Found Error", "Sorry, that page does not exist.")
		return
	}
	c.v1Errors(http.StatusNotFound, 34, "Sorry, that page does not exist.")
}

// authFailed answers 401 with X's code (32, or 135 for the timestamp) in the
// v1.1 errors array on every host: the OAuth 1.0a front end answers the same
// way for v2 paths, and the code stays machine-readable.
func (c *call) authFailed(err error) {
	var ae *authError
	if !errors.As(err, &ae) {
		ae = &authError{32, err.Error()}
	}
	c.s.logf("sandbox: %s %s: authentication failed: %s", c.r.Method, c.r.URL.Path, ae.reason)
	msg := "Could not authenticate you."
	if ae.code == 135 {
		msg = "Timestamp out of bounds."
	}
	c.writeV1(http.StatusUnauthorized, map[string]any{"errors": []map[string]any{{"code": ae.code, "message": msg}}})
}
