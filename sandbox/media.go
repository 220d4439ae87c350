package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	_ "image/gif"  // DecodeConfig for GIF
	_ "image/jpeg" // DecodeConfig for JPEG
	_ "image/png"  // DecodeConfig for PNG
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gabriel-vasile/mimetype"
	_ "golang.org/x/image/bmp"  // DecodeConfig for BMP
	_ "golang.org/x/image/tiff" // DecodeConfig for TIFF
	_ "golang.org/x/image/webp" // DecodeConfig for WebP
)

// family is what kind of attachment a media item is.
type family int

const (
	famUnknown family = iota
	famImage
	famGIF
	famVideo
	famAmplify // amplify_video: a video with its own media_key prefix
)

func (f family) String() string {
	switch f {
	case famImage:
		return "image"
	case famGIF:
		return "gif"
	case famVideo, famAmplify:
		return "video"
	}
	return "unknown"
}

func (f family) isVideo() bool { return f == famVideo || f == famAmplify }

// keyPrefix is the media_key type number: 3 photo, 16 animated GIF, 7 video,
// 13 amplify video.
func (f family) keyPrefix() string {
	switch f {
	case famGIF:
		return "16_"
	case famVideo:
		return "7_"
	case famAmplify:
		return "13_"
	}
	return "3_"
}

// Size limits per kind, checked at INIT and again on the real bytes.
const (
	maxImageBytes = 5 << 20   // 5242880
	maxGIFBytes   = 15 << 20  // 15728640
	maxVideoBytes = 512 << 20 // 536870912
	maxChunkBytes = 5 << 20   // per APPEND
	maxSegments   = 1000      // segment_index 0..999
	mediaLifetime = 86400 * time.Second
	maxAltText    = 1000
	maxOwners     = 100
)

func (f family) maxBytes() int64 {
	switch f {
	case famImage:
		return maxImageBytes
	case famGIF:
		return maxGIFBytes
	}
	return maxVideoBytes
}

// sizeMessage is the code-324 text for a file over its kind's limit.
func (f family) sizeMessage() string {
	switch f {
	case famImage:
		return "Image file size must be <= 5242880 bytes"
	case famGIF:
		return "Animated GIF file size must be <= 15728640 bytes"
	}
	return "Video file size must be <= 536870912 bytes"
}

// Media categories X accepts.
var categories = map[string]family{
	"tweet_image":   famImage,
	"dm_image":      famImage,
	"tweet_gif":     famGIF,
	"dm_gif":        famGIF,
	"tweet_video":   famVideo,
	"dm_video":      famVideo,
	"amplify_video": famAmplify,
	"subtitles":     famUnknown,
}

// normalizeCategory accepts the spellings seen in X's own docs and clients
// (tweet_image, TweetImage, TWEET_IMAGE) and returns the snake_case form.
func normalizeCategory(s string) string {
	var b strings.Builder
	var prev rune
	for i, r := range s {
		if i > 0 && 'A' <= r && r <= 'Z' && 'a' <= prev && prev <= 'z' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
		prev = r
	}
	return strings.ToLower(b.String())
}

// declaredFamily is the kind a client announced at INIT: the category wins,
// else the media_type.
func declaredFamily(mediaType, category string) family {
	if category != "" {
		if f, ok := categories[category]; ok && f != famUnknown {
			return f
		}
	}
	mt := strings.ToLower(mediaType)
	switch {
	case mt == "image/gif":
		return famGIF
	case strings.HasPrefix(mt, "image/"):
		return famImage
	case strings.HasPrefix(mt, "video/"):
		return famVideo
	}
	return famUnknown
}

// sniffed is what the bytes of a finished upload turned out to be.
type sniffed struct {
	mime   string
	family family // famUnknown: not a format X accepts
	w, h   int
	frames int // GIF frame count
}

