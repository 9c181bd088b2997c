package quizzes

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/mindprint/mindprint/classifier"
)

// Content rules every instrument must meet (FORMAT.md explains them).
const (
	// MinTraitItems is the fewest items a trait may have in an instrument
	// that measures it, with at least one of each keying.
	MinTraitItems = 4
	// MinMindsetItems is the fewest mindset items, with at least one growth-
	// and one fixed-keyed.
	MinMindsetItems = 6
	// MaxScalePoints bounds the answer scale (max - min + 1).
	MaxScalePoints = 11
	// MaxTextBytes bounds an item's or question's text in one language.
	MaxTextBytes = 400
)

var (
	instrumentIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)
	itemIDRe       = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)
	langRe         = regexp.MustCompile(`^[a-z]{2}$`)
	yamlLineRe     = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// ValidationError is one problem in an instrument file. Load returns every
// problem it finds, joined with errors.Join, sorted by path and line.
type ValidationError struct {
	// Path is the file's path within the fs given to Load.
	Path string
	// Line is 1-based; 0 when the problem concerns a whole file.
	Line int
	Msg  string
}

// Error returns "path:line: msg", or "path: msg" without a line.
func (e *ValidationError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// Load reads and validates every .yaml file at the root of fsys, one
// instrument per file. It reports every problem, not just the first; when
// there is any, the Set is nil: a bad file never half-loads.
func Load(fsys fs.FS) (*Set, error) {
	ld := &loader{}
	ents, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, errors.Join(&ValidationError{Path: ".", Msg: fmt.Sprintf("cannot read the instrument folder: %v", err)})
	}
	var list []*classifier.QuizInstrument
	for _, d := range ents {
		name := d.Name()
		if d.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		switch path.Ext(name) {
		case ".yaml":
		case ".yml":
			ld.errf(name, 0, "instrument files must end in .yaml (this file would be ignored)")
			continue
		default:
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			ld.errf(name, 0, "cannot read: %v", err)
			continue
		}
		if q := ld.parse(name, data); q != nil {
			list = append(list, q)
		}
	}
	first := map[string]string{}
	for _, q := range list {
		if p, dup := first[q.ID]; dup {
			ld.errf(q.Path, 0, "instrument id %q is also used by %s", q.ID, p)
			continue
		}
		first[q.ID] = q.Path
	}
	if len(list) == 0 && len(ld.errs) == 0 {
		ld.errf(".", 0, "no instrument found: the folder must hold .yaml instrument files")
	}
	if err := ld.err(); err != nil {
		return nil, err
	}
	return newSet(list), nil
}

// Parse reads and validates one instrument file; name is used in messages.
// The error is an errors.Join of *ValidationError values.
func Parse(name string, data []byte) (*classifier.QuizInstrument, error) {
	ld := &loader{}
	q := ld.parse(name, data)
	if err := ld.err(); err != nil {
		return nil, err
	}
	return q, nil
}

// loader collects the problems of one Load or Parse.
type loader struct {
	errs []*ValidationError
}

