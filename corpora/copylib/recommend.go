package copylib

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/mindprint/mindprint/classifier"
)

// Recommend limits.
const (
	DefaultRecommendLimit = 5
	MaxRecommendLimit     = 50
	// neutralStrength is the weakest trait reading that counts as a lean.
	neutralStrength = 0.1
)

// Profile is what Recommend reads from an analysis. Its JSON form is a subset
// of classifier.Result, so a whole analysis result decodes into it, and so
// does just {"traits": {"openness": {"score": 0.4, "percentile": 80}},
// "mindset": {"label": "growth"}}.
type Profile struct {
	Language classifier.LanguageResult `json:"language"`
	Traits   classifier.Traits         `json:"traits"`
	Mindset  classifier.MindsetScore   `json:"mindset"`
}

// ProfileOf takes the parts of an analysis result Recommend needs.
func ProfileOf(r *classifier.Result) Profile {
	return Profile{Language: r.Language, Traits: r.Traits, Mindset: r.Mindset}
}

// RecommendRequest is the input of Recommend (POST /v1/recommend).
type RecommendRequest struct {
	Profile Profile `json:"profile"`
	// Lang of the copy; default: the profile's language when the library has
	// it, else FallbackLanguage.
	Lang string `json:"lang,omitempty"`
	// Industry keeps copy written for it or for general.
	Industry string `json:"industry,omitempty"`
	// Kinds keeps only these kinds (empty: all).
	Kinds []string `json:"kinds,omitempty"`
	// Touchpoint prefers copy made for it.
	Touchpoint string `json:"touchpoint,omitempty"`
	// Limit is 1..MaxRecommendLimit; 0 means DefaultRecommendLimit.
	Limit int `json:"limit,omitempty"`
}

// Recommendation is one ranked variant.
type Recommendation struct {
	Variant Variant `json:"variant"`
	// Fit is 0..1: how well the variant suits the profile and the request
	// (0.55 trait match, 0.30 mindset match, 0.15 industry and touchpoint).
	Fit float64 `json:"fit"`
	// Reasons explain the fit in words.
	Reasons []string `json:"reasons"`
	// Role is "outcome" or "journey" for the halves of a split pair.
	Role string `json:"role,omitempty"`
}

// SplitPair is the split CTA for a mixed mindset: an outcome CTA that hooks
// the fixed side and a journey CTA that speaks to the growth side. Key is the
// pair tag of a written pair, empty when the two were matched up.
type SplitPair struct {
	Key     string         `json:"key,omitempty"`
	Outcome Recommendation `json:"outcome"`
	Journey Recommendation `json:"journey"`
}

// Strategy is a short content strategy for the profile.
type Strategy struct {
	// Traits are the profile's leaning poles, strongest first ("neuroticism:high").
	Traits []string `json:"traits"`
	// Mindset is fixed, growth, mixed or unknown.
	Mindset string `json:"mindset"`
	// Tone is how the copy should sound.
	Tone string `json:"tone"`
	// Emphasise lists what to put forward.
	Emphasise []string `json:"emphasise"`
	// Avoid lists what tends to put this profile off.
	Avoid []string `json:"avoid"`
	// Layout is structured (fixed), exploratory (growth), split (mixed) or
	// balanced (unknown); LayoutNote says what that means on the page.
	Layout     string `json:"layout"`
	LayoutNote string `json:"layout_note"`
	// Industries are where the primary trait's content style is known to work.
	Industries []string `json:"industries"`
	// Summary is the strategy in one or two sentences.
	Summary string `json:"summary"`
}

// Fallback says that the copy is in another language than asked, and why.
type Fallback struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"`
}

// RecommendResult is the output of Recommend.
type RecommendResult struct {
	// Lang is the language of the returned copy.
	Lang            string           `json:"lang"`
	Recommendations []Recommendation `json:"recommendations"`
	// SplitPair is set for a mixed mindset; its halves also lead Recommendations.
	SplitPair *SplitPair `json:"split_pair,omitempty"`
	Strategy  Strategy   `json:"strategy"`
	// Fallback is set when the copy is not in the requested language.
	Fallback *Fallback `json:"fallback,omitempty"`
	// Notes mention relaxed filters.
	Notes []string `json:"notes"`
}

