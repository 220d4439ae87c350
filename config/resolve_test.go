package config_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mediaup/mediaup/config"
)

// env returns a getenv over a fixed map, so table cases do not share state.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

var fullEnv = map[string]string{
	"MEDIAUP_CONSUMER_KEY":    "ck-env",
	"MEDIAUP_CONSUMER_SECRET": "cs-env",
	"MEDIAUP_ACCESS_TOKEN":    "at-env",
	"MEDIAUP_ACCESS_SECRET":   "as-env",
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	two := writeConfig(t, twoProfiles, 0o600)
	noDefault := writeConfig(t, strings.Replace(twoProfiles, `default = "work"`, "", 1), 0o600)
	badDefault := writeConfig(t, strings.Replace(twoProfiles, `default = "work"`, `default = "gone"`, 1), 0o600)
	one := writeConfig(t, "[profiles.solo]\nconsumer_key = \"ck-solo\"\nscreen_name = \"solo\"\n", 0o600)
	empty := writeConfig(t, "# nothing yet\n", 0o600)
	badAPI := writeConfig(t, "[profiles.a]\napi = \"v3\"\n", 0o600)
	badURL := writeConfig(t, "[profiles.a]\nbase_url = \"http://example.com\"\n", 0o600)
	missing := filepath.Join(dir, "absent", "config.toml")

	work := config.Profile{Name: "work", ConsumerKey: "ck-work", ConsumerSecret: "cs-work", AccessToken: "at-work",
		AccessSecret: "as-work", UserID: "3805104374", ScreenName: "worker", API: "v2"}
	play := config.Profile{Name: "play", ConsumerKey: "ck-play", ConsumerSecret: "cs-play", AccessToken: "at-play",
		AccessSecret: "as-play", BaseURL: "http://127.0.0.1:8080", API: "v1.1"}

	tests := []struct {
		name    string
		path    string
		profile string
		env     map[string]string
		want    config.Profile
		wantErr string // exact, with PATH for the path; "" means no error
	}{
		{name: "explicit name", path: two, profile: "play", want: play},
		{name: "MEDIAUP_PROFILE", path: two, env: map[string]string{"MEDIAUP_PROFILE": "play"}, want: play},
		{name: "explicit name beats MEDIAUP_PROFILE", path: two, profile: "work",
			env: map[string]string{"MEDIAUP_PROFILE": "play"}, want: work},
		{name: "file default", path: two, want: work},
		{name: "only profile", path: one, want: config.Profile{Name: "solo", ConsumerKey: "ck-solo", ScreenName: "solo", API: "v2"}},
		{name: "env overrides every field it names", path: two, profile: "work",
			env: map[string]string{
				"MEDIAUP_CONSUMER_KEY": "ck-env", "MEDIAUP_CONSUMER_SECRET": "cs-env",
				"MEDIAUP_ACCESS_TOKEN": "at-env", "MEDIAUP_ACCESS_SECRET": "as-env",
				"MEDIAUP_BASE_URL": "http://[::1]:9999", "MEDIAUP_API": "v1.1",
			},
			want: config.Profile{Name: "work", ConsumerKey: "ck-env", ConsumerSecret: "cs-env", AccessToken: "at-env",
				AccessSecret: "as-env", UserID: "3805104374", ScreenName: "worker", BaseURL: "http://[::1]:9999", API: "v1.1"}},
		{name: "env overrides one field, file keeps the rest", path: two, profile: "play",
			env:  map[string]string{"MEDIAUP_ACCESS_SECRET": "as-env"},
			want: func() config.Profile { p := play; p.AccessSecret = "as-env"; return p }()},
		{name: "env only, no file at all", path: missing, env: fullEnv,
			want: config.Profile{ConsumerKey: "ck-env", ConsumerSecret: "cs-env", AccessToken: "at-env", AccessSecret: "as-env", API: "v2"}},
		{name: "env only, no path at all", path: "", env: fullEnv,
			want: config.Profile{ConsumerKey: "ck-env", ConsumerSecret: "cs-env", AccessToken: "at-env", AccessSecret: "as-env", API: "v2"}},
		{name: "env only, empty file", path: empty, env: fullEnv,
			want: config.Profile{ConsumerKey: "ck-env", ConsumerSecret: "cs-env", AccessToken: "at-env", AccessSecret: "as-env", API: "v2"}},

		{name: "unknown profile", path: two, profile: "x",
			wantErr: `config: unknown profile "x" in PATH (profiles: play, work)`},
		{name: "unknown MEDIAUP_PROFILE", path: two, env: map[string]string{"MEDIAUP_PROFILE": "x"},
			wantErr: `config: unknown profile "x" in PATH (profiles: play, work)`},
		{name: "unknown profile in a file with none", path: empty, profile: "x",
			wantErr: `config: unknown profile "x" in PATH (profiles: none); create it with: mediaup auth --profile x`},
		{name: "unknown profile, file missing", path: missing, profile: "x", env: fullEnv,
			wantErr: `config: unknown profile "x": PATH does not exist; create the profile with: mediaup auth --profile x`},
		{name: "unknown profile, no path", path: "", profile: "x",
			wantErr: `config: unknown profile "x": there is no config file to hold it (set XDG_CONFIG_HOME or HOME)`},
		{name: "default names no profile", path: badDefault,
			wantErr: `config: PATH sets default = "gone", but there is no such profile (profiles: play, work)`},
		{name: "several profiles, none chosen", path: noDefault, env: fullEnv,
			wantErr: `config: PATH has several profiles (play, work) and none is chosen; pass --profile NAME, set MEDIAUP_PROFILE, or add default = "play" to the file`},
		{name: "bad API in file", path: badAPI,
			wantErr: `config: PATH, profile "a": API "v3" is not supported; use v2 or v1.1`},
		{name: "bad MEDIAUP_API", path: two, env: map[string]string{"MEDIAUP_API": "v2.0"},
			wantErr: `config: MEDIAUP_API: API "v2.0" is not supported; use v2 or v1.1`},
		{name: "bad base URL in file", path: badURL,
			wantErr: `config: PATH, profile "a": base URL "http://example.com" uses plain http to example.com, which is not a loopback host; use https, or plain http only to 127.0.0.1, ::1 or localhost`},
		{name: "bad MEDIAUP_BASE_URL", path: "", env: map[string]string{"MEDIAUP_BASE_URL": "gopher://127.0.0.1"},
			wantErr: `config: MEDIAUP_BASE_URL: base URL "gopher://127.0.0.1" must start with https:// (or http:// for a loopback host such as 127.0.0.1)`},
		{name: "env fixes a bad file URL", path: badURL, env: map[string]string{"MEDIAUP_BASE_URL": "https://example.com"},
			want: config.Profile{Name: "a", BaseURL: "https://example.com", API: "v2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := config.Resolve(tt.path, tt.profile, env(tt.env))
			if tt.wantErr != "" {
				want := strings.ReplaceAll(tt.wantErr, "PATH", tt.path)
				if err == nil || err.Error() != want {
					t.Fatalf("Resolve error = %v\nwant %s", err, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				// %#v redacts secrets, so compare them separately.
				t.Errorf("Resolve = %#v\nwant %#v\nsecrets got %q want %q", got, tt.want, got.Secrets(), tt.want.Secrets())
			}
		})
	}
}

func TestResolveEnvOnlyValidates(t *testing.T) {
	p, err := config.Resolve(filepath.Join(t.TempDir(), "none.toml"), "", env(fullEnv))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("env-only profile should be complete: %v", err)
	}
}

func TestResolvePropagatesFileErrors(t *testing.T) {
	malformed := writeConfig(t, "[profiles.a\n", 0o600)
	open := writeConfig(t, twoProfiles, 0o644)
	for _, tc := range []struct{ path, want string }{
		{malformed, "config: " + malformed + " line 2"},
		{open, fmt.Sprintf("config: permissions 0644 for %s are too open", open)},
	} {
		// Environment credentials do not excuse a broken or exposed file.
		_, err := config.Resolve(tc.path, "", env(fullEnv))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Resolve(%s) = %v, want prefix %q", tc.path, err, tc.want)
		}
	}
}

func TestResolveReadsProcessEnvironment(t *testing.T) {
	path := writeConfig(t, twoProfiles, 0o600)
	t.Setenv("MEDIAUP_PROFILE", "play")
	t.Setenv("MEDIAUP_CONSUMER_KEY", "ck-process")
	t.Setenv("MEDIAUP_API", "")
	p, err := config.Resolve(path, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "play" || p.ConsumerKey != "ck-process" || p.API != "v1.1" {
		t.Errorf("Resolve with nil getenv = %v, want play with ck-process and v1.1", p)
	}
}
