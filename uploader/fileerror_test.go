package uploader

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/uploader/media"
	"github.com/mediaup/mediaup/xapi"
)

// TestFailuresAreFileErrors: every failed job's error is a *FileError whose
// Path is the job's file and whose Err is the reason without the path, so a
// face can print the reason beside the name it shows.
func TestFailuresAreFileErrors(t *testing.T) {
	e := newEnv(t, xapi.V2, sandbox.Options{})
	fake := filepath.Join(t.TempDir(), "photo.png")
	if err := os.WriteFile(fake, []byte("this is not a picture at all, just some text"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := sandbox.DemoAccount()
	bad, err := xapi.NewClient(xapi.Options{BaseURL: e.url, Credentials: xapi.Credentials{ConsumerKey: a.ConsumerKey, ConsumerSecret: "not-the-secret", AccessToken: a.AccessToken, AccessSecret: a.AccessSecret}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		cl   *xapi.Client
		file string
		rule bool // the reason is a *media.RuleError
	}{
		{"not media", e.cl, fake, true},
		{"missing", e.cl, filepath.Join(e.dir, "missing.png"), true},
		{"refused credential", bad, e.sample("sample.png"), false},
	} {
		ev := runAll(t, Config{Client: c.cl}, []string{c.file}, JobOptions{})[0]
		var fe *FileError
		if ev.Phase != PhaseFailed || !errors.As(ev.Err, &fe) {
			t.Fatalf("%s: %s %T %v; want a failed job with a *FileError", c.name, ev.Phase, ev.Err, ev.Err)
		}
		if fe.Path != c.file || strings.Contains(fe.Err.Error(), filepath.Base(c.file)) {
			t.Errorf("%s: Path %q, reason %q; want the job's path and a reason that does not repeat it", c.name, fe.Path, fe.Err)
		}
		if got, want := ev.Err.Error(), c.file+": "+fe.Err.Error(); got != want {
			t.Errorf("%s: Error() = %q, want %q", c.name, got, want)
		}
		var re *media.RuleError
		if errors.As(ev.Err, &re) != c.rule || (c.rule && re.Path != "") {
			t.Errorf("%s: rule error %+v, want one (with no Path of its own): %v", c.name, re, c.rule)
		}
	}
	m := NewManager(Config{Client: e.cl})
	defer m.Close()
	id := m.Add(fake, JobOptions{})
	var fe *FileError
	if err := m.Resume(id); !errors.As(err, &fe) || fe.Path != fake || fe.Err.Error() != "not paused" {
		t.Errorf("Resume of a job that is not paused: %v; want a FileError saying not paused", err)
	}
}
