package xapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/dghubble/oauth1"
)

// XOAuthBase is where X serves the OAuth 1.0a PIN flow when no base URL is given.
const XOAuthBase = "https://api.x.com"

// signInTimeout bounds each of the two token requests; the library's calls
// take no context, so the HTTP client's timeout is what stops a hung request.
const signInTimeout = 30 * time.Second

// SignIn is X's PIN-based OAuth 1.0a sign-in ("3-legged OAuth" with the
// oob callback): Start gets a request token and the page where the user
// authorizes the app, Finish trades the PIN X shows for an access token.
// https://docs.x.com/resources/fundamentals/authentication/oauth-1-0a/pin-based-oauth
type SignIn struct {
	cfg *oauth1.Config
	rec *tokenRecorder

	requestToken, requestSecret string
}

// SignedIn is the account a sign-in produced.
type SignedIn struct {
	AccessToken, AccessSecret string
	UserID, ScreenName        string // from X's answer; the user ID from the token when X leaves it out
}

// SignInOptions configure a SignIn.
type SignInOptions struct {
	// BaseURL is where X serves /oauth/* (a URL checked by baseurl.Check,
	// or XOAuthBase).
	BaseURL                     string
	ConsumerKey, ConsumerSecret string
	// Debug and Redact are as in Options: one line per token request.
	Debug  io.Writer
	Redact func(string) string
}

// NewSignIn prepares a sign-in with the app's consumer key and secret. It
// makes no request.
func NewSignIn(o SignInOptions) *SignIn {
	base := o.BaseURL
	rec := &tokenRecorder{base: NewTransport(),
		debug: newDebugLog(o.Debug, o.Redact, Credentials{ConsumerKey: o.ConsumerKey, ConsumerSecret: o.ConsumerSecret})}
	return &SignIn{rec: rec, cfg: &oauth1.Config{
		ConsumerKey:    o.ConsumerKey,
		ConsumerSecret: o.ConsumerSecret,
		CallbackURL:    "oob",
		Endpoint: oauth1.Endpoint{
			RequestTokenURL: base + "/oauth/request_token",
			AuthorizeURL:    base + "/oauth/authorize",
			AccessTokenURL:  base + "/oauth/access_token",
		},
		HTTPClient: &http.Client{
			Transport: rec,
			Timeout:   signInTimeout,
			// A signed request is signed for one URL; never follow a redirect with it.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}}
}

// RequestTokenURL and AccessTokenURL are the two endpoints, for messages.
func (s *SignIn) RequestTokenURL() string { return s.cfg.Endpoint.RequestTokenURL }

// AccessTokenURL is where Finish sends the PIN.
func (s *SignIn) AccessTokenURL() string { return s.cfg.Endpoint.AccessTokenURL }

// Secret is the request token's secret once Start has run (to redact).
func (s *SignIn) Secret() string { return s.requestSecret }

// Start asks X for a request token and returns the page where the user
// authorizes the app. A refusal is an *APIError, an unreachable host a
// *NetError.
func (s *SignIn) Start() (authURL string, err error) {
	tok, sec, err := s.cfg.RequestToken()
	if err != nil {
		return "", s.explain("REQUEST_TOKEN", s.cfg.Endpoint.RequestTokenURL, err)
	}
	s.requestToken, s.requestSecret = tok, sec
	u, err := s.cfg.AuthorizationURL(tok)
	if err != nil {
		return "", fmt.Errorf("cannot build the authorization URL from %s: %v", s.cfg.Endpoint.AuthorizeURL, err)
	}
	return u.String(), nil
}

// Finish trades the PIN for the account's access token.
func (s *SignIn) Finish(pin string) (SignedIn, error) {
	if s.requestToken == "" {
		return SignedIn{}, errors.New("sign-in not started: no request token")
	}
	tok, sec, err := s.cfg.AccessToken(s.requestToken, s.requestSecret, pin)
	if err != nil {
		return SignedIn{}, s.explain("ACCESS_TOKEN", s.cfg.Endpoint.AccessTokenURL, err)
	}
	a := SignedIn{AccessToken: tok, AccessSecret: sec}
	_, _, body := s.rec.last()
	a.UserID, a.ScreenName = accountOf(body, tok)
	return a, nil
}

// explain turns a failed token request into X's refusal (*APIError, with
// the plain-text or JSON reason X gave), a *NetError, or a sentence for an
// answer that is not the tokens.
func (s *SignIn) explain(endpoint, u string, err error) error {
	status, h, body := s.rec.last()
	if status == 0 {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return &NetError{Endpoint: endpoint, Err: err}
	}
	if status == http.StatusOK || status == http.StatusCreated {
		return fmt.Errorf("%s answered %d but not with the tokens the OAuth 1.0a flow needs (%v)", u, status, err)
	}
	return parseAPIError(endpoint, status, h, body)
}

// accountOf reads user_id and screen_name from the access-token answer,
// which dghubble/oauth1 parses only for the token and secret. Should X leave
// the user ID out, an access token starts with it ("12345-abc...").
func accountOf(body []byte, token string) (userID, screenName string) {
	if v, err := url.ParseQuery(strings.TrimSpace(string(body))); err == nil {
		userID, screenName = v.Get("user_id"), v.Get("screen_name")
	}
	if userID == "" {
		userID = TokenUserID(token)
	}
	return userID, screenName
}

// TokenUserID is the user ID an OAuth 1.0a access token starts with
// ("12345-abc..."), or "" when the token does not have that shape.
func TokenUserID(token string) string {
	id, _, ok := strings.Cut(token, "-")
	if !ok || id == "" || strings.Trim(id, "0123456789") != "" {
		return ""
	}
	return id
}

// tokenRecorder keeps the status, headers and body of the last token
// response, so that refusals can be explained and the access-token
// answer's extra fields (user_id, screen_name) read. The library still gets
// the same body.
type tokenRecorder struct {
	base  http.RoundTripper
	debug *debugLog // nil: no debug log

	mu     sync.Mutex
	status int
	header http.Header
	body   []byte
}

// RoundTrip forwards req and keeps a copy of the (small) response body.
func (r *tokenRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.status, r.header, r.body = 0, nil, nil
	r.mu.Unlock()
	start := time.Now()
	resp, err := r.base.RoundTrip(req)
	endpoint := "REQUEST_TOKEN"
	if strings.HasSuffix(req.URL.Path, "/access_token") {
		endpoint = "ACCESS_TOKEN"
	}
	r.debug.line(endpoint, req, 0, start, resp, err)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.status, r.header, r.body = resp.StatusCode, resp.Header, b
	r.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	return resp, nil
}

func (r *tokenRecorder) last() (int, http.Header, []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status, r.header, r.body
}
