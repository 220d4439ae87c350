package model

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mediaup/mediaup/uploader"
	"github.com/mediaup/mediaup/uploader/media"
)

// maxBatch bounds one eventsMsg so a flood of events still lets the UI draw.
const maxBatch = 256

// eventsMsg is a batch of job snapshots drained from the manager's channel.
// closed says the channel is closed: no more events will come.
type eventsMsg struct {
	events []uploader.Event
	closed bool
}

// listen waits for one event, then takes whatever else is already queued
// without blocking, and returns it all as one batch. Update re-arms it.
func listen(ch <-chan uploader.Event) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return eventsMsg{closed: true}
		}
		batch := []uploader.Event{ev}
		for len(batch) < maxBatch {
			select {
			case ev, ok := <-ch:
				if !ok {
					return eventsMsg{events: batch, closed: true}
				}
				batch = append(batch, ev)
			default:
				return eventsMsg{events: batch}
			}
		}
		return eventsMsg{events: batch}
	}
}

// entry is one line of a folder listing.
type entry struct {
	name string
	dir  bool
}

// dirReadMsg carries a folder's media files and subfolders.
type dirReadMsg struct {
	dir     string
	entries []entry
	err     error
}

// mediaExt are the extensions the picker shows (what X accepts).
var mediaExt = map[string]bool{
	".jpg": true, ".jpeg": true, ".png": true, ".webp": true, ".gif": true, ".mp4": true, ".mov": true,
}

// isMediaName reports whether a file name has a media extension.
func isMediaName(name string) bool { return mediaExt[strings.ToLower(filepath.Ext(name))] }

// readDir lists a folder: subfolders first, then media files, each sorted by
// name; hidden entries are left out.
func readDir(dir string) tea.Cmd {
	return func() tea.Msg {
		des, err := os.ReadDir(dir)
		if err != nil {
			return dirReadMsg{dir: dir, err: err}
		}
		var dirs, files []entry
		for _, de := range des {
			name := de.Name()
			if strings.HasPrefix(name, ".") {
				continue
			}
			isDir := de.IsDir()
			if de.Type()&os.ModeSymlink != 0 {
				if st, err := os.Stat(filepath.Join(dir, name)); err == nil {
					isDir = st.IsDir()
				}
			}
			switch {
			case isDir:
				dirs = append(dirs, entry{name: name, dir: true})
			case isMediaName(name):
				files = append(files, entry{name: name})
			}
		}
		sort.Slice(dirs, func(i, j int) bool { return dirs[i].name < dirs[j].name })
		sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
		return dirReadMsg{dir: dir, entries: append(dirs, files...)}
	}
}

// probedMsg is the probe result for one file.
type probedMsg struct {
	path string
	info *media.Info
	err  error
}

// probeFile probes a file against X's media rules.
func probeFile(path string) tea.Cmd {
	return func() tea.Msg {
		info, err := media.Probe(path, media.Options{})
		return probedMsg{path: path, info: info, err: err}
	}
}

// queueFilesMsg asks the root to hand files to the manager.
type queueFilesMsg struct{ paths []string }

// tweetPostedMsg is the outcome of a post.
type tweetPostedMsg struct {
	req    uploader.PostRequest
	result uploader.PostResult
}

// postTweet sends one post through the engine's poster, which records it
// first and never sends it twice. It runs once per key press and is never
// retried here: X has no idempotency key.
func postTweet(p Poster, req uploader.PostRequest) tea.Cmd {
	return func() tea.Msg {
		return tweetPostedMsg{req: req, result: p.Post(context.Background(), req)}
	}
}

// altSetMsg is the outcome of saving a job's alt text.
type altSetMsg struct {
	job  uploader.JobID
	name string
	err  error
}

// setAlt saves alt text through the manager, which calls X when the media
// is ready already (one request: never in Update).
func setAlt(m Manager, id uploader.JobID, name, text string) tea.Cmd {
	return func() tea.Msg {
		return altSetMsg{job: id, name: name, err: m.SetAltText(id, text)}
	}
}

// clockMsg moves the app's clock on, so expiry countdowns stay current.
type clockMsg time.Time

// clockEvery is how often the clock moves while nothing else happens.
const clockEvery = 30 * time.Second

// tickClock schedules the next clockMsg.
func tickClock() tea.Cmd {
	return tea.Tick(clockEvery, func(t time.Time) tea.Msg { return clockMsg(t) })
}
