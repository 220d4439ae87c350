package sandbox

import (
	"io"
	"net"
	"net/http"
	"time"
)

// Fault kinds, as counted in RequestStats.Faults.
const (
	faultReset = "reset"
	fault500   = "500"
	fault503   = "503"
	fault429   = "429"
	faultStall = "stall"
)

var faultKinds = []string{faultReset, fault500, fault503, fault429, faultStall}

// stallFor is how long a stalled request hangs before it answers 503: longer
// than any sensible per-request timeout. It ends early when the client goes.
const stallFor = 20 * time.Second

// injectFault answers a media request with one random fault instead of
// serving it. No fault changes state (no segment stored, no nonce used, no
// rate-limit slot taken), except that a faulted APPEND whose body arrived
// whole counts its bytes in appended_bytes.
func (s *Server) injectFault(c *call) {
	kind := faultKinds[s.randInt(len(faultKinds))]
	s.countFault(kind)
	s.logf("sandbox: injecting a %s fault into %s %s", kind, c.r.Method, c.r.URL.Path)
	if kind == faultReset {
		s.resetMidBody(c)
		return
	}
	if err := c.readBody(); err != nil {
		c.endpoint = c.guessEndpoint(nil)
	} else {
		c.endpoint = c.classify()
		if c.endpoint == epAppend {
			s.countFaultedAppend(c)
		}
	}
	switch kind {
	case fault500:
		if c.rt.v2 {
			c.writeV2(http.StatusInternalServerError, map[string]any{"errors": []string{"internal server error"}})
		} else {
			c.v1Errors(http.StatusInternalServerError, 131, "Internal error")
		}
	case fault503:
		c.serviceUnavailable()
	case fault429:
		limit := limitOf(c.limitName())
		if limit == 0 {
			limit = 1
		}
		setRateHeaders(c.w.Header(), limit, 0, c.now.Add(time.Duration(1+s.randInt(2))*time.Second))
		c.w.Header().Set("retry-after", "1")
		c.tooMany()
	case faultStall:
		if s.wait(c.r.Context(), stallFor) {
			c.serviceUnavailable()
		}
	}
}

func (c *call) serviceUnavailable() {
	if c.rt.v2 {
		c.v2Blank(http.StatusServiceUnavailable, "Service Unavailable", "Service Unavailable")
		return
	}
	c.v1Errors(http.StatusServiceUnavailable, 130, "Over capacity")
}

// resetMidBody reads about half of the request body, then closes the
// connection with a TCP reset, as a broken network path does.
func (s *Server) resetMidBody(c *call) {
	var head []byte
	if c.r.Body != nil && c.r.ContentLength != 0 {
		n := c.r.ContentLength / 2
		if n <= 0 || n > 1<<20 {
			n = 1 << 20
		}
		head, _ = io.ReadAll(io.LimitReader(c.r.Body, n))
	}
	c.endpoint = c.guessEndpoint(head)
	hj, ok := c.w.ResponseWriter.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	for inner := conn; inner != nil; {
		if tc, ok := inner.(*net.TCPConn); ok {
			tc.SetLinger(0)
			break
		}
		u, ok := inner.(interface{ NetConn() net.Conn })
		if !ok {
			break
		}
		inner = u.NetConn()
	}
	conn.Close()
}

// countFaultedAppend adds the chunk of a faulted APPEND to appended_bytes.
func (s *Server) countFaultedAppend(c *call) {
	id := c.rt.id
	var chunk []byte
	if c.rt.v2 {
		chunk, _, _ = c.v2AppendInput()
	} else {
		id = c.param("media_id")
		chunk, _, _ = c.v1MediaBytes()
	}
	s.mu.Lock()
	m := s.media[id]
	s.mu.Unlock()
	if m != nil {
		m.received(chunk)
	}
}

func (s *Server) countFault(kind string) {
	s.mu.Lock()
	s.stats.Faults[kind]++
	s.mu.Unlock()
}
