package model

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/mediaup/mediaup/ui"
	"github.com/mediaup/mediaup/uploader"
	"github.com/mediaup/mediaup/uploader/media"
	"github.com/mediaup/mediaup/uploader/tweet"
)

// editKind is which text input of the queue is open.
type editKind int

const (
	editNone editKind = iota
	editAlt
	editOwners
)

// noticeMsg puts a one-line message on the notice line.
type noticeMsg struct {
	text string
	err  bool
}

// notify returns a command that shows a notice.
func notify(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return noticeMsg{text: text, err: isErr} }
}

// Queue shows one row per job, applies the manager's event batches, runs the
// row actions (pause/resume, cancel, retry, remove, attach, alt text,
// owners) and decides which ready media the tweet carries. Every row's bar
// is the one shared progress model, and every processing row shows the one
// shared spinner.
type Queue struct {
	km  KeyMap
	mgr Manager

	order []uploader.JobID
	jobs  map[uploader.JobID]uploader.Event
	// attach holds explicit `t` choices; rows without one follow the default
	// (every ready file while the set fits one tweet).
	attach map[uploader.JobID]bool
	// readySeq orders ready jobs by when they became ready, so the default
	// attachments do not change under the user when an earlier row finishes
	// later.
	readySeq map[uploader.JobID]int
	nextSeq  int
	// manual: a post has gone out, so from now on only rows attached with
	// t ride along; nothing is attached by default behind the operator.
	manual bool
	alt    map[uploader.JobID]string
	owners map[uploader.JobID][]string

	cursor, offset int

	editing editKind
	editJob uploader.JobID
	input   textinput.Model

	bar      progress.Model
	spin     spinner.Model
	spinning bool

	now           time.Time
	redact        func(string) string
	width, height int
}

// orbit is the processing spinner: a dot going round in quadrant blocks,
// which nearly every terminal font has (braille spinners show as boxes in
// some).
var orbit = spinner.Spinner{Frames: []string{"▖", "▘", "▝", "▗"}, FPS: time.Second / 6}

// newQueue makes an empty queue.
func newQueue(km KeyMap, mgr Manager, st ui.Styles) Queue {
	in := textinput.New()
	q := Queue{km: km, mgr: mgr, jobs: map[uploader.JobID]uploader.Event{}, attach: map[uploader.JobID]bool{},
		readySeq: map[uploader.JobID]int{},
		alt:      map[uploader.JobID]string{}, owners: map[uploader.JobID][]string{}, input: in,
		spin: spinner.New(spinner.WithSpinner(orbit)), redact: func(s string) string { return s }}
	q.setStyles(st)
	return q
}

// setStyles rebuilds the shared bar and spinner in the styles' colours.
func (q *Queue) setStyles(st ui.Styles) {
	w := q.bar.Width()
	q.bar = progress.New(progress.WithoutPercentage(), progress.WithFillCharacters(st.BarFullChar, st.BarEmptyChar))
	q.bar.FullColor, q.bar.EmptyColor = st.BarFull, st.BarEmpty
	if w > 0 {
		q.bar.SetWidth(w)
	}
	q.spin.Style = st.Warn
	q.input.SetStyles(st.TextInput)
}

// SetSize sets the pane's outer size, borders included.
func (q *Queue) SetSize(w, h int) {
	q.width, q.height = w, h
	q.bar.SetWidth(ui.BarWidth(w - 4))
	q.input.SetWidth(max(w-4-len(q.input.Prompt)-1, 1))
	q.offset = ui.Scroll(len(q.order), q.listRows(), q.cursor, q.offset)
}

// listRows is how many job rows fit: the inside height less the detail line.
func (q Queue) listRows() int { return max(q.height-3, 1) }

// Len is the number of jobs shown.
func (q Queue) Len() int { return len(q.order) }

// Editing reports whether a text input (alt text, owners) is open.
func (q Queue) Editing() bool { return q.editing != editNone }

// Selected returns the job under the cursor.
func (q Queue) Selected() (uploader.Event, bool) {
	if q.cursor < 0 || q.cursor >= len(q.order) {
		return uploader.Event{}, false
	}
	return q.jobs[q.order[q.cursor]], true
}

// Busy reports whether any job still has work to do (queued, probing,
// uploading or processing); paused and finished jobs do not count.
func (q Queue) Busy() int {
	n := 0
	for _, id := range q.order {
		if ph := q.jobs[id].Phase; !ph.Final() && ph != uploader.PhasePaused {
			n++
		}
	}
	return n
}

// anyProcessing reports whether a row shows the spinner.
func (q Queue) anyProcessing() bool {
	for _, id := range q.order {
		if q.jobs[id].Phase == uploader.PhaseProcessing {
			return true
		}
	}
	return false
}

