package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"unicode"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/mediaup/mediaup/config"
	"github.com/mediaup/mediaup/internal/baseurl"
	"github.com/mediaup/mediaup/xapi"
)

// profileNameRule keeps profile names easy to type and to pass to --profile.
var profileNameRule = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// authRun is one `mediaup auth` invocation.
type authRun struct {
	profile string
	baseURL string
	debug   string
	getenv  func(string) string

	in       *bufio.Reader
	stdin    io.Reader // the raw stdin, to read the consumer secret without echo on a terminal
	stdinTTY bool
	stdout   io.Writer
	stderr   io.Writer
}

const authUsage = "mediaup auth [--profile NAME] [--base-url URL]"

func newAuthCmd(e *env, runF func(*authRun) error) *cobra.Command {
	a := &authRun{getenv: os.Getenv, stdin: e.io.In, stdout: e.io.Out, stderr: e.io.ErrOut, stdinTTY: e.io.InTTY}
	cmd := &cobra.Command{
		Use:   "auth [--profile NAME] [--base-url URL]",
		Short: "Sign an X account in with a PIN and save it as a profile",
		Long: `Signs an X account in with a PIN (OAuth 1.0a) and saves its access token in the profile.
The consumer key and secret of your X app come from the profile, from
MEDIAUP_CONSUMER_KEY and MEDIAUP_CONSUMER_SECRET, or are asked for.`,
		Args: noArgs(authUsage),
		RunE: func(*cobra.Command, []string) error {
			return runWith(a, runF, (*authRun).execute)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&a.profile, "profile", "", "profile `NAME` to create or update (default: $MEDIAUP_PROFILE, the file's default, else \"default\")")
	fs.StringVar(&a.baseURL, "base-url", "", "sign in at this base `URL` instead of https://api.x.com (e.g. a sandbox); saved in the profile")
	fs.StringVar(&a.debug, "debug", "", debugFlag)
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfiles)
	return cmd
}

func (a *authRun) execute() error {
	if a.in == nil {
		a.in = bufio.NewReader(a.stdin)
	}
	path := config.DefaultPath()
	if path == "" {
		return usageErrorf("there is no place for the config file: set XDG_CONFIG_HOME or HOME")
	}
	file, err := config.Load(path)
	if err != nil {
		return usageError(err)
	}
	name := a.profile
	if name == "" {
		name = a.getenv(config.EnvProfile)
	}
	if name == "" {
		name = file.Default
	}
	// The same choice config.Resolve makes, so `mediaup auth` signs in the
	// profile the other commands would use.
	if names := file.Names(); name == "" && len(names) == 1 {
		name = names[0]
	} else if name == "" && len(names) > 1 {
		return usageErrorf("%s has several profiles (%s) and none is the default; choose one with --profile NAME",
			path, strings.Join(names, ", "))
	}
	if name == "" {
		name = "default"
	}
	if !profileNameRule.MatchString(name) {
		return usageErrorf("profile name %q is not usable: use up to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit", name)
	}
	p := file.Profiles[name]
	p.Name = name

	base, err := a.chooseBaseURL(p)
	if err != nil {
		return err
	}
	if err := a.consumerCredentials(&p); err != nil {
		return err
	}

	dbg, err := openDebugLog(a.debug, a.getenv)
	if err != nil {
		return usageError(err)
	}
	secrets := []string{p.ConsumerSecret}
	opts := xapi.SignInOptions{BaseURL: base, ConsumerKey: p.ConsumerKey, ConsumerSecret: p.ConsumerSecret}
	if dbg != nil {
		defer dbg.Close()
		// secrets grows as the flow learns the request token's secret.
		opts.Debug, opts.Redact = dbg, func(s string) string { return config.Redact(s, secrets...) }
	}
	flow := xapi.NewSignIn(opts)
	authURL, err := flow.Start()
	if err != nil {
		return tokenError("the request for a sign-in token", flow.RequestTokenURL(), err,
			"check the consumer key and secret (the API key and secret of your X app)", secrets)
	}
	secrets = append(secrets, flow.Secret())
	fmt.Fprintf(a.stdout, "Open this page in a browser, sign in as the X account mediaup should use, and authorize the app:\n\n  %s\n\n", authURL)
	a.prompt("Then type the PIN X shows: ")
	pin, err := a.readLine()
	if err != nil {
		return usageErrorf("no PIN given (%v); nothing saved. Run mediaup auth again and type the PIN shown after authorizing", err)
	}
	pin = strings.Join(strings.Fields(pin), "")
	if pin == "" {
		return usageErrorf("no PIN given; nothing saved. Run mediaup auth again and type the PIN shown after authorizing")
	}
	if len(pin) > 16 || strings.Trim(pin, "0123456789") != "" {
		return usageErrorf("the PIN %q is not a number; X's PIN is the digits shown after you authorize the app. Nothing saved", pin)
	}

	acct, err := flow.Finish(pin)
	if err != nil {
		return tokenError("the PIN "+pin, flow.AccessTokenURL(), err,
			"a PIN works once and only for the sign-in that showed it; run mediaup auth again for a new one", secrets)
	}
	p.AccessToken, p.AccessSecret = acct.AccessToken, acct.AccessSecret
	p.UserID, p.ScreenName = acct.UserID, acct.ScreenName
	// The token is only good on the server that issued it; "" means X's own hosts.
	p.BaseURL = base
	if base == xapi.XOAuthBase {
		p.BaseURL = ""
	}
	if err := p.Validate(); err != nil {
		return usageErrorf("signed in, but the profile would not be usable, so it was not saved: %s", config.Redact(err.Error(), p.Secrets()...))
	}

	// Re-read the file: the PIN may have taken minutes, and another profile
	// may have been saved meanwhile.
	file, err = config.Load(path)
	if err != nil {
		return usageErrorf("%w; the sign-in worked but nothing was saved", err)
	}
	if file.Default == "" {
		// Keep what the other commands pick without --profile: the only
		// profile, or this one when it is the first.
		switch others := file.Names(); {
		case len(others) == 0:
			file.Default = name
		case len(others) == 1:
			file.Default = others[0]
		}
	}
	file.Profiles[name] = p
	if err := file.Save(path); err != nil {
		return refusedErrorf("%s; the sign-in worked but nothing was saved", err)
	}
	who := "the account"
	switch {
	case p.ScreenName != "" && p.UserID != "":
		who = fmt.Sprintf("@%s (user %s)", p.ScreenName, p.UserID)
	case p.ScreenName != "":
		who = "@" + p.ScreenName
	case p.UserID != "":
		who = "user " + p.UserID
	}
	fmt.Fprintf(a.stdout, "Signed in as %s. Saved profile %q in %s.\n", who, name, path)
	if name != file.Default {
		fmt.Fprintf(a.stdout, "Use it with: mediaup --profile %s\n", name)
	}
	return nil
}

