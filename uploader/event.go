package uploader

import "time"

// Phase is where a job stands in its life: queued, probing, uploading,
// processing on X's side, ready to post, or finished without a media ID.
type Phase int

// The phases a job moves through. Ready, Failed and Canceled are final until a
// Retry puts the job back to PhaseQueued.
const (
	PhaseQueued Phase = iota
	PhaseProbing
	PhaseUploading
	PhaseProcessing
	PhasePaused
	PhaseReady
	PhaseFailed
	PhaseCanceled
)

var phaseNames = [...]string{"queued", "probing", "uploading", "processing", "paused", "ready", "failed", "canceled"}

// String returns the lower-case name used in JSON output and the TUI.
func (p Phase) String() string {
	if int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return "unknown"
}

// Final reports whether the phase ends the job (until a retry).
func (p Phase) Final() bool { return p == PhaseReady || p == PhaseFailed || p == PhaseCanceled }

// JobID names one file job in a Manager for its whole life.
type JobID int

// Event is one snapshot of a job, sent on Manager.Events. Each event carries
// the whole visible state of the job, so a consumer that drops or coalesces
// events still shows the truth: only the last event per job matters.
type Event struct {
	Job   JobID  `json:"job"`
	Path  string `json:"path"`
	Phase Phase  `json:"-"`

	// What the probe found; zero until probing is done.
	MediaType string        `json:"media_type,omitempty"`
	Kind      string        `json:"kind,omitempty"` // image, gif, video
	Category  string        `json:"media_category,omitempty"`
	Width     int           `json:"width,omitempty"`
	Height    int           `json:"height,omitempty"`
	Duration  time.Duration `json:"-"`

	// Upload progress.
	TotalBytes    int64   `json:"total_bytes"`
	SentBytes     int64   `json:"sent_bytes"`
	SegmentsAcked int     `json:"segments_acked"`
	SegmentsTotal int     `json:"segments_total"`
	Rate          float64 `json:"rate,omitempty"`    // bytes per second over the last few seconds
	Resumed       bool    `json:"resumed,omitempty"` // continued an earlier session with the same media ID
	Reused        bool    `json:"reused,omitempty"`  // same content already on X: its media ID was reused
	Note          string  `json:"note,omitempty"`    // something the user should know, e.g. why a resume started afresh

	// Processing on X's side.
	State   string `json:"state,omitempty"` // pending, in_progress, succeeded, failed
	Percent int    `json:"percent,omitempty"`

	// Result.
	MediaID   string    `json:"media_id,omitempty"`
	MediaKey  string    `json:"media_key,omitempty"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`

	// Failure: Err is the reason in a sentence that names the file; Retryable
	// says whether trying again can help (a network fault) or not (a file
	// over the limit, a bad credential).
	Err       error `json:"-"`
	Retryable bool  `json:"retryable,omitempty"`
	Retries   int   `json:"retries,omitempty"` // requests repeated after a fault so far

	// Removed is set on the last event of a job taken out of the manager.
	Removed bool `json:"removed,omitempty"`
}
