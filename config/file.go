package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"

	"github.com/mediaup/mediaup/internal/xdg"

	"github.com/BurntSushi/toml"
)

// maxFileSize bounds what Load reads; a real config file is a few hundred bytes.
const maxFileSize = 1 << 20

// File is the content of config.toml:
//
//	default = "work"
//
//	[profiles.work]
//	consumer_key = "..."
//	consumer_secret = "..."
//	access_token = "..."
//	access_secret = "..."
//	screen_name = "handle"
//
// Printing a File prints its profiles through Profile's redacting formatter.
type File struct {
	// Default names the profile used when none is chosen on the command line
	// or in MEDIAUP_PROFILE.
	Default string `toml:"default,omitempty"`
	// Profiles maps profile names to profiles; Load always makes it non-nil
	// and sets each Profile's Name to its key.
	Profiles map[string]Profile `toml:"profiles,omitempty"`
}

// Names returns the profile names, sorted.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Profiles))
	for n := range f.Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// holdsSecrets reports whether any profile carries a consumer or access secret.
func (f *File) holdsSecrets() bool {
	for _, p := range f.Profiles {
		if len(p.Secrets()) > 0 {
			return true
		}
	}
	return false
}

// DefaultPath returns $XDG_CONFIG_HOME/mediaup/config.toml, or
// ~/.config/mediaup/config.toml when XDG_CONFIG_HOME is unset or not absolute
// (as the XDG spec asks). It returns "" when neither is known; Load and
// Resolve treat "" as "no config file".
func DefaultPath() string {
	p, _ := xdg.ConfigPath("config.toml")
	return p
}

// Load reads the config file at path. A missing file (or path "") gives an
// empty File and no error. A file that cannot be read or parsed gives an
// error naming the path and, for TOML mistakes, the line and column; a key
// mediaup does not know is an error too, so a misspelt credential is not
// silently ignored. A file holding secrets that the group or others may
// access (mode & 0o077 != 0) is refused, as ssh refuses such key files.
func Load(path string) (*File, error) {
	f, _, err := load(path)
	return f, err
}

// load is Load that also reports whether the file exists.
func load(path string) (*File, bool, error) {
	empty := &File{Profiles: map[string]Profile{}}
	if path == "" {
		return empty, false, nil
	}
	fh, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return empty, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("config: cannot read %s: %w", path, unwrapPath(err))
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return nil, true, fmt.Errorf("config: cannot read %s: %w", path, unwrapPath(err))
	}
	if info.IsDir() {
		return nil, true, fmt.Errorf("config: %s is a directory, not a config file", path)
	}
	data, err := io.ReadAll(io.LimitReader(fh, maxFileSize+1))
	if err != nil {
		return nil, true, fmt.Errorf("config: cannot read %s: %w", path, unwrapPath(err))
	}
	if len(data) > maxFileSize {
		return nil, true, fmt.Errorf("config: %s is over 1 MiB, too large to be a mediaup config file", path)
	}

	var file File
	md, err := toml.Decode(string(data), &file)
	if err != nil {
		return nil, true, tomlError(path, data, err)
	}
	// The toml package quietly ignores a non-table value for a map field.
	if t := md.Type("profiles"); t != "" && t != "Hash" {
		return nil, true, fmt.Errorf("config: %s: profiles must be tables like [profiles.work], one per profile", path)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		keys := make([]string, len(undecoded))
		for i, k := range undecoded {
			keys[i] = fmt.Sprintf("%q", k.String())
		}
		return nil, true, fmt.Errorf("config: %s: unknown key %s; the top level knows default and [profiles.NAME], and a profile knows consumer_key, consumer_secret, access_token, access_secret, user_id, screen_name, base_url and api",
			path, strings.Join(keys, ", "))
	}
	if file.Profiles == nil {
		file.Profiles = map[string]Profile{}
	}
	for name, p := range file.Profiles {
		p.Name = name
		file.Profiles[name] = p
	}

	if mode := info.Mode().Perm(); runtime.GOOS != "windows" && mode&0o077 != 0 && file.holdsSecrets() {
		return nil, true, fmt.Errorf("config: permissions %04o for %s are too open; it holds secrets, so run: chmod 600 %s",
			mode, path, shellQuote(path))
	}
	return &file, true, nil
}

// secretLine matches a line that assigns a secret, capturing the key and
// whatever follows the equals sign.
var secretLine = regexp.MustCompile(`^\s*"?(consumer_secret|access_secret)"?\s*=(.*)$`)

// tomlError turns a TOML decoding error into one that names the file and
// the line (and column, when the parser knows it). The parser quotes the
// text it stopped at, and that text can be a secret written without its
// quotes, so a mistake in a secret's value is described without the
// parser's words, and every secret-looking value in the file is scrubbed
// from any other message.
func tomlError(path string, data []byte, err error) error {
	lines := strings.Split(string(data), "\n")
	var values []string
	for _, l := range lines {
		m := secretLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		v := strings.TrimSpace(m[2])
		for _, w := range append([]string{v, strings.Trim(v, `"'[]{} `)}, strings.Fields(strings.Trim(v, `"'[]{} `))...) {
			if len(w) >= 4 { // shorter pieces would blank out ordinary words
				values = append(values, w)
			}
		}
	}
	badSecret := func(line int, key string) error {
		return fmt.Errorf("config: %s line %d: the value of %s is not valid TOML; write it in double quotes, like %s = \"...\"",
			path, line, key, key)
	}
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		// Type mismatches come back as plain errors that already say
		// "toml: line N (last key ...): ...".
		return errors.New(Redact(fmt.Sprintf("config: %s: %s", path, strings.TrimPrefix(err.Error(), "toml: ")), values...))
	}
	line := pe.Position.Line
	if line >= 1 && line <= len(lines) {
		if m := secretLine.FindStringSubmatch(lines[line-1]); m != nil {
			return badSecret(line, m[1])
		}
	}
	if key := pe.LastKey[strings.LastIndex(pe.LastKey, ".")+1:]; key == "consumer_secret" || key == "access_secret" {
		return badSecret(line, key)
	}
	where := fmt.Sprintf("line %d", line)
	if pe.Position.Col > 0 {
		where += fmt.Sprintf(", column %d", pe.Position.Col)
	}
	msg := pe.Message
	if pe.LastKey != "" && !strings.Contains(msg, pe.LastKey) {
		msg += fmt.Sprintf(" (after key %q)", pe.LastKey)
	}
	return errors.New(Redact(fmt.Sprintf("config: %s %s: %s; fix the TOML syntax there", path, where, msg), values...))
}

