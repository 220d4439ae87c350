package sandbox

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Options configure a sandbox Server. The zero value is a fast, fault-free
// sandbox with the default accounts.
type Options struct {
	Accounts       []Account                        // nil = DefaultAccounts()
	Processing     time.Duration                    // total simulated video/GIF processing time; 0 = done at once
	Latency        time.Duration                    // added before every API response
	Bandwidth      int64                            // bytes per second per connection for request bodies; 0 = unlimited
	Faults         float64                          // 0..1 fraction of media requests that get an injected fault
	FailProcessing float64                          // 0..1 fraction of async videos/GIFs whose processing fails
	Seed           int64                            // random seed for faults and failures; 0 = time-based
	Now            func() time.Time                 // clock; nil = time.Now
	Logf           func(format string, args ...any) // optional request log; secrets are never logged
}

// Server is the sandbox: an http.Handler that answers X API requests from
// memory, plus an optional HTTP server of its own (Listen, Serve, Close).
type Server struct {
	opts Options
	now  func() time.Time

	rngMu sync.Mutex
	rng   *rand.Rand

	mu         sync.Mutex
	accounts   []Account
	tokens     map[string]*principal // access token -> user and app
	apps       map[string]string     // consumer key -> consumer secret
	reqTokens  map[string]*requestToken
	nonces     nonceStore
	media      map[string]*media
	mediaOrder []string
	tweets     []TweetInfo
	posted     map[string]map[string]bool // user id -> tweet texts already posted
	limits     map[limitKey]*limitWindow
	stats      RequestStats
	lastID     uint64

	srvMu   sync.Mutex
	httpSrv *http.Server
	closing chan struct{}
	closed  sync.Once
}

// principal is an authenticated user: the account and the token secret that
// signs its requests (an access token from Options or from the PIN flow).
type principal struct {
	account     Account
	tokenSecret string
}

// New returns a sandbox configured by opts.
func New(opts Options) *Server {
	s := &Server{
		opts:      opts,
		now:       opts.Now,
		tokens:    map[string]*principal{},
		apps:      map[string]string{},
		reqTokens: map[string]*requestToken{},
		media:     map[string]*media{},
		posted:    map[string]map[string]bool{},
		limits:    map[limitKey]*limitWindow{},
		stats:     newRequestStats(),
		closing:   make(chan struct{}),
	}
	if s.now == nil {
		s.now = time.Now
	}
	seed := opts.Seed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	s.rng = rand.New(rand.NewSource(seed))
	accounts := opts.Accounts
	if accounts == nil {
		accounts = DefaultAccounts()
	}
	s.accounts = append([]Account{}, accounts...)
	for _, a := range accounts {
		s.apps[a.ConsumerKey] = a.ConsumerSecret
		s.tokens[a.AccessToken] = &principal{account: a, tokenSecret: a.AccessSecret}
	}
	return s
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

func (s *Server) random() float64 {
	s.rngMu.Lock()
	defer s.rngMu.Unlock()
	return s.rng.Float64()
}

func (s *Server) randInt(n int) int {
	s.rngMu.Lock()
	defer s.rngMu.Unlock()
	return s.rng.Intn(n)
}

// Listen opens a TCP listener on addr (127.0.0.1:0 when empty) whose
// connections are shaped to Options.Bandwidth.
func (s *Server) Listen(addr string) (net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return s.shape(l), nil
}

// Serve runs an HTTP server with this handler on l until Close is called.
// It returns nil after Close.
func (s *Server) Serve(l net.Listener) error {
	s.srvMu.Lock()
	select {
	case <-s.closing: // Close came first
		s.srvMu.Unlock()
		l.Close()
		return nil
	default:
	}
	if s.httpSrv == nil {
		s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second}
	}
	srv := s.httpSrv
	s.srvMu.Unlock()
	err := srv.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Close stops the server started by Serve and ends stalled requests.
func (s *Server) Close() error {
	s.srvMu.Lock()
	s.closed.Do(func() { close(s.closing) })
	srv := s.httpSrv
	s.srvMu.Unlock()
	if srv != nil {
		return srv.Close()
	}
	return nil
}

// wait sleeps for d unless the request ends or the server closes first; it
// reports whether the full time passed.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.closing:
		return false
	}
}

