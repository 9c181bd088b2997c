package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v3"

	"github.com/mindprint/mindprint/classifier"
)

// Sources are the values AnalyzeRequest.Source may take.
var Sources = []string{"review", "chat", "survey", "quiz", "other"}

// MaxIDBytes bounds the id a client may attach to a text.
const MaxIDBytes = 256

// AnalyzeRequest is the JSON body of POST /v1/analyze and one line of
// POST /v1/analyze/batch.
type AnalyzeRequest struct {
	// ID is echoed in the result; up to MaxIDBytes bytes.
	ID string `json:"id"`
	// Text is the customer text; required, not blank.
	Text *string `json:"text"`
	// Lang is an optional ISO 639-1 hint (GET /v1/languages lists them).
	Lang string `json:"lang"`
	// Source is optional: review, chat, survey, quiz or other.
	Source string `json:"source"`
	// Recommend asks POST /v1/analyze for copy that fits the text (see
	// AnalyzeRecommend); absent or null asks for none. Batch lines may not
	// carry it.
	Recommend json.RawMessage `json:"recommend,omitempty"`
}

// AnalyzeResponse is the answer of POST /v1/analyze: the analysis contract
// of PRODUCT.md, plus recommendations when a copy library is wired in.
type AnalyzeResponse struct {
	*classifier.Result
	// Recommendations come from Deps.Recommend; absent without it.
	Recommendations any `json:"recommendations,omitempty"`
}

// mediaType returns the lowercased media type of a Content-Type header and
// whether its charset, if any, is UTF-8 (the only one accepted).
func mediaType(ct string) (string, bool) {
	mt, params, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(strings.TrimSpace(k), "charset") {
			v = strings.Trim(strings.TrimSpace(v), `"`)
			if !strings.EqualFold(v, "utf-8") && !strings.EqualFold(v, "utf8") {
				return mt, false
			}
		}
	}
	return mt, true
}

// checkEncoding refuses compressed bodies: they could expand without bound
// past the body limit, and no client of ours needs them.
func checkEncoding(c fiber.Ctx) *Problem {
	enc := strings.TrimSpace(c.Get(fiber.HeaderContentEncoding))
	if enc != "" && !strings.EqualFold(enc, "identity") {
		return NewProblem(fiber.StatusUnsupportedMediaType, TypeUnsupportedMedia, "Unsupported media type",
			fmt.Sprintf("Content-Encoding %q is not accepted; send the body uncompressed", enc))
	}
	return nil
}

// decodeAnalyzeJSON decodes one batch line like decodeAnalyzeInto; a line
// may not ask for recommendations.
func decodeAnalyzeJSON(body []byte) (classifier.Input, []FieldError, *Problem) {
	var req AnalyzeRequest
	in, fieldErrs, p := decodeAnalyzeInto(body, &req)
	if p == nil && len(req.Recommend) > 0 && !bytes.Equal(bytes.TrimSpace(req.Recommend), []byte("null")) {
		fieldErrs = append(fieldErrs, FieldError{Field: "recommend", Code: "unsupported_field",
			Detail: "recommend is answered by POST /v1/analyze for one text, not in batch lines"})
	}
	return in, fieldErrs, p
}

