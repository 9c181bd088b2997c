package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v3"

	"github.com/mindprint/mindprint/classifier"
	"github.com/mindprint/mindprint/corpora/copylib"
)

// The copy library's problem types, beside the ones in problem.go.
const (
	// TypeConflict answers POST /v1/copy with an id that is taken (409).
	TypeConflict = ProblemTypePrefix + "conflict"
	// TypePreconditionFailed answers a PUT or DELETE whose If-Match names a
	// version that is no longer current: someone else saved first (412).
	TypePreconditionFailed = ProblemTypePrefix + "precondition-failed"
	// TypePreconditionRequired answers a PUT or DELETE without If-Match (428).
	TypePreconditionRequired = ProblemTypePrefix + "precondition-required"
)

// HeaderIfMatch and friends are the conditional-request headers of the copy
// routes.
const (
	headerIfMatch     = "If-Match"
	headerIfNoneMatch = "If-None-Match"
	headerETag        = "ETag"
)

// copyBasePath is where the variants live; a variant is copyBasePath/{id}.
const copyBasePath = "/v1/copy"

// reservedCopyIDs are path segments under /v1/copy that are routes, not
// variants; POST /v1/copy refuses them as ids so GET /v1/copy/{id} can reach
// every variant it creates.
var reservedCopyIDs = []string{"export", "import"}

// copyRoutes serves one copy library. Registered by New when Deps.Copy is
// set:
//
//	GET    /v1/copy               search: q, lang, trait, pole, mindset, industry, kind, touchpoint, tag, limit, cursor   copy:read
//	POST   /v1/copy               create a variant (201, Location, ETag)                                                   copy:write
//	GET    /v1/copy/{id}          one variant (ETag; If-None-Match → 304)                                                  copy:read
//	PUT    /v1/copy/{id}          replace a variant; If-Match required (428 without, 412 when stale)                       copy:write
//	DELETE /v1/copy/{id}          delete a variant; If-Match required (428 without, 412 when stale)                        copy:write
//	POST   /v1/copy/import        NDJSON upsert; bad lines reported, good lines kept                                       copy:write
//	GET    /v1/copy/export        NDJSON of every variant (lang, updated_since), streamed                                  copy:read
//	POST   /v1/recommend          copy for a profile (recommend.go)                                                         copy:read
//
// and, unless Deps.Recommend is set, recommendations in POST /v1/analyze
// answers that ask for them with a "recommend" member (recommend.go).
type copyRoutes struct {
	s   *Server
	lib *copylib.Library
}

// addCopyRoutes registers the copy routes and their schemas; nil registers
// nothing.
func (s *Server) addCopyRoutes(lib *copylib.Library) error {
	if lib == nil {
		return nil
	}
	cr := &copyRoutes{s: s, lib: lib}
	if err := s.AddSchemas(copySchemas()); err != nil {
		return err
	}
	if s.recommend == nil {
		s.recommend = cr.recommendForAnalysis
	}
	// The fixed paths come before /v1/copy/{id}: Fiber matches in order.
	return s.Handle(
		Route{Method: fiber.MethodGet, Path: copyBasePath, Scope: ScopeCopyRead, Handler: cr.search, Op: opSearchCopy()},
		Route{Method: fiber.MethodPost, Path: copyBasePath, Scope: ScopeCopyWrite, Handler: cr.create, Op: opCreateCopy()},
		Route{Method: fiber.MethodGet, Path: copyBasePath + "/export", Scope: ScopeCopyRead, Timeout: -1,
			Handler: cr.export, Op: opExportCopy()},
		Route{Method: fiber.MethodPost, Path: copyBasePath + "/import", Scope: ScopeCopyWrite,
			MaxBody: s.cfg.BatchMaxBodyBytes, Timeout: s.cfg.BatchTimeout, Handler: cr.importNDJSON, Op: opImportCopy(s.cfg)},
		Route{Method: fiber.MethodGet, Path: copyBasePath + "/{id}", Scope: ScopeCopyRead, Handler: cr.get, Op: opGetCopy()},
		Route{Method: fiber.MethodPut, Path: copyBasePath + "/{id}", Scope: ScopeCopyWrite, Handler: cr.update, Op: opUpdateCopy()},
		Route{Method: fiber.MethodDelete, Path: copyBasePath + "/{id}", Scope: ScopeCopyWrite, Handler: cr.delete, Op: opDeleteCopy()},
		Route{Method: fiber.MethodPost, Path: "/v1/recommend", Scope: ScopeCopyRead, Handler: cr.recommend, Op: opRecommend()},
	)
}

