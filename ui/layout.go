package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Fit cuts or pads a one-line styled string to exactly width cells. A cut
// line ends in "…" so the user sees that something was cut.
func Fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	w := ansi.StringWidth(s)
	if w > width {
		return ansi.Truncate(s, width, "…")
	}
	return s + strings.Repeat(" ", width-w)
}

// Cut shortens a one-line string to at most width cells, without padding.
func Cut(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// Lines splits a block into exactly height lines, each exactly width cells:
// extra lines are dropped, missing ones are blank.
func Lines(block string, width, height int) []string {
	if height <= 0 {
		return nil
	}
	var src []string
	if block != "" {
		src = strings.Split(block, "\n")
	}
	out := make([]string, height)
	for i := range out {
		if i < len(src) {
			out[i] = Fit(src[i], width)
		} else {
			out[i] = strings.Repeat(" ", max(width, 0))
		}
	}
	return out
}

// Block joins Lines(block, width, height) back into one string.
func Block(block string, width, height int) string {
	return strings.Join(Lines(block, width, height), "\n")
}

// Box draws a rounded border of exactly width×height cells around body, with
// title set into the top edge. The focused pane gets the focused border and
// title styles. Body lines are cut or padded to the inside width (width-4:
// one border and one space each side) and the inside height (height-2).
func Box(st Styles, title string, focused bool, width, height int, body []string) string {
	if width < 4 || height < 2 {
		return Block("", max(width, 0), max(height, 0))
	}
	bs, ts := st.Border, st.PaneTitle
	if focused {
		bs, ts = st.BorderOn, st.PaneTitleOn
	}
	inner := width - 2
	var top string
	if title != "" && inner >= 6 {
		t := Cut(" "+title+" ", inner-2)
		top = bs.Render("╭─") + ts.Render(t) + bs.Render(strings.Repeat("─", inner-1-ansi.StringWidth(t))+"╮")
	} else {
		top = bs.Render("╭" + strings.Repeat("─", inner) + "╮")
	}
	lines := make([]string, 0, height)
	lines = append(lines, top)
	side := bs.Render("│")
	for i := 0; i < height-2; i++ {
		var l string
		if i < len(body) {
			l = body[i]
		}
		lines = append(lines, side+" "+Fit(l, inner-2)+" "+side)
	}
	lines = append(lines, bs.Render("╰"+strings.Repeat("─", inner)+"╯"))
	return strings.Join(lines, "\n")
}

// Scroll returns the first visible index of a list of n items shown in rows
// lines, given the cursor and the previous offset: the offset moves only as
// far as needed to keep the cursor visible, and never leaves empty rows at
// the end when the list could fill them.
func Scroll(n, rows, cursor, offset int) int {
	if rows <= 0 || n <= rows {
		return 0
	}
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+rows {
		offset = cursor - rows + 1
	}
	return min(max(offset, 0), n-rows)
}