// Endpoint names used in RequestStats.ByEndpoint.
const (
	epInit     = "INIT"
	epAppend   = "APPEND"
	epFinalize = "FINALIZE"
	epStatus   = "STATUS"
	epUpload   = "UPLOAD"
	epMetadata = "METADATA"
	epTweet    = "TWEET"
	epOAuth    = "OAUTH"
	epOther    = "OTHER"
)

// route is what the path alone says about a request.
type route struct {
	v2    bool
	media bool // fault injection applies
	kind  string
	id    string // v2 path media id
}

// Route kinds.
const (
	rV1Upload   = "v1-upload"
	rV1Metadata = "v1-metadata"
	rV1Tweet    = "v1-tweet"
	rV2Init     = "v2-init"
	rV2Append   = "v2-append"
	rV2Finalize = "v2-finalize"
	rV2Upload   = "v2-upload" // GET = STATUS, POST = one-shot
	rV2Metadata = "v2-metadata"
	rV2Tweet    = "v2-tweet"
	rOAuthReq   = "oauth-request"
	rOAuthAuth  = "oauth-authorize"
	rOAuthAcc   = "oauth-access"
	rUnknown    = "unknown"
)

func routeOf(p string) route {
	switch p {
	case "/1.1/media/upload.json":
		return route{media: true, kind: rV1Upload}
	case "/1.1/media/metadata/create.json":
		return route{media: true, kind: rV1Metadata}
	case "/1.1/statuses/update.json":
		return route{kind: rV1Tweet}
	case "/2/media/upload/initialize":
		return route{v2: true, media: true, kind: rV2Init}
	case "/2/media/upload":
		return route{v2: true, media: true, kind: rV2Upload}
	case "/2/media/metadata":
		return route{v2: true, media: true, kind: rV2Metadata}
	case "/2/tweets":
		return route{v2: true, kind: rV2Tweet}
	case "/oauth/request_token":
		return route{kind: rOAuthReq}
	case "/oauth/authorize", "/oauth/authenticate":
		return route{kind: rOAuthAuth}
	case "/oauth/access_token":
		return route{kind: rOAuthAcc}
	}
	if rest, ok := strings.CutPrefix(p, "/2/media/upload/"); ok {
		if id, ok := strings.CutSuffix(rest, "/append"); ok {
			return route{v2: true, media: true, kind: rV2Append, id: id}
		}
		if id, ok := strings.CutSuffix(rest, "/finalize"); ok {
			return route{v2: true, media: true, kind: rV2Finalize, id: id}
		}
	}
	return route{v2: strings.HasPrefix(p, "/2/"), kind: rUnknown}
}

// maxBody bounds a request body held in memory. A 5 MiB chunk as base64 in a
// urlencoded body is about 9 MB; a 15 MB GIF as base64 about 27 MB.
const maxBody = 64 << 20

// part is one multipart/form-data part.
type part struct {
	data     []byte
	filename string
	base64   bool // Content-Transfer-Encoding: base64
}

// call is one API request being answered.
type call struct {
	s        *Server
	w        *recorder
	r        *http.Request
	rt       route
	endpoint string
	now      time.Time
	body     []byte
	ctype    string     // body media type, lower case
	query    url.Values // decoded query
	form     url.Values // urlencoded body fields, or multipart text fields
	parts    map[string]part
	who      *principal

	oauthCred *credentials // the PIN-flow endpoints read oauth_callback / oauth_verifier here

	// formErr is why a urlencoded body did not parse. Its parameters are
	// signed, so such a request fails authentication (401 code 32) instead
	// of being told about its body before it has proved who sent it.
	formErr error
}

// param looks a parameter up in the query, then the body.
func (c *call) param(name string) string {
	if v, ok := c.query[name]; ok && len(v) > 0 {
		return v[0]
	}
	return c.form.Get(name)
}

func (c *call) has(name string) bool {
	_, q := c.query[name]
	_, f := c.form[name]
	_, p := c.parts[name]
	return q || f || p
}