// copyProblem maps a copy library error to its answer; errors it does not
// know are returned as they are and answered as internal errors.
func (cr *copyRoutes) copyProblem(err error, id string) error {
	var ve *copylib.ValidationError
	var ce *copylib.ConflictError
	switch {
	case errors.As(err, &ve):
		return Invalid(libFieldErrors(ve.Errors, "")...)
	case errors.As(err, &ce):
		return NewProblem(fiber.StatusPreconditionFailed, TypePreconditionFailed, "Precondition failed",
			fmt.Sprintf("variant %q was changed by someone else: it is at version %d, not %d; reload it (GET %s/%s) and apply your change again",
				ce.ID, ce.Current, ce.Expected, copyBasePath, ce.ID)).
			WithHeader(headerETag, strconv.Quote(strconv.Itoa(ce.Current)))
	case errors.Is(err, copylib.ErrVersionConflict):
		return NewProblem(fiber.StatusPreconditionFailed, TypePreconditionFailed, "Precondition failed",
			"the variant was changed by someone else; reload it and apply your change again")
	case errors.Is(err, copylib.ErrNotFound):
		return copyNotFound(id)
	case errors.Is(err, copylib.ErrExists):
		return NewProblem(fiber.StatusConflict, TypeConflict, "Conflict",
			fmt.Sprintf("a variant with id %q already exists; choose another id, leave id out to get a generated one, or PUT %s/%s to change it",
				truncate(id, 80), copyBasePath, truncate(id, 80)))
	case errors.Is(err, context.DeadlineExceeded):
		return timeoutProblem(cr.s.cfg.RequestTimeout)
	case errors.Is(err, copylib.ErrClosed):
		return NewProblem(fiber.StatusServiceUnavailable, TypeNotReady, "Not ready",
			"the copy library is closed: the server is shutting down").WithRetryAfter(5)
	}
	return err
}

func copyNotFound(id string) *Problem {
	return NewProblem(fiber.StatusNotFound, TypeNotFound, "Not found",
		fmt.Sprintf("no copy variant has id %q (deleted, or never created); search with GET %s", truncate(id, 80), copyBasePath))
}

// libFieldErrors turns the copy library's field errors into the API's,
// with a coarse stable code read from the library's message (the detail
// keeps the message itself) and prefix before each field name.
func libFieldErrors(in []copylib.FieldError, prefix string) []FieldError {
	out := make([]FieldError, 0, len(in))
	for _, fe := range in {
		field := fe.Field
		if field == "" {
			field = strings.TrimSuffix(prefix, ".")
			if field == "" {
				field = "body"
			}
		} else {
			field = prefix + field
		}
		out = append(out, FieldError{Field: field, Code: libErrorCode(fe.Message), Detail: fe.Message})
	}
	return out
}

// libErrorCode classifies a copy library validation message.
func libErrorCode(msg string) string {
	switch {
	case strings.HasPrefix(msg, "required"):
		return "required"
	case strings.Contains(msg, "the limit is"):
		return "too_long"
	case strings.Contains(msg, "out of range"):
		return "out_of_range"
	case strings.HasPrefix(msg, "duplicate"):
		return "duplicate"
	case strings.HasPrefix(msg, "unknown") || strings.HasPrefix(msg, "unsupported"):
		return "invalid_value"
	case strings.Contains(msg, "UTF-8"):
		return "invalid_utf8"
	}
	return "invalid"
}

// ---- JSON bodies, member by member ----

// jsonMember is one member of a JSON object.
type jsonMember struct {
	key string
	raw json.RawMessage
}

// objectMembers splits a body holding one JSON object into its members, in
// order. Anything else is a 400 naming what is wrong.
func objectMembers(body []byte) ([]jsonMember, *Problem) {
	if !utf8.Valid(body) {
		return nil, Malformed("the body is not valid UTF-8; JSON must be UTF-8")
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, Malformed("the body is empty; send a JSON object")
	}
	if trimmed[0] != '{' {
		return nil, Malformed("the body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	bad := func(err error) *Problem {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return Malformed("the body is not valid JSON: %s (at byte %d)", strings.TrimPrefix(se.Error(), "json: "), se.Offset)
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			return Malformed("the body is not valid JSON: it ends in the middle of a value")
		}
		return Malformed("the body is not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if _, err := dec.Token(); err != nil { // {
		return nil, bad(err)
	}
	var out []jsonMember
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, bad(err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, bad(err)
		}
		out = append(out, jsonMember{key: key, raw: raw})
	}
	if _, err := dec.Token(); err != nil { // }
		return nil, bad(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, Malformed("the body holds more than one JSON value")
	}
	return out, nil
}

// decodeMembers decodes each member into target, a pointer to a struct, and
// names every member that is unknown, repeated or of the wrong type, each
// with prefix before its name. Members inside a known member are decoded
// leniently (a profile may be a whole analysis result).
func decodeMembers(members []jsonMember, target any, prefix string) []FieldError {
	known := jsonFieldNames(reflect.TypeOf(target).Elem())
	var errs []FieldError
	seen := map[string]bool{}
	for _, m := range members {
		field := prefix + m.key
		switch {
		case seen[m.key]:
			errs = append(errs, FieldError{Field: field, Code: "duplicate_field",
				Detail: fmt.Sprintf("%s is given twice; give each field once", field)})
			continue
		case !slices.Contains(known, m.key):
			errs = append(errs, FieldError{Field: field, Code: "unknown_field",
				Detail: fmt.Sprintf("unknown field %q; the fields are %s", truncate(field, 60), strings.Join(known, ", "))})
			continue
		}
		seen[m.key] = true
		key, _ := json.Marshal(m.key)
		obj := make([]byte, 0, len(key)+len(m.raw)+3)
		obj = append(append(append(append(append(obj, '{'), key...), ':'), m.raw...), '}')
		if err := json.Unmarshal(obj, target); err != nil {
			errs = append(errs, jsonFieldError(err, prefix, m.key))
		}
	}
	return errs
}

// jsonFieldError describes a decode error of one member.
func jsonFieldError(err error, prefix, key string) FieldError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := prefix + key
		if te.Field != "" {
			field = prefix + te.Field
		}
		return FieldError{Field: field, Code: "wrong_type",
			Detail: fmt.Sprintf("%s: a JSON %s where %s is expected", field, te.Value, describeType(te.Type))}
	}
	var pe *time.ParseError
	if errors.As(err, &pe) {
		return FieldError{Field: prefix + key, Code: "wrong_type",
			Detail: fmt.Sprintf("%s: %q is not an RFC 3339 time such as 2026-01-31T12:00:00Z", prefix+key, truncate(pe.Value, 40))}
	}
	return FieldError{Field: prefix + key, Code: "invalid", Detail: prefix + key + ": " + strings.TrimPrefix(err.Error(), "json: ")}
}

