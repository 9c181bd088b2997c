package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/mindprint/mindprint/corpora/copylib"
)

// Operation is the OpenAPI 3.1 description of one route. Handle completes it
// with the route's security requirement and the error answers its
// middleware can give, so a route only describes what its handler does.
type Operation struct {
	OperationID string                `json:"operationId"`
	Summary     string                `json:"summary"`
	Description string                `json:"description,omitempty"`
	Tags        []string              `json:"tags,omitempty"`
	Parameters  []Parameter           `json:"parameters,omitempty"`
	RequestBody *RequestBody          `json:"requestBody,omitempty"`
	Responses   map[string]Response   `json:"responses"`
	Security    []map[string][]string `json:"security"`
}

// Parameter is an OpenAPI parameter (query or path).
type Parameter struct {
	Name        string `json:"name"`
	In          string `json:"in"`
	Description string `json:"description,omitempty"`
	Required    bool   `json:"required,omitempty"`
	Schema      Schema `json:"schema"`
}

// RequestBody is an OpenAPI request body.
type RequestBody struct {
	Description string               `json:"description,omitempty"`
	Required    bool                 `json:"required"`
	Content     map[string]MediaType `json:"content"`
}

// MediaType is the schema (and an example) of one content type.
type MediaType struct {
	Schema  Schema `json:"schema"`
	Example any    `json:"example,omitempty"`
}

// Response is an OpenAPI response.
type Response struct {
	Description string               `json:"description"`
	Headers     map[string]Header    `json:"headers,omitempty"`
	Content     map[string]MediaType `json:"content,omitempty"`
}

// Header is an OpenAPI response header.
type Header struct {
	Description string `json:"description,omitempty"`
	Schema      Schema `json:"schema"`
}

// Schema is a JSON Schema (2020-12, as OpenAPI 3.1 uses).
type Schema = map[string]any

// Ref returns a schema referring to the component schema name.
func Ref(name string) Schema { return Schema{"$ref": "#/components/schemas/" + name} }

// JSONContent is the content map of a JSON body with schema s.
func JSONContent(s Schema) map[string]MediaType {
	return map[string]MediaType{fiber.MIMEApplicationJSON: {Schema: s}}
}

// AddSchemas adds component schemas for extension routes to refer to with
// Ref. Names already taken are an error.
func (s *Server) AddSchemas(schemas map[string]Schema) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.extraSchemas == nil {
		s.extraSchemas = map[string]Schema{}
	}
	base := componentSchemas()
	for name, sc := range schemas {
		if _, ok := base[name]; ok {
			return fmt.Errorf("api: schema %q already exists", name)
		}
		if _, ok := s.extraSchemas[name]; ok {
			return fmt.Errorf("api: schema %q already exists", name)
		}
		s.extraSchemas[name] = sc
	}
	s.openapi = nil
	return nil
}

// OpenAPI returns the OpenAPI 3.1 document of every registered route.
func (s *Server) OpenAPI() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.openapi != nil {
		return s.openapi, nil
	}
	paths := map[string]map[string]Operation{}
	for _, r := range s.routes {
		if paths[r.Path] == nil {
			paths[r.Path] = map[string]Operation{}
		}
		paths[r.Path][strings.ToLower(r.Method)] = s.completeOp(r)
	}
	schemas := componentSchemas()
	maps.Copy(schemas, s.extraSchemas)
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "Mindprint API",
			"version": "1.0.0",
			"description": "Mindprint reads what customers write (reviews, chats, survey and quiz answers), detects the " +
				"language, scores the Big Five traits and fixed/growth mindset from keyword lexicons with the words " +
				"behind every score, and recommends copy that fits. Errors are application/problem+json (RFC 9457).",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer",
					"description": "An API key as a bearer token. Scopes: " + scopeList() + " (admin implies all)."},
				"apiKey": map[string]any{"type": "apiKey", "in": "header", "name": "X-API-Key",
					"description": "The same API key in the X-API-Key header."},
			},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("api: encoding the OpenAPI document: %w", err)
	}
	s.openapi = b
	return b, nil
}

