package uploader

import (
	"errors"

	"github.com/mediaup/mediaup/uploader/media"
)

// FileError is the engine's error about one file: every Event.Err and every
// error a Manager method returns about a job is one. Error reads
// "path: reason"; a face that shows the file's name already prints Err alone
// (errors.As(err, &fe); fe.Err), with no string surgery. A *media.RuleError
// inside it has an empty Path, so the path is said once.
type FileError struct {
	Path string // the file as the user named it
	Err  error  // the reason, which does not name the file
}

// Error returns "path: reason".
func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the reason, so errors.As finds *xapi.APIError,
// *media.RuleError and the rest inside.
func (e *FileError) Unwrap() error { return e.Err }

// fileError wraps err as a *FileError about path. An error that already is
// one is returned as it is; a *media.RuleError naming the file is copied
// without its Path, so the path is not said twice.
func fileError(path string, err error) error {
	if err == nil {
		return nil
	}
	var fe *FileError
	if errors.As(err, &fe) {
		return err
	}
	if re, ok := err.(*media.RuleError); ok {
		err = &media.RuleError{Rule: re.Rule, Msg: re.Msg}
	}
	return &FileError{Path: path, Err: err}
}

// Reason is what err says beyond the file it is about: a *FileError's
// reason, or the whole text of any other error. Faces that already name the
// file show this.
func Reason(err error) string {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe.Err.Error()
	}
	return err.Error()
}
