package classifier

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/mindprint/mindprint/lexicons"
)

// quizFixture is a small instrument: four extraversion and four openness
// items (two keyed each way), six mindset items (three growth, three
// fixed), on a 1..5 scale, in English and Latvian, and two free-text
// questions.
func quizFixture() *QuizInstrument {
	item := func(id, dim string, k Keying) QuizItem {
		return QuizItem{ID: id, Dimension: dim, Keyed: k, Text: map[string]string{"en": "item " + id, "lv": "apgalvojums " + id}}
	}
	return &QuizInstrument{
		ID: "fixture", Version: "1", License: "CC0", Source: "tests",
		Languages: []string{"en", "lv"},
		Title:     map[string]string{"en": "Fixture", "lv": "Paraugs"},
		Scale:     QuizScale{Min: 1, Max: 5, Labels: map[string][]string{"en": {"1", "2", "3", "4", "5"}, "lv": {"1", "2", "3", "4", "5"}}},
		Items: []QuizItem{
			item("e1", "extraversion", KeyedPlus), item("o1", "openness", KeyedPlus), item("g1", DimensionMindset, KeyedPlus),
			item("e2", "extraversion", KeyedMinus), item("o2", "openness", KeyedMinus), item("f1", DimensionMindset, KeyedMinus),
			item("e3", "extraversion", KeyedPlus), item("o3", "openness", KeyedPlus), item("g2", DimensionMindset, KeyedPlus),
			item("e4", "extraversion", KeyedMinus), item("o4", "openness", KeyedMinus), item("f2", DimensionMindset, KeyedMinus),
			item("g3", DimensionMindset, KeyedPlus), item("f3", DimensionMindset, KeyedMinus),
		},
		Questions: []QuizQuestion{
			{ID: "story", Text: map[string]string{"en": "Tell a story", "lv": "Pastāstiet"}},
			{ID: "plans", Text: map[string]string{"en": "Your plans?", "lv": "Jūsu plāni?"}},
		},
	}
}

func ptr(f float64) *float64 { return &f }

// answered builds the expected answers list: id, keying, value; the scored
// value follows from the keying on the 1..5 scale.
func answered(specs ...any) []QuizAnswer {
	out := []QuizAnswer{}
	for i := 0; i < len(specs); i += 3 {
		k := specs[i+1].(Keying)
		v := specs[i+2].(int)
		s := v
		if k == KeyedMinus {
			s = 6 - v
		}
		out = append(out, QuizAnswer{Item: specs[i].(string), Keyed: k, Value: v, Scored: s})
	}
	return out
}

// unanswered is a dimension of n items with no answer.
func unanswered(n int, label string) *QuizDimension {
	return &QuizDimension{Items: n, Label: label, Answers: []QuizAnswer{}}
}

