package classifier

import (
	"testing"

	"github.com/pemistahl/lingua-go"
)

// detectBenchTexts are customer reviews of about 400 bytes in the four
// scoring languages, and of 100 and 40 bytes (the short-text path), written
// for these benchmarks.
var detectBenchTexts = []struct{ name, text string }{
	{"en_400B", "I ordered the trail running shoes after reading a few reviews, and they arrived two days early. The fit is snug around the heel but roomy in the toe box, which my wide feet appreciated. After three weeks of muddy forest runs the soles still grip well and nothing has started to peel. I only wish the laces were a little longer. Customer service answered my sizing question within an hour. Would buy again."},
	{"fi_400B", "Tilasin polkujuoksukengät muutaman arvostelun perusteella, ja ne saapuivat kaksi päivää etuajassa. Kantapää istuu tiukasti, mutta varpaille jää tilaa, mikä sopii leveille jaloilleni. Kolmen viikon mutaisten metsälenkkien jälkeen pohjat pitävät yhä hyvin eikä mikään ole alkanut irrota. Toivoisin vain hieman pidempiä nauhoja. Asiakaspalvelu vastasi kokokysymykseeni tunnin sisällä."},
	{"lv_400B", "Pasūtīju skriešanas apavus pēc dažu atsauksmju izlasīšanas, un tie pienāca divas dienas ātrāk. Papēdis sēž cieši, bet pirkstiem ir pietiekami vietas, kas der manām platajām pēdām. Pēc trim nedēļām dubļainos meža skrējienos zoles joprojām labi turas un nekas nav sācis atlīmēties. Vēlētos tikai nedaudz garākas šņores. Klientu serviss atbildēja stundas laikā."},
	{"pl_400B", "Zamówiłam buty do biegania w terenie po przeczytaniu kilku opinii i przyszły dwa dni przed czasem. Pięta jest dobrze trzymana, ale palce mają sporo miejsca, co docenią osoby z szeroką stopą. Po trzech tygodniach biegania po błotnistym lesie podeszwy nadal dobrze trzymają i nic się nie odkleja. Szkoda tylko, że sznurówki są trochę za krótkie. Kupię ponownie."},
	{"en_100B", "Comfy shoes, quick delivery and a friendly note in the box. The sizing runs a little small though."},
	{"en_40B", "Comfy shoes and quick delivery. Thanks!"},
}

// BenchmarkDetect measures Detect with the shared detector. It and
// BenchmarkWholeAnalysis are declared before BenchmarkLinguaBaseline so that
// they run first, before the baseline loads full models for every language
// into the same process (which a Mindprint process never holds, and which
// make every later garbage collection slower).
func BenchmarkDetect(b *testing.B) {
	d, err := SharedDetector()
	if err != nil {
		b.Fatal(err)
	}
	for _, bt := range detectBenchTexts {
		b.Run(bt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.Detect(bt.text)
			}
		})
	}
}

// BenchmarkWholeAnalysis measures the whole pipeline (detect, tokenize,
// match, score) on the same texts, to set beside BenchmarkLinguaBaseline:
// the whole analysis must cost less than lingua's detection alone did.
func BenchmarkWholeAnalysis(b *testing.B) {
	an, err := New()
	if err != nil {
		b.Fatal(err)
	}
	for _, bt := range detectBenchTexts {
		b.Run(bt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := an.Analyze(Input{Text: bt.text}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLinguaBaseline is what Detect replaces: lingua's default high
// accuracy detector over the 13 default languages, on the full text.
func BenchmarkLinguaBaseline(b *testing.B) {
	langs := make([]lingua.Language, 0, len(DefaultDetectLanguages))
	for _, code := range DefaultDetectLanguages {
		langs = append(langs, languageProfiles[code].lingua)
	}
	ld := lingua.NewLanguageDetectorBuilder().FromLanguages(langs...).WithPreloadedLanguageModels().Build()
	for _, bt := range detectBenchTexts {
		b.Run(bt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ld.DetectLanguageOf(bt.text)
			}
		})
	}
}
