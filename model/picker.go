package model

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mediaup/mediaup/ui"
	"github.com/mediaup/mediaup/uploader/media"
)

// probeResult is a cached probe of one file; pending until probedMsg.
type probeResult struct {
	pending bool
	info    *media.Info
	err     error
}

// Picker browses folders showing only media files and folders, lets the
// user mark several files, and asks for them to be queued. Beside the cursor
// it shows what probing the file found; probes run in commands and are
// cached by path.
type Picker struct {
	km      KeyMap
	dir     string
	entries []entry
	err     error // the folder could not be read
	loading bool
	from    string // after going up, the child folder to put the cursor on

	cursor, offset int
	marked         map[string]bool // paths selected with space
	queued         map[string]bool // paths already queued this session
	probes         map[string]probeResult

	width, height int
}

// newPicker starts a picker in dir (made absolute).
func newPicker(km KeyMap, dir string) Picker {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return Picker{km: km, dir: dir, loading: true, marked: map[string]bool{}, queued: map[string]bool{},
		probes: map[string]probeResult{}}
}

// Init lists the start folder.
func (p Picker) Init() tea.Cmd { return readDir(p.dir) }

// SetSize sets the pane's outer size, borders included.
func (p *Picker) SetSize(w, h int) {
	p.width, p.height = w, h
	p.offset = ui.Scroll(len(p.entries), p.listRows(), p.cursor, p.offset)
}

// listRows is how many entries fit: the inside height less the footer line.
func (p Picker) listRows() int { return max(p.height-3, 1) }

// Dir is the folder shown.
func (p Picker) Dir() string { return p.dir }

// current is the entry under the cursor and its path.
func (p Picker) current() (entry, string, bool) {
	if p.cursor < 0 || p.cursor >= len(p.entries) {
		return entry{}, "", false
	}
	e := p.entries[p.cursor]
	return e, filepath.Join(p.dir, e.name), true
}

// Update handles folder listings, probe results and the picker's keys.
func (p Picker) Update(msg tea.Msg) (Picker, tea.Cmd) {
	switch msg := msg.(type) {
	case dirReadMsg:
		if msg.dir != p.dir {
			return p, nil // a listing of a folder we already left
		}
		p.loading, p.err, p.entries = false, msg.err, msg.entries
		p.cursor, p.offset = 0, 0
		for i, e := range p.entries {
			if e.dir && e.name == p.from {
				p.cursor = i
			}
		}
		p.from = ""
		p.offset = ui.Scroll(len(p.entries), p.listRows(), p.cursor, 0)
		return p, p.probeCursor()
	case probedMsg:
		p.probes[msg.path] = probeResult{info: msg.info, err: msg.err}
		return p, nil
	case tea.KeyPressMsg:
		return p.handleKey(msg)
	}
	return p, nil
}

func (p Picker) handleKey(msg tea.KeyPressMsg) (Picker, tea.Cmd) {
	n := len(p.entries)
	move := func(to int) (Picker, tea.Cmd) {
		if n == 0 {
			return p, nil
		}
		p.cursor = min(max(to, 0), n-1)
		p.offset = ui.Scroll(n, p.listRows(), p.cursor, p.offset)
		return p, p.probeCursor()
	}
	if to, ok := p.km.moveTarget(msg, p.cursor, p.listRows(), n); ok {
		return move(to)
	}
	switch {
	case key.Matches(msg, p.km.Select):
		e, path, ok := p.current()
		if !ok || e.dir {
			return p, nil
		}
		if p.marked[path] {
			delete(p.marked, path)
		} else {
			p.marked[path] = true
		}
		return move(p.cursor + 1)
	case key.Matches(msg, p.km.Open):
		e, path, ok := p.current()
		if !ok {
			return p, nil
		}
		if e.dir && len(p.marked) == 0 {
			return p.open(path, "")
		}
		var paths []string
		if len(p.marked) > 0 {
			for m := range p.marked {
				paths = append(paths, m)
			}
			sort.Strings(paths)
			p.marked = map[string]bool{}
		} else {
			paths = []string{path}
		}
		for _, q := range paths {
			p.queued[q] = true
		}
		return p, func() tea.Msg { return queueFilesMsg{paths: paths} }
	case key.Matches(msg, p.km.Back):
		parent := filepath.Dir(p.dir)
		if parent == p.dir {
			return p, nil
		}
		return p.open(parent, filepath.Base(p.dir))
	}
	return p, nil
}

