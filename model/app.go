package model

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/mediaup/mediaup/ui"
	"github.com/mediaup/mediaup/uploader"
	"github.com/mediaup/mediaup/uploader/tweet"
	"github.com/mediaup/mediaup/xapi"
)

// Manager is what the TUI needs of the upload engine; *uploader.Manager is
// one. Its methods must not block on the UI (SetAltText may make one
// request and is called from a command).
type Manager interface {
	Add(path string, opts uploader.JobOptions) uploader.JobID
	Pause(id uploader.JobID) error
	Resume(id uploader.JobID) error
	Cancel(id uploader.JobID) error
	Retry(id uploader.JobID) error
	Remove(id uploader.JobID) error
	SetAltText(id uploader.JobID, text string) error
	SetOwners(id uploader.JobID, owners []string) error
	Events() <-chan uploader.Event
}

// Poster posts a tweet; *xapi.Client is one.
type Poster interface {
	PostTweet(ctx context.Context, text string, mediaIDs []string) (*xapi.Tweet, error)
}

// Config sets up an App.
type Config struct {
	Manager Manager
	Poster  Poster

	// What the status line shows.
	Account, Dialect, BaseURL string

	StartDir string   // the picker's first folder; "" = the current one
	Files    []string // queued at once

	// Profile is the terminal's colour profile (colorprofile.Detect);
	// ASCII or NoTTY (NO_COLOR) draws without colour. A ColorProfileMsg
	// from Bubble Tea replaces it.
	Profile colorprofile.Profile

	// Redact removes secrets from text shown on screen (error messages);
	// nil shows text as it is.
	Redact func(string) string

	PostTimeout time.Duration    // bound on one post; default 1 minute
	Now         func() time.Time // the clock for expiry countdowns; default time.Now
}

// pane is a focusable child.
type pane int

const (
	panePicker pane = iota
	paneQueue
	paneCompose
	numPanes
)

// mode is what the keyboard is doing beyond moving between panes.
type mode int

const (
	modeNormal      mode = iota
	modeEdit             // a queue text input is open
	modeConfirmQuit      // "quit while uploads run?" is asked
)

// App is the root model. It owns the window size and the focus, pushes sizes
// down to its children on every WindowSizeMsg, routes keys through one
// KeyMap, applies event batches from the manager, and posts.
type App struct {
	cfg     Config
	km      KeyMap
	st      Styles
	profile colorprofile.Profile

	width, height int
	focus         pane
	back          pane // where esc leaves compose to
	confirmQuit   bool
	quitting      bool
	eventsClosed  bool

	picker  Picker
	queue   Queue
	compose Compose
	help    Help

	notice    string
	noticeErr bool
	now       time.Time

	posted  []xapi.Tweet
	postErr error // the last post's error, nil after a success
}

// Styles is ui.Styles, named here so the root's field reads naturally.
type Styles = ui.Styles

// New builds the app and queues cfg.Files with the manager.
func New(cfg Config) *App {
	if cfg.PostTimeout <= 0 {
		cfg.PostTimeout = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Redact == nil {
		cfg.Redact = func(s string) string { return s }
	}
	if cfg.StartDir == "" {
		cfg.StartDir = "."
	}
	km := DefaultKeyMap()
	a := &App{cfg: cfg, km: km, profile: cfg.Profile, now: cfg.Now()}
	a.st = ui.NewStyles(cfg.Profile)
	a.picker = newPicker(km, cfg.StartDir)
	a.queue = newQueue(km, cfg.Manager, a.st)
	a.queue.redact = cfg.Redact
	a.queue.now = a.now
	a.compose = newCompose(a.st)
	a.help = newHelp(a.st)
	for _, f := range cfg.Files {
		cfg.Manager.Add(f, uploader.JobOptions{})
		if abs, err := filepath.Abs(f); err == nil {
			a.picker.queued[abs] = true
		}
	}
	a.focus = panePicker
	if len(cfg.Files) > 0 {
		a.focus = paneQueue
	}
	a.width, a.height = 80, 24
	a.layout()
	return a
}

// Init lists the start folder, starts listening to the manager and starts
// the clock.
func (a *App) Init() tea.Cmd {
	return tea.Batch(a.picker.Init(), listen(a.cfg.Manager.Events()), tickClock())
}

// Posted returns the tweets posted in this session.
func (a *App) Posted() []xapi.Tweet { return a.posted }

// PostErr is the last post's error; nil when it succeeded or none was tried.
func (a *App) PostErr() error { return a.postErr }

// Update is the one place state changes.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		a.layout()
		return a, nil
	case tea.ColorProfileMsg:
		if msg.Profile != a.profile {
			a.profile = msg.Profile
			a.st = ui.NewStyles(msg.Profile)
			a.queue.setStyles(a.st)
			a.compose.setStyles(a.st)
			a.help = newHelp(a.st)
			a.layout()
		}
		return a, nil
	case eventsMsg:
		a.now = a.cfg.Now()
		a.queue.now = a.now
		cmd := a.queue.apply(msg.events)
		if msg.closed {
			a.eventsClosed = true
			return a, cmd
		}
		return a, tea.Batch(cmd, listen(a.cfg.Manager.Events()))
	case clockMsg:
		a.now = a.cfg.Now()
		a.queue.now = a.now
		return a, tickClock()
	case queueFilesMsg:
		for _, p := range msg.paths {
			a.cfg.Manager.Add(p, uploader.JobOptions{})
		}
		names := make([]string, len(msg.paths))
		for i, p := range msg.paths {
			names[i] = filepath.Base(p)
		}
		a.setNotice("queued "+strings.Join(names, ", "), false)
		return a, nil
	case dirReadMsg, probedMsg:
		var cmd tea.Cmd
		a.picker, cmd = a.picker.Update(msg)
		return a, cmd
	case spinner.TickMsg:
		var cmd tea.Cmd
		a.queue, cmd = a.queue.Update(msg)
		return a, cmd
	case noticeMsg:
		a.setNotice(msg.text, msg.err)
		return a, nil
	case altSetMsg:
		if msg.err != nil {
			a.setNotice(msg.err.Error(), true)
		} else {
			a.setNotice("alt text saved for "+msg.name, false)
		}
		return a, nil
	case tweetPostedMsg:
		return a, a.posted1(msg)
	case tea.KeyPressMsg:
		return a, a.handleKey(msg)
	}
	// Anything else (pastes, cursor messages) goes to the focused input.
	var cmd tea.Cmd
	switch {
	case a.queue.Editing():
		a.queue, cmd = a.queue.Update(msg)
	case a.focus == paneCompose:
		a.compose, cmd = a.compose.Update(msg)
	}
	return a, cmd
}

