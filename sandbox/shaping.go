package sandbox

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ParseRate reads a bandwidth such as "10MB", "512KB", "1.5MB", "800kB/s" or
// "2MiB" and returns bytes per second. Units: B (or none) bytes; K/KB/kB,
// M/MB, G/GB are decimal (1000-based, as network speeds are quoted);
// KiB, MiB, GiB are binary (1024-based). Case does not matter and a "/s"
// suffix is optional. "0" means unlimited.
func ParseRate(s string) (int64, error) {
	in := strings.TrimSpace(s)
	t := strings.TrimSpace(strings.TrimSuffix(in, "/s"))
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	v, err := strconv.ParseFloat(num, 64)
	if num == "" || err != nil {
		return 0, fmt.Errorf("bandwidth %q: want a number with a unit, such as 10MB, 512KB, 1.5MiB or 800kB/s", s)
	}
	mult := map[string]float64{
		"": 1, "b": 1,
		"k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30,
	}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("bandwidth %q: unknown unit %q (use B, KB, MB, GB, KiB, MiB or GiB)", s, t[i:])
	}
	bps := v * mult
	if bps > 0 && bps < 1 {
		return 0, fmt.Errorf("bandwidth %q: below 1 byte per second", s)
	}
	return int64(bps), nil
}

// shape wraps l so each accepted connection reads at most
// Options.Bandwidth bytes per second.
func (s *Server) shape(l net.Listener) net.Listener {
	if s.opts.Bandwidth <= 0 {
		return l
	}
	return &shapedListener{Listener: l, bps: s.opts.Bandwidth}
}

type shapedListener struct {
	net.Listener
	bps int64
}

func (l *shapedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	burst := int(min(l.bps, 32<<10))
	lim := rate.NewLimiter(rate.Limit(l.bps), burst)
	lim.AllowN(time.Now(), burst) // start empty: N bytes take at least N/rate
	ctx, cancel := context.WithCancel(context.Background())
	return &shapedConn{Conn: c, lim: lim, burst: burst, ctx: ctx, cancel: cancel}, nil
}

// shapedConn is a connection whose reads (the request direction) go through
// a token bucket.
type shapedConn struct {
	net.Conn
	lim    *rate.Limiter
	burst  int
	ctx    context.Context
	cancel context.CancelFunc
	once   sync.Once
}

func (c *shapedConn) Read(p []byte) (int, error) {
	if len(p) > c.burst {
		p = p[:c.burst]
	}
	n, err := c.Conn.Read(p)
	if n > 0 {
		if werr := c.lim.WaitN(c.ctx, n); werr != nil && err == nil {
			err = net.ErrClosed
		}
	}
	return n, err
}

func (c *shapedConn) Close() error {
	c.once.Do(c.cancel)
	return c.Conn.Close()
}

// NetConn returns the underlying connection (for an abrupt reset).
func (c *shapedConn) NetConn() net.Conn { return c.Conn }
