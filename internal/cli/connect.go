package cli

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mediaup/mediaup/config"
	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/uploader"
	"github.com/mediaup/mediaup/uploader/store"
	"github.com/mediaup/mediaup/xapi"
)

// connectOptions are the flags shared by the TUI and `upload` that decide
// which account and which X (real or sandbox) mediaup talks to.
type connectOptions struct {
	profile string
	api     string
	baseURL string
	sandbox bool
	debug   string // --debug FILE; "" = $MEDIAUP_DEBUG, if set
	getenv  func(string) string
	errOut  io.Writer // where an in-process sandbox reports a failure; nil: os.Stderr
}

// register adds the connection flags to a command; withSandbox adds
// --sandbox too (commands whose work outlives an in-process sandbox, like
// status, leave it out). --profile completes to the config file's profiles.
func (o *connectOptions) register(cmd *cobra.Command, withSandbox bool) {
	fs := cmd.Flags()
	fs.StringVar(&o.profile, "profile", "", "profile `NAME` in the config file")
	fs.StringVar(&o.api, "api", "", "API dialect: v2 (default) or v1.1")
	fs.StringVar(&o.baseURL, "base-url", "", "one base `URL` for the upload and API hosts (e.g. a sandbox)")
	fs.StringVar(&o.debug, "debug", "", debugFlag)
	if withSandbox {
		fs.BoolVar(&o.sandbox, "sandbox", false, "start an in-process X API sandbox with demo credentials (and sample media) and use it")
	}
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfiles)
	_ = cmd.RegisterFlagCompletionFunc("api", cobra.FixedCompletions([]string{"v2", "v1.1"}, cobra.ShellCompDirectiveNoFileComp))
}

// target is a ready client plus what the status line shows about it.
type target struct {
	client  *xapi.Client
	account string // @handle or user ID, for display
	// journalKey names the X account in the resume journal: the user ID
	// when known, else the public part of the access token.
	journalKey string
	sandbox    bool  // an in-process sandbox: nothing survives the run, so a throw-away journal
	journalErr error // why openJournal found no journal
	secrets    []string
	stop       func()
}

// connect resolves credentials (or starts an in-process sandbox) and builds
// the client. Errors are configuration errors (exit 2).
func connect(o connectOptions) (*target, error) {
	t, err := resolve(o)
	return t, usageError(err)
}

