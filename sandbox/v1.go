package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Response phases of a media body.
const (
	phInit = iota
	phFinalize
	phRefinalize // FINALIZE again on a finalized id: the current state
	phStatus
	phSimple
)

// mediaBody is the media object of both API versions: v1.1 fills media_id (a
// number literal) and media_id_string, v2 fills id (a string) and is wrapped
// in "data".
type mediaBody struct {
	MediaID          json.Number `json:"media_id,omitempty"`
	MediaIDString    string      `json:"media_id_string,omitempty"`
	ID               string      `json:"id,omitempty"`
	MediaKey         string      `json:"media_key,omitempty"`
	Size             int64       `json:"size,omitempty"`
	ExpiresAfterSecs *int64      `json:"expires_after_secs,omitempty"`
	Image            *imageInfo  `json:"image,omitempty"`
	Video            *videoInfo  `json:"video,omitempty"`
	ProcessingInfo   *procInfo   `json:"processing_info,omitempty"`
}

type imageInfo struct {
	ImageType string `json:"image_type"`
	W         int    `json:"w"`
	H         int    `json:"h"`
}

type videoInfo struct {
	VideoType string `json:"video_type"`
}

type procInfo struct {
	State           string     `json:"state"`
	CheckAfterSecs  int        `json:"check_after_secs,omitempty"`
	ProgressPercent *int       `json:"progress_percent,omitempty"`
	Error           *procError `json:"error,omitempty"`
}

// body builds the media object for one response. The caller holds m.mu.
func (s *Server) body(m *media, now time.Time, v2 bool, phase int) mediaBody {
	var b mediaBody
	if v2 {
		b.ID, b.MediaKey = m.id, m.key
	} else {
		b.MediaID, b.MediaIDString = json.Number(m.id), m.id
		if m.category != "" {
			b.MediaKey = m.key
		}
	}
	exp := m.expiresIn(now)
	if phase == phInit {
		b.ExpiresAfterSecs = &exp
		return b
	}
	b.Size = m.size
	pr := m.progressAt(now, s.opts.Processing)
	if phase == phFinalize || phase == phSimple {
		b.ExpiresAfterSecs = &exp
		if m.async {
			b.ProcessingInfo = &procInfo{State: stPending, CheckAfterSecs: 1}
		} else {
			m.typeObject(&b)
		}
		return b
	}
	if pr.state != stFailed {
		b.ExpiresAfterSecs = &exp
	}
	if pr.state == stSucceeded {
		m.typeObject(&b)
	}
	pi := &procInfo{State: pr.state, CheckAfterSecs: pr.checkAfter, Error: pr.err}
	if pr.percent >= 0 {
		pct := pr.percent
		pi.ProgressPercent = &pct
	}
	if phase == phRefinalize && !m.async {
		pi = nil
	}
	b.ProcessingInfo = pi
	return b
}

// typeObject adds image{} or video{} for a finished item. An animated GIF
// processed asynchronously is transcoded to MP4, so it reports video{}.
func (m *media) typeObject(b *mediaBody) {
	switch {
	case m.family.isVideo() || m.family == famGIF && m.async:
		b.Video = &videoInfo{VideoType: "video/mp4"}
		if m.sniff.mime == "video/quicktime" {
			b.Video.VideoType = m.sniff.mime
		}
	default:
		b.Image = &imageInfo{ImageType: m.sniff.mime, W: m.sniff.w, H: m.sniff.h}
	}
}

// v1Upload serves upload.twitter.com/1.1/media/upload.json: the command comes
// from the query, the urlencoded body or a multipart field; without one, a
// body with media or media_data is a simple upload.
func (s *Server) v1Upload(c *call) {
	cmd := c.param("command")
	if c.r.Method == http.MethodGet {
		if cmd != "STATUS" {
			c.uploadError(http.StatusBadRequest, "GET "+c.r.URL.Path+" needs command=STATUS.")
			return
		}
		s.v1Status(c)
		return
	}
	if c.r.Method != http.MethodPost {
		c.notFound()
		return
	}
	switch cmd {
	case "INIT":
		s.v1Init(c)
	case "APPEND":
		s.v1Append(c)
	case "FINALIZE":
		s.v1Finalize(c)
	case "STATUS":
		s.v1Status(c)
	case "":
		s.v1Simple(c)
	default:
		c.uploadError(http.StatusBadRequest, "Invalid command "+strconv.Quote(cmd)+": use INIT, APPEND, FINALIZE or STATUS (upper case).")
	}
}

