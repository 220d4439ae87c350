package xapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/dghubble/oauth1"
	"github.com/mediaup/mediaup/internal/baseurl"
)

// Dialect is which of X's two media APIs the client speaks.
type Dialect string

// The two dialects. V2 is what X serves today; V11 is the retired
// upload.twitter.com API that some deployments and recordings still use.
const (
	V2  Dialect = "v2"
	V11 Dialect = "v1.1"
)

// ParseDialect accepts "v2" and "v1.1" (also "2", "1.1").
func ParseDialect(s string) (Dialect, error) {
	switch strings.TrimSpace(strings.ToLower(s)) {
	case "", "v2", "2":
		return V2, nil
	case "v1.1", "1.1", "v1":
		return V11, nil
	}
	return "", fmt.Errorf("unknown API dialect %q: use v2 or v1.1", s)
}

// Credentials are the four OAuth 1.0a user-context values.
type Credentials struct {
	ConsumerKey, ConsumerSecret, AccessToken, AccessSecret string
}

// String never shows the two secrets.
func (c Credentials) String() string {
	return fmt.Sprintf("consumer key %s, access token %s, secrets [redacted]", c.ConsumerKey, c.AccessToken)
}

// GoString keeps %#v from printing the secrets too.
func (c Credentials) GoString() string { return "xapi.Credentials{" + c.String() + "}" }

// Real X hosts, used when no base URL is given.
const (
	XUploadV11 = "https://upload.twitter.com"
	XAPIV11    = "https://api.twitter.com"
	XAPIV2     = "https://api.x.com"
)

// Options configure a Client.
type Options struct {
	Credentials Credentials
	Dialect     Dialect
	// BaseURL, when set, is used for both the upload and the API host (the
	// sandbox serves both). Plain http is allowed only for loopback hosts.
	BaseURL string
	// Transport is the base round tripper under the OAuth signer; nil gets a
	// tuned keep-alive transport shared by all requests of this client.
	Transport http.RoundTripper
	// StallTimeout cancels and retries a request that has made no progress
	// (no body bytes sent, no response) for this long. Default 20 s.
	StallTimeout time.Duration
	// RetryFor caps the total time one call keeps retrying. Default 2 min.
	RetryFor time.Duration
	// Signer and Noncer override the OAuth signer and nonce source (tests
	// pin them to reproduce published vectors); nil = HMAC-SHA1, random.
	Signer oauth1.Signer
	Noncer oauth1.Noncer
	// Now is the clock used for expiry times (tests); nil = time.Now.
	Now func() time.Time
	// Debug, when set, gets one line per request attempt and its answer:
	// method, path, retry number, status, duration and X's x-rate-limit-*
	// headers; no other header, and no query value that could hold a secret.
	Debug io.Writer
	// Redact is applied to every Debug line (for example config.Redact
	// bound to the profile's secrets); the four Credentials are always
	// redacted.
	Redact func(string) string
}

// Client talks to X's media and post endpoints in one dialect. It is safe
// for concurrent use; every method takes a context first.
type Client struct {
	dialect    Dialect
	uploadBase string // v1.1 upload host or v2 API host
	apiBase    string // host for posts
	hc         *http.Client
	stall      time.Duration
	retryFor   time.Duration
	now        func() time.Time
	debug      *debugLog // nil without Options.Debug
}

// NewClient checks the options and builds a client. It makes no request.
func NewClient(o Options) (*Client, error) {
	if o.Dialect == "" {
		o.Dialect = V2
	}
	if o.Dialect != V2 && o.Dialect != V11 {
		return nil, fmt.Errorf("unknown API dialect %q: use v2 or v1.1", o.Dialect)
	}
	c := &Client{dialect: o.Dialect, stall: o.StallTimeout, retryFor: o.RetryFor, now: o.Now,
		debug: newDebugLog(o.Debug, o.Redact, o.Credentials)}
	if c.stall <= 0 {
		c.stall = 20 * time.Second
	}
	if c.retryFor <= 0 {
		c.retryFor = 2 * time.Minute
	}
	if c.now == nil {
		c.now = time.Now
	}
	if o.BaseURL != "" {
		base, err := baseurl.Check(o.BaseURL)
		if err != nil {
			return nil, err
		}
		c.uploadBase, c.apiBase = base, base
	} else if o.Dialect == V11 {
		c.uploadBase, c.apiBase = XUploadV11, XAPIV11
	} else {
		c.uploadBase, c.apiBase = XAPIV2, XAPIV2
	}
	cr := o.Credentials
	if cr.ConsumerKey == "" || cr.ConsumerSecret == "" || cr.AccessToken == "" || cr.AccessSecret == "" {
		return nil, errors.New("missing credentials: consumer key, consumer secret, access token and access secret are all needed")
	}
	base := o.Transport
	if base == nil {
		base = NewTransport()
	}
	cfg := oauth1.NewConfig(cr.ConsumerKey, cr.ConsumerSecret)
	cfg.Signer, cfg.Noncer = o.Signer, o.Noncer
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{Transport: base})
	c.hc = cfg.Client(ctx, oauth1.NewToken(cr.AccessToken, cr.AccessSecret))
	// Never follow a redirect with a signed request: the signature is for one URL.
	c.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c, nil
}

