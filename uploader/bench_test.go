package uploader

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mediaup/mediaup/sandbox"
	"github.com/mediaup/mediaup/xapi"
)

// BenchmarkWANSpeedup uploads a 16 MB video over a shaped link (100 ms
// added to every response, 8 MB/s per connection) twice per iteration:
// once the way xurl and tweepy do (4 MiB segments, one at a time) and
// once with mediaup's defaults (4 MiB segments, 4 in flight). It reports
// both times and their ratio, measured in the same run.
//
//	go test -run '^$' -bench WANSpeedup -benchtime 3x ./uploader
func BenchmarkWANSpeedup(b *testing.B) {
	e := newBenchEnv(b, sandbox.Options{Latency: 100 * time.Millisecond, Bandwidth: 8 << 20})
	file := bigMP4(b, e.sample("sample.mp4"), 16<<20)
	var seq, par time.Duration
	for i := 0; i < b.N; i++ {
		seq += timeUpload(b, Config{Client: e.cl, ChunkSize: 4 << 20, Segments: 1}, file)
		par += timeUpload(b, Config{Client: e.cl, ChunkSize: 4 << 20, Segments: 4}, file)
	}
	b.ReportMetric(seq.Seconds()/float64(b.N), "s/sequential")
	b.ReportMetric(par.Seconds()/float64(b.N), "s/mediaup")
	b.ReportMetric(seq.Seconds()/par.Seconds(), "speedup")
}

// timeUpload is the time from Add until the last segment is acknowledged
// (the job enters processing); X's processing time is the same either way.
func timeUpload(b *testing.B, cfg Config, file string) time.Duration {
	m := NewManager(cfg)
	defer m.Close()
	start := time.Now()
	var uploaded time.Duration
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range m.Events() {
			if ev.Phase == PhaseProcessing && uploaded == 0 {
				uploaded = time.Since(start)
			}
		}
	}()
	id := m.Add(file, JobOptions{})
	if err := m.Wait(context.Background()); err != nil {
		b.Fatal(err)
	}
	if ev, _ := m.Job(id); ev.Phase != PhaseReady {
		b.Fatalf("%s: %v", ev.Phase, ev.Err)
	}
	m.Close()
	<-done
	return uploaded
}

func newBenchEnv(b *testing.B, opts sandbox.Options) *env {
	b.Helper()
	return newEnv(b, xapi.V2, opts)
}

// BenchmarkMemoryFlat uploads a 16 MB and a 256 MB video to a sandbox in
// another process (so only the client's memory is measured here) and
// reports the peak heap in use during each. Streaming from an
// io.SectionReader keeps it near workers × segments × buffer, whatever
// the file size.
//
//	go test -run '^$' -bench MemoryFlat -benchtime 1x ./uploader
func BenchmarkMemoryFlat(b *testing.B) {
	base := startSandboxProcess(b)
	a := sandbox.DemoAccount()
	cl, err := xapi.NewClient(xapi.Options{BaseURL: base, Credentials: xapi.Credentials{ConsumerKey: a.ConsumerKey, ConsumerSecret: a.ConsumerSecret, AccessToken: a.AccessToken, AccessSecret: a.AccessSecret}})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	sample := filepath.Join("..", "assets", "sample.mp4")
	for _, size := range []int64{16 << 20, 256 << 20} {
		file := bigMP4(b, sample, size)
		os.Rename(file, filepath.Join(dir, fmt.Sprintf("v%d.mp4", size)))
		file = filepath.Join(dir, fmt.Sprintf("v%d.mp4", size))
		b.Run(fmt.Sprintf("%dMB", size>>20), func(b *testing.B) {
			var peak uint64
			for i := 0; i < b.N; i++ {
				runtime.GC()
				var stop atomic.Bool
				done := make(chan struct{})
				go func() {
					defer close(done)
					var ms runtime.MemStats
					for !stop.Load() {
						runtime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapInuse)
						time.Sleep(5 * time.Millisecond)
					}
				}()
				evs := runAll(b, Config{Client: cl}, []string{file}, JobOptions{})
				stop.Store(true)
				<-done
				if evs[0].Phase != PhaseReady {
					b.Fatalf("%s: %v", evs[0].Phase, evs[0].Err)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.SetBytes(size)
		})
	}
}

// startSandboxProcess builds mediaup and runs `mediaup sandbox` on a free port.
func startSandboxProcess(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "mediaup")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "sandbox", "--addr", addr, "--processing", "0s")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if strings.Contains(sc.Text(), addr) {
			break
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "http://" + addr
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Fatal("sandbox did not start")
	return ""
}