func resolve(o connectOptions) (*target, error) {
	if o.getenv == nil {
		o.getenv = os.Getenv
	}
	if o.errOut == nil {
		o.errOut = os.Stderr
	}
	t := &target{stop: func() {}}
	if o.api != "" {
		d, err := xapi.ParseDialect(o.api)
		if err != nil {
			return nil, fmt.Errorf("--api: %w", err)
		}
		o.api = string(d)
	}
	if o.baseURL != "" {
		if o.sandbox {
			return nil, errors.New("--sandbox starts its own local X API, so --base-url has no place beside it; give one or the other")
		}
		if err := config.CheckBaseURL(o.baseURL); err != nil {
			return nil, fmt.Errorf("--base-url: %w", err)
		}
	}
	var p config.Profile
	if o.sandbox {
		sb := sandbox.New(sandbox.Options{Processing: 1500 * time.Millisecond})
		l, err := sb.Listen("127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("starting the sandbox: %w", err)
		}
		go func() {
			if err := sb.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				fmt.Fprintln(o.errOut, "sandbox:", err)
			}
		}()
		t.stop = func() { sb.Close() }
		a := sandbox.DemoAccount()
		p = config.Profile{Name: "sandbox", ConsumerKey: a.ConsumerKey, ConsumerSecret: a.ConsumerSecret,
			AccessToken: a.AccessToken, AccessSecret: a.AccessSecret, UserID: a.UserID, ScreenName: a.ScreenName,
			BaseURL: "http://" + l.Addr().String(), API: o.api}
	} else {
		var err error
		p, err = config.Resolve(config.DefaultPath(), o.profile, o.getenv)
		if err != nil {
			return nil, err
		}
		if o.api != "" {
			p.API = o.api
		}
		if o.baseURL != "" {
			p.BaseURL = o.baseURL
		}
		if err := p.Validate(); err != nil {
			return nil, err
		}
	}
	dialect, err := xapi.ParseDialect(p.APIOrDefault())
	if err != nil {
		t.stop()
		return nil, err
	}
	f, err := openDebugLog(o.debug, o.getenv)
	if err != nil {
		t.stop()
		return nil, err
	}
	var debug io.Writer
	if f != nil {
		debug = f
		stop := t.stop
		t.stop = func() {
			stop()
			f.Close()
		}
	}
	t.secrets = p.Secrets()
	c, err := xapi.NewClient(xapi.Options{
		Credentials: xapi.Credentials{ConsumerKey: p.ConsumerKey, ConsumerSecret: p.ConsumerSecret,
			AccessToken: p.AccessToken, AccessSecret: p.AccessSecret},
		Dialect: dialect,
		BaseURL: p.BaseURL,
		Debug:   debug,
		Redact:  t.redact,
	})
	if err != nil {
		t.stop()
		return nil, err
	}
	t.client = c
	t.sandbox = o.sandbox
	t.journalKey = p.UserID
	if t.journalKey == "" {
		t.journalKey, _, _ = strings.Cut(p.AccessToken, "-")
	}
	switch {
	case p.ScreenName != "":
		t.account = "@" + p.ScreenName
	case p.UserID != "":
		t.account = p.UserID
	case p.Name != "":
		t.account = p.Name
	default:
		// X access tokens start with the user ID: show that, not the token.
		if id := xapi.TokenUserID(p.AccessToken); id != "" {
			t.account = "user " + id
		} else {
			t.account = "environment credentials"
		}
	}
	return t, nil
}

// openJournal opens the journal of uploads and posts: the user's state
// file for real X or an external sandbox, a throw-away one for an
// in-process sandbox (nothing on it outlives the run). It never fails the
// run: without it uploads still work but cannot resume, posting is refused
// (t.journalErr says why), and the user is told.
func (t *target) openJournal(stderr io.Writer) *store.Store {
	path := store.DefaultPath()
	if t.sandbox {
		dir, err := os.MkdirTemp("", "mediaup-sandbox-state-")
		if err != nil {
			t.journalErr = fmt.Errorf("cannot make a folder for the sandbox's state: %w", err)
			fmt.Fprintf(stderr, "mediaup: %v; posting is off this run\n", t.journalErr)
			return nil
		}
		stop := t.stop
		t.stop = func() {
			stop()
			os.RemoveAll(dir)
		}
		path = filepath.Join(dir, "state.db")
	}
	st, err := store.Open(path)
	if err != nil {
		t.journalErr = err
		fmt.Fprintf(stderr, "mediaup: %v; uploads will not be resumable and nothing can be posted this run\n", err)
		return nil
	}
	return st
}

// redact removes this target's secrets from text about to be shown.
func (t *target) redact(s string) string { return config.Redact(s, t.secrets...) }

// poster is the engine's poster for this account on the journal st. Every
// face posts through it, so the TUI and upload --post share one record of
// what went out.
func (t *target) poster(st *store.Store) *uploader.Poster {
	return uploader.NewPoster(uploader.PosterConfig{Client: t.client, Store: st, JournalErr: t.journalErr,
		Account: t.journalKey, Timeout: 2 * time.Minute})
}

// openDebugLog opens the debug log that flagPath (--debug) or
// $MEDIAUP_DEBUG names, appended to with mode 0600; nil when none is asked
// for. The caller closes it.
func openDebugLog(flagPath string, getenv func(string) string) (*os.File, error) {
	path, from := flagPath, "--debug"
	if path == "" {
		path, from = getenv(config.EnvDebug), config.EnvDebug
	}
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot open the debug log: %w", from, err)
	}
	return f, nil
}

// debugFlag is the help of --debug, the same for every command.
const debugFlag = "append one line per X request and answer (method, path, status, duration, retry, rate limits; secrets redacted) to `FILE`; also $" + config.EnvDebug