// v1MediaBytes finds the file or chunk of a v1.1 request: a multipart part
// media (raw, or base64 with Content-Transfer-Encoding: base64), media[] or
// media_data (base64), or a urlencoded media_data (base64) or media (base64,
// as twitteroauth sends it, else raw).
func (c *call) v1MediaBytes() (data []byte, present bool, err error) {
	for _, name := range []string{"media", "media[]"} {
		if p, ok := c.parts[name]; ok {
			if p.base64 {
				d, err := decodeBase64(string(p.data))
				return d, true, err
			}
			return p.data, true, nil
		}
	}
	if p, ok := c.parts["media_data"]; ok {
		d, err := decodeBase64(string(p.data))
		return d, true, err
	}
	if c.has("media_data") {
		d, err := decodeBase64(c.param("media_data"))
		return d, true, err
	}
	if v, ok := c.form["media"]; ok && len(v) > 0 {
		if d, err := decodeBase64(v[0]); err == nil {
			return d, true, nil
		}
		return []byte(v[0]), true, nil
	}
	return nil, false, nil
}

var errBase64 = errors.New("media_data is not valid base64")

// decodeBase64 accepts standard base64 with or without padding and with line
// breaks (Content-Transfer-Encoding: base64 wraps lines).
func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if d, err := base64.StdEncoding.DecodeString(s); err == nil {
		return d, nil
	}
	if d, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return d, nil
	}
	return nil, errBase64
}

// invalidMediaID is the upload host's text for an unknown, foreign or
// expired media_id (X printed a missing one as "Some()").
func invalidMediaID(id string) string {
	if id == "" {
		id = "Some()"
	}
	return "Invalid media_id: " + id + "."
}

// initParams are the INIT inputs both versions share.
type initParams struct {
	mediaType, category string
	total               int64
	owners              []string
}

func (s *Server) v1Init(c *call) {
	p := initParams{mediaType: c.param("media_type"), category: normalizeCategory(c.param("media_category"))}
	tb := c.param("total_bytes")
	n, err := strconv.ParseInt(tb, 10, 64)
	if tb == "" || err != nil || n < 0 {
		c.uploadError(http.StatusBadRequest, "total_bytes must be a whole number of bytes, got "+strconv.Quote(tb)+".")
		return
	}
	p.total = n
	if p.mediaType == "" {
		c.uploadError(http.StatusBadRequest, "media_type parameter is missing.")
		return
	}
	if _, ok := categories[p.category]; p.category != "" && !ok {
		c.uploadError(http.StatusBadRequest, "Invalid media_category "+strconv.Quote(c.param("media_category"))+".")
		return
	}
	p.owners = splitOwners(c.param("additional_owners"))
	if msg, ok := validOwners(p.owners); !ok {
		c.uploadError(http.StatusBadRequest, msg+".")
		return
	}
	fam := declaredFamily(p.mediaType, p.category)
	if fam == famUnknown {
		c.uploadError(http.StatusBadRequest, msgUnrecognized)
		return
	}
	if p.total > fam.maxBytes() {
		c.v1Errors(http.StatusBadRequest, 324, fam.sizeMessage())
		return
	}
	m := s.newSession(c.who, c.now, p.mediaType, p.category, p.total, p.owners)
	m.mu.Lock()
	b := s.body(m, c.now, false, phInit)
	m.mu.Unlock()
	c.w.Header().Set("x-mediaid", m.id)
	c.writeV1(http.StatusAccepted, b)
}

// appendChunk stores one segment; it returns an error text for the client.
func (s *Server) appendChunk(c *call, m *media, index int, chunk []byte) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case !c.now.Before(m.expiresAt):
		return invalidMediaID(m.id)
	case m.finalized:
		return "Media " + m.id + " is already finalized; it takes no more segments."
	}
	m.segments[index] = chunk
	return ""
}

// received counts the bytes of one APPEND in appended_bytes, whatever
// becomes of them.
func (m *media) received(chunk []byte) {
	m.mu.Lock()
	m.appendedBytes += int64(len(chunk))
	m.mu.Unlock()
}

