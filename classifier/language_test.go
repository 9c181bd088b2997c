package classifier

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/text/unicode/norm"
)

// confApprox compares confidences up to rounding: lingua sums probabilities in
// map order, so the last bits of a confidence vary from call to call.
var confApprox = cmpopts.EquateApprox(0, 1e-9)

// sharedTestDetector is the shared detector; its models load once per test binary.
func sharedTestDetector(t testing.TB) *Detector {
	t.Helper()
	d, err := SharedDetector()
	if err != nil {
		t.Fatalf("SharedDetector: %v", err)
	}
	return d
}

type detectCase struct {
	name, text, want string
}

// checkDetected fails unless text is detected as want with a confidence of
// at least the default minimum.
func checkDetected(t *testing.T, d *Detector, text, want string) {
	t.Helper()
	got := d.Detect(text)
	if got.Code != want || got.Source != SourceDetected {
		t.Errorf("Detect(%q) = %+v, want code %q, source %q", text, got, want, SourceDetected)
	}
	if got.Confidence < DefaultMinConfidence || got.Confidence > 1 {
		t.Errorf("Detect(%q) confidence = %v, want in %v..1", text, got.Confidence, DefaultMinConfidence)
	}
}

// readSentences reads testdata/lang/sentences.tsv: one "code<TAB>sentence"
// per line, # comments.
func readSentences(t *testing.T) []detectCase {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "lang", "sentences.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []detectCase
	count := map[string]int{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		code, sentence, ok := strings.Cut(text, "\t")
		if !ok {
			t.Fatalf("testdata/lang/sentences.tsv:%d: no tab", line)
		}
		count[code]++
		out = append(out, detectCase{name: fmt.Sprintf("%s_%d", code, count[code]), text: sentence, want: code})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDetectSentences(t *testing.T) {
	d := sharedTestDetector(t)
	cases := readSentences(t)
	seen := map[string]bool{}
	for _, tc := range cases {
		seen[tc.want] = true
		t.Run(tc.name, func(t *testing.T) { checkDetected(t, d, tc.text, tc.want) })
	}
	for _, code := range DefaultDetectLanguages {
		if !seen[code] {
			t.Errorf("testdata/lang/sentences.tsv has no sentence in %q", code)
		}
	}
}

func TestDetectShortTexts(t *testing.T) {
	d := sharedTestDetector(t)
	for _, tc := range []detectCase{
		// 3 to 6 words, without diacritics.
		{"en_shipping", "great product, fast shipping", "en"},
		{"en_again", "would not buy again", "en"},
		{"en_size", "the size was too small", "en"},
		{"en_broken", "arrived broken, very disappointed", "en"},
		{"fi_thanks", "kiitos nopeasta toimituksesta", "fi"},
		{"fi_good", "hyva tuote, suosittelen", "fi"},
		{"fi_broken", "ei toiminut ollenkaan", "fi"},
		{"fi_shoes", "kengat olivat liian pienet", "fi"},
		{"lv_thanks", "paldies par atru piegadi", "lv"},
		{"lv_good", "loti labs produkts", "lv"},
		{"lv_never", "nekad vairs nepirksu", "lv"},
		{"lv_shop", "labs veikals, atra piegade", "lv"},
		{"pl_thanks", "dziekuje za szybka dostawe", "pl"},
		{"pl_good", "bardzo dobry produkt, polecam", "pl"},
		{"pl_shop", "nie polecam tego sklepu", "pl"},
		{"pl_ok", "wszystko ok, polecam", "pl"},
		// The same with their diacritics.
		{"fi_diacritics", "Hyvä tuote, suosittelen lämpimästi", "fi"},
		{"lv_diacritics", "Paldies par ātru piegādi!", "lv"},
		{"pl_diacritics", "Dziękuję za szybką dostawę!", "pl"},
		// A name from another language does not move the text.
		{"en_polish_name", "Thanks Łukasz for the quick help with my order", "en"},
		{"en_polish_name_first", "Łukasz was really helpful with the return", "en"},
		{"en_finnish_place", "Big thanks to Jyväskylä store staff, very friendly", "en"},
		{"en_finnish_name", "Päivi from support sorted it out in minutes", "en"},
		// Punctuation, emoji, URLs, mentions, hashtags, curly quotes.
		{"en_emoji_url", "Loved it!!! 😍😍 https://example.com/p?id=1 would buy again", "en"},
		{"fi_emoji_mention", "Aivan mahtava 👍👍 tilaan lisää @kauppa https://kauppa.fi", "fi"},
		{"pl_emoji_hashtag", "Super!!! Polecam każdemu 😀 #zakupy", "pl"},
		{"en_curly_quotes", "“The jacket’s zipper broke after a week” — not impressed", "en"},
		{"lv_email", "Rakstiet uz info@veikals.lv, atbildēsim vēl šodien!", "lv"},
		// Short texts in the neighbours are theirs, not a scoring language's.
		{"et_short", "Väga hea toode, soovitan", "et"},
		{"lt_short", "Labai geras produktas, rekomenduoju", "lt"},
		{"sv_short", "Snabb leverans och bra kvalitet", "sv"},
		{"de_short", "Sehr gute Qualität, schnelle Lieferung", "de"},
		{"ru_short", "Очень хороший товар, спасибо", "ru"},
		{"cs_short", "Velmi rychlé dodání, doporučuji", "cs"},
		{"sk_short", "Veľmi rýchle dodanie, odporúčam", "sk"},
		{"es_short", "Entrega rápida y buena calidad", "es"},
		{"fr_short", "Livraison rapide et produit conforme", "fr"},
	} {
		t.Run(tc.name, func(t *testing.T) { checkDetected(t, d, tc.text, tc.want) })
	}
}

func TestDetectEstonian(t *testing.T) {
	d := sharedTestDetector(t)
	for _, tc := range []detectCase{
		{"with_otilde", "Mu tütar õppis kahe nädalaga ujuma tänu sõbralikele treeneritele.", "et"},
		{"without_otilde", "Tarne oli kiire ja jope istub suurepäraselt, kuigi varrukad on natuke liiga pikad.", "et"},
		{"short", "Tarne oli kiire ja kõik toimis", "et"},
		{"review", "Ostsin need jooksujalatsid arvustuste põhjal ja need saabusid kaks päeva varem. Kand istub kindlalt, aga varvastel on ruumi. Kolme nädala pärast porisel metsarajal hoiavad tallad endiselt hästi.", "et"},
	} {
		t.Run(tc.name, func(t *testing.T) { checkDetected(t, d, tc.text, tc.want) })
	}
}

// Letters only one candidate writes decide without lingua: confidence 1.
func TestDetectLettersDecide(t *testing.T) {
	d := sharedTestDetector(t)
	for _, tc := range []detectCase{
		{"pl", "Zamówiłam buty, przyszły szybko, świetna jakość, polecam każdemu", "pl"},
		{"lv", "Ļoti ātra piegāde, ķēde un slēdzene strādā nevainojami", "lv"},
		{"ru", "Очень хороший товар, спасибо", "ru"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := LanguageResult{Code: tc.want, Confidence: 1, Source: SourceDetected}
			if diff := cmp.Diff(want, d.Detect(tc.text)); diff != "" {
				t.Errorf("Detect(%q) mismatch (-want +got):\n%s", tc.text, diff)
			}
		})
	}
}

func TestDetectUndetermined(t *testing.T) {
	d := sharedTestDetector(t)
	for _, tc := range []struct{ name, text string }{
		{"empty", ""},
		{"whitespace", " \t\n\r\u00a0 "},
		{"digits", "12345 678 90"},
		{"punctuation", "!!! ??? ... --- :)"},
		{"emoji", "👍👍👍 😍 🙋🏻‍♀️"},
		{"url", "https://example.com/products/42?ref=mail"},
		{"email", "someone@example.com"},
		{"too_few_letters", "ok 👍"},
		{"one_short_word", "Kiva"},
		{"turkish", "İstanbul'da harika bir hafta geçirdik, teşekkürler"},
		{"greek", "Πολύ καλό προϊόν, γρήγορη αποστολή"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := LanguageResult{Code: UndeterminedLanguage, Confidence: 0, Source: SourceDetected}
			if diff := cmp.Diff(want, d.Detect(tc.text)); diff != "" {
				t.Errorf("Detect(%q) mismatch (-want +got):\n%s", tc.text, diff)
			}
		})
	}
}