// recorder remembers the status written, for the request statistics.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// ServeHTTP answers one request: the inspection endpoints, the OAuth PIN flow,
// and the v1.1 and v2 media and post endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/sandbox" || strings.HasPrefix(r.URL.Path, "/sandbox/") {
		s.inspect(w, r)
		return
	}
	started := time.Now()
	rec := &recorder{ResponseWriter: w}
	c := &call{s: s, w: rec, r: r, rt: routeOf(r.URL.Path), query: r.URL.Query(), form: url.Values{}}
	defer func() {
		s.count(c.endpoint, rec.status)
		s.logf("sandbox: %s %s %s -> %d (%s)", r.Method, r.URL.Path, c.endpoint, rec.status, time.Since(started).Round(time.Millisecond))
	}()
	if !s.wait(r.Context(), s.opts.Latency) {
		c.endpoint = c.guessEndpoint(nil)
		return
	}
	// The request's time is when its headers arrived: a slow body must not
	// push a fresh oauth_timestamp out of the window.
	c.now = s.now()
	if c.rt.media && s.opts.Faults > 0 && s.random() < s.opts.Faults {
		s.injectFault(c)
		return
	}
	if err := c.readBody(); err != nil {
		c.endpoint = c.guessEndpoint(nil)
		if errors.Is(err, errTooLarge) {
			rec.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		c.badRequest(err.Error())
		return
	}
	c.endpoint = c.classify()
	switch c.rt.kind {
	case rOAuthReq:
		s.oauthRequestToken(c)
		return
	case rOAuthAuth:
		s.oauthAuthorize(c)
		return
	case rOAuthAcc:
		s.oauthAccessToken(c)
		return
	case rUnknown:
		c.notFound()
		return
	}
	if !s.authenticate(c) {
		return
	}
	if !s.rateLimit(c) {
		return
	}
	s.dispatch(c)
}

var errTooLarge = errors.New("request body too large")

// readBody reads and parses the body: urlencoded fields, multipart parts, or
// raw bytes (JSON) kept in c.body.
func (c *call) readBody() error {
	if c.r.Body == nil {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(c.r.Body, maxBody+1))
	if err != nil {
		return err
	}
	if len(b) > maxBody {
		return errTooLarge
	}
	c.body = b
	mt, params, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	c.ctype = strings.ToLower(mt)
	switch {
	case c.ctype == "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(b))
		if err != nil {
			c.formErr = errors.New("the urlencoded body could not be parsed: " + err.Error())
		}
		c.form = vals // the pairs that parsed, for endpoint statistics only
	case strings.HasPrefix(c.ctype, "multipart/"):
		if params["boundary"] == "" {
			return errors.New("multipart body without a boundary")
		}
		mr := multipart.NewReader(bytes.NewReader(b), params["boundary"])
		c.parts = map[string]part{}
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return errors.New("the multipart body could not be parsed: " + err.Error())
			}
			data, err := io.ReadAll(p)
			if err != nil {
				return errors.New("the multipart body could not be parsed: " + err.Error())
			}
			name := p.FormName()
			pt := part{data: data, filename: p.FileName(),
				base64: strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64")}
			c.parts[name] = pt
			if pt.filename == "" && !isMediaField(name) {
				c.form.Add(name, string(data))
			}
		}
	}
	return nil
}

func isMediaField(name string) bool {
	return name == "media" || name == "media[]" || name == "media_data"
}

// classify names the endpoint for statistics and rate limits.
func (c *call) classify() string {
	switch c.rt.kind {
	case rV1Upload:
		if c.r.Method == http.MethodGet {
			return epStatus
		}
		switch c.param("command") {
		case "INIT":
			return epInit
		case "APPEND":
			return epAppend
		case "FINALIZE":
			return epFinalize
		case "STATUS":
			return epStatus
		case "":
			return epUpload
		}
		return epOther
	case rV2Upload:
		if c.r.Method == http.MethodGet {
			return epStatus
		}
		return epUpload
	}
	return c.guessEndpoint(nil)
}

