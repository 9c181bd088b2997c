package classifier

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jdkato/prose/v3/segment"
	"github.com/jdkato/prose/v3/tokenize"

	"github.com/mindprint/mindprint/lexicons"
)

// TokenKind says what a token is. Only words are matched against lexicons.
type TokenKind uint8

// Token kinds.
const (
	KindWord    TokenKind = iota // letters, with inner apostrophes, hyphens and digits
	KindNumber                   // digits, with inner . , : separators
	KindURL                      // http(s)://…, www.…
	KindEmail                    // name@host.tld
	KindMention                  // @handle
	KindHashtag                  // #tag
	KindEmoji                    // pictographs, flags, keycaps, emoticons such as :-)
	KindPunct                    // punctuation, one rune per token
	KindSymbol                   // anything else (math, currency)
)

var kindNames = [...]string{"word", "number", "url", "email", "mention", "hashtag", "emoji", "punct", "symbol"}

// String returns the kind's name: word, number, url, email, mention,
// hashtag, emoji, punct or symbol.
func (k TokenKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Token is a piece of the text with its byte offsets into the text as
// received: text[Start:End] == Text always holds.
type Token struct {
	Text  string
	Start int
	End   int
	Kind  TokenKind
	// Norm is the folded form used for matching (lexicons.Fold), set for words
	// only; "" for every other kind.
	Norm string
	// Sentence is the index of the sentence the token belongs to, once
	// Tokenizer.AssignSentences has run; 0 before.
	Sentence int
}

// Tokenizer splits text into tokens with prose's tokenizer and sentence
// segmenter, then refines prose's spans: punctuation that prose leaves
// attached (guillemets, „, …, dashes), emoji glued to words, and URLs, e-mail
// addresses, @mentions and #hashtags kept whole. It is safe for concurrent use.
type Tokenizer struct {
	english *tokenize.Tokenizer // splits English contractions: don't → do + n't
	other   *tokenize.Tokenizer // no contraction splitting
	seg     *segment.Segmenter
}

// Characters prose splits off the front and the back of a whitespace span.
// Everything else is split by refine, rune by rune; these lists only keep
// prose's own contraction handling working on quoted words.
var (
	tokPrefixes = []string{"$", "(", `"`, "[", "{", "“", "‘", "„", "‚", "«", "»", "‹", "›", "¿", "¡"}
	tokSuffixes = []string{",", ")", `"`, "]", "}", "!", ";", ".", "?", ":", "'", "”", "’", "“", "»", "«", "›", "‹", "…"}
)

// NewTokenizer builds a Tokenizer. prose loads its segmentation model once
// per process, so this is cheap after the first call.
func NewTokenizer() *Tokenizer {
	seg, err := segment.New()
	if err != nil {
		// The model is compiled into prose; failing to parse it is a broken
		// build, not a runtime condition.
		panic("classifier: prose segmenter model: " + err.Error())
	}
	special := tokenize.UsingSpecialTest(isWholeSpan)
	return &Tokenizer{
		english: tokenize.New(tokenize.UsingPrefixes(tokPrefixes), tokenize.UsingSuffixes(tokSuffixes), special),
		other: tokenize.New(tokenize.UsingPrefixes(tokPrefixes), tokenize.UsingSuffixes(tokSuffixes),
			tokenize.UsingSplitCases(nil), special),
		seg: seg,
	}
}

// maxProseSpan is the longest whitespace-delimited span handed to prose.
// prose peels affixes one at a time and re-tests the rest of the span each
// time, which is quadratic in a span's length: 8,000 "!" took seconds. Longer
// spans (never real words) go straight to refine, which is linear.
const maxProseSpan = 64

// Tokenize splits text into tokens. lang selects language-specific rules
// (only English splits contractions); any other value, including "und", gets
// the neutral rules. It runs in time linear in len(text).
//
// Spans of letters and digits alone (most words) need none of prose's
// affix handling and become tokens directly; spans with punctuation,
// apostrophes or symbols go through prose, so quotes, contractions and
// emoticons are split its way.
func (t *Tokenizer) Tokenize(text, lang string) []Token {
	tk := t.other
	if lang == "en" {
		tk = t.english
	}
	out := make([]Token, 0, len(text)/5+4)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		j, plain := i, true
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if unicode.IsSpace(r) {
				break
			}
			if plain && !isWordRune(r) {
				plain = false
			}
			j += size
		}
		switch span := text[i:j]; {
		case plain:
			out = append(out, wordToken(span, i))
		case j-i > maxProseSpan && !isWholeSpan(span):
			out = refine(out, span, i)
		default:
			out = t.prose(out, tk, span, i)
		}
		i = j
	}
	return out
}

