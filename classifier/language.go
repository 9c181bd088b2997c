package classifier

import (
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pemistahl/lingua-go"
	"golang.org/x/text/unicode/norm"
)

// Thresholds of Detect, explained on Detector. The accuracy behind them is
// checked in language_test.go, the speed in language_bench_test.go.
const (
	// DetectMinLetters is the fewest letters a text needs to get a language:
	// "ok", "hi" and "jee" are "und" with confidence 0.
	DetectMinLetters = 5
	// DetectScanLetters bounds the letters read for the letter and function
	// word checks; the rest of a longer text is not looked at.
	DetectScanLetters = 256
	// DetectScanBytes bounds the bytes read, whatever they hold (16 KiB).
	DetectScanBytes = 16 << 10
	// DetectShortLetters: texts with fewer letters are short and get high
	// accuracy (n-grams of 1 to 5 letters); longer ones a trigram sample.
	DetectShortLetters = 64
	// DetectSampleLetters is the size, in letters, of the sample a longer
	// text is detected on when at most three candidates are left; with more
	// candidates the sample is twice as long.
	DetectSampleLetters = 32
	// DetectVetoConfidence: on a short text, a language without high-accuracy
	// models needs this trigram confidence (0..1) to win outright over one
	// with them.
	DetectVetoConfidence = 0.99
	// DetectPrior: on a short text, a language with high-accuracy models (a
	// scoring language, by default) is taken to be this many times as likely
	// as another before their trigrams are compared: trigrams alone are
	// unreliable on a few words, and most texts come in the scoring languages.
	DetectPrior = 4.0
	// DefaultMinConfidence is the confidence below which Detect answers
	// "und": at 0.5 the winner must be more likely than all the other
	// candidates together. On 3 to 6 word snippets of labelled text in the 13
	// default languages it left 2% wrong and 14% "und"; 0.3 gives 3% wrong
	// and 12% "und", 0.7 gives 1% wrong and 16% "und". Sentences are hardly
	// affected (99% right at 0, 98.5% at 0.5).
	DefaultMinConfidence = 0.5
)

// Language result values.
const (
	// UndeterminedLanguage is the code of a text whose language could not be
	// determined (ISO 639-2 "und").
	UndeterminedLanguage = "und"
	// SourceDetected marks a language found by the detector.
	SourceDetected = "detected"
	// SourceHint marks a language given by the caller.
	SourceHint = "hint"
)

// DefaultDetectLanguages are the languages a Detector tells apart unless
// WithDetectLanguages says otherwise: the four scoring languages and their
// close neighbours, so that text in a neighbour is reported as such (and
// flagged unsupported) instead of being forced into a scoring language.
var DefaultDetectLanguages = []string{"en", "fi", "lv", "pl", "et", "lt", "sv", "de", "ru", "cs", "sk", "es", "fr"}

// DefaultHighAccuracyLanguages get lingua's full n-gram models (1 to 5
// letters, about 20 MB of memory each); the others get trigram models only
// (about 1 MB each). They are the scoring languages, whose short texts
// matter most.
var DefaultHighAccuracyLanguages = []string{"en", "fi", "lv", "pl"}

// DetectorOption configures a Detector.
type DetectorOption func(*detectorConfig)

type detectorConfig struct {
	codes   []string
	precise []string
	minConf float64
}

// WithDetectLanguages sets the languages to tell apart, as lowercase ISO
// 639-1 codes (default DefaultDetectLanguages): 2 to 32 of those
// KnownDetectLanguages lists.
func WithDetectLanguages(codes ...string) DetectorOption {
	return func(c *detectorConfig) { c.codes = append([]string(nil), codes...) }
}

// WithHighAccuracyLanguages sets which of the detected languages get full
// n-gram models for short texts (default DefaultHighAccuracyLanguages).
// Each costs about 20 MB of memory; codes that are not detected are ignored.
func WithHighAccuracyLanguages(codes ...string) DetectorOption {
	return func(c *detectorConfig) { c.precise = append([]string{}, codes...) }
}

// WithMinConfidence sets the confidence, in 0..1, below which Detect answers
// "und" (default DefaultMinConfidence).
func WithMinConfidence(conf float64) DetectorOption {
	return func(c *detectorConfig) { c.minConf = conf }
}

// langSet is a set of a Detector's languages: bit i is d.codes[i].
type langSet uint32

// maxDetectLanguages is how many languages a langSet holds.
const maxDetectLanguages = 32

