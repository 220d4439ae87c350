package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/mediaup/mediaup/internal/baseurl"
)

// API dialects a profile can speak.
const (
	// APIv2 is the X API v2 dialect (/2/media/upload/..., /2/tweets), the default.
	APIv2 = "v2"
	// APIv11 is the older v1.1 dialect (upload.x.com/1.1/media/upload.json, statuses/update).
	APIv11 = "v1.1"
)

// Environment variables that override the fields of the chosen profile.
const (
	EnvConsumerKey    = "MEDIAUP_CONSUMER_KEY"
	EnvConsumerSecret = "MEDIAUP_CONSUMER_SECRET"
	EnvAccessToken    = "MEDIAUP_ACCESS_TOKEN"
	EnvAccessSecret   = "MEDIAUP_ACCESS_SECRET"
	EnvBaseURL        = "MEDIAUP_BASE_URL"
	EnvAPI            = "MEDIAUP_API"
	EnvProfile        = "MEDIAUP_PROFILE"
	// EnvDebug names a file that gets one redacted line per X request.
	EnvDebug = "MEDIAUP_DEBUG"
)

// redacted stands in for a secret wherever one would otherwise be shown.
const redacted = "[redacted]"

// Profile is one X account: the OAuth 1.0a credentials mediaup signs with and
// where to send requests. Printing a Profile with any fmt verb, or logging it
// with log/slog, never shows the consumer secret or the access secret.
type Profile struct {
	// Name is the profile's name, the key of its [profiles.NAME] table; it is
	// empty for a profile made only from the environment.
	Name string `toml:"-"`

	ConsumerKey    string `toml:"consumer_key,omitempty"`
	ConsumerSecret string `toml:"consumer_secret,omitempty"`
	AccessToken    string `toml:"access_token,omitempty"`
	AccessSecret   string `toml:"access_secret,omitempty"`

	// UserID and ScreenName name the account the access token belongs to, as
	// returned by the access-token step of `mediaup auth`.
	UserID     string `toml:"user_id,omitempty"`
	ScreenName string `toml:"screen_name,omitempty"`

	// BaseURL, when set, replaces both X hosts (upload and API), e.g. a local
	// sandbox at http://127.0.0.1:8080; "" means the real X hosts.
	BaseURL string `toml:"base_url,omitempty"`
	// API is the dialect, APIv2 ("v2", the default when empty) or APIv11 ("v1.1").
	API string `toml:"api,omitempty"`
}

// Secrets returns the profile's non-empty secrets (consumer secret, access
// secret), for scrubbing text with Redact.
func (p Profile) Secrets() []string {
	var s []string
	for _, v := range []string{p.ConsumerSecret, p.AccessSecret} {
		if v != "" {
			s = append(s, v)
		}
	}
	return s
}

// APIOrDefault returns the profile's API dialect, APIv2 when none is set.
func (p Profile) APIOrDefault() string {
	if p.API == "" {
		return APIv2
	}
	return p.API
}

// String describes the profile without its secrets, e.g.
// "profile work (@handle, key xvz1…, v2, https://127.0.0.1:8080)".
func (p Profile) String() string {
	var b strings.Builder
	if p.Name != "" {
		b.WriteString("profile " + p.Name)
	} else {
		b.WriteString("profile (environment)")
	}
	parts := make([]string, 0, 4)
	switch {
	case p.ScreenName != "":
		parts = append(parts, "@"+p.ScreenName)
	case p.UserID != "":
		parts = append(parts, "user "+p.UserID)
	}
	if p.ConsumerKey != "" {
		parts = append(parts, "key "+abbreviate(p.ConsumerKey))
	} else {
		parts = append(parts, "no consumer key")
	}
	parts = append(parts, p.APIOrDefault())
	if p.BaseURL == "" {
		parts = append(parts, "X hosts")
	} else {
		parts = append(parts, baseurl.Display(p.BaseURL))
	}
	b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	return Redact(b.String(), p.Secrets()...)
}

// GoString is the %#v form: Go syntax with the consumer secret and access
// secret replaced by "[redacted]" (or "" when they are not set).
func (p Profile) GoString() string {
	hide := func(s string) string {
		if s == "" {
			return ""
		}
		return redacted
	}
	s := fmt.Sprintf("config.Profile{Name:%q, ConsumerKey:%q, ConsumerSecret:%q, AccessToken:%q, AccessSecret:%q, UserID:%q, ScreenName:%q, BaseURL:%q, API:%q}",
		p.Name, p.ConsumerKey, hide(p.ConsumerSecret), p.AccessToken, hide(p.AccessSecret),
		p.UserID, p.ScreenName, baseurl.Display(p.BaseURL), p.API)
	return Redact(s, p.Secrets()...)
}

