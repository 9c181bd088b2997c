package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mindprint/mindprint/classifier"
)

// runBatchCmd runs `mindprint batch args...` in this process with stdin
// and returns the exit code, standard output and standard error.
func runBatchCmd(t testing.TB, stdin io.Reader, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errOut bytes.Buffer
	e := &environ{stdin: stdin, stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }}
	code := run(context.Background(), e, append([]string{"batch"}, args...))
	return code, out.String(), errOut.String()
}

// readCSV parses a whole CSV text, failing the test if it is not valid.
func readCSV(t testing.TB, data string, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(data))
	r.Comma = comma
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("output is not valid CSV: %v\n%s", err, data)
	}
	return recs
}

// pick returns the named columns of every data row of a CSV with a header.
func pick(t testing.TB, recs [][]string, cols ...string) [][]string {
	t.Helper()
	if len(recs) == 0 {
		t.Fatal("no header row")
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = slices.Index(recs[0], c)
		if idx[i] < 0 {
			t.Fatalf("no column %q in %q", c, recs[0])
		}
	}
	var out [][]string
	for _, r := range recs[1:] {
		row := make([]string, len(cols))
		for i, j := range idx {
			row[i] = r[j]
		}
		out = append(out, row)
	}
	return out
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBatchCSV(t *testing.T) {
	const bom = "\ufeff"
	tests := []struct {
		name  string
		in    string
		args  []string
		comma rune
		// want: the input columns named in cols, then mindprint_row,
		// mindprint_error and language, for every output row.
		cols []string
		want [][]string
		// wantErrs: row, line, id, field and code of each problem.
		wantErrs [][]string
	}{{
		name: "quotes and delimiters inside fields",
		in:   "id,text,lang\n1,\"She said \"\"hi\"\", then left, smiling\",en\n2,'single' quotes stay,en\n",
		cols: []string{"id", "text"},
		want: [][]string{
			{"1", `She said "hi", then left, smiling`, "1", "", "en"},
			{"2", "'single' quotes stay", "2", "", "en"},
		},
	}, {
		name: "embedded newlines and CRLF line endings",
		in:   "id,text,lang\r\n1,\"first line\r\nsecond line\r\nthird\",fi\r\n2,plain row,fi\r\n3,,fi\r\n",
		cols: []string{"id", "text"},
		want: [][]string{
			{"1", "first line\nsecond line\nthird", "1", "", "fi"},
			{"2", "plain row", "2", "", "fi"},
			{"3", "", "3", "empty_text", ""},
		},
		wantErrs: [][]string{{"3", "6", "3", "text", "empty_text"}},
	}, {
		name: "byte order mark",
		in:   bom + "id,text,lang\nb1,Tekst z BOM na początku pliku,pl\n",
		cols: []string{"id", "text"},
		want: [][]string{{"b1", "Tekst z BOM na początku pliku", "1", "", "pl"}},
	}, {
		name:  "semicolon delimiter with commas and semicolons in quoted text",
		in:    bom + "id;text;lang\n1;\"Hyvä, nopea; luotettava\";fi\n2;Ei pilkkuja, vain yksi;fi\n",
		comma: ';',
		cols:  []string{"id", "text"},
		want: [][]string{
			{"1", "Hyvä, nopea; luotettava", "1", "", "fi"},
			{"2", "Ei pilkkuja, vain yksi", "2", "", "fi"},
		},
	}, {
		name:  "tab delimiter",
		in:    "id\ttext\tlang\n1\tLabs, ātrs serviss\tlv\n",
		comma: '\t',
		cols:  []string{"id", "text"},
		want:  [][]string{{"1", "Labs, ātrs serviss", "1", "", "lv"}},
	}, {
		name:  "pipe delimiter",
		in:    "id|text|lang\n1|commas, here|en\n",
		comma: '|',
		cols:  []string{"id", "text"},
		want:  [][]string{{"1", "commas, here", "1", "", "en"}},
	}, {
		name: "ragged rows are reported and left out",
		in:   "id,text,lang,extra\n1,fine,en,x\n2,too few,en\n3,too,many,en,x,y\n4,\"fine, again\",en,x\n",
		cols: []string{"id", "text", "extra"},
		want: [][]string{
			{"1", "fine", "x", "1", "", "en"},
			{"4", "fine, again", "x", "4", "", "en"},
		},
		wantErrs: [][]string{
			{"2", "3", "2", "row", "ragged_row"},
			{"3", "4", "3", "row", "ragged_row"},
		},
	}, {
		name: "broken quotes are reported and the run goes on",
		in:   "id,text,lang\n1,a \"bare\" quote,en\n2,\"closed\"then more,en\n3,after the damage,en\n",
		cols: []string{"id", "text"},
		want: [][]string{{"3", "after the damage", "3", "", "en"}},
		wantErrs: [][]string{
			{"1", "2", "1", "row", "csv_syntax"},
			{"2", "3", "2", "row", "csv_syntax"},
		},
	}, {
		name: "blank lines are not rows",
		in:   "id,text,lang\n\n1,one,en\n\n\n2,two,en\n",
		cols: []string{"id"},
		want: [][]string{{"1", "1", "", "en"}, {"2", "2", "", "en"}},
	}, {
		name: "text problems keep the row; language problems name the column",
		in:   "id,text,lang\n1,   ,en\n2,Das Produkt ist gut und kam schnell an,de\n3,some text,xx\n4,Olen tyytyväinen,FI\n",
		cols: []string{"id"},
		want: [][]string{
			{"1", "1", "empty_text", ""},
			{"2", "2", "unsupported_language", "de"},
			{"3", "3", "invalid_language", ""},
			{"4", "4", "", "fi"},
		},
		wantErrs: [][]string{
			{"1", "2", "1", "text", "empty_text"},
			{"2", "3", "2", "text", "unsupported_language"},
			{"3", "4", "3", "lang", "invalid_language"},
		},
	}, {
		name: "invalid UTF-8 is a broken row",
		in:   "id,text,lang\n1,caf\xe9 latin-1,en\n2,ok,en\n",
		cols: []string{"id"},
		want: [][]string{{"2", "2", "", "en"}},
		wantErrs: [][]string{
			{"1", "2", "1", "text", "invalid_utf8"},
		},
	}, {
		name: "unicode traps survive byte for byte",
		in: "id,text,lang\n" +
			"fi,Älä höpötä – ÄÖÅ äöå,fi\n" +
			"pl,\"Zażółć gęślą jaźń, ŁÓDŹ\",pl\n" +
			"lv,\"Ķēniņš šūpo ļaudis, ĀĒĪŪ\",lv\n" +
			"tr,\"İstanbul’da “tırnak” 🙂👍🏽\",en\n",
		cols: []string{"id", "text"},
		want: [][]string{
			{"fi", "Älä höpötä – ÄÖÅ äöå", "1", "", "fi"},
			{"pl", "Zażółć gęślą jaźń, ŁÓDŹ", "2", "", "pl"},
			{"lv", "Ķēniņš šūpo ļaudis, ĀĒĪŪ", "3", "", "lv"},
			{"tr", "İstanbul’da “tırnak” 🙂👍🏽", "4", "", "en"},
		},
	}, {
		name: "no id column: problems have no id",
		in:   "text,lang\n,en\nfine,en\n",
		cols: []string{"text"},
		want: [][]string{{"", "1", "empty_text", ""}, {"fine", "2", "", "en"}},
		wantErrs: [][]string{
			{"1", "2", "", "text", "empty_text"},
		},
	}, {
		name: "header names match ignoring case and spaces",
		in:   "ID, Text ,LANG\n7,case-insensitive header,en\n",
		args: []string{"--text-col", "text"},
		cols: []string{"ID"},
		want: [][]string{{"7", "1", "", "en"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			in, out := filepath.Join(dir, "in.csv"), filepath.Join(dir, "out.csv")
			if err := os.WriteFile(in, []byte(tt.in), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, errOut := runBatchCmd(t, nil, nil, append([]string{"--in", in, "--out", out, "--quiet"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			comma := tt.comma
			if comma == 0 {
				comma = ','
			}
			recs := readCSV(t, readFile(t, out), comma)
			got := pick(t, recs, append(tt.cols, "mindprint_row", "mindprint_error", "language")...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("output rows (-want +got):\n%s", diff)
			}
			errs := readCSV(t, readFile(t, filepath.Join(dir, "out.errors.csv")), comma)
			if diff := cmp.Diff(errorsHeader, errs[0]); diff != "" {
				t.Errorf("errors header (-want +got):\n%s", diff)
			}
			gotErrs := pick(t, errs, "row", "line", "id", "field", "code")
			if diff := cmp.Diff(tt.wantErrs, gotErrs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBatchCSVColumns checks the added columns by name and the format of
// every number, with every group and two texts scored separately.
func TestBatchCSVColumns(t *testing.T) {
	in := "id;review;chat\n" +
		"1;I want to improve and grow, and I love exploring new ideas.;\n" +
		"2;Kehityn ja kasvan joka päivä;Proven and top rated, the best of the best\n"
	code, out, errOut := runBatchCmd(t, strings.NewReader(in), nil,
		"--text-col", "review,chat", "--texts", "separate", "--columns", "all", "--prefix", "mp_", "--out-delimiter", ",", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs := readCSV(t, out, ',')
	var want []string
	want = append(want, "id", "review", "chat", "mp_mindprint_row")
	for _, unit := range []string{"review", "chat"} {
		p := "mp_" + unit + "_"
		want = append(want, p+"mindprint_error", p+"language", p+"language_confidence", p+"language_source", p+"words")
		for _, tr := range classifier.AllTraits {
			want = append(want, p+string(tr)+"_score", p+string(tr)+"_confidence", p+string(tr)+"_percentile")
		}
		want = append(want, p+"mindset_label", p+"mindset_score", p+"mindset_confidence", p+"flags")
		for _, tr := range classifier.AllTraits {
			want = append(want, p+string(tr)+"_evidence")
		}
		want = append(want, p+"mindset_evidence")
	}
	want = append(want, "mp_lexicon_version")
	if diff := cmp.Diff(want, recs[0]); diff != "" {
		t.Fatalf("header (-want +got):\n%s", diff)
	}
	fixed := regexp.MustCompile(`^-?[01]\.\d{3}$`)
	for _, row := range recs[1:] {
		if len(row) != len(want) {
			t.Fatalf("row has %d fields, header %d", len(row), len(want))
		}
		for i, name := range recs[0] {
			v := row[i]
			switch {
			case v == "":
			case strings.HasSuffix(name, "_score"), strings.HasSuffix(name, "_confidence"):
				if !fixed.MatchString(v) {
					t.Errorf("row %s %s = %q, want -d.ddd", row[0], name, v)
				}
			case strings.HasSuffix(name, "_percentile"):
				if p, err := strconv.Atoi(v); err != nil || p < 0 || p > 100 {
					t.Errorf("row %s %s = %q, want 0..100", row[0], name, v)
				}
			case strings.HasSuffix(name, "_evidence"):
				var ev []classifier.Evidence
				if err := json.Unmarshal([]byte(v), &ev); err != nil {
					t.Errorf("row %s %s = %q: %v", row[0], name, v, err)
				}
				text := row[slices.Index(recs[0], strings.TrimPrefix(strings.Split(name, "_")[1], "mp_"))]
				for _, e := range ev {
					if e.Start < 0 || e.End > len(text) || text[e.Start:e.End] != e.Text {
						t.Errorf("row %s %s: evidence %q at %d:%d does not point into %q", row[0], name, e.Text, e.Start, e.End, text)
					}
				}
			}
		}
	}
	got := pick(t, recs, "id", "mp_review_mindprint_error", "mp_chat_mindprint_error", "mp_chat_language", "mp_review_mindset_label")
	wantCells := [][]string{
		{"1", "", "empty_text", "", "growth"},
		{"2", "", "", "en", "growth"},
	}
	if diff := cmp.Diff(wantCells, got); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	if !strings.Contains(recs[1][slices.Index(recs[0], "mp_review_mindset_evidence")], `"pole":"growth"`) {
		t.Errorf("row 1 has no growth evidence: %q", recs[1])
	}
}

// TestBatchJoinedTexts scores two columns as one text: offsets point into
// the texts joined by a blank line, and an empty column is skipped.
func TestBatchJoinedTexts(t *testing.T) {
	in := `{"id":"j1","review":"Fast delivery.","chat":"I want to improve and grow."}` + "\n" +
		`{"id":"j2","review":"","chat":"I want to improve and grow."}` + "\n" +
		`{"id":"j3","review":null}` + "\n"
	code, out, errOut := runBatchCmd(t, strings.NewReader(in), nil, "--text-col", "review,chat", "--errors", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3:\n%s", len(lines), out)
	}
	joined := []string{"Fast delivery.\n\nI want to improve and grow.", "I want to improve and grow."}
	for i, text := range joined {
		var got struct {
			Mindprint classifier.Result `json:"mindprint"`
		}
		if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Mindprint.Mindset.Evidence) == 0 {
			t.Fatalf("line %d: no mindset evidence in %s", i+1, lines[i])
		}
		for _, e := range got.Mindprint.Mindset.Evidence {
			if text[e.Start:e.End] != e.Text {
				t.Errorf("line %d: evidence %q at %d:%d, text there is %q", i+1, e.Text, e.Start, e.End, text[e.Start:e.End])
			}
		}
	}
	if !strings.Contains(lines[2], `"mindprint":{"error":{"code":"empty_text","field":"review+chat"`) {
		t.Errorf("line 3 = %s", lines[2])
	}
	if !strings.Contains(errOut, `row 3 (line 3, id "j3"): review+chat: empty_text`) {
		t.Errorf("stderr lacks the problem of row 3:\n%s", errOut)
	}
}

func TestBatchNDJSON(t *testing.T) {
	long := `{"id":"long","text":"` + strings.Repeat("a", maxNDJSONLine) + `"}`
	tests := []struct {
		name string
		in   string
		args []string
		// want: per output line, the input object as it must appear, the
		// row and the language code or the error code.
		want     [][3]string
		wantErrs [][]string // row, line, id, field, code
	}{{
		name: "members kept byte for byte, numbers as ids, blank lines skipped",
		in: `{"id": 17, "text":"Olen utelias ja luova", "lang":"fi", "crm": {"tier":[1,2], "note":"ä"}}` + "\n\n" +
			`  {"text":"Ķēniņš šūpo","lang":"lv"}  ` + "\r\n",
		want: [][3]string{
			{`{"id": 17, "text":"Olen utelias ja luova", "lang":"fi", "crm": {"tier":[1,2], "note":"ä"}`, "1", "fi"},
			{`{"text":"Ķēniņš šūpo","lang":"lv"`, "2", "lv"},
		},
	}, {
		name: "bad lines are reported and skipped",
		in: "not json\n[1,2]\n{\"id\":\"a\",\"text\":\"ok\"} trailing\n{\"id\":{\"x\":1},\"text\":\"t\"}\n" +
			"{\"id\":\"b\",\"text\":\"caf\xe9\"}\n{\"id\":\"c\",\"text\":\"fine\",\"lang\":\"en\"}\n{\"id\":\"d\",\"text\":\"unterminated\n",
		want: [][3]string{{`{"id":"c","text":"fine","lang":"en"`, "6", "en"}},
		wantErrs: [][]string{
			{"1", "1", "", "row", "invalid_json"},
			{"2", "2", "", "row", "invalid_json"},
			{"3", "3", "", "row", "invalid_json"},
			{"4", "4", "", "id", "invalid_field"},
			{"5", "5", "", "row", "invalid_utf8"},
			{"7", "7", "", "row", "invalid_json"},
		},
	}, {
		name: "wrong types and missing texts keep the line",
		in:   `{"id":"n","text":42}` + "\n" + `{"id":"m"}` + "\n" + `{}` + "\n" + `{"id":"l","text":"fine","lang":7}` + "\n",
		want: [][3]string{
			{`{"id":"n","text":42`, "1", "invalid_field"},
			{`{"id":"m"`, "2", "empty_text"},
			{`{`, "3", "empty_text"},
			{`{"id":"l","text":"fine","lang":7`, "4", "invalid_language"},
		},
		wantErrs: [][]string{
			{"1", "1", "n", "text", "invalid_field"},
			{"2", "2", "m", "text", "empty_text"},
			{"3", "3", "", "text", "empty_text"},
			{"4", "4", "l", "lang", "invalid_language"},
		},
	}, {
		name: "a line over the limit is skipped, not buffered",
		in:   long + "\n" + `{"id":"after","text":"still here","lang":"en"}` + "\n",
		want: [][3]string{{`{"id":"after","text":"still here","lang":"en"`, "2", "en"}},
		wantErrs: [][]string{
			{"1", "1", "", "row", "line_too_long"},
		},
	}, {
		name: "an input that has our field is refused unless prefixed",
		in:   `{"id":"p","text":"fine","lang":"en","mindprint":1}` + "\n",
		wantErrs: [][]string{
			{"1", "1", "p", "mindprint", "field_conflict"},
		},
	}, {
		name: "with a prefix it goes through",
		in:   `{"id":"p","text":"fine","lang":"en","mindprint":1}` + "\n",
		args: []string{"--prefix", "mp_"},
		want: [][3]string{{`{"id":"p","text":"fine","lang":"en","mindprint":1`, "1", "en"}},
	}, {
		name: "byte order mark",
		in:   "\ufeff" + `{"id":"bom","text":"fine","lang":"en"}`,
		want: [][3]string{{`{"id":"bom","text":"fine","lang":"en"`, "1", "en"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			in, out := filepath.Join(dir, "in.ndjson"), filepath.Join(dir, "out.ndjson")
			if err := os.WriteFile(in, []byte(tt.in), 0o644); err != nil {
				t.Fatal(err)
			}
			code, _, errOut := runBatchCmd(t, nil, nil, append([]string{"--in", in, "--out", out, "--quiet"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			rowKey, resKey := `"mindprint_row"`, `"mindprint"`
			if slices.Contains(tt.args, "--prefix") {
				rowKey, resKey = `"mp_mindprint_row"`, `"mp_mindprint"`
			}
			var got [][3]string
			for line := range strings.Lines(readFile(t, out)) {
				var obj map[string]json.RawMessage
				if err := json.Unmarshal([]byte(line), &obj); err != nil {
					t.Fatalf("output line is not JSON: %v\n%s", err, line)
				}
				i := strings.Index(line, rowKey)
				if i < 0 {
					t.Fatalf("no %s in %s", rowKey, line)
				}
				prefix := strings.TrimSuffix(line[:i], ",")
				var res struct {
					Language struct{ Code string }
					Error    struct{ Code string }
				}
				json.Unmarshal(obj[strings.Trim(resKey, `"`)], &res)
				outcome := res.Language.Code + res.Error.Code
				got = append(got, [3]string{prefix, string(obj[strings.Trim(rowKey, `"`)]), outcome})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			var gotErrs [][]string
			for line := range strings.Lines(readFile(t, filepath.Join(dir, "out.errors.ndjson"))) {
				var e struct {
					Row, Line int
					ID        string
					Error     batchProblem
				}
				if err := json.Unmarshal([]byte(line), &e); err != nil {
					t.Fatalf("errors line is not JSON: %v\n%s", err, line)
				}
				gotErrs = append(gotErrs, []string{strconv.Itoa(e.Row), strconv.Itoa(e.Line), e.ID, e.Error.Field, e.Error.Code})
			}
			if diff := cmp.Diff(tt.wantErrs, gotErrs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBatchSeparateNDJSON scores two fields apart: one result per field
// under "mindprint", in --text-col order.
func TestBatchSeparateNDJSON(t *testing.T) {
	in := `{"id":"s1","review":"Toimitus oli nopea ja paketti tuli ehjänä perille.","chat":""}` + "\n"
	code, out, errOut := runBatchCmd(t, strings.NewReader(in), nil, "--text-col", "chat,review", "--texts", "separate", "--lang-col", "", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Mindprint map[string]json.RawMessage `json:"mindprint"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"mindprint":{"chat":{"error":{"code":"empty_text","field":"chat"`) {
		t.Errorf("chat should come first, with its error: %s", out)
	}
	var review classifier.Result
	if err := json.Unmarshal(got.Mindprint["review"], &review); err != nil || review.Language.Code != "fi" || review.ID != "s1" {
		t.Errorf("review result %+v (%v)", review, err)
	}
}

func TestBatchStartErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no text column", []string{"--in", write("a.csv", "id,body\n1,x\n")}, 1, `in.csv:1: no column "text" for --text-col; the header has "id", "body"`},
		{"missing id column that was asked for", []string{"--in", write("b.csv", "text\nx\n"), "--id-col", "crm_id"}, 1, `no column "crm_id" for --id-col`},
		{"column twice", []string{"--in", write("c.csv", "text,text\nx,y\n")}, 1, `column "text" appears twice in the header (columns 1 and 2)`},
		{"clash with an added column", []string{"--in", write("d.csv", "text,language\nx,en\n")}, 1, `the input already has a column "language"; give --prefix`},
		{"empty file", []string{"--in", write("e.csv", "")}, 1, "is empty: a CSV input needs a header row"},
		{"UTF-16", []string{"--in", write("f.csv", "\xff\xfei\x00d\x00")}, 1, "is UTF-16; save it as UTF-8"},
		{"columns with NDJSON", []string{"--in", write("g.ndjson", "{}\n"), "--columns", "traits"}, 1, "--columns chooses CSV columns"},
		{"missing input", []string{"--in", filepath.Join(dir, "nope.csv")}, 1, "no such file"},
		{"bad shard", []string{"--shard", "4/4"}, 2, `--shard: "4/4": i="4" must be a whole number from 0 to 3`},
		{"shard without a number", []string{"--shard", "2"}, 2, `want i/N`},
		{"auto shard outside Kubernetes", []string{"--shard", "auto/3"}, 2, "JOB_COMPLETION_INDEX is not set"},
		{"{shard} without a shard", []string{"--out", "part-{shard}.csv"}, 2, "has {shard} but no --shard"},
		{"unknown column group", []string{"--columns", "traits,vibes"}, 2, `unknown group "vibes"`},
		{"bad texts mode", []string{"--texts", "both"}, 2, "want join or separate"},
		{"quote as delimiter", []string{"--delimiter", `"`}, 2, "cannot separate CSV fields"},
		{"resume to standard output", []string{"--resume", "--out", "-"}, 2, "--resume needs --out FILE"},
		{"output over the input", []string{"--in", write("h.csv", "text\nx\n"), "--out", filepath.Join(dir, "h.csv")}, 2, "is the input file"},
		{"stray argument", []string{"file.csv"}, 2, `unexpected argument "file.csv"`},
		{"default errors file over the input", []string{"--in", write("out.errors.csv", "text\nx\n")}, 1, "the default errors file " + filepath.Join(dir, "out.errors.csv") + " is the input file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--out", filepath.Join(dir, "out.csv")}, tt.args...)
			code, _, errOut := runBatchCmd(t, nil, nil, args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			if !strings.Contains(strings.ReplaceAll(errOut, filepath.Join(dir, "a.csv"), "in.csv"), tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, errOut)
			}
		})
	}
}

func TestDetectDelimiter(t *testing.T) {
	tests := []struct {
		name string
		head string
		want rune
	}{
		{"comma", "id,text,lang\n1;2;3;4;5\n", ','},
		{"semicolon", "id;text;lang\n", ';'},
		{"tab", "id\ttext\tlang\n", '\t'},
		{"pipe", "id|text|lang", '|'},
		{"quoted delimiters do not count", "\"a;b;c;d\",text,lang\n", ','},
		{"quoted newline in the header", "\"multi\nline;;;\";text;lang\n", ';'},
		{"one column", "text\nhello, world\n", ','},
		{"empty", "", ','},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := detectDelimiter([]byte(tt.head)); got != tt.want {
				t.Errorf("detectDelimiter(%q) = %q, want %q", tt.head, got, tt.want)
			}
		})
	}
}

func TestFormatFixed(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0.000"},
		{-0.0001, "0.000"},
		{0.5, "0.500"},
		{-0.4285, "-0.429"},
		{1, "1.000"},
		{1e-9, "0.000"},
		{0.1 + 0.2, "0.300"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := formatFixed(tt.in); got != tt.want {
				t.Errorf("formatFixed(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseShard(t *testing.T) {
	env := map[string]string{"JOB_COMPLETION_INDEX": "2"}
	tests := []struct {
		in      string
		want    shardSpec
		wantErr string
	}{
		{"", shardSpec{}, ""},
		{"0/1", shardSpec{0, 1}, ""},
		{"3/4", shardSpec{3, 4}, ""},
		{"auto/3", shardSpec{2, 3}, ""},
		{"auto/2", shardSpec{}, `JOB_COMPLETION_INDEX="2" must be a whole number from 0 to 1`},
		{"-1/4", shardSpec{}, "from 0 to 3"},
		{"1/0", shardSpec{}, "N must be"},
		{"a/b", shardSpec{}, "N must be"},
		{"1", shardSpec{}, "want i/N"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseShard(tt.in, func(k string) string { return env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// TestShardOf pins the hash: changing it would move rows between shards of
// runs already under way.
func TestShardOf(t *testing.T) {
	counts := make([]int, 4)
	for i := range 4000 {
		counts[shardOf(fmt.Sprintf("crm-%d", i), i+1, 4)]++
	}
	for s, n := range counts {
		if n < 850 || n > 1150 {
			t.Errorf("shard %d got %d of 4000 ids; FNV-1a should spread them evenly", s, n)
		}
	}
	// FNV-1a 64 of "crm-1" is 0xf96dbe9efeee412d (computed with Python, outside Go).
	if got := shardOf("crm-1", 99, 1000); got != int(uint64(0xf96dbe9efeee412d)%1000) {
		t.Errorf("shardOf(crm-1) = %d", got)
	}
	if shardOf("", 17, 7) != shardOf("17", 1, 7) {
		t.Error("a row without an id must hash its row number in decimal")
	}
}

// batchSentences are short review sentences written for these tests, per
// language; genBatchCSV combines them into reviews.
var batchSentences = map[string][]string{
	"en": {
		"The delivery was quick and the box arrived undamaged.",
		"I keep learning new tricks with this camera every weekend.",
		"The app crashed twice and I felt anxious about my data.",
		"Great value, and the staff were friendly and helpful.",
		"I like to plan everything, and this planner keeps me organised.",
		"Top rated for a reason: proven quality that lasts.",
		"We had a fun evening with friends; the music was loud and lively.",
		"Support answered fast, but the refund took three weeks.",
	},
	"fi": {
		"Toimitus oli nopea ja paketti tuli ehjänä perille.",
		"Opin joka viikko jotain uutta tämän kameran kanssa.",
		"Sovellus kaatui kahdesti ja olin huolissani tiedoistani.",
		"Hyvä hinta-laatusuhde, ja henkilökunta oli ystävällistä.",
		"Suunnittelen mielelläni kaiken etukäteen, ja tämä kalenteri pitää minut järjestyksessä.",
		"Kokeilin uutta reseptiä ja kehityin kokkina.",
		"Asiakaspalvelu vastasi nopeasti, mutta hyvitys kesti viikkoja.",
	},
	"lv": {
		"Piegāde bija ātra, un kaste pienāca nesabojāta.",
		"Katru nedēļu iemācos kaut ko jaunu ar šo kameru.",
		"Lietotne divreiz avarēja, un es uztraucos par saviem datiem.",
		"Laba cena, un darbinieki bija draudzīgi un izpalīdzīgi.",
		"Man patīk visu plānot, un šis plānotājs palīdz man uzturēt kārtību.",
		"Atbalsts atbildēja ātri, bet naudas atmaksa aizņēma vairākas nedēļas.",
	},
	"pl": {
		"Dostawa była szybka, a paczka dotarła nieuszkodzona.",
		"Co tydzień uczę się czegoś nowego z tym aparatem.",
		"Aplikacja dwa razy się zawiesiła i martwiłem się o swoje dane.",
		"Dobra cena, a obsługa była miła i pomocna.",
		"Lubię wszystko planować, a ten kalendarz pomaga mi zachować porządek.",
		"Wsparcie odpowiedziało szybko, ale zwrot pieniędzy trwał tygodniami.",
	},
}

var batchLangs = []string{"en", "fi", "lv", "pl"}

// genReview is review number i: two or three sentences of one language.
func genReview(rng *rand.Rand, i int) (lang, text string) {
	lang = batchLangs[i%len(batchLangs)]
	pool := batchSentences[lang]
	n := 2 + rng.IntN(2)
	parts := make([]string, n)
	for k := range parts {
		parts[k] = pool[rng.IntN(len(pool))]
	}
	return lang, strings.Join(parts, " ")
}

// genBatchCSV writes rows reviews as CSV (id, customer, review; no language
// column, so every text is detected). With edges, some rows have quoted
// newlines, some are empty, some ragged and some have a broken quote.
func genBatchCSV(w io.Writer, rows int, seed uint64, edges bool) error {
	rng := rand.New(rand.NewPCG(seed, 1))
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"id", "customer", "review"}); err != nil {
		return err
	}
	for i := 1; i <= rows; i++ {
		id := fmt.Sprintf("crm-%06d", i)
		_, text := genReview(rng, i)
		switch {
		case edges && i%53 == 0:
			cw.Flush()
			fmt.Fprintf(w, "%s,ragged row\n", id)
			continue
		case edges && i%97 == 0:
			cw.Flush()
			fmt.Fprintf(w, "%s,broken,\"quote\"here\n", id)
			continue
		case edges && i%71 == 0:
			text = ""
		case edges && i%37 == 0:
			text = strings.Replace(text, ". ", ".\r\n\"Quoted\", she said.\n", 1)
		}
		if err := cw.Write([]string{id, fmt.Sprintf("customer %d", i%1000), text}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// TestBatchShards splits one export three ways: every row lands in exactly
// one shard, as the same line the unsharded run writes, and so does every
// problem.
func TestBatchShards(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	var data bytes.Buffer
	if err := genBatchCSV(&data, 240, 7, true); err != nil {
		t.Fatal(err)
	}
	// Some rows without an id: they hash their row number.
	withBlanks := strings.ReplaceAll(data.String(), "crm-000011,", ",")
	withBlanks = strings.ReplaceAll(withBlanks, "crm-000012,", ",")
	if err := os.WriteFile(in, []byte(withBlanks), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) {
		t.Helper()
		code, _, errOut := runBatchCmd(t, nil, map[string]string{"JOB_COMPLETION_INDEX": "1"}, append([]string{"--in", in, "--text-col", "review", "--quiet"}, args...)...)
		if code != 0 {
			t.Fatalf("batch %q: exit %d: %s", args, code, errOut)
		}
	}
	run("--out", filepath.Join(dir, "all.csv"))
	all := readCSV(t, readFile(t, filepath.Join(dir, "all.csv")), ',')
	allErrs := readCSV(t, readFile(t, filepath.Join(dir, "all.errors.csv")), ',')

	const n = 3
	for i := range n {
		shard := fmt.Sprintf("%d/%d", i, n)
		if i == 1 {
			shard = "auto/3" // JOB_COMPLETION_INDEX=1
		}
		run("--out", filepath.Join(dir, "part-{shard}.csv"), "--shard", shard)
	}
	rowCol := slices.Index(all[0], "mindprint_row")
	seen := map[string]int{}
	var union [][]string
	var unionErrs [][]string
	for i := range n {
		part := readCSV(t, readFile(t, filepath.Join(dir, fmt.Sprintf("part-%d.csv", i))), ',')
		if diff := cmp.Diff(all[0], part[0]); diff != "" {
			t.Fatalf("shard %d header (-want +got):\n%s", i, diff)
		}
		if len(part) < 40 {
			t.Errorf("shard %d has only %d rows of 240", i, len(part)-1)
		}
		for _, r := range part[1:] {
			seen[r[rowCol]]++
			union = append(union, r)
		}
		errs := readCSV(t, readFile(t, filepath.Join(dir, fmt.Sprintf("part-%d.errors.csv", i))), ',')
		unionErrs = append(unionErrs, errs[1:]...)
	}
	for row, c := range seen {
		if c != 1 {
			t.Errorf("row %s is in %d shards", row, c)
		}
	}
	byRow := func(a, b []string) int {
		x, _ := strconv.Atoi(a[0])
		y, _ := strconv.Atoi(b[0])
		return x - y
	}
	slices.SortStableFunc(union, func(a, b []string) int { return byRow([]string{a[rowCol]}, []string{b[rowCol]}) })
	if diff := cmp.Diff(all[1:], union); diff != "" {
		t.Errorf("the shards together differ from the whole (-whole +shards):\n%s", diff)
	}
	slices.SortStableFunc(unionErrs, byRow)
	if diff := cmp.Diff(allErrs[1:], unionErrs); diff != "" {
		t.Errorf("the shards' problems differ from the whole's (-whole +shards):\n%s", diff)
	}
}

// TestBatchProgress checks the plain lines written when standard error is
// not a terminal, the bar's format, and --quiet.
func TestBatchProgress(t *testing.T) {
	var buf syncBuffer
	p := &batchProgress{w: &buf, every: 5 * time.Millisecond}
	p.begin(1000, 0, 0)
	p.update(40, 400)
	time.Sleep(50 * time.Millisecond)
	p.finish()
	if !regexp.MustCompile(`(?m)^mindprint batch:  40\.0%  40 rows  \d+ rows/s  ETA \S+$`).MatchString(buf.String()) {
		t.Errorf("no plain progress line for 40 rows in %q", buf.String())
	}

	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	bar := &batchProgress{terminal: true, total: 1000, start: start}
	bar.rows.Store(250)
	bar.offset.Store(250)
	if got, want := bar.line(start.Add(10*time.Second)), "[######------------------]  25.0%  250 rows  25 rows/s  ETA 30s"; got != want {
		t.Errorf("bar\n got %q\nwant %q", got, want)
	}
	stream := &batchProgress{start: start}
	stream.rows.Store(90)
	if got, want := stream.line(start.Add(3*time.Second)), "90 rows  30 rows/s"; got != want {
		t.Errorf("unknown size: got %q, want %q", got, want)
	}

	var quiet syncBuffer
	q := &batchProgress{w: &quiet, every: time.Millisecond, quiet: true}
	q.begin(10, 0, 0)
	time.Sleep(10 * time.Millisecond)
	q.finish()
	if quiet.String() != "" {
		t.Errorf("--quiet printed %q", quiet.String())
	}
}

// syncBuffer is a bytes.Buffer safe for the progress goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
