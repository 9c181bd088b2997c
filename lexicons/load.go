package lexicons

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// ModifiersFile is the name of the modifier file in every language folder.
const ModifiersFile = "modifiers.yaml"

// Load reads and validates the lexicons in fsys, whose root holds one folder
// per language (en/, fi/, ...) of .yaml files. A folder without .yaml files
// is skipped; other files are ignored.
//
// Load reports every problem it finds, not just the first: the error is an
// errors.Join of *ValidationError values, each "path:line: message", sorted
// by path and line. When there is any problem, the Set is nil: a bad file
// never half-loads.
func Load(fsys fs.FS) (*Set, error) {
	return load(fsys, loadOptions{})
}

type loadOptions struct {
	// skipDir names a root folder that is not a language (testdata in the
	// embedded tree).
	skipDir string
	// allowEmpty accepts a tree without any lexicon (the embedded tree while
	// content is being written).
	allowEmpty bool
}

// loader collects the problems of one Load.
type loader struct {
	errs []*ValidationError
	ids  map[string]string // file id -> "path:line" of its first use
}

func (ld *loader) errf(path string, line int, format string, args ...any) {
	ld.errs = append(ld.errs, &ValidationError{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func load(fsys fs.FS, opt loadOptions) (*Set, error) {
	ld := &loader{ids: make(map[string]string)}
	set := &Set{langs: make(map[string]*Lexicon)}
	var paths []string
	var datas [][]byte

	root, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, errors.Join(&ValidationError{Path: ".", Msg: fmt.Sprintf("cannot read the lexicon folder: %v", err)})
	}
	for _, d := range root {
		name := d.Name()
		if !d.IsDir() {
			if ext := path.Ext(name); ext == ".yaml" || ext == ".yml" {
				ld.errf(name, 0, "lexicon files belong in a language folder (<lang>/%s); is the root one level too deep?", name)
			}
			continue
		}
		if name == opt.skipDir || strings.HasPrefix(name, ".") {
			continue
		}
		lex, files, data := ld.loadLang(fsys, name)
		if lex == nil {
			continue
		}
		set.langs[name] = lex
		set.files = append(set.files, lex.Files...)
		paths = append(paths, files...)
		datas = append(datas, data...)
	}
	if len(set.langs) == 0 && len(ld.errs) == 0 && !opt.allowEmpty {
		ld.errf(".", 0, "no lexicon found: the root must hold language folders (en/, fi/, ...) of .yaml files")
	}
	if len(ld.errs) > 0 {
		slices.SortStableFunc(ld.errs, func(a, b *ValidationError) int {
			return cmp.Or(strings.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line))
		})
		errs := make([]error, len(ld.errs))
		for i, e := range ld.errs {
			errs[i] = e
		}
		return nil, errors.Join(errs...)
	}
	slices.SortFunc(set.files, func(a, b FileInfo) int { return strings.Compare(a.Path, b.Path) })
	set.version = contentVersion(paths, datas)
	return set, nil
}

// loadLang loads one language folder. It returns nil when the folder has no
// .yaml files or has problems (recorded in ld), and the paths and contents
// of the files read.
func (ld *loader) loadLang(fsys fs.FS, lang string) (*Lexicon, []string, [][]byte) {
	dirents, err := fs.ReadDir(fsys, lang)
	if err != nil {
		ld.errf(lang, 0, "cannot read the folder: %v", err)
		return nil, nil, nil
	}
	var names []string
	hasModifiers := false
	for _, d := range dirents {
		name := d.Name()
		if d.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		switch path.Ext(name) {
		case ".yaml":
			names = append(names, name)
			hasModifiers = hasModifiers || name == ModifiersFile
		case ".yml":
			ld.errf(path.Join(lang, name), 0, "lexicon files must end in .yaml (this file would be ignored)")
		}
	}
	if len(names) == 0 {
		return nil, nil, nil
	}
	slices.Sort(names)
	nerr := len(ld.errs)
	if !hasModifiers {
		ld.errf(path.Join(lang, ModifiersFile), 0, "missing: the folder %s/ has entry files but no %s", lang, ModifiersFile)
	}

	lex := &Lexicon{Lang: lang, Modifiers: Modifiers{NegationWindow: DefaultNegationWindow}}
	var paths []string
	var datas [][]byte
	for _, name := range names {
		p := path.Join(lang, name)
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			ld.errf(p, 0, "cannot read: %v", err)
			continue
		}
		paths = append(paths, p)
		datas = append(datas, data)
		root := ld.parseYAML(p, data)
		if root == nil {
			continue
		}
		if name == ModifiersFile {
			info, mods, ok := ld.modifierFile(p, lang, root)
			if ok {
				lex.Files = append(lex.Files, info)
				lex.Modifiers = mods
			}
			continue
		}
		// The valid entries of a file with problems still take part in
		// the duplicate check, so that one run reports everything.
		info, entries := ld.entryFile(p, lang, root)
		lex.Files = append(lex.Files, info)
		lex.Entries = append(lex.Entries, entries...)
	}
	ld.checkUnique(lex.Entries)
	if len(ld.errs) > nerr {
		return nil, nil, nil
	}
	lex.m = compile(lex.Entries, lex.Modifiers.NegationPrefixes)
	return lex, paths, datas
}

