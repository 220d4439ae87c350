package testbin

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestCleanEnvDropsMediaupAndXDG(t *testing.T) {
	t.Setenv("MEDIAUP_BASE_URL", "http://elsewhere.example")
	t.Setenv("XDG_STATE_HOME", "/somewhere/else")
	t.Setenv("TESTBIN_KEPT", "yes")
	env := CleanEnv()
	for _, kv := range env {
		if strings.HasPrefix(kv, "MEDIAUP_") || strings.HasPrefix(kv, "XDG_") {
			t.Errorf("CleanEnv kept %q", kv)
		}
	}
	if !slices.Contains(env, "TESTBIN_KEPT=yes") {
		t.Errorf("CleanEnv dropped TESTBIN_KEPT, which points mediaup at nothing")
	}
}

// The e2e tests override HOME by appending to CleanEnv; this holds only if
// os/exec gives a child the last of two values for one name.
func TestAppendedVariableWins(t *testing.T) {
	t.Setenv("HOME", "/inherited")
	cmd := exec.Command("sh", "-c", `printf %s "$HOME"`)
	cmd.Env = append(CleanEnv(), "HOME=/appended")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "/appended" {
		t.Errorf("the child saw HOME=%q, want the appended /appended", out)
	}
}

func TestEnvPointsAtTheSandbox(t *testing.T) {
	env := (&Sandbox{URL: "http://127.0.0.1:4321", Port: 4321}).Env()
	for _, name := range []string{"MEDIAUP_CONSUMER_KEY", "MEDIAUP_CONSUMER_SECRET", "MEDIAUP_ACCESS_TOKEN", "MEDIAUP_ACCESS_SECRET"} {
		i := slices.IndexFunc(env, func(kv string) bool { return strings.HasPrefix(kv, name+"=") })
		if i < 0 || env[i] == name+"=" {
			t.Errorf("Env lacks a value for %s", name)
		}
	}
	if !slices.Contains(env, "MEDIAUP_BASE_URL=http://127.0.0.1:4321") {
		t.Errorf("Env does not point MEDIAUP_BASE_URL at the sandbox: %d variables", len(env))
	}
}
