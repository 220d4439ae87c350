// Package crash holds the end-to-end proof that an upload survives kill -9:
// its test builds the real mediaup binary, runs it against a bandwidth-limited
// `mediaup sandbox` process, kills it with SIGKILL at random points (and once
// while X is processing), restarts it each time, and checks that exactly one
// media ID received the bytes, that they assemble to the file, that little
// was sent twice, and that the tweet was posted once. The package has no
// code of its own.
package crash