func (ld *loader) errf(p string, line int, format string, args ...any) {
	ld.errs = append(ld.errs, &ValidationError{Path: p, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (ld *loader) err() error {
	if len(ld.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(ld.errs, func(a, b *ValidationError) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line))
	})
	errs := make([]error, len(ld.errs))
	for i, e := range ld.errs {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// file reads one instrument file; p is its path for messages.
type file struct {
	ld   *loader
	p    string
	q    *classifier.QuizInstrument
	bad  bool
	seen map[string]int // item and question ids -> line
}

func (f *file) errf(line int, format string, args ...any) {
	f.bad = true
	f.ld.errf(f.p, line, format, args...)
}

// parse returns the instrument of one file, or nil after recording its
// problems.
func (ld *loader) parse(p string, data []byte) *classifier.QuizInstrument {
	f := &file{ld: ld, p: p, q: &classifier.QuizInstrument{Path: p}, seen: map[string]int{}}
	root := f.yamlRoot(data)
	if root == nil {
		return nil
	}
	f.instrument(root)
	if f.bad {
		return nil
	}
	return f.q
}

var topKeys = []string{"id", "version", "license", "source", "description", "languages", "title", "instructions", "scale", "items", "questions"}

func (f *file) instrument(root *yaml.Node) {
	fields := f.fields(root, "the file", topKeys...)
	q := f.q
	for _, h := range []struct {
		key string
		dst *string
	}{{"id", &q.ID}, {"version", &q.Version}, {"license", &q.License}, {"source", &q.Source}} {
		n, ok := fields[h.key]
		if !ok {
			f.errf(root.Line, "missing %q: every instrument file starts with id, version, license and source", h.key)
			continue
		}
		if v, ok := f.text(n, h.key); ok {
			*h.dst = v
		}
	}
	if q.ID != "" && !instrumentIDRe.MatchString(q.ID) {
		f.errf(fields["id"].Line, "id %q: use 1-40 lowercase letters, digits and '-', starting with a letter or digit", q.ID)
	}
	if n, ok := fields["description"]; ok {
		f.text(n, "description")
	}
	f.languages(root, fields["languages"])
	if len(q.Languages) == 0 {
		return // every later check needs the languages
	}
	if n, ok := fields["title"]; ok {
		q.Title = f.perLanguage(n, "title", true)
	} else {
		f.errf(root.Line, "missing \"title\": one per language")
	}
	if n, ok := fields["instructions"]; ok {
		q.Instructions = f.perLanguage(n, "instructions", true)
	}
	itemsNode, hasItems := fields["items"]
	if hasItems {
		f.items(itemsNode)
	}
	if n, ok := fields["questions"]; ok {
		f.questions(n)
	}
	if n, ok := fields["scale"]; ok {
		f.scale(n)
		if len(q.Items) == 0 && !hasItems {
			f.errf(n.Line, "a scale without items: remove it, or add items")
		}
	} else if hasItems {
		f.errf(itemsNode.Line, "items need a scale (min, max and labels per language)")
	}
	if len(q.Items) == 0 && len(q.Questions) == 0 && !f.bad {
		f.errf(root.Line, "the instrument has neither items nor questions")
	}
	f.balance(itemsNode)
}

func (f *file) languages(root, n *yaml.Node) {
	if n == nil {
		f.errf(root.Line, "missing \"languages\": the list of language codes every text is written in, e.g. [en, fi, lv, pl]")
		return
	}
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		f.errf(n.Line, "languages must be a non-empty list of language codes, e.g. [en, fi, lv, pl]")
		return
	}
	var langs []string
	for _, c := range n.Content {
		v, ok := f.text(c, "a language")
		if !ok {
			continue
		}
		switch {
		case !langRe.MatchString(v):
			f.errf(c.Line, "language %q: want a two-letter ISO 639-1 code such as fi", v)
		case slices.Contains(langs, v):
			f.errf(c.Line, "language %q is listed twice", v)
		default:
			langs = append(langs, v)
		}
	}
	if !f.bad {
		f.q.Languages = langs
	}
}

// perLanguage reads a mapping of language -> text that must cover exactly
// the instrument's languages.
func (f *file) perLanguage(n *yaml.Node, what string, maxLen bool) map[string]string {
	if n.Kind != yaml.MappingNode {
		f.errf(n.Line, "%s must map each language (%s) to its text", what, strings.Join(f.q.Languages, ", "))
		return nil
	}
	out := map[string]string{}
	fields := f.fields(n, what, f.q.Languages...)
	for _, lang := range f.q.Languages {
		v, ok := fields[lang]
		if !ok {
			f.errf(n.Line, "%s: missing language %q (every text must exist in %s)", what, lang, strings.Join(f.q.Languages, ", "))
			continue
		}
		s, ok := f.text(v, what+"."+lang)
		if !ok {
			continue
		}
		if maxLen && len(s) > MaxTextBytes {
			f.errf(v.Line, "%s.%s is %d bytes; the limit is %d", what, lang, len(s), MaxTextBytes)
			continue
		}
		out[lang] = s
	}
	return out
}

var scaleKeys = []string{"min", "max", "labels"}

func (f *file) scale(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		f.errf(n.Line, "scale must be a mapping of min, max and labels")
		return
	}
	fields := f.fields(n, "scale", scaleKeys...)
	sc := &f.q.Scale
	ok := true
	for _, k := range []struct {
		key string
		dst *int
	}{{"min", &sc.Min}, {"max", &sc.Max}} {
		v, has := fields[k.key]
		if !has {
			f.errf(n.Line, "scale: missing %q", k.key)
			ok = false
			continue
		}
		i, err := strconv.Atoi(v.Value)
		if v.Kind != yaml.ScalarNode || err != nil || i < 0 {
			f.errf(v.Line, "scale.%s must be a whole number, 0 or more", k.key)
			ok = false
			continue
		}
		*k.dst = i
	}
	if !ok {
		return
	}
	points := sc.Max - sc.Min + 1
	if sc.Max <= sc.Min || points > MaxScalePoints {
		f.errf(n.Line, "scale %d..%d: want min below max and at most %d points", sc.Min, sc.Max, MaxScalePoints)
		return
	}
	ln, has := fields["labels"]
	if !has {
		f.errf(n.Line, "scale: missing \"labels\": %d per language, from %d to %d", points, sc.Min, sc.Max)
		return
	}
	if ln.Kind != yaml.MappingNode {
		f.errf(ln.Line, "scale.labels must map each language to its %d labels", points)
		return
	}
	sc.Labels = map[string][]string{}
	lf := f.fields(ln, "scale.labels", f.q.Languages...)
	for _, lang := range f.q.Languages {
		v, has := lf[lang]
		if !has {
			f.errf(ln.Line, "scale.labels: missing language %q", lang)
			continue
		}
		if v.Kind != yaml.SequenceNode || len(v.Content) != points {
			f.errf(v.Line, "scale.labels.%s must list %d labels, one for each point from %d to %d", lang, points, sc.Min, sc.Max)
			continue
		}
		var labels []string
		for _, c := range v.Content {
			s, ok := f.text(c, "a label")
			if !ok {
				continue
			}
			if slices.Contains(labels, s) {
				f.errf(c.Line, "scale.labels.%s: label %q is used twice", lang, s)
			}
			labels = append(labels, s)
		}
		sc.Labels[lang] = labels
	}
}

var itemKeys = []string{"id", "trait", "mindset", "keyed", "text"}

func (f *file) items(n *yaml.Node) {
	list, ok := f.list(n, "items")
	if !ok {
		return
	}
	texts := map[string]map[string]int{} // lang -> text -> line
	for _, it := range list {
		if it.Kind != yaml.MappingNode {
			f.errf(it.Line, "an item must be a mapping of id, trait or mindset, keyed and text")
			continue
		}
		fields := f.fields(it, "an item", itemKeys...)
		item := classifier.QuizItem{Line: it.Line}
		item.ID = f.id(it, fields)
		where := fmt.Sprintf("item %q", item.ID)
		tn, hasTrait := fields["trait"]
		mn, hasMindset := fields["mindset"]
		kn, hasKeyed := fields["keyed"]
		var keyed classifier.Keying
		if hasKeyed {
			if s, ok := f.text(kn, where+": keyed"); ok {
				keyed = classifier.Keying(s)
				if keyed != classifier.KeyedPlus && keyed != classifier.KeyedMinus {
					f.errf(kn.Line, "%s: keyed must be \"+\" or \"-\" (quote it), not %q", where, s)
				}
			}
		}
		switch {
		case hasTrait && hasMindset:
			f.errf(it.Line, "%s: give trait or mindset, not both", where)
		case hasTrait:
			if s, ok := f.text(tn, where+": trait"); ok {
				if !slices.Contains(traitNames(), s) {
					f.errf(tn.Line, "%s: unknown trait %q (want %s)", where, s, strings.Join(traitNames(), ", "))
				}
				item.Dimension = s
			}
			if !hasKeyed {
				f.errf(it.Line, "%s: missing keyed: \"+\" when agreeing points to high %s, \"-\" when to low", where, item.Dimension)
			}
			item.Keyed = keyed
		case hasMindset:
			item.Dimension = classifier.DimensionMindset
			if s, ok := f.text(mn, where+": mindset"); ok {
				switch s {
				case classifier.MindsetGrowth:
					item.Keyed = classifier.KeyedPlus
				case classifier.MindsetFixed:
					item.Keyed = classifier.KeyedMinus
				default:
					f.errf(mn.Line, "%s: mindset must be growth or fixed (the side agreeing points to), not %q", where, s)
				}
			}
			if hasKeyed && keyed != item.Keyed && item.Keyed != "" {
				f.errf(kn.Line, "%s: keyed %q contradicts mindset %s (growth is \"+\", fixed \"-\"); leave keyed out", where, keyed, mn.Value)
			}
		default:
			f.errf(it.Line, "%s: missing trait or mindset", where)
		}
		if tx, ok := fields["text"]; ok {
			item.Text = f.perLanguage(tx, where+": text", true)
			f.uniqueTexts(texts, item.Text, tx, where)
		} else {
			f.errf(it.Line, "%s: missing text: one per language (%s)", where, strings.Join(f.q.Languages, ", "))
		}
		f.q.Items = append(f.q.Items, item)
	}
}

var questionKeys = []string{"id", "text"}

func (f *file) questions(n *yaml.Node) {
	list, ok := f.list(n, "questions")
	if !ok {
		return
	}
	texts := map[string]map[string]int{}
	for _, it := range list {
		if it.Kind != yaml.MappingNode {
			f.errf(it.Line, "a question must be a mapping of id and text")
			continue
		}
		fields := f.fields(it, "a question", questionKeys...)
		qu := classifier.QuizQuestion{Line: it.Line}
		qu.ID = f.id(it, fields)
		where := fmt.Sprintf("question %q", qu.ID)
		if tx, ok := fields["text"]; ok {
			qu.Text = f.perLanguage(tx, where+": text", true)
			f.uniqueTexts(texts, qu.Text, tx, where)
		} else {
			f.errf(it.Line, "%s: missing text: one per language (%s)", where, strings.Join(f.q.Languages, ", "))
		}
		f.q.Questions = append(f.q.Questions, qu)
	}
}

// id reads an item's or question's id and checks it is unique in the file.
func (f *file) id(it *yaml.Node, fields map[string]*yaml.Node) string {
	n, ok := fields["id"]
	if !ok {
		f.errf(it.Line, "missing id")
		return ""
	}
	id, ok := f.text(n, "id")
	if !ok {
		return ""
	}
	if !itemIDRe.MatchString(id) {
		f.errf(n.Line, "id %q: use 1-32 lowercase letters, digits, '-' and '_', starting with a letter or digit", id)
	}
	if l, dup := f.seen[id]; dup {
		f.errf(n.Line, "duplicate id %q (also at line %d); items and questions share one set of ids", id, l)
	}
	f.seen[id] = n.Line
	return id
}

// uniqueTexts reports a text used twice in one language: a copy-paste slip.
func (f *file) uniqueTexts(seen map[string]map[string]int, texts map[string]string, n *yaml.Node, where string) {
	for lang, s := range texts {
		if seen[lang] == nil {
			seen[lang] = map[string]int{}
		}
		key := strings.ToLower(strings.TrimSpace(s))
		if l, dup := seen[lang][key]; dup {
			f.errf(n.Line, "%s: the %s text is the same as at line %d", where, lang, l)
			continue
		}
		seen[lang][key] = n.Line
	}
}

// balance checks what scoring needs: enough items per dimension, keyed
// both ways, so that acquiescence cancels.
func (f *file) balance(itemsNode *yaml.Node) {
	if itemsNode == nil || len(f.q.Items) == 0 || f.bad {
		return
	}
	for _, dim := range append(traitNames(), classifier.DimensionMindset) {
		var n, plus, minus int
		for _, it := range f.q.Items {
			if it.Dimension != dim {
				continue
			}
			n++
			if it.Keyed == classifier.KeyedPlus {
				plus++
			} else {
				minus++
			}
		}
		if n == 0 {
			continue
		}
		least := MinTraitItems
		if dim == classifier.DimensionMindset {
			least = MinMindsetItems
		}
		if n < least || plus == 0 || minus == 0 {
			f.errf(itemsNode.Line, "%s has %d item(s), %d keyed \"+\" and %d keyed \"-\"; it needs at least %d with both keyings, so that agreeing with everything cancels out",
				dim, n, plus, minus, least)
		}
	}
}

// yamlRoot parses one file into its root mapping, or nil after recording
// why it cannot.
func (f *file) yamlRoot(data []byte) (root *yaml.Node) {
	defer func() {
		// The parser reads operator-supplied files; a parser bug must not
		// take the service down.
		if r := recover(); r != nil {
			f.errf(0, "invalid YAML: parser failure: %v", r)
			root = nil
		}
	}()
	if !utf8.Valid(data) {
		f.errf(0, "the file is not valid UTF-8")
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) || (err == nil && len(doc.Content) == 0) {
		f.errf(1, "empty file")
		return nil
	}
	if err != nil {
		f.yamlError(err)
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			f.yamlError(err)
		} else {
			f.errf(extra.Line, "an instrument file holds one YAML document (found another)")
		}
		return nil
	}
	if n := findAlias(&doc); n != nil {
		f.errf(n.Line, "YAML aliases (*%s) are not supported; write the value out", n.Value)
		return nil
	}
	root = doc.Content[0]
	if root.Kind != yaml.MappingNode {
		f.errf(root.Line, "the file must be a mapping of keys (id, version, ...), not %s", kindName(root))
		return nil
	}
	return root
}

