package sandbox

import (
	"net/http"
	"strconv"
	"time"
)

// rateWindow is the length of X's per-user rate-limit windows.
const rateWindow = 15 * time.Minute

// limitKey identifies one rate-limit counter: a user and a command.
type limitKey struct {
	user, name string
}

type limitWindow struct {
	start time.Time
	used  int
}

// limitName and limitOf give the per-command limits seen in real traffic:
// INIT 200, APPEND 20000, FINALIZE 615, simple upload 415, STATUS 1000,
// metadata 500, POST /2/tweets 200, statuses/update 300.
func (c *call) limitName() string {
	if c.endpoint == epTweet && !c.rt.v2 {
		return "TWEET_V1"
	}
	return c.endpoint
}

func limitOf(name string) int {
	switch name {
	case epInit:
		return 200
	case epAppend:
		return 20000
	case epFinalize:
		return 615
	case epUpload:
		return 415
	case epStatus:
		return 1000
	case epMetadata:
		return 500
	case epTweet:
		return 200
	case "TWEET_V1":
		return 300
	}
	return 0
}

// rateLimit counts the request against its user's window, sets the
// x-rate-limit-* headers, and answers 429 when the window is used up.
func (s *Server) rateLimit(c *call) bool {
	name := c.limitName()
	limit := limitOf(name)
	if limit == 0 {
		return true
	}
	s.mu.Lock()
	k := limitKey{c.who.account.UserID, name}
	win := s.limits[k]
	if win == nil || !c.now.Before(win.start.Add(rateWindow)) {
		win = &limitWindow{start: c.now}
		s.limits[k] = win
	}
	exhausted := win.used >= limit
	if !exhausted {
		win.used++
	}
	remaining := limit - win.used
	reset := win.start.Add(rateWindow)
	s.mu.Unlock()
	setRateHeaders(c.w.Header(), limit, remaining, reset)
	if exhausted {
		c.tooMany()
		return false
	}
	return true
}

func setRateHeaders(h http.Header, limit, remaining int, reset time.Time) {
	h.Set("x-rate-limit-limit", strconv.Itoa(limit))
	h.Set("x-rate-limit-remaining", strconv.Itoa(remaining))
	h.Set("x-rate-limit-reset", strconv.FormatInt(reset.Unix(), 10))
}

// tooMany sends 429 in the shape of the endpoint's API version.
func (c *call) tooMany() {
	if c.rt.v2 {
		c.v2Blank(http.StatusTooManyRequests, "Too Many Requests", "Too Many Requests")
		return
	}
	c.v1Errors(http.StatusTooManyRequests, 88, "Rate limit exceeded")
}