// decodeAnalyzeInto parses one JSON object into req, a classifier input and
// the validation errors of the fields this package owns (id, source).
// Malformed JSON is a 400 problem; a field of the wrong type or an unknown
// field is a 422 naming it. in.ID is set whenever the id could be read, so a
// batch can echo it even for a bad line.
func decodeAnalyzeInto(body []byte, req *AnalyzeRequest) (in classifier.Input, fieldErrs []FieldError, p *Problem) {
	if !utf8.Valid(body) {
		return in, nil, Malformed("the body is not valid UTF-8; JSON must be UTF-8")
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return in, nil, Malformed(`the body is empty; send a JSON object such as {"text": "..."}`)
	}
	if trimmed[0] != '{' {
		return in, nil, Malformed("the body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	err := dec.Decode(req)
	in = classifier.Input{ID: req.ID, Lang: req.Lang, Source: req.Source}
	if err == nil {
		if _, terr := dec.Token(); !errors.Is(terr, io.EOF) {
			return in, nil, Malformed("the body holds more than one JSON value")
		}
	}
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case err == nil:
	case errors.As(err, &te) && te.Field != "", strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json names only the first bad member, and leaves a later
		// wrong-typed text set to "" (reported as empty): decode member by
		// member instead, so every bad field is named for what it is.
		*req = AnalyzeRequest{}
		members, mp := objectMembers(trimmed)
		if mp != nil {
			return in, nil, mp
		}
		fieldErrs = decodeMembers(members, req, "")
		in = classifier.Input{ID: req.ID, Lang: req.Lang, Source: req.Source}
	case errors.As(err, &se):
		return in, nil, Malformed("the body is not valid JSON: %s (at byte %d)", strings.TrimPrefix(se.Error(), "json: "), se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return in, nil, Malformed("the body is not valid JSON: it ends in the middle of a value")
	default:
		return in, nil, Malformed("the body is not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if req.Text == nil {
		if !slices.ContainsFunc(fieldErrs, func(f FieldError) bool { return f.Field == "text" }) {
			fieldErrs = append(fieldErrs, FieldError{Field: "text", Code: "required", Detail: "text is required"})
		}
	} else {
		in.Text = *req.Text
	}
	return in, append(fieldErrs, checkOwnFields(in)...), nil
}

// checkOwnFields validates the fields the classifier does not: id and source.
func checkOwnFields(in classifier.Input) []FieldError {
	var errs []FieldError
	if len(in.ID) > MaxIDBytes {
		errs = append(errs, FieldError{Field: "id", Code: "too_long",
			Detail: fmt.Sprintf("id is %d bytes; the limit is %d", len(in.ID), MaxIDBytes)})
	}
	if in.Source != "" && !slices.Contains(Sources, in.Source) {
		errs = append(errs, FieldError{Field: "source", Code: "invalid_source",
			Detail: fmt.Sprintf("source %q is not one of %s", truncate(in.Source, 40), strings.Join(Sources, ", "))})
	}
	return errs
}

// truncate shortens s to at most n bytes at a rune boundary, for messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// readAnalyzeRequest turns a POST /v1/analyze request into an input, from a
// JSON body (decoded into req) or a text/plain body with id, lang and source
// in the query.
func readAnalyzeRequest(c fiber.Ctx, req *AnalyzeRequest) (classifier.Input, []FieldError, *Problem) {
	if p := checkEncoding(c); p != nil {
		return classifier.Input{}, nil, p
	}
	ct := c.Get(fiber.HeaderContentType)
	mt, utf8OK := mediaType(ct)
	switch {
	case !utf8OK:
		return classifier.Input{}, nil, UnsupportedMedia(ct, "a UTF-8 body (charset=utf-8)")
	case mt == fiber.MIMEApplicationJSON:
		return decodeAnalyzeInto(c.Request().Body(), req)
	case mt == fiber.MIMETextPlain:
		// Clone: Fiber's query strings point into the request buffer, which
		// is reused once the handler returns, and a timed-out analysis may
		// still be reading its input then.
		in := classifier.Input{
			Text:   string(c.Request().Body()),
			ID:     strings.Clone(c.Query("id")),
			Lang:   strings.Clone(c.Query("lang")),
			Source: strings.Clone(c.Query("source")),
		}
		return in, checkOwnFields(in), nil
	}
	return classifier.Input{}, nil, UnsupportedMedia(ct, fiber.MIMEApplicationJSON, fiber.MIMETextPlain)
}

// analyzeInput runs the analyzer and folds its input errors together with
// the request's own field errors into one validation problem.
func analyzeInput(an *classifier.Analyzer, in classifier.Input, fieldErrs []FieldError) (*classifier.Result, error) {
	var res *classifier.Result
	var err error
	if !slices.ContainsFunc(fieldErrs, func(f FieldError) bool { return f.Field == "text" }) {
		res, err = an.Analyze(in)
	}
	if err != nil {
		fe := fromClassifier(err)
		if fe == nil {
			return nil, err
		}
		fieldErrs = append(fieldErrs, *fe)
	}
	if len(fieldErrs) > 0 {
		return nil, Invalid(fieldErrs...)
	}
	return res, nil
}

// analyzeWithin runs analyzeInput but gives up when ctx ends. The analysis
// runs on its own goroutine; it reads only its own copy of the text.
func (s *Server) analyzeWithin(ctx context.Context, an *classifier.Analyzer, in classifier.Input, fieldErrs []FieldError, id, route string) (*classifier.Result, error) {
	type outcome struct {
		res *classifier.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- outcome{err: s.recovered(id, route, r)}
			}
		}()
		res, err := analyzeInput(an, in, fieldErrs)
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		return o.res, o.err
	case <-ctx.Done():
		return nil, timeoutProblem(s.cfg.RequestTimeout)
	}
}

// handleAnalyze serves POST /v1/analyze.
func (s *Server) handleAnalyze(c fiber.Ctx) error {
	var req AnalyzeRequest
	in, fieldErrs, p := readAnalyzeRequest(c, &req)
	if p != nil {
		return p
	}
	recOpts, recErrs := parseAnalyzeRecommend(req.Recommend)
	fieldErrs = append(fieldErrs, recErrs...)
	an := s.analyzer.Load()
	res, err := s.analyzeWithin(c.Context(), an, in, fieldErrs, RequestID(c), routeLabel(c))
	if err != nil {
		return err
	}
	s.metrics.analyses.WithLabelValues(res.Language.Code).Inc()
	out := AnalyzeResponse{Result: res}
	if s.recommend != nil {
		ctx := c.Context()
		if recOpts != nil {
			ctx = withRecommendOptions(ctx, recOpts)
		}
		recs, err := s.recommend(ctx, in, res)
		if err != nil {
			s.log.Error("recommendations failed; answering without them", "request_id", RequestID(c), "error", err.Error())
		} else {
			out.Recommendations = recs
		}
	}
	return writeJSON(c, fiber.StatusOK, out)
}

// writeJSON encodes v straight into the response body, without escaping
// HTML characters (evidence must equal the text it quotes).
func writeJSON(c fiber.Ctx, status int, v any) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Status(status)
	enc := json.NewEncoder(c.Response().BodyWriter())
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		c.Response().ResetBody()
		return fmt.Errorf("encoding the answer: %w", err)
	}
	return nil
}
