package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Bytes formats a byte count compactly for a row: "812B", "64KB", "4.2MB",
// "612MB". Units are powers of 1024; one decimal below 10 of a unit.
func Bytes(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10) + "B"
	}
	units := []string{"KB", "MB", "GB", "TB"}
	v := float64(n) / 1024
	u := 0
	for u < len(units)-1 && v >= 1023.95 {
		v /= 1024
		u++
	}
	if v < 9.95 {
		return strconv.FormatFloat(v, 'f', 1, 64) + units[u]
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + units[u]
}

// Rate formats bytes per second: "1.2MB/s"; "" when there is no rate yet.
func Rate(bps float64) string {
	if bps <= 0 {
		return ""
	}
	return Bytes(int64(bps)) + "/s"
}

// Duration formats a span for ETAs and expiry, coarsely and never longer
// than needed: "4s", "2m05s", "23h59m", "14d23h". Negative spans read "0s".
// Spans are truncated, not rounded: an expiry never looks later than it is.
func Duration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	case s < 48*3600:
		return fmt.Sprintf("%dh%02dm", s/3600, (s%3600)/60)
	default:
		return fmt.Sprintf("%dd%02dh", s/86400, (s%86400)/3600)
	}
}

// ETA is the time left at a rate, as Duration formats it; "" when unknown.
func ETA(total, sent int64, bps float64) string {
	if bps <= 0 || total <= 0 || sent >= total {
		return ""
	}
	return Duration(time.Duration(float64(total-sent) / bps * float64(time.Second)))
}

// Clock formats a video length: "0:07", "2:20", "1:04:09".
func Clock(d time.Duration) string {
	s := int64((d + 500*time.Millisecond) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, (s%3600)/60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// OneLine folds a message onto one line (errors can carry newlines).
func OneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
