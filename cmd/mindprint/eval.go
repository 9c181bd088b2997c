package main

import (
	"context"
	"encoding/csv"
	"fmt"

	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/mindprint/mindprint/classifier"
)

func runEval(ctx context.Context, env *environ, args []string) error {
	fs := newFlagSet(env, "eval", "[--dir DIR] [--sets essays,ipip,itis]\n       mindprint eval --csv FILE --text-col COL --labels COL=trait[,COL=trait] [--folds FILE]",
		"Scores labelled data and prints an accuracy report. Evaluation is a command, not a test.\n\n"+
			"Default sets, read from --dir (the project's ../shared/eval):\n"+
			"  essays  per-trait accuracy of \"above the corpus median\" against y/n labels, beside the majority\n"+
			"          baseline; then weights fitted by 10-fold cross-validation on essays_folds.csv (logistic\n"+
			"          regression on the lexicon's per-pole rates), reporting only held-out accuracy\n"+
			"  ipip    share of IPIP-50 items whose strongest trait and sign match the key\n"+
			"  itis    whether every growth item of the ITIS-8 scale outscores every fixed item\n\n"+
			"Your own data: --csv with a text column and label columns (y/n, yes/no, 1/0, true/false; numbers\n"+
			"are split at their median). With --folds (a CSV of id,fold or id,fold_<label>...) the fitted\n"+
			"figure is cross-validated on those folds.")
	dir := fs.String("dir", filepath.Join("..", "shared", "eval"), "folder of the default evaluation sets")
	sets := fs.String("sets", "essays,ipip,itis", "which default sets to run")
	csvPath := fs.String("csv", "", "a labelled CSV of your own instead of the default sets")
	textCol := fs.String("text-col", "TEXT", "text column of --csv")
	idCol := fs.String("id-col", "", "id column of --csv (needed with --folds)")
	labels := fs.String("labels", "", "label columns of --csv as COL=trait, comma-separated")
	folds := fs.String("folds", "", "fold assignment CSV for cross-validated fitting")
	lang := fs.String("lang", "en", "language of the texts")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "parallel workers")
	if err := parseFlags(env, fs, args); err != nil {
		return err
	}
	an, err := newAnalyzer(env)
	if err != nil {
		return err
	}
	if *csvPath != "" {
		if *labels == "" {
			fmt.Fprintln(env.stderr, "mindprint eval: --csv needs --labels COL=trait,...")
			return errUsage
		}
		spec, err := parseLabelSpec(*labels)
		if err != nil {
			return err
		}
		return evalLabelled(ctx, env, an, labelledSet{path: *csvPath, textCol: *textCol, idCol: *idCol, labels: spec, folds: *folds, lang: *lang}, *workers)
	}
	for _, set := range strings.Split(*sets, ",") {
		var err error
		switch strings.TrimSpace(set) {
		case "essays":
			err = evalLabelled(ctx, env, an, labelledSet{
				path: filepath.Join(*dir, "essays.csv"), textCol: "TEXT", idCol: "#AUTHID", lang: "en",
				folds: filepath.Join(*dir, "essays_folds.csv"),
				labels: []labelSpec{{"cEXT", classifier.Extraversion}, {"cNEU", classifier.Neuroticism},
					{"cAGR", classifier.Agreeableness}, {"cCON", classifier.Conscientiousness}, {"cOPN", classifier.Openness}},
			}, *workers)
		case "ipip":
			err = evalIPIP(env, an, filepath.Join(*dir, "ipip_50_items.csv"))
		case "itis":
			err = evalITIS(env, an, filepath.Join(*dir, "mindset_itis8_items.csv"))
		default:
			return fmt.Errorf("--sets: unknown set %q (want essays, ipip, itis)", set)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(env.stdout)
	}
	return nil
}

type labelSpec struct {
	col   string
	trait classifier.Trait
}

func parseLabelSpec(s string) ([]labelSpec, error) {
	var out []labelSpec
	for _, part := range strings.Split(s, ",") {
		col, trait, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || (&classifier.Traits{}).Get(classifier.Trait(trait)) == nil {
			return nil, fmt.Errorf("--labels: %q is not COL=trait with a trait of %v", part, classifier.AllTraits)
		}
		out = append(out, labelSpec{col, classifier.Trait(trait)})
	}
	return out, nil
}

