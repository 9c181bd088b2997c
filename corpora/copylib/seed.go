package copylib

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
	"go.yaml.in/yaml/v3"
)

// seedFS holds the seed library, one file per language (seed/<lang>.yaml).
//
//go:embed seed/*.yaml
var seedFS embed.FS

// embeddedSeedPrefix is how errors name the embedded files, relative to the
// repository root.
const embeddedSeedPrefix = "corpora/copylib/"

// Coverage bars every seed language must meet (seed/FORMAT.md).
const (
	// MinPerPoleMindset is the fewest variants for each trait pole × mindset
	// (fixed, growth) in a language.
	MinPerPoleMindset = 6
	// MinPairs is the fewest dual-mindset split pairs in a language.
	MinPairs = 10
)

// SeedFile is one parsed and validated seed file.
type SeedFile struct {
	// Path names the file in errors, e.g. corpora/copylib/seed/en.yaml.
	Path        string
	ID          string
	Lang        string
	Version     string
	License     string
	Source      string
	Description string
	// Variants are the file's entries, without created/updated/version.
	Variants []Variant
	// Lines maps each variant id to the line its entry starts on.
	Lines map[string]int
}

// SeedImport records what Open imported from one seed file.
type SeedImport struct {
	File    string `json:"file"`
	Version string `json:"version"`
	Added   int    `json:"added"`
}

// SeedError lists every problem found in the seed files, each as
// "path:line: message". A bad seed stops start-up; nothing half-loads.
type SeedError struct {
	Problems []string
}

func (e *SeedError) Error() string {
	const show = 30
	p := e.Problems
	more := ""
	if len(p) > show {
		more = fmt.Sprintf("\n... and %d more", len(p)-show)
		p = p[:show]
	}
	return "copy seed: " + strings.Join(p, "\n") + more
}

// DefaultSeed returns the embedded seed library, validated.
func DefaultSeed() ([]SeedFile, error) {
	sub, err := fs.Sub(seedFS, "seed")
	if err != nil {
		return nil, err
	}
	return loadSeed(sub, embeddedSeedPrefix+"seed/")
}

// LoadSeed reads and validates every *.yaml file at the top of fsys (e.g.
// os.DirFS("corpora/copylib/seed")). Errors name the file and line.
func LoadSeed(fsys fs.FS) ([]SeedFile, error) { return loadSeed(fsys, "") }

func loadSeed(fsys fs.FS, prefix string) ([]SeedFile, error) {
	if _, err := fs.ReadDir(fsys, "."); err != nil { // fs.Glob alone would hide a missing folder
		return nil, fmt.Errorf("copy seed: %w", err)
	}
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var files []SeedFile
	var problems []string
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s%s: %v", prefix, name, err))
			continue
		}
		f, probs := ParseSeedFile(prefix+name, raw)
		problems = append(problems, probs...)
		if len(probs) == 0 {
			files = append(files, f)
		}
	}
	problems = append(problems, crossCheck(files)...)
	if len(problems) > 0 {
		return nil, &SeedError{Problems: problems}
	}
	return files, nil
}

var fileIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// ParseSeedFile parses one seed file and validates it on its own; name is
// used in messages and its base name must be <lang>.yaml or <lang>-*.yaml.
// It returns the problems as "name:line: message".
func ParseSeedFile(name string, raw []byte) (SeedFile, []string) {
	f := SeedFile{Path: name, Lines: map[string]int{}}
	var problems []string
	bad := func(line int, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s:%d: %s", name, line, fmt.Sprintf(format, args...)))
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return f, []string{fmt.Sprintf("%s: %v", name, err)}
	}
	if len(doc.Content) == 0 {
		return f, []string{fmt.Sprintf("%s:1: empty file", name)}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return f, []string{fmt.Sprintf("%s:%d: want a mapping with id, lang, version, license, source, variants", name, root.Line)}
	}
	header := map[string]*string{"id": &f.ID, "lang": &f.Lang, "version": &f.Version, "license": &f.License, "source": &f.Source, "description": &f.Description}
	seen := map[string]int{}
	var variants *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if j, dup := seen[k.Value]; dup {
			bad(k.Line, "duplicate key %q (also at line %d)", k.Value, j)
			continue
		}
		seen[k.Value] = k.Line
		if k.Value == "variants" {
			variants = v
			continue
		}
		dst, ok := header[k.Value]
		if !ok {
			bad(k.Line, "unknown key %q (want id, lang, version, license, source, description, variants)", k.Value)
			continue
		}
		if v.Kind != yaml.ScalarNode {
			bad(v.Line, "%s must be a string", k.Value)
			continue
		}
		*dst = strings.TrimSpace(v.Value)
	}
	for _, key := range []string{"id", "lang", "version", "license", "source"} {
		if *header[key] == "" {
			line := seen[key]
			if line == 0 {
				line = root.Line
			}
			bad(line, "missing header key %q", key)
		}
	}
	if f.ID != "" && !fileIDPattern.MatchString(f.ID) {
		bad(seen["id"], "file id %q may contain only a-z, 0-9, '.', '_', '-'", f.ID)
	}
	if f.Lang != "" {
		if !slices.Contains(Languages, f.Lang) {
			bad(seen["lang"], "unsupported language %q: want one of %s", f.Lang, strings.Join(Languages, ", "))
		}
		base := strings.TrimSuffix(path.Base(name), ".yaml")
		if base != f.Lang && !strings.HasPrefix(base, f.Lang+"-") {
			bad(seen["lang"], "lang %q does not match the file name %s (want %s.yaml or %s-*.yaml)", f.Lang, path.Base(name), f.Lang, f.Lang)
		}
	}
	if variants == nil {
		bad(root.Line, "missing key \"variants\"")
		return f, problems
	}
	if variants.Kind != yaml.SequenceNode {
		bad(variants.Line, "variants must be a list")
		return f, problems
	}
	firstLine := map[string]int{} // every id seen, valid or not, for duplicate checks
	for _, item := range variants.Content {
		v, lines, probs := parseSeedVariant(item, f.Lang)
		if id := strings.TrimSpace(v.ID); id != "" {
			if j, dup := firstLine[id]; dup {
				bad(item.Line, "duplicate id %q (also at %s:%d)", id, name, j)
				continue
			}
			firstLine[id] = item.Line
		}
		for _, p := range probs {
			bad(p.line, "%s", p.msg)
		}
		if len(probs) > 0 {
			continue
		}
		v.Normalize()
		if err := v.Validate(); err != nil {
			for _, fe := range err.(*ValidationError).Errors {
				bad(lines.of(fe.Field, item.Line), "variant %q: %s: %s", v.ID, fe.Field, fe.Message)
			}
			continue
		}
		f.Lines[v.ID] = item.Line
		f.Variants = append(f.Variants, v)
	}
	return f, problems
}

type lineProblem struct {
	line int
	msg  string
}

// fieldLines maps a variant field path ("text", "traits[1]") to its line.
type fieldLines map[string]int

func (fl fieldLines) of(field string, fallback int) int {
	if l, ok := fl[field]; ok {
		return l
	}
	if base, _, ok := strings.Cut(field, "["); ok {
		if l, ok := fl[base]; ok {
			return l
		}
	}
	return fallback
}

