package config_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/mediaup/mediaup/config"
)

const twoProfiles = `default = "work"

[profiles.work]
consumer_key = "ck-work"
consumer_secret = "cs-work"
access_token = "at-work"
access_secret = "as-work"
user_id = "3805104374"
screen_name = "worker"

[profiles.play]
consumer_key = "ck-play"
consumer_secret = "cs-play"
access_token = "at-play"
access_secret = "as-play"
base_url = "http://127.0.0.1:8080"
api = "v1.1"
`

// writeConfig writes content to a fresh config.toml with the given mode
// (set with Chmod, so the umask does not matter) and returns its path.
func writeConfig(t *testing.T, content string, mode fs.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadValidFile(t *testing.T) {
	path := writeConfig(t, twoProfiles, 0o600)
	f, err := config.Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if f.Default != "work" {
		t.Errorf("Default = %q, want work", f.Default)
	}
	want := config.Profile{
		Name: "play", ConsumerKey: "ck-play", ConsumerSecret: "cs-play", AccessToken: "at-play",
		AccessSecret: "as-play", BaseURL: "http://127.0.0.1:8080", API: "v1.1",
	}
	if got := f.Profiles["play"]; !reflect.DeepEqual(got, want) {
		t.Errorf("play = %#v\nwant %#v", got, want)
	}
	if got := f.Profiles["work"]; got.Name != "work" || got.UserID != "3805104374" || got.ScreenName != "worker" || got.AccessSecret != "as-work" {
		t.Errorf("work = %+v (secrets hidden), fields not read", got)
	}
	if got := f.Names(); !reflect.DeepEqual(got, []string{"play", "work"}) {
		t.Errorf("Names() = %q", got)
	}
}

func TestLoadMissingFileIsEmpty(t *testing.T) {
	for _, path := range []string{filepath.Join(t.TempDir(), "nope", "config.toml"), ""} {
		f, err := config.Load(path)
		if err != nil {
			t.Fatalf("Load(%q): %v", path, err)
		}
		if f.Default != "" || f.Profiles == nil || len(f.Profiles) != 0 {
			t.Errorf("Load(%q) = %#v, want empty File with a non-nil map", path, f)
		}
		f.Profiles["new"] = config.Profile{} // must not panic
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []string // substrings; PATH is replaced by the file's path
	}{
		{"missing value", "default = \"a\"\n[profiles.a]\nconsumer_key = \n",
			[]string{"config: PATH line 3, column 16: ", "expected value", "profiles.a.consumer_key", "fix the TOML syntax there"}},
		{"unterminated array", "[profiles.a]\napi = [\n",
			[]string{"config: PATH line 2", "fix the TOML syntax there"}},
		{"duplicate key", "[profiles.a]\nconsumer_key = \"a\"\nconsumer_key = \"b\"\n",
			[]string{"config: PATH line 3, column", "already been defined"}},
		{"wrong type", "[profiles.a]\nconsumer_key = 5\n",
			[]string{"config: PATH: line 2", "profiles.a.consumer_key", "incompatible types"}},
		{"profile not a table", "[profiles]\na = 5\n",
			[]string{"config: PATH: line 2", "profiles.a"}},
		{"profiles not a table", "profiles = 3\n",
			[]string{"config: PATH: profiles must be tables like [profiles.work], one per profile"}},
		{"array of tables", "[[profiles]]\nconsumer_key = \"x\"\n",
			[]string{"config: PATH: profiles must be tables like [profiles.work]"}},
		{"misspelt key", "[profiles.a]\nconsumer_kye = \"x\"\n",
			[]string{`config: PATH: unknown key "profiles.a.consumer_kye"; `, "a profile knows consumer_key, consumer_secret"}},
		{"unknown top-level key", "defualt = \"a\"\n",
			[]string{`unknown key "defualt"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.content, 0o600)
			f, err := config.Load(path)
			if err == nil {
				t.Fatalf("Load = %#v, nil; want an error", f)
			}
			for _, w := range tt.want {
				w = strings.ReplaceAll(w, "PATH", path)
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadUnreadable(t *testing.T) {
	dir := t.TempDir()
	t.Run("directory", func(t *testing.T) {
		_, err := config.Load(dir)
		want := fmt.Sprintf("config: %s is a directory, not a config file", dir)
		if err == nil || err.Error() != want {
			t.Errorf("Load(dir) = %v, want %q", err, want)
		}
	})
	t.Run("parent is a file", func(t *testing.T) {
		parent := filepath.Join(dir, "file")
		if err := os.WriteFile(parent, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(parent, "config.toml")
		_, err := config.Load(path)
		want := fmt.Sprintf("config: cannot read %s: not a directory", path)
		if err == nil || err.Error() != want {
			t.Errorf("Load = %v, want %q", err, want)
		}
	})
	t.Run("too large", func(t *testing.T) {
		path := writeConfig(t, "# "+strings.Repeat("x", 1<<20)+"\n", 0o600)
		_, err := config.Load(path)
		if err == nil || !strings.Contains(err.Error(), path+" is over 1 MiB") {
			t.Errorf("Load = %v, want the size refusal", err)
		}
	})
}

func TestLoadRefusesOpenPermissions(t *testing.T) {
	const noSecrets = "default = \"pub\"\n[profiles.pub]\nconsumer_key = \"ck\"\nscreen_name = \"x\"\n"
	const onlyAccessSecret = "[profiles.a]\naccess_secret = \"as\"\n"
	tests := []struct {
		content string
		mode    fs.FileMode
		refused bool
	}{
		{twoProfiles, 0o600, false},
		{twoProfiles, 0o400, false},
		{twoProfiles, 0o700, false},
		{twoProfiles, 0o644, true},
		{twoProfiles, 0o640, true},
		{twoProfiles, 0o604, true},
		{twoProfiles, 0o660, true},
		{twoProfiles, 0o610, true}, // the rule is mode & 0o077, not just the read bits
		{twoProfiles, 0o777, true},
		{onlyAccessSecret, 0o644, true},
		{noSecrets, 0o644, false},
		{"", 0o666, false},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprintf("case%d_mode%04o", i, tt.mode), func(t *testing.T) {
			path := writeConfig(t, tt.content, tt.mode)
			_, err := config.Load(path)
			if !tt.refused {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			want := fmt.Sprintf("config: permissions %04o for %s are too open; it holds secrets, so run: chmod 600 %s", tt.mode, path, path)
			if err == nil || err.Error() != want {
				t.Fatalf("Load = %v\nwant %s", err, want)
			}
		})
	}
}

func TestPermissionMessageQuotesPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my config")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(twoProfiles), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := config.Load(path)
	if err == nil || !strings.HasSuffix(err.Error(), "so run: chmod 600 '"+path+"'") {
		t.Errorf("Load = %v, want a pasteable chmod with the path quoted", err)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "xdg", "mediaup", "config.toml")
	orig := &config.File{
		Default: "work",
		Profiles: map[string]config.Profile{
			"work": fullProfile(),
			"odd name": {
				Name: "ignored: the key wins", ConsumerKey: "k", ConsumerSecret: "quote\" backslash\\ newline\n tab\t ünïcode",
				AccessToken: "t", AccessSecret: "=&+/ %", API: "v1.1",
			},
			"empty": {},
		},
	}
	if err := orig.Save(path); err != nil {
		t.Fatalf("Save: %v", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("file mode = %04o, want 0600", mode)
	}
	dirInfo, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if mode := dirInfo.Mode().Perm(); mode != 0o700 {
		t.Errorf("created directory mode = %04o, want 0700", mode)
	}

	got, err := config.Load(path)
	if err != nil {
		t.Fatalf("Load after Save: %v", err)
	}
	want := &config.File{Default: "work", Profiles: map[string]config.Profile{}}
	for name, p := range orig.Profiles {
		p.Name = name
		want.Profiles[name] = p
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip changed the file:\n got %#v\nwant %#v", got, want)
	}
	if got.Profiles["odd name"].ConsumerSecret != orig.Profiles["odd name"].ConsumerSecret {
		t.Error("a secret with quotes, backslashes and newlines did not survive the round trip")
	}

	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "config.toml" {
		t.Errorf("directory holds %v, want only config.toml (no temp files left)", entries)
	}
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), "# mediaup profiles") || strings.Contains(string(data), "ignored: the key wins") {
		t.Errorf("unexpected file content:\n%s", data)
	}
}

func TestSaveReplacesLooseFileWithPrivateOne(t *testing.T) {
	path := writeConfig(t, "# old, world-readable\n", 0o644)
	f := &config.File{Profiles: map[string]config.Profile{"a": {AccessSecret: "as"}}}
	if err := f.Save(path); err != nil {
		t.Fatalf("Save: %v", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("mode after Save = %04o, want 0600", mode)
	}
	if _, err := config.Load(path); err != nil {
		t.Errorf("Load after Save: %v", err)
	}
}

func TestSaveErrors(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(parent, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(parent, "config.toml")
	err := (&config.File{}).Save(path)
	want := fmt.Sprintf("config: cannot create directory for %s: not a directory", path)
	if err == nil || err.Error() != want {
		t.Errorf("Save = %v, want %q", err, want)
	}
	if !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("Save error %v does not wrap ENOTDIR", err)
	}
	if err := (&config.File{}).Save(""); err == nil {
		t.Error("Save(\"\") = nil, want an error")
	}
}

func TestDefaultPath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)

	t.Setenv("XDG_CONFIG_HOME", "/etc/xdg-test")
	if got, want := config.DefaultPath(), filepath.Join("/etc/xdg-test", "mediaup", "config.toml"); got != want {
		t.Errorf("with XDG_CONFIG_HOME: %q, want %q", got, want)
	}
	t.Setenv("XDG_CONFIG_HOME", "relative/dir") // the XDG spec says to ignore relative paths
	if got, want := config.DefaultPath(), filepath.Join(home, ".config", "mediaup", "config.toml"); got != want {
		t.Errorf("with relative XDG_CONFIG_HOME: %q, want %q", got, want)
	}
	t.Setenv("XDG_CONFIG_HOME", "")
	if got, want := config.DefaultPath(), filepath.Join(home, ".config", "mediaup", "config.toml"); got != want {
		t.Errorf("without XDG_CONFIG_HOME: %q, want %q", got, want)
	}
}
