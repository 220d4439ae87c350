// Package xdg says where mediaup keeps its files, by the XDG base directory
// spec: the config file under $XDG_CONFIG_HOME (else ~/.config) and the state
// database under $XDG_STATE_HOME (else ~/.local/state). It never falls back to
// the working directory.
package xdg

import (
	"fmt"
	"os"
	"path/filepath"
)

// App is the directory name mediaup uses inside each base directory.
const App = "mediaup"

// ConfigPath returns $XDG_CONFIG_HOME/mediaup/name, or
// $HOME/.config/mediaup/name when XDG_CONFIG_HOME is unset or relative (the
// spec says to ignore a relative value). It fails when neither is usable.
func ConfigPath(name string) (string, error) {
	return path("XDG_CONFIG_HOME", filepath.Join(".config"), name)
}

// StatePath returns $XDG_STATE_HOME/mediaup/name, or
// $HOME/.local/state/mediaup/name when XDG_STATE_HOME is unset or relative.
// It fails when neither is usable.
func StatePath(name string) (string, error) {
	return path("XDG_STATE_HOME", filepath.Join(".local", "state"), name)
}

func path(env, underHome, name string) (string, error) {
	if dir := os.Getenv(env); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, App, name), nil
	}
	if home := os.Getenv("HOME"); home != "" && filepath.IsAbs(home) {
		return filepath.Join(home, underHome, App, name), nil
	}
	return "", fmt.Errorf("cannot tell where to keep mediaup's %s: set %s or HOME to an absolute directory", name, env)
}
