package sandbox

import (
	"fmt"
	"net"
	"strings"
)

// Account is one X user the sandbox knows, with the OAuth 1.0a app (consumer)
// and user (access token) credentials that sign its requests.
type Account struct {
	UserID, ScreenName, ConsumerKey, ConsumerSecret, AccessToken, AccessSecret string
}

// Demo credentials. They are not secrets: the sandbox prints them so a user
// can paste them into a shell.
const (
	demoConsumerKey    = "mediaup-demo-consumer-key"
	demoConsumerSecret = "mediaup-demo-consumer-secret"
	demoUserID         = "1500000000000000001"
	demoScreenName     = "mediaup_demo"
)

// DemoAccount returns the fixed demo account @mediaup_demo (user id
// 1500000000000000001) that the sandbox accepts when no credentials are given.
func DemoAccount() Account {
	return Account{
		UserID:         demoUserID,
		ScreenName:     demoScreenName,
		ConsumerKey:    demoConsumerKey,
		ConsumerSecret: demoConsumerSecret,
		AccessToken:    demoUserID + "-mediaupDemoAccessToken",
		AccessSecret:   "mediaup-demo-access-secret",
	}
}

// PartnerAccount returns @mediaup_partner, user 3805104374: the example user
// of X's additional_owners tutorial. It uses the demo app's consumer key.
func PartnerAccount() Account {
	return Account{
		UserID:         "3805104374",
		ScreenName:     "mediaup_partner",
		ConsumerKey:    demoConsumerKey,
		ConsumerSecret: demoConsumerSecret,
		AccessToken:    "3805104374-mediaupPartnerAccessToken",
		AccessSecret:   "mediaup-partner-access-secret",
	}
}

// XDevelopersAccount returns @XDevelopers, user 2244994945, another known user
// for additional_owners and tagging checks. It uses the demo app's consumer key.
func XDevelopersAccount() Account {
	return Account{
		UserID:         "2244994945",
		ScreenName:     "XDevelopers",
		ConsumerKey:    demoConsumerKey,
		ConsumerSecret: demoConsumerSecret,
		AccessToken:    "2244994945-XDevelopersAccessToken",
		AccessSecret:   "xdevelopers-access-secret",
	}
}

// DefaultAccounts is what Options.Accounts == nil means: the demo account
// first, then the partner and XDevelopers accounts.
func DefaultAccounts() []Account {
	return []Account{DemoAccount(), PartnerAccount(), XDevelopersAccount()}
}

// String describes the account without its secrets, so an Account can be
// logged or printed safely.
func (a Account) String() string {
	return fmt.Sprintf("@%s (user %s, consumer key %s, consumer secret %s, access token %s, access secret %s)",
		a.ScreenName, a.UserID, a.ConsumerKey, redact(a.ConsumerSecret), a.AccessToken, redact(a.AccessSecret))
}

func redact(s string) string {
	if s == "" {
		return "(none)"
	}
	return "[redacted]"
}

// DemoBanner is the text `mediaup sandbox` prints when it runs with the demo
// credentials: the base URL, the four demo credential values and shell lines
// that set the MEDIAUP_* variables for another terminal.
func DemoBanner(addr string) string {
	base := BaseURL(addr)
	d := DemoAccount()
	var b strings.Builder
	fmt.Fprintf(&b, "mediaup sandbox: a local X API at %s\n\n", base)
	fmt.Fprintf(&b, "Demo account @%s (user id %s). These demo credentials are not secret:\n", d.ScreenName, d.UserID)
	fmt.Fprintf(&b, "  consumer key     %s\n", d.ConsumerKey)
	fmt.Fprintf(&b, "  consumer secret  %s\n", d.ConsumerSecret)
	fmt.Fprintf(&b, "  access token     %s\n", d.AccessToken)
	fmt.Fprintf(&b, "  access secret    %s\n\n", d.AccessSecret)
	b.WriteString("Paste into another shell to point mediaup at it:\n")
	fmt.Fprintf(&b, "export MEDIAUP_CONSUMER_KEY=%s\n", d.ConsumerKey)
	fmt.Fprintf(&b, "export MEDIAUP_CONSUMER_SECRET=%s\n", d.ConsumerSecret)
	fmt.Fprintf(&b, "export MEDIAUP_ACCESS_TOKEN=%s\n", d.AccessToken)
	fmt.Fprintf(&b, "export MEDIAUP_ACCESS_SECRET=%s\n", d.AccessSecret)
	fmt.Fprintf(&b, "export MEDIAUP_BASE_URL=%s\n", base)
	return b.String()
}

// BaseURL turns a listen address ("127.0.0.1:8787", ":8787", "[::]:0") into
// the http:// base URL a client on this machine should use; an unspecified
// host becomes 127.0.0.1. An address that already has a scheme is returned
// unchanged.
func BaseURL(addr string) string {
	if strings.HasPrefix(addr, "http://") || strings.HasPrefix(addr, "https://") {
		return strings.TrimRight(addr, "/")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
