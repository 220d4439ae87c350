// Package baseurl owns the rule for the one base URL that points mediaup at
// X or at a sandbox: which URLs are acceptable, and how one is shown without
// a password pasted into it. It is a leaf, so that the config file's
// validation and the X API client apply exactly the same rule.
package baseurl

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// Check accepts an absolute http(s) URL with a host and no user
// information, query or fragment; plain http only to a loopback host,
// because everything mediaup sends (signed requests, tokens, media) would
// otherwise cross the network unencrypted. It returns the URL without a
// trailing slash. Messages never echo a password pasted into the URL.
func Check(raw string) (string, error) {
	shown := Display(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("base URL %q is not a valid URL; use one like https://api.example.com or http://127.0.0.1:8080", shown)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("base URL %q must start with https:// (or http:// for a loopback host such as 127.0.0.1)", shown)
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("base URL %q has no host; use one like https://api.example.com or http://127.0.0.1:8080", shown)
	}
	if u.User != nil {
		return "", fmt.Errorf("base URL %q must not contain a user name or password", shown)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", fmt.Errorf("base URL %q must not have a query or fragment", shown)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return "", fmt.Errorf("base URL %q uses plain http to %s, which is not a loopback host; use https, or plain http only to 127.0.0.1, ::1 or localhost", shown, u.Hostname())
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/"), nil
}

// IsLoopback reports whether host is localhost, an address in 127.0.0.0/8, or ::1.
func IsLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Unmap().IsLoopback()
}

// Display returns raw with any user information removed, so a password
// pasted into a base URL is never echoed back.
func Display(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			return "…" + raw[i:]
		}
		return raw
	}
	if u.User == nil {
		return raw
	}
	u.User = nil
	return strings.Replace(u.String(), "://", "://…@", 1)
}