// Validate checks the request and names each bad field.
func (r *RecommendRequest) Validate() error {
	var errs []FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	for _, t := range traitOrder() {
		ts := r.Profile.Traits.Get(t)
		f := "profile.traits." + string(t)
		if math.IsNaN(ts.Score) || ts.Score < -1 || ts.Score > 1 {
			add(f+".score", "%v is out of range -1..1", ts.Score)
		}
		if ts.Percentile != nil && (*ts.Percentile < 0 || *ts.Percentile > 100) {
			add(f+".percentile", "%d is out of range 0..100", *ts.Percentile)
		}
		if math.IsNaN(ts.Confidence) || ts.Confidence < 0 || ts.Confidence > 1 {
			add(f+".confidence", "%v is out of range 0..1", ts.Confidence)
		}
	}
	m := r.Profile.Mindset
	switch m.Label {
	case "", classifier.MindsetFixed, classifier.MindsetGrowth, classifier.MindsetMixed, classifier.MindsetUnknown:
	default:
		add("profile.mindset.label", "unknown label %q: want fixed, growth, mixed or unknown", m.Label)
	}
	if math.IsNaN(m.Score) || m.Score < -1 || m.Score > 1 {
		add("profile.mindset.score", "%v is out of range -1..1", m.Score)
	}
	if r.Lang != "" && !slices.Contains(Languages, r.Lang) {
		add("lang", "unsupported language %q: want one of %s", r.Lang, strings.Join(Languages, ", "))
	}
	if r.Industry != "" && !slices.Contains(Industries, r.Industry) {
		add("industry", "unknown industry %q: want one of %s", r.Industry, strings.Join(Industries, ", "))
	}
	for i, k := range r.Kinds {
		if !slices.Contains(Kinds, k) {
			add(fmt.Sprintf("kinds[%d]", i), "unknown kind %q: want one of %s", k, strings.Join(Kinds, ", "))
		}
	}
	if r.Touchpoint != "" && !slices.Contains(Touchpoints, r.Touchpoint) {
		add("touchpoint", "unknown touchpoint %q: want one of %s", r.Touchpoint, strings.Join(Touchpoints, ", "))
	}
	if r.Limit < 0 || r.Limit > MaxRecommendLimit {
		add("limit", "%d is out of range 1..%d", r.Limit, MaxRecommendLimit)
	}
	if len(errs) > 0 {
		return &ValidationError{Errors: errs}
	}
	return nil
}

// reading is one trait of the profile as Recommend sees it.
type reading struct {
	trait      classifier.Trait
	pole       string
	strength   float64 // 0..1
	percentile *int
	score      float64
	rank       int // 0 = strongest
}

func (rd reading) String() string { return string(rd.trait) + ":" + rd.pole }

// readings orders the profile's leaning traits, strongest first. A percentile
// (calibrated against texts of the language) wins over the raw score.
func readings(p Profile) []reading {
	var out []reading
	for _, t := range traitOrder() {
		ts := p.Traits.Get(t)
		d := ts.Score
		if ts.Percentile != nil {
			d = float64(*ts.Percentile-50) / 50
		}
		if math.Abs(d) < neutralStrength {
			continue
		}
		rd := reading{trait: t, pole: PoleHigh, strength: math.Min(math.Abs(d), 1), percentile: ts.Percentile, score: ts.Score}
		if d < 0 {
			rd.pole = PoleLow
		}
		out = append(out, rd)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].strength > out[j].strength })
	for i := range out {
		out[i].rank = i
	}
	return out
}

// mindsetLabel is the profile's label, derived from the score when absent.
func mindsetLabel(m classifier.MindsetScore) string {
	if m.Label != "" {
		return m.Label
	}
	switch {
	case m.Score >= 0.2:
		return classifier.MindsetGrowth
	case m.Score <= -0.2:
		return classifier.MindsetFixed
	}
	return classifier.MindsetUnknown
}

// mindsetFit[profile label][variant mindset] is 0..1.
var mindsetFit = map[string]map[string]float64{
	classifier.MindsetFixed:   {MindsetFixed: 1, MindsetDual: 0.6, MindsetAny: 0.5, MindsetGrowth: 0.1},
	classifier.MindsetGrowth:  {MindsetGrowth: 1, MindsetDual: 0.6, MindsetAny: 0.5, MindsetFixed: 0.1},
	classifier.MindsetMixed:   {MindsetDual: 1, MindsetFixed: 0.7, MindsetGrowth: 0.7, MindsetAny: 0.5},
	classifier.MindsetUnknown: {MindsetAny: 0.8, MindsetDual: 0.7, MindsetFixed: 0.6, MindsetGrowth: 0.6},
}