// NewTransport returns the keep-alive transport mediaup uses: enough idle
// connections per host for every segment in flight, TLS verified.
func NewTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 64
	t.MaxIdleConnsPerHost = 64
	t.IdleConnTimeout = 90 * time.Second
	t.WriteBufferSize = 128 << 10 // fewer, larger writes for segment bodies
	t.ReadBufferSize = 32 << 10
	return t
}

// Dialect is the dialect this client speaks.
func (c *Client) Dialect() Dialect { return c.dialect }

// BaseURL is the upload host in use (the sandbox's URL, or X's).
func (c *Client) BaseURL() string { return c.uploadBase }

type retryCounterKey struct{}

// WithRetryCounter returns a context under which every repeated request
// (after a fault) adds one to n. Jobs use it to show their retry count.
func WithRetryCounter(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, retryCounterKey{}, n)
}

// call describes one logical request; build makes a fresh *http.Request for
// every attempt (a retry re-reads its body from the file).
type call struct {
	endpoint string
	build    func(ctx context.Context) (*http.Request, error)
	// retry says which failures may be repeated; nil = never.
	retry func(err error) bool
	// progress is told of body bytes as they are sent (may be nil).
	progress func(n int64)
	// restart is told when an attempt is abandoned, so progress can rewind.
	restart func()
}

// errStalled is the cause set when the watchdog gives up on an attempt.
var errStalled = errors.New("no progress")

// StallError says a request made no progress for the stall timeout.
type StallError struct {
	Endpoint string
	After    time.Duration
}

func (e *StallError) Error() string {
	return fmt.Sprintf("%s made no progress for %s; the connection looks stalled", e.Endpoint, e.After)
}

// NetError wraps a transport failure (reset, refused, EOF) with the call it hit.
type NetError struct {
	Endpoint string
	Err      error
}

func (e *NetError) Error() string {
	if certificateError(e.Err) {
		return fmt.Sprintf("%s: cannot verify the server's TLS certificate, so nothing was sent (%v)", e.Endpoint, e.Err)
	}
	return fmt.Sprintf("%s failed on the network: %v", e.Endpoint, e.Err)
}
func (e *NetError) Unwrap() error { return e.Err }

// Retryable is the policy for requests that are safe to repeat: network
// faults, stalls, 5xx, 408 and 429.
func Retryable(err error) bool {
	if certificateError(err) {
		return false // the same server fails the same check again
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Temporary()
	}
	var se *StallError
	var ne *NetError
	return errors.As(err, &se) || errors.As(err, &ne)
}

// certificateError reports whether err is a failed TLS certificate check.
// Verification is never turned off; such a failure is final.
func certificateError(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var ci x509.CertificateInvalidError
	var hn x509.HostnameError
	return errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &ci) || errors.As(err, &hn)
}

// Unsent reports whether err proves the request never reached the server:
// the connection was never made. Posting retries only such failures, since
// X has no idempotency key and a repeated post could publish twice.
func Unsent(err error) bool {
	var ne *NetError
	if !errors.As(err, &ne) {
		return false
	}
	var op *net.OpError
	return errors.As(ne.Err, &op) && op.Op == "dial"
}

// rateLimitWait carries both the APIError and the wait backoff should honour.
type rateLimitWait struct {
	api  *APIError
	wait *backoff.RetryAfterError
}

func (r *rateLimitWait) Error() string   { return r.api.Error() }
func (r *rateLimitWait) Unwrap() []error { return []error{r.api, r.wait} }