func (s langSet) count() int { return bits.OnesCount32(uint32(s)) }

// first returns the lowest language index in s; s must not be empty.
func (s langSet) first() int { return bits.TrailingZeros32(uint32(s)) }

// Detector tells apart the languages it was built for, with lingua-go's
// models and what the letters of a text already say. It is safe for
// concurrent use; build one per process (SharedDetector) and share it.
//
// Detect decides in steps, each cheaper than the next, and stops at the
// first that decides:
//
//  1. Letters. The first DetectScanLetters letters are read (at most
//     DetectScanBytes bytes; URLs, e-mail addresses and @mentions are
//     skipped). A language stays a candidate while the words it cannot
//     write, for want of their letters, outnumber the best candidate's by at
//     most 1 plus 1 per 20 words: ł, ś, ź and ż are only Polish, ā, ē, ģ, ī,
//     ķ, ļ and ņ only Latvian, õ only Estonian, Cyrillic only Russian among
//     the defaults. Capitalised words inside a sentence are taken for names
//     and not counted, so "Thanks, Łukasz!" stays English. Fewer than
//     DetectMinLetters letters gives "und" with confidence 0, and so do
//     letters no candidate writes (Turkish ş, Greek); a single candidate
//     left is the answer, with confidence 1.
//  2. Short text (fewer than DetectShortLetters letters): lingua's high
//     accuracy mode (n-grams of 1 to 5 letters) picks the winner among the
//     candidates that have its models (WithHighAccuracyLanguages). The other
//     candidates are then compared with the winner by lingua's low accuracy
//     mode (trigrams), unless the text's function words ("the", "ja", "un",
//     "nie", ...) all belong to high-accuracy languages. A rival with a
//     trigram confidence of DetectVetoConfidence or more wins; otherwise the
//     winner keeps its confidence q multiplied by
//     DetectPrior·p / (DetectPrior·p + r), where p and r are the trigram
//     confidences of winner and rival.
//  3. Longer text: a text with 3 or more function words of a candidate keeps
//     only the candidates with at least a third as many (and always the best
//     two); then lingua's low accuracy mode decides on a sample of distinct
//     words of three letters or more (names last), DetectSampleLetters
//     letters long for up to three candidates and twice that for more.
//     Trigrams are all lingua's high accuracy mode uses above 120 letters,
//     too.
//  4. A winner with a confidence below the minimum (WithMinConfidence,
//     default DefaultMinConfidence) is reported as "und" with that
//     confidence.
//
// Confidence is in 0..1: 1 when the letters decide, otherwise lingua's
// confidence for the winner among the candidates it compared (combined as
// in step 2 for short texts).
type Detector struct {
	codes    []string
	index    map[string]int
	langs    []lingua.Language
	all      langSet // every language of the detector
	latin    langSet // languages written in the Latin script
	precise  langSet // languages with high-accuracy models
	hasWords langSet // languages with a function word list
	letters  map[rune]langSet
	words    map[string]langSet
	minConf  float64
	loadTime time.Duration
	// linguas caches one lingua detector per candidate set and mode, up to
	// maxCachedLinguas; they share the models lingua keeps in package-level
	// maps.
	linguas sync.Map // linguaKey -> lingua.LanguageDetector
	cached  atomic.Int32
}

// maxCachedLinguas bounds the lingua detectors a Detector keeps (each is a
// few kilobytes, and takes a fraction of a millisecond to build). Texts pick
// their candidate sets from a few dozen in practice.
const maxCachedLinguas = 1024

type linguaKey struct {
	set  langSet
	high bool
}

