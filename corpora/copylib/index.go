package copylib

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	bolt "go.etcd.io/bbolt"
)

// mappingVersion names the index layout. Change it whenever indexMapping,
// an analyzer or indexDoc changes: an index with another version is rebuilt
// from the store on open.
const mappingVersion = "copy-mapping-3"

// Internal keys the index keeps beside its documents.
var (
	internalMapping = []byte("mindprint:mapping")
	internalGen     = []byte("mindprint:gen")
)

// Keyword fields of the index. Facets and filters use them.
const (
	fieldLang       = "lang"
	fieldKind       = "kind"
	fieldMindset    = "mindset"
	fieldTouchpoint = "touchpoint"
	fieldTraits     = "traits" // "openness:high"
	fieldTraitNames = "trait"  // "openness"
	fieldIndustries = "industries"
	fieldTags       = "tags"
	fieldRev        = "rev" // the version, stored, so Verify can compare with the store
)

func indexMapping() *mapping.IndexMappingImpl {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = keyword.Name
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	doc := bleve.NewDocumentStaticMapping()
	for lang, analyzer := range languageAnalyzers {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = analyzer
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = true // highlights come from term locations
		fm.DocValues = false
		doc.AddFieldMappingsAt(textField(lang), fm)
	}
	for _, f := range []string{fieldLang, fieldKind, fieldMindset, fieldTouchpoint, fieldTraits, fieldTraitNames, fieldIndustries, fieldTags} {
		fm := bleve.NewKeywordFieldMapping()
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = true // facets read doc values
		doc.AddFieldMappingsAt(f, fm)
	}
	rev := bleve.NewKeywordFieldMapping()
	rev.IncludeInAll = false
	rev.IncludeTermVectors = false
	rev.DocValues = false
	doc.AddFieldMappingsAt(fieldRev, rev)
	im.DefaultMapping = doc
	return im
}

// indexDoc is what the index holds for a variant: its text in its language's
// field, and the filterable fields as keywords.
func indexDoc(v *Variant) map[string]any {
	names := make([]string, 0, len(v.Traits))
	for _, tp := range v.TraitPoles() {
		names = append(names, string(tp.Trait))
	}
	return map[string]any{
		textField(v.Lang): v.Text,
		fieldLang:         v.Lang,
		fieldKind:         v.Kind,
		fieldMindset:      v.Mindset,
		fieldTouchpoint:   v.Touchpoint,
		fieldTraits:       v.Traits,
		fieldTraitNames:   names,
		fieldIndustries:   v.Industries,
		fieldTags:         v.Tags,
		fieldRev:          strconv.Itoa(v.Version),
	}
}

// openIndex opens the index at path and reports the store generation it holds.
// ok is false when the index must be rebuilt: missing, unreadable or from
// another mapping version. The returned index is nil when ok is false.
func openIndex(path string) (idx bleve.Index, gen uint64, ok bool) {
	if _, err := os.Stat(path); err != nil {
		return nil, 0, false
	}
	idx, err := bleve.Open(path)
	if err != nil {
		return nil, 0, false
	}
	mv, err := idx.GetInternal(internalMapping)
	if err != nil || string(mv) != mappingVersion {
		_ = idx.Close()
		return nil, 0, false
	}
	raw, err := idx.GetInternal(internalGen)
	if err != nil {
		_ = idx.Close()
		return nil, 0, false
	}
	if len(raw) > 0 {
		gen, err = strconv.ParseUint(string(raw), 10, 64)
		if err != nil {
			_ = idx.Close()
			return nil, 0, false
		}
	}
	return idx, gen, true
}

// rebuildBatch is how many variants go into one index batch during a rebuild.
const rebuildBatch = 1000

// rebuildIndex builds a fresh index at path from the store, beside the old
// one, and swaps it in, so a crash mid-rebuild leaves no half index behind.
func rebuildIndex(path string, db *bolt.DB) (bleve.Index, uint64, error) {
	tmp := path + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return nil, 0, fmt.Errorf("copy index: remove %s: %w", tmp, err)
	}
	idx, err := bleve.New(tmp, indexMapping())
	if err != nil {
		return nil, 0, fmt.Errorf("copy index: create %s: %w", tmp, err)
	}
	var gen uint64
	err = db.View(func(tx *bolt.Tx) error {
		gen = storeGen(tx)
		b := idx.NewBatch()
		err := forEachVariant(tx, func(v *Variant) error {
			if err := b.Index(v.ID, indexDoc(v)); err != nil {
				return err
			}
			if b.Size() >= rebuildBatch {
				if err := idx.Batch(b); err != nil {
					return err
				}
				b.Reset()
			}
			return nil
		})
		if err != nil {
			return err
		}
		b.SetInternal(internalMapping, []byte(mappingVersion))
		b.SetInternal(internalGen, []byte(strconv.FormatUint(gen, 10)))
		return idx.Batch(b)
	})
	if cerr := idx.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.RemoveAll(tmp)
		return nil, 0, fmt.Errorf("copy index: rebuild: %w", err)
	}
	if err := os.RemoveAll(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, 0, fmt.Errorf("copy index: remove old %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, 0, fmt.Errorf("copy index: %w", err)
	}
	idx, err = bleve.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("copy index: open rebuilt %s: %w", path, err)
	}
	return idx, gen, nil
}