// apply takes one batch of events: each is the whole state of its job, so
// the last one per job wins. It starts the spinner when a row is processing.
func (q *Queue) apply(evs []uploader.Event) tea.Cmd {
	for _, ev := range evs {
		if ev.Removed {
			q.drop(ev.Job)
			continue
		}
		if _, ok := q.jobs[ev.Job]; !ok {
			q.order = append(q.order, ev.Job)
		}
		q.jobs[ev.Job] = ev
		_, seen := q.readySeq[ev.Job]
		switch {
		case ev.Phase == uploader.PhaseReady && !seen:
			q.nextSeq++
			q.readySeq[ev.Job] = q.nextSeq
		case ev.Phase != uploader.PhaseReady && seen:
			delete(q.readySeq, ev.Job)
			delete(q.attach, ev.Job)
		}
	}
	q.cursor = min(q.cursor, max(len(q.order)-1, 0))
	q.offset = ui.Scroll(len(q.order), q.listRows(), q.cursor, q.offset)
	if !q.spinning && q.anyProcessing() {
		q.spinning = true
		return q.spin.Tick
	}
	return nil
}

// drop forgets a removed job.
func (q *Queue) drop(id uploader.JobID) {
	if _, ok := q.jobs[id]; !ok {
		return
	}
	delete(q.jobs, id)
	delete(q.attach, id)
	delete(q.readySeq, id)
	delete(q.alt, id)
	delete(q.owners, id)
	for i, o := range q.order {
		if o == id {
			q.order = append(q.order[:i:i], q.order[i+1:]...)
			break
		}
	}
	if q.editing != editNone && q.editJob == id {
		q.closeInput()
	}
}

// Update handles the spinner, the row keys and the open text input.
func (q Queue) Update(msg tea.Msg) (Queue, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if !q.anyProcessing() {
			q.spinning = false
			return q, nil
		}
		var cmd tea.Cmd
		q.spin, cmd = q.spin.Update(msg)
		return q, cmd
	case tea.KeyPressMsg:
		if q.editing != editNone {
			return q.handleEditKey(msg)
		}
		return q.handleKey(msg)
	}
	if q.editing != editNone {
		var cmd tea.Cmd
		q.input, cmd = q.input.Update(msg)
		return q, cmd
	}
	return q, nil
}

func (q Queue) handleKey(msg tea.KeyPressMsg) (Queue, tea.Cmd) {
	n := len(q.order)
	move := func(to int) (Queue, tea.Cmd) {
		if n > 0 {
			q.cursor = min(max(to, 0), n-1)
			q.offset = ui.Scroll(n, q.listRows(), q.cursor, q.offset)
		}
		return q, nil
	}
	if to, ok := q.km.moveTarget(msg, q.cursor, q.listRows(), n); ok {
		return move(to)
	}
	ev, ok := q.Selected()
	if !ok {
		return q, nil
	}
	name := filepath.Base(ev.Path)
	fail := func(err error) tea.Cmd {
		if err == nil {
			return nil
		}
		// The row names the file; the folder would only push the reason off
		// the line.
		return notify(strings.Replace(err.Error(), ev.Path, name, 1), true)
	}
	switch {
	case key.Matches(msg, q.km.Pause):
		if ev.Phase == uploader.PhasePaused {
			return q, fail(q.mgr.Resume(ev.Job))
		}
		return q, fail(q.mgr.Pause(ev.Job))
	case key.Matches(msg, q.km.Cancel):
		return q, fail(q.mgr.Cancel(ev.Job))
	case key.Matches(msg, q.km.Retry):
		return q, fail(q.mgr.Retry(ev.Job))
	case key.Matches(msg, q.km.Remove):
		return q, fail(q.mgr.Remove(ev.Job))
	case key.Matches(msg, q.km.Attach):
		if ev.Phase != uploader.PhaseReady {
			return q, notify(name+" is "+ev.Phase.String()+": only a ready file can be attached", true)
		}
		on := !q.isAttached(ev.Job)
		q.attach[ev.Job] = on
		if on {
			return q, notify("attached "+name, false)
		}
		return q, notify("detached "+name, false)
	case key.Matches(msg, q.km.AltText):
		if ev.Kind == string(media.Video) {
			return q, notify(name+": X takes alt text for images and GIFs only", true)
		}
		return q, q.openInput(editAlt, ev.Job, "alt text: ", q.alt[ev.Job], tweet.MaxAltText)
	case key.Matches(msg, q.km.Owners):
		return q, q.openInput(editOwners, ev.Job, "owners: ", strings.Join(q.owners[ev.Job], ","), 0)
	}
	return q, nil
}

