package config_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/mediaup/mediaup/config"
)

// Secrets from X's own documentation examples, plus ones with characters that
// percent-encoding changes.
const (
	docConsumerSecret = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"
	docAccessSecret   = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
)

func fullProfile() config.Profile {
	return config.Profile{
		Name:           "work",
		ConsumerKey:    "xvz1evFS4wEEPTGEFPHBog",
		ConsumerSecret: docConsumerSecret,
		AccessToken:    "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
		AccessSecret:   docAccessSecret,
		UserID:         "370773112",
		ScreenName:     "handle",
		BaseURL:        "https://127.0.0.1:8080",
		API:            "v2",
	}
}

func TestProfileStringExact(t *testing.T) {
	tests := []struct {
		name string
		p    config.Profile
		want string
	}{
		{"full", fullProfile(), "profile work (@handle, key xvz1…, v2, https://127.0.0.1:8080)"},
		{"env only, real hosts, default API", config.Profile{ConsumerKey: "abcdefgh", AccessSecret: "s3cr3t!"},
			"profile (environment) (key abcd…, v2, X hosts)"},
		{"user id without handle, v1.1", config.Profile{Name: "ops", UserID: "3805104374", API: "v1.1"},
			"profile ops (user 3805104374, no consumer key, v1.1, X hosts)"},
		{"user info in base URL is hidden", config.Profile{Name: "x", ConsumerKey: "k", BaseURL: "https://bob:hunter2@example.com"},
			"profile x (key k…, v2, https://…@example.com)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestProfileNeverPrintsSecrets(t *testing.T) {
	weird := fullProfile()
	weird.Name = "weird"
	weird.ConsumerSecret = "a/b+c=d&e f"
	weird.AccessSecret = "ünï\"code\\secret"
	// A careless user put the secret in other fields too: it must still not show.
	leaky := fullProfile()
	leaky.ScreenName = docAccessSecret
	leaky.BaseURL = "https://user:" + docConsumerSecret + "@example.com"

	profiles := map[string]config.Profile{"doc": fullProfile(), "weird": weird, "leaky": leaky}
	for name, p := range profiles {
		secrets := []string{p.ConsumerSecret, p.AccessSecret}
		var logBuf bytes.Buffer
		slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("using", "profile", p, "ptr", &p)
		file := &config.File{Default: name, Profiles: map[string]config.Profile{name: p}}
		outputs := map[string]string{
			"String":       p.String(),
			"GoString":     p.GoString(),
			"%v":           fmt.Sprintf("%v", p),
			"%+v":          fmt.Sprintf("%+v", p),
			"%#v":          fmt.Sprintf("%#v", p),
			"%s":           fmt.Sprintf("%s", p),
			"%q":           fmt.Sprintf("%q", p),
			"%d":           fmt.Sprintf("%d", p),
			"%x":           fmt.Sprintf("%x", p),
			"%20v":         fmt.Sprintf("%20v", p),
			"pointer %v":   fmt.Sprintf("%v", &p),
			"pointer %+v":  fmt.Sprintf("%+v", &p),
			"pointer %#v":  fmt.Sprintf("%#v", &p),
			"Sprint":       fmt.Sprint(p),
			"Sprintln":     fmt.Sprintln(p),
			"slice %+v":    fmt.Sprintf("%+v", []config.Profile{p}),
			"file %v":      fmt.Sprintf("%v", file),
			"file %+v":     fmt.Sprintf("%+v", *file),
			"file %#v":     fmt.Sprintf("%#v", file),
			"wrapped %#v":  fmt.Sprintf("%#v", struct{ P config.Profile }{p}),
			"slog JSON":    logBuf.String(),
			"Validate err": fmt.Sprint(p.Validate()),
		}
		for form, out := range outputs {
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("%s: %s output contains secret %q: %s", name, form, s, out)
				}
			}
		}
		if !strings.Contains(outputs["%#v"], `ConsumerSecret:"[redacted]"`) || !strings.Contains(outputs["%#v"], `AccessSecret:"[redacted]"`) {
			t.Errorf("%s: %%#v should show redacted secrets: %s", name, outputs["%#v"])
		}
		if !strings.Contains(outputs["%+v"], "profile "+p.Name) {
			t.Errorf("%s: %%+v should describe the profile: %s", name, outputs["%+v"])
		}
	}
}

