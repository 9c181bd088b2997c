package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/mindprint/mindprint/classifier"
)

// ProblemTypePrefix starts every problem type URI. The types are stable: a
// client may switch on them.
const ProblemTypePrefix = "urn:mindprint:problem:"

// The problem types this API answers with, by the slug after ProblemTypePrefix.
const (
	TypeMalformed        = ProblemTypePrefix + "malformed-request"      // 400
	TypeUnauthorized     = ProblemTypePrefix + "unauthorized"           // 401
	TypeForbidden        = ProblemTypePrefix + "forbidden"              // 403
	TypeNotFound         = ProblemTypePrefix + "not-found"              // 404
	TypeMethodNotAllowed = ProblemTypePrefix + "method-not-allowed"     // 405
	TypeTooLarge         = ProblemTypePrefix + "body-too-large"         // 413
	TypeTooManyLines     = ProblemTypePrefix + "too-many-lines"         // 413
	TypeUnsupportedMedia = ProblemTypePrefix + "unsupported-media-type" // 415
	TypeValidation       = ProblemTypePrefix + "validation-failed"      // 422
	TypeRateLimited      = ProblemTypePrefix + "rate-limited"           // 429
	TypeInternal         = ProblemTypePrefix + "internal-error"         // 500
	TypeNotReady         = ProblemTypePrefix + "not-ready"              // 503
	TypeTimeout          = ProblemTypePrefix + "timeout"                // 503
	TypeHeaderTooLarge   = ProblemTypePrefix + "header-too-large"       // 431
	TypeRequestTimeout   = ProblemTypePrefix + "request-timeout"        // 408
	TypeHTTP             = ProblemTypePrefix + "http-error"             // any other status
)

// ProblemContentType is the media type of every error answer (RFC 9457).
const ProblemContentType = "application/problem+json"

// Problem is an RFC 9457 problem detail. It is also an error, so handlers
// return it and the error handler writes it.
type Problem struct {
	// Type is a stable URI naming the kind of problem (Type* constants).
	Type string `json:"type"`
	// Title is a short human summary of the type; it does not vary.
	Title string `json:"title"`
	// Status is the HTTP status code.
	Status int `json:"status"`
	// Detail explains this occurrence to a human.
	Detail string `json:"detail,omitempty"`
	// Instance is the request id, so a report can be matched with the logs.
	Instance string `json:"instance,omitempty"`
	// Errors lists each invalid field of a validation problem.
	Errors []FieldError `json:"errors,omitempty"`

	// retryAfter, in seconds, is sent as the Retry-After header when > 0.
	retryAfter int
	// headers are extra response headers (Allow, WWW-Authenticate).
	headers [][2]string
}

// FieldError names one invalid field of a request.
type FieldError struct {
	// Field is the JSON name of the field ("text", "lang"), or a query
	// parameter's name for text/plain bodies.
	Field string `json:"field"`
	// Code is a stable machine-readable reason, e.g. empty_text.
	Code string `json:"code"`
	// Detail explains the problem with this field to a human.
	Detail string `json:"detail"`
}

// Error returns the problem's title and detail.
func (p *Problem) Error() string {
	if p.Detail == "" {
		return fmt.Sprintf("%d %s", p.Status, p.Title)
	}
	return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail)
}

// WithRetryAfter sets the Retry-After header, in whole seconds (at least 1).
func (p *Problem) WithRetryAfter(seconds int) *Problem {
	p.retryAfter = max(seconds, 1)
	return p
}

// WithHeader adds a response header to the problem's answer.
func (p *Problem) WithHeader(key, value string) *Problem {
	p.headers = append(p.headers, [2]string{key, value})
	return p
}

// NewProblem builds a problem of type typ with status, title and detail.
func NewProblem(status int, typ, title, detail string) *Problem {
	return &Problem{Type: typ, Title: title, Status: status, Detail: detail}
}

// Problem constructors for the common cases; route handlers in this package
// and its extensions use them so answers stay uniform.

// Malformed is a 400 for a body or parameter that cannot be parsed.
func Malformed(format string, args ...any) *Problem {
	return NewProblem(fiber.StatusBadRequest, TypeMalformed, "Malformed request", fmt.Sprintf(format, args...))
}

