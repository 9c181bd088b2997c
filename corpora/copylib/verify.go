package copylib

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	bolt "go.etcd.io/bbolt"
)

// Verify checks that the index agrees with the store: the same ids, each at
// the stored version, and that the in-memory view matches too. It reads the
// whole library; use it in tests, after a crash, or from an admin command.
func (l *Library) Verify(ctx context.Context) error {
	if l.closed.Load() {
		return ErrClosed
	}
	l.mu.Lock() // no write may slip in between the two reads
	defer l.mu.Unlock()
	stored := map[string]int{}
	err := l.db.View(func(tx *bolt.Tx) error {
		return forEachVariant(tx, func(v *Variant) error { stored[v.ID] = v.Version; return nil })
	})
	if err != nil {
		return err
	}
	n, err := l.idx.DocCount()
	if err != nil {
		return err
	}
	indexed := map[string]int{}
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), int(n)+1, 0, false)
	req.Fields = []string{fieldRev}
	req.SortBy([]string{"_id"})
	res, err := l.idx.SearchInContext(ctx, req)
	if err != nil {
		return err
	}
	for _, h := range res.Hits {
		rev, _ := h.Fields[fieldRev].(string)
		indexed[h.ID], _ = strconv.Atoi(rev)
	}
	var problems []string
	for id, ver := range stored {
		switch iv, ok := indexed[id]; {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s: in the store (v%d), missing from the index", id, ver))
		case iv != ver:
			problems = append(problems, fmt.Sprintf("%s: store has v%d, index has v%d", id, ver, iv))
		}
		if mv := l.view.get(id); mv == nil || mv.Version != ver {
			problems = append(problems, fmt.Sprintf("%s: store has v%d, the in-memory view disagrees", id, ver))
		}
	}
	for id := range indexed {
		if _, ok := stored[id]; !ok {
			problems = append(problems, fmt.Sprintf("%s: in the index, not in the store", id))
		}
	}
	if n := l.view.len(); n != len(stored) {
		problems = append(problems, fmt.Sprintf("in-memory view has %d variants, the store %d", n, len(stored)))
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	if len(problems) > 20 {
		problems = append(problems[:20], fmt.Sprintf("... and %d more", len(problems)-20))
	}
	return fmt.Errorf("copy index disagrees with the store:\n%s", strings.Join(problems, "\n"))
}