// openInput opens the text input for a job.
func (q *Queue) openInput(k editKind, id uploader.JobID, prompt, value string, limit int) tea.Cmd {
	q.editing, q.editJob = k, id
	q.input.Prompt = prompt
	q.input.CharLimit = limit
	q.input.SetWidth(max(q.width-4-len(prompt)-1, 1))
	q.input.SetValue(value)
	q.input.CursorEnd()
	return q.input.Focus()
}

// closeInput closes the text input without saving.
func (q *Queue) closeInput() {
	q.editing = editNone
	q.input.Blur()
	q.input.SetValue("")
}

func (q Queue) handleEditKey(msg tea.KeyPressMsg) (Queue, tea.Cmd) {
	switch {
	case key.Matches(msg, q.km.Leave):
		q.closeInput()
		return q, nil
	case key.Matches(msg, q.km.Save):
		ev := q.jobs[q.editJob]
		name := filepath.Base(ev.Path)
		value := q.input.Value()
		switch q.editing {
		case editAlt:
			text := strings.TrimSpace(value)
			if err := tweet.CheckAltText(text); err != nil {
				return q, notify(err.Error(), true) // keep the input open to fix it
			}
			q.alt[q.editJob] = text
			q.closeInput()
			return q, setAlt(q.mgr, ev.Job, name, text)
		case editOwners:
			owners, err := tweet.ParseOwners(value)
			if err != nil {
				return q, notify("owners: "+err.Error(), true) // keep the input open to fix it
			}
			if err := q.mgr.SetOwners(ev.Job, owners); err != nil {
				q.closeInput()
				return q, notify(err.Error(), true)
			}
			q.owners[q.editJob] = owners
			q.closeInput()
			if len(owners) == 0 {
				return q, notify(name+": no additional owners", false)
			}
			return q, notify(fmt.Sprintf("%s: additional owners %s", name, strings.Join(owners, ", ")), false)
		}
	}
	var cmd tea.Cmd
	q.input, cmd = q.input.Update(msg)
	return q, cmd
}

// isAttached says whether a job is in the set the tweet would carry now.
func (q Queue) isAttached(id uploader.JobID) bool {
	for _, ev := range q.attachments() {
		if ev.Job == id {
			return true
		}
	}
	return false
}

// kinds lists the media kinds of events.
func kinds(evs []uploader.Event) []media.Kind {
	ks := make([]media.Kind, len(evs))
	for i, ev := range evs {
		ks[i] = media.Kind(ev.Kind)
	}
	return ks
}

// attachments is the media the tweet would carry, in queue order: every
// ready row attached with `t`, then, until the first post, in the order they
// became ready, every other ready row not detached with `t` while the set
// still fits one tweet (at most 4 images, or 1 GIF, or 1 video).
func (q Queue) attachments() []uploader.Event {
	var set, rest []uploader.Event
	for _, id := range q.order {
		ev := q.jobs[id]
		if ev.Phase != uploader.PhaseReady {
			continue
		}
		on, chosen := q.attach[id]
		switch {
		case chosen && on:
			set = append(set, ev)
		case !chosen && !q.manual:
			rest = append(rest, ev)
		}
	}
	sort.SliceStable(rest, func(i, j int) bool { return q.readySeq[rest[i].Job] < q.readySeq[rest[j].Job] })
	for _, ev := range rest {
		if len(set) >= 4 || len(set) > 0 && set[0].Kind != string(media.Image) {
			break // nothing more fits one tweet (4 images, or 1 GIF or video alone)
		}
		if tweet.CheckAttachments(kinds(append(set[:len(set):len(set)], ev))) == nil {
			set = append(set, ev)
		}
	}
	pos := make(map[uploader.JobID]int, len(q.order))
	for i, id := range q.order {
		pos[id] = i
	}
	sort.SliceStable(set, func(i, j int) bool { return pos[set[i].Job] < pos[set[j].Job] })
	return set
}

// afterPost empties the composer of media: from now on only rows attached
// with t ride along, so a second ctrl+s never carries media by surprise,
// neither the posted rows nor a file that becomes ready later.
func (q *Queue) afterPost() {
	q.manual = true
	clear(q.attach)
}

// attachError explains why the attached set cannot go in one tweet, or nil.
func (q Queue) attachError() error { return setError(q.attachments()) }

// setError explains why a set of media cannot go in one tweet, or nil.
func setError(set []uploader.Event) error {
	if len(set) == 0 {
		return nil
	}
	return tweet.CheckAttachments(kinds(set))
}