// setNotice shows a one-line message until the next one.
func (a *App) setNotice(text string, isErr bool) { a.notice, a.noticeErr = a.cfg.Redact(text), isErr }

// mode says what the keyboard is doing.
func (a *App) mode() mode {
	switch {
	case a.confirmQuit:
		return modeConfirmQuit
	case a.queue.Editing():
		return modeEdit
	}
	return modeNormal
}

// busy reports whether quitting now would stop work: jobs still uploading or
// processing, or a post in flight.
func (a *App) busy() bool { return a.queue.Busy() > 0 || a.compose.Posting() }

func (a *App) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	km := a.km
	if a.confirmQuit {
		switch {
		case key.Matches(msg, km.Yes), key.Matches(msg, km.ForceQuit):
			return a.quit()
		case key.Matches(msg, km.No):
			a.confirmQuit = false
			a.setNotice("", false)
		}
		return nil
	}
	typing := a.queue.Editing() || a.focus == paneCompose
	if key.Matches(msg, km.ForceQuit) || (!typing && key.Matches(msg, km.Quit)) {
		if a.busy() {
			a.confirmQuit = true
			return nil
		}
		return a.quit()
	}
	if a.queue.Editing() {
		var cmd tea.Cmd
		a.queue, cmd = a.queue.Update(msg)
		return cmd
	}
	switch {
	case key.Matches(msg, km.Post):
		return a.post()
	case key.Matches(msg, km.NextPane):
		return a.setFocus((a.focus + 1) % numPanes)
	case key.Matches(msg, km.PrevPane):
		return a.setFocus((a.focus + numPanes - 1) % numPanes)
	}
	if a.focus == paneCompose {
		if key.Matches(msg, km.Leave) {
			return a.setFocus(a.back)
		}
		var cmd tea.Cmd
		a.compose, cmd = a.compose.Update(msg)
		return cmd
	}
	switch {
	case key.Matches(msg, km.Help):
		a.help.ShowAll = !a.help.ShowAll
		a.layout()
		return nil
	case key.Matches(msg, km.Compose):
		return a.setFocus(paneCompose)
	}
	var cmd tea.Cmd
	switch a.focus {
	case panePicker:
		a.picker, cmd = a.picker.Update(msg)
	case paneQueue:
		a.queue, cmd = a.queue.Update(msg)
	}
	return cmd
}

// setFocus moves the focus; the compose text area has the keyboard only
// while its pane is focused.
func (a *App) setFocus(p pane) tea.Cmd {
	if p == a.focus {
		return nil
	}
	if p == paneCompose {
		a.back = a.focus
		a.focus = p
		return a.compose.Focus()
	}
	a.compose.Blur()
	a.focus = p
	return nil
}

// quit ends the program. The caller (runTUI) closes the manager after the
// TUI is gone and prints the ready media IDs.
func (a *App) quit() tea.Cmd {
	a.quitting = true
	return tea.Quit
}

