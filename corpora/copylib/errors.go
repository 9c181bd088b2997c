package copylib

import (
	"errors"
	"fmt"
	"strings"
)

// Errors a caller can test with errors.Is.
var (
	// ErrNotFound: no variant has the id.
	ErrNotFound = errors.New("copy variant not found")
	// ErrExists: Create was given an id that is taken.
	ErrExists = errors.New("copy variant already exists")
	// ErrVersionConflict: Update or Delete expected a version that is no
	// longer current (someone else changed the variant). HTTP: 412.
	ErrVersionConflict = errors.New("copy variant version conflict")
	// ErrInUse: another process holds the data folder.
	ErrInUse = errors.New("data folder in use")
	// ErrClosed: the library was closed.
	ErrClosed = errors.New("copy library closed")
)

// FieldError names one bad field of a request or a variant. Field is a JSON
// path ("text", "traits[1]", "profile.mindset.label").
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// ValidationError lists every bad field of one input, so an API can answer
// with all of them at once.
type ValidationError struct {
	Errors []FieldError `json:"errors"`
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		parts[i] = fe.Error()
	}
	return "invalid: " + strings.Join(parts, "; ")
}

// ConflictError is the ErrVersionConflict detail: the version the caller
// expected and the one stored.
type ConflictError struct {
	ID       string
	Expected int
	Current  int
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("copy variant %q is at version %d, not %d: reload it and apply your change again", e.ID, e.Current, e.Expected)
}

// Is makes errors.Is(err, ErrVersionConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrVersionConflict }

// InUseError says which process holds the data folder.
type InUseError struct {
	Dir string
	// PID is the holder's process id from the pid file, 0 when unknown.
	PID int
}

func (e *InUseError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("data folder %s is in use by another mindprint process (pid %d); stop it or use another --data folder", e.Dir, e.PID)
	}
	return fmt.Sprintf("data folder %s is in use by another mindprint process; stop it or use another --data folder", e.Dir)
}

// Is makes errors.Is(err, ErrInUse) true.
func (e *InUseError) Is(target error) bool { return target == ErrInUse }
