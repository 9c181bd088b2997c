package copylib

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Search limits.
const (
	DefaultLimit = 20
	MaxLimit     = 100
	// MaxQueryBytes bounds the free-text query.
	MaxQueryBytes = 500
	// minPrefix is the shortest analysed term that also matches as a prefix.
	minPrefix = 4
)

// Query is a search of the library. Every field is optional; filters combine
// with AND. It mirrors GET /v1/copy?q=&lang=&trait=&pole=&mindset=&industry=&kind=&touchpoint=&tag=&limit=&cursor=.
type Query struct {
	// Q is free text, matched in the fields of Lang, or of every language
	// when Lang is empty, with each language's analyzer.
	Q string `json:"q,omitempty"`
	// Lang filters to one of Languages.
	Lang string `json:"lang,omitempty"`
	// Trait filters to variants targeting a trait (openness); with Pole, one
	// pole of it (openness:high). Pole alone means that pole of any trait.
	Trait string `json:"trait,omitempty"`
	Pole  string `json:"pole,omitempty"`
	// Mindset, Industry, Kind, Touchpoint and Tag filter on those fields.
	Mindset    string `json:"mindset,omitempty"`
	Industry   string `json:"industry,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Touchpoint string `json:"touchpoint,omitempty"`
	Tag        string `json:"tag,omitempty"`
	// Limit is the page size, 1..MaxLimit; 0 means DefaultLimit.
	Limit int `json:"limit,omitempty"`
	// Cursor continues from a previous result's NextCursor. It is only valid
	// with the same query and filters.
	Cursor string `json:"cursor,omitempty"`
}

// Span is a byte range of a variant's text that matched the query.
type Span struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Hit is one search result: the variant as stored, its relevance score
// (0 without a text query) and the matched spans of its text.
type Hit struct {
	Variant
	Score      float64 `json:"score"`
	Highlights []Span  `json:"highlights"`
}

// SearchResult is one page of results.
type SearchResult struct {
	// Total counts every match, not just this page.
	Total int   `json:"total"`
	Hits  []Hit `json:"hits"`
	// Facets count every match per value of lang, trait (trait:pole),
	// mindset, industry, kind and touchpoint.
	Facets map[string]map[string]int `json:"facets"`
	// NextCursor fetches the next page; empty on the last one.
	NextCursor string `json:"next_cursor"`
}

// facetFields maps a facet name of the result to its index field and size.
var facetFields = []struct {
	name, field string
	size        int
}{
	{"lang", fieldLang, 10},
	{"trait", fieldTraits, 10},
	{"mindset", fieldMindset, 4},
	{"industry", fieldIndustries, 20},
	{"kind", fieldKind, 10},
	{"touchpoint", fieldTouchpoint, 10},
}

// Validate checks a query and names each bad field.
func (q *Query) Validate() error {
	var errs []FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	enum := func(field, val string, allowed []string) {
		if val != "" && !slices.Contains(allowed, val) {
			add(field, "unknown value %q: want one of %s", val, strings.Join(allowed, ", "))
		}
	}
	if !utf8.ValidString(q.Q) {
		add("q", "not valid UTF-8")
	} else if len(q.Q) > MaxQueryBytes {
		add("q", "%d bytes; the limit is %d", len(q.Q), MaxQueryBytes)
	}
	enum("lang", q.Lang, Languages)
	if q.Trait != "" && !isTrait(q.Trait) {
		add("trait", "unknown trait %q: want one of %s", q.Trait, joinTraits())
	}
	enum("pole", q.Pole, []string{PoleHigh, PoleLow})
	enum("mindset", q.Mindset, Mindsets)
	enum("industry", q.Industry, Industries)
	enum("kind", q.Kind, Kinds)
	enum("touchpoint", q.Touchpoint, Touchpoints)
	if q.Tag != "" {
		if msg := checkTag(q.Tag); msg != "" {
			add("tag", "%s", msg)
		}
	}
	if q.Limit < 0 || q.Limit > MaxLimit {
		add("limit", "%d is out of range 1..%d", q.Limit, MaxLimit)
	}
	if q.Cursor != "" {
		if _, err := q.decodeCursor(); err != nil {
			add("cursor", "%v", err)
		}
	}
	if len(errs) > 0 {
		return &ValidationError{Errors: errs}
	}
	return nil
}

// cursor is the position after the last hit of a page: its sort key (score,
// id) and a fingerprint of the query it belongs to.
type cursor struct {
	Score string `json:"s,omitempty"`
	ID    string `json:"i"`
	Query string `json:"q"`
}

func (q *Query) fingerprint() string {
	c := *q
	c.Cursor, c.Limit = "", 0
	raw, _ := json.Marshal(c)
	sum := sha256.Sum256(raw)
	return base64.RawURLEncoding.EncodeToString(sum[:9])
}

func (q *Query) decodeCursor() (cursor, error) {
	var c cursor
	raw, err := base64.RawURLEncoding.DecodeString(q.Cursor)
	if err != nil || json.Unmarshal(raw, &c) != nil || c.ID == "" {
		return c, fmt.Errorf("malformed cursor; use the next_cursor of a previous page")
	}
	if c.Query != q.fingerprint() {
		return c, fmt.Errorf("the cursor belongs to another query; repeat the same q and filters, or drop the cursor")
	}
	if c.Score != "" {
		if _, err := strconv.ParseFloat(c.Score, 64); err != nil {
			return c, fmt.Errorf("malformed cursor score")
		}
	}
	return c, nil
}

func (q *Query) encodeCursor(h *search.DocumentMatch, scored bool) string {
	c := cursor{ID: h.ID, Query: q.fingerprint()}
	if scored {
		c.Score = strconv.FormatFloat(h.Score, 'g', -1, 64)
	}
	raw, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// Search runs q and returns one page of hits with facets. A bad query is a
// *ValidationError. Pages follow a stable order: relevance then id with a
// text query, id without one.
func (l *Library) Search(ctx context.Context, q Query) (*SearchResult, error) {
	q.Q = strings.TrimSpace(q.Q)
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if l.closed.Load() {
		return nil, ErrClosed
	}
	l.ensureIndexed()
	limit := q.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	bq, scored := l.buildQuery(&q)
	req := bleve.NewSearchRequestOptions(bq, limit+1, 0, false)
	req.IncludeLocations = scored
	if scored {
		req.SortBy([]string{"-_score", "_id"})
	} else {
		req.SortBy([]string{"_id"})
	}
	if q.Cursor != "" {
		c, _ := q.decodeCursor()
		if scored {
			req.SetSearchAfter([]string{c.Score, c.ID})
		} else {
			req.SetSearchAfter([]string{c.ID})
		}
	}
	for _, f := range facetFields {
		req.AddFacet(f.name, bleve.NewFacetRequest(f.field, f.size))
	}
	res, err := l.idx.SearchInContext(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("copy search: %w", err)
	}
	out := &SearchResult{Total: int(res.Total), Hits: []Hit{}, Facets: map[string]map[string]int{}}
	for _, f := range facetFields {
		m := map[string]int{}
		if fr := res.Facets[f.name]; fr != nil {
			for _, t := range fr.Terms.Terms() {
				m[t.Term] = t.Count
			}
		}
		out.Facets[f.name] = m
	}
	hits := res.Hits
	if len(hits) > limit {
		hits = hits[:limit]
		out.NextCursor = q.encodeCursor(hits[len(hits)-1], scored)
	}
	for _, h := range hits {
		v := l.view.get(h.ID)
		if v == nil { // deleted between the search and now
			continue
		}
		hit := Hit{Variant: v.clone(), Highlights: []Span{}}
		if scored {
			hit.Score = h.Score
			hit.Highlights = spans(v, h.Locations[textField(v.Lang)])
		}
		out.Hits = append(out.Hits, hit)
	}
	return out, nil
}

// buildQuery turns q into a bleve query; scored is false for a filter-only
// query (every hit scores the same).
func (l *Library) buildQuery(q *Query) (query.Query, bool) {
	var must []query.Query
	scored := false
	if q.Q != "" {
		langs := Languages
		if q.Lang != "" {
			langs = []string{q.Lang}
		}
		var any []query.Query
		for _, lang := range langs {
			if lq := l.textQuery(lang, q.Q); lq != nil {
				any = append(any, lq)
			}
		}
		if len(any) == 0 {
			return bleve.NewMatchNoneQuery(), true
		}
		must = append(must, bleve.NewDisjunctionQuery(any...))
		scored = true
	}
	term := func(field, val string) {
		if val != "" {
			tq := bleve.NewTermQuery(val)
			tq.SetField(field)
			must = append(must, tq)
		}
	}
	term(fieldLang, q.Lang)
	term(fieldMindset, q.Mindset)
	term(fieldIndustries, q.Industry)
	term(fieldKind, q.Kind)
	term(fieldTouchpoint, q.Touchpoint)
	term(fieldTags, q.Tag)
	switch {
	case q.Trait != "" && q.Pole != "":
		term(fieldTraits, q.Trait+":"+q.Pole)
	case q.Trait != "":
		term(fieldTraitNames, q.Trait)
	case q.Pole != "":
		var poles []query.Query
		for _, t := range traitOrder() {
			tq := bleve.NewTermQuery(string(t) + ":" + q.Pole)
			tq.SetField(fieldTraits)
			poles = append(poles, tq)
		}
		must = append(must, bleve.NewDisjunctionQuery(poles...))
	}
	if len(must) == 0 {
		return bleve.NewMatchAllQuery(), false
	}
	return bleve.NewConjunctionQuery(must...), scored
}

// textQuery matches text in one language's field: each analysed term as a
// term (boosted) and, when long enough, as a prefix, so inflected forms the
// stemmer does not join still meet (oppimista ~ oppiminen).
func (l *Library) textQuery(lang, text string) query.Query {
	field := textField(lang)
	var parts []query.Query
	for _, t := range l.an.terms(lang, text) {
		tq := bleve.NewTermQuery(t)
		tq.SetField(field)
		tq.SetBoost(2)
		parts = append(parts, tq)
		n := utf8.RuneCountInString(t)
		if n >= minPrefix {
			pq := bleve.NewPrefixQuery(t)
			pq.SetField(field)
			parts = append(parts, pq)
		}
		// Finnish stems still differ by their last letter across cases and
		// numbers (oppimin-en / oppimis-ta, matka / matko-illa), so a long
		// Finnish stem also matches without it, at a lower weight.
		if lang == "fi" && n > minPrefix {
			_, size := utf8.DecodeLastRuneInString(t)
			pq := bleve.NewPrefixQuery(t[:len(t)-size])
			pq.SetField(field)
			pq.SetBoost(0.5)
			parts = append(parts, pq)
		}
	}
	if len(parts) == 0 {
		return nil
	}
	return bleve.NewDisjunctionQuery(parts...)
}

// spans turns term locations into sorted, merged byte ranges of the text.
func spans(v *Variant, locs search.TermLocationMap) []Span {
	var out []Span
	for _, ls := range locs {
		for _, loc := range ls {
			s, e := int(loc.Start), int(loc.End)
			if s < 0 || e > len(v.Text) || s >= e {
				continue
			}
			out = append(out, Span{Start: s, End: e})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	merged := out[:0]
	for _, sp := range out {
		if n := len(merged); n > 0 && sp.Start <= merged[n-1].End {
			if sp.End > merged[n-1].End {
				merged[n-1].End = sp.End
			}
			continue
		}
		merged = append(merged, sp)
	}
	for i := range merged {
		merged[i].Text = v.Text[merged[i].Start:merged[i].End]
	}
	if merged == nil {
		return []Span{}
	}
	return merged
}