func TestGoStringShowsWhichSecretsAreMissing(t *testing.T) {
	p := config.Profile{Name: "half", ConsumerKey: "ck", ConsumerSecret: "cs-value"}
	want := `config.Profile{Name:"half", ConsumerKey:"ck", ConsumerSecret:"[redacted]", AccessToken:"", AccessSecret:"", UserID:"", ScreenName:"", BaseURL:"", API:""}`
	if got := fmt.Sprintf("%#v", p); got != want {
		t.Errorf("%%#v = %s\nwant  %s", got, want)
	}
}

func TestValidateCredentials(t *testing.T) {
	complete := fullProfile()
	tests := []struct {
		name string
		edit func(*config.Profile)
		want string // "" means valid
	}{
		{"complete", func(*config.Profile) {}, ""},
		{"missing access secret", func(p *config.Profile) { p.AccessSecret = "" },
			`config: profile "work" is missing the access secret; set MEDIAUP_ACCESS_SECRET, or run: mediaup auth --profile work`},
		{"missing token and secret", func(p *config.Profile) { p.AccessToken, p.AccessSecret = "", "" },
			`config: profile "work" is missing the access token and access secret; set MEDIAUP_ACCESS_TOKEN and MEDIAUP_ACCESS_SECRET, or run: mediaup auth --profile work`},
		{"missing consumer pair", func(p *config.Profile) { p.ConsumerKey, p.ConsumerSecret = "", "" },
			`config: profile "work" is missing the consumer key and consumer secret; set MEDIAUP_CONSUMER_KEY and MEDIAUP_CONSUMER_SECRET, or run: mediaup auth --profile work`},
		{"nothing at all from the environment", func(p *config.Profile) { *p = config.Profile{} },
			`config: credentials are missing the consumer key, consumer secret, access token and access secret; set MEDIAUP_CONSUMER_KEY, MEDIAUP_CONSUMER_SECRET, MEDIAUP_ACCESS_TOKEN and MEDIAUP_ACCESS_SECRET, or run: mediaup auth`},
		{"profile name needing shell quotes", func(p *config.Profile) { p.Name, p.ConsumerKey = "my work", "" },
			`config: profile "my work" is missing the consumer key; set MEDIAUP_CONSUMER_KEY, or run: mediaup auth --profile 'my work'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := complete
			tt.edit(&p)
			err := p.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Validate() = %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestValidateBaseURLAndAPI(t *testing.T) {
	tests := []struct {
		baseURL, api string
		wantErr      string // substring; "" means valid
	}{
		{"", "", ""},
		{"", "v2", ""},
		{"", "v1.1", ""},
		{"https://api.x.com", "v2", ""},
		{"https://sandbox.example.com:8443/prefix", "v1.1", ""},
		{"http://127.0.0.1:8080", "v2", ""},
		{"http://127.45.6.7", "v2", ""},
		{"http://[::1]:9000", "v2", ""},
		{"http://[::ffff:127.0.0.1]:9000", "v2", ""},
		{"http://localhost:8080", "v2", ""},
		{"http://LocalHost", "v2", ""},
		{"http://example.com", "v2", `base URL "http://example.com" uses plain http to example.com, which is not a loopback host; use https, or plain http only to 127.0.0.1, ::1 or localhost`},
		{"http://10.0.0.1:8080", "v2", "uses plain http to 10.0.0.1"},
		{"http://128.0.0.1", "v2", "not a loopback host"},
		{"http://localhost.evil.example", "v2", "not a loopback host"},
		{"http://127.0.0.1.nip.io", "v2", "not a loopback host"},
		{"http://[::2]", "v2", "not a loopback host"},
		{"ftp://127.0.0.1", "v2", `base URL "ftp://127.0.0.1" must start with https://`},
		{"127.0.0.1:8080", "v2", "not a valid URL"},
		{"api.x.com", "v2", "must start with https://"},
		{"https://", "v2", "has no host"},
		{"https://api.x.com/?x=1", "v2", "must not have a query or fragment"},
		{"https://api.x.com/#frag", "v2", "must not have a query or fragment"},
		{"https://bob:hunter2@api.x.com", "v2", "must not contain a user name or password"},
		{"", "v3", `config: API "v3" is not supported; use v2 or v1.1`},
		{"", "V2", "not supported"},
		{"", "1.1", "not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.baseURL+" "+tt.api, func(t *testing.T) {
			p := fullProfile()
			p.BaseURL, p.API = tt.baseURL, tt.api
			err := p.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want it to contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error repeats the password from the URL: %v", err)
			}
		})
	}
}

