package model

import (
	"charm.land/bubbles/v2/help"

	"mediaup/ui"
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