func (f *file) yamlError(err error) {
	msg := err.Error()
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		f.errf(line, "invalid YAML: %s", m[2])
		return
	}
	f.errf(0, "invalid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
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
func (f *file) fields(n *yaml.Node, where string, allowed ...string) map[string]*yaml.Node {
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	keyLine := make(map[string]int)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			f.errf(k.Line, "%s: a key must be a plain name, not %s", where, kindName(k))
			continue
		}
		if !slices.Contains(allowed, k.Value) {
			f.errf(k.Line, "unknown key %q in %s (want %s)", k.Value, where, strings.Join(allowed, ", "))
			continue
		}
		if l, dup := keyLine[k.Value]; dup {
			f.errf(k.Line, "duplicate key %q in %s (also at line %d)", k.Value, where, l)
			continue
		}
		keyLine[k.Value] = k.Line
		out[k.Value] = v
	}
	return out
}

// text returns a non-blank scalar's value, trimmed, reporting anything else.
func (f *file) text(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		f.errf(n.Line, "%s must be a single value, not %s", what, kindName(n))
		return "", false
	}
	s := strings.TrimSpace(n.Value)
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsSpace(r) }) < 0 {
		f.errf(n.Line, "%s is empty", what)
		return "", false
	}
	return s, true
}

// list returns the items of a sequence value, reporting any other kind.
func (f *file) list(n *yaml.Node, what string) ([]*yaml.Node, bool) {
	if n.Kind != yaml.SequenceNode {
		f.errf(n.Line, "%s must be a list, not %s", what, kindName(n))
		return nil, false
	}
	return n.Content, true
}

func traitNames() []string {
	out := make([]string, len(classifier.AllTraits))
	for i, t := range classifier.AllTraits {
		out[i] = string(t)
	}
	return out
}
