package api

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/mindprint/mindprint/classifier"
	"github.com/mindprint/mindprint/corpora/quizzes"
)

// QuizService configures the onboarding quiz routes (Deps.Quizzes):
//
//	GET  /v1/quizzes                     the instruments                          any key
//	GET  /v1/quizzes/{id}?lang=fi        one instrument, ready to render          any key
//	POST /v1/quizzes/{id}/responses      score answers and free text; recommend   scope analyze
//
// A nil *QuizService serves the embedded instruments without a copy library.
type QuizService struct {
	// Instruments are the quizzes to serve; nil means the embedded ones
	// (quizzes.Default).
	Instruments *quizzes.Set
	// Copy recommends copy for a scored profile (a *copylib.Library); nil
	// answers an empty recommendations list with a note saying why.
	Copy quizzes.Recommender
}

// MaxQuizBodyBytes bounds the body of POST /v1/quizzes/{id}/responses: a
// few dozen answers and free-text answers of up to
// classifier.MaxFreeTextBytes each fit with room to spare.
const MaxQuizBodyBytes = 256 << 10

// QuizList is the answer of GET /v1/quizzes.
type QuizList struct {
	Quizzes []quizzes.Summary `json:"quizzes"`
}

// quizRoutes serves one QuizService.
type quizRoutes struct {
	s   *Server
	svc QuizService
}

// addQuizRoutes registers the quiz routes and their OpenAPI schemas.
func (s *Server) addQuizRoutes(svc *QuizService) error {
	qr := &quizRoutes{s: s}
	if svc != nil {
		qr.svc = *svc
	}
	if qr.svc.Instruments == nil {
		set, err := quizzes.Default()
		if err != nil {
			return fmt.Errorf("api: embedded quiz instruments: %w", err)
		}
		qr.svc.Instruments = set
	}
	if err := s.AddSchemas(quizSchemas()); err != nil {
		return err
	}
	return s.Handle(
		Route{Method: fiber.MethodGet, Path: "/v1/quizzes", Scope: ScopeAny, Handler: qr.list, Op: opListQuizzes()},
		Route{Method: fiber.MethodGet, Path: "/v1/quizzes/{id}", Scope: ScopeAny, Handler: qr.form, Op: opGetQuiz()},
		Route{Method: fiber.MethodPost, Path: "/v1/quizzes/{id}/responses", Scope: ScopeAnalyze, NeedsAnalyzer: true,
			MaxBody: MaxQuizBodyBytes, Handler: qr.respond, Op: opRespondQuiz()},
	)
}

func (qr *quizRoutes) list(c fiber.Ctx) error {
	return writeJSON(c, fiber.StatusOK, QuizList{Quizzes: qr.svc.Instruments.Summaries()})
}

// instrument finds the route's quiz or answers 404.
func (qr *quizRoutes) instrument(c fiber.Ctx) (*classifier.QuizInstrument, error) {
	id := c.Params("id")
	q := qr.svc.Instruments.Get(id)
	if q == nil {
		return nil, NewProblem(fiber.StatusNotFound, TypeNotFound, "Not found",
			fmt.Sprintf("no quiz %q; the quizzes are %s (GET /v1/quizzes)", truncate(id, 64), strings.Join(qr.svc.Instruments.IDs(), ", ")))
	}
	return q, nil
}

func (qr *quizRoutes) form(c fiber.Ctx) error {
	q, err := qr.instrument(c)
	if err != nil {
		return err
	}
	lang := c.Query("lang")
	f, err := quizzes.FormOf(q, lang)
	var le *quizzes.LanguageError
	if errors.As(err, &le) {
		code := classifier.CodeInvalidLanguage
		if lang == "" {
			code = "required"
		}
		return Invalid(FieldError{Field: "lang", Code: code, Detail: le.Error()})
	}
	if err != nil {
		return err
	}
	return writeJSON(c, fiber.StatusOK, f)
}

