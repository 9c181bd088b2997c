// Package lexicons owns Mindprint's keyword lexicons: the data files of
// every language (lexicons/<lang>/*.yaml, embedded in the binary), their
// loader and validator, the compiled matcher that finds lexicon terms in a
// token sequence, and the importers for LIWC-style .dic and .dicx
// dictionaries. It imports nothing else of ours; the classifier builds on it.
//
// # The format in brief
//
// The full specification is FORMAT.md in this folder. Each language folder
// (named by its ISO 639-1 code) holds entry files and one modifiers.yaml.
// Every file starts with a header (id, lang, version, license, source,
// optional description). Entry files list sections, each a category
// (openness, conscientiousness, extraversion, agreeableness, neuroticism,
// mindset) and a pole (high/low, or fixed/growth for mindset) with its
// entries:
//
//	sections:
//	  - category: openness
//	    pole: high
//	    entries:
//	      - utelias
//	      - {term: "luov*", matches: [luova, luovuutta], rejects: [luoti]}
//	      - {term: "uusia kokemuksia", weight: 1.2}
//
// A term is a word, a wildcard stem ending in "*", or a phrase of up to six
// of them. modifiers.yaml lists negators, negation prefixes, the negation
// window, scope breakers, intensifiers and diminishers; this package loads
// and checks them, and the classifier applies them.
//
// # Using it
//
// Default returns the embedded lexicons; Load reads the same layout from any
// fs.FS (os.DirFS(dir) for an operator's copy). Either validates every file
// and reports every problem as "path:line: message"; a bad file never
// half-loads. Set.Version is the lexicon_version of analysis results.
//
//	set, err := lexicons.Default()
//	lex := set.Lexicon("fi")
//	lex.Match(foldedTokens, func(m lexicons.Match) { ... })
//
// Tokens given to Match must be folded with Fold. At each position the
// longest term wins; for one token an exact word beats a stem and a longer
// stem beats a shorter one. Match is linear in the number of tokens and does
// not allocate in the steady state.
//
// # Adding a language
//
//  1. Create lexicons/<code>/ with modifiers.yaml and one entry file per
//     category (see FORMAT.md); lang in every header is <code>.
//  2. Give every wildcard stem matches (real inflected forms) and rejects
//     (real look-alikes it must not swallow).
//  3. Run go test ./lexicons/: it loads the embedded files and runs every
//     example through the full matcher (Lexicon.CheckExamples).
//
// The folder is embedded automatically (the embed pattern is */*.yaml).
// Language detection and tokenization for the new language live in the
// classifier.
//
// # Importing LIWC dictionaries
//
// ImportDic and ImportDicx read .dic and .dicx files, map their categories
// to ours by name or through ImportOptions.Map, and report what they skip;
// Imported.WriteYAML writes the result as an entry file that loads cleanly.
package lexicons