func parseSeedVariant(item *yaml.Node, lang string) (Variant, fieldLines, []lineProblem) {
	var v Variant
	lines := fieldLines{}
	var probs []lineProblem
	bad := func(line int, format string, args ...any) {
		probs = append(probs, lineProblem{line, fmt.Sprintf(format, args...)})
	}
	if item.Kind != yaml.MappingNode {
		bad(item.Line, "a variant must be a mapping with id, kind, text, traits, mindset, industries, touchpoint, tags")
		return v, lines, probs
	}
	scalars := map[string]*string{"id": &v.ID, "lang": &v.Lang, "kind": &v.Kind, "text": &v.Text, "mindset": &v.Mindset, "touchpoint": &v.Touchpoint}
	lists := map[string]*[]string{"traits": &v.Traits, "industries": &v.Industries, "tags": &v.Tags}
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, val := item.Content[i], item.Content[i+1]
		if _, dup := lines[k.Value]; dup {
			bad(k.Line, "duplicate key %q", k.Value)
			continue
		}
		lines[k.Value] = k.Line
		switch k.Value {
		case "created", "updated", "version":
			bad(k.Line, "%q is set by the library; leave it out of seed files", k.Value)
			continue
		}
		if dst, ok := scalars[k.Value]; ok {
			if val.Kind != yaml.ScalarNode {
				bad(val.Line, "%s must be a string", k.Value)
				continue
			}
			*dst = val.Value
			continue
		}
		if dst, ok := lists[k.Value]; ok {
			if val.Kind != yaml.SequenceNode {
				bad(val.Line, "%s must be a list, e.g. [%s]", k.Value, map[string]string{"traits": "openness:high", "industries": "travel", "tags": "authority"}[k.Value])
				continue
			}
			out := make([]string, 0, len(val.Content))
			for j, e := range val.Content {
				if e.Kind != yaml.ScalarNode {
					bad(e.Line, "%s[%d] must be a string", k.Value, j)
					continue
				}
				lines[fmt.Sprintf("%s[%d]", k.Value, j)] = e.Line
				out = append(out, e.Value)
			}
			*dst = out
			continue
		}
		bad(k.Line, "unknown key %q (want id, lang, kind, text, traits, mindset, industries, touchpoint, tags)", k.Value)
	}
	if len(probs) > 0 {
		return v, lines, probs
	}
	if strings.TrimSpace(v.ID) == "" {
		bad(item.Line, "variant without id")
	} else if lang != "" && !strings.HasPrefix(strings.TrimSpace(v.ID), lang+"-") {
		bad(lines.of("id", item.Line), "id %q must start with %q so ids never collide across languages", v.ID, lang+"-")
	}
	if v.Lang == "" {
		v.Lang = lang
	} else if strings.TrimSpace(v.Lang) != lang {
		bad(lines.of("lang", item.Line), "lang %q differs from the file's lang %q", v.Lang, lang)
	}
	if v.Tags == nil {
		v.Tags = []string{}
	}
	return v, lines, probs
}

// crossCheck finds problems across files: duplicate file or variant ids and
// split pairs without exactly one outcome and one journey half.
func crossCheck(files []SeedFile) []string {
	var problems []string
	fileIDs := map[string]string{}
	ids := map[string]string{}
	type half struct{ outcome, journey []string }
	pairs := map[string]*half{} // lang/key
	var pairOrder []string
	for _, f := range files {
		if prev, dup := fileIDs[f.ID]; dup {
			problems = append(problems, fmt.Sprintf("%s:1: duplicate file id %q (also %s)", f.Path, f.ID, prev))
		}
		fileIDs[f.ID] = f.Path
		for _, v := range f.Variants {
			where := fmt.Sprintf("%s:%d", f.Path, f.Lines[v.ID])
			if prev, dup := ids[v.ID]; dup {
				problems = append(problems, fmt.Sprintf("%s: duplicate id %q (also at %s)", where, v.ID, prev))
				continue
			}
			ids[v.ID] = where
			key, side := v.PairKey()
			if key == "" {
				continue
			}
			pk := v.Lang + "/" + key
			h := pairs[pk]
			if h == nil {
				h = &half{}
				pairs[pk] = h
				pairOrder = append(pairOrder, pk)
			}
			if side == TagOutcome {
				h.outcome = append(h.outcome, where)
			} else {
				h.journey = append(h.journey, where)
			}
		}
	}
	for _, pk := range pairOrder {
		h := pairs[pk]
		lang, key, _ := strings.Cut(pk, "/")
		all := append(append([]string(nil), h.outcome...), h.journey...)
		if len(h.outcome) != 1 || len(h.journey) != 1 {
			problems = append(problems, fmt.Sprintf("%s: pair %q (%s) has %d outcome and %d journey halves; want exactly one of each",
				all[0], key, lang, len(h.outcome), len(h.journey)))
		}
	}
	return problems
}

