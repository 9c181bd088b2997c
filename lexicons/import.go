package lexicons

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ImportOptions tunes ImportDic and ImportDicx.
type ImportOptions struct {
	// Map maps a dictionary category name (case-insensitive) to one of ours,
	// written "category:pole", e.g. "posemo" -> "agreeableness:high". An
	// empty value skips the category. A name not in Map is used if it names
	// a category and pole itself ("openness_high", "openness:high",
	// "Mindset-Growth").
	Map map[string]string
}

// ImportedEntry is one term taken from a LIWC-style dictionary.
type ImportedEntry struct {
	Term     string
	Category Category
	Pole     Pole
	Weight   float64
	// Line is the term's line in the imported file.
	Line int
}

// Imported is the result of importing a LIWC-style dictionary: the entries
// that can be ours, and what was left out and why.
type Imported struct {
	// Name is the name the dictionary was imported under (usually its file name).
	Name string
	// Entries are in input order; a term appears at most once per category.
	Entries []ImportedEntry
	// Skipped says what was left out, one line each:
	// "line 14: unknown category id 9".
	Skipped []string
}

// maxImportLine bounds one line of an imported file, maxImportTerm one term.
const (
	maxImportLine = 1 << 20
	maxImportTerm = 200
)

// ImportDic reads a LIWC .dic dictionary: a category header between two
// lines holding "%" ("id<TAB or spaces>name" per line), then one term per
// line followed by the ids of its categories ("term<TAB>id id ..."). A UTF-8
// BOM, CRLF line ends, blank lines and comment lines ("#" or "//") are
// tolerated. Categories that map to none of ours, unknown ids and terms we
// cannot express are skipped and listed in Imported.Skipped; an unreadable
// structure is an error naming the line ("name:3: ...").
func ImportDic(r io.Reader, name string, opt ImportOptions) (*Imported, error) {
	im, err := newImporter(name, opt)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxImportLine)
	type dicCat struct {
		name   string
		mapped bool
		cat    Category
		pole   Pole
	}
	cats := make(map[string]dicCat)
	state, headerLine, lineNo := 0, 0, 0 // state: 0 before the header, 1 in it, 2 after it
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		if lineNo == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		line = strings.TrimRight(line, "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "//") {
			continue
		}
		switch state {
		case 0:
			if trimmed != "%" {
				return nil, fmt.Errorf("%s:%d: a .dic file starts with a line holding only %q (the category header), found %q", name, lineNo, "%", clip(trimmed))
			}
			state, headerLine = 1, lineNo
		case 1:
			if trimmed == "%" {
				state = 2
				continue
			}
			f := strings.Fields(trimmed)
			if len(f) < 2 {
				im.skip(lineNo, "a category line needs an id and a name: %q", clip(trimmed))
				continue
			}
			id, cname := f[0], strings.Join(f[1:], " ")
			if prev, dup := cats[id]; dup {
				im.skip(lineNo, "category id %s is already %q", id, prev.name)
				continue
			}
			c := dicCat{name: cname}
			c.cat, c.pole, c.mapped = im.resolve(cname)
			if !c.mapped {
				im.skip(lineNo, "category %q (id %s) maps to none of ours; its terms are skipped", cname, id)
			}
			cats[id] = c
		case 2:
			var term string
			var ids []string
			if k := strings.IndexByte(trimmed, '\t'); k >= 0 {
				term, ids = strings.TrimSpace(trimmed[:k]), strings.Fields(trimmed[k+1:])
			} else {
				f := strings.Fields(trimmed)
				k := len(f)
				for k > 1 {
					if _, known := cats[f[k-1]]; !known && !isDigits(f[k-1]) {
						break
					}
					k--
				}
				term, ids = strings.Join(f[:k], " "), f[k:]
			}
			if len(ids) == 0 {
				im.skip(lineNo, "%q has no category ids", clip(term))
				continue
			}
			for _, id := range ids {
				c, known := cats[id]
				switch {
				case !known:
					im.skip(lineNo, "unknown category id %s", clip(id))
				case c.mapped:
					im.add(lineNo, term, c.cat, c.pole, 1)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: line longer than %d bytes", name, lineNo+1, maxImportLine)
		}
		return nil, fmt.Errorf("%s:%d: %w", name, lineNo+1, err)
	}
	switch state {
	case 0:
		return nil, fmt.Errorf("%s:%d: no category header (a line holding only %q)", name, max(lineNo, 1), "%")
	case 1:
		return nil, fmt.Errorf("%s:%d: the category header opened at line %d is never closed with %q", name, lineNo, headerLine, "%")
	}
	return &im.out, nil
}

