package cli

import (
	"fmt"
	"strconv"
	"strings"
)

// parseSize reads sizes like 4MB, 512KB, 1.5MiB or 1048576 (bytes), with
// an optional "/s". KB and MB are 1024-based, as X's own limits are.
// Empty means 0 (the default).
func parseSize(s string) (int64, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "/s")
	if s == "" {
		return 0, nil
	}
	num := strings.TrimRight(s, "KMGiBbk")
	unit := strings.ToUpper(strings.TrimSpace(s[len(num):]))
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not a size like 4MB or 512KB", s)
	}
	mult := map[string]float64{"": 1, "B": 1, "K": 1 << 10, "KB": 1 << 10, "KIB": 1 << 10,
		"M": 1 << 20, "MB": 1 << 20, "MIB": 1 << 20, "G": 1 << 30, "GB": 1 << 30, "GIB": 1 << 30}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("%q has an unknown unit %q: use B, KB, MB or GB", s, unit)
	}
	return int64(v * mult), nil
}
