// Package xapi is mediaup's client for X's API: OAuth 1.0a signed requests
// in both dialects (v2 and v1.1) for media upload (simple and chunked),
// STATUS, metadata and posts; typed errors that carry X's status, code,
// message and rate-limit state; the retry policy and the base-URL rule. It
// knows nothing of files, jobs or the UI: the upload engine (package
// uploader) and the commands sit on top of it.
package xapi