// sniffMedia recognizes the formats X accepts from magic bytes, not names:
// MP4/MOV by their ftyp box, images by signature, with their dimensions.
func sniffMedia(data []byte) sniffed {
	if len(data) >= 12 && string(data[4:8]) == "ftyp" {
		if string(data[8:12]) == "qt  " {
			return sniffed{mime: "video/quicktime", family: famVideo}
		}
		return sniffed{mime: "video/mp4", family: famVideo}
	}
	head := data
	if len(head) > 3072 {
		head = head[:3072]
	}
	mt := mimetype.Detect(head).String()
	switch mt {
	case "image/jpeg", "image/png", "image/webp", "image/bmp", "image/tiff", "image/gif":
	default:
		return sniffed{}
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return sniffed{}
	}
	sn := sniffed{mime: mt, family: famImage, w: cfg.Width, h: cfg.Height}
	if mt == "image/gif" {
		sn.frames = gifFrames(data)
		sn.family = famGIF
	}
	return sn
}

// gifFrames counts the image descriptors of a GIF by walking its blocks,
// without decoding pixels. It returns what it counted before any damage.
func gifFrames(b []byte) int {
	if len(b) < 13 {
		return 0
	}
	i := 13
	if b[10]&0x80 != 0 {
		i += 3 << (int(b[10]&7) + 1)
	}
	skipSubBlocks := func(i int) int {
		for i < len(b) {
			n := int(b[i])
			i++
			if n == 0 {
				return i
			}
			i += n
		}
		return len(b)
	}
	frames := 0
	for i < len(b) {
		switch b[i] {
		case 0x21: // extension: label, then sub-blocks
			i = skipSubBlocks(i + 2)
		case 0x2C: // image descriptor
			if i+10 > len(b) {
				return frames
			}
			flags := b[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (int(flags&7) + 1)
			}
			i = skipSubBlocks(i + 1) // LZW minimum code size, then data
			frames++
		case 0x3B: // trailer
			return frames
		default:
			return frames
		}
	}
	return frames
}

// procError is the processing_info.error of a failed upload.
type procError struct {
	Code    int    `json:"code"`
	Name    string `json:"name"`
	Message string `json:"message"`
}

var (
	errInvalidMedia     = procError{1, "InvalidMedia", "file is invalid"}
	errUnsupportedMedia = procError{3, "UnsupportedMedia", "file is currently unsupported"}
)

// media is one upload session and, once finalized, one media item.
type media struct {
	mu sync.Mutex

	id, key          string
	owner            string
	additionalOwners []string
	mediaType        string // declared; the sniffed type once finalized
	category         string
	declared         family
	totalBytes       int64
	appendedBytes    int64
	segments         map[int][]byte
	expiresAt        time.Time
	chunked          bool

	finalized bool
	family    family
	sniff     sniffed
	size      int64
	sha256    string
	async     bool
	procStart time.Time
	fail      *procError
	altText   string
}

// Processing states, as STATUS and the inspection endpoints report them.
const (
	stUploading  = "uploading"
	stPending    = "pending"
	stInProgress = "in_progress"
	stSucceeded  = "succeeded"
	stFailed     = "failed"
	stExpired    = "expired"
)

// progress is the processing state at one moment.
type progress struct {
	state      string
	percent    int // -1: leave out
	checkAfter int // 0: leave out
	err        *procError
}

// progressAt computes the processing state from the clock. Over the
// processing time P an async upload is pending for the first tenth, then
// in_progress with progress_percent rising, then succeeded. One that will
// fail shows, from P/2, what X was seen to send (in_progress at 99 % with the
// error already attached and no check_after_secs), then failed at P. With
// P = 0 processing is already over at the first STATUS.
func (m *media) progressAt(now time.Time, p time.Duration) progress {
	if !now.Before(m.expiresAt) {
		return progress{state: stExpired, percent: -1}
	}
	if !m.finalized {
		return progress{state: stUploading, percent: -1}
	}
	if !m.async {
		return progress{state: stSucceeded, percent: 100}
	}
	e := now.Sub(m.procStart)
	if e < 0 {
		e = 0
	}
	if e >= p {
		if m.fail != nil {
			return progress{state: stFailed, percent: 100, err: m.fail}
		}
		return progress{state: stSucceeded, percent: 100}
	}
	if m.fail != nil && e >= p/2 {
		return progress{state: stInProgress, percent: 99, err: m.fail}
	}
	end := p
	if m.fail != nil {
		end = p / 2
	}
	check := int(math.Ceil((end - e).Seconds() / 2))
	check = max(1, min(check, 5))
	if e < p/10 {
		return progress{state: stPending, percent: -1, checkAfter: check}
	}
	pct := int(100 * e / p)
	pct = max(1, min(pct, 99))
	return progress{state: stInProgress, percent: pct, checkAfter: check}
}