// open starts listing another folder.
func (p Picker) open(dir, from string) (Picker, tea.Cmd) {
	p.dir, p.from, p.loading, p.err = dir, from, true, nil
	p.entries, p.cursor, p.offset = nil, 0, 0
	return p, readDir(dir)
}

// probeCursor probes the file under the cursor unless it is cached.
func (p *Picker) probeCursor() tea.Cmd {
	e, path, ok := p.current()
	if !ok || e.dir {
		return nil
	}
	if _, seen := p.probes[path]; seen {
		return nil
	}
	p.probes[path] = probeResult{pending: true}
	return probeFile(path)
}

// probeReason is why a file cannot be uploaded, without the folder: the
// file's name is on screen already.
func probeReason(err error) string {
	var re *media.RuleError
	if errors.As(err, &re) {
		if re.Path == "" {
			return re.Msg
		}
		return filepath.Base(re.Path) + ": " + re.Msg
	}
	return err.Error()
}

// probeView turns a cached probe into ui data.
func probeView(r probeResult) ui.Probe {
	switch {
	case r.pending:
		return ui.Probe{Pending: true}
	case r.err != nil:
		return ui.Probe{Err: probeReason(r.err)}
	case r.info == nil:
		return ui.Probe{Pending: true}
	}
	i := r.info
	return ui.Probe{MIME: i.MIME, Kind: string(i.Kind), Size: i.Size, Width: i.Width, Height: i.Height,
		Duration: i.Duration, Category: i.Category}
}

// View draws the pane in exactly its size.
func (p Picker) View(st ui.Styles, focused bool) string {
	inner := p.width - 4
	title := "Files " + ansi.TruncateLeft(p.dir, max(len([]rune(p.dir))-(inner-12), 0), "…")
	rows := p.listRows()
	body := make([]string, 0, rows+1)
	switch {
	case p.loading:
		body = append(body, st.Dim.Render("reading the folder…"))
	case p.err != nil:
		body = append(body, st.Err.Render(ui.OneLine(p.err.Error())))
	case len(p.entries) == 0:
		body = append(body, st.Dim.Render("no media files or folders here (⌫ goes up)"))
	}
	var cursorProbe probeResult
	for i := p.offset; i < len(p.entries) && i < p.offset+rows; i++ {
		e := p.entries[i]
		path := filepath.Join(p.dir, e.name)
		detail := ""
		if i == p.cursor && !e.dir {
			cursorProbe = p.probes[path]
			detail = ui.ProbeText(st, probeView(cursorProbe))
		}
		body = append(body, ui.EntryRow(st, ui.Entry{Name: e.name, Dir: e.dir, Marked: p.marked[path],
			Queued: p.queued[path]}, i == p.cursor, focused, inner, detail))
	}
	for len(body) < rows {
		body = append(body, "")
	}
	body = append(body[:rows], p.footer(st, cursorProbe))
	return ui.Box(st, title, focused, p.width, p.height, body)
}

// footer is the line under the list: the full reason a file cannot be
// uploaded, or what enter will do.
func (p Picker) footer(st ui.Styles, cur probeResult) string {
	if cur.err != nil {
		return st.Err.Render(ui.OneLine(probeReason(cur.err)))
	}
	if n := len(p.marked); n > 0 {
		return st.Marked.Render(fmt.Sprintf("%d selected", n)) + st.Dim.Render(" · enter queues them · space unselects")
	}
	return st.Dim.Render("space selects · enter queues the file (or opens the folder) · ⌫ parent folder")
}