func TestValidateJoinsAllProblems(t *testing.T) {
	p := config.Profile{Name: "bad", BaseURL: "http://example.com", API: "v9"}
	err := p.Validate()
	if err == nil {
		t.Fatal("Validate() = nil, want three problems")
	}
	for _, want := range []string{"missing the consumer key", "not a loopback host", `API "v9"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v\nwant it to mention %q", err, want)
		}
	}
	if n := strings.Count(err.Error(), "\n"); n != 2 {
		t.Errorf("want three lines, one per problem; got %d newlines in %q", n, err)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		name    string
		s       string
		secrets []string
		want    string
	}{
		{"no secrets", "nothing to hide", nil, "nothing to hide"},
		{"empty secret ignored", "abc", []string{""}, "abc"},
		{"every occurrence", "k=s3cr3t; again s3cr3t.", []string{"s3cr3t"}, "k=[redacted]; again [redacted]."},
		{"several secrets", "cs=AAA as=BBB", []string{"AAA", "BBB"}, "cs=[redacted] as=[redacted]"},
		{"secret containing another is hidden whole", "key=abcdef", []string{"cd", "abcdef"}, "key=[redacted]"},
		{"percent-encoded form", "oauth_signature_key=a%2Fb%2Bc%3D%26", []string{"a/b+c=&"}, "oauth_signature_key=[redacted]"},
		{"query-encoded form", "secret=a+b%21", []string{"a b!"}, "secret=[redacted]"},
		{"short secret does not eat the marker", "e and [x]", []string{"e"}, "[redacted] and [x]"},
		{"doc secret in a signing key", "POST&key=" + docConsumerSecret + "&" + docAccessSecret,
			[]string{docConsumerSecret, docAccessSecret}, "POST&key=[redacted]&[redacted]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := config.Redact(tt.s, tt.secrets...); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.s, got, tt.want)
			}
		})
	}
}

func TestSecretsAndAPIOrDefault(t *testing.T) {
	p := fullProfile()
	if got := p.Secrets(); len(got) != 2 || got[0] != docConsumerSecret || got[1] != docAccessSecret {
		t.Errorf("Secrets() = %q", got)
	}
	if got := (config.Profile{AccessSecret: "x"}).Secrets(); len(got) != 1 || got[0] != "x" {
		t.Errorf("Secrets() with only an access secret = %q", got)
	}
	if got := (config.Profile{}).APIOrDefault(); got != config.APIv2 {
		t.Errorf("APIOrDefault() = %q, want v2", got)
	}
	if got := (config.Profile{API: "v1.1"}).APIOrDefault(); got != config.APIv11 {
		t.Errorf("APIOrDefault() = %q, want v1.1", got)
	}
}