// completeOp adds to a route's operation what its chain implies.
func (s *Server) completeOp(r Route) Operation {
	op := r.Op
	op.Responses = maps.Clone(op.Responses)
	if op.Responses == nil {
		op.Responses = map[string]Response{}
	}
	add := func(code int, desc string, headers map[string]Header) {
		key := strconv.Itoa(code)
		if _, ok := op.Responses[key]; ok {
			return
		}
		op.Responses[key] = Response{Description: desc, Headers: headers,
			Content: map[string]MediaType{ProblemContentType: {Schema: Ref("Problem")}}}
	}
	retry := map[string]Header{"Retry-After": {Description: "Seconds to wait before retrying.", Schema: Schema{"type": "integer"}}}
	if r.Public {
		op.Security = []map[string][]string{}
	} else {
		scopes := []string{}
		if r.Scope != ScopeAny {
			scopes = []string{string(r.Scope)}
		}
		op.Security = []map[string][]string{{"bearer": scopes}, {"apiKey": scopes}}
		add(fiber.StatusUnauthorized, "Missing or unknown API key.", nil)
		if r.Scope != ScopeAny {
			add(fiber.StatusForbidden, fmt.Sprintf("The API key lacks the %s scope.", r.Scope), nil)
		}
		add(fiber.StatusTooManyRequests, "Rate limit reached for this key.", retry)
	}
	if op.RequestBody != nil {
		add(fiber.StatusBadRequest, "Malformed body.", nil)
		add(fiber.StatusRequestEntityTooLarge, fmt.Sprintf("Body over %d bytes.", r.MaxBody), nil)
		add(fiber.StatusUnsupportedMediaType, "Unsupported Content-Type or Content-Encoding.", nil)
	}
	if r.NeedsAnalyzer {
		add(fiber.StatusServiceUnavailable, "Still loading language models and lexicons, or busy past the timeout.", retry)
	}
	if op.Tags == nil {
		op.Tags = []string{"other"}
	}
	return op
}

// resultExample is a small analysis result used in the docs.
func resultExample() map[string]any {
	trait := func(score float64, conf float64) map[string]any {
		return map[string]any{"score": score, "percentile": nil, "confidence": conf, "evidence": []any{}}
	}
	op := trait(0.5, 0.12)
	op["evidence"] = []any{map[string]any{"text": "curious", "entry": "curious", "pole": "high", "weight": 1.0,
		"start": 9, "end": 16, "negated": false}}
	return map[string]any{
		"id":       "crm-123",
		"language": map[string]any{"code": "en", "confidence": 0.93, "source": "detected"},
		"words":    12,
		"traits": map[string]any{"openness": op, "conscientiousness": trait(0, 0), "extraversion": trait(0, 0),
			"agreeableness": trait(0, 0), "neuroticism": trait(0, 0)},
		"mindset":         map[string]any{"label": "unknown", "score": 0, "confidence": 0, "evidence": []any{}},
		"flags":           []string{"short_text"},
		"lexicon_version": "2026.11-3f9a2c",
	}
}

func opAnalyze(cfg Config) Operation {
	return Operation{
		OperationID: "analyze",
		Summary:     "Analyse one text",
		Description: fmt.Sprintf("Detects the language, scores the Big Five traits and the mindset, and returns the "+
			"evidence behind every score (byte offsets into the text as sent). Send JSON, or the bare text as "+
			"text/plain with id, lang and source as query parameters. Texts may be up to %d bytes, bodies up to %d.",
			cfg.MaxTextBytes, cfg.MaxBodyBytes),
		Tags: []string{"analysis"},
		Parameters: []Parameter{
			{Name: "id", In: "query", Description: "For text/plain bodies: an id to echo.", Schema: Schema{"type": "string", "maxLength": MaxIDBytes}},
			{Name: "lang", In: "query", Description: "For text/plain bodies: an ISO 639-1 language hint.", Schema: Schema{"type": "string"}},
			{Name: "source", In: "query", Description: "For text/plain bodies: where the text comes from.", Schema: Schema{"type": "string", "enum": Sources}},
		},
		RequestBody: &RequestBody{
			Required: true,
			Content: map[string]MediaType{
				fiber.MIMEApplicationJSON: {Schema: Ref("AnalyzeRequest"),
					Example: map[string]any{"id": "crm-123", "text": "I am curious about everything new.", "source": "review"}},
				fiber.MIMETextPlain: {Schema: Schema{"type": "string", "minLength": 1}},
			},
		},
		Responses: map[string]Response{
			"200": {Description: "The analysis.", Content: map[string]MediaType{
				fiber.MIMEApplicationJSON: {Schema: Ref("AnalysisResult"), Example: resultExample()}}},
			"422": {Description: "A field is invalid: empty text, text too long, invalid UTF-8, unknown language, bad id or source.",
				Content: map[string]MediaType{ProblemContentType: {Schema: Ref("Problem")}}},
		},
	}
}

