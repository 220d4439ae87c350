package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// v2MediaTypes is the media_type enum of InitializeMediaUploadRequest.
var v2MediaTypes = map[string]bool{
	"video/mp4": true, "video/webm": true, "video/mp2t": true, "video/quicktime": true,
	"text/srt": true, "text/vtt": true, "image/jpeg": true, "image/gif": true, "image/bmp": true,
	"image/png": true, "image/webp": true, "image/pjpeg": true, "image/tiff": true,
	"model/gltf-binary": true, "model/vnd.usdz+zip": true,
}

const maxV2TotalBytes = 17179869184

var v2InitKeys = map[string]bool{
	"media_type": true, "total_bytes": true, "media_category": true, "additional_owners": true, "shared": true,
}

func (c *call) requireJSON() bool {
	if c.ctype != "application/json" {
		c.v2Invalid("Requests with bodies must have content-type of application/json.", nil)
		return false
	}
	return true
}

// v2Init serves POST /2/media/upload/initialize. The body is strict JSON:
// unknown keys and wrongly typed values are refused as X's schema does.
func (s *Server) v2Init(c *call) {
	if c.r.Method != http.MethodPost {
		c.notFound()
		return
	}
	if !c.requireJSON() {
		return
	}
	obj, msg := strictObject(c.body, "$", v2InitKeys)
	if msg != "" {
		c.v2Invalid(msg, nil)
		return
	}
	var p initParams
	str := func(key string, dst *string) bool {
		raw, ok := obj[key]
		if !ok {
			return true
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			c.v2Invalid("$."+key+": "+jsonKind(raw)+" found, string expected", map[string][]string{key: {string(raw)}})
			return false
		}
		return true
	}
	if !str("media_type", &p.mediaType) || !str("media_category", &p.category) {
		return
	}
	if raw, ok := obj["total_bytes"]; !ok {
		c.v2Invalid("$.total_bytes: is missing but it is required", nil)
		return
	} else if jsonKind(raw) != "integer" || json.Unmarshal(raw, &p.total) != nil || p.total < 0 || p.total > maxV2TotalBytes {
		c.v2Invalid("$.total_bytes: must be an integer from 0 to 17179869184", map[string][]string{"total_bytes": {string(raw)}})
		return
	}
	if raw, ok := obj["shared"]; ok && jsonKind(raw) != "boolean" {
		c.v2Invalid("$.shared: "+jsonKind(raw)+" found, boolean expected", map[string][]string{"shared": {string(raw)}})
		return
	}
	if raw, ok := obj["additional_owners"]; ok {
		if err := json.Unmarshal(raw, &p.owners); err != nil {
			c.v2Invalid("$.additional_owners: "+jsonKind(raw)+" found, array of strings expected", nil)
			return
		}
	}
	if p.mediaType == "" {
		c.v2Invalid("$.media_type: is missing but it is required", nil)
		return
	}
	if !v2MediaTypes[p.mediaType] {
		c.v2Invalid("$.media_type: does not have a value in the enumeration", map[string][]string{"media_type": {p.mediaType}})
		return
	}
	if _, ok := categories[p.category]; p.category != "" && !ok {
		c.v2Invalid("$.media_category: does not have a value in the enumeration", map[string][]string{"media_category": {p.category}})
		return
	}
	if msg, ok := validOwners(p.owners); !ok {
		c.v2Invalid(msg, map[string][]string{"additional_owners": p.owners})
		return
	}
	fam := declaredFamily(p.mediaType, p.category)
	if fam == famUnknown {
		c.v2Invalid(msgUnrecognized, map[string][]string{"media_type": {p.mediaType}})
		return
	}
	if p.total > fam.maxBytes() {
		c.v2Invalid(fam.sizeMessage(), map[string][]string{"total_bytes": {strconv.FormatInt(p.total, 10)}})
		return
	}
	m := s.newSession(c.who, c.now, p.mediaType, p.category, p.total, p.owners)
	m.mu.Lock()
	b := s.body(m, c.now, true, phInit)
	m.mu.Unlock()
	c.w.Header().Set("x-mediaid", m.id)
	c.writeV2(http.StatusAccepted, map[string]any{"data": b})
}

