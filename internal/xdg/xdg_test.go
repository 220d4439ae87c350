package xdg

import (
	"strings"
	"testing"
)

func TestPaths(t *testing.T) {
	for _, c := range []struct {
		name, xdg, home string
		config, state   string // "" means an error
	}{
		{"xdg set", "/x", "/home/u", "/x/mediaup/f", "/x/mediaup/f"},
		{"xdg unset", "", "/home/u", "/home/u/.config/mediaup/f", "/home/u/.local/state/mediaup/f"},
		{"xdg relative", "rel/dir", "/home/u", "/home/u/.config/mediaup/f", "/home/u/.local/state/mediaup/f"},
		{"xdg without home", "/x", "", "/x/mediaup/f", "/x/mediaup/f"},
		{"nothing", "", "", "", ""},
		{"relative home", "rel", "home/u", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("XDG_CONFIG_HOME", c.xdg)
			t.Setenv("XDG_STATE_HOME", c.xdg)
			t.Setenv("HOME", c.home)
			for _, p := range []struct {
				fn        func(string) (string, error)
				env, want string
			}{{ConfigPath, "XDG_CONFIG_HOME", c.config}, {StatePath, "XDG_STATE_HOME", c.state}} {
				got, err := p.fn("f")
				if p.want == "" {
					if err == nil || got != "" || !strings.Contains(err.Error(), "set "+p.env+" or HOME") {
						t.Errorf("%s: got %q, %v; want no path and an error saying to set %s or HOME", p.env, got, err, p.env)
					}
					continue
				}
				if err != nil || got != p.want {
					t.Errorf("%s: got %q, %v; want %q", p.env, got, err, p.want)
				}
			}
		})
	}
}
