// Package testbin is a harness for tests of the real mediaup binary: it
// builds the binary once per test package (Main, Binary), starts `mediaup
// sandbox` as a separate process on a free loopback port (StartSandbox),
// reads the sandbox's inspection JSON (Sandbox.Get, Media, Tweets, …),
// gives the environment that points mediaup at that sandbox (CleanEnv,
// Sandbox.Env), and reads the state database the binary leaves behind
// (Journal). It is imported only by tests.
package testbin
