package model

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"mediaup/uploader"
)

// fakeManager records what the UI asks of the engine.
type fakeManager struct {
	mu     sync.Mutex
	ch     chan uploader.Event
	next   uploader.JobID
	added  []string
	calls  []string
	fail   map[string]error // by call, e.g. "pause"
	alt    map[uploader.JobID]string
	owners map[uploader.JobID][]string
}

func newFakeManager() *fakeManager {
	return &fakeManager{ch: make(chan uploader.Event, 1024), fail: map[string]error{},
		alt: map[uploader.JobID]string{}, owners: map[uploader.JobID][]string{}}
}

func (f *fakeManager) Add(path string, _ uploader.JobOptions) uploader.JobID {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	f.added = append(f.added, path)
	return f.next
}

func (f *fakeManager) call(name string, id uploader.JobID) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf("%s %d", name, id))
	return f.fail[name]
}

func (f *fakeManager) Pause(id uploader.JobID) error  { return f.call("pause", id) }
func (f *fakeManager) Resume(id uploader.JobID) error { return f.call("resume", id) }
func (f *fakeManager) Cancel(id uploader.JobID) error { return f.call("cancel", id) }
func (f *fakeManager) Retry(id uploader.JobID) error  { return f.call("retry", id) }
func (f *fakeManager) Remove(id uploader.JobID) error { return f.call("remove", id) }
func (f *fakeManager) SetAltText(id uploader.JobID, text string) error {
	if err := f.call("alt", id); err != nil {
		return err
	}
	f.mu.Lock()
	f.alt[id] = text
	f.mu.Unlock()
	return nil
}
func (f *fakeManager) SetOwners(id uploader.JobID, owners []string) error {
	if err := f.call("owners", id); err != nil {
		return err
	}
	f.mu.Lock()
	f.owners[id] = owners
	f.mu.Unlock()
	return nil
}
func (f *fakeManager) Events() <-chan uploader.Event { return f.ch }

func (f *fakeManager) callLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// fakePoster answers posts; block, when set, holds each post until closed.
type fakePoster struct {
	mu    sync.Mutex
	texts []string
	ids   [][]string
	err   error
}

func (p *fakePoster) PostTweet(_ context.Context, text string, ids []string) (*uploader.Tweet, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.texts = append(p.texts, text)
	p.ids = append(p.ids, ids)
	if p.err != nil {
		return nil, p.err
	}
	return &uploader.Tweet{ID: fmt.Sprintf("17000000000000000%02d", len(p.texts)), Text: text}, nil
}

func (p *fakePoster) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.texts)
}

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// newTestApp builds an app on fakes at a size, with colours off so that
// rendered text is easy to search.
func newTestApp(t testing.TB, w, h int) (*App, *fakeManager, *fakePoster) {
	t.Helper()
	m, p := newFakeManager(), &fakePoster{}
	a := New(Config{Manager: m, Poster: p, Account: "@mediaup_demo", Dialect: "v2",
		BaseURL: "http://127.0.0.1:1", StartDir: t.TempDir(), Profile: colorprofile.ASCII,
		Now: func() time.Time { return testNow }})
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return a, m, p
}

// press makes the key message a terminal sends for a key name.
func press(k string) tea.KeyPressMsg {
	switch k {
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "ctrl+s":
		return tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(k)
	if len(r) != 1 {
		panic("press: unknown key " + k)
	}
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// send feeds keys to the app and returns the last command.
func send(a *App, keys ...string) tea.Cmd {
	var cmd tea.Cmd
	for _, k := range keys {
		_, cmd = a.Update(press(k))
	}
	return cmd
}

// typeText types text into whatever has the keyboard.
func typeText(a *App, s string) {
	for _, r := range s {
		a.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// run executes a command and what it batches, and returns the messages that
// arrive quickly; commands that wait (listen, ticks) are left behind.
func run(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(300 * time.Millisecond):
		return nil
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, run(c)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

// settle runs cmd and feeds its messages back until nothing quick is left.
func settle(a *App, cmd tea.Cmd) {
	for i := 0; i < 20 && cmd != nil; i++ {
		var next []tea.Cmd
		for _, m := range run(cmd) {
			_, c := a.Update(m)
			next = append(next, c)
		}
		cmd = tea.Batch(next...)
	}
}

// screen is the rendered view without styling.
func screen(a *App) string { return ansi.Strip(a.Render()) }

// ev builds an event.
func ev(id uploader.JobID, path string, ph uploader.Phase) uploader.Event {
	return uploader.Event{Job: id, Path: path, Phase: ph}
}

// readyEv builds the event of a ready file of a kind.
func readyEv(id uploader.JobID, path, kind string) uploader.Event {
	e := ev(id, path, uploader.PhaseReady)
	e.Kind = kind
	e.MediaID = fmt.Sprintf("18800281060205158%02d", id)
	e.ExpiresAt = testNow.Add(24 * time.Hour)
	return e
}

func failedEv(id uploader.JobID, path, why string, retryable bool) uploader.Event {
	e := ev(id, path, uploader.PhaseFailed)
	e.Err = errors.New(why)
	e.Retryable = retryable
	return e
}

// apply feeds one batch of events.
func apply(a *App, evs ...uploader.Event) tea.Cmd {
	_, cmd := a.Update(eventsMsg{events: evs})
	return cmd
}

// checkFits fails when the view is taller or wider than the window.
func checkFits(t *testing.T, a *App, w, h int) {
	t.Helper()
	out := a.View().Content
	lines := strings.Split(out, "\n")
	if len(lines) > h {
		t.Errorf("%d×%d: view has %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("%d×%d: line %d is %d wide: %q", w, h, i, lw, ansi.Strip(l))
		}
	}
}
