package model

import (
	"charm.land/bubbles/v2/help"
	"github.com/charmbracelet/x/ansi"

	"github.com/mediaup/mediaup/ui"
)

// Help is the help bar: one line of the focused pane's keys, or with `?`
// every key, all taken from the KeyMap.
type Help struct {
	help.Model
}

// newHelp makes the help bar in the app's styles.
func newHelp(st ui.Styles) Help {
	h := help.New()
	h.Styles = st.Help
	return Help{Model: h}
}

// View renders the help for keys. The one-line form drops whole items from
// the middle when the line is too narrow, always keeping the last two
// (help and quit), so the way to the full help stays on screen.
func (h Help) View(keys help.KeyMap) string {
	if h.ShowAll {
		return h.Model.View(keys)
	}
	bs := keys.ShortHelp()
	m := h.Model
	m.SetWidth(0) // measure untruncated
	width := h.Width()
	if width <= 0 {
		return m.ShortHelpView(bs)
	}
	keep := min(2, len(bs))
	head, tail := bs[:len(bs)-keep], bs[len(bs)-keep:]
	for n := len(head); n >= 0; n-- {
		line := m.ShortHelpView(append(head[:n:n], tail...))
		if n < len(head) {
			line = m.ShortHelpView(head[:n]) + m.Styles.Ellipsis.Render(" … ") + m.ShortHelpView(tail)
			if n == 0 {
				line = m.ShortHelpView(tail)
			}
		}
		if ansi.StringWidth(line) <= width {
			return line
		}
	}
	return ui.Cut(m.ShortHelpView(tail), width)
}