// NewDetector builds a Detector and loads every model it needs before it
// returns (see LoadTime), so that no request pays for loading. It fails for
// an unknown or repeated language code, fewer than two languages, or a
// minimum confidence outside 0..1.
func NewDetector(opts ...DetectorOption) (*Detector, error) {
	cfg := detectorConfig{
		codes:   DefaultDetectLanguages,
		precise: DefaultHighAccuracyLanguages,
		minConf: DefaultMinConfidence,
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.minConf < 0 || cfg.minConf > 1 || math.IsNaN(cfg.minConf) {
		return nil, fmt.Errorf("classifier: detector: minimum confidence %v is outside 0..1", cfg.minConf)
	}
	if len(cfg.codes) < 2 {
		return nil, fmt.Errorf("classifier: detector: %d languages given, at least 2 are needed", len(cfg.codes))
	}
	if len(cfg.codes) > maxDetectLanguages {
		return nil, fmt.Errorf("classifier: detector: %d languages given, at most %d are supported", len(cfg.codes), maxDetectLanguages)
	}
	d := &Detector{
		index:   make(map[string]int, len(cfg.codes)),
		letters: make(map[rune]langSet),
		words:   make(map[string]langSet),
		minConf: cfg.minConf,
	}
	for i, code := range cfg.codes {
		p, ok := languageProfiles[code]
		if !ok {
			return nil, fmt.Errorf("classifier: detector: unknown language %q (known: %s)", code, strings.Join(KnownDetectLanguages(), " "))
		}
		if _, dup := d.index[code]; dup {
			return nil, fmt.Errorf("classifier: detector: language %q given twice", code)
		}
		bit := langSet(1) << i
		d.index[code] = i
		d.codes = append(d.codes, code)
		d.langs = append(d.langs, p.lingua)
		d.all |= bit
		if !p.cyrillic {
			d.latin |= bit
		}
		for _, r := range p.letters {
			d.letters[r] |= bit
		}
		for _, w := range strings.Fields(p.words) {
			d.words[w] |= bit
			d.hasWords |= bit
		}
	}
	for _, code := range cfg.precise {
		if i, ok := d.index[code]; ok {
			d.precise |= 1 << i
		} else if _, known := languageProfiles[code]; !known {
			return nil, fmt.Errorf("classifier: detector: unknown high-accuracy language %q", code)
		}
	}
	start := time.Now()
	d.preload()
	d.loadTime = time.Since(start)
	return d, nil
}

// preload loads the trigram models of every language, the bigram and unigram
// models lingua falls back to, and the full models of the high-accuracy
// languages. It loads two languages at a time and collects the garbage of
// unpacking them in between: lingua alone would unpack all at once, which
// takes half the time but peaks about 50 MB higher (230 MB instead of 180 MB
// resident for the defaults), and memory is the tighter budget. Models
// already loaded by an earlier Detector are not loaded again.
func (d *Detector) preload() {
	linguaModels.Lock()
	defer linguaModels.Unlock()
	load := func(pair []lingua.Language, full bool) {
		loaded := linguaModels.trigrams
		if full {
			loaded = linguaModels.full
		}
		if loaded[pair[0]] && loaded[pair[1]] {
			return
		}
		b := lingua.NewLanguageDetectorBuilder().FromLanguages(pair...).WithPreloadedLanguageModels()
		if !full {
			b = b.WithLowAccuracyMode()
		}
		b.Build()
		runtime.GC()
		for _, l := range pair {
			loaded[l] = true
			linguaModels.trigrams[l] = true
		}
	}
	for i := range d.langs {
		load([]lingua.Language{d.langs[i], d.langs[(i+1)%len(d.langs)]}, false)
	}
	precise := d.pick(d.precise)
	for i := 0; len(precise) >= 2 && i < len(precise); i++ {
		load([]lingua.Language{precise[i], precise[(i+1)%len(precise)]}, true)
	}
	low := lingua.NewLanguageDetectorBuilder().FromLanguages(d.langs...).WithLowAccuracyMode().Build()
	d.linguas.Store(linguaKey{set: d.all}, low)
	// Trigrams found in no model make lingua look up their bigram and unigram
	// prefixes, which loads those (small) models for every language now
	// rather than on a request.
	low.ComputeLanguageConfidenceValues("qxzqjx ъщъэщ")
	if d.precise.count() >= 2 {
		high := lingua.NewLanguageDetectorBuilder().FromLanguages(precise...).Build()
		d.linguas.Store(linguaKey{set: d.precise, high: true}, high)
	}
}

// linguaModels records which models this process has loaded. lingua keeps
// them in package-level maps for the life of the process, shared by every
// lingua detector.
var linguaModels = struct {
	sync.Mutex
	trigrams, full map[lingua.Language]bool
}{trigrams: map[lingua.Language]bool{}, full: map[lingua.Language]bool{}}

var sharedDetector = sync.OnceValues(func() (*Detector, error) { return NewDetector() })

// SharedDetector returns the process-wide Detector with the default options,
// built (and its models loaded) on the first call only.
func SharedDetector() (*Detector, error) { return sharedDetector() }

// LoadTime is how long NewDetector took to load the models.
func (d *Detector) LoadTime() time.Duration { return d.loadTime }

// Codes returns the ISO 639-1 codes the detector tells apart, in the order
// they were given.
func (d *Detector) Codes() []string { return append([]string(nil), d.codes...) }

// Known reports whether code (lowercase ISO 639-1) is one the detector can
// answer.
func (d *Detector) Known(code string) bool {
	_, ok := d.index[code]
	return ok
}

// Detect returns the language of text with Source "detected": a code from
// Codes, or "und" when the text is too short, has no letters the candidates
// write, or the winner's confidence is below the minimum. Confidence is in
// 0..1: 1 when the letters alone decide, otherwise lingua's confidence among
// the candidates it compared; for "und" it is the rejected winner's, or 0
// when nothing was compared. Only the start of a long text is read (see the
// Detect* constants).
func (d *Detector) Detect(text string) LanguageResult {
	code, conf := d.detect(text)
	if code != UndeterminedLanguage && conf < d.minConf {
		code = UndeterminedLanguage
	}
	return LanguageResult{Code: code, Confidence: conf, Source: SourceDetected}
}

func (d *Detector) detect(text string) (string, float64) {
	s := d.scan(text)
	if s.letters < DetectMinLetters {
		return UndeterminedLanguage, 0
	}
	cand := d.narrowByLetters(s.words)
	switch cand.count() {
	case 0:
		return UndeterminedLanguage, 0
	case 1:
		return d.codes[cand.first()], 1
	}
	if s.letters < DetectShortLetters {
		return d.detectShort(s, cand)
	}
	return d.detectLong(s, cand)
}

// detectShort decides a short text: high accuracy among the candidates that
// have the models for it, checked by trigrams against the others.
func (d *Detector) detectShort(s *scannedText, cand langSet) (string, float64) {
	precise := cand & d.precise
	others := cand &^ precise
	text := s.linguaText(cand, 0)
	if precise == 0 {
		return d.best(d.confidences(cand, false, text), cand)
	}
	var low []float64
	rival, rivalConf := -1, 0.0
	if others != 0 && !d.wordsOnlyOf(s, precise, others) {
		// The trigram check first: a rival that wins it outright makes the
		// high accuracy run unnecessary.
		low = d.confidences(cand, false, text)
		rival, rivalConf = d.bestIndex(low, others)
		if rival >= 0 && rivalConf >= DetectVetoConfidence {
			return d.codes[rival], rivalConf
		}
	}
	winner, conf := precise.first(), 1.0
	if precise.count() >= 2 {
		winner, conf = d.bestIndex(d.confidences(precise, true, text), precise)
		if winner < 0 {
			return UndeterminedLanguage, 0
		}
	}
	if rival >= 0 && low[winner]+rivalConf > 0 {
		conf *= DetectPrior * low[winner] / (DetectPrior*low[winner] + rivalConf)
	}
	return d.codes[winner], conf
}

// wordsOnlyOf reports whether the text has function words of the languages
// in has and none of those in others, all of which have a word list: the
// sign of a short text in a high-accuracy language, which needs no trigram
// check.
func (d *Detector) wordsOnlyOf(s *scannedText, has, others langSet) bool {
	if others&^d.hasWords != 0 {
		return false
	}
	var seen langSet
	for _, w := range s.words {
		seen |= d.words[s.folded[w.fstart:w.fend]]
	}
	return seen&has != 0 && seen&others == 0
}

// detectLong decides a longer text by trigrams on a sample, among the
// candidates its function words leave.
func (d *Detector) detectLong(s *scannedText, cand langSet) (string, float64) {
	cand = d.narrowByWords(s, cand)
	if cand.count() == 1 {
		return d.codes[cand.first()], 1
	}
	sample := DetectSampleLetters
	if cand.count() > 3 {
		sample *= 2
	}
	return d.best(d.confidences(cand, false, s.linguaText(cand, sample)), cand)
}

// best returns the language of set with the highest confidence in conf.
func (d *Detector) best(conf []float64, set langSet) (string, float64) {
	i, c := d.bestIndex(conf, set)
	if i < 0 {
		return UndeterminedLanguage, 0
	}
	return d.codes[i], c
}

// bestIndex returns the index of the language of set with the highest
// confidence in conf, or -1 when none is above 0.
func (d *Detector) bestIndex(conf []float64, set langSet) (int, float64) {
	bi, bc := -1, 0.0
	for i, c := range conf {
		if set&(1<<i) != 0 && c > bc {
			bi, bc = i, c
		}
	}
	return bi, bc
}

// confidences runs lingua over text among the languages of set, in high or
// low accuracy mode, and returns the confidence per language index.
func (d *Detector) confidences(set langSet, high bool, text string) []float64 {
	out := make([]float64, len(d.codes))
	if set.count() < 2 {
		if set != 0 {
			out[set.first()] = 1
		}
		return out
	}
	for _, cv := range d.lingua(set, high).ComputeLanguageConfidenceValues(text) {
		for i, l := range d.langs {
			if l == cv.Language() {
				out[i] = cv.Value()
				break
			}
		}
	}
	return out
}

// lingua returns the cached lingua detector for set. Building one is cheap:
// the models are shared and already loaded.
func (d *Detector) lingua(set langSet, high bool) lingua.LanguageDetector {
	key := linguaKey{set: set, high: high}
	if ld, ok := d.linguas.Load(key); ok {
		return ld.(lingua.LanguageDetector)
	}
	b := lingua.NewLanguageDetectorBuilder().FromLanguages(d.pick(set)...)
	if !high {
		b = b.WithLowAccuracyMode()
	}
	ld := b.Build()
	if d.cached.Add(1) > maxCachedLinguas {
		d.cached.Add(-1)
		return ld
	}
	if prev, loaded := d.linguas.LoadOrStore(key, ld); loaded {
		d.cached.Add(-1)
		return prev.(lingua.LanguageDetector)
	}
	return ld
}

func (d *Detector) pick(set langSet) []lingua.Language {
	out := make([]lingua.Language, 0, set.count())
	for i, l := range d.langs {
		if set&(1<<i) != 0 {
			out = append(out, l)
		}
	}
	return out
}

// narrowByLetters keeps the languages that write the letters of all but a
// tolerated number of words: 1 word plus 1 per 20, over the best language.
// Names are not counted. It returns no language when even the best one
// misses more words than that, or when as many words use letters that none
// of the languages writes (ş, ğ, ø, Greek...): the text is in a language the
// detector does not know.
func (d *Detector) narrowByLetters(words []scannedWord) langSet {
	var miss [maxDetectLanguages]int
	n, foreign := 0, 0
	for _, w := range words {
		if w.name {
			continue
		}
		n++
		if w.set&d.all == 0 {
			foreign++
		}
		for i := range d.codes {
			if w.set&(1<<i) == 0 {
				miss[i]++
			}
		}
	}
	tol := 1 + n/20
	least := n
	for i := range d.codes {
		least = min(least, miss[i])
	}
	if least > tol || foreign >= tol {
		return 0
	}
	var out langSet
	for i := range d.codes {
		if miss[i] <= least+tol {
			out |= 1 << i
		}
	}
	return out
}

// narrowByWords keeps, once a text has at least 3 function words of one
// candidate, the candidates with at least a third as many as the best (and
// always the two best). Languages without a word list are kept.
func (d *Detector) narrowByWords(s *scannedText, cand langSet) langSet {
	var hits [maxDetectLanguages]int
	for _, w := range s.words {
		for set := d.words[s.folded[w.fstart:w.fend]] & cand; set != 0; set &= set - 1 {
			hits[set.first()]++
		}
	}
	top, second := -1, -1
	for i := range d.codes {
		if cand&(1<<i) == 0 {
			continue
		}
		switch {
		case top < 0 || hits[i] > hits[top]:
			top, second = i, top
		case second < 0 || hits[i] > hits[second]:
			second = i
		}
	}
	if top < 0 || hits[top] < 3 {
		return cand
	}
	out := cand &^ d.hasWords
	for i := range d.codes {
		if cand&(1<<i) != 0 && (3*hits[i] >= hits[top] || i == top || i == second) {
			out |= 1 << i
		}
	}
	return out
}

// scannedText is the start of a text as the detector reads it.
type scannedText struct {
	text    string // the words, lowercase, joined by single spaces
	folded  string // the same words without diacritics, for word lists
	words   []scannedWord
	letters int
}

type scannedWord struct {
	start, end   int // in text
	fstart, fend int // in folded
	letters      int
	set          langSet // languages that write all its letters
	// name: capitalised (Łukasz, Müller) but not the first word of a
	// sentence, so probably a name, whose letters say little about the
	// language around it.
	name bool
}

// scan reads words from text until DetectScanLetters letters or
// DetectScanBytes bytes. Words are runs of letters; URLs, e-mail addresses
// and @mentions are skipped. Decomposed letters (a + combining macron) are
// composed first.
func (d *Detector) scan(text string) *scannedText {
	s := d.scanWords(text)
	if s.decomposed {
		end := min(len(text), s.end)
		s = d.scanWords(norm.NFC.String(text[:end]))
	}
	return &s.scannedText
}

type scanState struct {
	scannedText
	end        int  // bytes of the input read
	decomposed bool // a combining mark followed a letter
}

func (d *Detector) scanWords(text string) scanState {
	var st scanState
	var b, f strings.Builder
	limit := min(len(text), DetectScanBytes)
	b.Grow(min(limit, 2*DetectScanLetters))
	f.Grow(min(limit, 2*DetectScanLetters))
	st.words = make([]scannedWord, 0, DetectScanLetters/5)
	sentenceStart := true
	i := 0
	for i < limit && st.letters < DetectScanLetters {
		r, n := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			if r == '\n' {
				sentenceStart = true // a line is a heading, a list item or a paragraph
			}
			i += n
			continue
		}
		j := i + n
		for j < limit {
			r, n := utf8.DecodeRuneInString(text[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += n
		}
		field := text[i:j]
		i = j
		if strings.Contains(field, "://") || strings.HasPrefix(field, "www.") || strings.IndexByte(field, '@') >= 0 {
			continue
		}
		inWord := false
		for k := 0; k < len(field) && (inWord || st.letters < DetectScanLetters); {
			r, n := rune(field[k]), 1
			if r >= utf8.RuneSelf {
				r, n = utf8.DecodeRuneInString(field[k:])
			}
			k += n
			var upper bool
			switch {
			case 'a' <= r && r <= 'z':
			case 'A' <= r && r <= 'Z':
				upper, r = true, r+'a'-'A'
			case r >= utf8.RuneSelf && unicode.IsLetter(r):
				upper, r = unicode.IsUpper(r), unicode.ToLower(r)
			default:
				if inWord && unicode.Is(unicode.Mn, r) {
					st.decomposed = true
				}
				switch r {
				case '.', '!', '?', '…', ':', ';', '"', '“', '”', '«', '»', '¿', '¡':
					sentenceStart = true
				}
				inWord = false
				continue
			}
			if !inWord {
				if b.Len() > 0 {
					b.WriteByte(' ')
					f.WriteByte(' ')
				}
				st.words = append(st.words, scannedWord{start: b.Len(), fstart: f.Len(), set: ^langSet(0), name: upper && !sentenceStart})
				inWord = true
				sentenceStart = false
			} else if upper {
				st.words[len(st.words)-1].name = false // ALL CAPS or CamelCase
			}
			w := &st.words[len(st.words)-1]
			if r < utf8.RuneSelf {
				b.WriteByte(byte(r))
				f.WriteByte(byte(r))
				w.set &= d.latin
			} else {
				b.WriteRune(r)
				f.WriteRune(foldLetter(r))
				w.set &= d.letters[r]
			}
			w.end, w.fend = b.Len(), f.Len()
			w.letters++
			st.letters++
		}
	}
	st.end = i
	st.text = b.String()
	st.folded = f.String()
	return st
}

// linguaText returns the words lingua is given for the candidates cand: all
// of them except names that some candidate cannot write and runs of more
// than 64 letters (hashes, keyboard mashing; no word is that long). With
// sample > 0, only distinct words of three letters or more, up to sample
// letters, taking names only when the other words fall short: that is all a
// trigram model scores, without repeats, and names say little about the
// language.
func (s *scannedText) linguaText(cand langSet, sample int) string {
	var b strings.Builder
	var picked []string
	letters := 0
	for pass := 0; pass < 2; pass++ {
		for _, w := range s.words {
			if sample > 0 && letters >= sample {
				break
			}
			if w.name && (w.set&cand != cand || sample > 0 && pass == 0) || !w.name && pass == 1 || w.letters > 64 {
				continue
			}
			word := s.text[w.start:w.end]
			if sample > 0 {
				if w.letters < 3 || slices.Contains(picked, word) {
					continue
				}
				picked = append(picked, word)
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(word)
			letters += w.letters
		}
	}
	return b.String()
}

// foldLetter strips the diacritic from a letter of the detected languages'
// alphabets, so that "että" and "etta" find the same function word.
func foldLetter(r rune) rune {
	if f, ok := letterFolds[r]; ok {
		return f
	}
	return r
}

var letterFolds = func() map[rune]rune {
	m := make(map[rune]rune)
	for base, marked := range map[rune]string{
		'a': "àáâãäåāą", 'c': "çćč", 'd': "ď", 'e': "èéêëēėęě", 'g': "ģ",
		'i': "ìíîïīį", 'k': "ķ", 'l': "ĺľļł", 'n': "ñńņň", 'o': "òóôõöő",
		'r': "ŕř", 's': "śšß", 't': "ť", 'u': "ùúûüūůűų", 'y': "ýÿ", 'z': "źżž",
		'е': "ё",
	} {
		for _, r := range marked {
			m[r] = base
		}
	}
	return m
}()

// languageProfile is what the detector knows of a language besides lingua's
// models.
type languageProfile struct {
	lingua   lingua.Language
	cyrillic bool
	// letters are the lowercase letters the language writes beyond a–z (for
	// the Latin script) or its whole alphabet (for Cyrillic).
	letters string
	// words are frequent function words, lowercase, without diacritics.
	words string
}

// KnownDetectLanguages returns the ISO 639-1 codes WithDetectLanguages
// accepts, sorted.
func KnownDetectLanguages() []string {
	out := make([]string, 0, len(languageProfiles))
	for code := range languageProfiles {
		out = append(out, code)
	}
	slices.Sort(out)
	return out
}

// languageProfiles: the alphabets are facts about each orthography; the word
// lists were written for this project from the most frequent function words
// of each language, without one-letter words ("i", "a", "w" belong to too
// many). Lists overlap where languages share a word (Finnish and Estonian
// "ja", "on"): a shared word counts for both and so keeps both candidates.
var languageProfiles = map[string]languageProfile{
	"en": {lingua: lingua.English,
		words: "the and of is was for with that this have not but are they very would from had has were will been there what when your our just than them could"},
	"fi": {lingua: lingua.Finnish, letters: "äöåšž",
		words: "ja on ei se etta oli ole mutta kun joka tai myos niin mita kuin nyt vain jo han olen ovat sen jos voi tama hyvin todella mina siita sita tassa kanssa"},
	"lv": {lingua: lingua.Latvian, letters: "āčēģīķļņšūž",
		words: "un ir ka ar par bet uz ko tas es vai ari nav man var jau vel tikai loti bija ta kas lai tad pec tik so vins mes jus"},
	"pl": {lingua: lingua.Polish, letters: "ąćęłńóśźż",
		words: "nie sie na jest do ze jak ale po tak co za od juz tylko bardzo czy jestem bylo byl mam mnie ten sa jego dla przez oraz"},
	"et": {lingua: lingua.Estonian, letters: "äöõüšž",
		words: "ja on ei see et oli aga kui mis ka ning oma nii ta ma siis seda olen mida kes vaid ole vaga mina sa nad"},
	"lt": {lingua: lingua.Lithuanian, letters: "ąčęėįšųūž",
		words: "ir yra kad su bet ne is tai kaip buvo jau tik labai mano per del ar man jis kai taip nes jie mes"},
	"sv": {lingua: lingua.Swedish, letters: "åäöé",
		words: "och att det som en ar pa jag med for inte av till har var den om men sa kan vi mycket ett eller"},
	"de": {lingua: lingua.German, letters: "äöüß",
		words: "und die der das ist nicht ich es sie zu mit ein eine den auf fur sich auch war wir aber sehr hat dem mein"},
	"ru": {lingua: lingua.Russian, cyrillic: true, letters: "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
		words: "не на что он как это по но из так же от все она было для мы"},
	"cs": {lingua: lingua.Czech, letters: "áčďéěíňóřšťúůýž",
		words: "je se na ze to jsem jak ale tak by do jako po jsou byl bylo velmi uz pro jsme neni"},
	"sk": {lingua: lingua.Slovak, letters: "áäčďéíĺľňóôŕšťúýž",
		words: "je sa na ze to som ako ale tak by do po bolo bol su velmi uz pre sme nie"},
	"es": {lingua: lingua.Spanish, letters: "áéíñóúü",
		words: "el la de que en los las un una es por con para no se lo muy pero del al mas me mi"},
	"fr": {lingua: lingua.French, letters: "àâæçéèêëîïôœùûüÿ",
		words: "le la les de des et est un une que qui pas pour dans en je il ne sur au avec tres mais du"},
}