type labelledSet struct {
	path, textCol, idCol, folds, lang string
	labels                            []labelSpec
}

// sample is one labelled text after measurement.
type sample struct {
	id     string
	m      *classifier.Measurement
	style  []float64
	labels []float64 // per label spec: 1, 0, or NaN when missing
}

func evalLabelled(ctx context.Context, env *environ, an *classifier.Analyzer, set labelledSet, workers int) error {
	start := time.Now()
	rows, err := readCSVFile(set.path)
	if err != nil {
		return err
	}
	header := rows[0]
	col := func(name string) (int, error) {
		for i, h := range header {
			if strings.TrimPrefix(h, "\ufeff") == name {
				return i, nil
			}
		}
		return -1, fmt.Errorf("%s:1: no column %q", set.path, name)
	}
	textIdx, err := col(set.textCol)
	if err != nil {
		return err
	}
	idIdx := -1
	if set.idCol != "" {
		if idIdx, err = col(set.idCol); err != nil {
			return err
		}
	}
	labelIdx := make([]int, len(set.labels))
	for i, l := range set.labels {
		if labelIdx[i], err = col(l.col); err != nil {
			return err
		}
	}
	body := rows[1:]
	raw := make([][]string, len(body))
	for i, r := range body {
		raw[i] = make([]string, len(set.labels))
		for j, li := range labelIdx {
			if li < len(r) {
				raw[i][j] = r[li]
			}
		}
	}
	labelValues := binarize(raw)

	samples := make([]sample, len(body))
	var (
		wg    sync.WaitGroup
		next  = make(chan int)
		words int64
		mu    sync.Mutex
		first error
	)
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r := body[i]
				if textIdx >= len(r) {
					continue
				}
				m, err := an.Measure(r[textIdx], set.lang)
				mu.Lock()
				if err != nil && first == nil {
					first = fmt.Errorf("%s: row %d: %w", set.path, i+2, err)
				}
				if m != nil {
					words += int64(m.Words)
				}
				mu.Unlock()
				s := sample{m: m, labels: labelValues[i], style: styleFeatures(r[textIdx])}
				if idIdx >= 0 && idIdx < len(r) {
					s.id = r[idIdx]
				}
				samples[i] = s
			}
		}()
	}
	for i := range body {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if first != nil {
		return first
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	measured := samples[:0]
	for _, s := range samples {
		if s.m != nil {
			measured = append(measured, s)
		}
	}
	samples = measured
	elapsed := time.Since(start)

	var foldOf map[string]map[string]int
	if set.folds != "" {
		if foldOf, err = readFolds(set.folds); err != nil {
			return err
		}
	}

	fmt.Fprintf(env.stdout, "%s: %d texts, %d words, %.1fs (%.0f words/s, %d workers), lexicon %s\n",
		set.path, len(samples), words, elapsed.Seconds(), float64(words)/elapsed.Seconds(), workers, an.Lexicons().Version())
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "label\ttrait\tn\tmajority\tunfitted\tfitted (10-fold CV)\t")
	var sumMaj, sumUnfit, sumFit float64
	fitted := 0
	for j, l := range set.labels {
		maj, unfit, n := unfittedAccuracy(samples, j, l.trait)
		fit := math.NaN()
		if foldOf != nil {
			fit = fittedAccuracy(samples, j, l.col, foldOf)
		}
		sumMaj += maj
		sumUnfit += unfit
		fitStr := "-"
		if !math.IsNaN(fit) {
			sumFit += fit
			fitted++
			fitStr = fmt.Sprintf("%.1f", fit*100)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f\t%.1f\t%s\t\n", l.col, l.trait, n, maj*100, unfit*100, fitStr)
	}
	k := float64(len(set.labels))
	fitMean := "-"
	if fitted == len(set.labels) {
		fitMean = fmt.Sprintf("%.1f", sumFit/k*100)
	}
	fmt.Fprintf(tw, "mean\t\t\t%.1f\t%.1f\t%s\t\n", sumMaj/k*100, sumUnfit/k*100, fitMean)
	return tw.Flush()
}

// binarize turns label cells into 1/0 (NaN when empty or unreadable): y/n
// style words directly, numbers split at their column's median.
func binarize(raw [][]string) [][]float64 {
	out := make([][]float64, len(raw))
	for i := range raw {
		out[i] = make([]float64, len(raw[i]))
	}
	if len(raw) == 0 {
		return out
	}
	for j := range raw[0] {
		var nums []float64
		for i := range raw {
			switch strings.ToLower(strings.TrimSpace(raw[i][j])) {
			case "y", "yes", "true", "t":
				out[i][j] = 1
			case "n", "no", "false", "f":
				out[i][j] = 0
			default:
				v, err := strconv.ParseFloat(strings.TrimSpace(raw[i][j]), 64)
				if err != nil {
					out[i][j] = math.NaN()
					continue
				}
				out[i][j] = v
				nums = append(nums, v)
			}
		}
		if len(nums) == 0 {
			continue
		}
		sorted := append([]float64(nil), nums...)
		sort.Float64s(sorted)
		med := sorted[len(sorted)/2]
		binary := true
		for _, v := range nums {
			if v != 0 && v != 1 {
				binary = false
			}
		}
		if binary {
			continue
		}
		for i := range raw {
			if v := out[i][j]; !math.IsNaN(v) {
				if v > med {
					out[i][j] = 1
				} else {
					out[i][j] = 0
				}
			}
		}
	}
	return out
}

// traitScore recomputes a trait's score from a measurement, as Analyze does.
func traitScore(m *classifier.Measurement, dim string) float64 {
	return (m.Pos[dim] - m.Neg[dim]) / (m.Pos[dim] + m.Neg[dim] + 1)
}

// unfittedAccuracy predicts 1 when the trait's score is above the corpus
// median, and returns the majority baseline, the accuracy and n.
func unfittedAccuracy(samples []sample, j int, trait classifier.Trait) (majority, acc float64, n int) {
	var scores []float64
	for _, s := range samples {
		if !math.IsNaN(s.labels[j]) {
			scores = append(scores, traitScore(s.m, string(trait)))
		}
	}
	sorted := append([]float64(nil), scores...)
	sort.Float64s(sorted)
	if len(sorted) == 0 {
		return math.NaN(), math.NaN(), 0
	}
	med := sorted[len(sorted)/2]
	var ones, correct int
	for _, s := range samples {
		y := s.labels[j]
		if math.IsNaN(y) {
			continue
		}
		n++
		if y == 1 {
			ones++
		}
		pred := 0.0
		if traitScore(s.m, string(trait)) > med {
			pred = 1
		}
		if pred == y {
			correct++
		}
	}
	majority = math.Max(float64(ones), float64(n-ones)) / float64(n)
	return majority, float64(correct) / float64(n), n
}

// The fitted model is a logistic regression per label on dense features of
// each text: per dimension, the positive- and negative-pole rates per 100
// words and the score; plus the style features of styleFeatures. Its weights
// are fitted on the training folds only and the reported figure is the
// held-out accuracy.
func features(s sample) []float64 {
	dims := []string{"openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism", "mindset"}
	out := make([]float64, 0, 3*len(dims)+len(s.style))
	w := math.Max(float64(s.m.Words), 1)
	for _, d := range dims {
		out = append(out, s.m.Pos[d]*100/w, s.m.Neg[d]*100/w, traitScore(s.m, d))
	}
	return append(out, s.style...)
}

// styleFeatures are markers that Pennebaker & King (1999) and Mairesse et
// al. (2007) found related to the Big Five in this kind of writing,
// computed for English: rates per 100 words of first-person singular and
// plural, second and third person, negations, articles, tentative and
// certainty words, words of seven letters or more, -ed words (past focus)
// and exclamation and question marks; mean word and sentence length; the
// share of distinct words among the first 300; and the log of the length.
func styleFeatures(text string) []float64 {
	var words, i1, we, you, third, neg, art, tent, cert, long, past, excl, quest, sentences, letters float64
	seen := map[string]bool{}
	for _, f := range strings.Fields(text) {
		excl += float64(strings.Count(f, "!"))
		quest += float64(strings.Count(f, "?"))
		if strings.ContainsAny(f, ".!?") {
			sentences++
		}
		w := strings.ToLower(strings.Trim(f, ".,;:!?\"'()[]{}-"))
		if w == "" {
			continue
		}
		words++
		letters += float64(len([]rune(w)))
		if words <= 300 {
			seen[w] = true
		}
		switch w {
		case "i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll":
			i1++
		case "we", "us", "our", "ours", "ourselves", "we're", "we've":
			we++
		case "you", "your", "yours", "yourself", "you're", "you've":
			you++
		case "he", "she", "they", "him", "her", "them", "his", "their", "he's", "she's", "they're":
			third++
		case "not", "no", "never", "nothing", "nobody", "none", "nor", "cannot":
			neg++
		case "a", "an", "the":
			art++
		case "maybe", "perhaps", "guess", "probably", "might", "seems", "seem", "somewhat", "possibly", "unsure":
			tent++
		case "always", "definitely", "absolutely", "certainly", "sure", "totally", "completely", "clearly", "obviously":
			cert++
		}
		if strings.HasSuffix(w, "n't") {
			neg++
		}
		if len([]rune(w)) >= 7 {
			long++
		}
		if len(w) > 4 && strings.HasSuffix(w, "ed") {
			past++
		}
	}
	if words == 0 {
		return make([]float64, 16)
	}
	per := 100 / words
	return []float64{i1 * per, we * per, you * per, third * per, neg * per, art * per, tent * per, cert * per,
		long * per, past * per, excl * per, quest * per, letters / words, words / math.Max(sentences, 1),
		float64(len(seen)) / math.Min(words, 300), math.Log(words)}
}

// fittedAccuracy cross-validates a logistic regression over the folds of
// column fold_<label> (or "fold"), returning held-out accuracy.
func fittedAccuracy(samples []sample, j int, label string, foldOf map[string]map[string]int) float64 {
	key := "fold_" + label
	var x [][]float64
	var y []float64
	var fold []int
	for _, s := range samples {
		f, ok := foldOf[s.id][key]
		if !ok {
			f, ok = foldOf[s.id]["fold"]
		}
		if !ok || math.IsNaN(s.labels[j]) {
			continue
		}
		x = append(x, features(s))
		y = append(y, s.labels[j])
		fold = append(fold, f)
	}
	if len(x) == 0 {
		return math.NaN()
	}
	folds := map[int]bool{}
	for _, f := range fold {
		folds[f] = true
	}
	correct, total := 0, 0
	for f := range folds {
		var trX, teX [][]float64
		var trY, teY []float64
		for i := range x {
			if fold[i] == f {
				teX, teY = append(teX, x[i]), append(teY, y[i])
			} else {
				trX, trY = append(trX, x[i]), append(trY, y[i])
			}
		}
		if len(trX) == 0 { // a single fold leaves nothing to train on
			continue
		}
		model := fitLogistic(trX, trY, 1.0, 300)
		for i := range teX {
			if (model.predict(teX[i]) > 0.5) == (teY[i] == 1) {
				correct++
			}
			total++
		}
	}
	if total == 0 {
		return math.NaN()
	}
	return float64(correct) / float64(total)
}

// logistic is an L2-regularised logistic regression on standardised inputs.
type logistic struct {
	mean, sd, w []float64
	b           float64
}

func (l *logistic) predict(x []float64) float64 {
	z := l.b
	for i, v := range x {
		z += l.w[i] * (v - l.mean[i]) / l.sd[i]
	}
	return 1 / (1 + math.Exp(-z))
}

// fitLogistic fits by full-batch gradient descent; lambda is the L2 penalty
// per example. The inputs are few and dense, so this converges in a few
// hundred steps.
func fitLogistic(x [][]float64, y []float64, lambda float64, steps int) *logistic {
	d := len(x[0])
	l := &logistic{mean: make([]float64, d), sd: make([]float64, d), w: make([]float64, d)}
	n := float64(len(x))
	for _, row := range x {
		for i, v := range row {
			l.mean[i] += v / n
		}
	}
	for _, row := range x {
		for i, v := range row {
			l.sd[i] += (v - l.mean[i]) * (v - l.mean[i]) / n
		}
	}
	for i := range l.sd {
		if l.sd[i] = math.Sqrt(l.sd[i]); l.sd[i] == 0 {
			l.sd[i] = 1
		}
	}
	grad := make([]float64, d)
	const rate = 0.5
	for range steps {
		clear(grad)
		var gb float64
		for k, row := range x {
			e := l.predict(row) - y[k]
			gb += e
			for i, v := range row {
				grad[i] += e * (v - l.mean[i]) / l.sd[i]
			}
		}
		for i := range l.w {
			l.w[i] -= rate * (grad[i]/n + lambda*l.w[i]/n)
		}
		l.b -= rate * gb / n
	}
	return l
}

// readFolds reads a fold file: a header whose first column is the id and
// whose other columns are fold numbers.
func readFolds(path string) (map[string]map[string]int, error) {
	rows, err := readCSVFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]int{}
	for n, r := range rows[1:] {
		m := map[string]int{}
		for i := 1; i < len(r) && i < len(rows[0]); i++ {
			f, err := strconv.Atoi(strings.TrimSpace(r[i]))
			if err != nil {
				return nil, fmt.Errorf("%s:%d: column %q: %q is not a fold number", path, n+2, rows[0][i], r[i])
			}
			m[rows[0][i]] = f
		}
		out[r[0]] = m
	}
	return out, nil
}

