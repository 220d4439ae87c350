package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mediaup/mediaup/config"
	"github.com/mediaup/mediaup/uploader/store"
)

// historyRun is one `mediaup history` invocation.
type historyRun struct {
	io   *IOStreams
	json bool
}

func newHistoryCmd(e *env, runF func(*historyRun) error) *cobra.Command {
	r := &historyRun{io: e.io}
	cmd := &cobra.Command{
		Use:               "history [--json]",
		Short:             "List uploaded media, newest first, with their expiry",
		Long:              "Lists the media mediaup has uploaded, newest first, with when each media ID expires.",
		Args:              noArgs("mediaup history [--json]"),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(*cobra.Command, []string) error {
			return runWith(r, runF, (*historyRun).run)
		},
	}
	cmd.Flags().BoolVar(&r.json, "json", false, "one JSON object per upload and line on stdout")
	return cmd
}

// run lists the ledger of finished uploads, newest first: when, which
// file, the media ID, whether it has expired, the account and the base URL.
func (r *historyRun) run() error {
	stdout, jsonOut := r.io.Out, &r.json
	path := store.DefaultPath()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		// Nothing uploaded yet; do not create a state file just to read it.
		if !*jsonOut {
			fmt.Fprintf(stdout, "No uploads recorded yet (no state file at %s).\n", path)
		}
		return nil
	}
	st, err := store.Open(path)
	if err != nil {
		return err
	}
	all, err := st.History()
	st.Close()
	if err != nil {
		return err
	}

	now := time.Now()
	names := accountNames()
	if *jsonOut {
		for _, r := range all {
			writeJSONLine(stdout, historyJSON{
				UploadedAt: r.Created.UTC().Format(time.RFC3339), File: r.File.Path, Size: r.File.Size,
				SHA256: r.File.SHA256, MediaID: r.MediaID, MediaKey: r.MediaKey,
				ExpiresAt: expiryOf(r).UTC().Format(time.RFC3339), Expired: r.Expired(now),
				Account: r.Account, BaseURL: r.BaseURL, Dialect: r.Dialect, Category: r.Category, Owners: r.Owners,
			})
		}
		return nil
	}
	if len(all) == 0 {
		fmt.Fprintf(stdout, "No uploads recorded yet in %s.\n", path)
		return nil
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
	return nil
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
