package copylib

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
)

func TestImport(t *testing.T) {
	l := openFixture(t, WithoutSeed())
	if _, err := l.Create(ctx, newVariant("en-exists", "Old text")); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Create(ctx, newVariant("en-same", "Same text")); err != nil {
		t.Fatal(err)
	}
	in := strings.Join([]string{
		`{"id":"en-new","lang":"en","kind":"cta","text":"Start today","traits":["openness:high"],"mindset":"growth","industries":["travel"],"touchpoint":"push","tags":[]}`,
		``,
		`{"id":"en-exists","lang":"en","kind":"cta","text":"New text","traits":["openness:high"],"mindset":"growth","industries":["travel"],"touchpoint":"push"}`,
		`{"id":"en-same","lang":"en","kind":"cta","text":"Same text","traits":["openness:high"],"mindset":"growth","industries":["travel"],"touchpoint":"push","tags":[]}`,
		`not json`,
		`{"id":"en-bad","lang":"xx","kind":"cta","text":"","traits":[],"mindset":"growth","industries":["travel"],"touchpoint":"push"}`,
		`{"id":"en-typo","lang":"en","kind":"cta","txt":"x"}`,
		`{"lang":"en","kind":"cta","text":"no id","traits":["openness:high"],"mindset":"growth","industries":["travel"],"touchpoint":"push"}`,
		`{"id":"en-types","lang":"en","kind":"cta","text":"x","traits":"openness:high"}`,
		`{"id":"pl-restored","lang":"pl","kind":"body","text":"Przywrócone","traits":["agreeableness:high"],"mindset":"any","industries":["charity"],"touchpoint":"email","tags":[],"created":"2025-01-02T03:04:05Z","updated":"2025-02-03T04:05:06Z","version":7}`,
		`{"id":"en-new","lang":"en","kind":"cta","text":"Start today, again","traits":["openness:high"],"mindset":"growth","industries":["travel"],"touchpoint":"push"} {"x":1}`,
	}, "\n")
	rep, err := l.Import(ctx, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := ImportReport{Created: 2, Updated: 1, Unchanged: 1, Failed: 6, Errors: []LineError{
		{Line: 5, Errors: []FieldError{{Field: "", Message: "not a variant object: invalid character 'o' in literal null (expecting 'u')"}}},
		{Line: 6, ID: "en-bad", Errors: []FieldError{
			{Field: "lang", Message: `unsupported language "xx": want one of en, fi, lv, pl`},
			{Field: "text", Message: "required: the copy must not be empty"},
			{Field: "traits", Message: "required: at least one trait pole, e.g. openness:high"},
		}},
		{Line: 7, Errors: []FieldError{{Field: "txt", Message: `not a variant object: json: unknown field "txt"`}}},
		{Line: 8, Errors: []FieldError{{Field: "id", Message: "required in an import line"}}},
		{Line: 9, Errors: []FieldError{{Field: "traits", Message: "not a variant object: json: cannot unmarshal string into Go struct field Variant.traits of type []string"}}},
		{Line: 11, Errors: []FieldError{{Message: "more than one JSON value on the line"}}},
	}}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if v, _ := l.Get(ctx, "en-exists"); v.Text != "New text" || v.Version != 2 {
		t.Errorf("updated variant: %+v", v)
	}
	if v, _ := l.Get(ctx, "en-same"); v.Version != 1 {
		t.Errorf("unchanged variant got a new version: %+v", v)
	}
	restored, _ := l.Get(ctx, "pl-restored")
	if restored.Version != 7 || !restored.Created.Equal(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("restored variant lost its history: %+v", restored)
	}
	if err := l.Verify(ctx); err != nil {
		t.Error(err)
	}
}

func TestImportLongLine(t *testing.T) {
	l := openFixture(t, WithoutSeed())
	in := `{"id":"en-a","lang":"en","kind":"cta","text":"ok","traits":["openness:high"],"mindset":"growth","industries":["travel"],"touchpoint":"push"}` + "\n" + strings.Repeat("x", MaxImportLineBytes+10) + "\n"
	rep, err := l.Import(ctx, strings.NewReader(in))
	if err == nil || !strings.Contains(err.Error(), "line 2 is longer than") {
		t.Errorf("err = %v", err)
	}
	if rep.Created != 1 {
		t.Errorf("the lines before the long one were not kept: %+v", rep)
	}
}

func TestImportSameIDTwice(t *testing.T) {
	l := openFixture(t, WithoutSeed())
	line := func(text string) string {
		return `{"id":"en-a","lang":"en","kind":"cta","text":"` + text + `","traits":["openness:high"],"mindset":"growth","industries":["travel"],"touchpoint":"push"}`
	}
	rep, err := l.Import(ctx, strings.NewReader(line("one")+"\n"+line("two")+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 1 || rep.Updated != 1 {
		t.Errorf("report %+v", rep)
	}
	if v, _ := l.Get(ctx, "en-a"); v.Text != "two" || v.Version != 2 {
		t.Errorf("last line should win: %+v", v)
	}
}

// TestExportImportRoundTrip exports a library, imports it into an empty one
// and compares every variant, times and versions included.
func TestExportImportRoundTrip(t *testing.T) {
	src := openFixture(t)
	v, _ := src.Get(ctx, "fi-t-kasvu")
	v.Text = "Kasva kokeilemalla – jokainen virhe opettaa jotain uutta."
	if _, err := src.Update(ctx, v, 1); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := src.Export(ctx, &buf, ExportFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if n != src.Len() || strings.Count(buf.String(), "\n") != n {
		t.Fatalf("exported %d lines of %d variants", n, src.Len())
	}
	dst := openFixture(t, WithoutSeed())
	rep, err := dst.Import(ctx, &buf)
	if err != nil || rep.Created != n || rep.Failed != 0 {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	for _, want := range src.view.sorted() {
		id := want.ID
		got, err := dst.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(*want, got); diff != "" {
			t.Errorf("%s (-exported +imported):\n%s", id, diff)
		}
	}
	var lv bytes.Buffer
	if n, err := src.Export(ctx, &lv, ExportFilter{Lang: "lv"}); err != nil || n != 11 {
		t.Errorf("lv export: %d, %v", n, err)
	}
	if strings.Contains(lv.String(), `"lang":"fi"`) {
		t.Error("the lang filter let Finnish through")
	}
	var none bytes.Buffer
	if n, _ := src.Export(ctx, &none, ExportFilter{UpdatedSince: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}); n != 0 {
		t.Errorf("UpdatedSince in the future exported %d", n)
	}
}

func TestExportKeepsUnicode(t *testing.T) {
	l := openFixture(t)
	var buf bytes.Buffer
	if _, err := l.Export(ctx, &buf, ExportFilter{Lang: "pl"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "bezpieczeństwo") || strings.Contains(buf.String(), `\u00`) {
		t.Error("export escapes non-ASCII text")
	}
}

func FuzzImportLine(f *testing.F) {
	f.Add([]byte(`{"id":"en-a","lang":"en","kind":"cta","text":"ok","traits":["openness:high"],"mindset":"growth","industries":["travel"],"touchpoint":"push"}`))
	f.Add([]byte(`{"id":"x","version":-1}`))
	f.Add([]byte(`[1,2,3]`))
	f.Add([]byte(`{"text":"\u0000","tags":[null]}`))
	f.Add([]byte("{\"id\":\"pl-\xff\"}"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		v, lerr := parseImportLine(raw)
		if lerr != nil {
			if len(lerr.Errors) == 0 {
				t.Fatal("a failed line without errors")
			}
			return
		}
		if err := v.Validate(); err != nil || v.ID == "" {
			t.Fatalf("accepted an invalid line: %+v (%v)", v, err)
		}
	})
}

func TestImportContextCancelled(t *testing.T) {
	l := openFixture(t, WithoutSeed())
	c, cancel := context.WithCancel(ctx)
	cancel()
	_, err := l.Import(c, strings.NewReader(`{"id":"en-a"}`+"\n"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

// TestImportFailedChunkCountsNothing: when a chunk's transaction fails, none
// of its lines is stored, so the report must not count them as created.
func TestImportFailedChunkCountsNothing(t *testing.T) {
	l := openFixture(t, WithoutSeed())
	if _, err := l.Create(ctx, newVariant("en-broken", "Was fine")); err != nil {
		t.Fatal(err)
	}
	err := l.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketVariants).Put([]byte("en-broken"), []byte("{not json"))
	})
	if err != nil {
		t.Fatal(err)
	}
	in := `{"id":"en-fresh","lang":"en","kind":"cta","text":"Brand new","traits":["openness:high"],"mindset":"growth","industries":["travel"],"touchpoint":"push"}` + "\n" +
		`{"id":"en-broken","lang":"en","kind":"cta","text":"Replaced","traits":["openness:high"],"mindset":"growth","industries":["travel"],"touchpoint":"push"}` + "\n"
	rep, err := l.Import(ctx, strings.NewReader(in))
	if err == nil || !strings.Contains(err.Error(), `variant "en-broken" is unreadable`) {
		t.Fatalf("err = %v; want the unreadable stored variant", err)
	}
	if diff := cmp.Diff(ImportReport{Errors: []LineError{}}, rep); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if _, err := l.Get(ctx, "en-fresh"); !errors.Is(err, ErrNotFound) {
		t.Errorf("en-fresh after a failed chunk: err = %v; want ErrNotFound", err)
	}
}