// prose tokenizes one stretch of text with prose and refines its spans.
func (t *Tokenizer) prose(out []Token, tk *tokenize.Tokenizer, stretch string, base int) []Token {
	if stretch == "" {
		return out
	}
	for _, sp := range tk.Tokenize(stretch) {
		out = refine(out, sp.Text, base+sp.Start)
	}
	return out
}

// AssignSentences numbers tokens by the sentence that contains them, using
// prose's segmenter. Tokenize leaves every token in sentence 0; the scorer
// calls this only when a full stop falls inside a negation's or an
// intensifier's reach, where it must know whether the dot ends a sentence
// ("not. Creative") or an abbreviation ("not Mr. Creative"), so most texts
// skip the segmenter's cost.
func (t *Tokenizer) AssignSentences(text string, toks []Token) {
	if len(toks) == 0 {
		return
	}
	sents := t.seg.Segment(text)
	s := 0
	for i := range toks {
		for s+1 < len(sents) && toks[i].Start >= sents[s+1].Start {
			s++
		}
		toks[i].Sentence = s
	}
}

// isWholeSpan reports spans prose must not split: URLs, e-mail addresses,
// mentions, hashtags and emoticons. Trailing sentence punctuation is peeled
// by refine.
func isWholeSpan(s string) bool {
	if len(s) < 2 {
		return false
	}
	switch s[0] {
	case '@', '#':
		return isTagged(s, s[0])
	case 'h', 'H', 'w', 'W':
		if isURL(s) {
			return true
		}
	}
	return strings.IndexByte(s, '@') > 0 && isEmail(s) || len(s) <= 3 && isEmoticon(s)
}

func isURL(s string) bool {
	return len(s) > 7 && (hasPrefixFold(s, "http://") || hasPrefixFold(s, "https://") || hasPrefixFold(s, "www."))
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case, without allocating.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func isEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') {
		return false
	}
	dot := strings.LastIndexByte(s, '.')
	return dot > at+1 && dot < len(s)-1
}

func isTagged(s string, mark byte) bool {
	if len(s) < 2 || s[0] != mark {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[1:])
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_'
}

// trailingPunct is what refine peels off a URL, e-mail or tag span.
const trailingPunct = ".,;:!?)]}\"'”’»…"

// refine appends the tokens of one prose span to out.
func refine(out []Token, span string, base int) []Token {
	if isWholeSpan(span) && !isEmoticon(span) {
		core := strings.TrimRight(span, trailingPunct)
		kind := KindURL
		switch {
		case isURL(core):
		case isEmail(core):
			kind = KindEmail
		case isTagged(core, '@'):
			kind = KindMention
		case isTagged(core, '#'):
			kind = KindHashtag
		default:
			core = "" // trimming broke it: fall through to rune splitting
		}
		if core != "" {
			out = append(out, Token{Text: core, Start: base, End: base + len(core), Kind: kind})
			return refine(out, span[len(core):], base+len(core))
		}
	}
	if isEmoticon(span) {
		return append(out, Token{Text: span, Start: base, End: base + len(span), Kind: KindEmoji})
	}
	if isClitic(span) {
		return append(out, wordToken(span, base))
	}
	i := 0
	for i < len(span) {
		r, size := utf8.DecodeRuneInString(span[i:])
		switch {
		case isWordRune(r):
			j := scanWord(span, i)
			out = append(out, wordToken(span[i:j], base+i))
			i = j
		case isEmojiRune(r):
			j := scanEmoji(span, i)
			out = append(out, Token{Text: span[i:j], Start: base + i, End: base + j, Kind: KindEmoji})
			i = j
		case unicode.IsSpace(r):
			i += size
		default:
			kind := KindSymbol
			if unicode.IsPunct(r) {
				kind = KindPunct
			}
			out = append(out, Token{Text: span[i : i+size], Start: base + i, End: base + i + size, Kind: kind})
			i += size
		}
	}
	return out
}

