package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"net/http"
	"net/url"
)

// requestToken is a temporary credential of the PIN flow.
type requestToken struct {
	consumerKey string
	secret      string
	pin         string
	shown       bool    // the authorize page was fetched (the user "approved")
	user        Account // who approves: the first account of this app
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (c *call) writeForm(status int, v url.Values) {
	c.writeBody(status, ctHTML, []byte(v.Encode()))
}

// oauthRequestToken serves POST /oauth/request_token, signed with the
// consumer credentials only; the only callback supported is "oob" (PIN).
func (s *Server) oauthRequestToken(c *call) {
	// Authentication comes first, as on the API endpoints: a request whose
	// method was altered in transit is a signature failure, not a 404.
	if _, err := s.verify(c, false); err != nil {
		c.authFailed(err)
		return
	}
	if c.r.Method != http.MethodPost {
		c.notFound()
		return
	}
	cred := c.oauthCred
	if cb := cred.callback; cb != "" && cb != "oob" {
		c.v1Errors(http.StatusForbidden, 417, "Desktop applications only support the oauth_callback value 'oob'")
		return
	}
	s.mu.Lock()
	var user Account
	found := false
	for _, a := range s.accounts {
		if a.ConsumerKey == cred.consumerKey {
			user, found = a, true
			break
		}
	}
	if !found {
		s.mu.Unlock()
		c.authFailed(&authError{32, "no user of this app can approve it"})
		return
	}
	tok := "sandbox-request-" + randomHex(12)
	rt := &requestToken{consumerKey: cred.consumerKey, secret: randomHex(16), user: user,
		pin: fmt.Sprintf("%07d", s.randInt(10_000_000))}
	s.reqTokens[tok] = rt
	s.mu.Unlock()
	c.writeForm(http.StatusOK, url.Values{
		"oauth_token":              {tok},
		"oauth_token_secret":       {rt.secret},
		"oauth_callback_confirmed": {"true"},
	})
}

// oauthAuthorize serves GET /oauth/authorize?oauth_token=…: the sandbox
// approves at once and shows the 7-digit PIN inside <code>…</code>.
func (s *Server) oauthAuthorize(c *call) {
	tok := c.query.Get("oauth_token")
	s.mu.Lock()
	rt := s.reqTokens[tok]
	if rt != nil {
		rt.shown = true
	}
	s.mu.Unlock()
	h := c.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if rt == nil {
		c.w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(c.w, "<!doctype html><title>mediaup sandbox</title><p>This request token is unknown or was already used. Start the sign-in again.</p>\n")
		return
	}
	c.w.WriteHeader(http.StatusOK)
	fmt.Fprintf(c.w, `<!doctype html>
<html><head><title>Authorize app - mediaup sandbox</title></head>
<body>
<p>The sandbox has authorized this app for @%s.</p>
<p>Enter this PIN in the app to finish signing in:</p>
<kbd><code>%s</code></kbd>
</body></html>
`, html.EscapeString(rt.user.ScreenName), rt.pin)
}

// oauthAccessToken serves POST /oauth/access_token, signed with the request
// token, with oauth_verifier = the PIN. The new access token is accepted by
// the API from then on.
func (s *Server) oauthAccessToken(c *call) {
	if _, err := s.verify(c, true); err != nil {
		c.authFailed(err)
		return
	}
	if c.r.Method != http.MethodPost {
		c.notFound()
		return
	}
	cred := c.oauthCred
	verifier := cred.verifier
	if verifier == "" {
		verifier = c.param("oauth_verifier")
	}
	s.mu.Lock()
	rt := s.reqTokens[cred.token]
	if rt == nil || !rt.shown || verifier != rt.pin {
		s.mu.Unlock()
		c.writeBody(http.StatusUnauthorized, ctHTML, []byte("Error processing your OAuth request: Invalid oauth_verifier parameter"))
		return
	}
	delete(s.reqTokens, cred.token)
	acct := rt.user
	acct.AccessToken = acct.UserID + "-" + randomHex(16)
	acct.AccessSecret = randomHex(20)
	s.tokens[acct.AccessToken] = &principal{account: acct, tokenSecret: acct.AccessSecret}
	s.mu.Unlock()
	c.writeForm(http.StatusOK, url.Values{
		"oauth_token":        {acct.AccessToken},
		"oauth_token_secret": {acct.AccessSecret},
		"user_id":            {acct.UserID},
		"screen_name":        {acct.ScreenName},
	})
}
