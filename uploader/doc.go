// Package uploader is mediaup's engine: the per-file upload job (INIT,
// APPEND with several segments in flight, FINALIZE, STATUS polling), the
// Manager that runs many jobs at once and reports their progress as Events,
// the resume journal, the Poster that every post goes through (recorded
// before it is sent, never sent twice) and the preflight rules both faces
// share. It talks to X only through package xapi and imports no UI package.
package uploader