// isClitic reports the English clitics prose splits off a contraction
// ("I'm" → "I" + "'m", "people's" → "people" + "'s"); they are words, so
// lexicon phrases such as "i 'm curious" can match them.
func isClitic(s string) bool {
	switch strings.Replace(strings.ToLower(s), "’", "'", 1) {
	case "'m", "'s", "'re", "'ll", "'ve", "'d":
		return true
	}
	return false
}

// wordToken classifies a word-like run as a word or a number.
func wordToken(s string, start int) Token {
	tok := Token{Text: s, Start: start, End: start + len(s), Kind: KindNumber}
	for _, r := range s {
		if unicode.IsLetter(r) {
			tok.Kind = KindWord
			tok.Norm = lexicons.Fold(s)
			break
		}
	}
	return tok
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// scanWord returns the end of the word starting at i. Apostrophes and
// hyphens join letters ("can't", "self-made", "itse-ohjautuva"); . , : join
// only digits ("3.5", "1,000", "12:30"), so a sentence end is never swallowed.
func scanWord(s string, i int) int {
	j := i
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if isWordRune(r) {
			j += size
			continue
		}
		if isJoiner(r) && j+size < len(s) {
			next, _ := utf8.DecodeRuneInString(s[j+size:])
			prev, _ := utf8.DecodeLastRuneInString(s[:j])
			if isWordRune(next) && (r != '.' && r != ',' && r != ':' || unicode.IsDigit(prev) && unicode.IsDigit(next)) {
				j += size
				continue
			}
		}
		break
	}
	return j
}

func isJoiner(r rune) bool {
	switch r {
	case '\'', '’', 'ʼ', '-', '‐', '.', ',', ':':
		return true
	}
	return false
}

// isEmojiRune reports runes that start an emoji sequence.
func isEmojiRune(r rune) bool {
	return r >= 0x1F000 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF || r >= 0x1F1E6 && r <= 0x1F1FF ||
		r == 0x2B50 || r == 0x2B55 || r >= 0x2190 && r <= 0x21FF || r == 0x2764
}

// scanEmoji consumes one emoji sequence: base pictographs joined by ZWJ,
// with variation selectors, skin tones and keycap marks.
func scanEmoji(s string, i int) int {
	j := i
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		switch {
		case isEmojiRune(r), r == 0x200D, r == 0xFE0F, r == 0xFE0E, r == 0x20E3, r >= 0x1F3FB && r <= 0x1F3FF:
			j += size
		default:
			return j
		}
	}
	return j
}

// emoticons are the ASCII faces common in reviews and chats.
var emoticons = map[string]bool{
	":)": true, ":-)": true, ":(": true, ":-(": true, ":D": true, ":-D": true, ";)": true, ";-)": true,
	":P": true, ":-P": true, ":p": true, ":/": true, ":-/": true, ":'(": true, "<3": true, "xD": true, "XD": true,
	":o": true, ":O": true, "=)": true, "^^": true, "^_^": true, "-_-": true, ":|": true,
}

func isEmoticon(s string) bool { return emoticons[s] }

// isBlank reports whether s has no letters, digits, symbols or punctuation.
func isBlank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && r != 0 && !unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}
