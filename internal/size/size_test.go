package size

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{
		{"0", 0}, {"1000", 1000}, {"250B", 250}, {"512KB", 512 << 10}, {"4MB", 4 << 20},
		{"1.5MiB", 3 << 19}, {"800kB/s", 800 << 10}, {"64KiB/s", 64 << 10}, {" 3 mb ", 3 << 20},
		{"1GB", 1 << 30}, {"2g", 2 << 30}, {"5M", 5 << 20}, {"1k", 1024},
		{"8589934591GB", 8589934591 << 30},
	} {
		got, err := Parse(c.in)
		if err != nil || got != c.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", `"" is not a size like 4MB or 512KB`},
		{"lots", `"lots" is not a size like 4MB or 512KB`},
		{"MB", `"MB" is not a size like 4MB or 512KB`},
		{"1.2.3MB", `"1.2.3MB" is not a size like 4MB or 512KB`},
		{"NaN", `"NaN" is not a size like 4MB or 512KB`},
		{"Inf", `"Inf" is not a size like 4MB or 512KB`},
		{"-1MB", `"-1MB" is negative: a size is 0 or more bytes`},
		{"4TB", `"4TB" has an unknown unit "TB": use B, KB, MB or GB (1 KB = 1024 bytes)`},
		{"10XB", `"10XB" has an unknown unit "XB"`},
		{"8589934592GB", `"8589934592GB" is too large: a size must be under 8 EiB`},
		{"1e400", `"1e400" has an unknown unit "e400"`},
		{"99999999999999999999", `is too large`},
		{"0.5B", `"0.5B" is less than 1 byte`},
	} {
		got, err := Parse(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %d, %v; want an error containing %q", c.in, got, err, c.want)
		}
	}
}

func TestFormat(t *testing.T) {
	for in, want := range map[int64]string{0: "0 bytes", 1: "1 byte", 512: "512 bytes", 4 << 20: "4 MB", 1536: "1.5 KB"} {
		if got := Format(in); got != want {
			t.Errorf("Format(%d) = %q, want %q", in, got, want)
		}
		if in > 1 {
			if back, err := Parse(strings.ReplaceAll(strings.TrimSuffix(Format(in), "ytes"), " ", "")); err != nil || back != in {
				t.Errorf("Parse(Format(%d)) = %d, %v", in, back, err)
			}
		}
	}
}

func TestFormatRounding(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   int64
		want string
	}{
		{0, "0 bytes"},
		{1, "1 byte"},
		{1023, "1023 bytes"},
		{1024, "1 KB"},
		{1536, "1.5 KB"},
		{64 << 10, "64 KB"},
		{104858, "102 KB"},
		{1047552, "1023 KB"},
		{1048064, "1 MB"}, // 1023.5 KB rounds to the next unit, not "1024 KB"
		{4404019, "4.2 MB"},
		{5 << 20, "5 MB"}, // X's image limit
		{5<<20 + 1, "5 MB"},
		{16<<20 + 300<<10, "16.3 MB"},
		{612 << 20, "612 MB"},
		{1 << 30, "1 GB"},
		{5 << 40, "5 TB"},
		{-2048, "-2 KB"},
	}
	for _, c := range cases {
		if got := Format(c.in); got != c.want {
			t.Errorf("Format(%d) = %q, want %q", c.in, got, c.want)
		}
	}
}
