// Package e2e tests the real mediaup binary end to end: it builds it, starts
// `mediaup sandbox` as a separate process, runs the TUI in a tmux window
// pointed at it, types as a person would, and checks what the sandbox
// received and what the screen shows; one test kills `mediaup upload` with
// SIGKILL mid-way and checks that the TUI lists the interrupted upload and
// finishes it under the same media ID. It needs tmux and fails, rather than
// skips, without it.
package e2e
