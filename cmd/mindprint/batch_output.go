package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mindprint/mindprint/classifier"
)

// batchProblem is one problem with one record, as the errors file reports
// it. Field is the input column or field at fault, or "row" for the record
// as a whole.
type batchProblem struct {
	Code    string `json:"code"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Codes of record problems found by batch itself; the analyzer's own
// (empty_text, invalid_language, ...) and the language flags
// (unsupported_language, undetermined_language) are reported as they are.
const (
	problemRagged       = "ragged_row"
	problemCSVSyntax    = "csv_syntax"
	problemInvalidJSON  = "invalid_json"
	problemInvalidField = "invalid_field"
	problemFieldClash   = "field_conflict"
	problemInternal     = "internal"
)

// batchItem is a record on its way through the pipeline, with what the
// reader learned about it: its id, and an NDJSON line's members.
type batchItem struct {
	rec batchRecord
	id  string
	obj map[string]json.RawMessage
}

// batchOutcome is what one record produced.
type batchOutcome struct {
	out      []byte   // output bytes; nil for a broken record
	errs     []byte   // errors file bytes
	problems []string // problem codes, once per distinct problem
	langs    []string // language codes of the analysed texts
	keys     []string // code and field of each problem, to report each once
}

// batchUnit is one analysed text: a result, a problem, or both (a text in a
// language without a lexicon has a result and a problem).
type batchUnit struct {
	res     *classifier.Result
	problem *batchProblem
}

// scored reports whether the unit has trait and mindset scores.
func (u *batchUnit) scored() bool {
	if u.res == nil {
		return false
	}
	for _, f := range u.res.Flags {
		if f == classifier.FlagUnsupportedLanguage || f == classifier.FlagUndeterminedLanguage {
			return false
		}
	}
	return true
}

// batchCell is one added CSV column of a unit: its name and how to fill it.
type batchCell struct {
	name  string
	value func(u *batchUnit) string
}

// batchLayout knows where things are in a record and how the output and
// errors records are built. It is read-only once made, so workers share it.
type batchLayout struct {
	format     string
	header     []string
	textCols   []string // names as the input spells them
	textIdx    []int    // CSV positions of textCols
	idIdx      int      // CSV position of the id, -1 for none
	langIdx    int      // CSV position of the language hint, -1 for none
	idKey      string   // NDJSON id field ("" for none)
	langKey    string   // NDJSON language field
	join       bool
	cells      []batchCell
	outComma   rune
	outHeader  []string
	rowName    string // NDJSON output member names
	resultName string
	rowKey     string // the same as JSON strings
	resultKey  string
	lexVersion string
	errFormat  string // csv, ndjson, or text (standard error)
	errComma   rune
	errPath    string // "" for standard error
}

// newBatchLayout resolves the columns against the header (CSV) and builds
// the output columns.
func newBatchLayout(cfg batchConfig, in *batchInput, lexVersion string) (*batchLayout, error) {
	l := &batchLayout{format: in.format, join: cfg.Join, idIdx: -1, langIdx: -1, lexVersion: lexVersion}
	if len(cfg.TextCols) > 1 {
		seen := map[string]bool{}
		for _, c := range cfg.TextCols {
			if seen[c] {
				return nil, fmt.Errorf("--text-col names %q twice", c)
			}
			seen[c] = true
		}
	} else {
		l.join = true
	}
	if in.format == "ndjson" {
		if cfg.columnsSet {
			return nil, errors.New("--columns chooses CSV columns; NDJSON output carries the full analysis")
		}
		l.textCols, l.idKey, l.langKey = cfg.TextCols, cfg.IDCol, cfg.LangCol
		l.rowName, l.resultName = cfg.Prefix+"mindprint_row", cfg.Prefix+"mindprint"
		l.rowKey, l.resultKey = jsonString(l.rowName), jsonString(l.resultName)
	} else if err := l.resolveCSV(cfg, in); err != nil {
		return nil, err
	}
	l.errPath, l.errFormat = batchErrorsFile(cfg, in.format)
	// check() compares only an explicit --errors with the input; the default
	// path is known only now, and opening it would truncate the input.
	if cfg.Errors == "" && l.errPath != "" && cfg.In != "-" && samePath(l.errPath, cfg.In) {
		return nil, fmt.Errorf("the default errors file %s is the input file; give --errors", l.errPath)
	}
	l.errComma = l.outComma
	if l.errComma == 0 {
		l.errComma = ','
	}
	return l, nil
}

// resolveCSV finds the text, id and language columns and builds the output
// header.
func (l *batchLayout) resolveCSV(cfg batchConfig, in *batchInput) error {
	l.header = in.header
	for _, c := range cfg.TextCols {
		i, err := findColumn(in.header, c)
		if err != nil {
			return fmt.Errorf("%s:1: %w", in.name, err)
		}
		if i < 0 {
			return fmt.Errorf("%s:1: no column %q for --text-col; the header has %s", in.name, c, quoteList(in.header))
		}
		if slices.Contains(l.textIdx, i) {
			return fmt.Errorf("%s:1: --text-col names column %q twice", in.name, in.header[i])
		}
		l.textIdx = append(l.textIdx, i)
		l.textCols = append(l.textCols, in.header[i])
	}
	for _, opt := range []struct {
		flag, name string
		set        bool
		idx        *int
	}{{"--id-col", cfg.IDCol, cfg.idSet, &l.idIdx}, {"--lang-col", cfg.LangCol, cfg.langSet, &l.langIdx}} {
		i, err := findColumn(in.header, opt.name)
		if err != nil {
			return fmt.Errorf("%s:1: %w", in.name, err)
		}
		if i < 0 && opt.set && opt.name != "" {
			return fmt.Errorf("%s:1: no column %q for %s; the header has %s", in.name, opt.name, opt.flag, quoteList(in.header))
		}
		*opt.idx = i
	}
	l.outComma = cfg.OutDelimiter
	if l.outComma == 0 {
		l.outComma = in.comma
	}
	l.cells = batchCells(cfg.Columns)
	l.outHeader = append(slices.Clip(in.header), cfg.Prefix+"mindprint_row")
	units := []string{""}
	if !l.join {
		units = l.textCols
	}
	for _, u := range units {
		p := cfg.Prefix
		if u != "" {
			p += u + "_"
		}
		for _, c := range l.cells {
			l.outHeader = append(l.outHeader, p+c.name)
		}
	}
	l.outHeader = append(l.outHeader, cfg.Prefix+"lexicon_version")
	seen := map[string]bool{}
	for _, h := range in.header {
		seen[h] = true
	}
	for _, h := range l.outHeader[len(in.header):] {
		if seen[h] {
			return fmt.Errorf("%s:1: the input already has a column %q; give --prefix (e.g. --prefix mp_) to name Mindprint's columns apart", in.name, h)
		}
		seen[h] = true
	}
	return nil
}

// findColumn finds name in header: exactly, or else ignoring case and
// surrounding spaces when that is unambiguous. -1 when it is not there.
func findColumn(header []string, name string) (int, error) {
	if name == "" {
		return -1, nil
	}
	found := -1
	for i, h := range header {
		if h == name {
			if found >= 0 {
				return -1, fmt.Errorf("column %q appears twice in the header (columns %d and %d)", name, found+1, i+1)
			}
			found = i
		}
	}
	if found >= 0 {
		return found, nil
	}
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), name) {
			if found >= 0 {
				return -1, fmt.Errorf("columns %q and %q both match %q", header[found], h, name)
			}
			found = i
		}
	}
	return found, nil
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// batchCells lists a unit's CSV columns for the chosen groups: the error
// code, then language, then per trait score, confidence and percentile,
// then mindset and flags, and the (wide) evidence columns last.
func batchCells(groups []string) []batchCell {
	has := func(g string) bool { return slices.Contains(groups, g) }
	cells := []batchCell{{"mindprint_error", func(u *batchUnit) string {
		if u.problem == nil {
			return ""
		}
		return u.problem.Code
	}}}
	withResult := func(f func(r *classifier.Result) string) func(u *batchUnit) string {
		return func(u *batchUnit) string {
			if u.res == nil {
				return ""
			}
			return f(u.res)
		}
	}
	scored := func(f func(r *classifier.Result) string) func(u *batchUnit) string {
		return func(u *batchUnit) string {
			if !u.scored() {
				return ""
			}
			return f(u.res)
		}
	}
	if has(colLanguage) {
		cells = append(cells,
			batchCell{"language", withResult(func(r *classifier.Result) string { return r.Language.Code })},
			batchCell{"language_confidence", withResult(func(r *classifier.Result) string { return formatFixed(r.Language.Confidence) })},
			batchCell{"language_source", withResult(func(r *classifier.Result) string { return r.Language.Source })},
			batchCell{"words", withResult(func(r *classifier.Result) string { return strconv.Itoa(r.Words) })},
		)
	}
	for _, t := range classifier.AllTraits {
		if has(colTraits) {
			cells = append(cells,
				batchCell{string(t) + "_score", scored(func(r *classifier.Result) string { return formatFixed(r.Traits.Get(t).Score) })},
				batchCell{string(t) + "_confidence", scored(func(r *classifier.Result) string { return formatFixed(r.Traits.Get(t).Confidence) })},
			)
		}
		if has(colPercentiles) {
			cells = append(cells, batchCell{string(t) + "_percentile", scored(func(r *classifier.Result) string {
				if p := r.Traits.Get(t).Percentile; p != nil {
					return strconv.Itoa(*p)
				}
				return ""
			})})
		}
	}
	if has(colMindset) {
		cells = append(cells,
			batchCell{"mindset_label", scored(func(r *classifier.Result) string { return r.Mindset.Label })},
			batchCell{"mindset_score", scored(func(r *classifier.Result) string { return formatFixed(r.Mindset.Score) })},
			batchCell{"mindset_confidence", scored(func(r *classifier.Result) string { return formatFixed(r.Mindset.Confidence) })},
		)
	}
	if has(colFlags) {
		cells = append(cells, batchCell{"flags", withResult(func(r *classifier.Result) string { return strings.Join(r.Flags, "|") })})
	}
	if has(colEvidence) {
		for _, t := range classifier.AllTraits {
			cells = append(cells, batchCell{string(t) + "_evidence", scored(func(r *classifier.Result) string { return evidenceJSON(r.Traits.Get(t).Evidence) })})
		}
		cells = append(cells, batchCell{"mindset_evidence", scored(func(r *classifier.Result) string { return evidenceJSON(r.Mindset.Evidence) })})
	}
	return cells
}

// formatFixed writes a score the same way everywhere: three decimals, a '.'
// decimal point, no exponent, no negative zero. NaN and infinities (which
// the analyzer does not produce) are empty cells.
func formatFixed(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	x = math.Round(x*1000) / 1000
	if x == 0 {
		x = 0 // -0 → 0
	}
	return strconv.FormatFloat(x, 'f', 3, 64)
}

// evidenceJSON is the evidence as a compact JSON array, the contract's own
// shape, so that a cell loads back without a custom parser.
func evidenceJSON(ev []classifier.Evidence) string {
	if len(ev) == 0 {
		return "[]"
	}
	return string(marshalNoEscape(ev))
}

// marshalNoEscape encodes v as JSON without escaping <, > and & (texts are
// not HTML) and without the encoder's trailing newline.
func marshalNoEscape(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte("null")
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func jsonString(s string) string { return string(marshalNoEscape(s)) }

// batchErrorsFile returns where record problems go and in which format: the
// --errors path (its extension picks CSV or NDJSON), the default path next
// to the output, or standard error ("", "text") when the output is
// standard output.
func batchErrorsFile(cfg batchConfig, format string) (path, errFormat string) {
	path = cfg.Errors
	if path == "-" {
		return "", "text"
	}
	if path == "" {
		if cfg.Out == "-" {
			return "", "text"
		}
		ext := filepath.Ext(cfg.Out)
		if ext == "" {
			ext = "." + format
		}
		return strings.TrimSuffix(cfg.Out, filepath.Ext(cfg.Out)) + ".errors" + ext, format
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".tsv":
		return path, "csv"
	case ".ndjson", ".jsonl", ".json":
		return path, "ndjson"
	}
	return path, format
}

// errorsHeader is the first line of a CSV errors file.
var errorsHeader = []string{"row", "line", "id", "field", "code", "message"}

// prepare finds what the reader needs to know about a record before it is
// handed to a worker: whether it is whole, and its id (for the shard).
func (l *batchLayout) prepare(rec batchRecord) batchItem {
	it := batchItem{rec: rec}
	if l.format == "ndjson" {
		if rec.Problem == nil {
			it.obj, it.id, it.rec.Problem = l.parseNDJSON(rec.Raw)
		}
		return it
	}
	if l.idIdx >= 0 && l.idIdx < len(rec.Fields) {
		it.id = rec.Fields[l.idIdx]
	}
	if rec.Problem != nil {
		return it
	}
	if len(rec.Fields) != len(l.header) {
		it.rec.Problem = &batchProblem{Code: problemRagged, Field: "row",
			Message: fmt.Sprintf("the row has %d fields; the header has %d", len(rec.Fields), len(l.header))}
		return it
	}
	for i, f := range rec.Fields {
		if !utf8.ValidString(f) {
			it.rec.Problem = &batchProblem{Code: classifier.CodeInvalidUTF8, Field: l.header[i],
				Message: "the row is not valid UTF-8 (save the file as UTF-8)"}
			return it
		}
	}
	return it
}

// parseNDJSON checks that a line is one JSON object in UTF-8 and finds its id.
func (l *batchLayout) parseNDJSON(raw []byte) (map[string]json.RawMessage, string, *batchProblem) {
	if !utf8.Valid(raw) {
		return nil, "", &batchProblem{Code: classifier.CodeInvalidUTF8, Field: "row", Message: "the line is not valid UTF-8"}
	}
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '{' {
		return nil, "", &batchProblem{Code: problemInvalidJSON, Field: "row", Message: "the line is not a JSON object"}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(t, &obj); err != nil {
		return nil, "", &batchProblem{Code: problemInvalidJSON, Field: "row", Message: jsonProblem(err)}
	}
	id, ok := jsonScalar(obj[l.idKey])
	if l.idKey == "" {
		id, ok = "", true
	}
	if !ok {
		return nil, "", &batchProblem{Code: problemInvalidField, Field: l.idKey, Message: fmt.Sprintf("field %q must be a string or a number", l.idKey)}
	}
	for _, name := range []string{l.rowName, l.resultName} {
		if _, clash := obj[name]; clash {
			return nil, id, &batchProblem{Code: problemFieldClash, Field: name,
				Message: fmt.Sprintf("the object already has a %q field; give --prefix to name Mindprint's fields apart", name)}
		}
	}
	return obj, id, nil
}

// jsonScalar reads a string, number or boolean member as text; a missing or
// null member is "". Objects and arrays are not scalars (ok false).
func jsonScalar(raw json.RawMessage) (s string, ok bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", true
	}
	switch raw[0] {
	case '"':
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false
		}
		return s, true
	case '{', '[':
		return "", false
	}
	return string(raw), true
}

// process analyses one whole record and encodes its output and problems; a
// broken record gives only a problem.
func (l *batchLayout) process(an *classifier.Analyzer, it *batchItem) batchOutcome {
	var o batchOutcome
	if it.rec.Problem != nil {
		o.addProblem(l, it, it.rec.Problem)
		return o
	}
	texts, fieldProblems, lang, langProblem := l.inputs(it)
	var units []batchUnit
	if l.join {
		name := strings.Join(l.textCols, "+")
		var parts []string
		var prob *batchProblem
		for i, t := range texts {
			if fieldProblems[i] != nil && prob == nil {
				prob = fieldProblems[i]
			}
			if strings.TrimSpace(t) != "" {
				parts = append(parts, t)
			}
		}
		units = []batchUnit{l.analyze(an, it.id, strings.Join(parts, "\n\n"), name, lang, prob, langProblem)}
	} else {
		for i, t := range texts {
			units = append(units, l.analyze(an, it.id, t, l.textCols[i], lang, fieldProblems[i], langProblem))
		}
	}
	for i := range units {
		if units[i].problem != nil {
			o.addProblem(l, it, units[i].problem)
		}
		if units[i].res != nil {
			o.langs = append(o.langs, units[i].res.Language.Code)
		}
	}
	if l.format == "ndjson" {
		o.out = l.ndjsonLine(it, units)
	} else {
		o.out = l.csvRow(it, units)
	}
	return o
}

// inputs reads the texts and the language hint of a whole record, with a
// problem for each that has the wrong type (NDJSON only).
func (l *batchLayout) inputs(it *batchItem) (texts []string, probs []*batchProblem, lang string, langProb *batchProblem) {
	texts, probs = make([]string, len(l.textCols)), make([]*batchProblem, len(l.textCols))
	if l.format == "csv" {
		for i, idx := range l.textIdx {
			texts[i] = it.rec.Fields[idx]
		}
		if l.langIdx >= 0 {
			lang = it.rec.Fields[l.langIdx]
		}
		return texts, probs, strings.ToLower(strings.TrimSpace(lang)), nil
	}
	for i, key := range l.textCols {
		raw := bytes.TrimSpace(it.obj[key])
		if len(raw) > 0 && raw[0] != '"' && string(raw) != "null" {
			probs[i] = &batchProblem{Code: problemInvalidField, Field: key, Message: fmt.Sprintf("field %q must be a string", key)}
			continue
		}
		texts[i], _ = jsonScalar(raw)
	}
	if l.langKey != "" {
		raw := bytes.TrimSpace(it.obj[l.langKey])
		if len(raw) > 0 && raw[0] != '"' && string(raw) != "null" {
			langProb = &batchProblem{Code: classifier.CodeInvalidLanguage, Field: l.langKey, Message: fmt.Sprintf("field %q must be a string", l.langKey)}
		} else {
			lang, _ = jsonScalar(raw)
		}
	}
	return texts, probs, strings.ToLower(strings.TrimSpace(lang)), langProb
}

// analyze scores one text. A problem found before analysis wins; the
// analyzer's errors and the no-lexicon and no-language flags become
// problems naming the input column.
func (l *batchLayout) analyze(an *classifier.Analyzer, id, text, col, lang string, prob, langProb *batchProblem) batchUnit {
	if prob != nil {
		return batchUnit{problem: prob}
	}
	if langProb != nil {
		return batchUnit{problem: langProb}
	}
	res, err := an.Analyze(classifier.Input{ID: id, Text: text, Lang: lang})
	if err != nil {
		var ce *classifier.Error
		if !errors.As(err, &ce) {
			return batchUnit{problem: &batchProblem{Code: problemInternal, Field: col, Message: "internal error: " + err.Error()}}
		}
		field := col
		if ce.Field == "lang" {
			field = l.langName()
		}
		return batchUnit{problem: &batchProblem{Code: ce.Code, Field: field, Message: ce.Message}}
	}
	u := batchUnit{res: res}
	for _, f := range res.Flags {
		switch f {
		case classifier.FlagUnsupportedLanguage:
			u.problem = &batchProblem{Code: f, Field: col, Message: fmt.Sprintf("language %q (%s) has no lexicon; nothing was scored", res.Language.Code, res.Language.Source)}
		case classifier.FlagUndeterminedLanguage:
			u.problem = &batchProblem{Code: f, Field: col, Message: "the language could not be determined; nothing was scored (a language column would settle it)"}
		}
	}
	return u
}

func (l *batchLayout) langName() string {
	if l.format == "csv" && l.langIdx >= 0 {
		return l.header[l.langIdx]
	}
	return l.langKey
}

// addProblem records a problem once per record and encodes its errors line.
func (o *batchOutcome) addProblem(l *batchLayout, it *batchItem, p *batchProblem) {
	key := p.Code + "\x00" + p.Field
	if slices.Contains(o.keys, key) {
		return // one bad language hint is reported once, not once per text
	}
	o.keys = append(o.keys, key)
	o.problems = append(o.problems, p.Code)
	o.errs = append(o.errs, l.errorLine(it, p)...)
}

// errorLine encodes one problem for the errors file.
func (l *batchLayout) errorLine(it *batchItem, p *batchProblem) []byte {
	switch l.errFormat {
	case "csv":
		return csvLine(l.errComma, []string{strconv.Itoa(it.rec.Row), strconv.Itoa(it.rec.Line), it.id, p.Field, p.Code, p.Message})
	case "ndjson":
		b := marshalNoEscape(struct {
			Row   int          `json:"row"`
			Line  int          `json:"line"`
			ID    string       `json:"id"`
			Error batchProblem `json:"error"`
		}{it.rec.Row, it.rec.Line, it.id, *p})
		return append(b, '\n')
	}
	var b strings.Builder
	fmt.Fprintf(&b, "row %d (line %d", it.rec.Row, it.rec.Line)
	if it.id != "" {
		fmt.Fprintf(&b, ", id %q", it.id)
	}
	fmt.Fprintf(&b, "): %s: %s: %s\n", p.Field, p.Code, p.Message)
	return []byte(b.String())
}

// csvRow is the input row with Mindprint's columns added.
func (l *batchLayout) csvRow(it *batchItem, units []batchUnit) []byte {
	size := 256 + 64*len(l.cells)*len(units)
	for _, f := range it.rec.Fields {
		size += len(f) + 1
	}
	b := make([]byte, 0, size)
	for i, f := range it.rec.Fields {
		if i > 0 {
			b = utf8.AppendRune(b, l.outComma)
		}
		b = appendCSVField(b, l.outComma, f)
	}
	b = utf8.AppendRune(b, l.outComma)
	b = strconv.AppendInt(b, int64(it.rec.Row), 10)
	for i := range units {
		for _, c := range l.cells {
			b = utf8.AppendRune(b, l.outComma)
			b = appendCSVField(b, l.outComma, c.value(&units[i]))
		}
	}
	b = utf8.AppendRune(b, l.outComma)
	b = appendCSVField(b, l.outComma, l.lexVersion)
	return append(b, '\n')
}

// csvLine encodes one CSV record with its line ending.
func csvLine(comma rune, fields []string) []byte {
	var b []byte
	for i, f := range fields {
		if i > 0 {
			b = utf8.AppendRune(b, comma)
		}
		b = appendCSVField(b, comma, f)
	}
	return append(b, '\n')
}

// appendCSVField appends one field as encoding/csv's Writer writes it (with
// UseCRLF false), without a Writer and its buffer per row: quoted when it
// holds the delimiter, a quote, a line break or starts with a space (or is
// the Postgres end marker \.), with quotes doubled.
func appendCSVField(b []byte, comma rune, field string) []byte {
	if !csvNeedsQuotes(comma, field) {
		return append(b, field...)
	}
	b = append(b, '"')
	for {
		i := strings.IndexByte(field, '"')
		if i < 0 {
			break
		}
		b = append(b, field[:i+1]...)
		b = append(b, '"')
		field = field[i+1:]
	}
	b = append(b, field...)
	return append(b, '"')
}

func csvNeedsQuotes(comma rune, field string) bool {
	if field == "" {
		return false
	}
	if field == `\.` {
		return true
	}
	if strings.ContainsRune(field, comma) || strings.ContainsAny(field, "\"\r\n") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(field)
	return unicode.IsSpace(r)
}

// ndjsonLine is the input object, byte for byte, with "mindprint_row" and
// "mindprint" added before its closing brace.
func (l *batchLayout) ndjsonLine(it *batchItem, units []batchUnit) []byte {
	t := bytes.TrimSpace(it.rec.Raw)
	var buf bytes.Buffer
	buf.Grow(len(t) + 4096)
	buf.Write(t[:len(t)-1])
	if len(it.obj) > 0 {
		buf.WriteByte(',')
	}
	buf.WriteString(l.rowKey)
	buf.WriteByte(':')
	buf.WriteString(strconv.Itoa(it.rec.Row))
	buf.WriteByte(',')
	buf.WriteString(l.resultKey)
	buf.WriteByte(':')
	if l.join {
		buf.Write(unitJSON(&units[0]))
	} else {
		buf.WriteByte('{')
		for i := range units {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(jsonString(l.textCols[i]))
			buf.WriteByte(':')
			buf.Write(unitJSON(&units[i]))
		}
		buf.WriteByte('}')
	}
	buf.WriteString("}\n")
	return buf.Bytes()
}

// unitJSON is a unit's result (the contract), or {"error": {...}}.
func unitJSON(u *batchUnit) []byte {
	if u.res != nil {
		return marshalNoEscape(u.res)
	}
	return marshalNoEscape(struct {
		Error batchProblem `json:"error"`
	}{*u.problem})
}
