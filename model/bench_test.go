package model

import (
	"fmt"
	"testing"
	"time"

	"github.com/mediaup/mediaup/uploader"
)

// bigQueue is an app with n jobs in mixed phases.
func bigQueue(tb testing.TB, n int) *App {
	tb.Helper()
	a := newTestApp(tb, 120, 40)
	evs := make([]uploader.Event, 0, n)
	for i := 1; i <= n; i++ {
		id := uploader.JobID(i)
		path := fmt.Sprintf("/m/file%04d.mp4", i)
		switch i % 4 {
		case 0:
			evs = append(evs, readyEv(id, path, "image"))
		case 1:
			e := ev(id, path, uploader.PhaseUploading)
			e.TotalBytes, e.SentBytes, e.SegmentsAcked, e.SegmentsTotal, e.Rate = 40<<20, 10<<20, 2, 10, 3<<20
			evs = append(evs, e)
		case 2:
			e := ev(id, path, uploader.PhaseProcessing)
			e.State, e.Percent = "in_progress", 30
			evs = append(evs, e)
		default:
			evs = append(evs, ev(id, path, uploader.PhaseQueued))
		}
	}
	apply(a, evs...)
	return a
}

// TestLargeQueueStaysCheap guards the "hundreds of files" case: applying a
// batch and drawing a screen stay well under a frame even with 2000 jobs.
func TestLargeQueueStaysCheap(t *testing.T) {
	a := bigQueue(t, 2000)
	start := time.Now()
	for i := 0; i < 20; i++ {
		_ = a.Render()
	}
	if per := time.Since(start) / 20; per > 50*time.Millisecond {
		t.Errorf("one screen of a 2000-job queue takes %v", per)
	}
	checkFits(t, a, 120, 40)
}

func BenchmarkRenderLargeQueue(b *testing.B) {
	a := bigQueue(b, 2000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = a.Render()
	}
}