// checkUnique reports a term listed twice in one category: a duplicate when
// the poles agree, a conflict when they do not.
func (ld *loader) checkUnique(entries []Entry) {
	type key struct {
		c    Category
		term string
	}
	first := make(map[key]*Entry)
	for i := range entries {
		e := &entries[i]
		k := key{e.Category, e.Term}
		f, ok := first[k]
		if !ok {
			first[k] = e
			continue
		}
		if f.Pole == e.Pole {
			ld.errf(e.File, e.Line, "duplicate entry %q (also at %s)", e.Term, f.Pos())
		} else {
			ld.errf(e.File, e.Line, "conflict: %q is %s/%s here and %s/%s at %s", e.Term, e.Category, e.Pole, f.Category, f.Pole, f.Pos())
		}
	}
}

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML parses one file and returns its root node, or nil after
// recording why it cannot.
func (ld *loader) parseYAML(p string, data []byte) (root *yaml.Node) {
	defer func() {
		// The parser reads outside input; a parser bug must not take the
		// service down.
		if r := recover(); r != nil {
			ld.errf(p, 0, "invalid YAML: parser failure: %v", r)
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) || (err == nil && len(doc.Content) == 0) {
		ld.errf(p, 1, "empty file")
		return nil
	}
	if err != nil {
		ld.yamlError(p, err)
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			ld.yamlError(p, err)
		} else {
			ld.errf(p, extra.Line, "a lexicon file holds one YAML document (found another)")
		}
		return nil
	}
	if n := findAlias(&doc); n != nil {
		ld.errf(p, n.Line, "YAML aliases (*%s) are not supported; write the value out", n.Value)
		return nil
	}
	root = doc.Content[0]
	if root.Kind != yaml.MappingNode {
		ld.errf(p, root.Line, "the file must be a mapping of keys (id, lang, ...), not %s", kindName(root))
		return nil
	}
	return root
}

func (ld *loader) yamlError(p string, err error) {
	msg := err.Error()
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		ld.errf(p, line, "invalid YAML: %s", m[2])
		return
	}
	ld.errf(p, 0, "invalid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
}

func findAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		return n
	}
	for _, c := range n.Content {
		if a := findAlias(c); a != nil {
			return a
		}
	}
	return nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "an empty value"
}

// fields reads a mapping, reporting duplicate keys and keys not in allowed.
func (ld *loader) fields(p string, n *yaml.Node, where string, allowed ...string) map[string]*yaml.Node {
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	keyLine := make(map[string]int)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			ld.errf(p, k.Line, "%s: a key must be a plain name, not %s", where, kindName(k))
			continue
		}
		if !slices.Contains(allowed, k.Value) {
			ld.errf(p, k.Line, "unknown key %q in %s (want %s)", k.Value, where, strings.Join(allowed, ", "))
			continue
		}
		if l, dup := keyLine[k.Value]; dup {
			ld.errf(p, k.Line, "duplicate key %q in %s (also at line %d)", k.Value, where, l)
			continue
		}
		keyLine[k.Value] = k.Line
		out[k.Value] = v
	}
	return out
}

// scalar returns the text of a scalar value, reporting any other kind.
func (ld *loader) scalar(p string, n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		ld.errf(p, n.Line, "%s must be a single value, not %s", what, kindName(n))
		return "", false
	}
	return n.Value, true
}

// list returns the items of a sequence value, reporting any other kind.
func (ld *loader) list(p string, n *yaml.Node, what string) ([]*yaml.Node, bool) {
	if n.Kind != yaml.SequenceNode {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return nil, true // "key:" with nothing after it is an empty list
		}
		ld.errf(p, n.Line, "%s must be a list, not %s", what, kindName(n))
		return nil, false
	}
	return n.Content, true
}

