package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mediaup/mediaup/config"
	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/sandbox/sandboxtest"
	"github.com/mediaup/mediaup/uploader/store"
)

func runHistoryCmd(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(append([]string{"history"}, args...), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// uploadOne uploads path headlessly and returns its media ID.
func uploadOne(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	path := args[len(args)-1]
	if code := run(append([]string{"upload"}, args...), strings.NewReader(""), &out, &errOut); code != exitOK {
		t.Fatalf("upload %s: exit %d\n%s%s", path, code, out.String(), errOut.String())
	}
	m := regexp.MustCompile(regexp.QuoteMeta(path) + `\t(\d+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("upload printed no media ID for %s:\n%s", path, out.String())
	}
	return m[1]
}

func decodeHistory(t *testing.T, out string) []historyJSON {
	t.Helper()
	var all []historyJSON
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var h historyJSON
		if err := json.Unmarshal(sc.Bytes(), &h); err != nil {
			t.Fatalf("history --json line %q: %v", sc.Text(), err)
		}
		all = append(all, h)
	}
	return all
}

func TestHistoryEmpty(t *testing.T) {
	cmdTestEnv(t)
	code, out, errOut := runHistoryCmd()
	if code != exitOK || !strings.Contains(out, "No uploads recorded yet") || errOut != "" {
		t.Errorf("exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	if _, err := os.Stat(store.DefaultPath()); !os.IsNotExist(err) {
		t.Errorf("history created a state file just to read it (stat: %v)", err)
	}
	code, out, _ = runHistoryCmd("--json")
	if code != exitOK || out != "" {
		t.Errorf("--json with no history: exit %d, %q", code, out)
	}
}

func TestHistoryListsUploadsNewestFirst(t *testing.T) {
	cmdTestEnv(t)
	demoEnv(t)
	_, ts := sandboxtest.New(t, sandbox.Options{})
	demo := sandbox.DemoAccount()

	png := sampleFile(t, "sample.png")
	gif := sampleFile(t, "sample.gif")
	pngID := uploadOne(t, "--base-url", ts.URL, png)
	gifID := uploadOne(t, "--base-url", ts.URL, "--api", "v1.1", "--owners", "3805104374,783214", gif)

	code, out, errOut := runHistoryCmd("--json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	all := decodeHistory(t, out)
	if len(all) != 2 {
		t.Fatalf("history has %d entries, want 2:\n%s", len(all), out)
	}
	if all[0].MediaID != gifID || all[1].MediaID != pngID {
		t.Errorf("order: %s, %s; want the newest (%s) first, then %s", all[0].MediaID, all[1].MediaID, gifID, pngID)
	}
	if all[0].File != gif || all[1].File != png {
		t.Errorf("files %q, %q; want %q, %q", all[0].File, all[1].File, gif, png)
	}
	for _, h := range all {
		exp, err := time.Parse(time.RFC3339, h.ExpiresAt)
		if err != nil || h.Expired || time.Until(exp) < time.Hour {
			t.Errorf("%s: expires %q, expired %v; want a valid future expiry", h.MediaID, h.ExpiresAt, h.Expired)
		}
		// Environment credentials carry no user ID: the token's numeric prefix names the account.
		if h.Account != demo.UserID || h.BaseURL != ts.URL || h.Size == 0 || len(h.SHA256) != 64 {
			t.Errorf("%+v: want account %s, base URL %s, size and hash", h, demo.UserID, ts.URL)
		}
	}
	if all[0].Dialect != "v1.1" || all[1].Dialect != "v2" {
		t.Errorf("dialects %q, %q", all[0].Dialect, all[1].Dialect)
	}
	// The category is the real media_category; owners are a list of their own.
	if all[0].Category != "tweet_gif" || strings.Join(all[0].Owners, ",") != "3805104374,783214" || all[1].Category != "tweet_image" || all[1].Owners != nil {
		t.Errorf("category and owners: %q %v, %q %v", all[0].Category, all[0].Owners, all[1].Category, all[1].Owners)
	}

	code, out, _ = runHistoryCmd()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if code != exitOK || len(lines) != 3 {
		t.Fatalf("exit %d, want a header and 2 rows:\n%s", code, out)
	}
	for _, col := range []string{"UPLOADED", "FILE", "MEDIA ID", "EXPIRES", "ACCOUNT", "BASE URL"} {
		if !strings.Contains(lines[0], col) {
			t.Errorf("header lacks %s: %q", col, lines[0])
		}
	}
	for i, want := range []struct{ file, id string }{{gif, gifID}, {png, pngID}} {
		row := lines[i+1]
		for _, s := range []string{want.file, want.id, "in 2", demo.UserID, ts.URL} {
			if !strings.Contains(row, s) {
				t.Errorf("row %d lacks %q: %q", i+1, s, row)
			}
		}
	}
}

func TestHistoryMarksExpiredAndNamesAccounts(t *testing.T) {
	cfgPath := cmdTestEnv(t)
	// A profile that knows the account's handle.
	f := &config.File{Profiles: map[string]config.Profile{"me": {UserID: "42", ScreenName: "answer"}}}
	if err := f.Save(cfgPath); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(store.DefaultPath())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, r := range []store.Ready{
		{Key: "old", MediaID: "111", ExpiresAt: now.Add(-2 * time.Hour), Created: now.Add(-26 * time.Hour),
			File: store.Fingerprint{Path: "/m/old.png"}, Account: "42", BaseURL: "https://api.x.com"},
		{Key: "new", MediaID: "222", ExpiresAt: now.Add(3 * time.Hour), Created: now.Add(-time.Hour),
			File: store.Fingerprint{Path: "/m/new.mp4"}, Account: "7", BaseURL: "https://api.x.com"},
	} {
		if err := st.Finish(r.Key, r); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	code, out, errOut := runHistoryCmd()
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want a header and 2 rows:\n%s", out)
	}
	if !strings.Contains(lines[1], "222") || !strings.Contains(lines[1], "in 3h") || !strings.Contains(lines[1], " 7 ") {
		t.Errorf("newest row: %q", lines[1])
	}
	if !strings.Contains(lines[2], "111") || !strings.Contains(lines[2], "expired 2h ago") || !strings.Contains(lines[2], "42 (@answer)") {
		t.Errorf("expired row: %q", lines[2])
	}

	_, out, _ = runHistoryCmd("--json")
	all := decodeHistory(t, out)
	if len(all) != 2 || all[0].Expired || !all[1].Expired {
		t.Errorf("--json expired flags: %+v", all)
	}
}

func TestHistoryBadInput(t *testing.T) {
	cmdTestEnv(t)
	for _, args := range [][]string{{"extra"}, {"--frobnicate"}} {
		code, out, errOut := runHistoryCmd(args...)
		if code != exitUsage || out != "" || errOut == "" {
			t.Errorf("history %q: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}
