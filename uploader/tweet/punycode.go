package tweet

import "unicode/utf8"

// punycodeLen returns the length of a domain label's ASCII (IDNA) form,
// "xn--" plus its Punycode encoding (RFC 3492), without building it. It is
// used only to apply DNS's 63-character limit to labels written in other
// scripts, as twitter-text does. Labels are not case-folded or NFKC-mapped
// first, which can change the length by a little for exotic input.
func punycodeLen(label string) int {
	const (
		base, tmin, tmax   = 36, 1, 26
		skew, damp         = 38, 700
		initialBias, initN = 72, 128
	)
	runes := make([]rune, 0, utf8.RuneCountInString(label))
	basic := 0
	for _, r := range label {
		runes = append(runes, r)
		if r < 0x80 {
			basic++
		}
	}
	if basic == len(runes) {
		return len(runes)
	}
	out := basic
	if basic > 0 {
		out++ // the '-' delimiter
	}
	adapt := func(delta, numPoints int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / numPoints
		k := 0
		for delta > ((base-tmin)*tmax)/2 {
			delta /= base - tmin
			k += base
		}
		return k + (base-tmin+1)*delta/(delta+skew)
	}
	n, delta, bias, h := initN, 0, initialBias, basic
	for h < len(runes) {
		m := rune(0x7FFFFFFF)
		for _, r := range runes {
			if int(r) >= n && r < m {
				m = r
			}
		}
		delta += (int(m) - n) * (h + 1)
		n = int(m)
		for _, r := range runes {
			if int(r) < n {
				delta++
			}
			if int(r) == n {
				q := delta
				for k := base; ; k += base {
					t := k - bias
					if t < tmin {
						t = tmin
					} else if t > tmax {
						t = tmax
					}
					if q < t {
						break
					}
					out++
					q = (q - t) / (base - t)
				}
				out++
				bias = adapt(delta, h+1, h == basic)
				delta = 0
				h++
			}
		}
		delta++
		n++
	}
	return len("xn--") + out
}
