//go:build unix

package store

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The crash test runs this test binary again as a child process (the
// TestHelperProcess pattern from os/exec's own tests). The child Acks
// segments and reports each one on stdout only after Ack has returned; the
// parent kills it with SIGKILL mid-way and checks the journal.
const (
	helperEnvDB   = "MEDIAUP_STORE_HELPER_DB"
	helperEnvKey  = "MEDIAUP_STORE_HELPER_KEY"
	helperEnvHold = "MEDIAUP_STORE_HELPER_HOLD" // only open the database and hold it
)

// TestHelperProcess is not a real test: it is the child of
// TestAckSurvivesSIGKILL and does nothing unless that test started it.
func TestHelperProcess(t *testing.T) {
	path, key := os.Getenv(helperEnvDB), os.Getenv(helperEnvKey)
	if path == "" || (key == "" && os.Getenv(helperEnvHold) == "") {
		return
	}
	s, err := Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	if key == "" {
		fmt.Fprintln(os.Stdout, "holding")
		io.Copy(io.Discard, os.Stdin)
		s.Close()
		os.Exit(0)
	}
	order := rand.Perm(MaxSegments)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := g; i < len(order); i += 4 {
				if err := s.Ack(key, order[i]); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(3)
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "acked %d\n", order[i]) // one write per line
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	fmt.Fprintln(os.Stdout, "all acked")
	// Wait to be killed (or for the parent to go away) so the kill always
	// lands on a live process holding the database.
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

func TestAckSurvivesSIGKILL(t *testing.T) {
	s, path := openTemp(t)
	sess := testSession("big.mp4", MaxSegments)
	mustBegin(t, s, sess)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnvDB+"="+path, helperEnvKey+"="+sess.Key)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}

	const killAfter = 150
	reported := make(map[int]bool)
	killed := false
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if n, ok := strings.CutPrefix(line, "acked "); ok {
			seg, err := strconv.Atoi(n)
			if err != nil {
				t.Fatalf("child wrote %q", line)
			}
			reported[seg] = true
		}
		if !killed && (len(reported) >= killAfter || line == "all acked") {
			if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
				t.Fatal(err)
			}
			killed = true
		}
		// Lines already in the pipe were written, so acked, before the kill.
	}
	err = cmd.Wait()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed by SIGKILL: %v; stderr:\n%s", err, stderr.String())
	}
	if len(reported) < killAfter {
		t.Fatalf("child reported only %d acks before dying; stderr:\n%s", len(reported), stderr.String())
	}
	t.Logf("child reported %d of %d segments acked before SIGKILL", len(reported), MaxSegments)

	s, err = Open(path) // the dead child's lock must be gone
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := mustSession(t, s, sess.Key)
	for seg := range reported {
		if !got.IsAcked(seg) {
			t.Errorf("segment %d was reported acked but is not in the journal", seg)
		}
	}
	// Acks committed but not yet printed when the kill landed are fine; the
	// journal must still be consistent and usable.
	if got.AckedCount() < len(reported) {
		t.Errorf("journal holds %d acks, fewer than the %d reported", got.AckedCount(), len(reported))
	}
	for _, seg := range got.Missing() {
		if err := s.Ack(sess.Key, seg); err != nil {
			t.Fatal(err)
		}
	}
	if got := mustSession(t, s, sess.Key); !got.Complete() {
		t.Errorf("resuming after the crash left %v missing", got.Missing())
	}
}

// TestOpenHeldByAnotherProcess checks the lock error against a real second
// process, and that the database opens once that process has gone.
func TestOpenHeldByAnotherProcess(t *testing.T) {
	path := t.TempDir() + "/state.db"
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnvDB+"="+path, helperEnvHold+"=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if line != "holding\n" {
		t.Fatalf("child said %q (%v); stderr:\n%s", line, err, stderr.String())
	}

	start := time.Now()
	s, err := Open(path)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded while another process holds the database")
	}
	if want := "state database " + path + " is in use by another mediaup process"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	if d := time.Since(start); d < LockTimeout/2 || d > LockTimeout+2*time.Second {
		t.Errorf("Open gave up after %v, want about %v", d, LockTimeout)
	}

	stdin.Close() // the child closes the database and exits
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v; stderr:\n%s", err, stderr.String())
	}
	s, err = Open(path)
	if err != nil {
		t.Fatalf("Open after the other process exited: %v", err)
	}
	s.Close()
}
