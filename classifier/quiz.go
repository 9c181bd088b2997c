package classifier

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file owns quiz scoring: the instrument types (loaded from data by
// package corpora/quizzes), the reading and checking of a respondent's
// answers, the scoring of Likert items with reverse keying, and the blend of
// that score with the analysis of the respondent's free-text answers.
//
// # Likert items
//
// Every item belongs to one dimension (a trait, or "mindset") and is keyed
// "+" (agreeing points to the high pole, or to growth) or "-" (agreeing
// points to the low pole, or to fixed). On a scale min..max an answer v
// scores v for a "+" item and min+max-v for a "-" item, so every scored
// value points the same way.
//
// A dimension's mean M is the average of two means: that of its answered
// "+" items and that of its answered "-" items (when only one keying was
// answered, that keying's mean alone). Averaging per keying makes
// acquiescence cancel even when the keyings have different numbers of
// answered items: a respondent who agrees with everything gets the scale's
// midpoint. From M:
//
//	scaled     = 100 × (M - min) / (max - min)                 in 0..100
//	score      = 2 × (M - min) / (max - min) - 1               in -1..1, like text analysis
//	confidence = n / (n + 2) × (0.75 if only one keying was answered, else 1)
//
// where n is the number of the dimension's items that were answered.
// n/(n+2) is the Spearman–Brown reliability of n items whose average
// inter-item correlation is 1/3, a usual figure for short personality
// scales: one item gives 0.33, four 0.67, eight 0.8. A partly completed quiz
// therefore scores with lower confidence instead of failing, and a dimension
// answered on one keying only, where acquiescence cannot cancel, is trusted
// less still.
//
// The mindset label of the answers follows the score: "growth" at +0.2 or
// more, "fixed" at -0.2 or less, "mixed" in between (the respondent leans
// neither way, or agrees or disagrees with both kinds of item), "unknown"
// when no mindset item was answered.
//
// # Free text
//
// The free-text answers are analysed as one text: the non-blank answers in
// the instrument's question order, joined by a blank line, with the
// response's language as the hint. One text rather than one per answer,
// because onboarding answers are short: separately each would be flagged
// short_text and carry almost no confidence (the length term of the
// confidence is words/(words+20)), while together their evidence adds up as
// it does for any other text, and repeating a word across answers is damped
// like repetition within one. QuizFreeText.Questions says where each answer
// sits in the joined text, so every evidence offset can be traced back to
// its question.
//
// # Blend
//
// For each dimension, with the answers' score q and confidence cq and the
// text's score t and confidence ct:
//
//	score      = (cq×q + ct×t) / (cq + ct)        (0 when cq + ct = 0)
//	confidence = 1 - (1 - cq)(1 - ct)
//
// QuizProfile.Sources gives the two weights cq/(cq+ct) and ct/(cq+ct), so a
// reader sees which part came from the answers and which from the text.
// Evidence is the text's. A trait's percentile is the text's only when the
// answers say nothing about the trait; a blend has no norms, so it is null.

// Keying is the direction of a quiz item: KeyedPlus or KeyedMinus.
type Keying string

// The two keyings.
const (
	// KeyedPlus: agreeing points to the trait's high pole (or to growth).
	KeyedPlus Keying = "+"
	// KeyedMinus: agreeing points to the trait's low pole (or to fixed).
	KeyedMinus Keying = "-"
)

// DimensionMindset is the QuizItem.Dimension of mindset items.
const DimensionMindset = "mindset"

// Quiz limits.
const (
	// MaxFreeTextBytes bounds one free-text answer.
	MaxFreeTextBytes = 10000
	// MaxRespondentBytes bounds the respondent id.
	MaxRespondentBytes = 256
	// MaxQuizProblems bounds the problems listed for one response; past it
	// one more problem says how many were left out.
	MaxQuizProblems = 50
)

// Quiz response error codes, in addition to CodeInvalidLanguage (a language
// the instrument is not written in) and the generic codes wrong_type,
// unknown_field, duplicate_field, required, too_long, empty_response and
// too_many_problems. They are stable.
const (
	CodeUnknownItem     = "unknown_item"     // answers.<id>: no such Likert item
	CodeUnknownQuestion = "unknown_question" // free_text.<id>: no such free-text question
	CodeOutOfRange      = "out_of_range"     // answers.<id>: not a whole number on the scale
	CodeDuplicateAnswer = "duplicate_answer" // answers.<id> or free_text.<id> given twice
)

const (
	codeDuplicateField  = "duplicate_field"   // a top-level field given twice
	codeWrongType       = "wrong_type"        // a field of the wrong JSON type
	codeUnknownField    = "unknown_field"     // a top-level field that does not exist
	codeRequired        = "required"          // lang is missing
	codeTooLong         = "too_long"          // a free-text answer or the respondent is too long
	codeEmptyResponse   = "empty_response"    // nothing was answered at all
	codeTooManyProblems = "too_many_problems" // MaxQuizProblems were listed; more were left out
)

const (
	quizFieldAnswers     = "answers"
	quizFieldFreeText    = "free_text"
	quizOneSidedFactor   = 0.75    // confidence multiplier when one keying alone was answered
	quizItemCorrelation  = 1.0 / 3 // assumed mean inter-item correlation (Spearman–Brown)
	quizMindsetThreshold = 0.2     // |score| at which a mindset side wins
)

// Quiz profile flags.
const (
	// FlagQuizIncomplete: some Likert items were not answered; the dimensions
	// they belong to have lower confidence.
	FlagQuizIncomplete = "incomplete"
	// FlagQuizOneSided: a dimension was answered on one keying only, so
	// acquiescence could not cancel; its confidence is cut by a quarter.
	FlagQuizOneSided = "one_sided_keying"
)

// QuizInstrument is one questionnaire: Likert items scored per dimension
// and free-text questions analysed as text, with their texts in every
// language the instrument is written in. Package corpora/quizzes loads and
// validates instruments from YAML; a QuizInstrument is read-only once built
// and safe to share.
type QuizInstrument struct {
	// ID names the instrument in URLs: lowercase letters, digits and '-'.
	ID string `json:"id"`
	// Version changes whenever items, keyings or the scale change.
	Version string `json:"version"`
	// License and Source say who wrote the instrument and on what terms.
	License string `json:"license"`
	Source  string `json:"source"`
	// Path is the file the instrument was loaded from.
	Path string `json:"-"`
	// Languages lists the ISO 639-1 codes every text exists in.
	Languages []string `json:"languages"`
	// Title and Instructions map a language to the text shown above the quiz.
	Title        map[string]string `json:"title"`
	Instructions map[string]string `json:"instructions,omitempty"`
	// Scale is the answer scale of the Likert items.
	Scale QuizScale `json:"scale"`
	// Items are the Likert items, in the order they are shown.
	Items []QuizItem `json:"items"`
	// Questions are the free-text questions, in the order they are shown.
	Questions []QuizQuestion `json:"questions"`
}

// QuizScale is a Likert answer scale: whole numbers Min..Max, with one label
// per point in each language (Labels[lang][0] labels Min).
type QuizScale struct {
	Min    int                 `json:"min"`
	Max    int                 `json:"max"`
	Labels map[string][]string `json:"labels"`
}

// QuizItem is one Likert item.
type QuizItem struct {
	// ID is unique in the instrument and the same in every language.
	ID string `json:"id"`
	// Dimension is a trait name or DimensionMindset.
	Dimension string `json:"dimension"`
	// Keyed is KeyedPlus or KeyedMinus; for mindset items "+" is growth.
	Keyed Keying `json:"keyed"`
	// Text maps a language to the item's wording.
	Text map[string]string `json:"text"`
	// Line is the item's line in its file, for messages.
	Line int `json:"-"`
}

// QuizQuestion is one free-text question.
type QuizQuestion struct {
	// ID is unique in the instrument (items included).
	ID string `json:"id"`
	// Text maps a language to the question's wording.
	Text map[string]string `json:"text"`
	// Line is the question's line in its file, for messages.
	Line int `json:"-"`
}

// Item returns the item with id, or nil.
func (q *QuizInstrument) Item(id string) *QuizItem {
	for i := range q.Items {
		if q.Items[i].ID == id {
			return &q.Items[i]
		}
	}
	return nil
}

// Question returns the free-text question with id, or nil.
func (q *QuizInstrument) Question(id string) *QuizQuestion {
	for i := range q.Questions {
		if q.Questions[i].ID == id {
			return &q.Questions[i]
		}
	}
	return nil
}

// HasLanguage reports whether the instrument is written in lang.
func (q *QuizInstrument) HasLanguage(lang string) bool { return slices.Contains(q.Languages, lang) }

// Dimensions lists the dimensions the instrument's items measure, traits in
// report order, then mindset.
func (q *QuizInstrument) Dimensions() []string {
	var out []string
	for _, d := range quizDimensions() {
		if slices.ContainsFunc(q.Items, func(it QuizItem) bool { return it.Dimension == d }) {
			out = append(out, d)
		}
	}
	return out
}

func quizDimensions() []string { return append(traitNames(), DimensionMindset) }

// IsQuizDimension reports whether d is a trait name or DimensionMindset.
func IsQuizDimension(d string) bool { return slices.Contains(quizDimensions(), d) }

// QuizResponse is one respondent's answers to an instrument, as read and
// checked by ParseQuizResponse.
type QuizResponse struct {
	// Lang is the language the quiz was shown in; one of the instrument's.
	Lang string `json:"lang"`
	// Answers maps an item id to its answer on the scale. Items answered
	// null are left out, as are items not answered.
	Answers map[string]int `json:"answers"`
	// FreeText maps a question id to its answer; blank answers are left out.
	FreeText map[string]string `json:"free_text"`
	// Respondent is an optional id, echoed in the result.
	Respondent string `json:"respondent,omitempty"`
}

// QuizSyntaxError is a response body that is not one JSON object.
type QuizSyntaxError struct {
	// Offset is the byte offset of the problem, -1 when unknown.
	Offset int64
	Msg    string
}

func (e *QuizSyntaxError) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("%s (at byte %d)", e.Msg, e.Offset)
	}
	return e.Msg
}