// describeType names a Go type the way a JSON client thinks of it.
func describeType(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	if t == reflect.TypeFor[time.Time]() {
		return "an RFC 3339 time string"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(describeType(t.Elem()), "a "), "an ") + "s"
	case reflect.Pointer:
		return describeType(t.Elem())
	}
	return "an object"
}

// jsonFieldNames lists the JSON member names of a struct type, in field
// order.
func jsonFieldNames(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			names = append(names, jsonFieldNames(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		names = append(names, name)
	}
	return names
}

// requireJSON refuses a body that is not uncompressed UTF-8 JSON.
func requireJSON(c fiber.Ctx) *Problem {
	if p := checkEncoding(c); p != nil {
		return p
	}
	ct := c.Get(fiber.HeaderContentType)
	if mt, utf8OK := mediaType(ct); mt != fiber.MIMEApplicationJSON || !utf8OK {
		return UnsupportedMedia(ct, fiber.MIMEApplicationJSON)
	}
	return nil
}

// ---- variants ----

// decodeVariant reads a variant from a JSON body and checks it, naming every
// bad field: the decoding problems first, then the library's validation of
// the fields that decoded. Created, updated and version are accepted (so a
// GET answer can be sent back) and ignored.
func decodeVariant(body []byte) (copylib.Variant, error) {
	var v copylib.Variant
	members, p := objectMembers(body)
	if p != nil {
		return v, p
	}
	errs := decodeMembers(members, &v, "")
	v.Normalize()
	if err := v.Validate(); err != nil {
		var ve *copylib.ValidationError
		if errors.As(err, &ve) {
			reported := map[string]bool{}
			for _, e := range errs {
				reported[rootField(e.Field)] = true
			}
			for _, e := range libFieldErrors(ve.Errors, "") {
				if !reported[rootField(e.Field)] {
					errs = append(errs, e)
				}
			}
		}
	}
	if len(errs) > 0 {
		return v, Invalid(errs...)
	}
	return v, nil
}

// rootField is the top-level member of a field path: traits for traits[1].
func rootField(f string) string {
	if i := strings.IndexAny(f, "[."); i >= 0 {
		return f[:i]
	}
	return f
}

// ifMatch reads the version a PUT or DELETE expects. Without If-Match the
// request is refused (428): a blind overwrite would silently undo another
// copywriter's edit. "*" asks for the overwrite explicitly.
func ifMatch(c fiber.Ctx) (int, *Problem) {
	h := strings.TrimSpace(c.Get(headerIfMatch))
	switch {
	case h == "":
		return 0, NewProblem(fiber.StatusPreconditionRequired, TypePreconditionRequired, "Precondition required",
			"send If-Match with the variant's ETag from GET "+copyBasePath+"/{id}, so an edit made meanwhile by someone else "+
				"is not overwritten; If-Match: * replaces whatever is stored")
	case h == "*":
		return copylib.AnyVersion, nil
	case strings.Contains(h, ","):
		return 0, Malformed("If-Match must hold one ETag, not a list")
	}
	n, err := copylib.ParseETag(h)
	if err != nil {
		return 0, Malformed("If-Match %q is not an ETag of this API; send the ETag header of GET %s/{id}, e.g. \"3\"",
			truncate(h, 40), copyBasePath)
	}
	return n, nil
}

// writeVariant answers a variant with its ETag.
func writeVariant(c fiber.Ctx, status int, v copylib.Variant) error {
	c.Set(headerETag, v.ETag())
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	return writeJSON(c, status, v)
}

func (cr *copyRoutes) get(c fiber.Ctx) error {
	id := c.Params("id")
	v, err := cr.lib.Get(c.Context(), id)
	if err != nil {
		return cr.copyProblem(err, id)
	}
	if inm := c.Get(headerIfNoneMatch); inm != "" && etagListHas(inm, v.ETag()) {
		c.Set(headerETag, v.ETag())
		c.Set(fiber.HeaderCacheControl, "private, no-cache")
		return c.SendStatus(fiber.StatusNotModified)
	}
	return writeVariant(c, fiber.StatusOK, v)
}

// etagListHas reports whether an If-None-Match value (a list, or *) names
// etag; weak and strong forms compare equal, as RFC 9110 asks for GET.
func etagListHas(list, etag string) bool {
	for t := range strings.SplitSeq(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

func (cr *copyRoutes) create(c fiber.Ctx) error {
	if p := requireJSON(c); p != nil {
		return p
	}
	v, err := decodeVariant(c.Request().Body())
	if err != nil {
		return err
	}
	if slices.Contains(reservedCopyIDs, v.ID) {
		return Invalid(FieldError{Field: "id", Code: "reserved",
			Detail: fmt.Sprintf("%q is a route under %s, not a variant id; choose another", v.ID, copyBasePath)})
	}
	out, err := cr.lib.Create(c.Context(), v)
	if err != nil {
		return cr.copyProblem(err, v.ID)
	}
	c.Set(fiber.HeaderLocation, copyBasePath+"/"+out.ID)
	return writeVariant(c, fiber.StatusCreated, out)
}

func (cr *copyRoutes) update(c fiber.Ctx) error {
	id := strings.Clone(c.Params("id"))
	expected, p := ifMatch(c)
	if p != nil {
		return p
	}
	if p := requireJSON(c); p != nil {
		return p
	}
	v, err := decodeVariant(c.Request().Body())
	var bodyErrs []FieldError
	if err != nil {
		var vp *Problem
		if !errors.As(err, &vp) || vp.Status != fiber.StatusUnprocessableEntity {
			return err
		}
		bodyErrs = vp.Errors
	}
	if v.ID != "" && v.ID != id {
		bodyErrs = append(bodyErrs, FieldError{Field: "id", Code: "id_mismatch",
			Detail: fmt.Sprintf("the body's id %q differs from the path's %q; leave id out or make them equal", truncate(v.ID, 80), truncate(id, 80))})
	}
	if len(bodyErrs) > 0 {
		return Invalid(bodyErrs...)
	}
	v.ID = id
	out, err := cr.lib.Update(c.Context(), v, expected)
	if err != nil {
		return cr.copyProblem(err, id)
	}
	return writeVariant(c, fiber.StatusOK, out)
}

func (cr *copyRoutes) delete(c fiber.Ctx) error {
	id := strings.Clone(c.Params("id"))
	expected, p := ifMatch(c)
	if p != nil {
		return p
	}
	if err := cr.lib.Delete(c.Context(), id, expected); err != nil {
		return cr.copyProblem(err, id)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// ---- search ----

// searchParams lists the query parameters of GET /v1/copy.
var searchParams = []string{"q", "lang", "trait", "pole", "mindset", "industry", "kind", "touchpoint", "tag", "limit", "cursor"}

// readQuery collects the query parameters of a request, naming any that is
// unknown or repeated (a typo'd filter must not silently widen a search).
func readQuery(c fiber.Ctx, allowed []string) (map[string]string, []FieldError) {
	vals := map[string]string{}
	var errs []FieldError
	for k, v := range c.Request().URI().QueryArgs().All() {
		key := string(k)
		switch {
		case !slices.Contains(allowed, key):
			errs = append(errs, FieldError{Field: truncate(key, 40), Code: "unknown_parameter",
				Detail: fmt.Sprintf("unknown query parameter %q; the parameters are %s", truncate(key, 40), strings.Join(allowed, ", "))})
		default:
			if _, dup := vals[key]; dup {
				errs = append(errs, FieldError{Field: key, Code: "duplicate_parameter",
					Detail: fmt.Sprintf("%s is given twice; give it once", key)})
				continue
			}
			vals[key] = string(v)
		}
	}
	return vals, errs
}

func (cr *copyRoutes) search(c fiber.Ctx) error {
	vals, errs := readQuery(c, searchParams)
	q := copylib.Query{
		Q: vals["q"], Lang: vals["lang"], Trait: vals["trait"], Pole: vals["pole"], Mindset: vals["mindset"],
		Industry: vals["industry"], Kind: vals["kind"], Touchpoint: vals["touchpoint"], Tag: vals["tag"], Cursor: vals["cursor"],
	}
	if s, ok := vals["limit"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			errs = append(errs, FieldError{Field: "limit", Code: "wrong_type",
				Detail: fmt.Sprintf("limit %q is not a whole number (1..%d)", truncate(s, 20), copylib.MaxLimit)})
		} else if n < 1 {
			errs = append(errs, FieldError{Field: "limit", Code: "out_of_range",
				Detail: fmt.Sprintf("limit %d is out of range 1..%d", n, copylib.MaxLimit)})
		} else {
			q.Limit = n
		}
	}
	if err := q.Validate(); err != nil {
		var ve *copylib.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		errs = append(errs, libFieldErrors(ve.Errors, "")...)
	}
	if len(errs) > 0 {
		return Invalid(errs...)
	}
	res, err := cr.lib.Search(c.Context(), q)
	if err != nil {
		return cr.copyProblem(err, "")
	}
	return writeJSON(c, fiber.StatusOK, res)
}

// ---- import and export ----

// CopyImportReport is the answer of POST /v1/copy/import: what happened to
// the lines. Everything counted as created or updated is durable.
type CopyImportReport struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Failed    int `json:"failed"`
	// Errors names each failed line and its bad fields.
	Errors []CopyImportError `json:"errors"`
}

// CopyImportError is one failed line of an import.
type CopyImportError struct {
	// Line is 1-based, counting blank lines.
	Line int `json:"line"`
	// ID is the line's variant id when it could be read.
	ID     string       `json:"id,omitempty"`
	Errors []FieldError `json:"errors"`
}

func importReport(rep copylib.ImportReport) CopyImportReport {
	out := CopyImportReport{Created: rep.Created, Updated: rep.Updated, Unchanged: rep.Unchanged, Failed: rep.Failed,
		Errors: make([]CopyImportError, 0, len(rep.Errors))}
	for _, le := range rep.Errors {
		fes := libFieldErrors(le.Errors, "")
		for i := range fes {
			if fes[i].Field == "body" { // a line that is not a variant object
				fes[i].Field = "line"
				fes[i].Code = "malformed_line"
			}
		}
		out.Errors = append(out.Errors, CopyImportError{Line: le.Line, ID: le.ID, Errors: fes})
	}
	return out
}

// checkImportLines finds the problems that stop an import before it starts:
// no lines at all, or a line longer than the library reads.
func checkImportLines(body []byte) *Problem {
	lines := 0
	for n, line := range bodyLines(body) {
		if len(line) > copylib.MaxImportLineBytes {
			return Invalid(FieldError{Field: "body", Code: "line_too_long",
				Detail: fmt.Sprintf("line %d is %d bytes; a line may be at most %d", n, len(line), copylib.MaxImportLineBytes)})
		}
		if len(bytes.TrimSpace(line)) > 0 {
			lines++
		}
	}
	if lines == 0 {
		return Invalid(FieldError{Field: "body", Code: "empty_import",
			Detail: "the import has no lines; send one variant JSON object per line (the format GET " + copyBasePath + "/export writes)"})
	}
	return nil
}

func (cr *copyRoutes) importNDJSON(c fiber.Ctx) error {
	if p := checkEncoding(c); p != nil {
		return p
	}
	ct := c.Get(fiber.HeaderContentType)
	if mt, utf8OK := mediaType(ct); !utf8OK || !slices.Contains(NDJSONRequestTypes, mt) {
		return UnsupportedMedia(ct, NDJSONRequestTypes...)
	}
	body := c.Request().Body()
	if p := checkImportLines(body); p != nil {
		return p
	}
	rep, err := cr.lib.Import(c.Context(), bytes.NewReader(body))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return NewProblem(fiber.StatusServiceUnavailable, TypeTimeout, "Timeout",
				fmt.Sprintf("the import did not finish within %s; %d variants were created and %d updated before it stopped "+
					"and are kept; send the same file again to finish: unchanged lines are skipped",
					cr.s.cfg.BatchTimeout, rep.Created, rep.Updated)).WithRetryAfter(1)
		}
		return cr.copyProblem(err, "")
	}
	return writeJSON(c, fiber.StatusOK, importReport(rep))
}

// exportParams lists the query parameters of GET /v1/copy/export.
var exportParams = []string{"lang", "updated_since"}

func (cr *copyRoutes) export(c fiber.Ctx) error {
	vals, errs := readQuery(c, exportParams)
	var f copylib.ExportFilter
	if lang, ok := vals["lang"]; ok {
		if !slices.Contains(copylib.Languages, lang) {
			errs = append(errs, FieldError{Field: "lang", Code: "invalid_value",
				Detail: fmt.Sprintf("unsupported language %q: want one of %s", truncate(lang, 20), strings.Join(copylib.Languages, ", "))})
		}
		f.Lang = lang
	}
	if s, ok := vals["updated_since"]; ok {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			errs = append(errs, FieldError{Field: "updated_since", Code: "wrong_type",
				Detail: fmt.Sprintf("updated_since %q is not an RFC 3339 time such as 2026-01-31T12:00:00Z", truncate(s, 40))})
		}
		f.UpdatedSince = t
	}
	if len(errs) > 0 {
		return Invalid(errs...)
	}
	rec := requestRecord{id: RequestID(c), route: routeLabel(c), method: c.Method(), status: fiber.StatusOK, key: keyName(c)}
	start, _ := c.Locals(localStart).(time.Time)
	c.Locals(localStreaming, true)
	c.Set(fiber.HeaderContentType, NDJSONContentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="mindprint-copy.ndjson"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Status(fiber.StatusOK)
	ctx, cancel := context.WithTimeout(context.Background(), cr.s.cfg.BatchTimeout)
	cr.s.metrics.inflight.Inc()
	return c.SendStreamWriter(func(w *bufio.Writer) {
		defer cr.s.metrics.inflight.Dec()
		defer cancel()
		cw := &countingWriter{w: w}
		n, err := cr.lib.Export(ctx, cw, f)
		if err == nil {
			err = w.Flush()
		}
		rec.duration = time.Since(start)
		rec.bytesOut = cw.n
		rec.extra = []slog.Attr{slog.Int("variants", n)}
		if err != nil {
			// The status is sent; a client that checks the variant count
			// in the log line, or that the stream ended, sees the cut.
			rec.extra = append(rec.extra, slog.String("error", err.Error()))
		}
		cr.s.record(rec)
	})
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int
}

func (cw *countingWriter) Write(p []byte) (int, error) {
	n, err := cw.w.Write(p)
	cw.n += n
	return n, err
}

// ---- OpenAPI ----

func copyIDParam() Parameter {
	return Parameter{Name: "id", In: "path", Required: true, Description: "The variant id, e.g. en-cta-3f9a2c01aa.",
		Schema: Schema{"type": "string", "maxLength": copylib.MaxIDBytes}}
}

func problemResponse(desc string) Response {
	return Response{Description: desc, Content: map[string]MediaType{ProblemContentType: {Schema: Ref("Problem")}}}
}

func etagHeader() map[string]Header {
	return map[string]Header{"ETag": {Description: `The variant's version, quoted ("3"); send it back in If-Match to change the variant.`,
		Schema: Schema{"type": "string"}}}
}

func ifMatchParam() Parameter {
	return Parameter{Name: "If-Match", In: "header", Required: true,
		Description: `The ETag of the version you edited ("3"); * replaces whatever is stored. Without it the answer is 428; ` +
			`when someone saved in between, 412 with the current ETag.`,
		Schema: Schema{"type": "string"}}
}

func variantExample() map[string]any {
	return map[string]any{
		"lang": "en", "kind": "cta", "text": "Start your own learning path today", "traits": []string{"openness:high"},
		"mindset": "growth", "industries": []string{"self-improvement"}, "touchpoint": "landing_page", "tags": []string{"journey"},
	}
}

func opSearchCopy() Operation {
	q := func(name, desc string, s Schema) Parameter {
		return Parameter{Name: name, In: "query", Description: desc, Schema: s}
	}
	enum := func(vals []string) Schema { return Schema{"type": "string", "enum": vals} }
	traits := make([]string, len(classifier.AllTraits))
	for i, t := range classifier.AllTraits {
		traits[i] = string(t)
	}
	return Operation{
		OperationID: "searchCopy", Summary: "Search the copy library", Tags: []string{"copy"},
		Description: "Full-text search over the variants' text, each language with its own stemming (oppimista finds " +
			"oppiminen), with filters that combine with AND. The answer is one page: hits with their score and the " +
			"matched spans of their text (byte offsets), facet counts over every match, and next_cursor for the next " +
			"page (valid only with the same q and filters). Unknown or repeated parameters are 422, so a misspelt " +
			"filter never widens a search silently.",
		Parameters: []Parameter{
			q("q", fmt.Sprintf("Free text, up to %d bytes.", copylib.MaxQueryBytes), Schema{"type": "string"}),
			q("lang", "Language of the copy.", enum(copylib.Languages)),
			q("trait", "Copy targeting this trait (with pole: one pole of it).", enum(traits)),
			q("pole", "high or low; alone, that pole of any trait.", enum([]string{copylib.PoleHigh, copylib.PoleLow})),
			q("mindset", "The mindset the copy is written for.", enum(copylib.Mindsets)),
			q("industry", "An industry the copy names.", enum(copylib.Industries)),
			q("kind", "The kind of copy.", enum(copylib.Kinds)),
			q("touchpoint", "Where the copy is shown.", enum(copylib.Touchpoints)),
			q("tag", "A tag the copy carries, e.g. pair:cert-path.", Schema{"type": "string"}),
			q("limit", fmt.Sprintf("Page size 1..%d (default %d).", copylib.MaxLimit, copylib.DefaultLimit),
				Schema{"type": "integer", "minimum": 1, "maximum": copylib.MaxLimit}),
			q("cursor", "next_cursor of the previous page.", Schema{"type": "string"}),
		},
		Responses: map[string]Response{
			"200": {Description: "One page of hits with facets.", Content: JSONContent(Ref("CopySearchResult"))},
			"422": problemResponse("A parameter is unknown, repeated or invalid (each is named)."),
		},
	}
}

func opGetCopy() Operation {
	return Operation{
		OperationID: "getCopy", Summary: "One copy variant", Tags: []string{"copy"},
		Description: "The variant with its ETag (its version). With If-None-Match naming the current ETag the answer is 304 without a body.",
		Parameters:  []Parameter{copyIDParam(), {Name: "If-None-Match", In: "header", Description: "An ETag you hold.", Schema: Schema{"type": "string"}}},
		Responses: map[string]Response{
			"200": {Description: "The variant.", Headers: etagHeader(), Content: JSONContent(Ref("CopyVariant"))},
			"304": {Description: "Not modified: your copy is current.", Headers: etagHeader()},
			"404": problemResponse("No variant has this id."),
		},
	}
}

func opCreateCopy() Operation {
	return Operation{
		OperationID: "createCopy", Summary: "Add a copy variant", Tags: []string{"copy"},
		Description: "Adds a variant at version 1. Without an id one is generated. The write is committed to disk before " +
			"the answer. Every invalid field is listed in the 422 answer.",
		RequestBody: &RequestBody{Required: true, Content: map[string]MediaType{fiber.MIMEApplicationJSON: {
			Schema: Ref("CopyVariantInput"), Example: variantExample()}}},
		Responses: map[string]Response{
			"201": {Description: "Created.", Content: JSONContent(Ref("CopyVariant")), Headers: map[string]Header{
				"ETag":     etagHeader()["ETag"],
				"Location": {Description: "/v1/copy/{id} of the new variant.", Schema: Schema{"type": "string"}},
			}},
			"409": problemResponse("The id is taken."),
			"422": problemResponse("Invalid fields, each named: lang, kind, text, traits[i], mindset, industries[i], touchpoint, tags[i], id."),
		},
	}
}

func opUpdateCopy() Operation {
	return Operation{
		OperationID: "updateCopy", Summary: "Replace a copy variant", Tags: []string{"copy"},
		Description: "Replaces the variant's content when If-Match names its current version, and answers it at version+1 " +
			"with the new ETag. If someone else saved since you read it, nothing changes and the answer is 412 with " +
			"the current ETag: reload, reapply, save again. An update that changes nothing keeps the version.",
		Parameters: []Parameter{copyIDParam(), ifMatchParam()},
		RequestBody: &RequestBody{Required: true, Content: map[string]MediaType{fiber.MIMEApplicationJSON: {
			Schema: Ref("CopyVariantInput"), Example: variantExample()}}},
		Responses: map[string]Response{
			"200": {Description: "The variant as stored.", Headers: etagHeader(), Content: JSONContent(Ref("CopyVariant"))},
			"404": problemResponse("No variant has this id."),
			"412": {Description: "The variant changed since the version in If-Match.", Headers: etagHeader(),
				Content: map[string]MediaType{ProblemContentType: {Schema: Ref("Problem")}}},
			"422": problemResponse("Invalid fields, each named; or the body's id differs from the path's."),
			"428": problemResponse("If-Match is missing."),
		},
	}
}

func opDeleteCopy() Operation {
	return Operation{
		OperationID: "deleteCopy", Summary: "Delete a copy variant", Tags: []string{"copy"},
		Description: "Deletes the variant when If-Match names its current version.",
		Parameters:  []Parameter{copyIDParam(), ifMatchParam()},
		Responses: map[string]Response{
			"204": {Description: "Deleted."},
			"404": problemResponse("No variant has this id."),
			"412": {Description: "The variant changed since the version in If-Match.", Headers: etagHeader(),
				Content: map[string]MediaType{ProblemContentType: {Schema: Ref("Problem")}}},
			"428": problemResponse("If-Match is missing."),
		},
	}
}

func opImportCopy(cfg Config) Operation {
	return Operation{
		OperationID: "importCopy", Summary: "Import copy variants (NDJSON)", Tags: []string{"copy"},
		Description: fmt.Sprintf("One variant per line, in the form GET /v1/copy/export writes; every line needs an id. "+
			"A new id is created (keeping created, updated and version when given, so an export restores as it was); "+
			"an existing id is updated to version+1 when its content differs, and left alone when not. A bad line is "+
			"reported with its line number and fields and the other lines are kept. Lines may be %d bytes, bodies %d; "+
			"the import stops after %s (what was written is kept; send the file again to finish).",
			copylib.MaxImportLineBytes, cfg.BatchMaxBodyBytes, cfg.BatchTimeout),
		RequestBody: &RequestBody{Required: true, Content: map[string]MediaType{NDJSONContentType: {
			Schema: Schema{"type": "string", "description": "Newline-delimited CopyVariant objects (application/ndjson, application/jsonl and application/x-jsonlines are accepted too)."},
		}}},
		Responses: map[string]Response{
			"200": {Description: "What happened to the lines.", Content: JSONContent(Ref("CopyImportReport"))},
			"422": problemResponse("The body has no lines, or a line is too long."),
			"503": {Description: "The import did not finish in time; what was written is kept.",
				Content: map[string]MediaType{ProblemContentType: {Schema: Ref("Problem")}},
				Headers: map[string]Header{"Retry-After": {Schema: Schema{"type": "integer"}}}},
		},
	}
}

func opExportCopy() Operation {
	return Operation{
		OperationID: "exportCopy", Summary: "Export copy variants (NDJSON)", Tags: []string{"copy"},
		Description: "Every variant (or those of lang, or updated at or after updated_since) as one JSON object per line, in id " +
			"order, streamed. POST /v1/copy/import reads it back unchanged.",
		Parameters: []Parameter{
			{Name: "lang", In: "query", Description: "Only this language.", Schema: Schema{"type": "string", "enum": copylib.Languages}},
			{Name: "updated_since", In: "query", Description: "Only variants updated at or after this RFC 3339 time.",
				Schema: Schema{"type": "string", "format": "date-time"}},
		},
		Responses: map[string]Response{
			"200": {Description: "The variants.", Content: map[string]MediaType{NDJSONContentType: {Schema: Ref("CopyVariant")}}},
			"422": problemResponse("lang or updated_since is invalid, or a parameter is unknown."),
		},
	}
}

// copySchemas are the component schemas of the copy routes.
func copySchemas() map[string]Schema {
	str := func(desc string) Schema { return Schema{"type": "string", "description": desc} }
	enum := func(vals []string, desc string) Schema {
		return Schema{"type": "string", "enum": vals, "description": desc}
	}
	list := func(items Schema, desc string) Schema {
		return Schema{"type": "array", "items": items, "description": desc}
	}
	traitPole := Schema{"type": "string", "pattern": "^(openness|conscientiousness|extraversion|agreeableness|neuroticism):(high|low)$"}
	content := map[string]Schema{
		"id": {"type": "string", "maxLength": copylib.MaxIDBytes, "pattern": "^[a-z0-9][a-z0-9._-]*$",
			"description": "Unique; generated when left out on create."},
		"lang":       enum(copylib.Languages, "Language of the copy."),
		"kind":       enum(copylib.Kinds, "What the copy is."),
		"text":       {"type": "string", "minLength": 1, "maxLength": copylib.MaxTextBytes, "description": "The copy itself."},
		"traits":     Schema{"type": "array", "minItems": 1, "items": traitPole, "description": "The trait poles it targets, the main one first; one pole per trait."},
		"mindset":    enum(copylib.Mindsets, "fixed, growth, dual (outcome hook with learning layered on) or any."),
		"industries": Schema{"type": "array", "minItems": 1, "items": Schema{"type": "string", "enum": copylib.Industries}, "description": "The main one first."},
		"touchpoint": enum(copylib.Touchpoints, "Where it is shown."),
		"tags": Schema{"type": "array", "maxItems": copylib.MaxTags, "items": Schema{"type": "string", "maxLength": copylib.MaxTagBytes},
			"description": "Lowercase labels; split pairs share pair:<key> and carry side:outcome or side:journey."},
		"created": {"type": "string", "format": "date-time", "description": "Set by the library."},
		"updated": {"type": "string", "format": "date-time", "description": "Set by the library."},
		"version": {"type": "integer", "minimum": 1, "description": "Grows by one with each change; the ETag."},
	}
	input := map[string]Schema{}
	for k, v := range content {
		input[k] = v
	}
	input["created"] = Schema{"type": "string", "format": "date-time", "description": "Ignored (accepted so a GET answer can be sent back)."}
	input["updated"] = input["created"]
	input["version"] = Schema{"type": "integer", "description": "Ignored: the version to replace comes from If-Match."}
	fieldErrs := list(Ref("FieldError"), "Each bad field.")
	return map[string]Schema{
		"CopyVariant": {"type": "object", "properties": content,
			"required": []string{"id", "lang", "kind", "text", "traits", "mindset", "industries", "touchpoint", "tags", "created", "updated", "version"}},
		"CopyVariantInput": {"type": "object", "properties": input, "additionalProperties": false,
			"required": []string{"lang", "kind", "text", "traits", "mindset", "industries", "touchpoint"}},
		"CopySpan": {"type": "object", "required": []string{"start", "end", "text"}, "properties": map[string]Schema{
			"start": {"type": "integer", "minimum": 0, "description": "Byte offset into the variant's text."},
			"end":   {"type": "integer", "minimum": 0, "description": "Byte offset into the variant's text."},
			"text":  str("text[start:end]."),
		}},
		"CopyHit": {"allOf": []any{Ref("CopyVariant"), Schema{"type": "object", "required": []string{"score", "highlights"}, "properties": map[string]Schema{
			"score":      {"type": "number", "description": "Relevance; 0 without q."},
			"highlights": list(Ref("CopySpan"), "The spans of text that matched q."),
		}}}},
		"CopySearchResult": {"type": "object", "required": []string{"total", "hits", "facets", "next_cursor"}, "properties": map[string]Schema{
			"total": {"type": "integer", "minimum": 0, "description": "Every match, not just this page."},
			"hits":  list(Ref("CopyHit"), "This page."),
			"facets": {"type": "object", "description": "Counts over every match: lang, trait (trait:pole), mindset, industry, kind, touchpoint → value → count.",
				"additionalProperties": Schema{"type": "object", "additionalProperties": Schema{"type": "integer"}}},
			"next_cursor": str("Send as cursor for the next page; empty on the last."),
		}},
		"CopyImportReport": {"type": "object", "required": []string{"created", "updated", "unchanged", "failed", "errors"}, "properties": map[string]Schema{
			"created":   {"type": "integer"},
			"updated":   {"type": "integer"},
			"unchanged": {"type": "integer"},
			"failed":    {"type": "integer"},
			"errors": list(Schema{"type": "object", "required": []string{"line", "errors"}, "properties": map[string]Schema{
				"line":   {"type": "integer", "minimum": 1, "description": "1-based line number, blank lines counted."},
				"id":     str("The line's id, when it could be read."),
				"errors": fieldErrs,
			}}, "Each failed line."),
		}},
		"RecommendRequest": {"type": "object", "required": []string{"profile"}, "additionalProperties": false, "properties": map[string]Schema{
			"profile": {"type": "object", "description": "An analysis result (POST /v1/analyze; other members are ignored), or just " +
				`{"language": {"code": "fi"}, "traits": {"openness": {"score": 0.4, "percentile": 80}}, "mindset": {"label": "growth", "score": 0.5}}.`},
			"lang":       enum(copylib.Languages, "Language of the copy; default: the profile's, else English."),
			"industry":   enum(copylib.Industries, "Keep copy written for it or for general."),
			"kinds":      Schema{"type": "array", "items": Schema{"type": "string", "enum": copylib.Kinds}, "description": "Keep only these kinds."},
			"touchpoint": enum(copylib.Touchpoints, "Prefer copy made for it."),
			"limit":      {"type": "integer", "minimum": 1, "maximum": copylib.MaxRecommendLimit, "description": fmt.Sprintf("Default %d.", copylib.DefaultRecommendLimit)},
		}},
		"Recommendation": {"type": "object", "required": []string{"variant", "fit", "reasons"}, "properties": map[string]Schema{
			"variant": Ref("CopyVariant"),
			"fit":     {"type": "number", "minimum": 0, "maximum": 1, "description": "0.55 trait match, 0.30 mindset match, 0.15 industry and touchpoint."},
			"reasons": list(Schema{"type": "string"}, "Why it fits, in words."),
			"role":    enum([]string{"outcome", "journey"}, "For the halves of a split pair."),
		}},
		"RecommendResult": {"type": "object", "required": []string{"lang", "recommendations", "strategy", "notes"}, "properties": map[string]Schema{
			"lang":            str("Language of the returned copy."),
			"recommendations": list(Ref("Recommendation"), "Ranked and varied; a split pair's halves lead."),
			"split_pair": {"type": "object", "description": "For a mixed mindset: an outcome CTA and a journey CTA.", "properties": map[string]Schema{
				"key": str("The pair tag of a written pair."), "outcome": Ref("Recommendation"), "journey": Ref("Recommendation"),
			}},
			"strategy": {"type": "object", "description": "How to write and lay out copy for this profile.", "properties": map[string]Schema{
				"traits": list(Schema{"type": "string"}, "Leaning poles, strongest first."), "mindset": str(""), "tone": str(""),
				"emphasise": list(Schema{"type": "string"}, ""), "avoid": list(Schema{"type": "string"}, ""),
				"layout": enum([]string{"structured", "exploratory", "split", "balanced"}, ""), "layout_note": str(""),
				"industries": list(Schema{"type": "string"}, ""), "summary": str(""),
			}},
			"fallback": {"type": "object", "description": "Set when the copy is not in the asked language.", "properties": map[string]Schema{
				"from": str(""), "to": str(""), "reason": str(""),
			}},
			"notes": list(Schema{"type": "string"}, "Filters that were relaxed."),
		}},
	}
}
