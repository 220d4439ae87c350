package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mediaup/mediaup/sandbox"
)

// runSandbox serves the local X API until interrupted.
func runSandbox(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mediaup sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "`HOST:PORT` to listen on (loopback unless told otherwise)")
	var acct sandbox.Account
	fs.StringVar(&acct.ConsumerKey, "consumer-key", "", "consumer key the sandbox accepts")
	fs.StringVar(&acct.ConsumerSecret, "consumer-secret", "", "consumer secret the sandbox accepts")
	fs.StringVar(&acct.AccessToken, "access-token", "", "access token the sandbox accepts")
	fs.StringVar(&acct.AccessSecret, "access-secret", "", "access token secret the sandbox accepts")
	latency := fs.Duration("latency", 0, "added to every response, e.g. 100ms")
	bandwidth := fs.String("bandwidth", "", "upload bandwidth per connection, e.g. 10MB (per second)")
	faults := fs.Float64("faults", 0, "fraction (0 to 1) of media requests that get an injected fault")
	failProcessing := fs.Float64("fail-processing", 0, "fraction (0 to 1) of videos and GIFs whose processing fails")
	processing := fs.Duration("processing", 3*time.Second, "how long simulated video/GIF processing takes (0s: none)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "mediaup sandbox: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if *faults < 0 || *faults > 1 || *failProcessing < 0 || *failProcessing > 1 {
		fmt.Fprintln(stderr, "mediaup sandbox: --faults and --fail-processing take a fraction from 0 to 1")
		return exitUsage
	}
	opts := sandbox.Options{Latency: *latency, Faults: *faults, FailProcessing: *failProcessing, Processing: *processing}
	if *bandwidth != "" {
		bps, err := sandbox.ParseRate(*bandwidth)
		if err != nil {
			fmt.Fprintln(stderr, "mediaup sandbox: --bandwidth:", err)
			return exitUsage
		}
		opts.Bandwidth = bps
	}
	custom := acct.ConsumerKey != "" || acct.ConsumerSecret != "" || acct.AccessToken != "" || acct.AccessSecret != ""
	if custom {
		if acct.ConsumerKey == "" || acct.ConsumerSecret == "" || acct.AccessToken == "" || acct.AccessSecret == "" {
			fmt.Fprintln(stderr, "mediaup sandbox: give all four of --consumer-key, --consumer-secret, --access-token and --access-secret, or none for the demo credentials")
			return exitUsage
		}
		demo := sandbox.DemoAccount()
		acct.UserID, acct.ScreenName = demo.UserID, demo.ScreenName
		opts.Accounts = []sandbox.Account{acct}
	}
	sb := sandbox.New(opts)
	l, err := sb.Listen(*addr)
	if err != nil {
		fmt.Fprintln(stderr, "mediaup sandbox:", err)
		return exitUsage
	}
	base := l.Addr().String()
	if custom {
		fmt.Fprintf(stdout, "mediaup sandbox listening on http://%s (accepting the credentials given)\n", base)
	} else {
		fmt.Fprint(stdout, sandbox.DemoBanner(base))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- sb.Serve(l) }()
	select {
	case <-ctx.Done():
		sb.Close()
		return exitOK
	case err := <-errc:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(stderr, "mediaup sandbox:", err)
			return exitFailed
		}
		return exitOK
	}
}
