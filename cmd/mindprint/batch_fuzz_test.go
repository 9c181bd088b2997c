package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// FuzzBatchCSV feeds arbitrary bytes to `mindprint batch` as CSV. Whatever
// the input, it must not panic; a run that starts must write valid CSV
// whose rows all have the header's width, in increasing row order.
func FuzzBatchCSV(f *testing.F) {
	for _, seed := range []string{
		"id,text,lang\n1,hello there,en\n",
		"\ufeffid;text;lang\n1;\"a; b\";fi\n2;\"multi\nline\";\n",
		"id\ttext\n1\tŻółw\n2\t\n",
		"text|lang\n\"quoted \"\"inner\"\"\"|pl\nbare\"quote|lv\n",
		"id,text\n1\n2,x,y\n\"unterminated,x\n",
		"text\r\nKöyhä ei ole ÄÖ\r\nİ 🙂 “curly”\r\n",
		"\xff\xfe\x00t",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		code, out, errOut := runBatchCmd(t, bytes.NewReader(data), nil, "--format", "csv", "--out-delimiter", ",", "--quiet", "--errors", "-", "--workers", "2")
		if code != 0 {
			if code != 1 || !strings.HasPrefix(errOut, "mindprint batch: ") {
				t.Fatalf("exit %d with stderr %q", code, errOut)
			}
			return
		}
		r := csv.NewReader(strings.NewReader(out))
		recs, err := r.ReadAll() // also checks that every row has the header's width
		if err != nil {
			t.Fatalf("output is not valid CSV: %v\n%q", err, out)
		}
		if len(recs) == 0 {
			t.Fatalf("no header row in %q", out)
		}
		col := -1
		for i, h := range recs[0] {
			if h == "mindprint_row" {
				col = i
			}
		}
		last := 0
		for _, rec := range recs[1:] {
			n, err := strconv.Atoi(rec[col])
			if err != nil || n <= last {
				t.Fatalf("mindprint_row %q after %d", rec[col], last)
			}
			last = n
		}
	})
}

// FuzzBatchNDJSON feeds arbitrary bytes to `mindprint batch` as NDJSON:
// every output line must be one JSON object, rows in increasing order.
func FuzzBatchNDJSON(f *testing.F) {
	for _, seed := range []string{
		`{"id":"a","text":"hello there","lang":"en"}` + "\n",
		`{"id":1,"text":"Zażółć gęślą jaźń"}` + "\n\n" + `{"text":null}` + "\n",
		"\ufeff{}\n[1]\nnull\n{\"text\":\"x\"} {}\n",
		`{"id":{"a":1},"text":42,"lang":true}`,
		`{"text":"caf` + "\xe9" + `"}`,
		`{"mindprint":1,"text":"t"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		code, out, errOut := runBatchCmd(t, bytes.NewReader(data), nil, "--format", "ndjson", "--quiet", "--errors", "-", "--workers", "2")
		if code != 0 {
			t.Fatalf("exit %d with stderr %q", code, errOut)
		}
		last := 0
		for line := range strings.Lines(out) {
			var obj map[string]json.RawMessage
			if err := json.Unmarshal([]byte(line), &obj); err != nil {
				t.Fatalf("output line is not a JSON object: %v\n%q", err, line)
			}
			n, err := strconv.Atoi(string(obj["mindprint_row"]))
			if err != nil || n <= last {
				t.Fatalf("mindprint_row %s after %d", obj["mindprint_row"], last)
			}
			last = n
			if _, ok := obj["mindprint"]; !ok {
				t.Fatalf("no mindprint member in %q", line)
			}
		}
	})
}

// FuzzCSVLine checks that csvLine writes a record exactly as encoding/csv's
// Writer would.
func FuzzCSVLine(f *testing.F) {
	for _, seed := range []string{"plain", "", " leading space", "a,b", "a;b", "quote \"inside\"", "line\nbreak", "cr\ronly", `\.`, "tab\there", "Zażółć|ğ", "\u00a0nbsp"} {
		f.Add(seed, "second", uint8(0))
	}
	commas := []rune{',', ';', '\t', '|'}
	f.Fuzz(func(t *testing.T, a, b string, which uint8) {
		comma := commas[int(which)%len(commas)]
		var want bytes.Buffer
		w := csv.NewWriter(&want)
		w.Comma = comma
		if err := w.Write([]string{a, b}); err != nil {
			t.Skip(err)
		}
		w.Flush()
		if got := string(csvLine(comma, []string{a, b})); got != want.String() {
			t.Errorf("csvLine(%q, %q, %q) = %q, want %q", comma, a, b, got, want.String())
		}
	})
}