func (qr *quizRoutes) respond(c fiber.Ctx) error {
	q, err := qr.instrument(c)
	if err != nil {
		return err
	}
	if p := checkEncoding(c); p != nil {
		return p
	}
	ct := c.Get(fiber.HeaderContentType)
	if mt, utf8OK := mediaType(ct); mt != fiber.MIMEApplicationJSON || !utf8OK {
		return UnsupportedMedia(ct, fiber.MIMEApplicationJSON)
	}
	resp, err := classifier.ParseQuizResponse(q, c.Request().Body())
	var se *classifier.QuizSyntaxError
	var re *classifier.QuizResponseError
	switch {
	case errors.As(err, &se):
		return Malformed("%s", se.Error())
	case errors.As(err, &re):
		fields := make([]FieldError, len(re.Problems))
		for i, p := range re.Problems {
			fields[i] = FieldError{Field: p.Field, Code: p.Code, Detail: p.Message}
		}
		return Invalid(fields...)
	case err != nil:
		return err
	}
	out, err := quizzes.Score(qr.s.analyzer.Load(), q, resp)
	if err != nil {
		return err
	}
	if ft := out.Profile.FreeText; ft != nil {
		qr.s.metrics.analyses.WithLabelValues(ft.Language.Code).Inc()
	}
	if err := out.Recommend(c.Context(), qr.svc.Copy); err != nil {
		qr.s.log.Error("quiz recommendations failed; answering without them", "request_id", RequestID(c), "error", err.Error())
	}
	return writeJSON(c, fiber.StatusOK, out)
}

func opListQuizzes() Operation {
	return Operation{
		OperationID: "listQuizzes", Summary: "Onboarding quizzes", Tags: []string{"quizzes"},
		Description: "Every instrument: its languages, titles, what its items measure, and how many items and free-text questions it has.",
		Responses:   map[string]Response{"200": {Description: "The quizzes.", Content: JSONContent(Ref("QuizList"))}},
	}
}

func quizIDParam() Parameter {
	return Parameter{Name: "id", In: "path", Required: true, Description: "The quiz id, e.g. bigfive, mindset or goals.",
		Schema: Schema{"type": "string"}}
}

func quizNotFound() Response {
	return Response{Description: "No quiz has this id.", Content: map[string]MediaType{ProblemContentType: {Schema: Ref("Problem")}}}
}

func opGetQuiz() Operation {
	return Operation{
		OperationID: "getQuiz", Summary: "One quiz, ready to render", Tags: []string{"quizzes"},
		Description: "The instrument in one language: title, instructions, the answer scale with its labels, the Likert " +
			"items with the trait (or mindset side) and keying each scores, and the free-text questions.",
		Parameters: []Parameter{quizIDParam(),
			{Name: "lang", In: "query", Required: true, Description: "One of the quiz's languages (ISO 639-1).", Schema: Schema{"type": "string"}}},
		Responses: map[string]Response{
			"200": {Description: "The quiz.", Content: JSONContent(Ref("QuizForm"))},
			"404": quizNotFound(),
			"422": {Description: "lang is missing or not one of the quiz's languages.",
				Content: map[string]MediaType{ProblemContentType: {Schema: Ref("Problem")}}},
		},
	}
}

func opRespondQuiz() Operation {
	return Operation{
		OperationID: "respondQuiz", Summary: "Score a quiz response and recommend copy", Tags: []string{"quizzes"},
		Description: "Scores the Likert answers (reverse keying, per-trait means mapped to -1..1 and 0..100, confidence from " +
			"the items answered), analyses the free-text answers as one text in the response's language, blends both by " +
			"confidence and recommends copy for the profile. Unanswered items lower confidence; they never fail the " +
			"request. Every bad answer is listed: unknown item, value off the scale, wrong language, an answer given twice.",
		Parameters: []Parameter{quizIDParam()},
		RequestBody: &RequestBody{Required: true, Content: map[string]MediaType{fiber.MIMEApplicationJSON: {
			Schema: Ref("QuizResponse"),
			Example: map[string]any{"lang": "fi", "answers": map[string]any{"e1": 5, "e2": 1, "o1": nil},
				"free_text": map[string]any{"weekend": "Mökillä ystävien kanssa, saunottiin ja grillattiin."}, "respondent": "crm-123"},
		}}},
		Responses: map[string]Response{
			"200": {Description: "The profile and the recommendations.", Content: JSONContent(Ref("QuizOutcome"))},
			"404": quizNotFound(),
			"422": {Description: "Answers with problems, each named: unknown_item, unknown_question, out_of_range, " +
				"invalid_language, duplicate_answer, duplicate_field, wrong_type, unknown_field, required, too_long, empty_response.",
				Content: map[string]MediaType{ProblemContentType: {Schema: Ref("Problem")}}},
		},
	}
}