// expiresIn is expires_after_secs: whole seconds left, counting down.
func (m *media) expiresIn(now time.Time) int64 {
	d := m.expiresAt.Sub(now)
	if d < 0 {
		return 0
	}
	return int64(d / time.Second)
}

// assemble joins the segments 0..n-1, which must be contiguous and add up to
// total_bytes.
func (m *media) assemble() ([]byte, bool) {
	n := len(m.segments)
	if n == 0 {
		return nil, false
	}
	var sum int64
	for i := 0; i < n; i++ {
		seg, ok := m.segments[i]
		if !ok {
			return nil, false
		}
		sum += int64(len(seg))
	}
	if sum != m.totalBytes {
		return nil, false
	}
	out := make([]byte, 0, sum)
	for i := 0; i < n; i++ {
		out = append(out, m.segments[i]...)
	}
	return out, true
}

// hashOf is the hex SHA-256 of the assembled file.
func hashOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// nextID returns a new snowflake-like id: milliseconds since X's epoch in
// the high bits, random low bits, always 19 digits and above 2^53, and
// increasing. The caller holds s.mu.
func (s *Server) nextID(now time.Time) string {
	const xEpochMillis = 1288834974657
	var id uint64
	if ms := now.UnixMilli() - xEpochMillis; ms > 0 {
		id = uint64(ms)<<22 | uint64(s.randInt(1<<22))
	}
	const minID = 1_000_000_000_000_000_000
	if id < minID {
		id = minID + uint64(s.randInt(1<<22))
	}
	if id <= s.lastID {
		id = s.lastID + 1 + uint64(s.randInt(1<<12))
	}
	s.lastID = id
	return strconv.FormatUint(id, 10)
}

// lookupMedia finds a media item the caller may use: its owner or one of its
// additional owners. Others get "not found", as from X.
func (s *Server) lookupMedia(id string, who *principal) *media {
	s.mu.Lock()
	m := s.media[id]
	s.mu.Unlock()
	if m == nil {
		return nil
	}
	m.mu.Lock()
	ok := m.mayUse(who.account.UserID)
	m.mu.Unlock()
	if !ok {
		return nil
	}
	return m
}

// mayUse reports whether user may append to, finalize, describe or post m.
// The caller holds m.mu.
func (m *media) mayUse(user string) bool {
	if m.owner == user {
		return true
	}
	for _, o := range m.additionalOwners {
		if o == user {
			return true
		}
	}
	return false
}

func (s *Server) addMedia(m *media) {
	s.mu.Lock()
	s.media[m.id] = m
	s.mediaOrder = append(s.mediaOrder, m.id)
	s.mu.Unlock()
}

// validOwners checks an additional_owners list: numeric user ids, at most 100.
func validOwners(ids []string) (string, bool) {
	if len(ids) > maxOwners {
		return "additional_owners may list at most 100 users", false
	}
	for _, id := range ids {
		if !isNumericID(id) {
			return "additional_owners entry " + strconv.Quote(id) + " is not a numeric user id", false
		}
	}
	return "", true
}

