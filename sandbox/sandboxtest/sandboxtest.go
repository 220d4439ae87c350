// Package sandboxtest starts the local X API sandbox inside a test: a
// loopback httptest server with the sandbox's network shaping, closed when
// the test ends. It lives apart from package sandbox so that the mediaup
// binary, which serves the sandbox, links no testing code.
package sandboxtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"

	"github.com/mediaup/mediaup/sandbox"
)

// New starts the sandbox on a loopback httptest server with
// Options.Bandwidth shaping applied; both are closed by t.Cleanup.
func New(t testing.TB, opts sandbox.Options) (*sandbox.Server, *httptest.Server) {
	t.Helper()
	s := sandbox.New(opts)
	l, err := s.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatalf("sandbox listener: %v", err)
	}
	ts := httptest.NewUnstartedServer(s)
	ts.Listener.Close()
	ts.Listener = l
	ts.Start()
	t.Cleanup(func() {
		s.Close()
		ts.CloseClientConnections()
		ts.Close()
	})
	return s, ts
}

// Loss is how a lossy front loses X's answer to a request it passed on.
type Loss int

const (
	// Answer500 passes the request on, then answers 500 whatever X said.
	Answer500 Loss = iota + 1
	// DropConnection passes the request on, then closes the connection
	// without a word.
	DropConnection
)

// LossyFront starts a loopback server in front of the sandbox at target
// that passes every request on, and for those that match, lets the
// sandbox act on it and then loses the answer as loss says: what a client
// sees when X did the work but the answer never arrived. It is closed by
// t.Cleanup.
func LossyFront(t testing.TB, target string, match func(*http.Request) bool, loss Loss) *httptest.Server {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatalf("lossy front: %v", err)
	}
	// The client signed its request for the front's host: keep that Host
	// so the sandbox checks the signature it was given.
	proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		pr.Out.Host = pr.In.Host
	}}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !match(r) {
			proxy.ServeHTTP(w, r)
			return
		}
		// Let the sandbox act on the request; keep its answer to ourselves.
		rec := httptest.NewRecorder()
		proxy.ServeHTTP(rec, r)
		switch loss {
		case Answer500:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `{"title":"Internal Server Error","detail":"Internal Server Error","type":"about:blank","status":500}`)
		case DropConnection:
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		}
	}))
	t.Cleanup(front.Close)
	return front
}
