package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/mindprint/mindprint/classifier"
	"github.com/mindprint/mindprint/corpora/copylib"
)

// AnalyzeRecommend is the optional "recommend" member of a POST /v1/analyze
// body: it asks for copy that fits the analysed text, answered under
// "recommendations" with the shape of POST /v1/recommend's answer.
//
//	{"text": "...", "recommend": {"industry": "insurance", "kinds": ["cta"], "touchpoint": "landing_page", "limit": 3}}
//
// Every member is optional; {} asks with the defaults. Absent or null asks
// for nothing. The profile is the analysis itself.
type AnalyzeRecommend struct {
	// Lang of the copy; default: the text's language when the library has
	// copy in it, else English (the answer's fallback says so).
	Lang string `json:"lang,omitempty"`
	// Industry keeps copy written for it or for general.
	Industry string `json:"industry,omitempty"`
	// Kinds keeps only these kinds of copy (cta, headline, ...).
	Kinds []string `json:"kinds,omitempty"`
	// Touchpoint prefers copy made for it.
	Touchpoint string `json:"touchpoint,omitempty"`
	// Limit is 1..copylib.MaxRecommendLimit; 0 means the default.
	Limit int `json:"limit,omitempty"`
}

// request is the copy library's request for a profile.
func (o *AnalyzeRecommend) request(p copylib.Profile) copylib.RecommendRequest {
	return copylib.RecommendRequest{Profile: p, Lang: o.Lang, Industry: o.Industry, Kinds: o.Kinds,
		Touchpoint: o.Touchpoint, Limit: o.Limit}
}

// parseAnalyzeRecommend reads the "recommend" member of an analyze request:
// nil when it is absent or null, else the options or the problem with each
// of their fields (named recommend.<field>).
func parseAnalyzeRecommend(raw json.RawMessage) (*AnalyzeRecommend, []FieldError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if raw[0] != '{' {
		return nil, []FieldError{{Field: "recommend", Code: "wrong_type",
			Detail: `recommend must be an object such as {"industry": "insurance", "kinds": ["cta"], "limit": 3}, or {} for the defaults`}}
	}
	members, p := objectMembers(raw)
	if p != nil { // cannot happen: the body around it was valid JSON
		return nil, []FieldError{{Field: "recommend", Code: "wrong_type", Detail: "recommend: " + p.Detail}}
	}
	opts := &AnalyzeRecommend{}
	errs := decodeMembers(members, opts, "recommend.")
	req := opts.request(copylib.Profile{})
	if err := req.Validate(); err != nil {
		var ve *copylib.ValidationError
		if errors.As(err, &ve) {
			reported := map[string]bool{}
			for _, e := range errs {
				reported[rootField(strings.TrimPrefix(e.Field, "recommend."))] = true
			}
			for _, e := range libFieldErrors(ve.Errors, "") {
				if !reported[rootField(e.Field)] {
					e.Field = "recommend." + e.Field
					errs = append(errs, e)
				}
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return opts, nil
}

// recommendKey is the context key of a request's AnalyzeRecommend.
type recommendKey struct{}

// withRecommendOptions hands a request's recommend options to the
// Deps.Recommend hook through its context.
func withRecommendOptions(ctx context.Context, o *AnalyzeRecommend) context.Context {
	return context.WithValue(ctx, recommendKey{}, o)
}

// RecommendOptions returns what a POST /v1/analyze request asked of the
// copy library in its "recommend" member, for a Deps.Recommend hook; ok is
// false when the request did not ask.
func RecommendOptions(ctx context.Context) (opts AnalyzeRecommend, ok bool) {
	o, _ := ctx.Value(recommendKey{}).(*AnalyzeRecommend)
	if o == nil {
		return AnalyzeRecommend{}, false
	}
	return *o, true
}

// recommendForAnalysis is the Deps.Recommend hook of the copy library: it
// recommends copy for the analysis when the request asked for it, and adds
// nothing otherwise.
func (cr *copyRoutes) recommendForAnalysis(ctx context.Context, _ classifier.Input, res *classifier.Result) (any, error) {
	opts, ok := RecommendOptions(ctx)
	if !ok {
		return nil, nil
	}
	out, err := cr.lib.Recommend(ctx, opts.request(copylib.ProfileOf(res)))
	if err != nil {
		return nil, err
	}
	return out, nil
}

// recommend serves POST /v1/recommend: copy for a profile the client has (a
// whole analysis result, a quiz profile, or just traits and mindset).
func (cr *copyRoutes) recommend(c fiber.Ctx) error {
	if p := requireJSON(c); p != nil {
		return p
	}
	members, p := objectMembers(c.Request().Body())
	if p != nil {
		return p
	}
	var req copylib.RecommendRequest
	errs := decodeMembers(members, &req, "")
	hasProfile := slices.ContainsFunc(members, func(m jsonMember) bool {
		return m.key == "profile" && !bytes.Equal(bytes.TrimSpace(m.raw), []byte("null"))
	})
	if !hasProfile {
		errs = append(errs, FieldError{Field: "profile", Code: "required",
			Detail: `profile is required: an analysis result (POST /v1/analyze), or {"traits": {"openness": {"score": 0.4}}, "mindset": {"label": "growth"}}`})
	}
	if len(errs) > 0 {
		return Invalid(errs...)
	}
	out, err := cr.lib.Recommend(c.Context(), req)
	if err != nil {
		return cr.copyProblem(err, "")
	}
	return writeJSON(c, fiber.StatusOK, out)
}

func opRecommend() Operation {
	return Operation{
		OperationID: "recommend", Summary: "Recommend copy for a profile", Tags: []string{"copy"},
		Description: "Ranks the copy of the profile's language (or lang) by fit: trait poles, mindset, industry and " +
			"touchpoint, with reasons in words; keeps the list varied; leads with a split pair (outcome CTA and journey " +
			"CTA) for a mixed mindset; adds a content strategy; falls back to English, saying so, when the language " +
			"has no copy for the filter. POST /v1/analyze gives the same answer for a text with a \"recommend\" member.",
		RequestBody: &RequestBody{Required: true, Content: map[string]MediaType{fiber.MIMEApplicationJSON: {
			Schema: Ref("RecommendRequest"),
			Example: map[string]any{"profile": map[string]any{"language": map[string]any{"code": "fi"},
				"traits":  map[string]any{"neuroticism": map[string]any{"score": 0.6}},
				"mindset": map[string]any{"label": "fixed", "score": -0.5}},
				"industry": "insurance", "kinds": []string{"cta"}, "limit": 3},
		}}},
		Responses: map[string]Response{
			"200": {Description: "The recommendations.", Content: JSONContent(Ref("RecommendResult"))},
			"422": problemResponse("profile is missing, or a field is invalid (each is named, e.g. profile.traits.openness.score, kinds[0])."),
		},
	}
}
