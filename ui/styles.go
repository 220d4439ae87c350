package ui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
)

// Styles holds every style the TUI draws with. Build it once with NewStyles
// (again only when the colour profile changes); nothing else in mediaup
// names a colour.
type Styles struct {
	// Colour is false for profiles without colour (NO_COLOR, a dumb
	// terminal): styles then lean on bold, reverse and faint so state is
	// still visible.
	Colour bool

	Title       lipgloss.Style // the app name in the status line
	Status      lipgloss.Style // the rest of the status line
	Border      lipgloss.Style // pane border, unfocused
	BorderOn    lipgloss.Style // pane border, focused
	PaneTitle   lipgloss.Style // pane title, unfocused
	PaneTitleOn lipgloss.Style // pane title, focused

	Cursor    lipgloss.Style // the row under the cursor in a focused pane
	CursorOff lipgloss.Style // the row under the cursor in an unfocused pane
	Marked    lipgloss.Style // a selected (space) picker entry, an attached queue row mark
	Dir       lipgloss.Style // a folder in the picker
	Dim       lipgloss.Style // secondary text
	Info      lipgloss.Style // probe details, ready media IDs
	OK        lipgloss.Style // ready
	Warn      lipgloss.Style // paused, processing, attachment rule broken
	Err       lipgloss.Style // failed, over-length count, post errors
	Notice    lipgloss.Style // the notice line
	Confirm   lipgloss.Style // the quit confirmation

	Chip    lipgloss.Style // an attached media chip
	ChipBad lipgloss.Style // a chip of an attachment set that breaks the rule

	Count     lipgloss.Style // weighted count within the limit
	CountOver lipgloss.Style // weighted count over the limit

	// Badges by phase name (queued, probing, uploading, processing, paused,
	// ready, failed, canceled).
	Badge map[string]lipgloss.Style

	// BarFull and BarEmpty colour the shared progress bar; nil without
	// colour (the bar's characters alone show progress).
	BarFull, BarEmpty color.Color
	// BarFullChar and BarEmptyChar draw it: thick and thin lines in colour,
	// blocks and shading without (where only the shape tells them apart).
	BarFullChar, BarEmptyChar rune

	// Help styles the help bar (bubbles/help).
	Help help.Styles

	// TextArea and TextInput style the compose editor and the queue's
	// inputs (bubbles/textarea, bubbles/textinput). Their cursors do not
	// blink: a still screen is cheaper and tests see one frame.
	TextArea  textarea.Styles
	TextInput textinput.Styles
}

// Palette: chosen to read on dark and light backgrounds alike.
var (
	colAccent = lipgloss.Color("#7D56F4")
	colBlue   = lipgloss.Color("#3E8EDE")
	colGreen  = lipgloss.Color("#2FA84F")
	colYellow = lipgloss.Color("#C9A227")
	colRed    = lipgloss.Color("#E0474C")
	colGrey   = lipgloss.Color("#8A8A8A")
	colChipBg = lipgloss.Color("#3B3363")
	colWhite  = lipgloss.Color("#F2F2F2")
)

// NewStyles builds the styles for a colour profile. Profiles without colour
// (colorprofile.ASCII, NoTTY: what NO_COLOR gives) get attribute-only styles.
func NewStyles(p colorprofile.Profile) Styles {
	s := Styles{Colour: p > colorprofile.ASCII}
	n := lipgloss.NewStyle
	if !s.Colour {
		s.Title = n().Bold(true)
		s.Status = n()
		s.Border = n()
		s.BorderOn = n().Bold(true)
		s.PaneTitle = n()
		s.PaneTitleOn = n().Bold(true).Reverse(true)
		s.Cursor = n().Reverse(true)
		s.CursorOff = n().Underline(true)
		s.Marked = n().Bold(true)
		s.Dir = n().Bold(true)
		s.Dim = n().Faint(true)
		s.Info = n()
		s.OK = n().Bold(true)
		s.Warn = n()
		s.Err = n().Bold(true)
		s.Notice = n()
		s.Confirm = n().Bold(true).Reverse(true)
		s.Chip = n().Reverse(true)
		s.ChipBad = n().Reverse(true).Underline(true)
		s.Count = n()
		s.CountOver = n().Bold(true).Reverse(true)
		s.BarFull, s.BarEmpty = nil, nil
		s.BarFullChar, s.BarEmptyChar = '█', '░'
		s.Help = help.Styles{
			Ellipsis: n(), ShortKey: n().Bold(true), ShortDesc: n(), ShortSeparator: n(),
			FullKey: n().Bold(true), FullDesc: n(), FullSeparator: n(),
		}
	} else {
		s.Title = n().Bold(true).Foreground(colWhite).Background(colAccent).Padding(0, 1)
		s.Status = n().Foreground(colGrey)
		s.Border = n().Foreground(colGrey)
		s.BorderOn = n().Foreground(colAccent)
		s.PaneTitle = n().Foreground(colGrey)
		s.PaneTitleOn = n().Bold(true).Foreground(colAccent)
		s.Cursor = n().Reverse(true)
		s.CursorOff = n().Underline(true)
		s.Marked = n().Bold(true).Foreground(colAccent)
		s.Dir = n().Bold(true).Foreground(colBlue)
		s.Dim = n().Foreground(colGrey)
		s.Info = n().Foreground(colBlue)
		s.OK = n().Foreground(colGreen)
		s.Warn = n().Foreground(colYellow)
		s.Err = n().Foreground(colRed)
		s.Notice = n().Foreground(colYellow)
		s.Confirm = n().Bold(true).Foreground(colWhite).Background(colRed)
		s.Chip = n().Foreground(colWhite).Background(colChipBg)
		s.ChipBad = n().Foreground(colWhite).Background(colRed)
		s.Count = n().Foreground(colGrey)
		s.CountOver = n().Bold(true).Foreground(colRed)
		s.BarFull, s.BarEmpty = colAccent, colGrey
		s.BarFullChar, s.BarEmptyChar = '━', '─'
		s.Help = help.DefaultStyles(true)
	}
	s.TextArea = textarea.DefaultStyles(true)
	s.TextInput = textinput.DefaultStyles(true)
	if !s.Colour {
		plain := textarea.StyleState{Base: n(), Text: n(), LineNumber: n().Faint(true), CursorLineNumber: n(),
			CursorLine: n(), EndOfBuffer: n().Faint(true), Placeholder: n().Faint(true), Prompt: n(),
			Selection: n().Reverse(true)}
		s.TextArea.Focused, s.TextArea.Blurred = plain, plain
		s.TextArea.Blurred.Prompt = n().Faint(true)
		s.TextArea.Cursor.Color = nil
		in := textinput.StyleState{Text: n(), Placeholder: n().Faint(true), Suggestion: n().Faint(true), Prompt: n().Bold(true)}
		s.TextInput.Focused, s.TextInput.Blurred = in, in
		s.TextInput.Cursor.Color = nil
	}
	s.TextArea.Cursor.Blink = false
	s.TextInput.Cursor.Blink = false
	s.Badge = map[string]lipgloss.Style{
		"queued":     s.Dim,
		"probing":    s.Dim,
		"uploading":  s.Info,
		"processing": s.Warn,
		"paused":     s.Warn,
		"ready":      s.OK,
		"failed":     s.Err,
		"canceled":   s.Dim,
	}
	return s
}
