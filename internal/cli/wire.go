package cli

import "github.com/mediaup/mediaup/uploader"

// The --json output of the commands: a contract with scripts, so the
// field names and shapes change only on purpose.

// fileResult is one file's line in the summary.
type fileResult struct {
	Path      string `json:"path"`
	State     string `json:"state"`
	MediaID   string `json:"media_id,omitempty"`
	MediaKey  string `json:"media_key,omitempty"`
	ExpiresAt string `json:"expires_at,omitempty"`
	Retries   int    `json:"retries,omitempty"`
	Error     string `json:"error,omitempty"`
}

// summary is the last JSON object `upload --json` prints.
type summary struct {
	Type    string       `json:"type"`
	OK      bool         `json:"ok"`
	Files   []fileResult `json:"files"`
	TweetID string       `json:"tweet_id,omitempty"`
	Note    string       `json:"note,omitempty"`
	Error   string       `json:"error,omitempty"`
}

// jsonEvent is one event line of `upload --json`.
type jsonEvent struct {
	Type string `json:"type"`
	uploader.Event
	Phase    string  `json:"phase"`
	Duration float64 `json:"duration_secs,omitempty"`
	Error    string  `json:"error,omitempty"`
}

// statusJSON is what `mediaup status --json` prints: one object.
type statusJSON struct {
	OK               bool             `json:"ok"`
	MediaID          string           `json:"media_id"`
	MediaKey         string           `json:"media_key,omitempty"`
	State            string           `json:"state,omitempty"`
	Percent          *int             `json:"progress_percent,omitempty"`
	CheckAfterSecs   float64          `json:"check_after_secs,omitempty"`
	ExpiresAt        string           `json:"expires_at,omitempty"`
	ExpiresAfterSecs int64            `json:"expires_after_secs,omitempty"`
	ProcessingError  *processingJSON  `json:"processing_error,omitempty"`
	Error            string           `json:"error,omitempty"`
	Refusal          *statusRefusedJS `json:"refusal,omitempty"`
}

type processingJSON struct {
	Code    int    `json:"code,omitempty"`
	Name    string `json:"name,omitempty"`
	Message string `json:"message,omitempty"`
}

// statusRefusedJS is X's refusal of the STATUS call, for scripts.
type statusRefusedJS struct {
	HTTPStatus int    `json:"http_status"`
	Code       int    `json:"code,omitempty"`
	Message    string `json:"message"`
}

// historyJSON is one line of `mediaup history --json`.
type historyJSON struct {
	UploadedAt string   `json:"uploaded_at"`
	File       string   `json:"file"`
	Size       int64    `json:"size"`
	SHA256     string   `json:"sha256,omitempty"`
	MediaID    string   `json:"media_id"`
	MediaKey   string   `json:"media_key,omitempty"`
	ExpiresAt  string   `json:"expires_at"`
	Expired    bool     `json:"expired"`
	Account    string   `json:"account"`
	BaseURL    string   `json:"base_url"`
	Dialect    string   `json:"dialect,omitempty"`
	Category   string   `json:"category,omitempty"`
	Owners     []string `json:"owners,omitempty"` // additional_owners of the upload
}
