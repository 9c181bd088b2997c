package lexicons

import (
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Match is one lexicon hit in a token sequence.
type Match struct {
	// Start and End are the token index range [Start, End) the match covers.
	Start, End int
	// Term is the winning term, e.g. "luov*" or "top rated".
	Term string
	// Entries are every entry whose term is Term, in load order (a term may be
	// in several categories). The slice is shared: do not modify it.
	Entries []*Entry
	// PrefixNegated is true when the first token matched only after a
	// negation prefix was stripped from it (Latvian "ne" + X); the entries'
	// poles should then be flipped by the caller.
	PrefixNegated bool
}

// MinPrefixRemainder is the fewest letters that must remain after a
// negation prefix is stripped for the rest to be matched.
const MinPrefixRemainder = 3

// Match calls fn for every match in words, in token order. words[i] is the
// folded form (see Fold) of token i; a non-word token is passed as "" and
// matches nothing and breaks phrases.
//
// At each position the longest term (in tokens) wins and the tokens it
// covers are not matched again. Among terms of equal length the one whose
// words are more specific wins, word by word from the first: an exact word
// beats a stem and a longer stem beats a shorter one. When no term starts at
// a token that begins with a negation prefix, the token is tried again
// without the prefix (if at least MinPrefixRemainder letters remain) and a
// match found that way has PrefixNegated set.
//
// Match runs in time linear in the number of tokens and does not allocate in
// the steady state. It is safe for concurrent use; fn may call Match again.
func (l *Lexicon) Match(words []string, fn func(Match)) {
	if l == nil || l.m == nil || len(words) == 0 {
		return
	}
	l.m.match(words, fn)
}

// MatchWord folds word and matches it as a single token: the match that
// Match would report for a text of that one word.
func (l *Lexicon) MatchWord(word string) (Match, bool) {
	var (
		out Match
		ok  bool
	)
	l.Match([]string{Fold(word)}, func(m Match) { out, ok = m, true })
	return out, ok
}

// matcher is the compiled form of a lexicon: a dictionary of word patterns
// (exact words in a map, stems in a byte trie) and a trie of terms over
// pattern ids.
type matcher struct {
	exact map[string]int32 // exact word -> pattern id
	// The stem trie: node 0 is the root, whose children are in rootNext by
	// byte; other nodes list their children in edges[first:first+n], sorted.
	rootNext [256]int32
	nodes    []stemNode
	edges    []stemEdge

	rank []int32 // per pattern: exact words highest, stems by length

	// The term trie: node 0 is the root; a child is found by (node, pattern).
	termRoot []int32          // per pattern: child of the root, 0 when none
	termNext map[uint64]int32 // (node<<32 | pattern) -> child below the root
	nodeTerm []int32          // per term-trie node: index in terms, -1 when none
	terms    []termInfo
	maxWords int

	prefixes []string // negation prefixes, longest first
	pool     sync.Pool
}

type stemNode struct {
	first, n int32 // children in edges
	pat      int32 // pattern id of the stem ending here, -1 when none
}

type stemEdge struct {
	b    byte
	next int32
}

type termInfo struct {
	term    string
	entries []*Entry
}

// scratch holds the per-call buffers of match, reused through a pool.
type scratch struct {
	cands []int32 // candidate pattern ids of every token, concatenated
	off   []int32 // token i's candidates are cands[off[i]:off[i+1]]
	neg   []int32 // candidates of a token stripped of a negation prefix
	s     search
}

// search is the state of the longest-term search at one position.
type search struct {
	bestLen  int
	bestTerm int32
	bestRank [MaxTermWords]int32
	rank     [MaxTermWords]int32
}

// compile builds the matcher for entries (already validated) and the
// language's negation prefixes.
func compile(entries []Entry, prefixes []string) *matcher {
	m := &matcher{
		exact:    make(map[string]int32),
		nodes:    []stemNode{{pat: -1}},
		termNext: make(map[uint64]int32),
		nodeTerm: []int32{-1},
	}
	patIDs := make(map[string]int32)
	type buildNode struct{ children map[byte]int32 }
	build := []buildNode{{}}
	pattern := func(w wordPat) int32 {
		key := w.String()
		if id, ok := patIDs[key]; ok {
			return id
		}
		id := int32(len(m.rank))
		patIDs[key] = id
		m.termRoot = append(m.termRoot, 0)
		if !w.stem {
			m.exact[w.body] = id
			m.rank = append(m.rank, math.MaxInt32)
			return id
		}
		m.rank = append(m.rank, int32(len(w.body)))
		node := int32(0)
		for i := 0; i < len(w.body); i++ {
			b := w.body[i]
			next, ok := build[node].children[b]
			if !ok {
				next = int32(len(build))
				build = append(build, buildNode{})
				m.nodes = append(m.nodes, stemNode{pat: -1})
				if build[node].children == nil {
					build[node].children = make(map[byte]int32)
				}
				build[node].children[b] = next
			}
			node = next
		}
		m.nodes[node].pat = id
		return id
	}

	termIDs := make(map[string]int32)
	for i := range entries {
		e := &entries[i]
		if id, ok := termIDs[e.Term]; ok {
			m.terms[id].entries = append(m.terms[id].entries, e)
			continue
		}
		words, msg := parseTerm(e.Term)
		if msg != "" {
			continue // Load never compiles an invalid entry; be safe anyway
		}
		node := int32(0)
		for _, w := range words {
			p := pattern(w)
			var next int32
			if node == 0 {
				next = m.termRoot[p]
			} else {
				next = m.termNext[uint64(node)<<32|uint64(p)]
			}
			if next == 0 {
				next = int32(len(m.nodeTerm))
				m.nodeTerm = append(m.nodeTerm, -1)
				if node == 0 {
					m.termRoot[p] = next
				} else {
					m.termNext[uint64(node)<<32|uint64(p)] = next
				}
			}
			node = next
		}
		id := int32(len(m.terms))
		termIDs[e.Term] = id
		m.terms = append(m.terms, termInfo{term: e.Term, entries: []*Entry{e}})
		m.nodeTerm[node] = id
		m.maxWords = max(m.maxWords, len(words))
	}

	// Flatten the stem trie: root children into a table, the rest into
	// sorted edge lists.
	for n, bn := range build {
		keys := make([]byte, 0, len(bn.children))
		for b := range bn.children {
			keys = append(keys, b)
		}
		slices.Sort(keys)
		if n == 0 {
			for _, b := range keys {
				m.rootNext[b] = bn.children[b]
			}
			continue
		}
		m.nodes[n].first = int32(len(m.edges))
		m.nodes[n].n = int32(len(keys))
		for _, b := range keys {
			m.edges = append(m.edges, stemEdge{b: b, next: bn.children[b]})
		}
	}

	m.prefixes = slices.Clone(prefixes)
	slices.SortStableFunc(m.prefixes, func(a, b string) int { return len(b) - len(a) })
	m.pool.New = func() any { return new(scratch) }
	return m
}

// appendCands appends the ids of every pattern the folded token w matches:
// the exact word, and each stem that is a prefix of w.
func (m *matcher) appendCands(dst []int32, w string) []int32 {
	if w == "" {
		return dst
	}
	if id, ok := m.exact[w]; ok {
		dst = append(dst, id)
	}
	node := m.rootNext[w[0]]
	for k := 1; node != 0; k++ {
		if p := m.nodes[node].pat; p >= 0 {
			dst = append(dst, p)
		}
		if k == len(w) {
			break
		}
		nd := &m.nodes[node]
		edges := m.edges[nd.first : nd.first+nd.n]
		b := w[k]
		node = 0
		for _, e := range edges {
			if e.b >= b {
				if e.b == b {
					node = e.next
				}
				break
			}
		}
	}
	return dst
}

func (m *matcher) match(words []string, fn func(Match)) {
	sc := m.pool.Get().(*scratch)
	defer m.pool.Put(sc)
	sc.cands, sc.off = sc.cands[:0], sc.off[:0]
	for _, w := range words {
		sc.off = append(sc.off, int32(len(sc.cands)))
		sc.cands = m.appendCands(sc.cands, w)
	}
	sc.off = append(sc.off, int32(len(sc.cands)))

	for i := 0; i < len(words); {
		n, term := m.longest(sc, len(words), i, nil)
		negated := false
		if n == 0 && len(m.prefixes) > 0 {
			n, term = m.prefixMatch(sc, words, i)
			negated = n > 0
		}
		if n == 0 {
			i++
			continue
		}
		t := &m.terms[term]
		fn(Match{Start: i, End: i + n, Term: t.term, Entries: t.entries, PrefixNegated: negated})
		i += n
	}
}

// prefixMatch retries position i with a negation prefix stripped from its
// token.
func (m *matcher) prefixMatch(sc *scratch, words []string, i int) (int, int32) {
	w := words[i]
	for _, p := range m.prefixes {
		rest, ok := strings.CutPrefix(w, p)
		if !ok || utf8.RuneCountInString(rest) < MinPrefixRemainder {
			continue
		}
		sc.neg = m.appendCands(sc.neg[:0], rest)
		if len(sc.neg) == 0 {
			continue
		}
		if n, term := m.longest(sc, len(words), i, sc.neg); n > 0 {
			return n, term
		}
	}
	return 0, -1
}

// longest finds the best term starting at token i; first, when not nil,
// replaces token i's candidates. It returns the term's length in tokens (0
// when none) and its index.
func (m *matcher) longest(sc *scratch, ntok, i int, first []int32) (int, int32) {
	s := &sc.s
	s.bestLen, s.bestTerm = 0, -1
	m.walk(sc, ntok, 0, i, 0, first)
	return s.bestLen, s.bestTerm
}

// walk extends the term-trie node by the token at position i+depth.
func (m *matcher) walk(sc *scratch, ntok int, node int32, i, depth int, first []int32) {
	pos := i + depth
	cands := first
	if depth > 0 || first == nil {
		cands = sc.cands[sc.off[pos]:sc.off[pos+1]]
	}
	s := &sc.s
	for _, p := range cands {
		var next int32
		if node == 0 {
			next = m.termRoot[p]
		} else {
			next = m.termNext[uint64(node)<<32|uint64(p)]
		}
		if next == 0 {
			continue
		}
		s.rank[depth] = m.rank[p]
		if t := m.nodeTerm[next]; t >= 0 && s.better(depth+1) {
			s.bestLen, s.bestTerm = depth+1, t
			s.bestRank = s.rank
		}
		if depth+1 < m.maxWords && pos+1 < ntok {
			m.walk(sc, ntok, next, i, depth+1, first)
		}
	}
}

// better reports whether the current path of n words beats the best found.
func (s *search) better(n int) bool {
	if n != s.bestLen {
		return n > s.bestLen
	}
	for k := 0; k < n; k++ {
		if s.rank[k] != s.bestRank[k] {
			return s.rank[k] > s.bestRank[k]
		}
	}
	return false
}