func opBatch(cfg Config) Operation {
	return Operation{
		OperationID: "analyzeBatch",
		Summary:     "Analyse many texts (NDJSON in, NDJSON out)",
		Description: fmt.Sprintf("The body holds one AnalyzeRequest JSON object per line; blank lines are skipped. "+
			"The answer streams one line per non-blank input line, in input order, as soon as each is ready: the "+
			"AnalysisResult (echoing its id), or a BatchLineError naming the line; a bad line never stops the rest. "+
			"Limits: at most %d lines and %d bytes per request (413 otherwise, before any work); the batch stops "+
			"after %s with a final timeout line. Lines are analysed in parallel on every core; if the client "+
			"disconnects the work stops.", cfg.BatchMaxLines, cfg.BatchMaxBodyBytes, cfg.BatchTimeout),
		Tags: []string{"analysis"},
		RequestBody: &RequestBody{
			Required: true,
			Content: map[string]MediaType{
				NDJSONContentType: {Schema: Schema{"type": "string",
					"description": "Newline-delimited AnalyzeRequest objects (application/ndjson, application/jsonl and application/x-jsonlines are accepted too)."},
					Example: "{\"id\":\"1\",\"text\":\"I love trying new things.\"}\n{\"id\":\"2\",\"text\":\"Kaikki toimi nopeasti ja luotettavasti.\"}\n"},
			},
		},
		Responses: map[string]Response{
			"200": {Description: "One line per input line: an AnalysisResult or a BatchLineError.",
				Content: map[string]MediaType{NDJSONContentType: {Schema: Schema{"oneOf": []any{Ref("AnalysisResult"), Ref("BatchLineError")}}}}},
			"413": {Description: fmt.Sprintf("More than %d lines, or a body over %d bytes.", cfg.BatchMaxLines, cfg.BatchMaxBodyBytes),
				Content: map[string]MediaType{ProblemContentType: {Schema: Ref("Problem")}}},
			"422": {Description: "The batch has no lines.", Content: map[string]MediaType{ProblemContentType: {Schema: Ref("Problem")}}},
		},
	}
}

func opLanguages() Operation {
	return Operation{
		OperationID: "listLanguages", Summary: "Languages detected and scored", Tags: []string{"reference"},
		Description: "Every language the service detects; scored ones have a lexicon, norms ones have percentiles.",
		Responses:   map[string]Response{"200": {Description: "The languages.", Content: JSONContent(Ref("LanguagesResponse"))}},
	}
}

func opLexicons() Operation {
	return Operation{
		OperationID: "listLexicons", Summary: "Lexicon versions and entry counts", Tags: []string{"reference"},
		Description: "The lexicon version results carry, and per language its files and entries per category and pole.",
		Responses:   map[string]Response{"200": {Description: "The lexicons.", Content: JSONContent(Ref("LexiconsResponse"))}},
	}
}

func opLivez() Operation {
	return Operation{
		OperationID: "livez", Summary: "Liveness", Tags: []string{"operations"},
		Description: "200 whenever the process answers, even while loading.",
		Responses:   map[string]Response{"200": {Description: "Alive.", Content: JSONContent(Ref("Health"))}},
	}
}

func opReadyz() Operation {
	return Operation{
		OperationID: "readyz", Summary: "Readiness", Tags: []string{"operations"},
		Description: "200 once language models and lexicons are loaded; 503 with Retry-After before.",
		Responses: map[string]Response{
			"200": {Description: "Ready.", Content: JSONContent(Ref("Health"))},
			"503": {Description: "Still loading.", Content: map[string]MediaType{ProblemContentType: {Schema: Ref("Problem")}},
				Headers: map[string]Header{"Retry-After": {Schema: Schema{"type": "integer"}}}},
		},
	}
}

func opMetrics() Operation {
	return Operation{
		OperationID: "metrics", Summary: "Prometheus metrics", Tags: []string{"operations"},
		Description: "Request counts and latencies per route and status, analyses per language, batch lines, " +
			"in-flight requests, readiness, recovered panics, Go and process metrics. Needs the admin scope when keys are configured.",
		Responses: map[string]Response{"200": {Description: "The Prometheus text format.",
			Content: map[string]MediaType{"text/plain": {Schema: Schema{"type": "string"}}}}},
	}
}

func opOpenAPI() Operation {
	return Operation{
		OperationID: "openapi", Summary: "This document", Tags: []string{"operations"},
		Responses: map[string]Response{"200": {Description: "The OpenAPI 3.1 document.", Content: JSONContent(Schema{"type": "object"})}},
	}
}