// scored is a candidate with its fit.
type scored struct {
	v       *Variant
	fit     float64
	reasons []string
	words   []string
	key     string // primary pole + mindset, for variety
}

type recommender struct {
	req      *RecommendRequest
	rds      []reading
	byTrait  [5]*reading // by traitIndex
	mindset  string
	mfit     [4]float64 // by mindsetIndex of the variant
	primInds []string
	fallback string // the fallback reason, when the copy is not in the asked language
}

// score computes a variant's fit; it runs for every candidate, so it only
// does arithmetic. explain writes the reasons for the few that are picked.
func (rc *recommender) score(v *Variant) scored {
	s := scored{v: v}
	traitFit := 0.5
	if len(rc.rds) > 0 {
		best, second, against, _, _ := rc.traitMatch(v)
		traitFit = clamp01(best + 0.15*second - 0.5*against)
	}
	mFit := rc.mfit[mindsetIndex(v.Mindset)]
	ind := 0.5
	switch {
	case rc.req.Industry != "" && slices.Contains(v.Industries, rc.req.Industry):
		ind = 1
	case rc.req.Industry != "" && slices.Contains(v.Industries, IndustryGeneral):
		ind = 0.6
	case rc.req.Industry == "" && rc.inPrimaryIndustry(v):
		ind = 1
	}
	tp := 1.0
	if rc.req.Touchpoint != "" && v.Touchpoint != rc.req.Touchpoint {
		tp = 0.5
	}
	s.fit = math.Round(clamp01(0.55*traitFit+0.30*mFit+0.15*(0.7*ind+0.3*tp))*100) / 100
	return s
}

// varietyKey is the main pole and mindset of v: two picks with the same key
// say much the same thing.
func varietyKey(v *Variant) string {
	if len(v.Traits) == 0 {
		return "/" + v.Mindset
	}
	return v.Traits[0] + "/" + v.Mindset
}

func mindsetIndex(m string) int {
	switch m {
	case MindsetFixed:
		return 0
	case MindsetGrowth:
		return 1
	case MindsetDual:
		return 2
	}
	return 3
}

// traitMatch returns, relative to the profile's strongest lean, the best and
// second-best agreeing poles of v and the strongest pole working against the
// profile, with the readings behind the best and the opposing match.
func (rc *recommender) traitMatch(v *Variant) (best, second, against float64, bestRd, againstRd *reading) {
	top := rc.rds[0].strength
	for _, s := range v.Traits {
		trait, pole, _ := strings.Cut(s, ":")
		ti := traitIndex(trait)
		if ti < 0 || rc.byTrait[ti] == nil {
			continue
		}
		rd := rc.byTrait[ti]
		w := rd.strength / top
		if rd.pole == pole {
			switch {
			case w > best:
				second, best = best, w
				bestRd = rd
			case w > second:
				second = w
			}
		} else if w > against {
			against = w
			againstRd = rd
		}
	}
	return
}

func traitIndex(t string) int {
	switch classifier.Trait(t) {
	case classifier.Openness:
		return 0
	case classifier.Conscientiousness:
		return 1
	case classifier.Extraversion:
		return 2
	case classifier.Agreeableness:
		return 3
	case classifier.Neuroticism:
		return 4
	}
	return -1
}

func (rc *recommender) inPrimaryIndustry(v *Variant) bool {
	for _, i := range v.Industries {
		if slices.Contains(rc.primInds, i) {
			return true
		}
	}
	return false
}

