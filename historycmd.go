package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"text/tabwriter"
	"time"

	"github.com/mediaup/mediaup/config"
	"github.com/mediaup/mediaup/uploader/store"
)

// historyJSON is one line of `mediaup history --json`.
type historyJSON struct {
	UploadedAt string `json:"uploaded_at"`
	File       string `json:"file"`
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256,omitempty"`
	MediaID    string `json:"media_id"`
	MediaKey   string `json:"media_key,omitempty"`
	ExpiresAt  string `json:"expires_at"`
	Expired    bool   `json:"expired"`
	Account    string `json:"account"`
	BaseURL    string `json:"base_url"`
	Dialect    string `json:"dialect,omitempty"`
	Category   string `json:"category,omitempty"`
}

// runHistory lists the ledger of finished uploads, newest first: when, which
// file, the media ID, whether it has expired, the account and the base URL.
func runHistory(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("mediaup history", flag.ContinueOnError)
	fset.SetOutput(stderr)
	jsonOut := fset.Bool("json", false, "one JSON object per upload and line on stdout")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "Usage: mediaup history [--json]")
		fmt.Fprintln(stderr, "\nLists the media mediaup has uploaded, newest first, with when each media ID expires.")
		fmt.Fprintln(stderr)
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "mediaup history: unexpected argument %q; usage: mediaup history [--json]\n", fset.Arg(0))
		return exitUsage
	}

	path := store.DefaultPath()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		// Nothing uploaded yet; do not create a state file just to read it.
		if !*jsonOut {
			fmt.Fprintf(stdout, "No uploads recorded yet (no state file at %s).\n", path)
		}
		return exitOK
	}
	st, err := store.Open(path)
	if err != nil {
		fmt.Fprintln(stderr, "mediaup history:", err)
		return exitFailed
	}
	all, err := st.History()
	st.Close()
	if err != nil {
		fmt.Fprintln(stderr, "mediaup history:", err)
		return exitFailed
	}

	now := time.Now()
	names := accountNames()
	if *jsonOut {
		for _, r := range all {
			writeJSONLine(stdout, historyJSON{
				UploadedAt: r.Created.UTC().Format(time.RFC3339), File: r.File.Path, Size: r.File.Size,
				SHA256: r.File.SHA256, MediaID: r.MediaID, MediaKey: r.MediaKey,
				ExpiresAt: expiryOf(r).UTC().Format(time.RFC3339), Expired: r.Expired(now),
				Account: r.Account, BaseURL: r.BaseURL, Dialect: r.Dialect, Category: r.Category,
			})
		}
		return exitOK
	}
	if len(all) == 0 {
		fmt.Fprintf(stdout, "No uploads recorded yet in %s.\n", path)
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "UPLOADED\tFILE\tMEDIA ID\tEXPIRES\tACCOUNT\tBASE URL")
	for _, r := range all {
		account := r.Account
		if n := names[r.Account]; n != "" {
			account += " (@" + n + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Created.Local().Format("2006-01-02 15:04"), r.File.Path,
			r.MediaID, untilText(expiryOf(r), now), account, r.BaseURL)
	}
	tw.Flush()
	return exitOK
}

// expiryOf is when X forgets the media ID; a ledger entry without an
// expiry counts from its creation with the store's default lifetime.
func expiryOf(r store.Ready) time.Time {
	if r.ExpiresAt.IsZero() {
		return r.Created.Add(store.DefaultTTL)
	}
	return r.ExpiresAt
}

// accountNames maps the user IDs of the configured profiles to their
// screen names, so history can show @handles. A config file that cannot be
// read only costs the handles.
func accountNames() map[string]string {
	names := map[string]string{}
	f, err := config.Load(config.DefaultPath())
	if err != nil {
		return names
	}
	for _, p := range f.Profiles {
		if p.UserID != "" && p.ScreenName != "" {
			names[p.UserID] = p.ScreenName
		}
	}
	return names
}
