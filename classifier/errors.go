package classifier

import "fmt"

// Error codes. They are stable: the HTTP API maps them to problem types and
// the CLI prints them in per-line errors.
const (
	CodeEmptyText       = "empty_text"
	CodeTextTooLong     = "text_too_long"
	CodeInvalidUTF8     = "invalid_utf8"
	CodeInvalidLanguage = "invalid_language"
)

// Error is a problem with one input. Field names the input field at fault
// ("text", "lang"), so an API can point at it.
type Error struct {
	Code    string `json:"code"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error returns "field: message".
func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Message) }

// Is makes errors.Is(err, &Error{Code: c}) match on the code alone.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Field == "" || t.Field == e.Field)
}