func TestScoreQuiz(t *testing.T) {
	q := quizFixture()
	all := func(v int) map[string]int {
		m := map[string]int{}
		for _, it := range q.Items {
			m[it.ID] = v
		}
		return m
	}
	tests := []struct {
		name    string
		answers map[string]int
		want    QuizScore
	}{
		{
			name:    "agreeing with everything is neutral: the keyings cancel",
			answers: all(5),
			want: QuizScore{Answered: 14, Flags: []string{},
				Traits: QuizTraits{
					Extraversion: &QuizDimension{Score: 0, Scaled: ptr(50), Mean: ptr(3), Confidence: 0.667, Answered: 4, Items: 4,
						Answers: answered("e1", KeyedPlus, 5, "e2", KeyedMinus, 5, "e3", KeyedPlus, 5, "e4", KeyedMinus, 5)},
					Openness: &QuizDimension{Score: 0, Scaled: ptr(50), Mean: ptr(3), Confidence: 0.667, Answered: 4, Items: 4,
						Answers: answered("o1", KeyedPlus, 5, "o2", KeyedMinus, 5, "o3", KeyedPlus, 5, "o4", KeyedMinus, 5)},
				},
				Mindset: &QuizDimension{Score: 0, Scaled: ptr(50), Mean: ptr(3), Confidence: 0.75, Answered: 6, Items: 6, Label: MindsetMixed,
					Answers: answered("g1", KeyedPlus, 5, "f1", KeyedMinus, 5, "g2", KeyedPlus, 5, "f2", KeyedMinus, 5, "g3", KeyedPlus, 5, "f3", KeyedMinus, 5)},
			},
		},
		{
			name:    "disagreeing with everything is neutral too",
			answers: map[string]int{"e1": 1, "e2": 1, "e3": 1, "e4": 1},
			want: QuizScore{Answered: 4, Flags: []string{FlagQuizIncomplete},
				Traits: QuizTraits{
					Extraversion: &QuizDimension{Score: 0, Scaled: ptr(50), Mean: ptr(3), Confidence: 0.667, Answered: 4, Items: 4,
						Answers: answered("e1", KeyedPlus, 1, "e2", KeyedMinus, 1, "e3", KeyedPlus, 1, "e4", KeyedMinus, 1)},
					Openness: unanswered(4, ""),
				},
				Mindset: unanswered(6, MindsetUnknown),
			},
		},
		{
			name:    "agreeing with extraversion-high items and disagreeing with extraversion-low ones is the top of the scale",
			answers: map[string]int{"e1": 5, "e2": 1, "e3": 5, "e4": 1},
			want: QuizScore{Answered: 4, Flags: []string{FlagQuizIncomplete},
				Traits: QuizTraits{
					Extraversion: &QuizDimension{Score: 1, Scaled: ptr(100), Mean: ptr(5), Confidence: 0.667, Answered: 4, Items: 4,
						Answers: answered("e1", KeyedPlus, 5, "e2", KeyedMinus, 1, "e3", KeyedPlus, 5, "e4", KeyedMinus, 1)},
					Openness: unanswered(4, ""),
				},
				Mindset: unanswered(6, MindsetUnknown),
			},
		},
		{
			name:    "the opposite answers are the bottom of the scale",
			answers: map[string]int{"e1": 1, "e2": 5, "e3": 1, "e4": 5},
			want: QuizScore{Answered: 4, Flags: []string{FlagQuizIncomplete},
				Traits: QuizTraits{
					Extraversion: &QuizDimension{Score: -1, Scaled: ptr(0), Mean: ptr(1), Confidence: 0.667, Answered: 4, Items: 4,
						Answers: answered("e1", KeyedPlus, 1, "e2", KeyedMinus, 5, "e3", KeyedPlus, 1, "e4", KeyedMinus, 5)},
					Openness: unanswered(4, ""),
				},
				Mindset: unanswered(6, MindsetUnknown),
			},
		},
		{
			name:    "a reverse-keyed item alone: 2 scores 4, one keying cuts the confidence",
			answers: map[string]int{"e2": 2},
			want: QuizScore{Answered: 1, Flags: []string{FlagQuizIncomplete, FlagQuizOneSided},
				Traits: QuizTraits{
					Extraversion: &QuizDimension{Score: 0.5, Scaled: ptr(75), Mean: ptr(4), Confidence: 0.25, Answered: 1, Items: 4,
						Answers: answered("e2", KeyedMinus, 2)},
					Openness: unanswered(4, ""),
				},
				Mindset: unanswered(6, MindsetUnknown),
			},
		},
		{
			name:    "missing answers lower the confidence, not the score",
			answers: map[string]int{"e1": 4, "e2": 2, "o1": 3, "o2": 3, "o3": 3, "o4": 3},
			want: QuizScore{Answered: 6, Flags: []string{FlagQuizIncomplete},
				Traits: QuizTraits{
					Extraversion: &QuizDimension{Score: 0.5, Scaled: ptr(75), Mean: ptr(4), Confidence: 0.5, Answered: 2, Items: 4,
						Answers: answered("e1", KeyedPlus, 4, "e2", KeyedMinus, 2)},
					Openness: &QuizDimension{Score: 0, Scaled: ptr(50), Mean: ptr(3), Confidence: 0.667, Answered: 4, Items: 4,
						Answers: answered("o1", KeyedPlus, 3, "o2", KeyedMinus, 3, "o3", KeyedPlus, 3, "o4", KeyedMinus, 3)},
				},
				Mindset: unanswered(6, MindsetUnknown),
			},
		},
		{
			name:    "unequal keyings still cancel acquiescence: keyings are averaged, not items",
			answers: map[string]int{"e1": 5, "e3": 5, "e2": 5},
			want: QuizScore{Answered: 3, Flags: []string{FlagQuizIncomplete},
				Traits: QuizTraits{
					Extraversion: &QuizDimension{Score: 0, Scaled: ptr(50), Mean: ptr(3), Confidence: 0.6, Answered: 3, Items: 4,
						Answers: answered("e1", KeyedPlus, 5, "e2", KeyedMinus, 5, "e3", KeyedPlus, 5)},
					Openness: unanswered(4, ""),
				},
				Mindset: unanswered(6, MindsetUnknown),
			},
		},
		{
			name:    "growth mindset",
			answers: map[string]int{"g1": 5, "g2": 4, "g3": 5, "f1": 1, "f2": 2, "f3": 1},
			want: QuizScore{Answered: 6, Flags: []string{FlagQuizIncomplete},
				Traits: QuizTraits{Extraversion: unanswered(4, ""), Openness: unanswered(4, "")},
				Mindset: &QuizDimension{Score: 0.833, Scaled: ptr(91.7), Mean: ptr(4.667), Confidence: 0.75, Answered: 6, Items: 6, Label: MindsetGrowth,
					Answers: answered("g1", KeyedPlus, 5, "f1", KeyedMinus, 1, "g2", KeyedPlus, 4, "f2", KeyedMinus, 2, "g3", KeyedPlus, 5, "f3", KeyedMinus, 1)},
			},
		},
		{
			name:    "fixed mindset",
			answers: map[string]int{"g1": 2, "f1": 4},
			want: QuizScore{Answered: 2, Flags: []string{FlagQuizIncomplete},
				Traits: QuizTraits{Extraversion: unanswered(4, ""), Openness: unanswered(4, "")},
				Mindset: &QuizDimension{Score: -0.5, Scaled: ptr(25), Mean: ptr(2), Confidence: 0.5, Answered: 2, Items: 6, Label: MindsetFixed,
					Answers: answered("g1", KeyedPlus, 2, "f1", KeyedMinus, 4)},
			},
		},
		{
			name:    "unknown items and values off the scale are never scored",
			answers: map[string]int{"e1": 9, "e2": 0, "zz": 3, "story": 4},
			want: QuizScore{Answered: 0, Flags: []string{FlagQuizIncomplete},
				Traits:  QuizTraits{Extraversion: unanswered(4, ""), Openness: unanswered(4, "")},
				Mindset: unanswered(6, MindsetUnknown),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want.Instrument, tt.want.Version, tt.want.Lang, tt.want.Items = "fixture", "1", "lv", 14
			got := ScoreQuiz(q, "lv", tt.answers)
			if diff := cmp.Diff(&tt.want, got); diff != "" {
				t.Errorf("ScoreQuiz (-want +got):\n%s", diff)
			}
		})
	}
}