// parseSegmentIndex reads segment_index: an integer 0..999.
func parseSegmentIndex(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n >= maxSegments {
		return 0, false
	}
	return n, true
}

const msgSegmentIndex = "SegmentIndex must be between 0 and 999."

func chunkTooLarge(n int) string {
	return "Segment of " + strconv.Itoa(n) + " bytes is over the 5242880-byte (5 MiB) limit for one APPEND."
}

// v1Media finds the media_id parameter's media for the caller or answers
// the upload host's 400.
func (s *Server) v1Media(c *call) *media {
	id := c.param("media_id")
	m := s.lookupMedia(id, c.who)
	if m == nil {
		c.uploadError(http.StatusBadRequest, invalidMediaID(id))
	}
	return m
}

func (s *Server) v1Append(c *call) {
	m := s.v1Media(c)
	if m == nil {
		return
	}
	c.w.Header().Set("x-mediaid", m.id)
	chunk, present, err := c.v1MediaBytes()
	m.received(chunk)
	index, ok := parseSegmentIndex(c.param("segment_index"))
	switch {
	case !ok:
		c.uploadError(http.StatusBadRequest, msgSegmentIndex)
		return
	case !present:
		c.uploadError(http.StatusBadRequest, "media parameter is missing.")
		return
	case err != nil:
		c.uploadError(http.StatusBadRequest, err.Error()+".")
		return
	case len(chunk) > maxChunkBytes:
		c.uploadError(http.StatusBadRequest, chunkTooLarge(len(chunk)))
		return
	}
	if msg := s.appendChunk(c, m, index, chunk); msg != "" {
		c.uploadError(http.StatusBadRequest, msg)
		return
	}
	// Real APPEND answers: 204, empty text/html body, and these two headers
	// always "0" in every recording.
	h := c.w.Header()
	h.Set("Content-Type", ctHTML)
	h.Set("Content-Length", "0")
	h.Set("x-segmentcount", "0")
	h.Set("x-totalbytes", "0")
	c.w.WriteHeader(http.StatusNoContent)
}

// finalize runs FINALIZE for either version. It returns the status code and
// body, or an error already sent.
func (s *Server) finalize(c *call, m *media, v2 bool) (int, mediaBody, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fail := func(sizeCode bool, msg string) (int, mediaBody, bool) {
		switch {
		case v2:
			c.v2Invalid(msg, map[string][]string{"id": {m.id}})
		case sizeCode:
			c.v1Errors(http.StatusBadRequest, 324, msg)
		default:
			c.uploadError(http.StatusBadRequest, msg)
		}
		return 0, mediaBody{}, false
	}
	if !c.now.Before(m.expiresAt) {
		return fail(false, invalidMediaID(m.id))
	}
	if m.finalized {
		code := http.StatusCreated
		if m.async {
			code = http.StatusOK
		}
		return code, s.body(m, c.now, v2, phRefinalize), true
	}
	data, ok := m.assemble()
	if !ok {
		return fail(false, msgSegments)
	}
	if ferr := s.finish(m, data, c.now); ferr != nil {
		return fail(ferr.sizeCode, ferr.msg)
	}
	code := http.StatusCreated
	if m.async {
		code = http.StatusOK
	}
	return code, s.body(m, c.now, v2, phFinalize), true
}

func (s *Server) v1Finalize(c *call) {
	m := s.v1Media(c)
	if m == nil {
		return
	}
	c.w.Header().Set("x-mediaid", m.id)
	if code, b, ok := s.finalize(c, m, false); ok {
		c.writeV1(code, b)
	}
}

// status returns the STATUS body, or an error text.
func (s *Server) status(c *call, m *media, v2 bool) (mediaBody, string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case !c.now.Before(m.expiresAt):
		return mediaBody{}, invalidMediaID(m.id)
	case !m.finalized:
		return mediaBody{}, "Media " + m.id + " has not been finalized; STATUS reports processing after FINALIZE."
	}
	return s.body(m, c.now, v2, phStatus), ""
}

func (s *Server) v1Status(c *call) {
	m := s.v1Media(c)
	if m == nil {
		return
	}
	b, msg := s.status(c, m, false)
	if msg != "" {
		c.uploadError(http.StatusBadRequest, msg)
		return
	}
	c.writeV1(http.StatusOK, b)
}

