// Package sandboxtest starts the local X API sandbox inside a test: a
// loopback httptest server with the sandbox's network shaping, closed when
// the test ends. It lives apart from package sandbox so that the mediaup
// binary, which serves the sandbox, links no testing code.
package sandboxtest

import (
	"net/http/httptest"
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