// TestScoreQuizRanges checks the documented ranges over every answer
// pattern of the extraversion items: score in -1..1, scaled in 0..100 and
// the two in step, confidence in 0..1 and growing with answered items.
func TestScoreQuizRanges(t *testing.T) {
	q := quizFixture()
	ids := []string{"e1", "e2", "e3", "e4"}
	var walk func(i int, answers map[string]int)
	walk = func(i int, answers map[string]int) {
		if i == len(ids) {
			d := ScoreQuiz(q, "en", answers).Traits.Extraversion
			n := len(answers)
			if d.Score < -1 || d.Score > 1 || d.Confidence < 0 || d.Confidence > 1 || d.Answered != n {
				t.Fatalf("%v: out of range: %+v", answers, d)
			}
			if n > 0 && math.Abs(*d.Scaled-50*(d.Score+1)) > 0.1 {
				t.Fatalf("%v: scaled %v does not match score %v", answers, *d.Scaled, d.Score)
			}
			if n == 0 && (d.Scaled != nil || d.Mean != nil || d.Confidence != 0) {
				t.Fatalf("%v: no answers but a reading: %+v", answers, d)
			}
			return
		}
		walk(i+1, answers)
		for v := 1; v <= 5; v++ {
			next := map[string]int{ids[i]: v}
			for k, x := range answers {
				next[k] = x
			}
			walk(i+1, next)
		}
	}
	walk(0, map[string]int{})
	// Confidence grows with answered items, keyings balanced.
	prev := 0.0
	for _, answers := range []map[string]int{{"e1": 4}, {"e1": 4, "e2": 2}, {"e1": 4, "e2": 2, "e3": 4}, {"e1": 4, "e2": 2, "e3": 4, "e4": 2}} {
		c := ScoreQuiz(q, "en", answers).Traits.Extraversion.Confidence
		if c <= prev {
			t.Errorf("%d answers: confidence %v does not grow past %v", len(answers), c, prev)
		}
		prev = c
	}
}

