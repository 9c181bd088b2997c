package quizzes

import (
	"context"
	"fmt"
	"slices"

	"github.com/mindprint/mindprint/classifier"
	"github.com/mindprint/mindprint/corpora/copylib"
)

// Recommender ranks copy for a profile; *copylib.Library is one.
type Recommender interface {
	Recommend(ctx context.Context, req copylib.RecommendRequest) (*copylib.RecommendResult, error)
}

// NoCopyLibraryNote is the note of an outcome scored without a copy library.
const NoCopyLibraryNote = "no copy library is configured, so there are no recommendations"

// Outcome is the answer to a quiz response (POST /v1/quizzes/{id}/responses
// and `mindprint quiz score`): the blended profile and the copy to show next.
type Outcome struct {
	// Respondent echoes the response's respondent id.
	Respondent string `json:"respondent,omitempty"`
	// Quiz names the instrument, its version and the language answered in.
	Quiz QuizRef `json:"quiz"`
	// Profile holds the analysis contract's traits and mindset, blended from
	// the answers and the free text, and both parts (see classifier.QuizProfile).
	Profile *classifier.QuizProfile `json:"profile"`
	// Recommendations are the copy library's picks for the profile, in the
	// response's language when the library has copy in it; empty without a
	// copy library (Notes says so).
	Recommendations []copylib.Recommendation `json:"recommendations"`
	// SplitPair is the outcome/journey CTA pair for a mixed mindset.
	SplitPair *copylib.SplitPair `json:"split_pair,omitempty"`
	// Strategy says how to write for the profile; absent without a copy library.
	Strategy *copylib.Strategy `json:"strategy,omitempty"`
	// Notes explain what is missing or was relaxed.
	Notes []string `json:"notes"`
}

// QuizRef identifies what was answered.
type QuizRef struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Lang    string `json:"lang"`
}

// Score scores a checked response (classifier.ParseQuizResponse) into an
// outcome without recommendations; an may be nil when the response has no
// free text. Call Recommend on the outcome to add copy.
func Score(an *classifier.Analyzer, q *classifier.QuizInstrument, resp *classifier.QuizResponse) (*Outcome, error) {
	p, err := classifier.ScoreQuizResponse(an, q, resp)
	if err != nil {
		return nil, err
	}
	return &Outcome{
		Respondent:      resp.Respondent,
		Quiz:            QuizRef{ID: q.ID, Version: q.Version, Lang: resp.Lang},
		Profile:         p,
		Recommendations: []copylib.Recommendation{},
		Notes:           []string{},
	}, nil
}

// Recommend adds rec's copy for the outcome's profile, in the answered
// language (or the library's fallback, which the notes then mention). With
// a nil rec it notes that there is no copy library. A failing rec leaves
// the profile intact: the outcome gets a note and the error is returned for
// the caller to log.
func (o *Outcome) Recommend(ctx context.Context, rec Recommender) error {
	if rec == nil {
		o.Notes = append(o.Notes, NoCopyLibraryNote)
		return nil
	}
	req := copylib.RecommendRequest{Profile: copylib.Profile{
		Language: o.Profile.Language, Traits: o.Profile.Traits, Mindset: o.Profile.Mindset,
	}}
	if slices.Contains(copylib.Languages, o.Quiz.Lang) {
		req.Lang = o.Quiz.Lang
	}
	res, err := rec.Recommend(ctx, req)
	if err != nil {
		o.Notes = append(o.Notes, "recommendations are unavailable right now; the profile is complete")
		return fmt.Errorf("quizzes: recommending copy: %w", err)
	}
	o.Recommendations = res.Recommendations
	if o.Recommendations == nil {
		o.Recommendations = []copylib.Recommendation{}
	}
	o.SplitPair = res.SplitPair
	strategy := res.Strategy
	o.Strategy = &strategy
	if res.Fallback != nil {
		o.Notes = append(o.Notes, fmt.Sprintf("copy is in %s, not %s: %s", res.Fallback.To, res.Fallback.From, res.Fallback.Reason))
	}
	o.Notes = append(o.Notes, res.Notes...)
	return nil
}
