package sandbox

import (
	"encoding/json"
	"maps"
	"net/http"
	"strconv"
	"strings"
)

// TweetInfo is one post as GET /sandbox/tweets shows it.
type TweetInfo struct {
	ID       string   `json:"id"`
	Text     string   `json:"text"`
	MediaIDs []string `json:"media_ids"`
	AuthorID string   `json:"author_id"`
}

// RequestStats counts API requests (inspection requests are not counted).
// ByEndpoint keys: INIT, APPEND, FINALIZE, STATUS, UPLOAD (v1.1 simple and
// v2 one-shot), METADATA, TWEET (both versions), OAUTH (the PIN flow), OTHER.
// ByStatus keys are HTTP status codes ("200", "401", …); a request whose
// connection was reset has none. Faults keys: reset, 500, 503, 429, stall.
type RequestStats struct {
	ByEndpoint map[string]int `json:"by_endpoint"`
	ByStatus   map[string]int `json:"by_status"`
	Faults     map[string]int `json:"faults"`
}

func newRequestStats() RequestStats {
	st := RequestStats{ByEndpoint: map[string]int{}, ByStatus: map[string]int{}, Faults: map[string]int{}}
	for _, k := range []string{epInit, epAppend, epFinalize, epStatus, epUpload, epMetadata, epTweet, epOAuth} {
		st.ByEndpoint[k] = 0
	}
	for _, k := range faultKinds {
		st.Faults[k] = 0
	}
	return st
}

func (s *Server) count(endpoint string, status int) {
	if endpoint == "" {
		endpoint = epOther
	}
	s.mu.Lock()
	s.stats.ByEndpoint[endpoint]++
	if status != 0 {
		s.stats.ByStatus[strconv.Itoa(status)]++
	}
	s.mu.Unlock()
}

// Requests returns a copy of the request counters.
func (s *Server) Requests() RequestStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return RequestStats{
		ByEndpoint: maps.Clone(s.stats.ByEndpoint),
		ByStatus:   maps.Clone(s.stats.ByStatus),
		Faults:     maps.Clone(s.stats.Faults),
	}
}

// Tweets returns every post in posting order.
func (s *Server) Tweets() []TweetInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]TweetInfo, len(s.tweets))
	for i, t := range s.tweets {
		t.MediaIDs = append([]string{}, t.MediaIDs...)
		out[i] = t
	}
	return out
}

// inspect serves the unauthenticated /sandbox/ endpoints.
func (s *Server) inspect(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, `{"error":"the inspection endpoints answer GET only"}`, http.StatusMethodNotAllowed)
		return
	}
	send := func(v any) {
		b, _ := json.MarshalIndent(v, "", "  ")
		w.Header().Set("Content-Type", "application/json")
		w.Write(append(b, '\n'))
	}
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case p == "/sandbox/media":
		send(s.AllMedia())
	case strings.HasPrefix(p, "/sandbox/media/"):
		info, ok := s.Media(strings.TrimPrefix(p, "/sandbox/media/"))
		if !ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error":"no media with that id"}` + "\n"))
			return
		}
		send(info)
	case p == "/sandbox/tweets":
		send(s.Tweets())
	case p == "/sandbox/requests":
		send(s.Requests())
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":"inspection endpoints: /sandbox/media, /sandbox/media/{id}, /sandbox/tweets, /sandbox/requests"}` + "\n"))
	}
}
