package copylib

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/mindprint/mindprint/classifier"
)

// Benchmarks run on a generated library of 10,000 variants (2,500 per
// language) built once per test binary:
//
//	go test -run '^$' -bench . -benchtime 2000x ./corpora/copylib/
//
// Search and recommend report p50 and p99 latency (ns) beside the mean.

const benchSize = 10000

// benchWords are sentence parts per language; generated texts combine one
// of each, so every language field holds realistic, varied vocabulary.
var benchWords = map[string][3][]string{
	"en": {
		{"Discover", "Protect", "Plan", "Join", "Learn", "Explore", "Save", "Share", "Build", "Try", "Book", "Grow"},
		{"your next journey", "your family's future", "a calmer routine", "the city's best events", "new creative skills", "smarter savings", "a stronger body", "a kinder community", "your career path", "a safer home", "fresh ideas", "quiet weekends"},
		{"with experts you can trust", "one step at a time", "in just seven days", "together with friends", "at your own pace", "backed by 10,000 reviews", "without the stress", "and keep learning", "from day one", "rated best this year"},
	},
	"fi": {
		{"Löydä", "Turvaa", "Suunnittele", "Liity", "Opi", "Tutki", "Säästä", "Jaa", "Rakenna", "Kokeile", "Varaa", "Kasvata"},
		{"seuraava matkasi", "perheesi tulevaisuus", "rauhallisempi arki", "kaupungin parhaat tapahtumat", "uusia luovia taitoja", "fiksumpia säästöjä", "vahvempi keho", "ystävällisempi yhteisö", "urapolkusi", "turvallisempi koti", "tuoreita ideoita", "hiljaisia viikonloppuja"},
		{"asiantuntijoiden kanssa", "askel kerrallaan", "vain seitsemässä päivässä", "yhdessä ystävien kanssa", "omaan tahtiisi", "kymmenentuhannen arvion tukemana", "ilman stressiä", "ja jatka oppimista", "ensimmäisestä päivästä", "vuoden parhaaksi arvioitu"},
	},
	"pl": {
		{"Odkryj", "Chroń", "Zaplanuj", "Dołącz", "Naucz się", "Poznaj", "Oszczędzaj", "Podziel się", "Zbuduj", "Wypróbuj", "Zarezerwuj", "Rozwijaj"},
		{"swoją następną podróż", "przyszłość rodziny", "spokojniejszą codzienność", "najlepsze wydarzenia w mieście", "nowe umiejętności twórcze", "mądrzejsze oszczędności", "silniejsze ciało", "życzliwszą społeczność", "swoją ścieżkę kariery", "bezpieczniejszy dom", "świeże pomysły", "ciche weekendy"},
		{"z ekspertami, którym ufasz", "krok po kroku", "w zaledwie siedem dni", "razem z przyjaciółmi", "we własnym tempie", "potwierdzone 10 000 opinii", "bez stresu", "i ucz się dalej", "od pierwszego dnia", "najwyżej oceniane w tym roku"},
	},
	"lv": {
		{"Atklājiet", "Aizsargājiet", "Plānojiet", "Pievienojieties", "Mācieties", "Izpētiet", "Krājiet", "Dalieties", "Veidojiet", "Izmēģiniet", "Rezervējiet", "Audziniet"},
		{"savu nākamo ceļojumu", "ģimenes nākotni", "mierīgāku ikdienu", "pilsētas labākos pasākumus", "jaunas radošas prasmes", "gudrākus ietaupījumus", "stiprāku ķermeni", "draudzīgāku kopienu", "savu karjeras ceļu", "drošākas mājas", "svaigas idejas", "klusas nedēļas nogales"},
		{"kopā ar uzticamiem ekspertiem", "soli pa solim", "tikai septiņās dienās", "kopā ar draugiem", "savā tempā", "ko apstiprina 10 000 atsauksmju", "bez stresa", "un turpiniet mācīties", "no pirmās dienas", "šogad visaugstāk novērtēts"},
	},
}

// generateVariants returns n deterministic variants spread over languages,
// kinds, poles, mindsets, industries and touchpoints.
func generateVariants(n int) []Variant {
	r := rand.New(rand.NewPCG(1, 2))
	poles := allPoles()
	out := make([]Variant, n)
	for i := range out {
		lang := Languages[i%len(Languages)]
		w := benchWords[lang]
		text := fmt.Sprintf("%s %s %s.", w[0][r.IntN(len(w[0]))], w[1][r.IntN(len(w[1]))], w[2][r.IntN(len(w[2]))])
		if r.IntN(3) == 0 {
			text += fmt.Sprintf(" %s %s %s.", w[0][r.IntN(len(w[0]))], w[1][r.IntN(len(w[1]))], w[2][r.IntN(len(w[2]))])
		}
		tp := poles[r.IntN(len(poles))]
		out[i] = Variant{
			ID: fmt.Sprintf("%s-gen-%05d", lang, i), Lang: lang, Kind: Kinds[r.IntN(len(Kinds))], Text: text,
			Traits: []string{tp.String()}, Mindset: Mindsets[r.IntN(3)], Industries: []string{Industries[r.IntN(len(Industries))]},
			Touchpoint: Touchpoints[r.IntN(len(Touchpoints))], Tags: []string{},
		}
	}
	return out
}

func ndjson(vs []Variant) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range vs {
		_ = enc.Encode(&vs[i])
	}
	return buf.Bytes()
}