func readCSVFile(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("%s: no data rows", path)
	}
	return rows, nil
}

// evalIPIP checks that each item's strongest trait is its keyed trait with
// the keyed sign.
func evalIPIP(env *environ, an *classifier.Analyzer, path string) error {
	rows, err := readCSVFile(path)
	if err != nil {
		return err
	}
	domains := map[string]classifier.Trait{"E": classifier.Extraversion, "A": classifier.Agreeableness,
		"C": classifier.Conscientiousness, "N": classifier.Neuroticism, "O": classifier.Openness}
	hits, scored := 0, 0
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "item\tkey\tstrongest\tscore\tok")
	for n, r := range rows[1:] {
		if len(r) < 6 {
			return fmt.Errorf("%s:%d: want 6 columns", path, n+2)
		}
		trait, ok := domains[r[2]]
		if !ok {
			return fmt.Errorf("%s:%d: unknown domain %q", path, n+2, r[2])
		}
		res, err := an.Analyze(classifier.Input{Text: r[5], Lang: "en"})
		if err != nil {
			return fmt.Errorf("%s:%d: %w", path, n+2, err)
		}
		best, bestScore := classifier.Trait(""), 0.0
		for _, t := range classifier.AllTraits {
			if s := res.Traits.Get(t).Score; math.Abs(s) > math.Abs(bestScore) {
				best, bestScore = t, s
			}
		}
		want := 1.0
		if r[4] == "minus" {
			want = -1
		}
		good := best == trait && bestScore*want > 0
		if best != "" {
			scored++
		}
		if good {
			hits++
		}
		fmt.Fprintf(tw, "%s\t%s%s\t%s\t%+.2f\t%v\n", r[0], trait, map[bool]string{true: "+", false: "-"}[want > 0], orDash(string(best)), bestScore, good)
	}
	tw.Flush()
	fmt.Fprintf(env.stdout, "%s: %d of %d items land on their keyed trait with the keyed sign (%d had any evidence)\n",
		path, hits, len(rows)-1, scored)
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// evalITIS checks that every growth item outscores every fixed item.
func evalITIS(env *environ, an *classifier.Analyzer, path string) error {
	rows, err := readCSVFile(path)
	if err != nil {
		return err
	}
	minGrowth, maxFixed := math.Inf(1), math.Inf(-1)
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "item\tkey\tmindset score\tlabel")
	for n, r := range rows[1:] {
		if len(r) < 3 {
			return fmt.Errorf("%s:%d: want at least 3 columns", path, n+2)
		}
		res, err := an.Analyze(classifier.Input{Text: r[1], Lang: "en"})
		if err != nil {
			return fmt.Errorf("%s:%d: %w", path, n+2, err)
		}
		s := res.Mindset.Score
		switch r[2] {
		case "growth":
			minGrowth = math.Min(minGrowth, s)
		case "fixed":
			maxFixed = math.Max(maxFixed, s)
		default:
			return fmt.Errorf("%s:%d: mindset %q is neither fixed nor growth", path, n+2, r[2])
		}
		fmt.Fprintf(tw, "%s\t%s\t%+.2f\t%s\n", r[0], r[2], s, res.Mindset.Label)
	}
	tw.Flush()
	verdict := "yes"
	if !(minGrowth > maxFixed) {
		verdict = "no"
	}
	fmt.Fprintf(env.stdout, "%s: every growth item above every fixed item: %s (lowest growth %+.2f, highest fixed %+.2f)\n",
		path, verdict, minGrowth, maxFixed)
	return nil
}