// QuizResponseError lists every problem of a response, in the order of the
// body: unknown items, values out of range, a wrong language, duplicate
// answers and so on, each an Error naming its field ("answers.e3").
type QuizResponseError struct {
	Problems []Error
}

func (e *QuizResponseError) Error() string {
	parts := make([]string, len(e.Problems))
	for i := range e.Problems {
		parts[i] = e.Problems[i].Error()
	}
	return strings.Join(parts, "; ")
}

// responseReader collects the problems of one response.
type responseReader struct {
	q        *QuizInstrument
	problems []Error
	dropped  int
}

func (r *responseReader) add(code, field, format string, args ...any) {
	if len(r.problems) >= MaxQuizProblems {
		r.dropped++
		return
	}
	r.problems = append(r.problems, Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)})
}

// ParseQuizResponse reads a response body for instrument q:
//
//	{"lang": "fi", "answers": {"e1": 4, "e2": null}, "free_text": {"goal": "…"}, "respondent": "crm-1"}
//
// It walks the JSON tokens itself, so a key given twice is reported (the
// standard decoder silently keeps the last). A body that is not one JSON
// object is a *QuizSyntaxError; otherwise every problem is listed in one
// *QuizResponseError: an unknown item or question, a value that is not a
// whole number on the scale, a language the instrument is not written in, a
// duplicate answer, an unknown field, a wrong type, a free-text answer over
// MaxFreeTextBytes, or nothing answered at all. Answering only some items
// is not a problem; it lowers the confidence of the score.
func ParseQuizResponse(q *QuizInstrument, body []byte) (*QuizResponse, error) {
	if !utf8.Valid(body) {
		return nil, &QuizSyntaxError{Offset: -1, Msg: "the body is not valid UTF-8; JSON must be UTF-8"}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, &QuizSyntaxError{Offset: -1, Msg: `the body is empty; send a JSON object such as {"lang": "en", "answers": {"item-id": 4}}`}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(err, dec)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, &QuizSyntaxError{Offset: 0, Msg: "the body must be a JSON object"}
	}
	r := &responseReader{q: q}
	resp := &QuizResponse{Answers: map[string]int{}, FreeText: map[string]string{}}
	seen := map[string]bool{}
	langOK := false // lang was given as a string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(err, dec)
		}
		key, _ := tok.(string)
		if seen[key] {
			r.add(codeDuplicateField, key, "%s is given twice", quoteField(key))
			if _, err := nextValue(dec); err != nil {
				return nil, syntaxError(err, dec)
			}
			continue
		}
		seen[key] = true
		switch key {
		case quizFieldAnswers:
			err = r.readObject(dec, quizFieldAnswers, "an object of item ids to answers", func(id string, v any) { r.answer(resp, id, v) })
		case quizFieldFreeText:
			err = r.readObject(dec, quizFieldFreeText, "an object of question ids to texts", func(id string, v any) { r.freeText(resp, id, v) })
		default:
			var v any
			if v, err = nextValue(dec); err != nil {
				break
			}
			s, isString := v.(string)
			switch key {
			case "lang":
				if langOK = isString; isString {
					resp.Lang = s
				} else {
					r.add(codeWrongType, "lang", "lang must be a string such as %q", q.firstLanguage())
				}
			case "respondent":
				switch {
				case !isString:
					r.add(codeWrongType, "respondent", "respondent must be a string")
				case len(s) > MaxRespondentBytes:
					r.add(codeTooLong, "respondent", "respondent is %d bytes; the limit is %d", len(s), MaxRespondentBytes)
				default:
					resp.Respondent = s
				}
			default:
				r.add(codeUnknownField, key, "unknown field %s; the fields are lang, answers, free_text and respondent", quoteField(key))
			}
		}
		if err != nil {
			return nil, syntaxError(err, dec)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, syntaxError(err, dec)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &QuizSyntaxError{Offset: dec.InputOffset(), Msg: "the body holds more than one JSON value"}
	}
	switch {
	case !seen["lang"] || (langOK && resp.Lang == ""):
		r.add(codeRequired, "lang", "lang is required: one of %s", strings.Join(q.Languages, ", "))
	case langOK && !q.HasLanguage(resp.Lang):
		r.add(CodeInvalidLanguage, "lang", "quiz %q is written in %s, not %q", q.ID, strings.Join(q.Languages, ", "), truncateMsg(resp.Lang, 40))
	}
	if len(resp.Answers) == 0 && len(resp.FreeText) == 0 && !r.answeredAnything() {
		r.add(codeEmptyResponse, quizFieldAnswers, "nothing was answered: give at least one item in answers or one question in free_text")
	}
	if r.dropped > 0 {
		r.problems = append(r.problems, Error{Code: codeTooManyProblems, Field: "body", Message: fmt.Sprintf("%d more problem(s) were left out", r.dropped)})
	}
	if len(r.problems) > 0 {
		return nil, &QuizResponseError{Problems: r.problems}
	}
	return resp, nil
}

