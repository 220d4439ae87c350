package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"github.com/mediaup/mediaup/model"
	"github.com/mediaup/mediaup/uploader"
)

// tuiRun is one run of the terminal UI: `mediaup [--profile NAME]
// [--sandbox] [--api v2|v1.1] [--base-url URL] [FILE|DIR ...]`.
type tuiRun struct {
	io      *IOStreams
	samples fs.FS
	conn    connectOptions
	args    []string // files to queue and at most one folder to start in
}

func newTUICmd(e *env, runF func(*tuiRun) error) *cobra.Command {
	r := &tuiRun{io: e.io, samples: e.samples}
	r.conn.errOut = e.io.ErrOut
	cmd := &cobra.Command{
		Use:   "mediaup [flags] [FILE|DIR ...]",
		Short: "Upload media to X (Twitter) and post it, in a terminal UI",
		Long:  rootLong,
		// Any word that is not a command is a file to queue.
		Args:              cobra.ArbitraryArgs,
		ValidArgsFunction: completeMedia,
		RunE: func(cmd *cobra.Command, args []string) error {
			r.args = args
			return runWith(r, runF, (*tuiRun).run)
		},
	}
	cmd.Flags().SortFlags = false
	r.conn.register(cmd, true)
	return cmd
}

// run runs the terminal UI. Files are queued at once; a folder becomes
// the picker's start folder. Once the UI is gone, every ready file is
// printed to stdout as "path<TAB>media_id", so nothing uploaded is lost
// with the screen.
func (r *tuiRun) run() error {
	stdin, stdout, stderr := r.io.In, r.io.Out, r.io.ErrOut
	conn := r.conn
	var files []string
	startDir := ""
	for _, a := range r.args {
		st, err := os.Stat(a)
		if err == nil && st.IsDir() {
			if startDir != "" {
				return usageErrorf("give at most one folder to start in (got %s and %s)", startDir, a)
			}
			startDir = a
			continue
		}
		// A missing or unreadable file is queued too: its row says why it
		// cannot be uploaded.
		files = append(files, a)
	}

	t, err := connect(conn)
	if err != nil {
		return err
	}
	defer t.stop()

	if conn.sandbox && startDir == "" && len(files) == 0 {
		dir, err := os.MkdirTemp("", "mediaup-samples-")
		if err != nil {
			return fmt.Errorf("cannot make a folder for the sample media: %w", err)
		}
		defer os.RemoveAll(dir)
		if _, err := writeSamples(r.samples, dir); err != nil {
			return err
		}
		startDir = dir
	}

	// The journal makes uploads resumable; interrupted ones are listed at
	// start as paused rows (p resumes them with the same media ID).
	st := t.openJournal(stderr)
	if st != nil {
		defer st.Close()
	}
	mgr := uploader.NewManager(uploader.Config{Client: t.client, Store: st, Account: t.journalKey})
	if st != nil {
		if rs, err := uploader.Resumable(st, t.client, t.journalKey, time.Now()); err == nil {
			for _, s := range rs {
				mgr.AddPaused(s)
			}
		}
	}
	closed := false
	closeMgr := func() {
		if !closed {
			closed = true
			// Nobody reads events once the TUI is gone: drain them so Close
			// does not wait for a reader.
			go func() {
				for range mgr.Events() {
				}
			}()
			mgr.Close()
		}
	}
	defer closeMgr()

	// With stdout redirected (mediaup a.png > ids.tsv), draw on the terminal
	// and keep stdout for the media IDs.
	screen := stdout
	if _, ok := stdout.(*os.File); ok && !r.io.OutTTY {
		if tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0); err == nil {
			defer tty.Close()
			screen = tty
			if stdin == io.Reader(os.Stdin) && !r.io.InTTY {
				stdin = tty
			}
		}
	}
	scrub := t.redact
	app := model.New(model.Config{
		Manager: mgr, Poster: t.poster(st),
		Account: t.account, Dialect: string(t.client.Dialect()), BaseURL: t.client.BaseURL(),
		StartDir: startDir, Files: files,
		Profile: colorprofile.Detect(screen, os.Environ()),
		Redact:  scrub,
	})
	opts := []tea.ProgramOption{tea.WithOutput(screen)}
	if stdin != nil {
		opts = append(opts, tea.WithInput(stdin))
	}
	if _, err := tea.NewProgram(app, opts...).Run(); err != nil {
		closeMgr()
		printReady(stdout, mgr.Snapshot())
		return errors.New(scrub(err.Error()))
	}
	// The screen is restored: stop what still runs, then hand over the IDs.
	closeMgr()
	final := mgr.Snapshot()
	printReady(stdout, final)
	for _, tw := range app.Posted() {
		fmt.Fprintf(stderr, "mediaup: posted tweet %s\n", tw.ID)
	}
	var failed error
	for _, ev := range final {
		if ev.Phase == uploader.PhaseFailed {
			if ev.Err != nil {
				fmt.Fprintln(stderr, "mediaup:", scrub(ev.Err.Error()))
			}
			failed = errExitFailed
		}
	}
	if err := app.PostErr(); err != nil {
		fmt.Fprintln(stderr, "mediaup: the last post failed:", scrub(err.Error()))
		failed = errExitFailed
	}
	return failed
}

// printReady prints "path<TAB>media_id" for every ready file.
func printReady(w io.Writer, evs []uploader.Event) {
	for _, ev := range evs {
		if ev.Phase == uploader.PhaseReady && ev.MediaID != "" {
			fmt.Fprintf(w, "%s\t%s\n", ev.Path, ev.MediaID)
		}
	}
}
