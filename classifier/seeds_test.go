package classifier

import (
	"math"
	"sync"
	"testing"
)

var (
	embeddedOnce     sync.Once
	embeddedAnalyzer *Analyzer
	embeddedErr      error
)

// defaultAnalyzer is the analyzer a user gets: embedded lexicons, shared
// detector. One per test binary.
func defaultAnalyzer(t testing.TB) *Analyzer {
	t.Helper()
	embeddedOnce.Do(func() { embeddedAnalyzer, embeddedErr = New() })
	if embeddedErr != nil {
		t.Fatal(embeddedErr)
	}
	return embeddedAnalyzer
}

// TestSeedTraitLines: each of the five trait lines of the seed article's
// Five-Factor list, in each of its three languages, lands on its own trait
// (the strongest score, and positive).
func TestSeedTraitLines(t *testing.T) {
	lines := []struct {
		lang  string
		trait Trait
		text  string
	}{
		{"fi", Openness, "Avoimuus: Luova, utelias, uusiin kokemuksiin vetoava"},
		{"fi", Conscientiousness, "Tunnollisuus: Järjestelmällinen, tavoitteellinen, arvostaa tehokkuutta"},
		{"fi", Extraversion, "Ekstraversio: Energinen, seurallinen, jännitystä etsivä"},
		{"fi", Agreeableness, "Miellyttävyys: Myötätuntoinen, yhteistyökykyinen, yhteisöllinen"},
		{"fi", Neuroticism, "Neuroottisuus: Herkkä, ahdistunut, emotionaalisesti reaktiivinen"},
		{"lv", Openness, "Atvērtība: Radoša, ziņkārīga, piesaistīta jauna pieredze"},
		{"lv", Conscientiousness, "Apzinīgums: Organizēts, mērķtiecīgs, novērtē efektivitāti"},
		{"lv", Extraversion, "Ekstraversija: Enerģisks, sabiedrisks, aizrautības meklē"},
		{"lv", Agreeableness, "Patīkamība: Līdzjūtīgs, sadarbīgs, uz kopienu orientēts"},
		{"lv", Neuroticism, "Neirotisms: Jutīgs, trauksmains, emocionāli reaģējošs"},
		{"pl", Openness, "Otwartość: Kreatywność, ciekawość, pociąg do nowych doświadczeń"},
		{"pl", Conscientiousness, "Sumienność: Zorganizowany, zorientowany na cel, ceni wydajność"},
		{"pl", Extraversion, "Ekstrawersja: Energiczny, towarzyski, szukający wrażeń"},
		{"pl", Agreeableness, "Ugodowość: Współczujący, nastawiony na współpracę, skoncentrowany na społeczności"},
		{"pl", Neuroticism, "Neurotyczność: Wrażliwy, niespokojny, reagujący emocjonalnie"},
	}
	an := defaultAnalyzer(t)
	for _, tc := range lines {
		t.Run(tc.lang+"/"+string(tc.trait), func(t *testing.T) {
			for _, in := range []Input{{Text: tc.text, Lang: tc.lang}, {Text: tc.text}} {
				res, err := an.Analyze(in)
				if err != nil {
					t.Fatal(err)
				}
				if in.Lang == "" && res.Language.Code != tc.lang {
					t.Errorf("detected %+v, want %s", res.Language, tc.lang)
					continue
				}
				best, bestScore := Trait(""), 0.0
				for _, tr := range AllTraits {
					if s := res.Traits.Get(tr).Score; math.Abs(s) > math.Abs(bestScore) {
						best, bestScore = tr, s
					}
				}
				if best != tc.trait || bestScore <= 0 {
					t.Errorf("strongest trait %s (%+.2f), want %s high; evidence %+v", best, bestScore, tc.trait, res.Traits.Get(tc.trait).Evidence)
				}
			}
		})
	}
}

// TestSeedMindsetCues: every keyword cue the seed articles give lands on its
// pole, and a negated growth cue does not count as growth.
func TestSeedMindsetCues(t *testing.T) {
	cues := []struct {
		lang, text, want string
	}{
		{"en", "proven", MindsetFixed}, {"en", "top rated", MindsetFixed},
		{"en", "improve", MindsetGrowth}, {"en", "grow", MindsetGrowth},
		{"fi", "todistettu", MindsetFixed}, {"fi", "parhaiten arvioitu", MindsetFixed},
		{"fi", "paranna", MindsetGrowth}, {"fi", "kasva", MindsetGrowth},
		{"lv", "pierādīts", MindsetFixed}, {"lv", "visaugstāk novērtēts", MindsetFixed},
		{"lv", "uzlabot", MindsetGrowth}, {"lv", "augt", MindsetGrowth},
		{"pl", "sprawdzone", MindsetFixed}, {"pl", "najwyżej oceniane", MindsetFixed},
		{"pl", "ulepszaj", MindsetGrowth}, {"pl", "rozwijaj się", MindsetGrowth},
		{"en", "Trusted by professionals: see results in 7 days.", MindsetFixed},
		{"en", "Explore what works for you; here is how I learned from failure.", MindsetGrowth},
	}
	an := defaultAnalyzer(t)
	for _, tc := range cues {
		t.Run(tc.lang+"/"+tc.text, func(t *testing.T) {
			res, err := an.Analyze(Input{Text: tc.text, Lang: tc.lang})
			if err != nil {
				t.Fatal(err)
			}
			if res.Mindset.Label != tc.want {
				t.Errorf("mindset %s (%+.2f), want %s; evidence %+v", res.Mindset.Label, res.Mindset.Score, tc.want, res.Mindset.Evidence)
			}
		})
	}
	for _, text := range []string{"I do not want to improve", "I don't want to grow"} {
		res, err := an.Analyze(Input{Text: text, Lang: "en"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Mindset.Score > 0 || res.Mindset.Label == MindsetGrowth {
			t.Errorf("%q: mindset %s (%+.2f), must not count as growth", text, res.Mindset.Label, res.Mindset.Score)
		}
	}
}

// TestEstonianIsUnsupported: a neighbour language is reported as itself and
// left unscored rather than forced into Finnish.
func TestEstonianIsUnsupported(t *testing.T) {
	an := defaultAnalyzer(t)
	res, err := an.Analyze(Input{Text: "Tellisin eelmisel nädalal uued jalanõud ja pakk jõudis kohale juba järgmisel päeval. Väga rahul!"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Language.Code != "et" {
		t.Fatalf("language %+v, want et", res.Language)
	}
	want := []string{FlagUnsupportedLanguage}
	if len(res.Flags) < 1 || res.Flags[0] != want[0] {
		t.Errorf("flags %v, want %v first", res.Flags, want)
	}
}
