package model

import (
	"context"
	"errors"
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
	"github.com/mediaup/mediaup/uploader/media"
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

// Poster is the engine's poster; *uploader.Poster is one. It owns every
// rule of posting: the checks before sending, the journal, never twice.
type Poster interface {
	Check(req uploader.PostRequest) error
	Post(ctx context.Context, req uploader.PostRequest) uploader.PostResult
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

	Now func() time.Time // the clock for expiry countdowns; default time.Now
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
		return a.post(false)
	case key.Matches(msg, km.Repost):
		return a.post(true)
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

// post starts one post of what the composer shows, through the engine's
// poster. A second ctrl+s while a post is in flight is refused, and the
// poster itself refuses a post that went out already or may have.
func (a *App) post(repost bool) tea.Cmd {
	if a.compose.posting {
		a.setNotice("a post is already on its way; wait for its result", true)
		return nil
	}
	if a.cfg.Poster == nil {
		a.setNotice("posting is not available: no X client", true)
		return nil
	}
	req := a.postRequest()
	if repost {
		if a.compose.uncertain != postSignature(req) {
			a.setNotice("ctrl+r is only for a post whose outcome is unknown; ctrl+s posts", true)
			return nil
		}
		req.Repost = true
	}
	if err := a.cfg.Poster.Check(req); err != nil {
		var ee *uploader.ExpiredError
		if errors.As(err, &ee) {
			a.setNotice("not posted: "+err.Error()+"; press r on its row to upload it again", true)
		} else {
			a.setNotice("not posted: "+err.Error(), true)
		}
		return nil
	}
	a.compose.posting = true
	a.compose.result, a.compose.failed = "", false
	a.setNotice(fmt.Sprintf("posting with %s…", plural(len(req.Media), "media file")), false)
	return postTweet(a.cfg.Poster, req)
}

// postRequest is the post the composer shows: its text and attached media.
func (a *App) postRequest() uploader.PostRequest {
	set := a.queue.attachments()
	req := uploader.PostRequest{Text: a.compose.Text(), Media: make([]uploader.PostMedia, len(set))}
	for i, ev := range set {
		req.Media[i] = uploader.PostMedia{ID: ev.MediaID, Name: filepath.Base(ev.Path), Kind: media.Kind(ev.Kind), ExpiresAt: ev.ExpiresAt}
	}
	return req
}

// postSignature names a post's content, to tell whether the composer still
// holds the post whose outcome is unknown.
func postSignature(req uploader.PostRequest) string {
	ids := make([]string, len(req.Media))
	for i, m := range req.Media {
		ids[i] = m.ID
	}
	return req.ReplyTo + "\x00" + req.Text + "\x00" + strings.Join(ids, ",")
}

// posted1 shows a post's outcome in words. A tweet that exists (new or
// from an earlier attempt) empties the composer of text and media; any
// other outcome keeps both, and one that may be live on X is only sent
// again with ctrl+r.
func (a *App) posted1(msg tweetPostedMsg) tea.Cmd {
	a.compose.posting = false
	r := msg.result
	a.compose.uncertain = ""
	switch {
	case r.Outcome == uploader.PostSent || r.Outcome == uploader.PostAlreadySent:
		a.postErr = nil
		if r.Outcome == uploader.PostSent {
			a.posted = append(a.posted, xapi.Tweet{ID: r.TweetID, Text: msg.req.Text})
		}
		a.compose.result, a.compose.failed = r.Message(), false
		a.compose.ta.Reset()
		a.queue.afterPost()
		if r.Warning != "" {
			a.setNotice(r.Warning, true)
		} else {
			a.setNotice(r.Message(), false)
		}
	case r.MayBeLive():
		a.postErr = r.Err
		if a.postErr == nil {
			a.postErr = errors.New(r.Message())
		}
		a.compose.uncertain = postSignature(msg.req)
		a.compose.result, a.compose.failed = a.cfg.Redact(r.Message()), true
		a.setNotice("X may already have this post: check the account; ctrl+r posts it again anyway", true)
	default:
		a.postErr = r.Err
		a.compose.result, a.compose.failed = a.cfg.Redact(r.Message()), true
		a.setNotice("the post failed and nothing was posted; your text is kept, ctrl+s tries again", true)
	}
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
func (a *App) helpKeys() help.KeyMap {
	return contextHelp{km: a.km, focus: a.focus, mode: a.mode(), repost: a.compose.uncertain != ""}
}

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