func splitOwners(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// isNumericID matches ^[0-9]{1,19}$.
func isNumericID(s string) bool {
	if len(s) == 0 || len(s) > 19 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// newSession starts an upload session (INIT) for the caller.
func (s *Server) newSession(who *principal, now time.Time, mediaType, category string, total int64, owners []string) *media {
	fam := declaredFamily(mediaType, category)
	s.mu.Lock()
	id := s.nextID(now)
	s.mu.Unlock()
	m := &media{
		id:               id,
		key:              fam.keyPrefix() + id,
		owner:            who.account.UserID,
		additionalOwners: owners,
		mediaType:        mediaType,
		category:         category,
		declared:         fam,
		totalBytes:       total,
		segments:         map[int][]byte{},
		expiresAt:        now.Add(mediaLifetime),
		chunked:          true,
	}
	s.addMedia(m)
	return m
}

// finalizeError is a FINALIZE (or simple upload) refusal.
type finalizeError struct {
	sizeCode bool // code-324 size error rather than a request error
	msg      string
}

const (
	msgSegments     = "Segments do not add up to provided total file size."
	msgUnrecognized = "media type unrecognized."
)

// finish checks and stores the assembled bytes of m and starts processing.
// The caller holds m.mu.
func (s *Server) finish(m *media, data []byte, now time.Time) *finalizeError {
	sn := sniffMedia(data)
	if sn.family == famUnknown {
		return &finalizeError{msg: msgUnrecognized}
	}
	fam := sn.family
	if fam == famGIF && sn.frames <= 1 && m.declared != famGIF {
		fam = famImage // a still GIF sent as an image is a photo
	}
	var fail *procError
	switch {
	case m.declared.isVideo() && !sn.family.isVideo():
		// Announced as video but the bytes are no MP4/MOV: with a category
		// the upload is accepted and fails in processing, as on X.
		if m.category == "" {
			return &finalizeError{msg: msgUnrecognized}
		}
		fam = m.declared
		fail = &errInvalidMedia
	case sn.family.isVideo() && !m.declared.isVideo() && m.declared != famUnknown:
		return &finalizeError{msg: msgUnrecognized}
	case sn.family.isVideo():
		fam = famVideo
		if m.declared == famAmplify {
			fam = famAmplify
		}
	}
	if int64(len(data)) > fam.maxBytes() {
		return &finalizeError{sizeCode: true, msg: fam.sizeMessage()}
	}
	m.finalized = true
	m.family = fam
	m.sniff = sn
	m.size = int64(len(data))
	m.sha256 = hashOf(data)
	m.segments = nil
	if sn.family.isVideo() || sn.family == famImage || sn.family == famGIF {
		m.mediaType = sn.mime
	}
	m.async = m.category != "" && (fam == famGIF || fam.isVideo())
	if m.async {
		m.procStart = now
		if fail == nil && s.opts.FailProcessing > 0 && s.random() < s.opts.FailProcessing {
			if s.randInt(2) == 0 {
				fail = &errInvalidMedia
			} else {
				fail = &errUnsupportedMedia
			}
		}
		m.fail = fail
	}
	m.expiresAt = now.Add(mediaLifetime)
	return nil
}

// MediaInfo is one media item as the inspection endpoints show it.
type MediaInfo struct {
	MediaID          string    `json:"media_id"`
	MediaKey         string    `json:"media_key"`
	OwnerID          string    `json:"owner_id"`
	AdditionalOwners []string  `json:"additional_owners"`
	MediaType        string    `json:"media_type"`
	MediaCategory    string    `json:"media_category"`
	TotalBytes       int64     `json:"total_bytes"`
	AppendedBytes    int64     `json:"appended_bytes"`
	SHA256           string    `json:"sha256"`
	State            string    `json:"state"`
	AltText          string    `json:"alt_text"`
	ExpiresAt        time.Time `json:"expires_at"`
}

func (s *Server) info(m *media, now time.Time) MediaInfo {
	m.mu.Lock()
	defer m.mu.Unlock()
	owners := append([]string{}, m.additionalOwners...)
	return MediaInfo{
		MediaID:          m.id,
		MediaKey:         m.key,
		OwnerID:          m.owner,
		AdditionalOwners: owners,
		MediaType:        m.mediaType,
		MediaCategory:    m.category,
		TotalBytes:       m.totalBytes,
		AppendedBytes:    m.appendedBytes,
		SHA256:           m.sha256,
		State:            m.progressAt(now, s.opts.Processing).state,
		AltText:          m.altText,
		ExpiresAt:        m.expiresAt.UTC().Truncate(time.Second),
	}
}

// Media returns the inspection view of one media item.
func (s *Server) Media(id string) (MediaInfo, bool) {
	s.mu.Lock()
	m := s.media[id]
	s.mu.Unlock()
	if m == nil {
		return MediaInfo{}, false
	}
	return s.info(m, s.now()), true
}

// AllMedia returns every media item in the order they were created.
func (s *Server) AllMedia() []MediaInfo {
	s.mu.Lock()
	ms := make([]*media, 0, len(s.mediaOrder))
	for _, id := range s.mediaOrder {
		ms = append(ms, s.media[id])
	}
	s.mu.Unlock()
	now := s.now()
	out := make([]MediaInfo, 0, len(ms))
	for _, m := range ms {
		out = append(out, s.info(m, now))
	}
	return out
}
