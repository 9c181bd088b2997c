package copylib

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// harnessCase is one entry of testdata/searches.json.
type harnessCase struct {
	Name          string                    `json:"name"`
	Query         Query                     `json:"query"`
	ExpectIDs     *[]string                 `json:"expect_ids"`
	ExpectTop     []string                  `json:"expect_top"`
	ExpectLeading []string                  `json:"expect_leading"`
	ExpectInclude []string                  `json:"expect_include"`
	ExpectExclude []string                  `json:"expect_exclude"`
	ExpectFacets  map[string]map[string]int `json:"expect_facets"`
}

func loadHarness(t *testing.T) []harnessCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/searches.json")
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		About string        `json:"about"`
		Cases []harnessCase `json:"cases"`
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		t.Fatalf("testdata/searches.json: %v", err)
	}
	if len(h.Cases) == 0 {
		t.Fatal("testdata/searches.json has no cases")
	}
	return h.Cases
}

// TestSearchHarness checks relevance in every language (inflected Finnish,
// Polish and Latvian queries included), filters and facets against the
// fixture library.
func TestSearchHarness(t *testing.T) {
	l := openFixture(t)
	for _, tc := range loadHarness(t) {
		t.Run(tc.Name, func(t *testing.T) {
			q := tc.Query
			q.Limit = MaxLimit
			res, err := l.Search(ctx, q)
			if err != nil {
				t.Fatalf("Search(%+v): %v", q, err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if tc.ExpectIDs != nil {
				want := append([]string(nil), *tc.ExpectIDs...)
				g := append([]string(nil), got...)
				sort.Strings(want)
				sort.Strings(g)
				if diff := cmp.Diff(want, g, cmpEmptyNil); diff != "" {
					t.Errorf("ids (-want +got):\n%s\nhits in order: %v", diff, got)
				}
				if res.Total != len(want) {
					t.Errorf("total = %d, want %d", res.Total, len(want))
				}
			}
			if len(tc.ExpectTop) > 0 {
				if len(got) < len(tc.ExpectTop) || !slices.Equal(got[:len(tc.ExpectTop)], tc.ExpectTop) {
					t.Errorf("top = %v, want it to start with %v", got, tc.ExpectTop)
				}
			}
			if n := len(tc.ExpectLeading); n > 0 {
				lead := append([]string(nil), got[:min(n, len(got))]...)
				want := append([]string(nil), tc.ExpectLeading...)
				sort.Strings(lead)
				sort.Strings(want)
				if !slices.Equal(lead, want) {
					t.Errorf("hits %v do not start with %v (any order)", got, tc.ExpectLeading)
				}
			}
			for _, id := range tc.ExpectInclude {
				if !slices.Contains(got, id) {
					t.Errorf("%s missing from %v", id, got)
				}
			}
			for _, id := range tc.ExpectExclude {
				if slices.Contains(got, id) {
					t.Errorf("%s should not be in %v", id, got)
				}
			}
			for name, want := range tc.ExpectFacets {
				if diff := cmp.Diff(want, res.Facets[name]); diff != "" {
					t.Errorf("facet %s (-want +got):\n%s", name, diff)
				}
			}
			if q.Q != "" {
				for _, h := range res.Hits {
					if len(h.Highlights) == 0 {
						t.Errorf("%s: a text match without highlights", h.ID)
					}
					for _, sp := range h.Highlights {
						if h.Text[sp.Start:sp.End] != sp.Text {
							t.Errorf("%s: highlight %+v does not point at its text", h.ID, sp)
						}
					}
				}
			}
		})
	}
}

var cmpEmptyNil = cmp.Transformer("nilToEmpty", func(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
})

func TestSearchHighlightOffsets(t *testing.T) {
	l := openFixture(t)
	res, err := l.Search(ctx, Query{Q: "bezpieczeństwa", Lang: "pl"})
	if err != nil {
		t.Fatal(err)
	}
	var got []Span
	for _, h := range res.Hits {
		if h.ID == "pl-t-bezp-1" {
			got = h.Highlights
		}
	}
	// "Zadbaj o bezpieczeństwo rodziny": byte offsets; ń is two bytes.
	want := []Span{{Start: 9, End: 24, Text: "bezpieczeństwo"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("highlights (-want +got):\n%s", diff)
	}
}

// TestSearchCursorPaging walks every page of a text query and of a filter
// query and checks that the pages together are the full result, in order,
// without repeats.
func TestSearchCursorPaging(t *testing.T) {
	l := openFixture(t)
	for _, tc := range []struct {
		name string
		q    Query
	}{
		{"filters only", Query{Kind: "cta"}},
		{"text", Query{Q: "learning coach career families safety progress"}},
		{"text with ties", Query{Q: "ubezpieczenie bezpieczeństwo ochrona dom kariera", Lang: "pl"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			all := tc.q
			all.Limit = MaxLimit
			full, err := l.Search(ctx, all)
			if err != nil {
				t.Fatal(err)
			}
			if full.Total < 4 {
				t.Fatalf("query too narrow for paging: %d hits", full.Total)
			}
			var want, got []string
			for _, h := range full.Hits {
				want = append(want, h.ID)
			}
			q := tc.q
			q.Limit = 3
			for page := 0; ; page++ {
				if page > 50 {
					t.Fatal("paging does not end")
				}
				res, err := l.Search(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if res.Total != full.Total {
					t.Errorf("page %d total = %d, want %d", page, res.Total, full.Total)
				}
				if diff := cmp.Diff(full.Facets, res.Facets); diff != "" {
					t.Errorf("page %d facets differ from the first page:\n%s", page, diff)
				}
				for _, h := range res.Hits {
					got = append(got, h.ID)
				}
				if res.NextCursor == "" {
					break
				}
				q.Cursor = res.NextCursor
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("pages (-full +paged):\n%s", diff)
			}
		})
	}
}

func TestSearchValidation(t *testing.T) {
	l := openFixture(t)
	page, err := l.Search(ctx, Query{Kind: "cta", Limit: 2})
	if err != nil || page.NextCursor == "" {
		t.Fatalf("first page: %v, cursor %q", err, page.NextCursor)
	}
	for _, tc := range []struct {
		name   string
		q      Query
		fields []string
	}{
		{"unknown enums", Query{Lang: "de", Trait: "humour", Pole: "middle", Mindset: "open", Industry: "mining", Kind: "poster", Touchpoint: "tv"},
			[]string{"lang", "trait", "pole", "mindset", "industry", "kind", "touchpoint"}},
		{"limit too big", Query{Limit: MaxLimit + 1}, []string{"limit"}},
		{"negative limit", Query{Limit: -1}, []string{"limit"}},
		{"garbage cursor", Query{Cursor: "%%%"}, []string{"cursor"}},
		{"cursor of another query", Query{Kind: "body", Cursor: page.NextCursor}, []string{"cursor"}},
		{"invalid utf-8", Query{Q: "\xff\xfe"}, []string{"q"}},
		{"query too long", Query{Q: strings.Repeat("ä", MaxQueryBytes)}, []string{"q"}},
		{"bad tag", Query{Tag: "Not A Tag"}, []string{"tag"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := l.Search(ctx, tc.q)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want *ValidationError", err)
			}
			var fields []string
			for _, fe := range ve.Errors {
				fields = append(fields, fe.Field)
			}
			if diff := cmp.Diff(tc.fields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSearchSeesWrites(t *testing.T) {
	l := openFixture(t)
	v, err := l.Create(ctx, Variant{Lang: "fi", Kind: "cta", Text: "Löydä ystävällinen kuntosali läheltäsi", Traits: []string{"agreeableness:high"}, Mindset: "any", Industries: []string{"fitness"}, Touchpoint: "push"})
	if err != nil {
		t.Fatal(err)
	}
	find := func() []string {
		res, err := l.Search(ctx, Query{Q: "kuntosalit", Lang: "fi"})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		return ids
	}
	if got := find(); !slices.Equal(got, []string{v.ID}) {
		t.Fatalf("after create: %v, want [%s]", got, v.ID)
	}
	v.Text = "Löydä ystävällinen uimahalli läheltäsi"
	if _, err := l.Update(ctx, v, v.Version); err != nil {
		t.Fatal(err)
	}
	if got := find(); len(got) != 0 {
		t.Fatalf("after update: %v, want none", got)
	}
	if err := l.Delete(ctx, v.ID, 2); err != nil {
		t.Fatal(err)
	}
	res, err := l.Search(ctx, Query{Q: "uimahalli"})
	if err != nil || res.Total != 0 {
		t.Fatalf("after delete: %v hits, err %v", res.Total, err)
	}
}

// FuzzSearch throws arbitrary query text and cursors at Search: it must
// answer or name the bad field, never panic, and highlights must point into
// the text.
func FuzzSearch(f *testing.F) {
	l := openFixture(f)
	f.Add("oppimista", "fi", "")
	f.Add("bezpieczeństwa domu", "", "")
	f.Add("\xff\x00 ż ł ę İ 👍 “quoted”", "lv", "eyJpIjoieCJ9")
	f.Add("a*b?c[d] AND OR -x +y ~z", "en", "%%%")
	f.Fuzz(func(t *testing.T, q, lang, cur string) {
		res, err := l.Search(ctx, Query{Q: q, Lang: lang, Cursor: cur, Limit: 5})
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Search(%q, %q, %q): %v", q, lang, cur, err)
			}
			return
		}
		for _, h := range res.Hits {
			for _, sp := range h.Highlights {
				if sp.Start < 0 || sp.End > len(h.Text) || h.Text[sp.Start:sp.End] != sp.Text {
					t.Fatalf("%s: bad highlight %+v", h.ID, sp)
				}
			}
		}
	})
}
