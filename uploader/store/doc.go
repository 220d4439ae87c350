// Package store keeps mediaup's state between runs in one bbolt file: the
// journal of unfinished chunked uploads (which segments X has acknowledged,
// so a killed upload resumes where it stopped with the same media ID) and the
// ledger of media that finished processing (so the same content is not
// uploaded twice while its media ID is still valid).
//
// Both are keyed by SessionKey: the account, API endpoint, dialect, media
// category and the SHA-256 of the file's content. A Store is safe for
// concurrent use by many upload jobs; only one process may hold the file.
package store