// explain fills in the reasons for a picked variant.
func (rc *recommender) explain(s *scored) {
	v := s.v
	if len(rc.rds) > 0 {
		_, _, _, bestRd, againstRd := rc.traitMatch(v)
		if bestRd != nil {
			s.reasons = append(s.reasons, traitReason(*bestRd))
		}
		if againstRd != nil {
			s.reasons = append(s.reasons, fmt.Sprintf("caution: targets %s %s, against this text's %s %s",
				opposite(againstRd.pole), againstRd.trait, againstRd.pole, againstRd.trait))
		}
	}
	s.reasons = append(s.reasons, mindsetReason(rc.mindset, v.Mindset, rc.req.Profile.Mindset.Score))
	switch {
	case rc.req.Industry != "" && slices.Contains(v.Industries, rc.req.Industry):
		s.reasons = append(s.reasons, "written for "+rc.req.Industry)
	case rc.req.Industry != "" && slices.Contains(v.Industries, IndustryGeneral):
		s.reasons = append(s.reasons, "general copy that also fits "+rc.req.Industry)
	case rc.req.Industry == "" && rc.inPrimaryIndustry(v):
		s.reasons = append(s.reasons, fmt.Sprintf("for %s, where copy for %s %s works best", strings.Join(v.Industries, ", "), rc.rds[0].pole, rc.rds[0].trait))
	}
	if rc.req.Touchpoint != "" && v.Touchpoint == rc.req.Touchpoint {
		s.reasons = append(s.reasons, "made for "+strings.ReplaceAll(v.Touchpoint, "_", " "))
	}
	if rc.fallback != "" {
		s.reasons = append(s.reasons, "English fallback: "+rc.fallback)
	}
}

func traitReason(rd reading) string {
	which := "this text's strongest trait"
	switch rd.rank {
	case 0:
	case 1:
		which = "this text's second-strongest trait"
	default:
		which = "a trait this text leans to"
	}
	measure := fmt.Sprintf("score %+.2f", rd.score)
	if rd.percentile != nil {
		measure = ordinal(*rd.percentile) + " percentile"
	}
	return fmt.Sprintf("targets %s %s, %s (%s)", rd.pole, rd.trait, which, measure)
}

func mindsetReason(profile, variant string, score float64) string {
	ms := fmt.Sprintf("score %+.2f", score)
	switch {
	case variant == MindsetDual && profile == classifier.MindsetMixed:
		return fmt.Sprintf("dual-mindset copy (an outcome with learning layered on) for a mixed mindset (%s)", ms)
	case variant == MindsetDual:
		return "dual-mindset copy: an outcome hook with learning layered on"
	case variant == MindsetAny:
		return "mindset-neutral copy"
	case profile == classifier.MindsetUnknown:
		return fmt.Sprintf("%s-mindset copy; the text shows no clear mindset", variant)
	case variant == profile:
		what := map[string]string{MindsetFixed: "authority, proof, fast results", MindsetGrowth: "progress, learning, community"}[variant]
		return fmt.Sprintf("%s-mindset copy (%s) for a %s-mindset text (%s)", variant, what, profile, ms)
	case profile == classifier.MindsetMixed:
		return fmt.Sprintf("%s-mindset copy speaks to one side of a mixed mindset", variant)
	}
	return fmt.Sprintf("%s-mindset copy for a %s-mindset text: a weak match", variant, profile)
}

func opposite(pole string) string {
	if pole == PoleHigh {
		return PoleLow
	}
	return PoleHigh
}

func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }

