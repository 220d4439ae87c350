package model

import (
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mediaup/mediaup/ui"
	"github.com/mediaup/mediaup/uploader/tweet"
)

// Compose is the tweet editor: a text area, X's weighted count, the chips
// of the media it will carry, and the outcome of the last post. While a post
// is in flight it refuses a second one.
type Compose struct {
	ta      textarea.Model
	posting bool
	result  string // the last post's outcome
	failed  bool   // result is an error
	// uncertain names the post (postSignature) whose outcome is unknown:
	// X may have it, so only ctrl+r sends it again.
	uncertain string

	width, height int
}

// newCompose makes an empty editor.
func newCompose(st ui.Styles) Compose {
	ta := textarea.New()
	ta.Placeholder = "What's happening? (c to write, ctrl+s posts)"
	ta.ShowLineNumbers = false
	ta.CharLimit = 0
	ta.MaxHeight = 0
	ta.SetStyles(st.TextArea)
	return Compose{ta: ta}
}

// setStyles restyles the editor.
func (c *Compose) setStyles(st ui.Styles) { c.ta.SetStyles(st.TextArea) }

// Text is the tweet text as typed.
func (c Compose) Text() string { return c.ta.Value() }

// Posting reports whether a post is in flight.
func (c Compose) Posting() bool { return c.posting }

// Weighted is the text's weighted length by X's rules.
func (c Compose) Weighted() int { return tweet.WeightedLength(c.ta.Value()) }

// SetSize sets the pane's outer size, borders included.
func (c *Compose) SetSize(w, h int) {
	c.width, c.height = w, h
	c.ta.SetWidth(max(w-4, 1))
	c.ta.SetHeight(max(h-4, 1))
}

// Focus gives the text area the keyboard.
func (c *Compose) Focus() tea.Cmd { return c.ta.Focus() }

// Blur takes it away.
func (c *Compose) Blur() { c.ta.Blur() }

// Update passes keys and pastes to the text area.
func (c Compose) Update(msg tea.Msg) (Compose, tea.Cmd) {
	var cmd tea.Cmd
	c.ta, cmd = c.ta.Update(msg)
	return c, cmd
}

// View draws the pane in exactly its size, with the attached media as chips
// and ruleErr (why they cannot go in one tweet) under them.
func (c Compose) View(st ui.Styles, focused bool, chips []ui.Chip, ruleErr error) string {
	inner := c.width - 4
	body := []string{}
	body = append(body, ui.Lines(c.ta.View(), inner, max(c.height-4, 1))...)
	count := ui.Counter(st, c.Weighted(), tweet.MaxWeighted)
	body = append(body, count+"  "+ui.Chips(st, chips, ruleErr != nil, inner-ansi.StringWidth(count)-2))
	var last string
	switch {
	case c.posting:
		last = st.Warn.Render("posting…")
	case ruleErr != nil:
		last = st.Err.Render(ui.OneLine(ruleErr.Error()) + " (t on a queue row attaches or detaches it)")
	case c.result != "" && c.uncertain != "":
		last = st.Warn.Render("? " + ui.OneLine(c.result))
	case c.result != "" && c.failed:
		last = st.Err.Render("✗ " + ui.OneLine(c.result))
	case c.result != "":
		last = st.OK.Render("✓ " + c.result)
	}
	body = append(body, last)
	return ui.Box(st, "Compose", focused, c.width, c.height, body)
}