// CoverageGap is one trait pole × mindset cell, or the pair count, of a
// language that is below its bar.
type CoverageGap struct {
	Lang string `json:"lang"`
	// Cell is "openness:high/fixed", or "pairs".
	Cell string `json:"cell"`
	Have int    `json:"have"`
	Want int    `json:"want"`
}

func (g CoverageGap) String() string {
	return fmt.Sprintf("%s %s: %d of %d", g.Lang, g.Cell, g.Have, g.Want)
}

// Coverage counts, per language, the variants of every trait pole × mindset
// (fixed, growth) cell ("openness:high/fixed") and the split pairs ("pairs").
func Coverage(files []SeedFile) map[string]map[string]int {
	out := map[string]map[string]int{}
	pairKeys := map[string]map[string]bool{}
	for _, f := range files {
		for _, v := range f.Variants {
			m := out[v.Lang]
			if m == nil {
				m = map[string]int{}
				for _, tp := range allPoles() {
					m[tp.String()+"/"+MindsetFixed] = 0
					m[tp.String()+"/"+MindsetGrowth] = 0
				}
				out[v.Lang] = m
				pairKeys[v.Lang] = map[string]bool{}
			}
			if v.Mindset == MindsetFixed || v.Mindset == MindsetGrowth {
				for _, t := range v.Traits {
					m[t+"/"+v.Mindset]++
				}
			}
			if key, _ := v.PairKey(); key != "" {
				pairKeys[v.Lang][key] = true
			}
		}
	}
	for lang, keys := range pairKeys {
		out[lang]["pairs"] = len(keys)
	}
	return out
}

// CoverageGaps lists the cells of every language in files that are below
// MinPerPoleMindset or MinPairs, sorted.
func CoverageGaps(files []SeedFile) []CoverageGap {
	var gaps []CoverageGap
	for lang, cells := range Coverage(files) {
		for cell, n := range cells {
			want := MinPerPoleMindset
			if cell == "pairs" {
				want = MinPairs
			}
			if n < want {
				gaps = append(gaps, CoverageGap{Lang: lang, Cell: cell, Have: n, Want: want})
			}
		}
	}
	sort.Slice(gaps, func(i, j int) bool {
		if gaps[i].Lang != gaps[j].Lang {
			return gaps[i].Lang < gaps[j].Lang
		}
		return gaps[i].Cell < gaps[j].Cell
	})
	return gaps
}

func allPoles() []TraitPole {
	var out []TraitPole
	for _, t := range traitOrder() {
		out = append(out, TraitPole{t, PoleHigh}, TraitPole{t, PoleLow})
	}
	return out
}

// importSeeds adds the variants of every seed file whose version was not
// imported yet, in one transaction. Ids already in the store, or seeded
// before (and maybe deleted by a copywriter since), are left alone.
func (l *Library) importSeeds() ([]SeedImport, error) {
	var out []SeedImport
	err := l.db.Update(func(tx *bolt.Tx) error {
		seeds, seeded, variants := tx.Bucket(bucketSeeds), tx.Bucket(bucketSeeded), tx.Bucket(bucketVariants)
		for _, f := range l.seeds {
			if string(seeds.Get([]byte(f.ID))) == f.Version {
				continue
			}
			t := l.stamp()
			added := 0
			for _, v := range f.Variants {
				if seeded.Get([]byte(v.ID)) != nil || variants.Get([]byte(v.ID)) != nil {
					continue
				}
				v := v.clone()
				v.Created, v.Updated, v.Version = t, t, 1
				if _, err := putVariant(tx, &v); err != nil {
					return err
				}
				if err := seeded.Put([]byte(v.ID), []byte(f.ID)); err != nil {
					return err
				}
				added++
			}
			if err := seeds.Put([]byte(f.ID), []byte(f.Version)); err != nil {
				return err
			}
			out = append(out, SeedImport{File: f.Path, Version: f.Version, Added: added})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("copylib: import seed: %w", err)
	}
	return out, nil
}