// Recommend ranks the library's copy for a profile: each variant gets a fit
// and reasons; the list is varied (no run of near-identical CTAs); a mixed
// mindset gets a split pair (an outcome CTA and a journey CTA) first; the
// strategy says how to write and lay out copy for the profile. When the
// language has no copy for the filter it falls back to English and says so.
func (l *Library) Recommend(ctx context.Context, req RecommendRequest) (*RecommendResult, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if l.closed.Load() {
		return nil, ErrClosed
	}
	limit := req.Limit
	if limit == 0 {
		limit = DefaultRecommendLimit
	}
	rds := readings(req.Profile)
	rc := &recommender{req: &req, rds: rds, mindset: mindsetLabel(req.Profile.Mindset)}
	for i := range rds {
		rc.byTrait[traitIndex(string(rds[i].trait))] = &rds[i]
	}
	for m, f := range mindsetFit[rc.mindset] {
		rc.mfit[mindsetIndex(m)] = f
	}
	if len(rds) > 0 {
		rc.primInds = styles[rds[0].String()].industries
	}
	out := &RecommendResult{Recommendations: []Recommendation{}, Notes: []string{}, Strategy: strategyFor(rds, rc.mindset)}

	lang := req.Lang
	if lang == "" {
		lang = req.Profile.Language.Code
		if !slices.Contains(Languages, lang) {
			if lang != "" && lang != "und" {
				out.Fallback = &Fallback{From: lang, To: FallbackLanguage, Reason: fmt.Sprintf("the copy library has no %q copy", lang)}
			}
			lang = FallbackLanguage
		}
	}
	filter := func(v *Variant, industry bool) bool {
		if len(req.Kinds) > 0 && !slices.Contains(req.Kinds, v.Kind) {
			return false
		}
		return !industry || req.Industry == "" || slices.Contains(v.Industries, req.Industry) || slices.Contains(v.Industries, IndustryGeneral)
	}
	pick := func(lang string, industry bool) []*Variant {
		var c []*Variant
		for _, v := range l.view.lang(lang) {
			if filter(v, industry) {
				c = append(c, v)
			}
		}
		return c
	}
	cands := pick(lang, true)
	if len(cands) == 0 && lang != FallbackLanguage {
		if c := pick(FallbackLanguage, true); len(c) > 0 {
			out.Fallback = &Fallback{From: lang, To: FallbackLanguage, Reason: fmt.Sprintf("no %s copy matches %s", lang, describeFilter(&req))}
			cands, lang = c, FallbackLanguage
		}
	}
	if len(cands) == 0 && req.Industry != "" {
		if c := pick(lang, false); len(c) > 0 {
			out.Notes = append(out.Notes, fmt.Sprintf("no %s copy is written for %s or general; showing other industries", lang, req.Industry))
			cands = c
		}
	}
	out.Lang = lang
	if len(cands) == 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("no copy matches %s", describeFilter(&req)))
		return out, nil
	}

	if out.Fallback != nil {
		rc.fallback = out.Fallback.Reason
	}
	all := make([]scored, len(cands))
	for i, v := range cands {
		all[i] = rc.score(v)
	}
	var chosen []scored
	used := map[string]bool{}
	if rc.mindset == classifier.MindsetMixed {
		if sp, o, j := splitPair(all, rc); sp != nil {
			out.SplitPair = sp
			chosen = append(chosen, o, j)
			used[o.v.ID], used[j.v.ID] = true, true
			out.Recommendations = append(out.Recommendations, sp.Outcome, sp.Journey)
		}
	}
	pool := topFit(all, max(10*limit, 50))
	for i := range pool {
		pool[i].words = wordSet(pool[i].v.Text)
		pool[i].key = varietyKey(pool[i].v)
	}
	// penalty[i] is what pool[i] would repeat of the variants chosen so far;
	// it grows as each pick is made, so every pair is compared once.
	penalty := make([]float64, len(pool))
	oneKind := len(req.Kinds) == 1
	for _, c := range chosen {
		c.key = varietyKey(c.v)
		cw := wordSet(c.v.Text)
		for i := range pool {
			penalty[i] += redundancy(&pool[i], &c, cw, oneKind)
		}
	}
	for len(chosen) < limit {
		best, bestScore := -1, math.Inf(-1)
		for i := range pool {
			if used[pool[i].v.ID] {
				continue
			}
			if s := pool[i].fit - penalty[i]; s > bestScore {
				best, bestScore = i, s
			}
		}
		if best < 0 {
			break
		}
		used[pool[best].v.ID] = true
		pick := &pool[best]
		rc.explain(pick)
		chosen = append(chosen, *pick)
		out.Recommendations = append(out.Recommendations, toRecommendation(*pick, ""))
		for i := range pool {
			penalty[i] += redundancy(&pool[i], pick, pick.words, oneKind)
		}
	}
	if len(out.Recommendations) > limit && out.SplitPair == nil {
		out.Recommendations = out.Recommendations[:limit]
	}
	return out, nil
}

func toRecommendation(s scored, role string) Recommendation {
	return Recommendation{Variant: s.v.clone(), Fit: s.fit, Reasons: append([]string(nil), s.reasons...), Role: role}
}

// better orders by fit, then id, so equal fits come out in a stable order.
func better(a, b *scored) bool {
	if a.fit != b.fit {
		return a.fit > b.fit
	}
	return a.v.ID < b.v.ID
}

// topFit returns the k best of all, best first. Fits are rounded to
// hundredths, so a counting pass finds the cut without sorting everything.
func topFit(all []scored, k int) []scored {
	var count [101]int
	for i := range all {
		count[int(math.Round(all[i].fit*100))]++
	}
	cut, n := 0, 0
	for b := 100; b >= 0; b-- {
		n += count[b]
		if n >= k {
			cut = b
			break
		}
	}
	out := make([]scored, 0, min(n, len(all)))
	for i := range all {
		if int(math.Round(all[i].fit*100)) >= cut {
			out = append(out, all[i])
		}
	}
	sort.Slice(out, func(i, j int) bool { return better(&out[i], &out[j]) })
	if len(out) > k {
		out = out[:k]
	}
	return out
}

