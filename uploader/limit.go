package uploader

import (
	"context"
	"io"
)

// limit wraps r so reads draw from the manager's shared bandwidth budget.
func (m *Manager) limit(ctx context.Context, r io.Reader) io.Reader {
	if m.cfg.Limiter == nil {
		return r
	}
	return &limitedReader{ctx: ctx, r: r, m: m}
}

type limitedReader struct {
	ctx context.Context
	r   io.Reader
	m   *Manager
}

func (l *limitedReader) Read(p []byte) (int, error) {
	lim := l.m.cfg.Limiter
	if b := lim.Burst(); len(p) > b {
		p = p[:b]
	}
	if len(p) > 32<<10 {
		p = p[:32<<10]
	}
	n, err := l.r.Read(p)
	if n > 0 {
		if werr := lim.WaitN(l.ctx, n); werr != nil {
			return n, werr
		}
	}
	return n, err
}
