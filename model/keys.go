package model

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// KeyMap is every key mediaup answers to, with the help text the help bar
// shows. Update matches keys only through it.
type KeyMap struct {
	NextPane, PrevPane key.Binding
	Up, Down           key.Binding
	PageUp, PageDown   key.Binding
	Home, End          key.Binding

	// Picker.
	Select, Open, Back key.Binding

	// Queue.
	Pause, Cancel, Retry, Remove, Attach, AltText, Owners key.Binding

	// Compose.
	Compose, Leave, Post, Repost key.Binding

	// Text inputs (alt text, owners).
	Save key.Binding

	// Quit confirmation.
	Yes, No key.Binding

	Help, Quit, ForceQuit key.Binding
}

// DefaultKeyMap is the key contract of issue 3.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return KeyMap{
		NextPane: b([]string{"tab"}, "tab", "next pane"),
		PrevPane: b([]string{"shift+tab"}, "shift+tab", "prev pane"),
		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:   b([]string{"pgup"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown"}, "pgdn", "page down"),
		Home:     b([]string{"home", "g"}, "g/home", "first"),
		End:      b([]string{"end", "G"}, "G/end", "last"),

		Select: b([]string{"space"}, "space", "select"),
		Open:   b([]string{"enter"}, "enter", "queue/open"),
		Back:   b([]string{"backspace", "left", "h"}, "⌫/←", "parent folder"),

		Pause:   b([]string{"p"}, "p", "pause/resume"),
		Cancel:  b([]string{"x"}, "x", "cancel"),
		Retry:   b([]string{"r"}, "r", "retry"),
		Remove:  b([]string{"d"}, "d", "remove"),
		Attach:  b([]string{"t"}, "t", "attach/detach"),
		AltText: b([]string{"a"}, "a", "alt text"),
		Owners:  b([]string{"o"}, "o", "owners"),

		Compose: b([]string{"c"}, "c", "compose"),
		Leave:   b([]string{"esc"}, "esc", "leave"),
		Post:    b([]string{"ctrl+s"}, "ctrl+s", "post"),
		Repost:  b([]string{"ctrl+r"}, "ctrl+r", "post again anyway"),

		Save: b([]string{"enter"}, "enter", "save"),

		Yes: b([]string{"y", "Y"}, "y", "quit"),
		No:  b([]string{"n", "N", "esc"}, "n", "stay"),

		Help:      b([]string{"?"}, "?", "help"),
		Quit:      b([]string{"q", "ctrl+c"}, "q", "quit"),
		ForceQuit: b([]string{"ctrl+c"}, "ctrl+c", "quit"),
	}
}

// contextHelp is the help.KeyMap for one moment of the app: the keys of the
// focused pane first, then the global ones.
type contextHelp struct {
	km    KeyMap
	focus pane
	mode  mode
	// repost: the composer holds a post whose outcome is unknown, so
	// ctrl+r (post again anyway) is offered.
	repost bool
}

// ShortHelp is the one-line help bar.
func (c contextHelp) ShortHelp() []key.Binding {
	k := c.km
	switch c.mode {
	case modeConfirmQuit:
		return []key.Binding{k.Yes, k.No}
	case modeEdit:
		return []key.Binding{k.Save, k.Leave}
	}
	switch c.focus {
	case panePicker:
		return []key.Binding{k.Select, k.Open, k.Back, k.NextPane, k.Compose, k.Help, k.Quit}
	case paneQueue:
		return []key.Binding{k.Pause, k.Cancel, k.Retry, k.Remove, k.Attach, k.AltText, k.Owners, k.Compose, k.Help, k.Quit}
	default:
		if c.repost {
			return []key.Binding{k.Post, k.Repost, k.Leave, k.NextPane, k.ForceQuit}
		}
		return []key.Binding{k.Post, k.Leave, k.NextPane, k.ForceQuit}
	}
}

// FullHelp is the `?` help: one column per area.
func (c contextHelp) FullHelp() [][]key.Binding {
	k := c.km
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.NextPane, k.PrevPane},
		{k.Select, k.Open, k.Back},
		{k.Pause, k.Cancel, k.Retry, k.Remove, k.Attach, k.AltText, k.Owners},
		{k.Compose, k.Leave, k.Post, k.Help, k.Quit},
	}
}

// moveTarget is where a list's navigation key sends the cursor (before
// clamping to the list), or ok false when msg is not a navigation key.
func (km KeyMap) moveTarget(msg tea.KeyPressMsg, cursor, page, n int) (to int, ok bool) {
	switch {
	case key.Matches(msg, km.Up):
		return cursor - 1, true
	case key.Matches(msg, km.Down):
		return cursor + 1, true
	case key.Matches(msg, km.PageUp):
		return cursor - page, true
	case key.Matches(msg, km.PageDown):
		return cursor + page, true
	case key.Matches(msg, km.Home):
		return 0, true
	case key.Matches(msg, km.End):
		return n - 1, true
	}
	return 0, false
}