var headerKeys = []string{"id", "lang", "version", "license", "source", "description"}

// header reads and checks the header keys of a file.
func (ld *loader) header(p, folder string, root *yaml.Node, f map[string]*yaml.Node) (FileInfo, bool) {
	info := FileInfo{Path: p}
	ok := true
	dst := map[string]*string{
		"id": &info.ID, "lang": &info.Lang, "version": &info.Version, "license": &info.License,
		"source": &info.Source, "description": &info.Description,
	}
	for _, k := range headerKeys {
		n, present := f[k]
		if !present {
			if k != "description" {
				ld.errf(p, root.Line, "missing header key %q", k)
				ok = false
			}
			continue
		}
		v, isScalar := ld.scalar(p, n, fmt.Sprintf("header key %q", k))
		if !isScalar {
			ok = false
			continue
		}
		if strings.TrimSpace(v) == "" && k != "description" {
			ld.errf(p, n.Line, "header key %q is empty", k)
			ok = false
			continue
		}
		*dst[k] = v
	}
	if n := f["lang"]; n != nil && info.Lang != "" {
		switch {
		case !isLangCode(info.Lang):
			ld.errf(p, n.Line, "lang %q is not an ISO 639-1 code (two lowercase letters)", info.Lang)
			ok = false
		case info.Lang != folder:
			ld.errf(p, n.Line, "lang %q does not match the folder %q", info.Lang, folder)
			ok = false
		}
	}
	if n := f["id"]; n != nil && info.ID != "" {
		pos := fmt.Sprintf("%s:%d", p, n.Line)
		if prev, dup := ld.ids[info.ID]; dup {
			ld.errf(p, n.Line, "duplicate id %q (also at %s)", info.ID, prev)
			ok = false
		} else {
			ld.ids[info.ID] = pos
		}
	}
	return info, ok
}

func isLangCode(s string) bool {
	return len(s) == 2 && 'a' <= s[0] && s[0] <= 'z' && 'a' <= s[1] && s[1] <= 'z'
}

// examplesOptional lists the languages whose wildcard stems need no matches
// examples: English inflects little, and its stems are checked by rejects.
var examplesOptional = map[string]bool{"en": true}

// entryFile reads an entry file: header and sections.
func (ld *loader) entryFile(p, lang string, root *yaml.Node) (FileInfo, []Entry) {
	f := ld.fields(p, root, "an entry file", append(slices.Clone(headerKeys), "sections")...)
	info, _ := ld.header(p, lang, root, f)
	var entries []Entry
	sections, present := f["sections"]
	if !present {
		ld.errf(p, root.Line, "missing key \"sections\"")
		return info, nil
	}
	items, _ := ld.list(p, sections, "sections")
	for _, s := range items {
		entries = append(entries, ld.section(p, lang, s)...)
	}
	return info, entries
}

// section reads one section: a category, a pole and its entries.
func (ld *loader) section(p, lang string, n *yaml.Node) []Entry {
	if n.Kind != yaml.MappingNode {
		ld.errf(p, n.Line, "a section must be a mapping with category, pole and entries, not %s", kindName(n))
		return nil
	}
	f := ld.fields(p, n, "a section", "category", "pole", "entries")
	var cat Category
	var pole Pole
	valid := true
	for _, k := range []string{"category", "pole", "entries"} {
		if _, ok := f[k]; !ok {
			ld.errf(p, n.Line, "section has no %q", k)
			valid = false
		}
	}
	if c := f["category"]; c != nil {
		v, ok := ld.scalar(p, c, "category")
		cat = Category(v)
		if ok && !cat.Valid() {
			ld.errf(p, c.Line, "unknown category %q (want %s)", v, joinCategories())
			valid = false
		}
		valid = valid && ok
	}
	if pn := f["pole"]; pn != nil {
		v, ok := ld.scalar(p, pn, "pole")
		pole = Pole(v)
		if ok && cat.Valid() && !slices.Contains(cat.Poles(), pole) {
			want := cat.Poles()
			ld.errf(p, pn.Line, "unknown pole %q for %s (want %s or %s)", v, cat, want[0], want[1])
			valid = false
		} else if ok && !cat.Valid() && pole.Opposite() == "" {
			ld.errf(p, pn.Line, "unknown pole %q (want high, low, fixed or growth)", v)
		}
		valid = valid && ok
	}
	en := f["entries"]
	if en == nil {
		return nil
	}
	items, _ := ld.list(p, en, "entries")
	var out []Entry
	for _, it := range items {
		e, ok := ld.entry(p, lang, it)
		if ok && valid {
			e.Category, e.Pole = cat, pole
			out = append(out, e)
		}
	}
	return out
}