// chooseBaseURL picks where to sign in: --base-url, else $MEDIAUP_BASE_URL,
// else the profile's base URL, else X.
func (a *authRun) chooseBaseURL(p config.Profile) (string, error) {
	raw, from := a.baseURL, "--base-url"
	if raw == "" {
		raw, from = a.getenv(config.EnvBaseURL), config.EnvBaseURL
	}
	if raw == "" {
		raw, from = p.BaseURL, fmt.Sprintf("profile %q", p.Name)
	}
	if raw == "" {
		return xapi.XOAuthBase, nil
	}
	base, err := baseurl.Check(raw)
	if err != nil {
		return "", usageErrorf("%s: %v", from, err)
	}
	return base, nil
}

// consumerCredentials fills in the app's consumer key and secret: the
// environment wins over the profile, and what is still missing is asked for.
func (a *authRun) consumerCredentials(p *config.Profile) error {
	if v := a.getenv(config.EnvConsumerKey); v != "" {
		p.ConsumerKey = v
	}
	if v := a.getenv(config.EnvConsumerSecret); v != "" {
		p.ConsumerSecret = v
	}
	if p.ConsumerKey == "" {
		a.prompt("Consumer key (the API key of your X app): ")
		v, err := a.readLine()
		if err != nil {
			return usageErrorf("no consumer key given (%v): set %s or type it when asked", err, config.EnvConsumerKey)
		}
		p.ConsumerKey = strings.TrimSpace(v)
	}
	if p.ConsumerSecret == "" {
		a.prompt("Consumer secret (the API key secret; not shown): ")
		v, err := a.readSecret()
		if err != nil {
			return usageErrorf("no consumer secret given (%v): set %s or type it when asked", err, config.EnvConsumerSecret)
		}
		p.ConsumerSecret = strings.TrimSpace(v)
	}
	for _, c := range []struct{ label, value, env string }{
		{"consumer key", p.ConsumerKey, config.EnvConsumerKey},
		{"consumer secret", p.ConsumerSecret, config.EnvConsumerSecret},
	} {
		if c.value == "" {
			return usageErrorf("the %s is empty: set %s or type it when asked", c.label, c.env)
		}
		if strings.IndexFunc(c.value, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			return usageErrorf("the %s contains spaces or control characters; copy it again from the X developer portal", c.label)
		}
	}
	return nil
}

// prompt asks for the next input on stderr. When stdin is not a terminal
// nothing echoes the answer, so the prompt ends its own line.
func (a *authRun) prompt(text string) {
	if !a.interactive() {
		text = strings.TrimRight(text, " ") + "\n"
	}
	fmt.Fprint(a.stderr, text)
}

// interactive reports whether stdin is a terminal.
func (a *authRun) interactive() bool {
	_, ok := a.stdin.(*os.File)
	return ok && a.stdinTTY
}

// readLine reads one line from stdin without its line ending. A last line
// without a newline counts; nothing at all is io.EOF.
func (a *authRun) readLine() (string, error) {
	line, err := a.in.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		if errors.Is(err, io.EOF) {
			return "", errors.New("input ended")
		}
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// readSecret reads a line without echo when stdin is a terminal.
func (a *authRun) readSecret() (string, error) {
	if a.interactive() && a.in.Buffered() == 0 {
		b, err := term.ReadPassword(a.stdin.(*os.File).Fd())
		fmt.Fprintln(a.stderr)
		return string(b), err
	}
	return a.readLine()
}

// tokenError explains a failed token request (exit 1): X's refusal in its
// own words, or why X could not be reached.
func tokenError(what, endpoint string, err error, hint string, secrets []string) error {
	scrub := func(s string) string { return config.Redact(s, secrets...) }
	var ae *xapi.APIError
	var ne *xapi.NetError
	switch {
	case errors.As(err, &ne):
		return refusedErrorf("cannot reach %s: %s; check the network and the base URL. Nothing saved", endpoint, scrub(ne.Err.Error()))
	case errors.As(err, &ae):
		reason := ae.Message
		if ae.Code != 0 {
			reason = fmt.Sprintf("code %d, %s", ae.Code, ae.Message)
		}
		return refusedErrorf("X refused %s (HTTP %d: %s); %s. Nothing saved", what, ae.StatusCode, scrub(reason), hint)
	}
	return refusedErrorf("%s. Nothing saved", scrub(err.Error()))
}