// Format makes every fmt verb safe: %#v prints GoString, any other verb
// formats String, so no verb (not even %d or %x) can reach the raw fields.
func (p Profile) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = fmt.Fprint(f, p.GoString())
	case verb == 'v' || verb == 's' || verb == 'q' || verb == 'x' || verb == 'X':
		_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), p.String())
	default:
		_, _ = fmt.Fprintf(f, "%%!%c(config.Profile=%s)", verb, p.String())
	}
}

// LogValue makes log/slog record the redacted String form.
func (p Profile) LogValue() slog.Value { return slog.StringValue(p.String()) }

// Validate reports everything that stops the profile from being used: missing
// credentials (naming the environment variables and `mediaup auth`), a base URL
// that is not http(s) or that uses plain http to a host other than loopback, and
// an API dialect other than v2 or v1.1. Several problems are joined into one error.
func (p Profile) Validate() error {
	var errs []error
	if err := p.missingCredentials(); err != nil {
		errs = append(errs, err)
	}
	if p.BaseURL != "" {
		if err := checkBaseURL(p.BaseURL); err != nil {
			errs = append(errs, errors.New("config: "+err.Error()))
		}
	}
	if err := checkAPI(p.API); err != nil {
		errs = append(errs, errors.New("config: "+err.Error()))
	}
	return errors.Join(errs...)
}

func (p Profile) missingCredentials() error {
	fields := []struct{ value, label, env string }{
		{p.ConsumerKey, "consumer key", EnvConsumerKey},
		{p.ConsumerSecret, "consumer secret", EnvConsumerSecret},
		{p.AccessToken, "access token", EnvAccessToken},
		{p.AccessSecret, "access secret", EnvAccessSecret},
	}
	var labels, envs []string
	for _, f := range fields {
		if f.value == "" {
			labels = append(labels, f.label)
			envs = append(envs, f.env)
		}
	}
	if len(labels) == 0 {
		return nil
	}
	who, auth := "credentials are", "mediaup auth"
	if p.Name != "" {
		who = fmt.Sprintf("profile %q is", p.Name)
		auth += " --profile " + shellQuote(p.Name)
	}
	return fmt.Errorf("config: %s missing the %s; set %s, or run: %s",
		who, joinAnd(labels), joinAnd(envs), auth)
}

// checkAPI accepts "" (meaning v2), "v2" and "v1.1".
func checkAPI(api string) error {
	switch api {
	case "", APIv2, APIv11:
		return nil
	}
	return fmt.Errorf("API %q is not supported; use v2 or v1.1", api)
}

// CheckBaseURL reports why raw cannot be a profile's base URL (the rules of
// Validate), or nil; callers that take a base URL from elsewhere, such as a
// command-line flag, use it to name that source in the message.
func CheckBaseURL(raw string) error { return checkBaseURL(raw) }

// checkBaseURL applies the client's own rule (package baseurl), so a
// profile is refused for exactly what the client would refuse.
func checkBaseURL(raw string) error {
	_, err := baseurl.Check(raw)
	return err
}

// abbreviate shows the first four characters of a (non-secret) key.
func abbreviate(s string) string {
	r := []rune(s)
	if len(r) > 4 {
		r = r[:4]
	}
	return string(r) + "…"
}

// Redact replaces every occurrence of each non-empty secret in s with
// "[redacted]", including the percent-encoded forms a secret takes in URLs,
// form bodies and OAuth signature base strings. Use it on any text (errors,
// logs, HTTP dumps) that might carry a credential before showing it.
func Redact(s string, secrets ...string) string {
	seen := map[string]bool{}
	var olds []string
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			olds = append(olds, v)
		}
	}
	for _, sec := range secrets {
		add(sec)
		add(url.QueryEscape(sec))
		add(percentEncode(sec))
	}
	if len(olds) == 0 {
		return s
	}
	// strings.Replacer tries the olds in argument order at each position, so
	// longest first makes a secret that contains another redact as a whole.
	sort.SliceStable(olds, func(i, j int) bool { return len(olds[i]) > len(olds[j]) })
	pairs := make([]string, 0, 2*len(olds))
	for _, o := range olds {
		pairs = append(pairs, o, redacted)
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// percentEncode is RFC 3986 encoding as OAuth 1.0a uses it: everything except
// ALPHA, DIGIT, '-', '.', '_' and '~' becomes %XX with upper-case hex.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
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

// joinAnd joins words as English: "a", "a and b", "a, b and c".
func joinAnd(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9@%+=:,./_-]+$`)

// shellQuote quotes s for a POSIX shell when it needs quoting, so suggested
// commands can be pasted as they are.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
