package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"

	"github.com/mediaup/mediaup/config"
	"github.com/mediaup/mediaup/model"
	"github.com/mediaup/mediaup/uploader"
)

// runTUI runs the terminal UI: `mediaup [--profile NAME] [--sandbox] [--api
// v2|v1.1] [--base-url URL] [FILE|DIR ...]`. Files are queued at once; a
// folder becomes the picker's start folder. Once the UI is gone, every ready
// file is printed to stdout as "path<TAB>media_id", so nothing uploaded is
// lost with the screen.
func runTUI(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mediaup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var conn connectOptions
	conn.register(fs, true)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	var files []string
	startDir := ""
	for _, a := range fs.Args() {
		st, err := os.Stat(a)
		if err == nil && st.IsDir() {
			if startDir != "" {
				fmt.Fprintf(stderr, "mediaup: give at most one folder to start in (got %s and %s)\n", startDir, a)
				return exitUsage
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
		fmt.Fprintln(stderr, "mediaup:", err)
		return exitUsage
	}
	defer t.stop()

	if conn.sandbox && startDir == "" && len(files) == 0 {
		dir, err := os.MkdirTemp("", "mediaup-samples-")
		if err != nil {
			fmt.Fprintln(stderr, "mediaup: cannot make a folder for the sample media:", err)
			return exitFailed
		}
		defer os.RemoveAll(dir)
		if _, err := writeSamples(dir); err != nil {
			fmt.Fprintln(stderr, "mediaup:", err)
			return exitFailed
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
	if f, ok := stdout.(*os.File); ok && !term.IsTerminal(f.Fd()) {
		if tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0); err == nil {
			defer tty.Close()
			screen = tty
			if stdin == os.Stdin && !term.IsTerminal(os.Stdin.Fd()) {
				stdin = tty
			}
		}
	}
	scrub := func(s string) string { return config.Redact(s, t.secrets...) }
	app := model.New(model.Config{
		Manager: mgr, Poster: uploader.NewPoster(uploader.PosterConfig{Client: t.client, Store: st, Account: t.journalKey}),
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
		fmt.Fprintln(stderr, "mediaup:", scrub(err.Error()))
		return exitFailed
	}
	// The screen is restored: stop what still runs, then hand over the IDs.
	closeMgr()
	final := mgr.Snapshot()
	printReady(stdout, final)
	for _, tw := range app.Posted() {
		fmt.Fprintf(stderr, "mediaup: posted tweet %s\n", tw.ID)
	}
	code := exitOK
	for _, ev := range final {
		if ev.Phase == uploader.PhaseFailed {
			if ev.Err != nil {
				fmt.Fprintln(stderr, "mediaup:", scrub(ev.Err.Error()))
			}
			code = exitFailed
		}
	}
	if err := app.PostErr(); err != nil {
		fmt.Fprintln(stderr, "mediaup: the last post failed:", scrub(err.Error()))
		code = exitFailed
	}
	return code
}

// printReady prints "path<TAB>media_id" for every ready file.
func printReady(w io.Writer, evs []uploader.Event) {
	for _, ev := range evs {
		if ev.Phase == uploader.PhaseReady && ev.MediaID != "" {
			fmt.Fprintf(w, "%s\t%s\n", ev.Path, ev.MediaID)
		}
	}
}