// answeredAnything is true when a problem shows that something was given
// (a bad answer is still an answer, and it is reported on its own).
func (r *responseReader) answeredAnything() bool {
	for _, p := range r.problems {
		if strings.HasPrefix(p.Field, quizFieldAnswers+".") || strings.HasPrefix(p.Field, quizFieldFreeText+".") {
			return true
		}
	}
	return r.dropped > 0
}

// readObject reads the next value of dec as an object, key by key,
// reporting a repeated key as a duplicate answer and calling each with every
// other key and its value (see nextValue). null counts as an empty object;
// any other value is the wrong type. Only a syntax error is returned.
func (r *responseReader) readObject(dec *json.Decoder, field, want string, each func(key string, v any)) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		r.add(codeWrongType, field, "%s must be %s", field, want)
		if ok {
			return skipRest(dec)
		}
		return nil
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		v, err := nextValue(dec)
		if err != nil {
			return err
		}
		if seen[key] {
			r.add(CodeDuplicateAnswer, field+"."+key, "%s is answered more than once", quoteField(key))
			continue
		}
		seen[key] = true
		each(key, v)
	}
	_, err = dec.Token() // the closing brace
	return err
}

// nextValue reads the next value of dec: a scalar as its token (string,
// json.Number, bool or nil), an object or array skipped whole and returned
// as its opening json.Delim.
func nextValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if _, ok := tok.(json.Delim); ok {
		return tok, skipRest(dec)
	}
	return tok, nil
}