func TestParseQuizResponse(t *testing.T) {
	q := quizFixture()
	type problem struct{ Code, Field string }
	tests := []struct {
		name     string
		body     string
		want     *QuizResponse
		problems []problem
		syntax   bool
	}{
		{
			name: "complete",
			body: `{"lang":"lv","answers":{"e1":5,"e2":1},"free_text":{"story":"Ballīte ar draugiem, ķēķis un ļoti daudz smieklu 🎉"},"respondent":"crm-1"}`,
			want: &QuizResponse{Lang: "lv", Answers: map[string]int{"e1": 5, "e2": 1},
				FreeText: map[string]string{"story": "Ballīte ar draugiem, ķēķis un ļoti daudz smieklu 🎉"}, Respondent: "crm-1"},
		},
		{
			name: "null skips an item; blank and null texts are left out; 4.0 is a whole number",
			body: `{"lang":"en","answers":{"e1":null,"e2":4.0},"free_text":{"story":"  \n","plans":null}}`,
			want: &QuizResponse{Lang: "en", Answers: map[string]int{"e2": 4}, FreeText: map[string]string{}},
		},
		{
			name: "free text alone",
			body: `{"free_text":{"plans":"learn"},"lang":"en"}`,
			want: &QuizResponse{Lang: "en", Answers: map[string]int{}, FreeText: map[string]string{"plans": "learn"}},
		},
		{
			name:     "a duplicate answer is reported, not silently overwritten",
			body:     `{"lang":"en","answers":{"e1":5,"e2":2,"e1":1}}`,
			problems: []problem{{CodeDuplicateAnswer, "answers.e1"}},
		},
		{
			name:     "a duplicate free-text answer too",
			body:     `{"lang":"en","free_text":{"story":"a","story":"b"}}`,
			problems: []problem{{CodeDuplicateAnswer, "free_text.story"}},
		},
		{
			name:     "unknown item",
			body:     `{"lang":"en","answers":{"x9":3,"e1":3}}`,
			problems: []problem{{CodeUnknownItem, "answers.x9"}},
		},
		{
			name:     "a question id under answers and an item id under free_text",
			body:     `{"lang":"en","answers":{"story":3},"free_text":{"e1":"yes"}}`,
			problems: []problem{{CodeUnknownItem, "answers.story"}, {CodeUnknownQuestion, "free_text.e1"}},
		},
		{
			name: "values out of range",
			body: `{"lang":"en","answers":{"e1":0,"e2":6,"e3":3.5,"e4":-1,"o1":1e400,"o2":"4","o3":true,"o4":[3]}}`,
			problems: []problem{{CodeOutOfRange, "answers.e1"}, {CodeOutOfRange, "answers.e2"}, {CodeOutOfRange, "answers.e3"},
				{CodeOutOfRange, "answers.e4"}, {CodeOutOfRange, "answers.o1"}, {codeWrongType, "answers.o2"},
				{codeWrongType, "answers.o3"}, {codeWrongType, "answers.o4"}},
		},
		{
			name:     "wrong language",
			body:     `{"lang":"pl","answers":{"e1":3}}`,
			problems: []problem{{CodeInvalidLanguage, "lang"}},
		},
		{
			name:     "missing language",
			body:     `{"answers":{"e1":3}}`,
			problems: []problem{{codeRequired, "lang"}},
		},
		{
			name:     "empty language",
			body:     `{"lang":"","answers":{"e1":3}}`,
			problems: []problem{{codeRequired, "lang"}},
		},
		{
			name:     "language of the wrong type",
			body:     `{"lang":7,"answers":{"e1":3}}`,
			problems: []problem{{codeWrongType, "lang"}},
		},
		{
			name:     "nothing answered",
			body:     `{"lang":"en","answers":{"e1":null},"free_text":{}}`,
			problems: []problem{{codeEmptyResponse, "answers"}},
		},
		{
			name:     "answers of the wrong type",
			body:     `{"lang":"en","answers":[5,4],"free_text":"hello"}`,
			problems: []problem{{codeWrongType, "answers"}, {codeWrongType, "free_text"}, {codeEmptyResponse, "answers"}},
		},
		{
			name:     "unknown and duplicate top-level fields",
			body:     `{"lang":"en","answers":{"e1":2},"text":"x","lang":"lv"}`,
			problems: []problem{{codeUnknownField, "text"}, {codeDuplicateField, "lang"}},
		},
		{
			name:     "free text too long and a respondent too long",
			body:     fmt.Sprintf(`{"lang":"en","free_text":{"story":%q},"respondent":%q}`, strings.Repeat("ä", MaxFreeTextBytes/2+1), strings.Repeat("r", MaxRespondentBytes+1)),
			problems: []problem{{codeTooLong, "free_text.story"}, {codeTooLong, "respondent"}},
		},
		{
			name: "every problem at once, in body order",
			body: `{"lang":"de","answers":{"e1":7,"e1":3,"nope":2},"free_text":{"story":5,"what":"x"},"extra":1}`,
			problems: []problem{{CodeOutOfRange, "answers.e1"}, {CodeDuplicateAnswer, "answers.e1"}, {CodeUnknownItem, "answers.nope"},
				{codeWrongType, "free_text.story"}, {CodeUnknownQuestion, "free_text.what"}, {codeUnknownField, "extra"}, {CodeInvalidLanguage, "lang"}},
		},
		{name: "not an object", body: `[1,2]`, syntax: true},
		{name: "not JSON", body: `{"lang": en}`, syntax: true},
		{name: "cut short", body: `{"lang":"en","answers":{"e1":`, syntax: true},
		{name: "two values", body: `{"lang":"en","answers":{"e1":3}} {}`, syntax: true},
		{name: "empty", body: " \n", syntax: true},
		{name: "invalid UTF-8", body: "{\"lang\":\"en\",\"free_text\":{\"story\":\"\xff\"}}", syntax: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseQuizResponse(q, []byte(tt.body))
			var se *QuizSyntaxError
			var re *QuizResponseError
			switch {
			case tt.syntax:
				if !errors.As(err, &se) {
					t.Fatalf("err = %v, want a *QuizSyntaxError", err)
				}
			case tt.problems != nil:
				if !errors.As(err, &re) {
					t.Fatalf("err = %v, want a *QuizResponseError", err)
				}
				var gotProblems []problem
				for _, p := range re.Problems {
					gotProblems = append(gotProblems, problem{p.Code, p.Field})
					if p.Message == "" {
						t.Errorf("%s: no message", p.Field)
					}
				}
				if diff := cmp.Diff(tt.problems, gotProblems); diff != "" {
					t.Errorf("problems (-want +got):\n%s", diff)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("response (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestParseQuizResponseMessages(t *testing.T) {
	q := quizFixture()
	_, err := ParseQuizResponse(q, []byte(`{"lang":"fi","answers":{"e2":6,"e2":1,"story":2}}`))
	want := []string{
		`answers.e2: the answer to "e2" is 6; want a whole number from 1 to 5`,
		`answers.e2: "e2" is answered more than once`,
		`answers.story: quiz "fixture" has no item "story"; it is a free-text question, so put it under free_text`,
		`lang: quiz "fixture" is written in en, lv, not "fi"`,
	}
	if diff := cmp.Diff(strings.Join(want, "; "), fmt.Sprint(err)); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
}

func TestParseQuizResponseProblemCap(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"lang":"en","answers":{`)
	for i := range MaxQuizProblems + 30 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"x%d":1`, i)
	}
	b.WriteString(`}}`)
	_, err := ParseQuizResponse(quizFixture(), []byte(b.String()))
	var re *QuizResponseError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v", err)
	}
	if len(re.Problems) != MaxQuizProblems+1 {
		t.Fatalf("%d problems, want %d", len(re.Problems), MaxQuizProblems+1)
	}
	last := re.Problems[len(re.Problems)-1]
	if last.Code != codeTooManyProblems || last.Message != "30 more problem(s) were left out" {
		t.Errorf("last problem %+v", last)
	}
}

func TestBlendQuiz(t *testing.T) {
	pct := 70
	dim := func(score, conf float64, label string) *QuizDimension {
		return &QuizDimension{Score: score, Confidence: conf, Label: label, Answered: 4, Items: 4}
	}
	ev := []Evidence{{Text: "party", Entry: "party", Pole: "high", Weight: 1, Start: 2, End: 7}}
	text := func(e TraitScore, m MindsetScore) *QuizFreeText {
		res := &Result{Language: LanguageResult{Code: "en", Confidence: 1, Source: "hint"}, Words: 30, Flags: []string{}}
		emptyScores(res)
		res.Traits.Extraversion = e
		res.Mindset = m
		return &QuizFreeText{Result: res, Questions: []QuizSegment{{Question: "story", Start: 0, End: 40}}}
	}
	empty := TraitScore{Evidence: []Evidence{}}
	unknown := MindsetScore{Label: MindsetUnknown, Evidence: []Evidence{}}
	tests := []struct {
		name         string
		quiz         *QuizScore
		text         *QuizFreeText
		extraversion TraitScore
		mindset      MindsetScore
		sources      QuizShare // extraversion
		mindShare    QuizShare
	}{
		{
			name:         "answers alone",
			quiz:         &QuizScore{Traits: QuizTraits{Extraversion: dim(1, 0.667, "")}, Mindset: dim(0.8, 0.75, MindsetGrowth)},
			extraversion: TraitScore{Score: 1, Confidence: 0.667, Evidence: []Evidence{}},
			mindset:      MindsetScore{Label: MindsetGrowth, Score: 0.8, Confidence: 0.75, Evidence: []Evidence{}},
			sources:      QuizShare{Answers: 1},
			mindShare:    QuizShare{Answers: 1},
		},
		{
			name:         "free text alone is the text's reading, percentile included",
			text:         text(TraitScore{Score: 0.5, Percentile: &pct, Confidence: 0.2, Evidence: ev, EvidenceCount: 1}, MindsetScore{Label: MindsetFixed, Score: -0.5, Confidence: 0.3, Evidence: []Evidence{}}),
			extraversion: TraitScore{Score: 0.5, Percentile: &pct, Confidence: 0.2, Evidence: ev, EvidenceCount: 1},
			mindset:      MindsetScore{Label: MindsetFixed, Score: -0.5, Confidence: 0.3, Evidence: []Evidence{}},
			sources:      QuizShare{FreeText: 1},
			mindShare:    QuizShare{FreeText: 1},
		},
		{
			name: "both, weighted by confidence; a blend has no percentile",
			quiz: &QuizScore{Traits: QuizTraits{Extraversion: dim(1, 0.6, "")}, Mindset: dim(0.8, 0.75, MindsetGrowth)},
			text: text(TraitScore{Score: -0.5, Percentile: &pct, Confidence: 0.2, Evidence: ev, EvidenceCount: 1},
				MindsetScore{Label: MindsetFixed, Score: -0.5, Confidence: 0.3, Evidence: []Evidence{}}),
			// (0.6×1 + 0.2×-0.5)/0.8 = 0.625; 1 - 0.4×0.8 = 0.68
			extraversion: TraitScore{Score: 0.625, Confidence: 0.68, Evidence: ev, EvidenceCount: 1},
			// (0.75×0.8 - 0.3×0.5)/1.05 = 0.429 → growth; 1 - 0.25×0.7 = 0.825
			mindset:   MindsetScore{Label: MindsetGrowth, Score: 0.429, Confidence: 0.825, Evidence: []Evidence{}},
			sources:   QuizShare{Answers: 0.75, FreeText: 0.25},
			mindShare: QuizShare{Answers: 0.714, FreeText: 0.286},
		},
		{
			name:         "parts that disagree and cancel make a mixed mindset",
			quiz:         &QuizScore{Mindset: dim(0.5, 0.5, MindsetGrowth)},
			text:         text(empty, MindsetScore{Label: MindsetFixed, Score: -0.5, Confidence: 0.5, Evidence: []Evidence{}}),
			extraversion: empty,
			mindset:      MindsetScore{Label: MindsetMixed, Score: 0, Confidence: 0.75, Evidence: []Evidence{}},
			mindShare:    QuizShare{Answers: 0.5, FreeText: 0.5},
		},
		{
			name:         "parts that agree keep their label",
			quiz:         &QuizScore{Mindset: dim(0.1, 0.5, MindsetMixed)},
			text:         text(empty, MindsetScore{Label: MindsetMixed, Score: 0.3, Confidence: 0.5, Evidence: []Evidence{}}),
			extraversion: empty,
			mindset:      MindsetScore{Label: MindsetMixed, Score: 0.2, Confidence: 0.75, Evidence: []Evidence{}},
			mindShare:    QuizShare{Answers: 0.5, FreeText: 0.5},
		},
		{
			name:         "neither: nothing is claimed",
			quiz:         &QuizScore{Traits: QuizTraits{Extraversion: unanswered(4, "")}, Mindset: unanswered(6, MindsetUnknown)},
			text:         text(empty, unknown),
			extraversion: empty,
			mindset:      unknown,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := BlendQuiz(tt.quiz, tt.text, "en")
			if diff := cmp.Diff(tt.extraversion, p.Traits.Extraversion); diff != "" {
				t.Errorf("extraversion (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.mindset, p.Mindset); diff != "" {
				t.Errorf("mindset (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.sources, p.Sources.Extraversion); diff != "" {
				t.Errorf("extraversion sources (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.mindShare, p.Sources.Mindset); diff != "" {
				t.Errorf("mindset sources (-want +got):\n%s", diff)
			}
			if p.Traits.Openness.Evidence == nil || p.Traits.Openness.Score != 0 {
				t.Errorf("an unmeasured trait: %+v", p.Traits.Openness)
			}
			if p.Answers != tt.quiz || p.FreeText != tt.text {
				t.Error("the profile does not carry both parts")
			}
		})
	}
}

// quizLexicon is a tiny English lexicon for the free-text tests.
var quizLexicon = fstest.MapFS{
	"en/modifiers.yaml": {Data: []byte("id: en-mod\nlang: en\nversion: test\nlicense: CC0\nsource: quiz tests\nnegators: [not]\nnegation_window: 3\n")},
	"en/traits.yaml": {Data: []byte(`id: en-quiz
lang: en
version: test
license: CC0
source: quiz tests
sections:
  - category: extraversion
    pole: high
    entries: [party, friends]
  - category: mindset
    pole: growth
    entries: [learn, improve]
  - category: mindset
    pole: fixed
    entries: [proven]
`)},
}

var quizAnalyzer = sync.OnceValues(func() (*Analyzer, error) {
	set, err := lexicons.Load(quizLexicon)
	if err != nil {
		return nil, err
	}
	// Quiz text always carries its language as a hint: a detector for two
	// languages without the large models is enough and loads quickly.
	d, err := NewDetector(WithDetectLanguages("en", "lv"), WithHighAccuracyLanguages())
	if err != nil {
		return nil, err
	}
	return New(WithLexicons(set), WithDetector(d))
})

func TestScoreQuizResponse(t *testing.T) {
	an, err := quizAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	q := quizFixture()
	story := "A party with friends every weekend — we laugh a lot."
	plans := "I want to learn Latvian and improve my cooking."
	resp := &QuizResponse{Lang: "en", Answers: map[string]int{"e1": 5, "e2": 1, "g1": 4, "f1": 2},
		FreeText: map[string]string{"plans": plans, "story": story}}

	p, err := ScoreQuizResponse(an, q, resp)
	if err != nil {
		t.Fatal(err)
	}
	// The text part is the analysis of the answers joined in question order.
	joined := story + "\n\n" + plans
	direct, err := an.Analyze(Input{Text: joined, Lang: "en", Source: "quiz"})
	if err != nil {
		t.Fatal(err)
	}
	wantText := &QuizFreeText{Result: direct, Questions: []QuizSegment{
		{Question: "story", Start: 0, End: len(story)},
		{Question: "plans", Start: len(story) + 2, End: len(joined)},
	}}
	if diff := cmp.Diff(wantText, p.FreeText); diff != "" {
		t.Errorf("free text (-want +got):\n%s", diff)
	}
	for _, e := range p.Traits.Extraversion.Evidence {
		if joined[e.Start:e.End] != e.Text {
			t.Errorf("evidence %q does not sit at %d..%d of the joined text", e.Text, e.Start, e.End)
		}
	}
	if len(p.Traits.Extraversion.Evidence) != 2 || p.Mindset.EvidenceCount != 2 {
		t.Errorf("evidence: extraversion %+v, mindset %d", p.Traits.Extraversion.Evidence, p.Mindset.EvidenceCount)
	}
	// The blend follows the documented formula from the two parts.
	qe, te := p.Answers.Traits.Extraversion, direct.Traits.Extraversion
	want := round((qe.Confidence*qe.Score+te.Confidence*te.Score)/(qe.Confidence+te.Confidence), 3)
	if p.Traits.Extraversion.Score != want || p.Traits.Extraversion.Score <= te.Score {
		t.Errorf("blended extraversion %v, want %v", p.Traits.Extraversion.Score, want)
	}
	if p.Mindset.Label != MindsetGrowth || p.Language.Code != "en" || p.Language.Source != "hint" {
		t.Errorf("mindset %q, language %+v", p.Mindset.Label, p.Language)
	}
	if diff := cmp.Diff([]string{FlagQuizIncomplete}, p.Flags); diff != "" {
		t.Errorf("flags (-want +got):\n%s", diff)
	}

	// Without free text no analyzer is needed.
	noText := &QuizResponse{Lang: "en", Answers: map[string]int{"e1": 5}}
	p, err = ScoreQuizResponse(nil, q, noText)
	if err != nil || p.FreeText != nil || p.Traits.Extraversion.Score != 1 {
		t.Errorf("answers only: %v %+v", err, p)
	}
	if _, err := ScoreQuizResponse(nil, q, resp); err == nil {
		t.Error("free text without an analyzer: no error")
	}

	// The profile's JSON has both parts and the contract's shape.
	p, _ = ScoreQuizResponse(an, q, resp)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"language", "traits", "mindset", "sources", "answers", "free_text", "flags"} {
		if _, ok := m[k]; !ok {
			t.Errorf("profile JSON lacks %q: %s", k, b)
		}
	}
	ft := m["free_text"].(map[string]any)
	for _, k := range []string{"words", "traits", "mindset", "lexicon_version", "questions"} {
		if _, ok := ft[k]; !ok {
			t.Errorf("free_text lacks %q", k)
		}
	}
}

func TestJoinQuizFreeText(t *testing.T) {
	q := quizFixture()
	text, segs := JoinQuizFreeText(q, &QuizResponse{FreeText: map[string]string{"plans": "Żółć ęą", "story": " \t"}})
	if text != "Żółć ęą" || !cmp.Equal(segs, []QuizSegment{{Question: "plans", Start: 0, End: len("Żółć ęą")}}) {
		t.Errorf("got %q %+v", text, segs)
	}
	text, segs = JoinQuizFreeText(q, &QuizResponse{})
	if text != "" || len(segs) != 0 {
		t.Errorf("no answers: %q %+v", text, segs)
	}
}

// FuzzParseQuizResponse: no body panics the reader, and whatever it
// accepts scores within the documented ranges.
func FuzzParseQuizResponse(f *testing.F) {
	for _, s := range []string{
		`{"lang":"en","answers":{"e1":5,"e2":1},"free_text":{"story":"hi"}}`,
		`{"lang":"lv","answers":{"e1":5,"e1":1}}`,
		`{"lang":"en","answers":{"e1":1e999,"o1":-0,"g1":3.0000000001}}`,
		`{"lang":"en","answers":null,"free_text":{"plans":"İstanbul ǅ ✨"}}`,
		`{"answers":{"":3},"":{}}`,
		`[]`, `{`, `"x"`, "{\"lang\":\"en\"}\x00",
	} {
		f.Add([]byte(s))
	}
	q := quizFixture()
	f.Fuzz(func(t *testing.T, body []byte) {
		resp, err := ParseQuizResponse(q, body)
		if err != nil {
			var se *QuizSyntaxError
			var re *QuizResponseError
			if !errors.As(err, &se) && !errors.As(err, &re) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			if re != nil && (len(re.Problems) == 0 || len(re.Problems) > MaxQuizProblems+1) {
				t.Fatalf("%d problems", len(re.Problems))
			}
			return
		}
		if !q.HasLanguage(resp.Lang) || len(resp.Answers)+len(resp.FreeText) == 0 {
			t.Fatalf("accepted %+v", resp)
		}
		for id, v := range resp.Answers {
			if q.Item(id) == nil || v < 1 || v > 5 {
				t.Fatalf("accepted answer %q=%d", id, v)
			}
		}
		s := ScoreQuiz(q, resp.Lang, resp.Answers)
		for _, d := range []*QuizDimension{s.Traits.Extraversion, s.Traits.Openness, s.Mindset} {
			if d.Score < -1 || d.Score > 1 || d.Confidence < 0 || d.Confidence > 1 {
				t.Fatalf("out of range: %+v", d)
			}
		}
		p := BlendQuiz(s, nil, resp.Lang)
		if p.Mindset.Label == "" {
			t.Fatal("no mindset label")
		}
	})
}

// BenchmarkQuizStages measures reading a response and scoring its answers.
//
//	go test ./classifier -run '^$' -bench BenchmarkQuizStages
func BenchmarkQuizStages(b *testing.B) {
	q := quizFixture()
	body := []byte(`{"lang":"lv","answers":{"e1":5,"e2":1,"e3":4,"e4":2,"o1":3,"o2":3,"o3":4,"o4":2,"g1":5,"f1":1,"g2":4,"f2":2,"g3":5,"f3":1},` +
		`"free_text":{"story":"Ballīte ar draugiem, ķēķis un ļoti daudz smieklu"},"respondent":"crm-1"}`)
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, err := ParseQuizResponse(q, body); err != nil {
				b.Fatal(err)
			}
		}
	})
	resp, err := ParseQuizResponse(q, body)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("score", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			BlendQuiz(ScoreQuiz(q, resp.Lang, resp.Answers), nil, resp.Lang)
		}
	})
}
