package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mediaup/mediaup/uploader/tweet"
	"github.com/mediaup/mediaup/xapi"
)

// statusRun is one `mediaup status` invocation.
type statusRun struct {
	io   *IOStreams
	conn connectOptions
	json bool
	args []string // exactly one media ID, checked by run
}

func newStatusCmd(e *env, runF func(*statusRun) error) *cobra.Command {
	r := &statusRun{io: e.io}
	r.conn.errOut = e.io.ErrOut
	cmd := &cobra.Command{
		Use:   "status [--json] [--profile NAME] [--api v2|v1.1] [--base-url URL] MEDIA_ID",
		Short: "Ask X once where processing of a media ID stands",
		Long: `Asks X once where processing of an uploaded media stands: state, percent,
expiry and X's error, if any.

Exit status: 0 when X answered and the media has not failed, 1 when X refused
the call or the media failed processing, 2 on usage or configuration errors.`,
		Args:              cobra.ArbitraryArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(_ *cobra.Command, args []string) error {
			r.args = args
			return runWith(r, runF, (*statusRun).run)
		},
	}
	cmd.Flags().BoolVar(&r.json, "json", false, "print one JSON object on stdout")
	r.conn.register(cmd, false)
	return cmd
}

// run makes one STATUS call for a media ID and prints where X's
// processing stands.
func (r *statusRun) run() error {
	stdout := r.io.Out
	conn, jsonOut := r.conn, &r.json
	if len(r.args) != 1 {
		return usageErrorf("give exactly one media ID: mediaup status [flags] MEDIA_ID")
	}
	id := strings.TrimSpace(r.args[0])
	if !tweet.IsID(id) {
		return usageErrorf("%q is not a media ID; media IDs are numbers like 1880028106020515840 (the media_id that upload printed)", r.args[0])
	}

	t, err := connect(conn)
	if err != nil {
		return err
	}
	defer t.stop()
	scrub := t.redact

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	m, err := t.client.Status(ctx, id)
	now := time.Now()
	if err != nil {
		msg := scrub(err.Error())
		if *jsonOut {
			out := statusJSON{MediaID: id, Error: msg}
			var ae *xapi.APIError
			if errors.As(err, &ae) {
				out.Refusal = &statusRefusedJS{HTTPStatus: ae.StatusCode, Code: ae.Code, Message: scrub(ae.Message)}
			}
			writeJSONLine(stdout, out)
			return errExitFailed
		}
		return refusedErrorf("media %s: %s", id, msg)
	}

	out := statusOf(m, now)
	if *jsonOut {
		writeJSONLine(stdout, out)
	} else {
		printStatus(stdout, m, out, now)
	}
	if !out.OK {
		return errExitFailed
	}
	return nil
}

// statusOf summarises a STATUS answer. A media without processing_info is
// one X has nothing more to do with: ready.
func statusOf(m *xapi.Media, now time.Time) statusJSON {
	out := statusJSON{OK: true, MediaID: m.ID, MediaKey: m.Key, State: "succeeded"}
	if p := m.Processing; p != nil {
		out.State = p.State
		if p.State == "in_progress" || p.Percent > 0 {
			pct := p.Percent
			out.Percent = &pct
		}
		out.CheckAfterSecs = p.CheckAfter.Seconds()
		if p.Error != nil {
			out.ProcessingError = &processingJSON{Code: p.Error.Code, Name: p.Error.Name, Message: p.Error.Message}
			out.OK = false
		}
		if p.State == "failed" {
			out.OK = false
		}
	}
	if !m.ExpiresAt.IsZero() {
		out.ExpiresAt = m.ExpiresAt.UTC().Format(time.RFC3339)
		out.ExpiresAfterSecs = int64(m.ExpiresAfter / time.Second)
		if !now.Before(m.ExpiresAt) {
			out.OK = false
		}
	}
	return out
}

// printStatus writes the readable form: one "field: value" line each.
func printStatus(w io.Writer, m *xapi.Media, s statusJSON, now time.Time) {
	fmt.Fprintf(w, "media     %s\n", s.MediaID)
	if s.MediaKey != "" {
		fmt.Fprintf(w, "key       %s\n", s.MediaKey)
	}
	state := s.State
	if m.Processing == nil {
		state += " (no processing pending)"
	}
	fmt.Fprintf(w, "state     %s\n", state)
	if s.Percent != nil {
		fmt.Fprintf(w, "progress  %d%%\n", *s.Percent)
	}
	if s.CheckAfterSecs > 0 {
		fmt.Fprintf(w, "check in  %s\n", time.Duration(s.CheckAfterSecs*float64(time.Second)))
	}
	if !m.ExpiresAt.IsZero() {
		fmt.Fprintf(w, "expires   %s (%s)\n", m.ExpiresAt.Local().Format("2006-01-02 15:04:05 MST"), untilText(m.ExpiresAt, now))
	}
	if e := s.ProcessingError; e != nil {
		fmt.Fprintf(w, "error     %s\n", (&xapi.ProcessingError{Code: e.Code, Name: e.Name, Message: e.Message}).Error())
	}
}

// untilText says how far t is from now: "in 23h59m" or "expired 5m ago".
func untilText(t, now time.Time) string {
	d := t.Sub(now)
	if d <= 0 {
		return "expired " + roughDuration(-d) + " ago"
	}
	return "in " + roughDuration(d)
}

// roughDuration shows a duration to the minute, like 23h59m, 3h or 12m
// (to the second under a minute).
func roughDuration(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Second).String()
	}
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", m)
	case m == 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dh%dm", h, m)
}

func writeJSONLine(w io.Writer, v any) {
	b, _ := json.Marshal(v)
	fmt.Fprintf(w, "%s\n", b)
}