// quizSchemas are the component schemas of the quiz routes.
func quizSchemas() map[string]Schema {
	str := func(desc string) Schema { return Schema{"type": "string", "description": desc} }
	num := func(min, max float64, desc string) Schema {
		return Schema{"type": "number", "minimum": min, "maximum": max, "description": desc}
	}
	obj := func(required []string, props map[string]Schema) Schema {
		return Schema{"type": "object", "required": required, "properties": props}
	}
	intS := Schema{"type": "integer", "minimum": 0}
	langMap := Schema{"type": "object", "additionalProperties": Schema{"type": "string"}, "description": "language -> text"}
	traitMap := func(item Schema) Schema {
		props := map[string]Schema{}
		for _, t := range classifier.AllTraits {
			props[string(t)] = item
		}
		return Schema{"type": "object", "properties": props}
	}
	share := obj([]string{"answers", "free_text"}, map[string]Schema{
		"answers":   num(0, 1, "Weight of the Likert answers in the blend."),
		"free_text": num(0, 1, "Weight of the free-text analysis in the blend."),
	})
	sources := traitMap(Ref("QuizShare"))
	sources["properties"].(map[string]Schema)["mindset"] = Ref("QuizShare")
	return map[string]Schema{
		"QuizList": obj([]string{"quizzes"}, map[string]Schema{"quizzes": {"type": "array", "items": obj(
			[]string{"id", "version", "languages", "title", "measures", "items", "questions"}, map[string]Schema{
				"id": str("Use it in /v1/quizzes/{id}."), "version": str("Results carry it."),
				"languages": {"type": "array", "items": Schema{"type": "string"}},
				"title":     langMap,
				"measures":  {"type": "array", "items": Schema{"type": "string"}, "description": "Trait names and mindset the items score."},
				"items":     intS, "questions": intS, "license": str(""), "source": str("Who wrote it."),
			})}}),
		"QuizForm": obj([]string{"id", "version", "lang", "title", "items", "questions"}, map[string]Schema{
			"id": str(""), "version": str(""), "lang": str(""), "title": str(""), "instructions": str(""),
			"scale": obj([]string{"min", "max", "labels"}, map[string]Schema{
				"min": Schema{"type": "integer"}, "max": Schema{"type": "integer"},
				"labels": {"type": "array", "items": Schema{"type": "string"}, "description": "One per point, from min to max."},
			}),
			"items": {"type": "array", "items": obj([]string{"id", "text", "keyed"}, map[string]Schema{
				"id": str("Answer it under answers.<id>."), "text": str(""),
				"trait":   {"type": "string", "enum": []string{"openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism"}},
				"mindset": {"type": "string", "enum": []string{"growth", "fixed"}, "description": "The side agreeing points to."},
				"keyed":   {"type": "string", "enum": []string{"+", "-"}},
			})},
			"questions": {"type": "array", "items": obj([]string{"id", "text", "max_bytes"}, map[string]Schema{
				"id": str("Answer it under free_text.<id>."), "text": str(""), "max_bytes": intS,
			})},
		}),
		"QuizResponse": {
			"type": "object", "required": []string{"lang"}, "additionalProperties": false,
			"properties": map[string]Schema{
				"lang": str("One of the quiz's languages; free text is analysed in it."),
				"answers": {"type": "object", "description": "Item id -> a whole number on the scale, or null to skip. A key given twice is an error.",
					"additionalProperties": Schema{"type": []string{"integer", "null"}}},
				"free_text": {"type": "object", "description": fmt.Sprintf("Question id -> answer text (up to %d bytes), or null.", classifier.MaxFreeTextBytes),
					"additionalProperties": Schema{"type": []string{"string", "null"}}},
				"respondent": {"type": "string", "maxLength": classifier.MaxRespondentBytes, "description": "Echoed in the answer."},
			},
		},
		"QuizShare": share,
		"QuizDimension": obj([]string{"score", "scaled", "mean", "confidence", "answered", "items", "answers"}, map[string]Schema{
			"score":      num(-1, 1, "The keyed mean on the text-analysis scale."),
			"scaled":     {"type": []string{"number", "null"}, "minimum": 0, "maximum": 100, "description": "The keyed mean as percent of the scale's range (not a percentile); null when nothing was answered."},
			"mean":       {"type": []string{"number", "null"}, "description": "The keyed mean on the answer scale."},
			"confidence": num(0, 1, "n/(n+2) for n answered items, x0.75 when only one keying was answered."),
			"answered":   intS, "items": intS,
			"label": {"type": "string", "enum": []string{"fixed", "growth", "mixed", "unknown"}, "description": "Mindset only."},
			"answers": {"type": "array", "items": obj([]string{"item", "keyed", "value", "scored"}, map[string]Schema{
				"item": str(""), "keyed": {"type": "string", "enum": []string{"+", "-"}},
				"value": Schema{"type": "integer"}, "scored": Schema{"type": "integer", "description": "After reverse keying."},
			})},
		}),
		"QuizProfile": obj([]string{"language", "traits", "mindset", "sources", "answers", "free_text", "flags"}, map[string]Schema{
			"language": Ref("Language"),
			"traits": {"type": "object", "description": "The blend, in the analysis contract's shape.",
				"properties": traitMap(Ref("TraitScore"))["properties"]},
			"mindset": Ref("MindsetScore"),
			"sources": {"type": "object", "description": "Per dimension, the weight of the answers and of the free text.",
				"properties": sources["properties"]},
			"answers": {"description": "The Likert part; null for a quiz without items.", "oneOf": []any{Schema{"type": "null"},
				obj([]string{"instrument", "version", "lang", "answered", "items", "traits", "flags"}, map[string]Schema{
					"instrument": str(""), "version": str(""), "lang": str(""), "answered": intS, "items": intS,
					"traits": traitMap(Ref("QuizDimension")), "mindset": Ref("QuizDimension"),
					"flags": {"type": "array", "items": Schema{"type": "string"}, "description": "incomplete, one_sided_keying."},
				})}},
			"free_text": {"description": "The analysis of the free-text answers joined in question order by a blank line; null without free text.",
				"oneOf": []any{Schema{"type": "null"}, Schema{"allOf": []any{Ref("AnalysisResult"), obj([]string{"questions"}, map[string]Schema{
					"questions": {"type": "array", "description": "Where each answer sits in the joined text (byte offsets, like evidence).",
						"items": obj([]string{"question", "start", "end"}, map[string]Schema{"question": str(""), "start": intS, "end": intS})},
				})}}}},
			"flags": {"type": "array", "items": Schema{"type": "string"}},
		}),
		"QuizOutcome": obj([]string{"quiz", "profile", "recommendations", "notes"}, map[string]Schema{
			"respondent": str("Echoed from the response."),
			"quiz": obj([]string{"id", "version", "lang"}, map[string]Schema{
				"id": str(""), "version": str(""), "lang": str(""),
			}),
			"profile":         Ref("QuizProfile"),
			"recommendations": {"type": "array", "items": Schema{"type": "object"}, "description": "The copy library's picks ({variant, fit, reasons, role}); empty without a copy library."},
			"split_pair":      Schema{"type": "object", "description": "Outcome and journey CTAs for a mixed mindset."},
			"strategy":        Schema{"type": "object", "description": "How to write for the profile."},
			"notes":           {"type": "array", "items": Schema{"type": "string"}, "description": "What is missing or was relaxed."},
		}),
	}
}
