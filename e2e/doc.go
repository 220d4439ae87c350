// Package e2e tests the real mediaup binary end to end: it builds it, starts
// `mediaup sandbox` as a separate process, runs the TUI in a tmux window
// pointed at it, types as a person would, and checks what the sandbox
// received and what the screen shows. It needs tmux and fails, rather than
// skips, without it.
package e2e