// do runs a call with retries and returns the 2xx response body.
func (c *Client) do(ctx context.Context, cl call) (status int, body []byte, err error) {
	counter, _ := ctx.Value(retryCounterKey{}).(*atomic.Int64)
	tries := 0
	op := func() ([]byte, error) {
		tries++
		if tries > 1 && counter != nil {
			counter.Add(1)
		}
		st, b, err := c.attempt(ctx, cl, tries-1)
		status = st
		if err == nil {
			return b, nil
		}
		if cl.restart != nil {
			cl.restart()
		}
		if ctx.Err() != nil || cl.retry == nil || !cl.retry(err) {
			return nil, backoff.Permanent(err)
		}
		var ae *APIError
		if errors.As(err, &ae) && ae.StatusCode == http.StatusTooManyRequests {
			if w := ae.Wait(time.Now()); w > 0 {
				if w > c.retryFor {
					// Waiting longer than we retry for: give the user X's answer now.
					return nil, backoff.Permanent(err)
				}
				return nil, &rateLimitWait{api: ae, wait: &backoff.RetryAfterError{Duration: w + 100*time.Millisecond}}
			}
		}
		return nil, err
	}
	eb := backoff.NewExponentialBackOff()
	eb.InitialInterval = 250 * time.Millisecond
	eb.MaxInterval = 10 * time.Second
	body, err = backoff.Retry(ctx, op, backoff.WithBackOff(eb), backoff.WithMaxElapsedTime(c.retryFor))
	var rl *rateLimitWait
	if errors.As(err, &rl) {
		err = rl.api
	}
	if err != nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return status, body, err
}

// attempt sends one request under a stall watchdog and reads the reply; retry
// (0 for the first attempt) is for the debug log.
func (c *Client) attempt(parent context.Context, cl call, retry int) (status int, body []byte, err error) {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	wd := newWatchdog(c.stall, cancel)
	defer wd.stop()

	req, err := cl.build(ctx)
	if err != nil {
		return 0, nil, backoff.Permanent(err)
	}
	if req.Body != nil {
		req.Body = &watchedBody{rc: req.Body, wd: wd, progress: cl.progress}
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	defer func() { c.debug.line(cl.endpoint, req, retry, start, resp, err) }()
	if err != nil {
		if context.Cause(ctx) == errStalled && parent.Err() == nil {
			return 0, nil, &StallError{Endpoint: cl.endpoint, After: c.stall}
		}
		if parent.Err() != nil {
			return 0, nil, parent.Err()
		}
		return 0, nil, &NetError{Endpoint: cl.endpoint, Err: unwrapURLError(err)}
	}
	defer resp.Body.Close()
	wd.touch()
	b, err := io.ReadAll(io.LimitReader(&watchedBody{rc: resp.Body, wd: wd}, 4<<20))
	if err != nil {
		if context.Cause(ctx) == errStalled && parent.Err() == nil {
			return 0, nil, &StallError{Endpoint: cl.endpoint, After: c.stall}
		}
		return 0, nil, &NetError{Endpoint: cl.endpoint, Err: unwrapURLError(err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, b, parseAPIError(cl.endpoint, resp.StatusCode, resp.Header, b)
	}
	return resp.StatusCode, b, nil
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// watchdog cancels an attempt when nothing has moved for the stall timeout.
type watchdog struct {
	last   atomic.Int64 // unix nanos of the last progress
	stall  time.Duration
	cancel context.CancelCauseFunc
	timer  *time.Timer
}

func newWatchdog(stall time.Duration, cancel context.CancelCauseFunc) *watchdog {
	w := &watchdog{stall: stall, cancel: cancel}
	w.touch()
	w.timer = time.AfterFunc(stall, w.check)
	return w
}

func (w *watchdog) touch() { w.last.Store(time.Now().UnixNano()) }

func (w *watchdog) check() {
	idle := time.Since(time.Unix(0, w.last.Load()))
	if idle >= w.stall {
		w.cancel(errStalled)
		return
	}
	w.timer.Reset(w.stall - idle)
}

func (w *watchdog) stop() { w.timer.Stop() }

// watchedBody reports reads to the watchdog and to a progress callback.
type watchedBody struct {
	rc       io.ReadCloser
	wd       *watchdog
	progress func(int64)
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.wd.touch()
		if b.progress != nil {
			b.progress(int64(n))
		}
	}
	return n, err
}

func (b *watchedBody) Close() error { return b.rc.Close() }

// decodeJSON decodes a 2xx body, naming the endpoint when X sent something unexpected.
func decodeJSON(endpoint string, body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%s: X answered with a body mediaup cannot read: %v", endpoint, err)
	}
	return nil
}