// ImportDicx reads a LIWC-22 .dicx dictionary: CSV whose header row is
// "DicTerm,cat1,cat2,...", then one row per term. A cell "X" puts the term
// in that column's category with weight 1, a number puts it there with that
// weight (0 < weight <= 3), an empty cell leaves it out. A UTF-8 BOM, CRLF
// and comment lines ("#") are tolerated; skips are listed as for ImportDic.
func ImportDicx(r io.Reader, name string, opt ImportOptions) (*Imported, error) {
	im, err := newImporter(name, opt)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	type col struct {
		name   string
		mapped bool
		cat    Category
		pole   Pole
	}
	var cols []col
	for first := true; ; {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			if first {
				return nil, fmt.Errorf("%s:1: empty file (want a header row starting with DicTerm)", name)
			}
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s:%d: invalid CSV: %v", name, pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			head := strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff"))
			if !strings.EqualFold(head, "DicTerm") {
				return nil, fmt.Errorf("%s:%d: the header row must start with DicTerm, found %q", name, line, clip(head))
			}
			for j, h := range rec[1:] {
				c := col{name: strings.TrimSpace(h)}
				if c.name == "" {
					im.skip(line, "column %d has no category name; skipped", j+2)
				} else if c.cat, c.pole, c.mapped = im.resolve(c.name); !c.mapped {
					im.skip(line, "category %q (column %d) maps to none of ours; its column is skipped", c.name, j+2)
				}
				cols = append(cols, c)
			}
			continue
		}
		term := strings.TrimSpace(rec[0])
		if len(rec)-1 > len(cols) && slices.ContainsFunc(rec[1+len(cols):], func(s string) bool { return strings.TrimSpace(s) != "" }) {
			im.skip(line, "%q has more cells than the header has columns; the extra cells are skipped", clip(term))
		}
		if !slices.ContainsFunc(rec[1:], func(s string) bool { return strings.TrimSpace(s) != "" }) {
			im.skip(line, "%q is in no category (no cell is filled)", clip(term))
			continue
		}
		for j, cell := range rec[1:min(len(rec), 1+len(cols))] {
			c := cols[j]
			cell = strings.TrimSpace(cell)
			if cell == "" || !c.mapped {
				continue
			}
			w := 1.0
			if !strings.EqualFold(cell, "x") {
				v, err := strconv.ParseFloat(cell, 64)
				if err != nil {
					im.skip(line, "cell %q for %q in column %q is neither X nor a number", clip(cell), clip(term), c.name)
					continue
				}
				if !(v > 0 && v <= 3) || math.IsNaN(v) {
					im.skip(line, "weight %s for %q in column %q is out of range (0 < weight <= 3)", clip(cell), clip(term), c.name)
					continue
				}
				w = v
			}
			im.add(line, term, c.cat, c.pole, w)
		}
	}
	return &im.out, nil
}

// importer gathers the entries of one import, keeping each term once per
// category.
type importer struct {
	out   Imported
	opt   map[string]string // lowercased names -> "category:pole"
	index map[catTerm]int   // index into out.Entries
}

type catTerm struct {
	c    Category
	term string
}

func newImporter(name string, opt ImportOptions) (*importer, error) {
	im := &importer{
		out:   Imported{Name: name},
		opt:   make(map[string]string, len(opt.Map)),
		index: make(map[catTerm]int),
	}
	keys := make([]string, 0, len(opt.Map))
	for k := range opt.Map {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := opt.Map[k]
		if _, _, ok := parseCatPole(v); !ok && v != "" {
			return nil, fmt.Errorf("ImportOptions.Map[%q] = %q: want category:pole, e.g. agreeableness:high", k, v)
		}
		im.opt[strings.ToLower(strings.TrimSpace(k))] = v
	}
	return im, nil
}

// resolve maps a dictionary category name to one of ours.
func (im *importer) resolve(name string) (Category, Pole, bool) {
	if v, ok := im.opt[strings.ToLower(strings.TrimSpace(name))]; ok {
		return parseCatPole(v)
	}
	return parseCatPole(name)
}

// parseCatPole parses "openness:high", "openness_high" or "openness-high",
// case-insensitively.
func parseCatPole(s string) (Category, Pole, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	k := strings.IndexAny(s, ":_-")
	if k < 0 {
		return "", "", false
	}
	c, p := Category(s[:k]), Pole(s[k+1:])
	if !c.Valid() || !slices.Contains(c.Poles(), p) {
		return "", "", false
	}
	return c, p, true
}

func (im *importer) skip(line int, format string, args ...any) {
	im.out.Skipped = append(im.out.Skipped, fmt.Sprintf("line %d: ", line)+fmt.Sprintf(format, args...))
}