// A winner below the minimum confidence is reported as "und" with its
// confidence, not dropped to 0.
func TestDetectMinConfidence(t *testing.T) {
	strict, err := NewDetector(WithMinConfidence(1))
	if err != nil {
		t.Fatal(err)
	}
	lenient, err := NewDetector(WithMinConfidence(0))
	if err != nil {
		t.Fatal(err)
	}
	const ambiguous = "works fine so far"
	got := strict.Detect(ambiguous)
	if got.Code != UndeterminedLanguage || got.Confidence <= 0 || got.Confidence >= 1 {
		t.Errorf("strict Detect(%q) = %+v, want und with a confidence in (0, 1)", ambiguous, got)
	}
	if l := lenient.Detect(ambiguous); l.Code != "en" || !cmp.Equal(l.Confidence, got.Confidence, confApprox) {
		t.Errorf("lenient Detect(%q) = %+v, want en with confidence %v", ambiguous, l, got.Confidence)
	}
	const decided = "Dziękuję, przesyłka doszła szybko, wszystko się zgadza, świetny kontakt"
	if diff := cmp.Diff(LanguageResult{Code: "pl", Confidence: 1, Source: SourceDetected}, strict.Detect(decided)); diff != "" {
		t.Errorf("strict Detect(%q) mismatch (-want +got):\n%s", decided, diff)
	}
}

