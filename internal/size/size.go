// Package size reads and writes the byte sizes of mediaup's size flags
// (--chunk-size, --limit-rate, the sandbox's --bandwidth), so every flag
// means the same thing by KB and MB. It is a leaf: the sandbox may use it.
package size

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Units is the help text's sentence on what the units mean.
const Units = "KB, MB and GB are 1024-based, as X's own limits are (1 KB = 1024 bytes)."

// Parse reads a size such as 4MB, 512KB, 1.5MiB, 800kB/s or 1048576 and
// returns it in bytes. KB, MB and GB are 1024-based, as X's own limits are
// (1 KB = 1024 bytes); KiB, MiB and GiB mean the same and K, M, G are short
// for them; case does not matter and a trailing "/s" is optional. NaN, Inf,
// negative values, values over the int64 range and unknown units are refused.
func Parse(s string) (int64, error) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "/s"))
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.TrimSpace(t[i:])
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("%q is negative: a size is 0 or more bytes", s)
	}
	v, err := strconv.ParseFloat(num, 64)
	if num == "" || err != nil {
		return 0, fmt.Errorf("%q is not a size like 4MB or 512KB", s)
	}
	mult, ok := units[strings.ToLower(unit)]
	if !ok {
		return 0, fmt.Errorf("%q has an unknown unit %q: use B, KB, MB or GB (1 KB = 1024 bytes)", s, unit)
	}
	b := v * mult
	if b >= math.MaxInt64 { // float64(MaxInt64) rounds up to 2^63, which does not fit
		return 0, fmt.Errorf("%q is too large: a size must be under 8 EiB", s)
	}
	if b != 0 && b < 1 {
		return 0, fmt.Errorf("%q is less than 1 byte", s)
	}
	return int64(b), nil
}

var units = map[string]float64{
	"": 1, "b": 1,
	"k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
	"m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
	"g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30,
}

// Format writes a byte count for messages in the units Parse reads: "0 bytes",
// "1 byte", "512 bytes", "64 KB", "4.2 MB", "612 MB". One decimal is shown
// below 100 of a unit, and dropped when it is zero.
func Format(bytes int64) string {
	if bytes < 0 {
		return "-" + Format(-bytes)
	}
	switch {
	case bytes == 1:
		return "1 byte"
	case bytes < 1024:
		return strconv.FormatInt(bytes, 10) + " bytes"
	}
	names := []string{"KB", "MB", "GB", "TB", "PB", "EB"}
	v := float64(bytes) / 1024
	u := 0
	for u < len(names)-1 && v >= 1023.5 { // would round to "1024 KB"
		v /= 1024
		u++
	}
	var s string
	if v < 99.95 {
		s = strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0")
	} else {
		s = strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	}
	return s + " " + names[u]
}