// v2AppendInput reads an append body: multipart (media part, segment_index
// field) or JSON ({"media":"<base64>","segment_index":n or "n"}).
func (c *call) v2AppendInput() (chunk []byte, index int, msg string) {
	var seg string
	switch {
	case c.parts != nil:
		p, ok := c.parts["media"]
		if !ok {
			return nil, 0, "$.media: is missing but it is required"
		}
		chunk = p.data
		if p.base64 {
			d, err := decodeBase64(string(p.data))
			if err != nil {
				return nil, 0, "$.media: is not valid base64"
			}
			chunk = d
		}
		seg = c.param("segment_index")
		if seg == "" {
			return nil, 0, "$.segment_index: is missing but it is required"
		}
	case c.ctype == "application/json":
		var req struct {
			Media        *string         `json:"media"`
			SegmentIndex json.RawMessage `json:"segment_index"`
		}
		if err := json.Unmarshal(c.body, &req); err != nil {
			return nil, 0, "$: the request body must be a JSON object"
		}
		if req.Media == nil {
			return nil, 0, "$.media: is missing but it is required"
		}
		d, err := decodeBase64(*req.Media)
		if err != nil {
			return nil, 0, "$.media: is not valid base64"
		}
		chunk = d
		switch jsonKind(req.SegmentIndex) {
		case "integer":
			seg = string(req.SegmentIndex)
		case "string":
			json.Unmarshal(req.SegmentIndex, &seg)
		case "nothing":
			return nil, 0, "$.segment_index: is missing but it is required"
		default:
			return chunk, 0, msgSegmentIndex
		}
	default:
		return nil, 0, "Append bodies must be multipart/form-data or application/json."
	}
	n, ok := parseSegmentIndex(seg)
	if !ok {
		return chunk, 0, msgSegmentIndex
	}
	return chunk, n, ""
}

// v2Media finds the path's media for the caller or answers 400.
func (s *Server) v2Media(c *call, id string) *media {
	if !isNumericID(id) {
		c.v2Invalid("The media id "+strconv.Quote(id)+" does not match ^[0-9]{1,19}$.", map[string][]string{"id": {id}})
		return nil
	}
	m := s.lookupMedia(id, c.who)
	if m == nil {
		c.v2Invalid(invalidMediaID(id), map[string][]string{"id": {id}})
		return nil
	}
	return m
}

// v2Append serves POST /2/media/upload/{id}/append. It answers 204 with no
// body, as the recorded v1.1 APPEND does (the OpenAPI file documents 200 with
// {"data":{"expires_at":…}}; clients ignore the body either way).
func (s *Server) v2Append(c *call) {
	if c.r.Method != http.MethodPost {
		c.notFound()
		return
	}
	m := s.v2Media(c, c.rt.id)
	if m == nil {
		return
	}
	c.w.Header().Set("x-mediaid", m.id)
	chunk, index, msg := c.v2AppendInput()
	m.received(chunk)
	if msg != "" {
		c.v2Invalid(msg, map[string][]string{"id": {m.id}})
		return
	}
	if len(chunk) > maxChunkBytes {
		c.v2Invalid(chunkTooLarge(len(chunk)), map[string][]string{"media": {strconv.Itoa(len(chunk))}})
		return
	}
	if msg := s.appendChunk(c, m, index, chunk); msg != "" {
		c.v2Invalid(msg, map[string][]string{"id": {m.id}})
		return
	}
	c.w.Header().Set("x-segmentcount", "0")
	c.w.Header().Set("x-totalbytes", "0")
	c.w.WriteHeader(http.StatusNoContent)
}

// v2Finalize serves POST /2/media/upload/{id}/finalize.
func (s *Server) v2Finalize(c *call) {
	if c.r.Method != http.MethodPost {
		c.notFound()
		return
	}
	m := s.v2Media(c, c.rt.id)
	if m == nil {
		return
	}
	c.w.Header().Set("x-mediaid", m.id)
	if code, b, ok := s.finalize(c, m, true); ok {
		c.writeV2(code, map[string]any{"data": b})
	}
}

// v2Status serves GET /2/media/upload?media_id=…[&command=STATUS].
func (s *Server) v2Status(c *call) {
	if cmd := c.param("command"); cmd != "" && cmd != "STATUS" {
		c.v2Invalid("$.command: does not have a value in the enumeration", map[string][]string{"command": {cmd}})
		return
	}
	id := c.param("media_id")
	if id == "" {
		c.v2Invalid("$.media_id: is missing but it is required", nil)
		return
	}
	m := s.v2Media(c, id)
	if m == nil {
		return
	}
	b, msg := s.status(c, m, true)
	if msg != "" {
		c.v2Invalid(msg, map[string][]string{"media_id": {id}})
		return
	}
	c.writeV2(http.StatusOK, map[string]any{"data": b})
}

// v2OneShotCategories is the media_category enum of POST /2/media/upload.
var v2OneShotCategories = map[string]bool{
	"tweet_image": true, "tweet_video": true, "tweet_gif": true,
	"dm_image": true, "dm_video": true, "dm_gif": true, "subtitles": true,
}

