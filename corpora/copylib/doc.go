// Package copylib owns the copy library: the CTAs, headlines, subject lines,
// body texts and banners Mindprint recommends, each written for trait poles
// (openness:high, neuroticism:low, ...) and a mindset (fixed, growth, dual,
// any), in English, Finnish, Latvian and Polish.
//
// # Storage
//
// Open(dir) opens the library in a data folder:
//
//	copy.db      bbolt, the store of record; every write is one fsync'd transaction before it is acknowledged
//	copy.bleve/  bleve index for search, rebuilt from the store when missing, unreadable or from an older mapping
//	copy.pid     the holder's process id
//
// The folder is locked: a second process gets an *InUseError (errors.Is
// ErrInUse) within the lock timeout instead of hanging. Each write bumps a
// store generation and logs the changed id; the index stores the generation
// it holds, so after a crash between the store commit and the index update
// the index replays the log on the next write or Open (or is rebuilt when the
// log no longer reaches back far enough). Verify checks that index and store
// agree.
//
// # Search
//
// Each language has its own text field and analyzer (see analysis.go):
// bleve's English and Finnish analyzers, and light stemming chains with
// diacritic folding for Polish and Latvian. A query is analysed per language
// and matched as terms and as stem prefixes, so inflected forms meet
// (oppimista finds oppiminen, drošību finds drošība). Search returns one page
// of hits with highlights (byte offsets into the text), facet counts over all
// hits and a cursor for the next page, which stays valid only for the same
// query.
//
// # Recommendation
//
// Recommend takes a Profile (the traits and mindset of a classifier.Result,
// or just those fields) and ranks the copy of the profile's language: a fit
// in 0..1 with reasons in words, varied picks, a split pair (outcome CTA and
// journey CTA) for a mixed mindset, a content strategy, and an English
// fallback that says so when the language has no copy for the filter.
//
// # Seed copy
//
// The shipped copy lives in seed/<lang>.yaml (format: seed/FORMAT.md),
// embedded with go:embed and validated at load with file:line errors. Open
// imports each seed file version once, adding new ids only, so copywriters'
// edits and deletions survive upgrades. Import and Export move variants as
// NDJSON.
//
// Typical use:
//
//	lib, err := copylib.Open("./mindprint-data")
//	if err != nil { ... }           // *copylib.SeedError, *copylib.InUseError, I/O
//	defer lib.Close()
//	res, err := lib.Search(ctx, copylib.Query{Q: "oppimista", Lang: "fi", Kind: "cta"})
//	rec, err := lib.Recommend(ctx, copylib.RecommendRequest{Profile: copylib.ProfileOf(result), Industry: "insurance"})
package copylib