// skipRest reads to the end of the object or array whose opening delimiter
// was just read.
func skipRest(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// answer checks one Likert answer: a JSON number on the scale, or null.
func (r *responseReader) answer(resp *QuizResponse, id string, v any) {
	field := quizFieldAnswers + "." + id
	q := r.q
	if q.Item(id) == nil {
		hint := ""
		if q.Question(id) != nil {
			hint = "; it is a free-text question, so put it under free_text"
		} else if len(q.Items) == 0 {
			hint = "; this quiz has free-text questions only"
		}
		r.add(CodeUnknownItem, field, "quiz %q has no item %s%s", q.ID, quoteField(id), hint)
		return
	}
	if v == nil {
		return // skipped on purpose
	}
	n, ok := v.(json.Number)
	if !ok {
		r.add(codeWrongType, field, "the answer to %s must be a whole number from %d to %d, or null to skip it", quoteField(id), q.Scale.Min, q.Scale.Max)
		return
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f != math.Trunc(f) || f < float64(q.Scale.Min) || f > float64(q.Scale.Max) {
		r.add(CodeOutOfRange, field, "the answer to %s is %s; want a whole number from %d to %d", quoteField(id), truncateMsg(string(n), 24), q.Scale.Min, q.Scale.Max)
		return
	}
	resp.Answers[id] = int(f)
}

// freeText checks one free-text answer: a string, or null.
func (r *responseReader) freeText(resp *QuizResponse, id string, v any) {
	field := quizFieldFreeText + "." + id
	q := r.q
	if q.Question(id) == nil {
		hint := ""
		if q.Item(id) != nil {
			hint = "; it is a Likert item, so put its number under answers"
		} else if len(q.Questions) == 0 {
			hint = "; this quiz has no free-text questions"
		}
		r.add(CodeUnknownQuestion, field, "quiz %q has no free-text question %s%s", q.ID, quoteField(id), hint)
		return
	}
	if v == nil {
		return
	}
	s, ok := v.(string)
	if !ok {
		r.add(codeWrongType, field, "the answer to %s must be a string, or null to skip it", quoteField(id))
		return
	}
	if len(s) > MaxFreeTextBytes {
		r.add(codeTooLong, field, "the answer to %s is %d bytes; the limit is %d", quoteField(id), len(s), MaxFreeTextBytes)
		return
	}
	if isBlank(s) {
		return
	}
	resp.FreeText[id] = s
}

func (q *QuizInstrument) firstLanguage() string {
	if len(q.Languages) > 0 {
		return q.Languages[0]
	}
	return "en"
}

// quoteField quotes a client-chosen key for a message, shortened.
func quoteField(s string) string { return strconv.Quote(truncateMsg(s, 64)) }

func truncateMsg(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func syntaxError(err error, dec *json.Decoder) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &QuizSyntaxError{Offset: se.Offset, Msg: "the body is not valid JSON: " + strings.TrimPrefix(se.Error(), "json: ")}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &QuizSyntaxError{Offset: dec.InputOffset(), Msg: "the body is not valid JSON: it ends in the middle of a value"}
	}
	return &QuizSyntaxError{Offset: dec.InputOffset(), Msg: "the body is not valid JSON: " + strings.TrimPrefix(err.Error(), "json: ")}
}

// QuizScore is the score of an instrument's Likert items for one response.
// Only the dimensions the instrument measures are present.
type QuizScore struct {
	// Instrument and Version identify what was answered; Lang in which language.
	Instrument string `json:"instrument"`
	Version    string `json:"version"`
	Lang       string `json:"lang"`
	// Answered is how many of the instrument's Items were answered.
	Answered int `json:"answered"`
	Items    int `json:"items"`
	// Traits holds one score per trait the instrument measures.
	Traits QuizTraits `json:"traits"`
	// Mindset is set when the instrument measures mindset.
	Mindset *QuizDimension `json:"mindset,omitempty"`
	// Flags are FlagQuizIncomplete and FlagQuizOneSided when they apply.
	Flags []string `json:"flags"`
}

// QuizTraits holds the trait scores of a quiz, in report order; a trait the
// instrument does not measure is absent.
type QuizTraits struct {
	Openness          *QuizDimension `json:"openness,omitempty"`
	Conscientiousness *QuizDimension `json:"conscientiousness,omitempty"`
	Extraversion      *QuizDimension `json:"extraversion,omitempty"`
	Agreeableness     *QuizDimension `json:"agreeableness,omitempty"`
	Neuroticism       *QuizDimension `json:"neuroticism,omitempty"`
}

// Get returns trait t's score, or nil when the instrument does not measure
// it (or t is not a trait).
func (qt *QuizTraits) Get(t Trait) *QuizDimension {
	if slot := qt.slot(t); slot != nil {
		return *slot
	}
	return nil
}

func (qt *QuizTraits) slot(t Trait) **QuizDimension {
	switch t {
	case Openness:
		return &qt.Openness
	case Conscientiousness:
		return &qt.Conscientiousness
	case Extraversion:
		return &qt.Extraversion
	case Agreeableness:
		return &qt.Agreeableness
	case Neuroticism:
		return &qt.Neuroticism
	}
	return nil
}

// QuizDimension is one dimension's score from Likert items (see the
// formulas at the top of quiz.go).
type QuizDimension struct {
	// Score is in -1..1, on the same scale as text analysis: +1 is the top
	// of the answer scale toward the high pole (or growth); 0 when nothing
	// was answered.
	Score float64 `json:"score"`
	// Scaled is the keyed mean in 0..100 (percent of the scale's range);
	// null when nothing was answered. It is not a percentile.
	Scaled *float64 `json:"scaled"`
	// Mean is the keyed mean on the answer scale; null when nothing was answered.
	Mean *float64 `json:"mean"`
	// Confidence is in 0..1: n/(n+2) for n answered items, cut by a quarter
	// when only one keying was answered.
	Confidence float64 `json:"confidence"`
	// Answered and Items count the dimension's items.
	Answered int `json:"answered"`
	Items    int `json:"items"`
	// Label is set for mindset: fixed, growth, mixed or unknown.
	Label string `json:"label,omitempty"`
	// Answers are the answered items, in instrument order, with their
	// reverse-keyed values: the evidence behind the score.
	Answers []QuizAnswer `json:"answers"`
}

// QuizAnswer is one answered item as scored.
type QuizAnswer struct {
	Item  string `json:"item"`
	Keyed Keying `json:"keyed"`
	// Value is the answer given; Scored is the value after keying
	// (min+max-Value for "-" items).
	Value  int `json:"value"`
	Scored int `json:"scored"`
}

// ScoreQuiz scores the Likert items of q from answers (item id → value).
// answers should have been checked (ParseQuizResponse); an unknown item or a
// value off the scale is skipped here, never scored. Items that are absent
// lower the confidence of their dimension.
func ScoreQuiz(q *QuizInstrument, lang string, answers map[string]int) *QuizScore {
	out := &QuizScore{Instrument: q.ID, Version: q.Version, Lang: lang, Items: len(q.Items), Flags: []string{}}
	lo, hi := float64(q.Scale.Min), float64(q.Scale.Max)
	span := hi - lo
	oneSided := false
	for _, dim := range q.Dimensions() {
		d := &QuizDimension{Answers: []QuizAnswer{}}
		var sum, cnt [2]float64 // by keying: 0 plus, 1 minus
		for _, it := range q.Items {
			if it.Dimension != dim {
				continue
			}
			d.Items++
			v, ok := answers[it.ID]
			if !ok || v < q.Scale.Min || v > q.Scale.Max {
				continue
			}
			k, scored := 0, v
			if it.Keyed == KeyedMinus {
				k, scored = 1, q.Scale.Min+q.Scale.Max-v
			}
			sum[k] += float64(scored)
			cnt[k]++
			d.Answered++
			d.Answers = append(d.Answers, QuizAnswer{Item: it.ID, Keyed: it.Keyed, Value: v, Scored: scored})
		}
		out.Answered += d.Answered
		if d.Answered > 0 && span > 0 {
			var m float64
			switch {
			case cnt[0] > 0 && cnt[1] > 0:
				m = (sum[0]/cnt[0] + sum[1]/cnt[1]) / 2
			case cnt[0] > 0:
				m = sum[0] / cnt[0]
			default:
				m = sum[1] / cnt[1]
			}
			n := float64(d.Answered)
			conf := n * quizItemCorrelation / (1 + (n-1)*quizItemCorrelation)
			if cnt[0] == 0 || cnt[1] == 0 {
				conf *= quizOneSidedFactor
				oneSided = true
			}
			mean, scaled := round(m, 3), round(100*(m-lo)/span, 1)
			d.Mean, d.Scaled = &mean, &scaled
			d.Score = round(2*(m-lo)/span-1, 3)
			d.Confidence = round(conf, 3)
		}
		if dim == DimensionMindset {
			d.Label = scoreLabel(d.Score, d.Answered > 0)
			out.Mindset = d
			continue
		}
		*out.Traits.slot(Trait(dim)) = d
	}
	if out.Answered < out.Items {
		out.Flags = append(out.Flags, FlagQuizIncomplete)
	}
	if oneSided {
		out.Flags = append(out.Flags, FlagQuizOneSided)
	}
	return out
}

// QuizProfile is a respondent's profile: the analysis contract's traits and
// mindset, blended from the Likert answers and the free-text answers, with
// both parts and the weight each had.
type QuizProfile struct {
	// Language is the free text's language result, or the response's
	// language (source "hint") when there was no free text.
	Language LanguageResult `json:"language"`
	// Traits and Mindset are the blend, in the contract's shape. Evidence
	// offsets point into the joined free text (see FreeText.Questions).
	Traits  Traits       `json:"traits"`
	Mindset MindsetScore `json:"mindset"`
	// Sources gives, per dimension, the weight of the answers and of the
	// free text in the blend (they sum to 1, or are both 0 without either).
	Sources QuizSources `json:"sources"`
	// Answers is the Likert part; nil when the instrument has no items.
	Answers *QuizScore `json:"answers"`
	// FreeText is the text part; nil when no free-text answer was given.
	FreeText *QuizFreeText `json:"free_text"`
	// Flags are the answers' flags (incomplete, one_sided_keying); the
	// text's flags are in FreeText.
	Flags []string `json:"flags"`
}

// QuizSources holds each dimension's blend weights.
type QuizSources struct {
	Openness          QuizShare `json:"openness"`
	Conscientiousness QuizShare `json:"conscientiousness"`
	Extraversion      QuizShare `json:"extraversion"`
	Agreeableness     QuizShare `json:"agreeableness"`
	Neuroticism       QuizShare `json:"neuroticism"`
	Mindset           QuizShare `json:"mindset"`
}

func (s *QuizSources) get(dim string) *QuizShare {
	switch dim {
	case string(Openness):
		return &s.Openness
	case string(Conscientiousness):
		return &s.Conscientiousness
	case string(Extraversion):
		return &s.Extraversion
	case string(Agreeableness):
		return &s.Agreeableness
	case string(Neuroticism):
		return &s.Neuroticism
	}
	return &s.Mindset
}

// QuizShare is how much of a blended dimension came from each part, 0..1.
type QuizShare struct {
	Answers  float64 `json:"answers"`
	FreeText float64 `json:"free_text"`
}

// QuizFreeText is the analysis of the joined free-text answers.
type QuizFreeText struct {
	*Result
	// Questions says where each answer sits in the joined text, in order.
	Questions []QuizSegment `json:"questions"`
}

// QuizSegment locates one free-text answer in the joined text: byte
// offsets Start..End, like evidence offsets.
type QuizSegment struct {
	Question string `json:"question"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
}

// quizSeparator joins free-text answers: a blank line, which the scorer
// treats as a boundary, so no phrase, negation or intensifier reaches from
// one answer into the next.
const quizSeparator = "\n\n"

// JoinQuizFreeText joins resp's free-text answers in q's question order and
// says where each one sits.
func JoinQuizFreeText(q *QuizInstrument, resp *QuizResponse) (string, []QuizSegment) {
	var b strings.Builder
	segs := []QuizSegment{}
	for _, qu := range q.Questions {
		text, ok := resp.FreeText[qu.ID]
		if !ok || isBlank(text) {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(quizSeparator)
		}
		start := b.Len()
		b.WriteString(text)
		segs = append(segs, QuizSegment{Question: qu.ID, Start: start, End: b.Len()})
	}
	return b.String(), segs
}

// ScoreQuizResponse scores a checked response: the Likert part with
// ScoreQuiz, the free text with an (the response's language as hint), and
// the blend. an may be nil when the response has no free text.
func ScoreQuizResponse(an *Analyzer, q *QuizInstrument, resp *QuizResponse) (*QuizProfile, error) {
	var quiz *QuizScore
	if len(q.Items) > 0 {
		quiz = ScoreQuiz(q, resp.Lang, resp.Answers)
	}
	var text *QuizFreeText
	if joined, segs := JoinQuizFreeText(q, resp); joined != "" {
		if an == nil {
			return nil, fmt.Errorf("classifier: quiz %q: free-text answers need an analyzer", q.ID)
		}
		res, err := an.Analyze(Input{Text: joined, Lang: resp.Lang, Source: "quiz"})
		if err != nil {
			return nil, err
		}
		text = &QuizFreeText{Result: res, Questions: segs}
	}
	return BlendQuiz(quiz, text, resp.Lang), nil
}

// BlendQuiz combines the Likert part and the free-text part (either may be
// nil) into a profile; lang is the response's language, used when there is
// no text. The formulas are at the top of quiz.go.
func BlendQuiz(quiz *QuizScore, text *QuizFreeText, lang string) *QuizProfile {
	p := &QuizProfile{Answers: quiz, FreeText: text, Flags: []string{}}
	p.Language = LanguageResult{Code: lang, Confidence: 1, Source: "hint"}
	if text != nil && text.Result != nil {
		p.Language = text.Language
	}
	if quiz != nil {
		p.Flags = append(p.Flags, quiz.Flags...)
	}
	for _, t := range AllTraits {
		var qd *QuizDimension
		if quiz != nil {
			qd = quiz.Traits.Get(t)
		}
		ts := TraitScore{Evidence: []Evidence{}}
		if text != nil && text.Result != nil {
			ts = *text.Traits.Get(t)
			ts.Evidence = slices.Clone(ts.Evidence)
			if ts.Evidence == nil {
				ts.Evidence = []Evidence{}
			}
		}
		score, conf, share := blend(qd, ts.Score, ts.Confidence)
		ts.Score, ts.Confidence = score, conf
		if share.Answers > 0 {
			ts.Percentile = nil
		}
		*p.Traits.Get(t) = ts
		*p.Sources.get(string(t)) = share
	}
	var qm *QuizDimension
	if quiz != nil {
		qm = quiz.Mindset
	}
	ms := MindsetScore{Label: MindsetUnknown, Evidence: []Evidence{}}
	if text != nil && text.Result != nil {
		ms = text.Mindset
		ms.Evidence = slices.Clone(ms.Evidence)
		if ms.Evidence == nil {
			ms.Evidence = []Evidence{}
		}
	}
	textLabel := ms.Label
	score, conf, share := blend(qm, ms.Score, ms.Confidence)
	ms.Score, ms.Confidence = score, conf
	ms.Label = blendLabel(qm, textLabel, share, score)
	p.Mindset = ms
	p.Sources.Mindset = share
	return p
}

// blend applies the confidence-weighted mean to one dimension.
func blend(qd *QuizDimension, t, ct float64) (score, conf float64, share QuizShare) {
	var q, cq float64
	if qd != nil {
		q, cq = qd.Score, qd.Confidence
	}
	total := cq + ct
	if total <= 0 {
		return 0, 0, QuizShare{}
	}
	share = QuizShare{Answers: round(cq/total, 3), FreeText: round(ct/total, 3)}
	return round((cq*q+ct*t)/total, 3), round(1-(1-cq)*(1-ct), 3), share
}

// blendLabel labels the blended mindset: the label of the only part that
// counts, the common label when both agree, and otherwise the sign of the
// blended score (mixed when it is within ±0.2).
func blendLabel(qd *QuizDimension, textLabel string, share QuizShare, score float64) string {
	quizLabel := MindsetUnknown
	if qd != nil {
		quizLabel = qd.Label
	}
	switch {
	case share.Answers == 0 && share.FreeText == 0:
		return MindsetUnknown
	case share.FreeText == 0:
		return quizLabel
	case share.Answers == 0:
		return textLabel
	case quizLabel == textLabel:
		return quizLabel
	}
	return scoreLabel(score, true)
}

// scoreLabel labels a mindset score: growth at +0.2 or more, fixed at -0.2
// or less, mixed between; unknown without any reading.
func scoreLabel(score float64, read bool) string {
	switch {
	case !read:
		return MindsetUnknown
	case score >= quizMindsetThreshold:
		return MindsetGrowth
	case score <= -quizMindsetThreshold:
		return MindsetFixed
	}
	return MindsetMixed
}