var (
	benchOnce sync.Once
	benchDir  string
	benchL    *Library
	benchErr  error
)

// benchLibrary opens the 10,000-variant library, building it on first use.
func benchLibrary(b *testing.B) *Library {
	b.Helper()
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "copylib-bench-")
		if benchErr != nil {
			return
		}
		benchL, benchErr = Open(benchDir, WithoutSeed())
		if benchErr != nil {
			return
		}
		start := time.Now()
		rep, err := benchL.Import(ctx, bytes.NewReader(ndjson(generateVariants(benchSize))))
		if err == nil && rep.Created != benchSize {
			err = fmt.Errorf("import: %+v", rep)
		}
		benchErr = err
		fmt.Fprintf(os.Stderr, "bench library: %d variants imported and indexed in %v\n", benchSize, time.Since(start).Round(time.Millisecond))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchL
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchL != nil {
		_ = benchL.Close()
		_ = os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// latencies records per-operation durations and reports p50/p99.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	b.ReportMetric(float64(l[len(l)*50/100]), "p50-ns")
	b.ReportMetric(float64(l[min(len(l)-1, len(l)*99/100)]), "p99-ns")
}

func BenchmarkSearch10k(b *testing.B) {
	l := benchLibrary(b)
	cases := []struct {
		name    string
		queries []Query
	}{
		{"text", []Query{{Q: "journey", Lang: "en"}, {Q: "matkoja", Lang: "fi"}, {Q: "podróży", Lang: "pl"}, {Q: "ceļojumu", Lang: "lv"}, {Q: "safer home experts"}, {Q: "oppimista"}}},
		{"text+filters", []Query{{Q: "savings", Lang: "en", Trait: "conscientiousness", Pole: "high", Mindset: "fixed"}, {Q: "bezpieczny dom", Industry: "insurance", Kind: "cta"}, {Q: "turvallisempi", Lang: "fi", Touchpoint: "email"}}},
		{"filters", []Query{{Lang: "pl", Mindset: "growth"}, {Trait: "neuroticism", Pole: "high", Industry: "insurance"}, {Kind: "cta", Touchpoint: "push"}}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			lat := make(latencies, 0, b.N)
			i := 0
			for b.Loop() {
				q := tc.queries[i%len(tc.queries)]
				i++
				start := time.Now()
				res, err := l.Search(ctx, q)
				lat = append(lat, time.Since(start))
				if err != nil || res.Total == 0 {
					b.Fatalf("%+v: %d hits, %v", q, res.Total, err)
				}
			}
			lat.report(b)
		})
	}
}

func BenchmarkRecommend10k(b *testing.B) {
	l := benchLibrary(b)
	reqs := []RecommendRequest{
		{Profile: profile("pl", classifier.MindsetFixed, -0.5, map[classifier.Trait][2]float64{classifier.Neuroticism: {0.7, 91}}), Industry: "insurance", Kinds: []string{KindCTA}},
		{Profile: profile("fi", classifier.MindsetGrowth, 0.6, map[classifier.Trait][2]float64{classifier.Openness: {0.5, 84}, classifier.Extraversion: {0.2, 61}})},
		{Profile: profile("en", classifier.MindsetMixed, 0.1, map[classifier.Trait][2]float64{classifier.Conscientiousness: {0.4, 77}}), Limit: 10},
		{Profile: profile("lv", classifier.MindsetUnknown, 0, map[classifier.Trait][2]float64{classifier.Agreeableness: {-0.4, 22}}), Touchpoint: "email"},
	}
	lat := make(latencies, 0, b.N)
	i := 0
	for b.Loop() {
		req := reqs[i%len(reqs)]
		i++
		start := time.Now()
		res, err := l.Recommend(ctx, req)
		lat = append(lat, time.Since(start))
		if err != nil || len(res.Recommendations) == 0 {
			b.Fatalf("%v %+v", err, res)
		}
	}
	lat.report(b)
}

// BenchmarkImport measures the indexing rate: each operation imports 1,000
// new variants (one NDJSON stream, committed and indexed in chunks).
func BenchmarkImport(b *testing.B) {
	l, err := Open(b.TempDir(), WithoutSeed())
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	const per = 1000
	all := generateVariants(per)
	round := 0
	var total time.Duration
	for b.Loop() {
		for i := range all {
			all[i].ID = fmt.Sprintf("%s-imp-%d-%d", all[i].Lang, round, i)
		}
		round++
		body := ndjson(all)
		start := time.Now()
		rep, err := l.Import(ctx, bytes.NewReader(body))
		total += time.Since(start)
		if err != nil || rep.Created != per {
			b.Fatalf("%+v %v", rep, err)
		}
	}
	b.ReportMetric(float64(per*round)/total.Seconds(), "variants/s")
}

// BenchmarkRebuild10k measures a full index rebuild from the store (what
// Open does for a missing or outdated index).
func BenchmarkRebuild10k(b *testing.B) {
	l := benchLibrary(b)
	var total time.Duration
	n := 0
	for b.Loop() {
		path := filepath.Join(b.TempDir(), "idx")
		start := time.Now()
		idx, _, err := rebuildIndex(path, l.db)
		total += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		_ = idx.Close()
		n++
	}
	b.ReportMetric(float64(benchSize*n)/total.Seconds(), "variants/s")
}