// guessEndpoint names the endpoint from the path, the query and (for a
// request whose body was only partly read) the start of the body.
func (c *call) guessEndpoint(head []byte) string {
	switch c.rt.kind {
	case rV1Upload:
		if c.r.Method == http.MethodGet {
			return epStatus
		}
		cmd := c.query.Get("command")
		if cmd == "" && head != nil {
			cmd = sniffCommand(head)
		}
		switch cmd {
		case "INIT", "APPEND", "FINALIZE", "STATUS":
			return cmd
		case "":
			return epUpload
		}
		return epOther
	case rV2Init:
		return epInit
	case rV2Append:
		return epAppend
	case rV2Finalize:
		return epFinalize
	case rV2Upload:
		if c.r.Method == http.MethodGet {
			return epStatus
		}
		return epUpload
	case rV1Metadata, rV2Metadata:
		return epMetadata
	case rV1Tweet, rV2Tweet:
		return epTweet
	case rOAuthReq, rOAuthAuth, rOAuthAcc:
		return epOAuth
	}
	return epOther
}

// sniffCommand finds command=X in the first bytes of a urlencoded or
// multipart body.
func sniffCommand(head []byte) string {
	for _, cmd := range []string{"INIT", "APPEND", "FINALIZE", "STATUS"} {
		if bytes.Contains(head, []byte("command="+cmd)) ||
			bytes.Contains(head, []byte("name=\"command\"\r\n\r\n"+cmd)) {
			return cmd
		}
	}
	return ""
}

func (s *Server) dispatch(c *call) {
	switch c.rt.kind {
	case rV1Upload:
		s.v1Upload(c)
	case rV1Metadata:
		s.v1Metadata(c)
	case rV1Tweet:
		s.v1Tweet(c)
	case rV2Init:
		s.v2Init(c)
	case rV2Append:
		s.v2Append(c)
	case rV2Finalize:
		s.v2Finalize(c)
	case rV2Upload:
		if c.r.Method == http.MethodGet {
			s.v2Status(c)
		} else {
			s.v2OneShot(c)
		}
	case rV2Metadata:
		s.v2Metadata(c)
	case rV2Tweet:
		s.v2Tweet(c)
	default:
		c.notFound()
	}
}

// authenticate verifies the OAuth 1.0a signature; on failure it answers 401.
func (s *Server) authenticate(c *call) bool {
	who, err := s.verify(c, false)
	if err != nil {
		c.authFailed(err)
		return false
	}
	c.who = who
	return true
}

// verify checks a request's OAuth 1.0a parameters. With requestToken set the
// token is looked up among PIN-flow request tokens instead of access tokens.
func (s *Server) verify(c *call, requestToken bool) (*principal, error) {
	if c.formErr != nil {
		return nil, &authError{32, c.formErr.Error()}
	}
	or := oauthRequest{
		method:  c.r.Method,
		baseURL: requestBaseURL(c.r),
		query:   c.query,
		header:  c.r.Header.Get("Authorization"),
	}
	if c.ctype == "application/x-www-form-urlencoded" {
		or.form = c.form
	}
	cred, err := collectCredentials(or)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	consumerSecret, ok := s.apps[cred.consumerKey]
	if !ok {
		return nil, &authError{32, "unknown consumer key"}
	}
	var who *principal
	tokenSecret := ""
	switch {
	case c.rt.kind == rOAuthReq:
		who = &principal{account: Account{ConsumerKey: cred.consumerKey, ConsumerSecret: consumerSecret}}
	case requestToken:
		rt, ok := s.reqTokens[cred.token]
		if !ok || rt.consumerKey != cred.consumerKey {
			return nil, &authError{32, "unknown or used request token"}
		}
		tokenSecret = rt.secret
		who = &principal{account: Account{ConsumerKey: cred.consumerKey, ConsumerSecret: consumerSecret}, tokenSecret: rt.secret}
	default:
		p, ok := s.tokens[cred.token]
		if !ok || p.account.ConsumerKey != cred.consumerKey {
			return nil, &authError{32, "unknown access token for this consumer key"}
		}
		tokenSecret = p.tokenSecret
		who = p
	}
	if err := checkTimestamp(cred.timestamp, c.now); err != nil {
		return nil, err
	}
	if err := verifySignature(or, cred, consumerSecret, tokenSecret); err != nil {
		return nil, err
	}
	if !s.nonces.use(cred.consumerKey+"\x00"+cred.token+"\x00"+cred.nonce, c.now) {
		return nil, &authError{32, "oauth_nonce was already used"}
	}
	if requestToken || c.rt.kind == rOAuthReq {
		c.oauthCred = cred
	}
	return who, nil
}