// unwrapPath drops *fs.PathError's own copy of the path, which the caller's
// message already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Save writes f to path atomically: it creates missing directories with mode
// 0700, writes a temporary file with mode 0600 in the same directory, syncs it
// and renames it over path, so a crash leaves either the old or the new file.
// Each profile is stored under its map key; Profile.Name is not written.
func (f *File) Save(path string) error {
	if path == "" {
		return errors.New("config: cannot save: no config path (set XDG_CONFIG_HOME or HOME)")
	}
	var buf bytes.Buffer
	buf.WriteString("# mediaup profiles, one per X account. This file holds secrets: keep it mode 0600.\n\n")
	if err := toml.NewEncoder(&buf).Encode(f); err != nil {
		return fmt.Errorf("config: cannot save %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("config: cannot create directory for %s: %w", path, unwrapPath(err))
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("config: cannot save %s: %w", path, unwrapPath(err))
	}
	tmpName := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			_ = tmp.Close()
			_ = os.Remove(tmpName)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("config: cannot save %s: %w", path, unwrapPath(err))
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("config: cannot save %s: %w", path, unwrapPath(err))
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("config: cannot save %s: %w", path, unwrapPath(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("config: cannot save %s: %w", path, unwrapPath(err))
	}
	if err := os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("config: cannot save %s: %w", path, err)
	}
	ok = true
	// Make the rename itself durable; not every platform can sync a directory.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// Resolve returns the profile to use. The name is profileName, else
// $MEDIAUP_PROFILE, else the file's default, else the file's only profile;
// with no name and no profiles the profile comes from the environment alone,
// so env-only credentials work with no file at all. Non-empty MEDIAUP_*
// variables then override the profile's fields, and API defaults to "v2".
// getenv is os.Getenv when nil. Resolve checks the API and base URL (naming
// where a bad value came from) but not that credentials are present: call
// Validate for that, or let `mediaup auth` fill them in.
func Resolve(path, profileName string, getenv func(string) string) (Profile, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	f, exists, err := load(path)
	if err != nil {
		return Profile{}, err
	}

	name, fromDefault := profileName, false
	if name == "" {
		name = getenv(EnvProfile)
	}
	if name == "" && f.Default != "" {
		name, fromDefault = f.Default, true
	}
	if name == "" && len(f.Profiles) == 1 {
		name = f.Names()[0]
	}
	if name == "" && len(f.Profiles) > 1 {
		names := f.Names()
		return Profile{}, fmt.Errorf("config: %s has several profiles (%s) and none is chosen; pass --profile NAME, set %s, or add default = %q to the file",
			path, strings.Join(names, ", "), EnvProfile, names[0])
	}

	var p Profile
	if name != "" {
		var ok bool
		p, ok = f.Profiles[name]
		switch {
		case ok:
		case fromDefault:
			return Profile{}, fmt.Errorf("config: %s sets default = %q, but there is no such profile (profiles: %s)",
				path, name, strings.Join(f.Names(), ", "))
		case path == "":
			return Profile{}, fmt.Errorf("config: unknown profile %q: there is no config file to hold it (set XDG_CONFIG_HOME or HOME)", name)
		case !exists:
			return Profile{}, fmt.Errorf("config: unknown profile %q: %s does not exist; create the profile with: mediaup auth --profile %s",
				name, path, shellQuote(name))
		case len(f.Profiles) == 0:
			return Profile{}, fmt.Errorf("config: unknown profile %q in %s (profiles: none); create it with: mediaup auth --profile %s",
				name, path, shellQuote(name))
		default:
			return Profile{}, fmt.Errorf("config: unknown profile %q in %s (profiles: %s)",
				name, path, strings.Join(f.Names(), ", "))
		}
		p.Name = name
	}

	fileSource := fmt.Sprintf("%s, profile %q", path, name)
	apiSource, urlSource := fileSource, fileSource
	for _, o := range []struct {
		env    string
		field  *string
		source *string
	}{
		{EnvConsumerKey, &p.ConsumerKey, nil},
		{EnvConsumerSecret, &p.ConsumerSecret, nil},
		{EnvAccessToken, &p.AccessToken, nil},
		{EnvAccessSecret, &p.AccessSecret, nil},
		{EnvBaseURL, &p.BaseURL, &urlSource},
		{EnvAPI, &p.API, &apiSource},
	} {
		if v := getenv(o.env); v != "" {
			*o.field = v
			if o.source != nil {
				*o.source = o.env
			}
		}
	}

	if err := checkAPI(p.API); err != nil {
		return Profile{}, fmt.Errorf("config: %s: %w", apiSource, err)
	}
	p.API = p.APIOrDefault()
	if p.BaseURL != "" {
		if err := checkBaseURL(p.BaseURL); err != nil {
			return Profile{}, fmt.Errorf("config: %s: %w", urlSource, err)
		}
	}
	return p, nil
}