// rowData turns an event into what ui draws.
func (q Queue) rowData(ev uploader.Event, attached bool) ui.Job {
	j := ui.Job{Name: filepath.Base(ev.Path), Phase: ev.Phase.String(), Kind: ev.Kind,
		TotalBytes: ev.TotalBytes, SentBytes: ev.SentBytes, SegmentsAcked: ev.SegmentsAcked,
		SegmentsTotal: ev.SegmentsTotal, Rate: ev.Rate, Resumed: ev.Resumed, State: ev.State,
		Percent: ev.Percent, MediaID: ev.MediaID, Retryable: ev.Retryable, Attached: attached}
	if !ev.ExpiresAt.IsZero() && !q.now.IsZero() {
		j.ExpiresIn = ev.ExpiresAt.Sub(q.now)
	}
	if ev.Err != nil {
		// The row shows the name already; the detail line has the full text.
		j.Err = q.redact(uploader.Reason(ev.Err))
	}
	return j
}

// summary counts jobs by phase for the status line: "3 files · 1 ready".
func (q Queue) summary() string {
	if len(q.order) == 0 {
		return "no files queued"
	}
	count := map[uploader.Phase]int{}
	for _, id := range q.order {
		count[q.jobs[id].Phase]++
	}
	parts := []string{plural(len(q.order), "file")}
	for _, ph := range []uploader.Phase{uploader.PhaseUploading, uploader.PhaseProcessing, uploader.PhaseQueued,
		uploader.PhasePaused, uploader.PhaseReady, uploader.PhaseFailed, uploader.PhaseCanceled} {
		if c := count[ph]; c > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c, ph))
		}
	}
	return strings.Join(parts, " · ")
}

// plural is "1 file", "2 files".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// View draws the pane in exactly its size; attached is the media the
// tweet would carry (attachments, computed once per screen by the root).
func (q Queue) View(st ui.Styles, focused bool, attached []uploader.Event) string {
	inner := q.width - 4
	rows := q.listRows()
	att := make(map[uploader.JobID]bool, len(attached))
	for _, ev := range attached {
		att[ev.Job] = true
	}
	body := make([]string, 0, rows+1)
	if len(q.order) == 0 {
		body = append(body, st.Dim.Render("nothing queued yet: pick files in the Files pane (enter queues them)"))
	}
	opts := ui.RowOptions{Focused: focused, Spinner: q.spin.View(), Bar: q.bar}
	for i := q.offset; i < len(q.order) && i < q.offset+rows; i++ {
		ev := q.jobs[q.order[i]]
		opts.Cursor = i == q.cursor
		body = append(body, ui.JobRow(st, q.rowData(ev, att[ev.Job]), inner, opts))
	}
	for len(body) < rows {
		body = append(body, "")
	}
	body = append(body[:rows], q.detail(st))
	title := "Queue"
	if n := len(q.order); n > rows {
		title = fmt.Sprintf("Queue %d–%d of %d", q.offset+1, min(q.offset+rows, n), n)
	}
	return ui.Box(st, title, focused, q.width, q.height, body)
}

// detail is the line under the rows: the open text input, or more about the
// job under the cursor (the full failure reason, alt text and owners).
func (q Queue) detail(st ui.Styles) string {
	if q.editing != editNone {
		return q.input.View()
	}
	ev, ok := q.Selected()
	if !ok {
		return ""
	}
	if ev.Err != nil && (ev.Phase == uploader.PhaseFailed || ev.Phase == uploader.PhaseCanceled) {
		// The full path would push X's reason off the line: name the file only.
		msg := uploader.Reason(ev.Err)
		return st.Err.Render(ui.OneLine(q.redact(filepath.Base(ev.Path) + ": " + msg)))
	}
	var parts []string
	if ev.Note != "" {
		parts = append(parts, ev.Note)
	}
	if ev.Category != "" {
		parts = append(parts, ev.Category)
	}
	if ev.Width > 0 && ev.Height > 0 {
		parts = append(parts, fmt.Sprintf("%d×%d", ev.Width, ev.Height))
	}
	if ev.Duration > 0 {
		parts = append(parts, ui.Clock(ev.Duration))
	}
	if a := q.alt[ev.Job]; a != "" {
		parts = append(parts, "alt: "+a)
	} else if ev.Kind != string(media.Video) && ev.Kind != "" {
		parts = append(parts, "no alt text (a)")
	}
	if o := q.owners[ev.Job]; len(o) > 0 {
		parts = append(parts, "owners: "+strings.Join(o, ","))
	}
	if ev.Retries > 0 {
		parts = append(parts, plural(ev.Retries, "request")+" repeated")
	}
	if len(parts) == 0 {
		return st.Dim.Render(ev.Path)
	}
	return st.Dim.Render(strings.Join(parts, " · "))
}
