package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/valyala/fasthttp"

	"github.com/mindprint/mindprint/corpora/copylib"
)

// copyFixtures are the variants the copy tests start from, written for these
// tests in the four languages, with the letters that trip byte/rune
// confusion (ä ö, ł ę ż, ā ē ģ ņ, en dashes).
var copyFixtures = []copylib.Variant{
	fixture("en-open-growth-cta", "en", "cta", "Explore a new route every weekend and see where curiosity takes you",
		[]string{"openness:high"}, "growth", []string{"travel"}, "landing_page"),
	fixture("en-consc-fixed-headline", "en", "headline", "Proven planner templates that save busy teams five hours a week",
		[]string{"conscientiousness:high"}, "fixed", []string{"careers", "self-improvement"}, "email"),
	fixture("en-neuro-fixed-cta", "en", "cta", "Protect your family today with cover trusted by 40,000 households",
		[]string{"neuroticism:high"}, "fixed", []string{"insurance"}, "landing_page"),
	fixture("en-neuro-growth-body", "en", "body", "Feeling uneasy about the unexpected? Learn step by step how to build a safety net that grows with you.",
		[]string{"neuroticism:high"}, "growth", []string{"insurance"}, "email"),
	fixture("en-extra-fixed-banner", "en", "banner", "Join the top-rated run club everyone in town is talking about",
		[]string{"extraversion:high"}, "fixed", []string{"fitness"}, "ad"),
	fixture("en-agree-any-subject", "en", "subject_line", "Your neighbours raised enough for three new playgrounds — thank you",
		[]string{"agreeableness:high"}, "any", []string{"charity"}, "email"),
	withTags(fixture("en-analyst-outcome", "en", "cta", "Become a certified data analyst in twelve weeks",
		[]string{"conscientiousness:high"}, "dual", []string{"careers"}, "landing_page"), "pair:analyst", "side:outcome"),
	withTags(fixture("en-analyst-journey", "en", "cta", "Then keep growing with a new hands-on project every month",
		[]string{"openness:high"}, "dual", []string{"careers"}, "landing_page"), "pair:analyst", "side:journey"),
	fixture("fi-open-growth-cta", "fi", "cta", "Löydä uusi harrastus ja yllätä itsesi joka viikko",
		[]string{"openness:high"}, "growth", []string{"creative"}, "onsite"),
	fixture("fi-neuro-fixed-headline", "fi", "headline", "Turvallisuus ensin: asiantuntijoiden suosittelema kotivakuutus",
		[]string{"neuroticism:high"}, "fixed", []string{"insurance"}, "landing_page"),
	fixture("fi-consc-growth-cta", "fi", "cta", "Kehitä työtapojasi päivä kerrallaan – oppiminen kannattaa",
		[]string{"conscientiousness:high"}, "growth", []string{"self-improvement"}, "email"),
	fixture("pl-extra-growth-cta", "pl", "cta", "Poznaj ludzi, którzy też chcą się rozwijać — dołącz do spotkań",
		[]string{"extraversion:high"}, "growth", []string{"nightlife"}, "push"),
	fixture("lv-agree-fixed-cta", "lv", "cta", "Pievienojies kopienai, kurai uzticas vairāk nekā 5000 ģimeņu",
		[]string{"agreeableness:high"}, "fixed", []string{"wellness"}, "onsite"),
}

func fixture(id, lang, kind, text string, traits []string, mindset string, industries []string, touchpoint string) copylib.Variant {
	return copylib.Variant{ID: id, Lang: lang, Kind: kind, Text: text, Traits: traits, Mindset: mindset,
		Industries: industries, Touchpoint: touchpoint, Tags: []string{"fixture"}}
}

func withTags(v copylib.Variant, tags ...string) copylib.Variant {
	v.Tags = append(v.Tags, tags...)
	return v
}

// newCopyLibrary opens a library in a fresh folder holding the fixtures.
func newCopyLibrary(t testing.TB) *copylib.Library {
	t.Helper()
	lib, err := copylib.Open(t.TempDir(), copylib.WithoutSeed())
	if err != nil {
		t.Fatalf("copylib.Open: %v", err)
	}
	t.Cleanup(func() { _ = lib.Close() })
	for _, v := range copyFixtures {
		if _, err := lib.Create(context.Background(), v); err != nil {
			t.Fatalf("fixture %s: %v", v.ID, err)
		}
	}
	return lib
}

// newCopyServer serves a fresh fixture library (open when keys is nil).
func newCopyServer(t testing.TB, keys *Keyring) (*testServer, *copylib.Library) {
	t.Helper()
	lib := newCopyLibrary(t)
	return newTestServer(t, nil, Deps{Copy: lib, Keys: keys}), lib
}

func jsonReq(method, path, body string, header map[string]string) req {
	return req{method: method, path: path, contentType: "application/json", body: body, header: header}
}

// variantOf decodes a variant answer.
func variantOf(t testing.TB, a answer) copylib.Variant {
	t.Helper()
	var v copylib.Variant
	decodeInto(t, a.body, &v)
	return v
}

func fieldsOf(p Problem) []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

const newVariantJSON = `{"id":"pl-new-cta","lang":"pl","kind":"cta","text":"Sprawdzone przez ekspertów: zacznij już dziś",` +
	`"traits":["conscientiousness:high"],"mindset":"fixed","industries":["careers"],"touchpoint":"email","tags":["authority"]}`