// componentSchemas are the shared schemas of the built-in routes.
func componentSchemas() map[string]Schema {
	num := func(min, max float64, desc string) Schema {
		return Schema{"type": "number", "minimum": min, "maximum": max, "description": desc}
	}
	str := func(desc string) Schema {
		if desc == "" {
			return Schema{"type": "string"}
		}
		return Schema{"type": "string", "description": desc}
	}
	obj := func(required []string, props map[string]Schema) Schema {
		return Schema{"type": "object", "required": required, "properties": props}
	}
	traitProps := map[string]Schema{}
	var traitNames []string
	for _, t := range []string{"openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism"} {
		traitProps[t] = Ref("TraitScore")
		traitNames = append(traitNames, t)
	}
	problemTypes := []string{TypeMalformed, TypeUnauthorized, TypeForbidden, TypeNotFound, TypeMethodNotAllowed,
		TypeTooLarge, TypeTooManyLines, TypeUnsupportedMedia, TypeValidation, TypeRateLimited, TypeInternal,
		TypeNotReady, TypeTimeout, TypeHeaderTooLarge, TypeRequestTimeout, TypeHTTP,
		TypeConflict, TypePreconditionFailed, TypePreconditionRequired}
	slices.Sort(problemTypes)
	return map[string]Schema{
		"AnalyzeRequest": {
			"type": "object", "required": []string{"text"}, "additionalProperties": false,
			"properties": map[string]Schema{
				"id":     {"type": "string", "maxLength": MaxIDBytes, "description": "Echoed in the result."},
				"text":   {"type": "string", "minLength": 1, "description": "The customer text, UTF-8; not blank."},
				"lang":   str("Optional ISO 639-1 hint (see /v1/languages); wins over detection."),
				"source": {"type": "string", "enum": Sources, "description": "Optional: where the text comes from; recorded, not scored."},
				"recommend": {"type": []string{"object", "null"}, "additionalProperties": false,
					"description": "Optional, POST /v1/analyze only: ask for copy that fits this text, answered under " +
						"recommendations (as POST /v1/recommend answers; the profile is this analysis). {} uses the defaults. " +
						"Needs a server with the copy library.",
					"properties": map[string]Schema{
						"lang":       str("Language of the copy; default: the text's, else English."),
						"industry":   str("Keep copy written for this industry or for general."),
						"kinds":      {"type": "array", "items": Schema{"type": "string"}, "description": "Keep only these kinds: cta, headline, subject_line, body, banner."},
						"touchpoint": str("Prefer copy made for it: landing_page, email, onsite, push, ad."),
						"limit":      {"type": "integer", "minimum": 1, "maximum": copylib.MaxRecommendLimit, "description": fmt.Sprintf("How many; default %d.", copylib.DefaultRecommendLimit)},
					}},
			},
		},
		"AnalysisResult": {
			"type":     "object",
			"required": []string{"language", "words", "traits", "mindset", "flags", "lexicon_version"},
			"properties": map[string]Schema{
				"id":              str("The request's id, when given."),
				"language":        Ref("Language"),
				"words":           Schema{"type": "integer", "minimum": 0, "description": "Word tokens in the scored text."},
				"traits":          {"type": "object", "required": traitNames, "properties": traitProps},
				"mindset":         Ref("MindsetScore"),
				"flags":           {"type": "array", "items": Schema{"type": "string"}, "description": "short_text, low_coverage, repetitive, unsupported_language, undetermined_language, truncated."},
				"lexicon_version": str("Changes whenever lexicon content changes."),
				"recommendations": {"type": "object", "description": "When the request asked (recommend) and the server has the copy " +
					"library: the answer of POST /v1/recommend for this analysis (lang, recommendations, split_pair, strategy, fallback, notes)."},
			},
		},
		"Language": obj([]string{"code", "confidence", "source"}, map[string]Schema{
			"code":       str("ISO 639-1 code, or und when undetermined."),
			"confidence": num(0, 1, "The detector's confidence (1 for a hint)."),
			"source":     {"type": "string", "enum": []string{"detected", "hint"}},
		}),
		"TraitScore": obj([]string{"score", "percentile", "confidence", "evidence", "evidence_count"}, map[string]Schema{
			"score":          num(-1, 1, "Sign is the direction (+ high pole, - low pole); 0 without evidence."),
			"percentile":     {"type": []string{"integer", "null"}, "minimum": 0, "maximum": 100, "description": "Against reference texts of the language; null without norms."},
			"confidence":     num(0, 1, "Grows with evidence and words."),
			"evidence":       {"type": "array", "items": Ref("Evidence"), "description": "The matches behind the score, in text order (capped; see evidence_count)."},
			"evidence_count": Schema{"type": "integer", "minimum": 0, "description": "How many matches there were in all, listed or not."},
		}),
		"MindsetScore": obj([]string{"label", "score", "confidence", "evidence", "evidence_count"}, map[string]Schema{
			"label":          {"type": "string", "enum": []string{"fixed", "growth", "mixed", "unknown"}},
			"score":          num(-1, 1, "-1 fixed .. +1 growth; 0 without evidence."),
			"confidence":     num(0, 1, "Grows with evidence and words."),
			"evidence":       {"type": "array", "items": Ref("Evidence"), "description": "The matches behind the score, in text order (capped; see evidence_count)."},
			"evidence_count": Schema{"type": "integer", "minimum": 0, "description": "How many matches there were in all, listed or not."},
		}),
		"Evidence": obj([]string{"text", "entry", "pole", "weight", "start", "end", "negated"}, map[string]Schema{
			"text":    str("The matched text exactly as received: text[start:end]."),
			"entry":   str("The lexicon term that matched."),
			"pole":    {"type": "string", "enum": []string{"high", "low", "fixed", "growth"}},
			"weight":  Schema{"type": "number"},
			"start":   Schema{"type": "integer", "minimum": 0, "description": "Byte offset into the text as sent."},
			"end":     Schema{"type": "integer", "minimum": 0, "description": "Byte offset into the text as sent."},
			"negated": Schema{"type": "boolean"},
		}),
		"Problem": {
			"type": "object", "required": []string{"type", "title", "status"},
			"description": "RFC 9457 problem details.",
			"properties": map[string]Schema{
				"type":     {"type": "string", "format": "uri", "enum": problemTypes, "description": "Stable; switch on it."},
				"title":    str("Short summary of the type."),
				"status":   Schema{"type": "integer"},
				"detail":   str("What went wrong this time."),
				"instance": str("The request id (X-Request-ID), for the logs."),
				"errors":   {"type": "array", "items": Ref("FieldError"), "description": "For validation problems: each invalid field."},
			},
		},
		"FieldError": obj([]string{"field", "code", "detail"}, map[string]Schema{
			"field":  str("The JSON field (or query parameter) at fault."),
			"code":   str("Stable reason, e.g. empty_text, text_too_long, invalid_utf8, invalid_language, required, wrong_type, unknown_field, too_long, invalid_source."),
			"detail": str("Explanation for a human."),
		}),
		"BatchLineError": obj([]string{"line", "error"}, map[string]Schema{
			"id":    str("The line's id, when it could be read."),
			"line":  Schema{"type": "integer", "minimum": 1, "description": "1-based line number in the request body."},
			"error": Ref("Problem"),
		}),
		"LanguagesResponse": obj([]string{"languages", "lexicon_version"}, map[string]Schema{
			"languages": {"type": "array", "items": obj([]string{"code", "scored", "norms", "name", "native_name"}, map[string]Schema{
				"code":        str("ISO 639-1 code."),
				"scored":      Schema{"type": "boolean", "description": "Has a lexicon; otherwise only detected (flag unsupported_language)."},
				"norms":       Schema{"type": "boolean", "description": "Percentiles are available."},
				"name":        str("English name."),
				"native_name": str("The language's own name for itself."),
			})},
			"lexicon_version": str("The version results carry."),
		}),
		"LexiconsResponse": obj([]string{"version", "lexicons"}, map[string]Schema{
			"version": str("The lexicon_version results carry."),
			"lexicons": {"type": "array", "items": obj([]string{"lang", "entries", "counts", "files"}, map[string]Schema{
				"lang":    str("ISO 639-1 code."),
				"entries": Schema{"type": "integer"},
				"counts": {"type": "object", "description": "category -> pole -> entries",
					"additionalProperties": Schema{"type": "object", "additionalProperties": Schema{"type": "integer"}}},
				"files": {"type": "array", "items": obj([]string{"path", "id", "version", "license", "source"}, map[string]Schema{
					"path": str(""), "id": str(""), "version": str(""), "license": str(""), "source": str(""), "description": str(""),
				})},
			})},
		}),
		"Health": obj([]string{"status"}, map[string]Schema{
			"status":          {"type": "string", "enum": []string{"ok", "ready"}},
			"lexicon_version": str("Once ready."),
		}),
	}
}
