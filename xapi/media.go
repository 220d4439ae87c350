package xapi

import (
	"encoding/json"
	"time"
)

// Media is X's answer about one media ID, from INIT, FINALIZE, STATUS or a
// simple upload, normalised across the two dialects. ID is always a
// decimal string: real IDs exceed 2^53 and do not survive a float64.
type Media struct {
	ID           string
	Key          string // media_key, like 7_1349803915521482754; empty when X did not send it
	Size         int64
	ExpiresAfter time.Duration // expires_after_secs as sent
	ExpiresAt    time.Time     // when the ID stops working, by our clock
	Image        *ImageInfo
	Video        *VideoInfo
	Processing   *Processing // nil when X is done with the media
}

// ImageInfo is the `image` object of an upload response.
type ImageInfo struct {
	Type          string `json:"image_type"`
	Width, Height int
}

// VideoInfo is the `video` object of an upload response.
type VideoInfo struct {
	Type string `json:"video_type"`
}

// Processing is X's processing_info: where server-side processing stands.
// CheckAfter is zero when X did not say; Error, when set, is final whatever
// the state says (X has been seen to report an error with in_progress).
type Processing struct {
	State      string // pending, in_progress, succeeded, failed
	CheckAfter time.Duration
	Percent    int
	Error      *ProcessingError
}

// Done reports whether polling can stop: succeeded, failed, or an error attached.
func (p *Processing) Done() bool {
	return p == nil || p.State == "succeeded" || p.State == "failed" || p.Error != nil
}

// ProcessingError is processing_info.error, X's reason a media failed.
type ProcessingError struct {
	Code    int    `json:"code"`
	Name    string `json:"name"`
	Message string `json:"message"`
}

func (e *ProcessingError) Error() string {
	switch {
	case e.Name != "" && e.Message != "":
		return e.Name + ": " + e.Message
	case e.Message != "":
		return e.Message
	case e.Name != "":
		return e.Name
	}
	return "X could not process the media"
}

// wireMedia is the union of the v1.1 body and v2's data object.
type wireMedia struct {
	MediaID       json.Number `json:"media_id"`
	MediaIDString string      `json:"media_id_string"`
	ID            string      `json:"id"` // v2
	MediaKey      string      `json:"media_key"`
	Size          int64       `json:"size"`
	ExpiresAfter  *int64      `json:"expires_after_secs"`
	Image         *struct {
		Type string `json:"image_type"`
		W    int    `json:"w"`
		H    int    `json:"h"`
	} `json:"image"`
	Video          *VideoInfo `json:"video"`
	ProcessingInfo *struct {
		State      string           `json:"state"`
		CheckAfter *float64         `json:"check_after_secs"`
		Percent    int              `json:"progress_percent"`
		Error      *ProcessingError `json:"error"`
	} `json:"processing_info"`
}

func (w *wireMedia) media(now time.Time) *Media {
	m := &Media{Key: w.MediaKey, Size: w.Size}
	switch {
	case w.ID != "":
		m.ID = w.ID
	case w.MediaIDString != "":
		m.ID = w.MediaIDString
	case w.MediaID != "":
		m.ID = w.MediaID.String() // the literal digits, never through float64
	}
	if w.ExpiresAfter != nil {
		m.ExpiresAfter = time.Duration(*w.ExpiresAfter) * time.Second
		m.ExpiresAt = now.Add(m.ExpiresAfter)
	}
	if w.Image != nil {
		m.Image = &ImageInfo{Type: w.Image.Type, Width: w.Image.W, Height: w.Image.H}
	}
	m.Video = w.Video
	if p := w.ProcessingInfo; p != nil {
		m.Processing = &Processing{State: p.State, Percent: p.Percent, Error: p.Error}
		if p.CheckAfter != nil && *p.CheckAfter > 0 {
			// Clamp: a wild value must neither overflow nor stall polling for ever.
			secs := min(*p.CheckAfter, 600)
			m.Processing.CheckAfter = time.Duration(secs * float64(time.Second))
		}
	}
	return m
}

// decodeMedia reads either dialect's media body: v2 wraps it in "data".
// known is the ID the request was about, used when X leaves it out (seen
// in STATUS answers that carry only processing_info).
func decodeMedia(endpoint string, body []byte, now time.Time, known string) (*Media, error) {
	var env struct {
		Data *wireMedia `json:"data"`
		wireMedia
	}
	if err := decodeJSON(endpoint, body, &env); err != nil {
		return nil, err
	}
	w := &env.wireMedia
	if env.Data != nil {
		w = env.Data
	}
	m := w.media(now)
	if m.ID == "" {
		m.ID = known
	}
	if m.ID == "" {
		return nil, &APIError{Endpoint: endpoint, StatusCode: 200, Message: "X answered without a media ID"}
	}
	return m, nil
}