// TestCopyLifecycle walks one variant through every route and status of
// its life: create, read, conditional read, update, stale and missing
// preconditions, delete.
func TestCopyLifecycle(t *testing.T) {
	s, _ := newCopyServer(t, nil)
	ifMatch := func(v string) map[string]string { return map[string]string{"If-Match": v} }
	edited := strings.Replace(newVariantJSON, "zacznij już dziś", "zacznij jeszcze dziś", 1)
	steps := []struct {
		name   string
		r      req
		status int
		typ    string            // problem type, for errors
		header map[string]string // expected response headers
		check  func(t *testing.T, a answer)
	}{
		{name: "create", r: jsonReq("POST", "/v1/copy", newVariantJSON, nil), status: 201,
			header: map[string]string{"Location": "/v1/copy/pl-new-cta", "ETag": `"1"`},
			check: func(t *testing.T, a answer) {
				v := variantOf(t, a)
				if v.ID != "pl-new-cta" || v.Version != 1 || v.Created.IsZero() || v.Text != "Sprawdzone przez ekspertów: zacznij już dziś" {
					t.Errorf("created %+v", v)
				}
			}},
		{name: "create again is a conflict", r: jsonReq("POST", "/v1/copy", newVariantJSON, nil), status: 409, typ: TypeConflict},
		{name: "read", r: req{method: "GET", path: "/v1/copy/pl-new-cta"}, status: 200, header: map[string]string{"ETag": `"1"`}},
		{name: "read unchanged", r: req{method: "GET", path: "/v1/copy/pl-new-cta", header: map[string]string{"If-None-Match": `"1"`}},
			status: 304, header: map[string]string{"ETag": `"1"`},
			check: func(t *testing.T, a answer) {
				if len(a.body) != 0 {
					t.Errorf("304 with a body: %s", a.body)
				}
			}},
		{name: "read with an old etag", r: req{method: "GET", path: "/v1/copy/pl-new-cta", header: map[string]string{"If-None-Match": `"7", W/"8"`}}, status: 200},
		{name: "update without If-Match", r: jsonReq("PUT", "/v1/copy/pl-new-cta", edited, nil), status: 428, typ: TypePreconditionRequired},
		{name: "delete without If-Match", r: req{method: "DELETE", path: "/v1/copy/pl-new-cta"}, status: 428, typ: TypePreconditionRequired},
		{name: "update with a malformed If-Match", r: jsonReq("PUT", "/v1/copy/pl-new-cta", edited, ifMatch("soon")), status: 400, typ: TypeMalformed},
		{name: "update with an If-Match list", r: jsonReq("PUT", "/v1/copy/pl-new-cta", edited, ifMatch(`"1", "2"`)), status: 400, typ: TypeMalformed},
		{name: "update", r: jsonReq("PUT", "/v1/copy/pl-new-cta", edited, ifMatch(`"1"`)), status: 200,
			header: map[string]string{"ETag": `"2"`},
			check: func(t *testing.T, a answer) {
				if v := variantOf(t, a); v.Version != 2 || !strings.Contains(v.Text, "jeszcze") {
					t.Errorf("updated %+v", v)
				}
			}},
		{name: "update with the stale version", r: jsonReq("PUT", "/v1/copy/pl-new-cta", newVariantJSON, ifMatch(`"1"`)), status: 412,
			typ: TypePreconditionFailed, header: map[string]string{"ETag": `"2"`}},
		{name: "update that changes nothing keeps the version", r: jsonReq("PUT", "/v1/copy/pl-new-cta", edited, ifMatch(`W/"2"`)), status: 200,
			header: map[string]string{"ETag": `"2"`}},
		{name: "update with If-Match *", r: jsonReq("PUT", "/v1/copy/pl-new-cta", newVariantJSON, ifMatch("*")), status: 200,
			header: map[string]string{"ETag": `"3"`}},
		{name: "update with another id in the body", r: jsonReq("PUT", "/v1/copy/pl-new-cta", strings.Replace(newVariantJSON, `"pl-new-cta"`, `"pl-other"`, 1), ifMatch(`"3"`)),
			status: 422, typ: TypeValidation,
			check: func(t *testing.T, a answer) {
				if diff := cmp.Diff([]string{"id"}, fieldsOf(a.problem(t))); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
			}},
		{name: "update a missing variant", r: jsonReq("PUT", "/v1/copy/pl-missing", strings.Replace(newVariantJSON, `"id":"pl-new-cta",`, "", 1), ifMatch(`"1"`)),
			status: 404, typ: TypeNotFound},
		{name: "update as text/plain", r: req{method: "PUT", path: "/v1/copy/pl-new-cta", contentType: "text/plain", body: newVariantJSON, header: ifMatch(`"3"`)},
			status: 415, typ: TypeUnsupportedMedia},
		{name: "delete with the stale version", r: req{method: "DELETE", path: "/v1/copy/pl-new-cta", header: ifMatch(`"2"`)}, status: 412,
			typ: TypePreconditionFailed, header: map[string]string{"ETag": `"3"`}},
		{name: "delete", r: req{method: "DELETE", path: "/v1/copy/pl-new-cta", header: ifMatch(`"3"`)}, status: 204},
		{name: "read after delete", r: req{method: "GET", path: "/v1/copy/pl-new-cta"}, status: 404, typ: TypeNotFound},
		{name: "delete again", r: req{method: "DELETE", path: "/v1/copy/pl-new-cta", header: ifMatch("*")}, status: 404, typ: TypeNotFound},
		{name: "create without an id gets one", r: jsonReq("POST", "/v1/copy", `{"lang":"lv","kind":"headline","text":"Augt kopā ar citiem",`+
			`"traits":["agreeableness:high"],"mindset":"growth","industries":["general"],"touchpoint":"onsite"}`, nil), status: 201,
			check: func(t *testing.T, a answer) {
				v := variantOf(t, a)
				if !strings.HasPrefix(v.ID, "lv-headline-") || a.header.Get("Location") != "/v1/copy/"+v.ID {
					t.Errorf("generated id %q, Location %q", v.ID, a.header.Get("Location"))
				}
				if v.Tags == nil {
					t.Error("tags is null, want []")
				}
			}},
		{name: "create as text/plain", r: req{method: "POST", path: "/v1/copy", contentType: "text/plain", body: newVariantJSON}, status: 415, typ: TypeUnsupportedMedia},
		{name: "create compressed", r: req{method: "POST", path: "/v1/copy", contentType: "application/json", body: newVariantJSON,
			header: map[string]string{"Content-Encoding": "gzip"}}, status: 415, typ: TypeUnsupportedMedia},
		{name: "create from broken JSON", r: jsonReq("POST", "/v1/copy", `{"lang": "en",`, nil), status: 400, typ: TypeMalformed},
		{name: "create from a list", r: jsonReq("POST", "/v1/copy", `[{"lang": "en"}]`, nil), status: 400, typ: TypeMalformed},
		{name: "create from two objects", r: jsonReq("POST", "/v1/copy", newVariantJSON+newVariantJSON, nil), status: 400, typ: TypeMalformed},
		{name: "create with a reserved id", r: jsonReq("POST", "/v1/copy", strings.Replace(newVariantJSON, `"pl-new-cta"`, `"export"`, 1), nil),
			status: 422, typ: TypeValidation},
	}
	for _, st := range steps {
		ok := t.Run(st.name, func(t *testing.T) {
			a := do(t, s.App(), st.r)
			if a.status != st.status {
				t.Fatalf("status %d, want %d: %s", a.status, st.status, a.body)
			}
			if st.typ != "" {
				if p := a.problem(t); p.Type != st.typ || p.Detail == "" {
					t.Errorf("problem %+v, want type %s", p, st.typ)
				}
			}
			for k, v := range st.header {
				if got := a.header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if st.check != nil {
				st.check(t, a)
			}
		})
		if !ok {
			break // later steps depend on this one
		}
	}
}

// TestCopyValidation: every bad field of a variant is named at once.
func TestCopyValidation(t *testing.T) {
	s, _ := newCopyServer(t, nil)
	tests := []struct {
		name   string
		body   string
		fields []string
		codes  []string
	}{
		{name: "everything wrong",
			body: `{"id":"Bad Id","lang":"et","kind":"poster","text":"  ","traits":["openness:up"],"mindset":"open",` +
				`"industries":["mining"],"touchpoint":"fax","tags":["Not OK"]}`,
			fields: []string{"id", "lang", "kind", "mindset", "touchpoint", "text", "traits[0]", "industries[0]", "tags[0]"},
			codes:  []string{"invalid", "invalid_value", "invalid_value", "invalid_value", "invalid_value", "required", "invalid_value", "invalid_value", "invalid"}},
		{name: "nothing given",
			body:   `{}`,
			fields: []string{"lang", "kind", "mindset", "touchpoint", "text", "traits", "industries"},
			codes:  []string{"required", "required", "required", "required", "required", "required", "required"}},
		{name: "wrong types, unknown and repeated fields",
			body: `{"lang":"en","lang":"fi","kind":"cta","text":"Try it","traits":"openness:high","mindset":"growth",` +
				`"industries":["general"],"touchpoint":"email","version":"two","colour":"red"}`,
			fields: []string{"lang", "traits", "version", "colour"},
			codes:  []string{"duplicate_field", "wrong_type", "wrong_type", "unknown_field"}},
		{name: "contradicting poles and a pair without its side",
			body: `{"lang":"en","kind":"cta","text":"Go","traits":["openness:high","openness:low"],"mindset":"dual",` +
				`"industries":["general","general"],"touchpoint":"email","tags":["pair:x"]}`,
			fields: []string{"traits[1]", "industries[1]", "tags"},
			codes:  []string{"invalid", "duplicate", "invalid"}},
		{name: "text too long",
			body: fmt.Sprintf(`{"lang":"fi","kind":"body","text":%q,"traits":["openness:high"],"mindset":"any","industries":["general"],"touchpoint":"email"}`,
				strings.Repeat("ä", copylib.MaxTextBytes/2+1)),
			fields: []string{"text"},
			codes:  []string{"too_long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []req{
				jsonReq("POST", "/v1/copy", tt.body, nil),
				jsonReq("PUT", "/v1/copy/en-open-growth-cta", strings.Replace(tt.body, `"id":"Bad Id",`, "", 1), map[string]string{"If-Match": `"1"`}),
			} {
				a := do(t, s.App(), r)
				if a.status != 422 {
					t.Fatalf("%s: status %d: %s", r.method, a.status, a.body)
				}
				p := a.problem(t)
				want := tt.fields
				if r.method == "PUT" {
					want = slices.DeleteFunc(slices.Clone(want), func(f string) bool { return f == "id" })
				}
				got := fieldsOf(p)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s fields (-want +got):\n%s\n%s", r.method, diff, a.body)
				}
				if r.method == "POST" {
					var codes []string
					for _, e := range p.Errors {
						codes = append(codes, e.Code)
						if e.Detail == "" {
							t.Errorf("field %s without detail", e.Field)
						}
					}
					if diff := cmp.Diff(tt.codes, codes); diff != "" {
						t.Errorf("codes (-want +got):\n%s", diff)
					}
				}
			}
		})
	}
	// Nothing invalid was stored.
	a := do(t, s.App(), req{method: "GET", path: "/v1/copy?tag=fixture&limit=100"})
	var res copylib.SearchResult
	decodeInto(t, a.body, &res)
	if res.Total != len(copyFixtures) {
		t.Errorf("%d variants after invalid writes, want %d", res.Total, len(copyFixtures))
	}
}

