// Package uploader is mediaup's engine: an OAuth 1.0a signed client for X's
// media upload API in both dialects (v2 and v1.1), the per-file upload job
// (INIT, APPEND with several segments in flight, FINALIZE, STATUS polling)
// and the Manager that runs many jobs at once and reports their progress as
// Events. It imports no UI package; the TUI and the headless command both sit
// on top of it.
package uploader