func joinCategories() string {
	s := make([]string, len(Categories))
	for i, c := range Categories {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// entry reads and checks one entry: a plain term or a mapping.
func (ld *loader) entry(p, lang string, n *yaml.Node) (Entry, bool) {
	nerr := len(ld.errs)
	e := Entry{File: p, Line: n.Line, Weight: 1}
	var termNode *yaml.Node
	var matchNodes, rejectNodes []*yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		termNode = n
	case yaml.MappingNode:
		f := ld.fields(p, n, "an entry", "term", "weight", "matches", "rejects", "note")
		termNode = f["term"]
		if termNode == nil {
			ld.errf(p, n.Line, "entry has no \"term\"")
		}
		if w := f["weight"]; w != nil {
			e.Weight = ld.weight(p, w)
		}
		if m := f["matches"]; m != nil {
			matchNodes, _ = ld.list(p, m, "matches")
		}
		if r := f["rejects"]; r != nil {
			rejectNodes, _ = ld.list(p, r, "rejects")
		}
		if nn := f["note"]; nn != nil {
			e.Note, _ = ld.scalar(p, nn, "note")
		}
	default:
		ld.errf(p, n.Line, "an entry must be a term or a mapping with \"term\", not %s", kindName(n))
		return e, false
	}
	e.Matches = ld.examples(p, matchNodes, "matches")
	e.Rejects = ld.examples(p, rejectNodes, "rejects")
	if termNode == nil {
		return e, false
	}
	term, ok := ld.scalar(p, termNode, "term")
	if !ok {
		return e, false
	}
	e.Term, e.Line = term, termNode.Line
	words, msg := parseTerm(term)
	if msg != "" {
		ld.errf(p, termNode.Line, "%s", msg)
		return e, false
	}
	for _, w := range words {
		if !w.stem {
			continue
		}
		if stemLetters(w) == MinStemLetters && len(rejectNodes) == 0 {
			in := ""
			if len(words) > 1 {
				in = fmt.Sprintf(" in %q", term)
			}
			ld.errf(p, termNode.Line, "stem %q%s has only %d letters and needs rejects (look-alike words it must not match)", w.String(), in, MinStemLetters)
		}
	}
	if hasStem(words) && len(matchNodes) == 0 && !examplesOptional[lang] {
		ld.errf(p, termNode.Line, "%q needs matches: real inflected forms the stem must match", term)
	}
	for i, ex := range e.Matches {
		if ex != "" && !termMatchesExample(words, ex) {
			ld.errf(p, matchNodes[i].Line, "%q does not match its example %q", term, ex)
		}
	}
	for i, ex := range e.Rejects {
		if ex != "" && termMatchesExample(words, ex) {
			ld.errf(p, rejectNodes[i].Line, "%q matches its reject %q", term, ex)
		}
	}
	return e, len(ld.errs) == nerr
}

func hasStem(words []wordPat) bool {
	return slices.ContainsFunc(words, func(w wordPat) bool { return w.stem })
}

// examples reads the items of a matches or rejects list.
func (ld *loader) examples(p string, nodes []*yaml.Node, what string) []string {
	if len(nodes) == 0 {
		return nil
	}
	out := make([]string, len(nodes))
	for i, n := range nodes {
		v, ok := ld.scalar(p, n, "an example in "+what)
		if ok && strings.TrimSpace(v) == "" {
			ld.errf(p, n.Line, "empty example in %s", what)
		}
		out[i] = v
	}
	return out
}

// weight reads an entry weight: a number, 0 < weight <= 3.
func (ld *loader) weight(p string, n *yaml.Node) float64 {
	v, ok := ld.number(p, n, "weight")
	if !ok {
		return 1
	}
	if !(v > 0 && v <= 3) {
		ld.errf(p, n.Line, "weight %s is out of range (0 < weight <= 3)", n.Value)
		return 1
	}
	return v
}

// number reads a YAML int or float scalar.
func (ld *loader) number(p string, n *yaml.Node, what string) (float64, bool) {
	s, ok := ld.scalar(p, n, what)
	if !ok {
		return 0, false
	}
	if tag := n.ShortTag(); tag != "!!int" && tag != "!!float" {
		ld.errf(p, n.Line, "%s must be a number, not %q", what, s)
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		ld.errf(p, n.Line, "%s must be a finite number, not %q", what, s)
		return 0, false
	}
	return v, true
}

// modifierFile reads a language's modifiers.yaml.
func (ld *loader) modifierFile(p, lang string, root *yaml.Node) (FileInfo, Modifiers, bool) {
	nerr := len(ld.errs)
	f := ld.fields(p, root, "the modifier file", append(slices.Clone(headerKeys),
		"negators", "negation_prefixes", "negation_window", "scope_breakers", "intensifiers", "diminishers")...)
	info, _ := ld.header(p, lang, root, f)
	mods := Modifiers{
		Negators:       make(map[string]bool),
		NegationWindow: DefaultNegationWindow,
		ScopeBreakers:  make(map[string]bool),
		Intensifiers:   make(map[string]float64),
	}
	ld.wordList(p, f["negators"], "negator", func(w string) { mods.Negators[w] = true })
	ld.wordList(p, f["scope_breakers"], "scope breaker", func(w string) { mods.ScopeBreakers[w] = true })
	ld.wordList(p, f["negation_prefixes"], "negation prefix", func(w string) {
		mods.NegationPrefixes = append(mods.NegationPrefixes, w)
	})
	if n := f["negation_window"]; n != nil {
		v, ok := ld.number(p, n, "negation_window")
		if ok && (v != math.Trunc(v) || v < 1 || v > 10) {
			ld.errf(p, n.Line, "negation_window %s is out of range (a whole number from 1 to 10)", n.Value)
		} else if ok {
			mods.NegationWindow = int(v)
		}
	}
	factorLine := make(map[string]int)
	ld.factors(p, f["intensifiers"], "intensifier", factorLine, func(v float64) bool { return v > 1 && v <= 3 },
		"> 1 and <= 3", mods.Intensifiers)
	ld.factors(p, f["diminishers"], "diminisher", factorLine, func(v float64) bool { return v > 0 && v < 1 },
		"> 0 and < 1", mods.Intensifiers)
	return info, mods, len(ld.errs) == nerr
}

// checkModWord checks one modifier word: a single folded token.
func (ld *loader) checkModWord(p string, n *yaml.Node, kind, w string) bool {
	switch {
	case strings.TrimSpace(w) == "":
		ld.errf(p, n.Line, "empty %s", kind)
	case strings.IndexFunc(w, unicode.IsSpace) >= 0:
		ld.errf(p, n.Line, "%s %q must be a single word", kind, w)
	case strings.ToLower(w) != w:
		ld.errf(p, n.Line, "%s %q must be lowercase", kind, w)
	case Fold(w) != w:
		ld.errf(p, n.Line, "%s %q is not in folded form (NFC, straight apostrophes); write %q", kind, w, Fold(w))
	case kind == "negation prefix" && strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0:
		ld.errf(p, n.Line, "negation prefix %q must be letters only", w)
	default:
		return true
	}
	return false
}

// wordList reads a list of modifier words, reporting duplicates.
func (ld *loader) wordList(p string, n *yaml.Node, kind string, add func(string)) {
	if n == nil {
		return
	}
	items, _ := ld.list(p, n, kind+"s")
	seen := make(map[string]int)
	for _, it := range items {
		w, ok := ld.scalar(p, it, kind)
		if !ok || !ld.checkModWord(p, it, kind, w) {
			continue
		}
		if l, dup := seen[w]; dup {
			ld.errf(p, it.Line, "duplicate %s %q (also at line %d)", kind, w, l)
			continue
		}
		seen[w] = it.Line
		add(w)
	}
}

// factors reads a mapping of word -> factor into dst.
func (ld *loader) factors(p string, n *yaml.Node, kind string, lines map[string]int, valid func(float64) bool, rng string, dst map[string]float64) {
	if n == nil {
		return
	}
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return
		}
		ld.errf(p, n.Line, "%ss must be a mapping of word: factor, not %s", kind, kindName(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		w, ok := ld.scalar(p, k, kind)
		if !ok || !ld.checkModWord(p, k, kind, w) {
			continue
		}
		if l, dup := lines[w]; dup {
			ld.errf(p, k.Line, "%s %q is listed twice among intensifiers and diminishers (also at line %d)", kind, w, l)
			continue
		}
		lines[w] = k.Line
		f, ok := ld.number(p, v, fmt.Sprintf("the factor of %s %q", kind, w))
		if !ok {
			continue
		}
		if !valid(f) {
			ld.errf(p, v.Line, "%s %q has factor %s; %ss are %s", kind, w, v.Value, kind, rng)
			continue
		}
		dst[w] = f
	}
}
