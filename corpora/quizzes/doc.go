// Package quizzes owns Mindprint's onboarding instruments: questionnaires
// written as data (instruments/*.yaml, format in FORMAT.md), embedded with
// go:embed and validated at load with file:line errors, and the glue that
// turns one respondent's answers into a profile and copy to show next.
//
// Three instruments ship, each in English, Finnish, Latvian and Polish:
//
//	bigfive  20 Likert items, four per trait, two keyed each way, and one free-text question
//	mindset  8 Likert items, four growth-keyed and four fixed-keyed, and one free-text question
//	goals    4 free-text questions on goals and motivation
//
// The instrument types and the scoring belong to the domain (package
// classifier: QuizInstrument, ParseQuizResponse, ScoreQuiz, BlendQuiz);
// this package loads instruments into those types and renders them.
//
//	set, err := quizzes.Default()               // or quizzes.Load(os.DirFS(dir))
//	q := set.Get("bigfive")
//	form, err := quizzes.FormOf(q, "fi")        // ready to render
//	resp, err := classifier.ParseQuizResponse(q, body)
//	out, err := quizzes.Score(analyzer, q, resp) // analyzer may be nil without free text
//	err = out.Recommend(ctx, copyLibrary)        // nil library: empty list and a note
//
// A bad instrument file stops loading with every problem listed, as
// "bigfive.yaml:42: item \"e3\": text: missing language \"lv\""; a Set never
// half-loads. Load reads the files at the root of any fs.FS, so operators
// can replace the embedded instruments without a rebuild.
package quizzes