// Invalid is a 422 listing each invalid field.
func Invalid(errs ...FieldError) *Problem {
	p := NewProblem(fiber.StatusUnprocessableEntity, TypeValidation, "Validation failed", "")
	p.Errors = errs
	names := make([]string, 0, len(errs))
	for _, e := range errs {
		names = append(names, e.Field)
	}
	if len(errs) == 1 {
		p.Detail = errs[0].Detail
	} else {
		p.Detail = "invalid fields: " + strings.Join(names, ", ")
	}
	return p
}

// TooLarge is a 413 for a body over limit bytes.
func TooLarge(limit int) *Problem {
	return NewProblem(fiber.StatusRequestEntityTooLarge, TypeTooLarge, "Request body too large",
		fmt.Sprintf("the body may be at most %d bytes", limit))
}

// UnsupportedMedia is a 415 naming the media types the route accepts.
func UnsupportedMedia(got string, want ...string) *Problem {
	if got == "" {
		got = "no Content-Type"
	}
	return NewProblem(fiber.StatusUnsupportedMediaType, TypeUnsupportedMedia, "Unsupported media type",
		fmt.Sprintf("got %s; send %s", got, strings.Join(want, " or ")))
}

// NotReady is a 503 sent while the service is still loading.
func NotReady() *Problem {
	return NewProblem(fiber.StatusServiceUnavailable, TypeNotReady, "Not ready",
		"language models and lexicons are still loading; retry shortly").WithRetryAfter(2)
}

// internalProblem is what a client sees of a failure on our side.
func internalProblem() *Problem {
	return NewProblem(fiber.StatusInternalServerError, TypeInternal, "Internal error",
		"internal error; report the instance id to the operator")
}

// fromClassifier turns an analysis input error into a validation problem, or
// returns nil when err is not one.
func fromClassifier(err error) *FieldError {
	var ce *classifier.Error
	if !errors.As(err, &ce) {
		return nil
	}
	return &FieldError{Field: ce.Field, Code: ce.Code, Detail: ce.Message}
}

// problemFor maps any error a handler returned to the problem to answer with.
// Unknown errors become an internal error; the caller logs the original.
func problemFor(err error) (p *Problem, internal bool) {
	if errors.As(err, &p) {
		return p, false
	}
	if fe := fromClassifier(err); fe != nil {
		return Invalid(*fe), false
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return fromFiber(fe), fe.Code >= 500 && fe.Code != fiber.StatusServiceUnavailable
	}
	return internalProblem(), true
}

// fromFiber maps Fiber's own errors (routing, server-level body limits) to
// problems with stable types.
func fromFiber(fe *fiber.Error) *Problem {
	switch fe.Code {
	case fiber.StatusNotFound:
		return NewProblem(fe.Code, TypeNotFound, "Not found", "no route matches this path; see /openapi.json")
	case fiber.StatusMethodNotAllowed:
		return NewProblem(fe.Code, TypeMethodNotAllowed, "Method not allowed", "this path does not accept that method; see the Allow header")
	case fiber.StatusRequestEntityTooLarge:
		return NewProblem(fe.Code, TypeTooLarge, "Request body too large", "the body exceeds the server's limit")
	case fiber.StatusRequestHeaderFieldsTooLarge:
		return NewProblem(fe.Code, TypeHeaderTooLarge, "Request headers too large", "the request headers exceed the server's buffer")
	case fiber.StatusRequestTimeout:
		return NewProblem(fe.Code, TypeRequestTimeout, "Request timeout", "the request was not received in time")
	case fiber.StatusBadRequest:
		return NewProblem(fe.Code, TypeMalformed, "Malformed request", "the request could not be parsed")
	case fiber.StatusUnsupportedMediaType:
		return NewProblem(fe.Code, TypeUnsupportedMedia, "Unsupported media type", fe.Message)
	}
	if fe.Code >= 500 {
		return internalProblem()
	}
	return NewProblem(fe.Code, TypeHTTP, http.StatusText(fe.Code), fe.Message)
}

// writeProblem sends p as application/problem+json.
func writeProblem(c fiber.Ctx, p *Problem) error {
	for _, h := range p.headers {
		c.Set(h[0], h[1])
	}
	if p.retryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(p.retryAfter))
	}
	body, err := json.Marshal(p)
	if err != nil {
		// A Problem holds only strings and ints; this cannot fail, but never
		// leave the client without an answer.
		body = []byte(`{"type":"` + TypeInternal + `","title":"Internal error","status":500}`)
	}
	c.Set(fiber.HeaderContentType, ProblemContentType)
	return c.Status(p.Status).Send(body)
}
