package classifier

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// tok is a compact expectation: text, kind, and byte offsets.
type tok struct {
	Text       string
	Kind       string
	Start, End int
}

func simplify(toks []Token) []tok {
	out := make([]tok, len(toks))
	for i, t := range toks {
		out[i] = tok{t.Text, t.Kind.String(), t.Start, t.End}
	}
	return out
}

var sharedTokenizer = NewTokenizer()

func TestTokenizeKindsAndOffsets(t *testing.T) {
	tests := []struct {
		name string
		lang string
		text string
		want []tok
	}{
		{
			name: "finnish diacritics stay whole",
			lang: "fi", text: "Hyvä, että löysin!",
			want: []tok{{"Hyvä", "word", 0, 5}, {",", "punct", 5, 6}, {"että", "word", 7, 12}, {"löysin", "word", 13, 20}, {"!", "punct", 20, 21}},
		},
		{
			name: "polish quotes and ellipsis",
			lang: "pl", text: "„Żółć” się zdarza…",
			want: []tok{{"„", "punct", 0, 3}, {"Żółć", "word", 3, 11}, {"”", "punct", 11, 14}, {"się", "word", 15, 19}, {"zdarza", "word", 20, 26}, {"…", "punct", 26, 29}},
		},
		{
			name: "latvian guillemets",
			lang: "lv", text: "«Ļoti ķēdīgs» ņemts",
			want: []tok{{"«", "punct", 0, 2}, {"Ļoti", "word", 2, 7}, {"ķēdīgs", "word", 8, 17}, {"»", "punct", 17, 19}, {"ņemts", "word", 20, 26}},
		},
		{
			name: "english contraction with curly apostrophe",
			lang: "en", text: "I don’t care.",
			want: []tok{{"I", "word", 0, 1}, {"do", "word", 2, 4}, {"n’t", "word", 4, 9}, {"care", "word", 10, 14}, {".", "punct", 14, 15}},
		},
		{
			name: "english clitics are words, quotes are not",
			lang: "en", text: "I'm sure it’s Anna's 'best'",
			want: []tok{
				{"I", "word", 0, 1}, {"'m", "word", 1, 3}, {"sure", "word", 4, 8}, {"it", "word", 9, 11}, {"’s", "word", 11, 15},
				{"Anna", "word", 16, 20}, {"'s", "word", 20, 22}, {"'", "punct", 23, 24}, {"best", "word", 24, 28}, {"'", "punct", 28, 29},
			},
		},
		{
			name: "url email mention hashtag numbers",
			lang: "en", text: "See https://x.io/a?b=1, mail me@ex.com @anna #win 3.5 1,000.",
			want: []tok{
				{"See", "word", 0, 3}, {"https://x.io/a?b=1", "url", 4, 22}, {",", "punct", 22, 23},
				{"mail", "word", 24, 28}, {"me@ex.com", "email", 29, 38}, {"@anna", "mention", 39, 44},
				{"#win", "hashtag", 45, 49}, {"3.5", "number", 50, 53}, {"1,000", "number", 54, 59}, {".", "punct", 59, 60},
			},
		},
		{
			name: "emoji glued to a word and a zwj sequence",
			lang: "en", text: "great😀 👩‍💻 :)",
			want: []tok{{"great", "word", 0, 5}, {"😀", "emoji", 5, 9}, {"👩‍💻", "emoji", 10, 21}, {":)", "emoji", 22, 24}},
		},
		{
			name: "hyphenated word and dash",
			lang: "en", text: "self-disciplined—really",
			want: []tok{{"self-disciplined", "word", 0, 16}, {"—", "punct", 16, 19}, {"really", "word", 19, 25}},
		},
		{
			name: "turkish dotted capital I",
			lang: "en", text: "İstanbul",
			want: []tok{{"İstanbul", "word", 0, 9}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := simplify(sharedTokenizer.Tokenize(tc.text, tc.lang))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("tokens (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTokenizeFoldsWords(t *testing.T) {
	toks := sharedTokenizer.Tokenize("ŻÓŁW İyi LUOVA Ļoti", "pl")
	var got []string
	for _, tk := range toks {
		got = append(got, tk.Norm)
	}
	want := []string{"żółw", "iyi", "luova", "ļoti"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("folded (-want +got):\n%s", diff)
	}
}

func TestTokenizeSentences(t *testing.T) {
	text := "I am not happy. Creative people are great."
	toks := sharedTokenizer.Tokenize(text, "en")
	sharedTokenizer.AssignSentences(text, toks)
	var sentences []int
	for _, tk := range toks {
		sentences = append(sentences, tk.Sentence)
	}
	want := []int{0, 0, 0, 0, 0, 1, 1, 1, 1, 1}
	if diff := cmp.Diff(want, sentences); diff != "" {
		t.Errorf("sentence indexes (-want +got):\n%s", diff)
	}
}

// checkInvariant asserts the offset invariant every token must keep.
func checkInvariant(t testing.TB, text string, toks []Token) {
	t.Helper()
	prevEnd := 0
	for i, tk := range toks {
		if tk.Start < prevEnd || tk.End > len(text) || tk.Start >= tk.End {
			t.Fatalf("token %d %q has bad offsets [%d,%d) after %d in %q", i, tk.Text, tk.Start, tk.End, prevEnd, text)
		}
		if text[tk.Start:tk.End] != tk.Text {
			t.Fatalf("token %d: text[%d:%d] = %q, token says %q", i, tk.Start, tk.End, text[tk.Start:tk.End], tk.Text)
		}
		if tk.Kind == KindWord && tk.Norm == "" {
			t.Fatalf("word token %d %q has no folded form", i, tk.Text)
		}
		prevEnd = tk.End
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{
		"", "Hyvä, että löysin!", "„Żółć” się…", "«Ļoti» ņemts", "I don’t care.", "https://x.io, me@x.io @a #b",
		"😀👩‍💻🇫🇮", ":)", "a\x00b", "\xff\xfe", strings.Repeat("a", 300), "İ", "1,000.5", "--'--", "e.g. U.S.A.",
	} {
		f.Add(s, "en")
		f.Add(s, "fi")
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		if !utf8.ValidString(text) {
			return // Analyze rejects invalid UTF-8 before tokenizing.
		}
		checkInvariant(t, text, sharedTokenizer.Tokenize(text, lang))
	})
}

// TestTokenizeLongSpans covers spans too long for prose: they must keep the
// offset invariant and split like shorter ones.
func TestTokenizeLongSpans(t *testing.T) {
	for _, text := range []string{
		strings.Repeat("!", 5000),
		"ok " + strings.Repeat("}", 3000) + " fine",
		strings.Repeat("a", 100) + "!!",
		"great!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!! thanks",
		"https://example.com/" + strings.Repeat("x", 200) + ".",
	} {
		toks := sharedTokenizer.Tokenize(text, "en")
		checkInvariant(t, text, toks)
		if len(toks) == 0 {
			t.Errorf("no tokens for %.20q…", text)
		}
	}
	toks := sharedTokenizer.Tokenize("https://example.com/"+strings.Repeat("x", 200)+".", "en")
	if toks[0].Kind != KindURL || len(toks) != 2 {
		t.Errorf("a long URL must stay one token: %v", simplify(toks))
	}
}