// TestCopyEditorsRace: two copywriters open the same variant; the one who
// saves second gets 412 and changes nothing until they reload. Then many
// saves race on one version and exactly one wins.
func TestCopyEditorsRace(t *testing.T) {
	s, lib := newCopyServer(t, nil)
	const id = "fi-open-growth-cta"
	read := func() (copylib.Variant, string) {
		a := do(t, s.App(), req{method: "GET", path: "/v1/copy/" + id})
		if a.status != 200 {
			t.Fatalf("GET %d", a.status)
		}
		return variantOf(t, a), a.header.Get("ETag")
	}
	put := func(v copylib.Variant, etag string) answer {
		return do(t, s.App(), jsonReq("PUT", "/v1/copy/"+id, jsonBody(t, v), map[string]string{"If-Match": etag}))
	}
	anna, annaTag := read()
	ben, benTag := read()
	anna.Text = "Löydä uusi harrastus – ja yllätä itsesi joka viikko"
	if a := put(anna, annaTag); a.status != 200 || a.header.Get("ETag") != `"2"` {
		t.Fatalf("Anna's save: %d %s", a.status, a.body)
	}
	ben.Text = "Kokeile jotain uutta tänään"
	a := put(ben, benTag)
	if a.status != 412 {
		t.Fatalf("Ben's stale save: %d %s", a.status, a.body)
	}
	if p := a.problem(t); p.Type != TypePreconditionFailed || !strings.Contains(p.Detail, "version 2, not 1") {
		t.Errorf("412 problem %+v", p)
	}
	if got, _ := lib.Get(context.Background(), id); got.Text != anna.Text || got.Version != 2 {
		t.Fatalf("after Ben's 412 the store holds %q v%d; Anna's edit must stand", got.Text, got.Version)
	}
	ben2, benTag2 := read()
	ben2.Text = ben.Text
	if a := put(ben2, benTag2); a.status != 200 || variantOf(t, a).Version != 3 {
		t.Fatalf("Ben's save after reloading: %d %s", a.status, a.body)
	}

	// Eight editors save against version 3 at once: one wins.
	statuses := make([]int, 8)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			v := ben2
			v.Text = fmt.Sprintf("Versio %d: löydä jotain uutta", i)
			statuses[i] = put(v, `"3"`).status
		})
	}
	wg.Wait()
	sort.Ints(statuses)
	if diff := cmp.Diff([]int{200, 412, 412, 412, 412, 412, 412, 412}, statuses); diff != "" {
		t.Errorf("racing saves (-want +got):\n%s", diff)
	}
	if got, _ := lib.Get(context.Background(), id); got.Version != 4 {
		t.Errorf("version %d after the race, want 4", got.Version)
	}
}

