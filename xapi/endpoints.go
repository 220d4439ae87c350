package xapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// InitRequest is what INIT needs to open a chunked upload session.
type InitRequest struct {
	TotalBytes       int64
	MediaType        string // MIME type, e.g. video/mp4
	Category         string // media_category, e.g. tweet_video; may be empty
	AdditionalOwners []string
}

func (c *Client) mediaPath() string {
	if c.dialect == V11 {
		return c.uploadBase + "/1.1/media/upload.json"
	}
	return c.uploadBase + "/2/media/upload"
}

func formRequest(ctx context.Context, method, u string, form url.Values) (*http.Request, error) {
	body := form.Encode()
	req, err := http.NewRequestWithContext(ctx, method, u, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}

func jsonRequest(ctx context.Context, u string, v any) (*http.Request, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return req, nil
}

// Init opens a chunked upload session (v2 POST /2/media/upload/initialize,
// v1.1 command=INIT). A retried INIT may leave an unused session on X's
// side; only the ID of the answer that arrived is ever used.
// https://docs.x.com/x-api/media/initialize-media-upload
func (c *Client) Init(ctx context.Context, r InitRequest) (*Media, error) {
	cl := call{endpoint: "INIT", retry: Retryable}
	if c.dialect == V11 {
		form := url.Values{"command": {"INIT"}, "total_bytes": {strconv.FormatInt(r.TotalBytes, 10)}, "media_type": {r.MediaType}}
		if r.Category != "" {
			form.Set("media_category", r.Category)
		}
		if len(r.AdditionalOwners) > 0 {
			form.Set("additional_owners", strings.Join(r.AdditionalOwners, ","))
		}
		cl.build = func(ctx context.Context) (*http.Request, error) {
			return formRequest(ctx, http.MethodPost, c.mediaPath(), form)
		}
	} else {
		body := map[string]any{"total_bytes": r.TotalBytes, "media_type": r.MediaType}
		if r.Category != "" {
			body["media_category"] = r.Category
		}
		if len(r.AdditionalOwners) > 0 {
			body["additional_owners"] = r.AdditionalOwners
		}
		cl.build = func(ctx context.Context) (*http.Request, error) {
			return jsonRequest(ctx, c.uploadBase+"/2/media/upload/initialize", body)
		}
	}
	_, b, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	return decodeMedia("INIT", b, c.now(), "")
}

// Segment is one APPEND's worth of a file: bytes [Offset, Offset+Size) sent
// as segment Index. Open returns a fresh reader over exactly those bytes for
// every attempt, so a retry re-reads the section from disk.
type Segment struct {
	Index  int
	Offset int64
	Size   int64
	Open   func(ctx context.Context) io.Reader
	// Progress, if set, is told of bytes as they go out; Restart when an
	// attempt is abandoned and its bytes will be sent again.
	Progress func(n int64)
	Restart  func()
}

// Append uploads one segment (v2 POST /2/media/upload/{id}/append, v1.1
// command=APPEND) as multipart/form-data with the bytes in the `media`
// part. Any 2xx is success and the body is not read as JSON: X answers 204
// with an empty body. A segment is safe to repeat, so faults are retried.
// https://docs.x.com/x-api/media/append-media-upload
func (c *Client) Append(ctx context.Context, mediaID string, s Segment) error {
	cl := call{endpoint: "APPEND", retry: Retryable, progress: s.Progress, restart: s.Restart}
	u := c.uploadBase + "/2/media/upload/" + url.PathEscape(mediaID) + "/append"
	var fields []field
	if c.dialect == V11 {
		u = c.mediaPath()
		fields = []field{{"command", "APPEND"}, {"media_id", mediaID}, {"segment_index", strconv.Itoa(s.Index)}}
	} else {
		fields = []field{{"segment_index", strconv.Itoa(s.Index)}}
	}
	cl.build = func(ctx context.Context) (*http.Request, error) {
		return multipartRequest(ctx, u, fields, "segment-"+strconv.Itoa(s.Index), s.Open(ctx), s.Size)
	}
	_, _, err := c.do(ctx, cl)
	return err
}

// Finalize closes the upload session (v2 POST /2/media/upload/{id}/finalize,
// v1.1 command=FINALIZE). The answer carries processing_info when X still
// has work to do. If a retried FINALIZE is refused because the first one
// already went through, STATUS settles what X has.
// https://docs.x.com/x-api/media/finalize-media-upload
func (c *Client) Finalize(ctx context.Context, mediaID string) (*Media, error) {
	return c.finalize(ctx, mediaID, false)
}

// FinalizeResumed is Finalize for a session resumed with every segment
// acknowledged: an earlier run may already have sent FINALIZE, so a refusal
// is settled by STATUS as for a retried attempt.
func (c *Client) FinalizeResumed(ctx context.Context, mediaID string) (*Media, error) {
	return c.finalize(ctx, mediaID, true)
}

// finalize is Finalize; sentBefore says an earlier run may already have
// sent it.
func (c *Client) finalize(ctx context.Context, mediaID string, sentBefore bool) (*Media, error) {
	attempts := 0
	cl := call{endpoint: "FINALIZE", retry: Retryable}
	if c.dialect == V11 {
		form := url.Values{"command": {"FINALIZE"}, "media_id": {mediaID}}
		cl.build = func(ctx context.Context) (*http.Request, error) {
			attempts++
			return formRequest(ctx, http.MethodPost, c.mediaPath(), form)
		}
	} else {
		u := c.uploadBase + "/2/media/upload/" + url.PathEscape(mediaID) + "/finalize"
		cl.build = func(ctx context.Context) (*http.Request, error) {
			attempts++
			return http.NewRequestWithContext(ctx, http.MethodPost, u, nil)
		}
	}
	_, b, err := c.do(ctx, cl)
	var ae *APIError
	if err != nil && (attempts > 1 || sentBefore) && errors.As(err, &ae) && ae.StatusCode == http.StatusBadRequest {
		if m, serr := c.Status(ctx, mediaID); serr == nil {
			return m, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return decodeMedia("FINALIZE", b, c.now(), mediaID)
}

// Status asks where processing stands (GET ?command=STATUS&media_id=, in
// both dialects).
// https://docs.x.com/x-api/media/get-media-upload-status
func (c *Client) Status(ctx context.Context, mediaID string) (*Media, error) {
	u := c.mediaPath() + "?" + url.Values{"command": {"STATUS"}, "media_id": {mediaID}}.Encode()
	cl := call{endpoint: "STATUS", retry: Retryable, build: func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	}}
	_, b, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	return decodeMedia("STATUS", b, c.now(), mediaID)
}

// SimpleUpload sends a whole image in one request (v2 POST /2/media/upload,
// v1.1 upload.json without a command). open must return a fresh reader over
// the size bytes of the file for every attempt.
// https://docs.x.com/x-api/media/media-upload
func (c *Client) SimpleUpload(ctx context.Context, name string, size int64, open func(ctx context.Context) io.Reader, category string, owners []string, progress func(int64), restart func()) (*Media, error) {
	cl := call{endpoint: "UPLOAD", retry: Retryable, progress: progress, restart: restart}
	u := c.mediaPath()
	var fields []field
	if c.dialect == V11 {
		q := url.Values{}
		if category != "" {
			q.Set("media_category", category)
		}
		if len(owners) > 0 {
			q.Set("additional_owners", strings.Join(owners, ","))
		}
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
	} else {
		if category == "" {
			category = "tweet_image"
		}
		fields = append(fields, field{"media_category", category})
		if len(owners) > 0 {
			fields = append(fields, field{"additional_owners", strings.Join(owners, ",")})
		}
	}
	cl.build = func(ctx context.Context) (*http.Request, error) {
		return multipartRequest(ctx, u, fields, name, open(ctx), size)
	}
	_, b, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	return decodeMedia("UPLOAD", b, c.now(), "")
}

// SetAltText attaches alt text to an image or GIF (the engine checks its
// length: tweet.CheckAltText)
// (v2 POST /2/media/metadata, v1.1 media/metadata/create.json).
// https://docs.x.com/x-api/media/metadata-create
func (c *Client) SetAltText(ctx context.Context, mediaID, text string) error {
	var u string
	var body any
	if c.dialect == V11 {
		u = c.uploadBase + "/1.1/media/metadata/create.json"
		body = map[string]any{"media_id": mediaID, "alt_text": map[string]string{"text": text}}
	} else {
		u = c.uploadBase + "/2/media/metadata"
		body = map[string]any{"id": mediaID, "metadata": map[string]any{"alt_text": map[string]string{"text": text}}}
	}
	cl := call{endpoint: "METADATA", retry: Retryable, build: func(ctx context.Context) (*http.Request, error) {
		return jsonRequest(ctx, u, body)
	}}
	_, _, err := c.do(ctx, cl)
	return err
}

// Tweet is a posted tweet.
type Tweet struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// NewTweet is a post to create.
type NewTweet struct {
	Text     string
	MediaIDs []string
	ReplyTo  string // the tweet ID this one replies to; "" = none
}

// PostTweet creates a post with its media IDs and reply target (v2 POST
// /2/tweets with media.media_ids and reply.in_reply_to_tweet_id, v1.1
// statuses/update.json with media_ids and in_reply_to_status_id). It is never
// retried once the request may have reached X: X has no idempotency key,
// and a repeat could publish twice. Only a connection that was never made
// is tried again.
// https://docs.x.com/x-api/posts/create-post
func (c *Client) PostTweet(ctx context.Context, nt NewTweet) (*Tweet, error) {
	text, mediaIDs := nt.Text, nt.MediaIDs
	cl := call{endpoint: "TWEET", retry: Unsent}
	if c.dialect == V11 {
		form := url.Values{"status": {text}}
		if len(mediaIDs) > 0 {
			form.Set("media_ids", strings.Join(mediaIDs, ","))
		}
		if nt.ReplyTo != "" {
			form.Set("in_reply_to_status_id", nt.ReplyTo)
			form.Set("auto_populate_reply_metadata", "true")
		}
		cl.build = func(ctx context.Context) (*http.Request, error) {
			return formRequest(ctx, http.MethodPost, c.apiBase+"/1.1/statuses/update.json", form)
		}
	} else {
		body := map[string]any{"text": text}
		if len(mediaIDs) > 0 {
			body["media"] = map[string]any{"media_ids": mediaIDs}
		}
		if nt.ReplyTo != "" {
			body["reply"] = map[string]any{"in_reply_to_tweet_id": nt.ReplyTo}
		}
		cl.build = func(ctx context.Context) (*http.Request, error) {
			return jsonRequest(ctx, c.apiBase+"/2/tweets", body)
		}
	}
	_, b, err := c.do(ctx, cl)
	if err != nil {
		return nil, err
	}
	var resp struct {
		Data  *Tweet `json:"data"`
		IDStr string `json:"id_str"`
		ID    json.Number
		Text  string `json:"text"`
	}
	if err := decodeJSON("TWEET", b, &resp); err != nil {
		return nil, err
	}
	t := resp.Data
	if t == nil {
		t = &Tweet{ID: resp.IDStr, Text: resp.Text}
		if t.ID == "" {
			t.ID = resp.ID.String()
		}
	}
	if t.ID == "" {
		return nil, errors.New("TWEET: X answered without a tweet ID; check the account before posting again")
	}
	return t, nil
}