// redundancy is the penalty for picking s after c: the same kind, the same
// pole and mindset, or words that largely repeat c's text (cw).
func redundancy(s, c *scored, cw []string, oneKind bool) float64 {
	pen := 0.0
	if !oneKind && c.v.Kind == s.v.Kind {
		pen += 0.04
	}
	if c.key == s.key {
		pen += 0.06
	}
	if jaccard(s.words, cw) > 0.5 {
		pen += 0.5
	}
	return pen
}

// wordSets caches each copy text's distinct lowercase words, sorted, keyed
// by the text itself, so an edit never reads a stale set. Recommend compares
// up to fifty variants per request; building their sets each time was most
// of its allocation. The cache is dropped whole when it outgrows
// maxCachedWordSets (texts edited many times over).
var (
	wordSets      sync.Map // text -> []string
	wordSetsCount atomic.Int64
)

const maxCachedWordSets = 100_000

func wordSet(text string) []string {
	if ws, ok := wordSets.Load(text); ok {
		return ws.([]string)
	}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	slices.Sort(words)
	words = slices.Compact(words)
	if wordSetsCount.Add(1) > maxCachedWordSets {
		wordSets.Clear()
		wordSetsCount.Store(1)
	}
	wordSets.Store(text, words)
	return words
}

// jaccard is |a∩b| / |a∪b| of two sorted sets of words.
func jaccard(a, b []string) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// splitPair finds the best written pair (both halves among the candidates),
// or else matches the best outcome-style CTA with the best journey-style one.
func splitPair(all []scored, rc *recommender) (*SplitPair, scored, scored) {
	type halves struct{ o, j *scored }
	pairs := map[string]*halves{}
	for i := range all {
		key, side := all[i].v.PairKey()
		if key == "" {
			continue
		}
		h := pairs[key]
		if h == nil {
			h = &halves{}
			pairs[key] = h
		}
		if side == TagOutcome && (h.o == nil || better(&all[i], h.o)) {
			h.o = &all[i]
		} else if side == TagJourney && (h.j == nil || better(&all[i], h.j)) {
			h.j = &all[i]
		}
	}
	bestKey, best := "", -1.0
	for key, h := range pairs {
		if h.o == nil || h.j == nil {
			continue
		}
		if f := h.o.fit + h.j.fit; f > best || f == best && key < bestKey {
			bestKey, best = key, f
		}
	}
	if bestKey != "" {
		h := pairs[bestKey]
		o, j := *h.o, *h.j
		rc.explain(&o)
		rc.explain(&j)
		o.reasons = append([]string{"outcome half of a split CTA pair: hooks the fixed side of a mixed mindset"}, o.reasons...)
		j.reasons = append([]string{"journey half of a split CTA pair: speaks to the growth side of a mixed mindset"}, j.reasons...)
		return &SplitPair{Key: bestKey, Outcome: toRecommendation(o, "outcome"), Journey: toRecommendation(j, "journey")}, o, j
	}
	var o, j *scored
	for i := range all {
		s := &all[i]
		if s.v.Kind != KindCTA {
			continue
		}
		if s.v.Mindset == MindsetFixed && (o == nil || better(s, o)) {
			o = s
		}
		if s.v.Mindset == MindsetGrowth && (j == nil || better(s, j)) {
			j = s
		}
	}
	if o == nil || j == nil {
		return nil, scored{}, scored{}
	}
	oc, jc := *o, *j
	rc.explain(&oc)
	rc.explain(&jc)
	oc.reasons = append([]string{"outcome CTA for the fixed side of a mixed mindset (no written pair matched)"}, oc.reasons...)
	jc.reasons = append([]string{"journey CTA for the growth side of a mixed mindset (no written pair matched)"}, jc.reasons...)
	return &SplitPair{Outcome: toRecommendation(oc, "outcome"), Journey: toRecommendation(jc, "journey")}, oc, jc
}

func describeFilter(r *RecommendRequest) string {
	var parts []string
	if r.Industry != "" {
		parts = append(parts, "industry "+r.Industry)
	}
	if len(r.Kinds) > 0 {
		parts = append(parts, "kinds "+strings.Join(r.Kinds, ","))
	}
	if len(parts) == 0 {
		return "the request"
	}
	return strings.Join(parts, " and ")
}