// searchPage runs one GET /v1/copy.
func searchPage(t testing.TB, s *testServer, params url.Values) copylib.SearchResult {
	t.Helper()
	a := do(t, s.App(), req{method: "GET", path: "/v1/copy?" + params.Encode()})
	if a.status != 200 {
		t.Fatalf("search %s: %d %s", params.Encode(), a.status, a.body)
	}
	var res copylib.SearchResult
	decodeInto(t, a.body, &res)
	return res
}

// expectedFacets counts the fixtures that pass keep, per facet value.
func expectedFacets(keep func(copylib.Variant) bool) map[string]map[string]int {
	f := map[string]map[string]int{"lang": {}, "trait": {}, "mindset": {}, "industry": {}, "kind": {}, "touchpoint": {}}
	for _, v := range copyFixtures {
		if !keep(v) {
			continue
		}
		f["lang"][v.Lang]++
		f["mindset"][v.Mindset]++
		f["kind"][v.Kind]++
		f["touchpoint"][v.Touchpoint]++
		for _, tp := range v.Traits {
			f["trait"][tp]++
		}
		for _, i := range v.Industries {
			f["industry"][i]++
		}
	}
	return f
}

func TestCopySearch(t *testing.T) {
	s, _ := newCopyServer(t, nil)
	tests := []struct {
		name   string
		params url.Values
		keep   func(copylib.Variant) bool
	}{
		{"everything", url.Values{}, func(copylib.Variant) bool { return true }},
		{"English", url.Values{"lang": {"en"}}, func(v copylib.Variant) bool { return v.Lang == "en" }},
		{"English CTAs", url.Values{"lang": {"en"}, "kind": {"cta"}}, func(v copylib.Variant) bool { return v.Lang == "en" && v.Kind == "cta" }},
		{"fixed mindset", url.Values{"mindset": {"fixed"}}, func(v copylib.Variant) bool { return v.Mindset == "fixed" }},
		{"neuroticism high", url.Values{"trait": {"neuroticism"}, "pole": {"high"}},
			func(v copylib.Variant) bool { return slices.Contains(v.Traits, "neuroticism:high") }},
		{"insurance landing pages", url.Values{"industry": {"insurance"}, "touchpoint": {"landing_page"}},
			func(v copylib.Variant) bool {
				return slices.Contains(v.Industries, "insurance") && v.Touchpoint == "landing_page"
			}},
		{"a split pair by tag", url.Values{"tag": {"pair:analyst"}},
			func(v copylib.Variant) bool { return slices.Contains(v.Tags, "pair:analyst") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := searchPage(t, s, tt.params)
			var want []string
			for _, v := range copyFixtures {
				if tt.keep(v) {
					want = append(want, v.ID)
				}
			}
			sort.Strings(want)
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.ID)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("hits (-want +got):\n%s", diff)
			}
			if res.Total != len(want) || res.NextCursor != "" {
				t.Errorf("total %d, next %q", res.Total, res.NextCursor)
			}
			if diff := cmp.Diff(expectedFacets(tt.keep), res.Facets, cmpEmpty); diff != "" {
				t.Errorf("facets (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("full text with highlights as byte offsets", func(t *testing.T) {
		res := searchPage(t, s, url.Values{"q": {"oppimista"}, "lang": {"fi"}})
		if res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].ID != "fi-consc-growth-cta" {
			t.Fatalf("hits %+v", res.Hits)
		}
		h := res.Hits[0]
		if len(h.Highlights) != 1 || h.Score <= 0 {
			t.Fatalf("highlights %+v score %v", h.Highlights, h.Score)
		}
		sp := h.Highlights[0]
		// "Kehitä työtapojasi päivä kerrallaan – " holds 4 two-byte letters and a three-byte dash.
		want := copylib.Span{Start: strings.Index(h.Text, "oppiminen"), End: strings.Index(h.Text, "oppiminen") + len("oppiminen"), Text: "oppiminen"}
		if diff := cmp.Diff(want, sp); diff != "" || h.Text[sp.Start:sp.End] != sp.Text {
			t.Errorf("span (-want +got):\n%s", diff)
		}
	})

	t.Run("cursor pages", func(t *testing.T) {
		for _, params := range []url.Values{{"limit": {"3"}}, {"limit": {"2"}, "q": {"new"}, "lang": {"en"}}} {
			all := searchPage(t, s, url.Values{"q": params["q"], "lang": params["lang"], "limit": {"100"}})
			var got []string
			pages := 0
			for cursor := ""; ; pages++ {
				p := url.Values{}
				for k, v := range params {
					p[k] = v
				}
				if cursor != "" {
					p.Set("cursor", cursor)
				}
				res := searchPage(t, s, p)
				if res.Total != all.Total {
					t.Fatalf("page %d: total %d, want %d", pages, res.Total, all.Total)
				}
				for _, h := range res.Hits {
					got = append(got, h.ID)
				}
				if cursor = res.NextCursor; cursor == "" || pages > 20 {
					break
				}
			}
			var want []string
			for _, h := range all.Hits {
				want = append(want, h.ID)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%v: pages (-want +got):\n%s", params, diff)
			}
			if pages < 1 || len(want) < 3 {
				t.Errorf("%v: %d pages over %d hits: not a pagination test", params, pages+1, len(want))
			}
		}
	})

	other := searchPage(t, s, url.Values{"limit": {"1"}}).NextCursor
	bad := []struct {
		name   string
		query  string
		fields []string
	}{
		{"unknown filters", "lang=xx&kind=poster&mindset=open&industry=mining&touchpoint=fax&trait=courage&pole=up", []string{"lang", "trait", "pole", "mindset", "industry", "kind", "touchpoint"}},
		{"a misspelt parameter", "langauge=fi", []string{"langauge"}},
		{"a repeated parameter", "lang=fi&lang=pl", []string{"lang"}},
		{"limit not a number", "limit=ten", []string{"limit"}},
		{"limit too large", "limit=1000", []string{"limit"}},
		{"limit zero", "limit=0", []string{"limit"}},
		{"a cursor from another query", "lang=en&cursor=" + url.QueryEscape(other), []string{"cursor"}},
		{"a broken cursor", "cursor=%25%25", []string{"cursor"}},
		{"a query too long", "q=" + strings.Repeat("a", copylib.MaxQueryBytes+1), []string{"q"}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, s.App(), req{method: "GET", path: "/v1/copy?" + tt.query})
			if a.status != 422 {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			if diff := cmp.Diff(tt.fields, fieldsOf(a.problem(t))); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

// exportAll reads GET /v1/copy/export.
func exportAll(t testing.TB, s *testServer, query string) []byte {
	t.Helper()
	a := do(t, s.App(), req{method: "GET", path: "/v1/copy/export" + query})
	if a.status != 200 || a.header.Get("Content-Type") != NDJSONContentType {
		t.Fatalf("export: %d %s %s", a.status, a.header.Get("Content-Type"), a.body)
	}
	return a.body
}

func TestCopyImportExport(t *testing.T) {
	s, lib := newCopyServer(t, nil)

	t.Run("bad lines are reported, good lines kept", func(t *testing.T) {
		body := strings.Join([]string{
			`{"id":"en-import-1","lang":"en","kind":"cta","text":"Plan your week in ten minutes","traits":["conscientiousness:high"],"mindset":"fixed","industries":["careers"],"touchpoint":"email"}`,
			`{"id":"en-import-2","lang":"en","kind":"cta","text":"","traits":["openness:sideways"],"mindset":"growth","industries":["travel"],"touchpoint":"email"}`,
			``,
			`{not json`,
			`{"lang":"en","kind":"cta","text":"No id here","traits":["openness:high"],"mindset":"growth","industries":["travel"],"touchpoint":"email"}`,
			`{"id":"fi-import-3","lang":"fi","kind":"headline","text":"Rohkeasti uuteen – kokeile, opi ja kasva","traits":["openness:high"],"mindset":"growth","industries":["general"],"touchpoint":"onsite","colour":"red"}`,
			`{"id":"fi-import-4","lang":"fi","kind":"headline","text":"Rohkeasti uuteen – kokeile, opi ja kasva","traits":["openness:high"],"mindset":"growth","industries":["general"],"touchpoint":"onsite"}`,
			`{"id":"en-open-growth-cta","lang":"en","kind":"cta","text":"Explore a new route every weekend and see where curiosity takes you","traits":["openness:high"],"mindset":"growth","industries":["travel"],"touchpoint":"landing_page","tags":["fixture"]}`,
			`{"id":"en-neuro-fixed-cta","lang":"en","kind":"cta","text":"Protect your family today with cover trusted by 50,000 households","traits":["neuroticism:high"],"mindset":"fixed","industries":["insurance"],"touchpoint":"landing_page","tags":["fixture"]}`,
		}, "\n") + "\n"
		a := do(t, s.App(), req{method: "POST", path: "/v1/copy/import", contentType: "application/x-ndjson", body: body})
		if a.status != 200 {
			t.Fatalf("status %d: %s", a.status, a.body)
		}
		var rep CopyImportReport
		decodeInto(t, a.body, &rep)
		type lineFields struct {
			Line   int
			ID     string
			Fields []string
		}
		var got []lineFields
		for _, le := range rep.Errors {
			lf := lineFields{Line: le.Line, ID: le.ID}
			for _, fe := range le.Errors {
				lf.Fields = append(lf.Fields, fe.Field)
				if fe.Code == "" || fe.Detail == "" {
					t.Errorf("line %d: field error without code or detail: %+v", le.Line, fe)
				}
			}
			got = append(got, lf)
		}
		want := []lineFields{
			{Line: 2, ID: "en-import-2", Fields: []string{"text", "traits[0]"}},
			{Line: 4, Fields: []string{"line"}},
			{Line: 5, Fields: []string{"id"}},
			{Line: 6, Fields: []string{"colour"}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("line errors (-want +got):\n%s", diff)
		}
		if rep.Created != 2 || rep.Updated != 1 || rep.Unchanged != 1 || rep.Failed != 4 {
			t.Errorf("report %+v", rep)
		}
		for id, ver := range map[string]int{"en-import-1": 1, "fi-import-4": 1, "en-neuro-fixed-cta": 2} {
			if v, err := lib.Get(context.Background(), id); err != nil || v.Version != ver {
				t.Errorf("%s: %v v%d, want v%d", id, err, v.Version, ver)
			}
		}
		if res := searchPage(t, s, url.Values{"q": {"kasvaa"}, "lang": {"fi"}}); res.Total != 1 || res.Hits[0].ID != "fi-import-4" {
			t.Errorf("imported copy is not searchable: %+v", res.Hits)
		}
	})

	t.Run("export, then import into an empty library, round trip", func(t *testing.T) {
		exported := exportAll(t, s, "")
		lines := bytes.Count(exported, []byte("\n"))
		if total := searchPage(t, s, url.Values{"limit": {"1"}}).Total; lines != total || total != lib.Len() {
			t.Fatalf("export has %d lines; search total %d; library %d", lines, total, lib.Len())
		}
		empty, err := copylib.Open(t.TempDir(), copylib.WithoutSeed())
		if err != nil {
			t.Fatal(err)
		}
		defer empty.Close()
		s2 := newTestServer(t, nil, Deps{Copy: empty})
		a := do(t, s2.App(), req{method: "POST", path: "/v1/copy/import", contentType: "application/ndjson", body: string(exported)})
		var rep CopyImportReport
		decodeInto(t, a.body, &rep)
		if a.status != 200 || rep.Created != lines || rep.Failed != 0 {
			t.Fatalf("import: %d %+v", a.status, rep)
		}
		if again := exportAll(t, s2, ""); !bytes.Equal(exported, again) {
			t.Errorf("export → import → export differs:\n%s\n---\n%s", exported, again)
		}
		a = do(t, s2.App(), req{method: "POST", path: "/v1/copy/import", contentType: "application/ndjson", body: string(exported)})
		decodeInto(t, a.body, &rep)
		if rep.Unchanged != lines || rep.Created+rep.Updated != 0 {
			t.Errorf("importing the same export twice: %+v", rep)
		}
	})

	t.Run("export filters", func(t *testing.T) {
		fi := exportAll(t, s, "?lang=fi")
		for line := range bytes.Lines(fi) {
			var v copylib.Variant
			decodeInto(t, line, &v)
			if v.Lang != "fi" {
				t.Errorf("lang=fi exported %s", v.ID)
			}
		}
		if n := bytes.Count(fi, []byte("\n")); n != searchPage(t, s, url.Values{"lang": {"fi"}}).Total {
			t.Errorf("lang=fi exported %d", n)
		}
		future := url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		if got := exportAll(t, s, "?updated_since="+future); len(got) != 0 {
			t.Errorf("updated_since in the future exported %s", got)
		}
		if got := exportAll(t, s, "?updated_since=2000-01-01T00:00:00Z"); !bytes.Equal(got, exportAll(t, s, "")) {
			t.Error("updated_since long ago differs from everything")
		}
	})

	bad := []struct {
		name   string
		r      req
		status int
		fields []string
	}{
		{"import as JSON", req{method: "POST", path: "/v1/copy/import", contentType: "application/json", body: "{}\n"}, 415, nil},
		{"empty import", req{method: "POST", path: "/v1/copy/import", contentType: NDJSONContentType, body: "\n  \n"}, 422, []string{"body"}},
		{"a line too long", req{method: "POST", path: "/v1/copy/import", contentType: NDJSONContentType,
			body: "{}\n" + strings.Repeat(" ", copylib.MaxImportLineBytes+1) + "\n"}, 422, []string{"body"}},
		{"export of an unknown language", req{method: "GET", path: "/v1/copy/export?lang=et"}, 422, []string{"lang"}},
		{"export since a bad time", req{method: "GET", path: "/v1/copy/export?updated_since=yesterday"}, 422, []string{"updated_since"}},
		{"export with a stray parameter", req{method: "GET", path: "/v1/copy/export?kind=cta"}, 422, []string{"kind"}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, s.App(), tt.r)
			if a.status != tt.status {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			if diff := cmp.Diff(tt.fields, fieldsOf(a.problem(t)), cmpEmpty); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCopyScopes: reading needs copy:read, writing copy:write, and
// recommendations in analyses need only analyze.
func TestCopyScopes(t *testing.T) {
	const reader = "c0py-read-only-secret-1234"
	keys, err := ParseKeysEnv("crm:" + secretAnalyze + ":analyze,writer:" + secretCopy + ":copy:read+copy:write,reader:" + reader + ":copy:read")
	if err != nil {
		t.Fatal(err)
	}
	ring, err := NewKeyring(keys...)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newCopyServer(t, ring)
	routes := []struct {
		name string
		r    req
		// status per key: none, crm (analyze), reader (copy:read), writer
		want [4]int
	}{
		{"search", req{method: "GET", path: "/v1/copy?lang=en"}, [4]int{401, 403, 200, 200}},
		{"get", req{method: "GET", path: "/v1/copy/en-open-growth-cta"}, [4]int{401, 403, 200, 200}},
		{"export", req{method: "GET", path: "/v1/copy/export?lang=lv"}, [4]int{401, 403, 200, 200}},
		{"recommend", jsonReq("POST", "/v1/recommend", `{"profile":{"mindset":{"label":"growth"}}}`, nil), [4]int{401, 403, 200, 200}},
		{"create", jsonReq("POST", "/v1/copy", `{}`, nil), [4]int{401, 403, 403, 422}},
		{"update", jsonReq("PUT", "/v1/copy/en-open-growth-cta", `{}`, map[string]string{"If-Match": `"1"`}), [4]int{401, 403, 403, 422}},
		{"delete", req{method: "DELETE", path: "/v1/copy/en-missing", header: map[string]string{"If-Match": `"1"`}}, [4]int{401, 403, 403, 404}},
		{"import", req{method: "POST", path: "/v1/copy/import", contentType: NDJSONContentType, body: "\n"}, [4]int{401, 403, 403, 422}},
		{"analyze with recommendations", jsonReq("POST", "/v1/analyze", `{"text":"I love new ideas","recommend":{}}`, nil), [4]int{401, 200, 403, 403}},
	}
	secrets := []string{"", secretAnalyze, reader, secretCopy}
	for _, rt := range routes {
		for i, secret := range secrets {
			t.Run(fmt.Sprintf("%s/key%d", rt.name, i), func(t *testing.T) {
				r := rt.r
				r.header = map[string]string{}
				for k, v := range rt.r.header {
					r.header[k] = v
				}
				if secret != "" {
					r.header["Authorization"] = "Bearer " + secret
				}
				a := do(t, s.App(), r)
				if a.status != rt.want[i] {
					t.Errorf("status %d, want %d: %s", a.status, rt.want[i], a.body)
				}
			})
		}
	}
}

// TestCopyOpenAPI: with the copy library on, every route (copy and web
// page included) is documented and every $ref resolves.
func TestCopyOpenAPI(t *testing.T) {
	s, _ := newCopyServer(t, nil)
	a := do(t, s.App(), req{method: "GET", path: "/openapi.json"})
	var doc struct {
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	decodeInto(t, a.body, &doc)
	inApp := map[string]bool{}
	for _, r := range s.App().GetRoutes(true) {
		if r.Method == "HEAD" {
			continue
		}
		p := r.Path
		for _, name := range r.Params {
			p = strings.Replace(p, ":"+name, "{"+name+"}", 1)
		}
		inApp[strings.ToLower(r.Method)+" "+p] = true
		if _, ok := doc.Paths[p][strings.ToLower(r.Method)]; !ok {
			t.Errorf("route %s %s is not in /openapi.json", r.Method, p)
		}
	}
	for _, want := range []string{"get /v1/copy", "post /v1/copy", "get /v1/copy/{id}", "put /v1/copy/{id}", "delete /v1/copy/{id}",
		"post /v1/copy/import", "get /v1/copy/export", "post /v1/recommend", "get /", "get /ui/app.js", "get /ui/style.css", "get /ui/index.html"} {
		if !inApp[want] {
			t.Errorf("%s is not a route", want)
		}
	}
	for p, ops := range doc.Paths {
		for m := range ops {
			if !inApp[m+" "+p] {
				t.Errorf("documented %s %s is not a route", m, p)
			}
		}
	}
	var refs []string
	collectRefs(decodeAny(t, a.body), &refs)
	for _, r := range refs {
		if _, ok := doc.Components.Schemas[strings.TrimPrefix(r, "#/components/schemas/")]; !ok {
			t.Errorf("unresolved $ref %s", r)
		}
	}
	// The statuses each copy route can answer are documented.
	for _, c := range []struct{ path, method, status string }{
		{"/v1/copy", "post", "201"}, {"/v1/copy", "post", "409"}, {"/v1/copy", "post", "422"}, {"/v1/copy", "post", "415"},
		{"/v1/copy/{id}", "get", "304"}, {"/v1/copy/{id}", "get", "404"}, {"/v1/copy/{id}", "put", "412"}, {"/v1/copy/{id}", "put", "428"},
		{"/v1/copy/{id}", "delete", "204"}, {"/v1/copy/{id}", "delete", "412"}, {"/v1/copy", "get", "403"}, {"/v1/copy/import", "post", "413"},
		{"/v1/recommend", "post", "422"},
	} {
		responses, _ := doc.Paths[c.path][c.method]["responses"].(map[string]any)
		if _, ok := responses[c.status]; !ok {
			t.Errorf("%s %s does not document %s", c.method, c.path, c.status)
		}
	}
	// The Problem type enum names the copy problems.
	enum := doc.Components.Schemas["Problem"]["properties"].(map[string]any)["type"].(map[string]any)["enum"].([]any)
	for _, typ := range []string{TypeConflict, TypePreconditionFailed, TypePreconditionRequired} {
		if !slices.Contains(enum, any(typ)) {
			t.Errorf("Problem.type enum lacks %s", typ)
		}
	}
	// The documented variant has every key of a real one.
	props := doc.Components.Schemas["CopyVariant"]["properties"].(map[string]any)
	var v map[string]any
	decodeInto(t, do(t, s.App(), req{method: "GET", path: "/v1/copy/en-open-growth-cta"}).body, &v)
	for k := range v {
		if _, ok := props[k]; !ok {
			t.Errorf("CopyVariant does not document %q", k)
		}
	}
}

// FuzzCopyBodies: no JSON body, however broken, panics or answers other
// than 400 or 422 in the copy decoders.
func FuzzCopyBodies(f *testing.F) {
	for _, seed := range []string{newVariantJSON, `{}`, `{"traits":[1,2]}`, `{"a":1,"a":2}`, `{"created":"x"}`, `[`, `{"profile":{"traits":{"openness":{"score":"x"}}}}`,
		`{"recommend":{"kinds":["cta","x"],"limit":-1}}`, "{\"text\":\"\xff\"}", `{"lang":"en"}{"lang":"fi"}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		check := func(what string, err error) {
			if err == nil {
				return
			}
			p, ok := err.(*Problem)
			if !ok || (p.Status != 400 && p.Status != 422) {
				t.Fatalf("%s: %T %v", what, err, err)
			}
		}
		_, err := decodeVariant(body)
		check("variant", err)
		if members, p := objectMembers(body); p == nil {
			var rr copylib.RecommendRequest
			_ = decodeMembers(members, &rr, "")
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(body, &m) == nil {
			if opts, errs := parseAnalyzeRecommend(m["recommend"]); opts != nil && len(errs) > 0 {
				t.Fatalf("recommend options and errors at once: %+v %+v", opts, errs)
			}
		}
	})
}

// benchCopyServer serves the embedded seed library (every language's
// shipped copy), as `mindprint serve` does on first start.
func benchCopyServer(b *testing.B) *testServer {
	b.Helper()
	lib, err := copylib.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = lib.Close() })
	return newTestServer(b, nil, Deps{Copy: lib})
}

// benchRequests runs requests through the app's handler, without the
// network, and fails on an unexpected status.
func benchRequests(b *testing.B, s *testServer, method string, uris []string, body []byte, want int) {
	h := s.App().Handler()
	var ctx fasthttp.RequestCtx
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.Header.SetMethod(method)
		ctx.Request.SetRequestURI(uris[i%len(uris)])
		if body != nil {
			ctx.Request.Header.SetContentType("application/json")
			ctx.Request.SetBody(body)
		}
		h(&ctx)
		if ctx.Response.StatusCode() != want {
			b.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
		}
		i++
	}
}

// BenchmarkCopySearch measures GET /v1/copy with a text query and a filter
// over the seed library, facets included, through the whole app.
func BenchmarkCopySearch(b *testing.B) {
	s := benchCopyServer(b)
	benchRequests(b, s, "GET", []string{
		"/v1/copy?q=oppimista&lang=fi", "/v1/copy?q=safety&kind=cta", "/v1/copy?q=rozw%C3%B3j&lang=pl&mindset=growth",
		"/v1/copy?lang=lv&trait=neuroticism&pole=high",
	}, nil, 200)
}

// BenchmarkRecommendHandler measures POST /v1/recommend for a profile over
// the seed library, through the whole app.
func BenchmarkRecommendHandler(b *testing.B) {
	s := benchCopyServer(b)
	body := []byte(`{"profile":{"language":{"code":"fi"},"traits":{"openness":{"score":0.6},"neuroticism":{"score":0.3}},` +
		`"mindset":{"label":"mixed","score":0.1}},"kinds":["cta","headline"],"limit":5}`)
	benchRequests(b, s, "POST", []string{"/v1/recommend"}, body, 200)
}