// post checks the text and the attachments and starts one post. A second
// ctrl+s while a post is in flight is refused: X has no idempotency key, so
// a repeat could publish twice.
func (a *App) post() tea.Cmd {
	if a.compose.posting {
		a.setNotice("a post is already on its way; wait for its result", true)
		return nil
	}
	if a.cfg.Poster == nil {
		a.setNotice("posting is not available: no X client", true)
		return nil
	}
	if err := a.queue.attachError(); err != nil {
		a.setNotice("not posted: "+err.Error(), true)
		return nil
	}
	set := a.queue.attachments()
	now := a.cfg.Now()
	for _, ev := range set {
		// X refuses an expired media ID; never send one.
		if !ev.ExpiresAt.IsZero() && !now.Before(ev.ExpiresAt) {
			a.setNotice(fmt.Sprintf("not posted: the media ID of %s expired at %s; press r on its row to upload it again",
				filepath.Base(ev.Path), ev.ExpiresAt.Local().Format("15:04")), true)
			return nil
		}
	}
	text := a.compose.Text()
	if err := tweet.ValidateText(text, len(set)); err != nil {
		a.setNotice("not posted: "+err.Error(), true)
		return nil
	}
	ids := make([]string, len(set))
	for i, ev := range set {
		ids[i] = ev.MediaID
	}
	a.compose.posting = true
	a.compose.result, a.compose.failed = "", false
	a.setNotice(fmt.Sprintf("posting with %s…", plural(len(ids), "media file")), false)
	return postTweet(a.cfg.Poster, text, ids, a.cfg.PostTimeout)
}

// posted1 takes a post's outcome: the tweet ID and a cleared editor, or the
// error with the text kept for another try.
func (a *App) posted1(msg tweetPostedMsg) tea.Cmd {
	a.compose.posting = false
	if msg.err != nil {
		a.postErr = msg.err
		a.compose.result, a.compose.failed = a.cfg.Redact("not posted: "+msg.err.Error()), true
		a.setNotice("the post failed; your text is kept, ctrl+s tries again", true)
		return nil
	}
	a.postErr = nil
	a.posted = append(a.posted, *msg.tweet)
	a.compose.result, a.compose.failed = "posted tweet "+msg.tweet.ID, false
	a.compose.ta.Reset()
	a.setNotice("posted tweet "+msg.tweet.ID, false)
	return nil
}

// layout gives every child its size: the status line on top, then the
// picker, the queue and the compose pane, then the notice line and the help.
func (a *App) layout() {
	w, h := a.width, a.height
	a.help.SetWidth(w)
	helpH := strings.Count(a.help.View(a.helpKeys()), "\n") + 1
	if a.help.ShowAll {
		helpH = min(helpH, max(h/3, 1))
	}
	space := max(h-2-helpH, 0) // status line and notice line
	composeH := 6
	if space >= 24 {
		composeH = 7
	}
	composeH = min(composeH, space)
	pickerH := max((space-composeH)*2/5, min(4, space-composeH))
	queueH := max(space-composeH-pickerH, 0)
	a.picker.SetSize(w, pickerH)
	a.queue.SetSize(w, queueH)
	a.compose.SetSize(w, composeH)
}

// helpKeys is the help.KeyMap for the current focus and mode.
func (a *App) helpKeys() help.KeyMap { return contextHelp{km: a.km, focus: a.focus, mode: a.mode()} }

// View renders the state; it does no I/O and never returns more lines, or
// wider ones, than the window has.
func (a *App) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.WindowTitle = "mediaup"
	v.SetContent(a.Render())
	return v
}

// Render is the screen as a string of exactly the window's size.
func (a *App) Render() string {
	w, h := a.width, a.height
	if w <= 0 || h <= 0 {
		return ""
	}
	st := a.st
	att := a.queue.attachments()
	chips := make([]ui.Chip, len(att))
	for i, ev := range att {
		chips[i] = ui.Chip{Name: filepath.Base(ev.Path), Kind: ev.Kind}
	}
	parts := []string{
		ui.StatusLine(st, a.cfg.Account, a.cfg.Dialect, a.cfg.BaseURL, a.queue.summary(), w),
	}
	if a.picker.height > 0 {
		parts = append(parts, a.picker.View(st, a.focus == panePicker))
	}
	if a.queue.height > 0 {
		parts = append(parts, a.queue.View(st, a.focus == paneQueue, att))
	}
	if a.compose.height > 0 {
		parts = append(parts, a.compose.View(st, a.focus == paneCompose, chips, setError(att)))
	}
	parts = append(parts, a.noticeLine(), a.help.View(a.helpKeys()))
	return ui.Block(strings.Join(parts, "\n"), w, h)
}

// noticeLine is the quit question, or the last notice.
func (a *App) noticeLine() string {
	st := a.st
	if a.confirmQuit {
		what := plural(a.queue.Busy(), "file") + " still uploading"
		if a.compose.Posting() {
			what = "a post is on its way"
			if n := a.queue.Busy(); n > 0 {
				what += " and " + plural(n, "file") + " still uploading"
			}
		}
		return st.Confirm.Render(" Quit? " + what + "; unfinished uploads stop (ready media IDs are printed). y quits, n stays ")
	}
	if a.notice == "" {
		return ""
	}
	if a.noticeErr {
		return st.Err.Render(ui.OneLine(a.notice))
	}
	return st.Notice.Render(ui.OneLine(a.notice))
}