// simpleUpload stores a one-request upload. It returns the media, or a
// refusal with whether it is a code-324 size error.
func (s *Server) simpleUpload(c *call, data []byte, category string, owners []string) (*media, *finalizeError) {
	sn := sniffMedia(data)
	if sn.family == famUnknown {
		return nil, &finalizeError{msg: msgUnrecognized}
	}
	declared := famUnknown
	if category != "" {
		declared = categories[category]
	}
	if sn.family.isVideo() || declared.isVideo() {
		return nil, &finalizeError{sizeCode: true, msg: "Videos must be uploaded in chunks (INIT, APPEND, FINALIZE), not in one request."}
	}
	s.mu.Lock()
	id := s.nextID(c.now)
	s.mu.Unlock()
	m := &media{
		id:               id,
		owner:            c.who.account.UserID,
		additionalOwners: owners,
		category:         category,
		declared:         declared,
		totalBytes:       int64(len(data)),
		appendedBytes:    int64(len(data)),
		expiresAt:        c.now.Add(mediaLifetime),
	}
	if ferr := s.finish(m, data, c.now); ferr != nil {
		return nil, ferr
	}
	m.async = false // a one-request upload is never processed asynchronously
	m.key = m.family.keyPrefix() + id
	s.addMedia(m)
	return m, nil
}

func (s *Server) v1Simple(c *call) {
	data, present, err := c.v1MediaBytes()
	switch {
	case !present:
		c.uploadError(http.StatusBadRequest, "media parameter is missing.")
		return
	case err != nil:
		c.uploadError(http.StatusBadRequest, err.Error()+".")
		return
	}
	category := normalizeCategory(c.param("media_category"))
	if _, ok := categories[category]; category != "" && !ok {
		c.uploadError(http.StatusBadRequest, "Invalid media_category "+strconv.Quote(c.param("media_category"))+".")
		return
	}
	owners := splitOwners(c.param("additional_owners"))
	if msg, ok := validOwners(owners); !ok {
		c.uploadError(http.StatusBadRequest, msg+".")
		return
	}
	m, ferr := s.simpleUpload(c, data, category, owners)
	if ferr != nil {
		if ferr.sizeCode {
			c.v1Errors(http.StatusBadRequest, 324, ferr.msg)
		} else {
			c.uploadError(http.StatusBadRequest, ferr.msg)
		}
		return
	}
	m.mu.Lock()
	b := s.body(m, c.now, false, phSimple)
	m.mu.Unlock()
	c.writeV1(http.StatusOK, b)
}

// setAltText stores alt text; it returns an error text for the client.
func (s *Server) setAltText(c *call, id, text string) string {
	if n := utf8.RuneCountInString(text); n > maxAltText {
		return "Alt text is " + strconv.Itoa(n) + " characters, over the 1000-character limit."
	}
	m := s.lookupMedia(id, c.who)
	if m == nil {
		return invalidMediaID(id)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !c.now.Before(m.expiresAt) {
		return invalidMediaID(id)
	}
	m.altText = text
	return ""
}

// v1Metadata serves POST /1.1/media/metadata/create.json with a JSON body
// {"media_id":"…","alt_text":{"text":"…"}}; media_id may be a string or number.
func (s *Server) v1Metadata(c *call) {
	if c.r.Method != http.MethodPost {
		c.notFound()
		return
	}
	var req struct {
		MediaID json.Number `json:"media_id"`
		AltText *struct {
			Text *string `json:"text"`
		} `json:"alt_text"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		c.uploadError(http.StatusBadRequest, "The body must be JSON like {\"media_id\":\"…\",\"alt_text\":{\"text\":\"…\"}}: "+err.Error()+".")
		return
	}
	if req.AltText == nil || req.AltText.Text == nil {
		c.uploadError(http.StatusBadRequest, "alt_text.text is missing.")
		return
	}
	if msg := s.setAltText(c, req.MediaID.String(), *req.AltText.Text); msg != "" {
		c.uploadError(http.StatusBadRequest, msg)
		return
	}
	c.w.Header().Set("Content-Type", ctHTML)
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
}