// add records term in c/p unless it cannot be one of our terms or is
// already in c.
func (im *importer) add(line int, raw string, c Category, p Pole, w float64) {
	term := strings.Join(strings.Fields(Fold(raw)), " ")
	if len(term) > maxImportTerm {
		im.skip(line, "skipped: term %q is longer than %d bytes", clip(term), maxImportTerm)
		return
	}
	if _, msg := parseTerm(term); msg != "" {
		im.skip(line, "skipped: %s", msg)
		return
	}
	k := catTerm{c, term}
	if i, dup := im.index[k]; dup {
		prev := im.out.Entries[i]
		if prev.Pole == p {
			im.skip(line, "%q is already in %s/%s (line %d); skipped", term, c, p, prev.Line)
		} else {
			im.skip(line, "conflict: %q is %s/%s here and %s/%s at line %d; skipped", term, c, p, c, prev.Pole, prev.Line)
		}
		return
	}
	im.index[k] = len(im.out.Entries)
	im.out.Entries = append(im.out.Entries, ImportedEntry{Term: term, Category: c, Pole: p, Weight: w, Line: line})
}

func isDigits(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// clip shortens outside text quoted in a message.
func clip(s string) string {
	const n = 60
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// WriteYAML writes the imported entries as one lexicon entry file with the
// header hdr (Path is ignored; Description defaults to where the entries
// came from), one section per category and pole in report order. The
// result loads cleanly: entries that cannot load until a person adds
// examples — wildcard stems, which need matches in every language but
// English, and 3-letter stems, which need rejects — are written as
// comments under their section, ready to be completed and uncommented.
func (im *Imported) WriteYAML(w io.Writer, hdr FileInfo) error {
	for _, f := range []struct{ key, val string }{
		{"id", hdr.ID}, {"lang", hdr.Lang}, {"version", hdr.Version}, {"license", hdr.License}, {"source", hdr.Source},
	} {
		if strings.TrimSpace(f.val) == "" {
			return fmt.Errorf("WriteYAML: header %s is empty", f.key)
		}
	}
	if !isLangCode(hdr.Lang) {
		return fmt.Errorf("WriteYAML: lang %q is not an ISO 639-1 code (two lowercase letters)", hdr.Lang)
	}
	if hdr.Description == "" {
		hdr.Description = fmt.Sprintf("Imported from %s.", im.Name)
	}
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
	quoted := func(s string) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.DoubleQuotedStyle}
	}
	root := &yaml.Node{Kind: yaml.MappingNode}
	for _, kv := range [][2]string{
		{"id", hdr.ID}, {"lang", hdr.Lang}, {"version", hdr.Version}, {"license", hdr.License},
		{"source", hdr.Source}, {"description", hdr.Description},
	} {
		root.Content = append(root.Content, str(kv[0]), str(kv[1]))
	}
	sections := &yaml.Node{Kind: yaml.SequenceNode}
	root.Content = append(root.Content, str("sections"), sections)
	for _, c := range Categories {
		for _, p := range c.Poles() {
			entries := &yaml.Node{Kind: yaml.SequenceNode}
			var pending []string
			for _, e := range im.Entries {
				if e.Category != c || e.Pole != p {
					continue
				}
				if why := pendingReason(e.Term, hdr.Lang); why != "" {
					pending = append(pending, fmt.Sprintf("- %s  # %s (line %d)", strconv.Quote(e.Term), why, e.Line))
					continue
				}
				if e.Weight == 1 {
					entries.Content = append(entries.Content, quoted(e.Term))
					continue
				}
				entries.Content = append(entries.Content, &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle, Content: []*yaml.Node{
					str("term"), quoted(e.Term),
					str("weight"), {Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(e.Weight, 'g', -1, 64)},
				}})
			}
			if len(entries.Content) == 0 && len(pending) == 0 {
				continue
			}
			if len(entries.Content) == 0 {
				entries.Style = yaml.FlowStyle
			}
			sec := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
				str("category"), str(string(c)), str("pole"), str(string(p)), str("entries"), entries,
			}}
			if len(pending) > 0 {
				sec.FootComment = "# To enable, complete and move into entries above:\n# " + strings.Join(pending, "\n# ")
			}
			sections.Content = append(sections.Content, sec)
		}
	}
	if len(sections.Content) == 0 {
		sections.Style = yaml.FlowStyle
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return fmt.Errorf("WriteYAML: %w", err)
	}
	return enc.Close()
}

// pendingReason says why an imported term cannot load without examples a
// person must add, or "" when it can load as is.
func pendingReason(term, lang string) string {
	words, msg := parseTerm(term)
	if msg != "" {
		return msg
	}
	for _, w := range words {
		if w.stem && stemLetters(w) == MinStemLetters {
			if examplesOptional[lang] {
				return "needs rejects (3-letter stem)"
			}
			return "needs rejects (3-letter stem) and matches"
		}
	}
	if hasStem(words) && !examplesOptional[lang] {
		return "needs matches (real inflected forms)"
	}
	return ""
}
