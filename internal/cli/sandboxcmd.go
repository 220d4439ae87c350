package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mediaup/mediaup/internal/size"
	"github.com/mediaup/mediaup/sandbox"
)

// sandboxRun is one `mediaup sandbox` invocation: the local X API's
// address, accepted credentials and simulated network.
type sandboxRun struct {
	io             *IOStreams
	addr           string
	acct           sandbox.Account
	latency        time.Duration
	bandwidth      string
	faults         float64
	failProcessing float64
	processing     time.Duration
}

func newSandboxCmd(e *env, runF func(*sandboxRun) error) *cobra.Command {
	r := &sandboxRun{io: e.io}
	cmd := &cobra.Command{
		Use:   "sandbox [--addr HOST:PORT] [flags]",
		Short: "Run the local X API sandbox until interrupted",
		Long: `Serves a local X API (both dialects, OAuth 1.0a verified, simulated processing)
until interrupted. Without credentials it accepts the demo account's and prints them.`,
		Args:              noArgs("mediaup sandbox [--addr HOST:PORT] [flags]"),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(*cobra.Command, []string) error {
			return runWith(r, runF, (*sandboxRun).run)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&r.addr, "addr", "127.0.0.1:8080", "`HOST:PORT` to listen on (loopback unless told otherwise)")
	fs.StringVar(&r.acct.ConsumerKey, "consumer-key", "", "consumer key the sandbox accepts")
	fs.StringVar(&r.acct.ConsumerSecret, "consumer-secret", "", "consumer secret the sandbox accepts")
	fs.StringVar(&r.acct.AccessToken, "access-token", "", "access token the sandbox accepts")
	fs.StringVar(&r.acct.AccessSecret, "access-secret", "", "access token secret the sandbox accepts")
	fs.DurationVar(&r.latency, "latency", 0, "added to every response, e.g. 100ms")
	fs.StringVar(&r.bandwidth, "bandwidth", "", "upload bandwidth per connection, per second, e.g. 10MB. "+size.Units)
	fs.Float64Var(&r.faults, "faults", 0, "fraction (0 to 1) of media requests that get an injected fault")
	fs.Float64Var(&r.failProcessing, "fail-processing", 0, "fraction (0 to 1) of videos and GIFs whose processing fails")
	fs.DurationVar(&r.processing, "processing", 3*time.Second, "how long simulated video/GIF processing takes (0s: none)")
	return cmd
}

// run serves the local X API until interrupted.
func (r *sandboxRun) run() error {
	if r.faults < 0 || r.faults > 1 || r.failProcessing < 0 || r.failProcessing > 1 {
		return usageErrorf("--faults and --fail-processing take a fraction from 0 to 1")
	}
	opts := sandbox.Options{Latency: r.latency, Faults: r.faults, FailProcessing: r.failProcessing, Processing: r.processing}
	if r.bandwidth != "" {
		bps, err := size.Parse(r.bandwidth)
		if err != nil {
			return usageErrorf("--bandwidth: %w", err)
		}
		opts.Bandwidth = bps
	}
	acct := r.acct
	custom := acct.ConsumerKey != "" || acct.ConsumerSecret != "" || acct.AccessToken != "" || acct.AccessSecret != ""
	if custom {
		if acct.ConsumerKey == "" || acct.ConsumerSecret == "" || acct.AccessToken == "" || acct.AccessSecret == "" {
			return usageErrorf("give all four of --consumer-key, --consumer-secret, --access-token and --access-secret, or none for the demo credentials")
		}
		demo := sandbox.DemoAccount()
		acct.UserID, acct.ScreenName = demo.UserID, demo.ScreenName
		opts.Accounts = []sandbox.Account{acct}
	}
	sb := sandbox.New(opts)
	l, err := sb.Listen(r.addr)
	if err != nil {
		return usageError(err)
	}
	base := l.Addr().String()
	if custom {
		fmt.Fprintf(r.io.Out, "mediaup sandbox listening on http://%s (accepting the credentials given)\n", base)
	} else {
		fmt.Fprint(r.io.Out, sandbox.DemoBanner(base))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- sb.Serve(l) }()
	select {
	case <-ctx.Done():
		sb.Close()
		return nil
	case err := <-errc:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
