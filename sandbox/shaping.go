package sandbox

import (
	"context"
	"net"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

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