// v2OneShot serves POST /2/media/upload: the whole file in one request,
// multipart (media part) or JSON (base64 media), media_category required.
func (s *Server) v2OneShot(c *call) {
	if c.has("command") {
		c.v2Invalid("The command parameter of POST /2/media/upload was retired in 2025: use /2/media/upload/initialize, /2/media/upload/{id}/append and /2/media/upload/{id}/finalize.", nil)
		return
	}
	var data []byte
	var category string
	var owners []string
	switch {
	case c.parts != nil:
		p, ok := c.parts["media"]
		if !ok {
			c.v2Invalid("$.media: is missing but it is required", nil)
			return
		}
		data = p.data
		if p.base64 {
			d, err := decodeBase64(string(p.data))
			if err != nil {
				c.v2Invalid("$.media: is not valid base64", nil)
				return
			}
			data = d
		}
		category = c.param("media_category")
		owners = splitOwners(c.param("additional_owners"))
	case c.ctype == "application/json":
		var req struct {
			Media            *string         `json:"media"`
			MediaCategory    string          `json:"media_category"`
			AdditionalOwners json.RawMessage `json:"additional_owners"`
		}
		if err := json.Unmarshal(c.body, &req); err != nil {
			c.v2Invalid("$: the request body must be a JSON object", nil)
			return
		}
		if req.Media == nil {
			c.v2Invalid("$.media: is missing but it is required", nil)
			return
		}
		d, err := decodeBase64(*req.Media)
		if err != nil {
			c.v2Invalid("$.media: is not valid base64", nil)
			return
		}
		data, category = d, req.MediaCategory
		switch jsonKind(req.AdditionalOwners) {
		case "string":
			var s string
			json.Unmarshal(req.AdditionalOwners, &s)
			owners = splitOwners(s)
		case "array":
			if json.Unmarshal(req.AdditionalOwners, &owners) != nil {
				c.v2Invalid("$.additional_owners: array of strings expected", nil)
				return
			}
		}
	default:
		c.v2Invalid("Requests with bodies must have content-type of application/json or multipart/form-data.", nil)
		return
	}
	if category == "" {
		c.v2Invalid("$.media_category: is missing but it is required", nil)
		return
	}
	if !v2OneShotCategories[category] {
		c.v2Invalid("$.media_category: does not have a value in the enumeration", map[string][]string{"media_category": {category}})
		return
	}
	if msg, ok := validOwners(owners); !ok {
		c.v2Invalid(msg, map[string][]string{"additional_owners": owners})
		return
	}
	m, ferr := s.simpleUpload(c, data, category, owners)
	if ferr != nil {
		c.v2Invalid(ferr.msg, map[string][]string{"media_category": {category}})
		return
	}
	m.mu.Lock()
	b := s.body(m, c.now, true, phSimple)
	m.mu.Unlock()
	c.writeV2(http.StatusOK, map[string]any{"data": b})
}

// v2Metadata serves POST /2/media/metadata
// ({"id":"…","metadata":{"alt_text":{"text":"…"}}}).
func (s *Server) v2Metadata(c *call) {
	if c.r.Method != http.MethodPost {
		c.notFound()
		return
	}
	if !c.requireJSON() {
		return
	}
	var req struct {
		ID       *string `json:"id"`
		Metadata *struct {
			AltText *struct {
				Text *string `json:"text"`
			} `json:"alt_text"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(c.body, &req); err != nil {
		c.v2Invalid("$: the request body must be a JSON object like {\"id\":\"…\",\"metadata\":{\"alt_text\":{\"text\":\"…\"}}}", nil)
		return
	}
	if req.ID == nil || !isNumericID(*req.ID) {
		c.v2Invalid("$.id: is missing or does not match the regex pattern ^[0-9]{1,19}$", nil)
		return
	}
	if req.Metadata == nil || req.Metadata.AltText == nil || req.Metadata.AltText.Text == nil {
		c.v2Invalid("$.metadata.alt_text.text: is missing but it is required", nil)
		return
	}
	text := *req.Metadata.AltText.Text
	if msg := s.setAltText(c, *req.ID, text); msg != "" {
		if strings.HasPrefix(msg, "Alt text") {
			c.v2Invalid(msg, map[string][]string{"metadata.alt_text.text": {strconv.Itoa(len([]rune(text)))}})
		} else {
			c.v2Invalid(msg, map[string][]string{"id": {*req.ID}})
		}
		return
	}
	c.writeV2(http.StatusOK, map[string]any{"data": map[string]any{
		"id": *req.ID, "associated_metadata": map[string]any{"alt_text": map[string]string{"text": text}},
	}})
}