// Decomposed text (a letter followed by a combining mark, as some systems
// send it) is detected like its composed form.
func TestDetectDecomposed(t *testing.T) {
	d := sharedTestDetector(t)
	for _, tc := range []detectCase{
		{"lv", "Ļoti ātra piegāde, ķēde un slēdzene strādā nevainojami", "lv"},
		{"fi", "Hyvä tuote, suosittelen lämpimästi", "fi"},
		{"pl", "Dziękuję za szybką dostawę!", "pl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nfd := norm.NFD.String(tc.text)
			if nfd == tc.text {
				t.Fatalf("%q has nothing to decompose", tc.text)
			}
			if diff := cmp.Diff(d.Detect(tc.text), d.Detect(nfd), confApprox); diff != "" {
				t.Errorf("NFD and NFC results differ (-nfc +nfd):\n%s", diff)
			}
			checkDetected(t, d, nfd, tc.want)
		})
	}
}

// Only the start of a long text is read, so a huge text costs no more than
// its first kilobytes.
func TestDetectLongText(t *testing.T) {
	d := sharedTestDetector(t)
	fi := "Tilasin kengät arvostelujen perusteella ja ne saapuivat nopeasti. "
	checkDetected(t, d, strings.Repeat(fi, 20000), "fi")
	// The start decides: an English tail after 16 KiB of Finnish is not read.
	mixed := strings.Repeat(fi, 300) + strings.Repeat("The shoes arrived quickly and fit well. ", 3000)
	checkDetected(t, d, mixed, "fi")
	for name, text := range map[string]string{
		"digits then English": strings.Repeat("1234567890 ", 100000) + "this English comes too late",
		"one huge word":       strings.Repeat("a", 1<<20),
		"one huge field":      strings.Repeat("ab,", 1<<18),
	} {
		if diff := cmp.Diff(LanguageResult{Code: UndeterminedLanguage, Source: SourceDetected}, d.Detect(text)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}

// The seed articles (000, 002 and 003 Finnish, 001 Latvian, 004 Polish) are
// read from ../../shared/seeds when it is there. Every paragraph of the
// article's language is detected as that language; a paragraph of fewer than
// 8 words may be "und". The listed paragraphs are English captions, bylines
// and headings inside the articles: they may be English or "und", never the
// article's language or a third one; mixed ones (a Finnish heading under an
// English byline) may also be the article's language. Every line is checked
// too: it is the article's language, English or "und".
func TestDetectSeeds(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "seeds")
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Skipf("no seed articles in %s", dir)
	}
	langs := map[string]string{"000": "fi", "001": "lv", "002": "fi", "003": "fi", "004": "pl"}
	// Paragraphs (numbered from 1, split on blank lines) that are not in the
	// article's language: "en" for English ones, "mixed" for both.
	foreign := map[string]map[int]string{
		"002": {7: "en"},
		"003": {16: "en", 17: "en", 29: "en", 30: "en", 40: "en", 41: "en", 70: "en", 71: "en", 86: "en",
			87: "en", 107: "en", 108: "en", 119: "mixed", 120: "en", 124: "mixed", 127: "mixed", 130: "en"},
	}
	d := sharedTestDetector(t)
	for _, file := range files {
		prefix := filepath.Base(file)[:3]
		want, ok := langs[prefix]
		if !ok {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ReplaceAll(string(data), "\r\n", "\n")
		t.Run(prefix, func(t *testing.T) {
			n := 0
			for _, para := range strings.Split(text, "\n\n") {
				para = strings.TrimSpace(para)
				if para == "" {
					continue
				}
				n++
				got := d.Detect(para)
				switch kind := foreign[prefix][n]; {
				case kind != "":
					if got.Code != "en" && got.Code != UndeterminedLanguage && (kind == "en" || got.Code != want) {
						t.Errorf("%s paragraph %d (%s): got %+v, want en or und: %.80q", prefix, n, kind, got, para)
					}
				case got.Code == want:
				case got.Code == UndeterminedLanguage && len(strings.Fields(para)) < 8:
				default:
					t.Errorf("%s paragraph %d: got %+v, want %s: %.80q", prefix, n, got, want, para)
				}
			}
			for i, line := range strings.Split(text, "\n") {
				got := d.Detect(line)
				if got.Code != want && got.Code != "en" && got.Code != UndeterminedLanguage {
					t.Errorf("%s:%d: got %+v, want %s, en or und: %.80q", prefix, i+1, got, want, line)
				}
			}
		})
	}
}

// One Detector serves many goroutines with the same answers as one. Run
// with -race.
func TestDetectConcurrent(t *testing.T) {
	d := sharedTestDetector(t)
	cases := readSentences(t)
	want := make([]LanguageResult, len(cases))
	for i, tc := range cases {
		want[i] = d.Detect(tc.text)
	}
	const workers = 8
	got := make([][]LanguageResult, workers)
	var wg sync.WaitGroup
	for w := range workers {
		got[w] = make([]LanguageResult, len(cases))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range cases {
				i := (k + w*13) % len(cases) // each worker in another order
				got[w][i] = d.Detect(cases[i].text)
			}
		}()
	}
	wg.Wait()
	for w := range workers {
		if diff := cmp.Diff(want, got[w], confApprox); diff != "" {
			t.Errorf("worker %d mismatch (-sequential +concurrent):\n%s", w, diff)
		}
	}
}

func TestNewDetectorErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []DetectorOption
		want string
	}{
		{"unknown code", []DetectorOption{WithDetectLanguages("en", "xx")}, `unknown language "xx"`},
		{"upper case", []DetectorOption{WithDetectLanguages("EN", "fi")}, `unknown language "EN"`},
		{"repeated", []DetectorOption{WithDetectLanguages("en", "fi", "en")}, `language "en" given twice`},
		{"one language", []DetectorOption{WithDetectLanguages("fi")}, "1 languages given, at least 2 are needed"},
		{"no language", []DetectorOption{WithDetectLanguages()}, "0 languages given"},
		{"negative confidence", []DetectorOption{WithMinConfidence(-0.1)}, "minimum confidence -0.1 is outside 0..1"},
		{"confidence above 1", []DetectorOption{WithMinConfidence(1.5)}, "minimum confidence 1.5 is outside 0..1"},
		{"NaN confidence", []DetectorOption{WithMinConfidence(math.NaN())}, "minimum confidence NaN is outside 0..1"},
		{"unknown high accuracy", []DetectorOption{WithHighAccuracyLanguages("en", "zz")}, `unknown high-accuracy language "zz"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewDetector(tc.opts...)
			if err == nil {
				t.Fatalf("NewDetector() = %v, nil; want an error containing %q", d.Codes(), tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewDetector() error = %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestDetectorLanguages(t *testing.T) {
	d := sharedTestDetector(t)
	if diff := cmp.Diff(DefaultDetectLanguages, d.Codes()); diff != "" {
		t.Errorf("Codes() mismatch (-want +got):\n%s", diff)
	}
	for _, code := range DefaultDetectLanguages {
		if !d.Known(code) {
			t.Errorf("Known(%q) = false", code)
		}
	}
	for _, code := range []string{"", "und", "xx", "EN", "no"} {
		if d.Known(code) {
			t.Errorf("Known(%q) = true", code)
		}
	}
	d.Codes()[0] = "zz" // a copy: the detector keeps its own
	if d.Codes()[0] != DefaultDetectLanguages[0] {
		t.Error("Codes() returned the detector's own slice")
	}
	known := KnownDetectLanguages()
	for _, code := range DefaultDetectLanguages {
		if !slices.Contains(known, code) {
			t.Errorf("KnownDetectLanguages() lacks default %q", code)
		}
	}

	// A detector over two languages answers only with them.
	pair, err := NewDetector(WithDetectLanguages("fi", "et"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"fi", "et"}, pair.Codes()); diff != "" {
		t.Errorf("Codes() mismatch (-want +got):\n%s", diff)
	}
	checkDetected(t, pair, "Toimitus oli nopea ja takki istuu täydellisesti, vaikka hihat ovat hieman liian pitkät.", "fi")
	checkDetected(t, pair, "Tarne oli kiire ja jope istub suurepäraselt, kuigi varrukad on natuke liiga pikad.", "et")
	if got := pair.Detect("The delivery was quick and the jacket fits perfectly."); got.Code != "fi" && got.Code != "et" && got.Code != UndeterminedLanguage {
		t.Errorf("fi/et detector answered %+v", got)
	}
}

// The models load once, within the memory budget of the whole service
// (300 MB resident, at its peak too). The figures are logged for the
// performance report: go test -run TestDetectorMemory -v ./classifier
func TestDetectorMemory(t *testing.T) {
	if raceDetector() {
		t.Skip("the race detector multiplies memory use")
	}
	d := sharedTestDetector(t)
	if d.LoadTime() <= 0 {
		t.Errorf("LoadTime() = %v, want > 0", d.LoadTime())
	}
	debug.FreeOSMemory() // collect, and return the garbage of loading to the OS
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status on this system: %v", err)
	}
	rss, peak := statusBytes(t, status, "VmRSS"), statusBytes(t, status, "VmHWM")
	t.Logf("models loaded in %v; process resident after loading: %d MB, peak %d MB", d.LoadTime(), rss>>20, peak>>20)
	if rss > 300<<20 || peak > 300<<20 {
		t.Errorf("resident %d MB, peak %d MB: over the 300 MB budget", rss>>20, peak>>20)
	}
}

// raceDetector reports whether the test binary was built with -race.
func raceDetector() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// statusBytes reads a "Name:   123 kB" line of /proc/self/status.
func statusBytes(t *testing.T, status []byte, name string) int64 {
	t.Helper()
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, name+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("/proc/self/status: %q: %v", line, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("/proc/self/status has no %s line", name)
	return 0
}

// Detect takes outside input: whatever it is, it answers a known code or
// "und", a confidence in 0..1 and source "detected", and never panics.
func FuzzDetect(f *testing.F) {
	for _, s := range []string{
		"", " ", "ok", "Łukasz", "kiitos nopeasta toimituksesta", "Очень хороший товар",
		"a\u0304b\u0304c", "https://x.y @z #w", "\xff\xfe broken utf-8 \xc3", "İ ı ş ğ", "😍😍😍",
		strings.Repeat("ä", 300), strings.Repeat("qwrtp ", 80),
	} {
		f.Add(s)
	}
	d, err := SharedDetector()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := d.Detect(text)
		if got.Code != UndeterminedLanguage && !d.Known(got.Code) {
			t.Errorf("Detect(%q).Code = %q: neither und nor known", text, got.Code)
		}
		if !(got.Confidence >= 0 && got.Confidence <= 1) {
			t.Errorf("Detect(%q).Confidence = %v, outside 0..1", text, got.Confidence)
		}
		if got.Source != SourceDetected {
			t.Errorf("Detect(%q).Source = %q", text, got.Source)
		}
	})
}
