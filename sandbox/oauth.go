package sandbox

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// percentEncode encodes s as RFC 3986 §2.1 requires for OAuth 1.0a: every byte
// except the unreserved characters A-Z a-z 0-9 - . _ ~ becomes %XX with
// upper-case hex. url.QueryEscape is not usable here: it turns a space into +.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// normalizedParams is the RFC 5849 §3.4.1.3.2 parameter string: every name and
// value percent-encoded, pairs sorted by encoded name then encoded value,
// joined with '&'. oauth_signature is left out.
func normalizedParams(params url.Values) string {
	pairs := make([][2]string, 0, len(params))
	for k, vs := range params {
		if k == "oauth_signature" {
			continue
		}
		ek := percentEncode(k)
		for _, v := range vs {
			pairs = append(pairs, [2]string{ek, percentEncode(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		return pairs[i][1] < pairs[j][1]
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p[0])
		b.WriteByte('=')
		b.WriteString(p[1])
	}
	return b.String()
}

// baseStringURI normalizes a request URL for signing (RFC 5849 §3.4.1.2):
// lower-case scheme and host, default port dropped, empty path as "/", no
// query or fragment.
func baseStringURI(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Host)
	if h, p, ok := strings.Cut(host, ":"); ok && !strings.HasPrefix(host, "[") {
		if scheme == "http" && p == "80" || scheme == "https" && p == "443" {
			host = h
		}
	} else if strings.HasPrefix(host, "[") {
		if i := strings.LastIndex(host, "]:"); i >= 0 {
			p := host[i+2:]
			if scheme == "http" && p == "80" || scheme == "https" && p == "443" {
				host = host[:i+1]
			}
		}
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// SignatureBase returns the OAuth 1.0a signature base string (RFC 5849
// §3.4.1): the upper-cased method, the normalized base URL and the normalized
// parameters, each percent-encoded and joined by '&'. Query parameters in
// baseURL are signed together with params; oauth_signature never is. It is
// the sandbox verifier's own implementation, exported so tests can check it
// against published vectors.
func SignatureBase(method, baseURL string, params url.Values) string {
	all := url.Values{}
	u, err := url.Parse(baseURL)
	if err != nil {
		u = &url.URL{Path: baseURL}
	}
	for k, vs := range u.Query() {
		all[k] = append(all[k], vs...)
	}
	for k, vs := range params {
		all[k] = append(all[k], vs...)
	}
	return strings.ToUpper(method) + "&" + percentEncode(baseStringURI(u)) + "&" + percentEncode(normalizedParams(all))
}

// signingKey is the HMAC-SHA1 key: enc(consumer secret) & enc(token secret).
// With no token secret the key still ends in '&'.
func signingKey(consumerSecret, tokenSecret string) string {
	return percentEncode(consumerSecret) + "&" + percentEncode(tokenSecret)
}

// Sign returns the base64 HMAC-SHA1 signature of a signature base string
// under the key enc(consumerSecret)&enc(tokenSecret) (RFC 5849 §3.4.2).
func Sign(base, consumerSecret, tokenSecret string) string {
	mac := hmac.New(sha1.New, []byte(signingKey(consumerSecret, tokenSecret)))
	mac.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// authError is an OAuth verification failure with the X error code to send.
type authError struct {
	code   int // 32 or 135
	reason string
}

func (e *authError) Error() string { return e.reason }

var (
	errNoAuth = &authError{32, "request carries no OAuth 1.0a parameters"}
)

// parseAuthHeader reads the oauth_* pairs from an "OAuth k="v", ..." header.
// Values are percent-decoded; realm is dropped (it is never signed).
func parseAuthHeader(h string) (url.Values, error) {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "OAuth") {
		return nil, errNoAuth
	}
	out := url.Values{}
	for _, part := range strings.Split(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, &authError{32, "malformed Authorization header pair " + strconv.Quote(k)}
		}
		k = strings.TrimSpace(k)
		v = strings.TrimSpace(v)
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		dk, err1 := url.PathUnescape(k)
		dv, err2 := url.PathUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, &authError{32, "malformed percent-encoding in Authorization header"}
		}
		if dk == "realm" {
			continue
		}
		if _, dup := out[dk]; dup {
			return nil, &authError{32, "duplicate " + dk + " in Authorization header"}
		}
		out.Set(dk, dv)
	}
	return out, nil
}

// oauthRequest is what the verifier needs from one HTTP request.
type oauthRequest struct {
	method  string
	baseURL string     // scheme://host/path as the client addressed it
	query   url.Values // decoded query parameters
	form    url.Values // decoded urlencoded body parameters (nil otherwise)
	header  string     // Authorization header
}

// credentials are the oauth_* protocol values of a request, already split out.
type credentials struct {
	consumerKey string
	token       string
	nonce       string
	timestamp   int64
	signature   string
	verifier    string
	callback    string
	signed      url.Values // every parameter that takes part in the signature
}

// collectCredentials gathers the protocol parameters from the header, the
// urlencoded body or the query (a parameter in more than one place is an
// error) and the full signed parameter set.
func collectCredentials(r oauthRequest) (*credentials, error) {
	oauth := url.Values{}
	if r.header != "" {
		hv, err := parseAuthHeader(r.header)
		if err != nil {
			return nil, err
		}
		oauth = hv
	}
	signed := url.Values{}
	for _, src := range []url.Values{r.query, r.form} {
		for k, vs := range src {
			if strings.HasPrefix(k, "oauth_") {
				if _, dup := oauth[k]; dup || len(vs) > 1 {
					return nil, &authError{32, k + " appears more than once"}
				}
				oauth[k] = vs
				continue
			}
			signed[k] = append(signed[k], vs...)
		}
	}
	if len(oauth) == 0 {
		return nil, errNoAuth
	}
	for k, vs := range oauth {
		if k != "oauth_signature" {
			signed[k] = vs
		}
	}
	c := &credentials{
		consumerKey: oauth.Get("oauth_consumer_key"),
		token:       oauth.Get("oauth_token"),
		nonce:       oauth.Get("oauth_nonce"),
		signature:   oauth.Get("oauth_signature"),
		verifier:    oauth.Get("oauth_verifier"),
		callback:    oauth.Get("oauth_callback"),
		signed:      signed,
	}
	switch {
	case c.consumerKey == "":
		return nil, &authError{32, "oauth_consumer_key is missing"}
	case c.signature == "":
		return nil, &authError{32, "oauth_signature is missing"}
	case c.nonce == "":
		return nil, &authError{32, "oauth_nonce is missing"}
	case oauth.Get("oauth_signature_method") != "HMAC-SHA1":
		return nil, &authError{32, "oauth_signature_method must be HMAC-SHA1"}
	}
	if v, ok := oauth["oauth_version"]; ok && v[0] != "1.0" {
		return nil, &authError{32, "oauth_version must be 1.0"}
	}
	ts, err := strconv.ParseInt(oauth.Get("oauth_timestamp"), 10, 64)
	if err != nil {
		return nil, &authError{32, "oauth_timestamp is missing or not a number"}
	}
	c.timestamp = ts
	return c, nil
}

// timestampWindow is how far a request's oauth_timestamp may be from the
// server clock; X answers code 135 outside it.
const timestampWindow = 300 * time.Second

// checkTimestamp reports code 135 when ts is outside ±timestampWindow of now.
func checkTimestamp(ts int64, now time.Time) error {
	d := now.Sub(time.Unix(ts, 0))
	if d > timestampWindow || d < -timestampWindow {
		return &authError{135, "oauth_timestamp " + strconv.FormatInt(ts, 10) + " is more than 300 s from the server clock"}
	}
	return nil
}

// verifySignature recomputes the signature and compares in constant time.
func verifySignature(r oauthRequest, c *credentials, consumerSecret, tokenSecret string) error {
	want := Sign(SignatureBase(r.method, r.baseURL, c.signed), consumerSecret, tokenSecret)
	if subtle.ConstantTimeCompare([]byte(want), []byte(c.signature)) != 1 {
		return &authError{32, "signature does not match"}
	}
	return nil
}

// requestBaseURL is the URL the client addressed: scheme from TLS (or
// X-Forwarded-Proto from a trusted local proxy), host from the Host header.
func requestBaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	} else if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + r.Host + r.URL.EscapedPath()
}

// nonceStore remembers nonces for twice the timestamp window so a replayed
// request is refused even though its timestamp is still acceptable.
type nonceStore struct {
	seen  map[string]time.Time
	added int
}

func (n *nonceStore) use(key string, now time.Time) bool {
	if n.seen == nil {
		n.seen = map[string]time.Time{}
	}
	if _, ok := n.seen[key]; ok {
		return false
	}
	n.seen[key] = now
	n.added++
	if n.added%1024 == 0 {
		for k, t := range n.seen {
			if now.Sub(t) > 2*timestampWindow {
				delete(n.seen, k)
			}
		}
	}
	return true
}
