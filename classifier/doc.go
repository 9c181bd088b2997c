// Package classifier owns Mindprint's domain: the analysis pipeline that turns
// a customer text into a psychographic profile, and the types of the JSON
// contract every part of Mindprint shares (Result, TraitScore, MindsetScore,
// Evidence).
//
// # Pipeline
//
// An Analyzer runs four small stages, each with one job:
//
//  1. detect: the language, by lingua-go narrowed to the candidates the
//     letters allow (Detector). A caller's hint wins and is reported as
//     source "hint". Short or ambiguous text is "und", with its confidence.
//  2. tokenize: prose's tokenizer and sentence segmenter, refined for
//     guillemets, „…”, ellipses, emoji, URLs, e-mail addresses, @mentions
//     and #hashtags (Tokenizer). Every token keeps its byte offsets into the
//     text as received; words carry a folded form (lexicons.Fold).
//  3. match: the language's compiled lexicon finds words, wildcard stems and
//     phrases in one pass (lexicons.Lexicon.Match).
//  4. score: negation, intensifiers and repetition adjust each match; the
//     evidence is summed per trait and for mindset.
//
// Build one Analyzer per process (New) and share it: it is safe for
// concurrent use and its models load once.
//
//	an, err := classifier.New()
//	res, err := an.Analyze(classifier.Input{Text: "Luova ja utelias", Lang: "fi"})
//
// # Scores
//
// For each trait, H and L are the summed weights of the evidence for its high
// and low pole. A match contributes its entry's weight, multiplied by an
// intensifier's factor ("very", "erittäin": > 1) or a diminisher's (< 1) when
// one stands up to two words before it, moved to the opposite pole when a
// negator ("not", "ei", "nie", "ne", or Latvian's ne- prefix) stands up to
// the language's negation window before it in the same clause — at half
// weight for traits ("not creative" is weaker evidence than "unimaginative")
// and at full weight for mindset (in Dweck's theory a denial of change,
// "you can't change it", is the fixed belief itself) —, and
// divided by n for the n-th occurrence of the same term in the text, so
// repeating a word adds only logarithmically.
//
//	score      = (H - L) / (H + L + 1)                    in -1..1
//	confidence = (1 - exp(-(H+L)/3)) × words/(words+20)   in 0..1
//
// The +1 keeps a single match from claiming ±1: one clear word gives ±0.5,
// four give ±0.8. Confidence has two terms because both must be present for
// a reading to be trusted: the evidence term reaches 0.63 at a mass of 3 and
// 0.95 at 9; the length term is 0.5 at 20 words and 0.9 at 180. A repetitive
// text has its confidence multiplied by 0.25.
//
// percentile (1..99) ranks the text's Rate, (H - L) per 100 words, among
// reference windows of its language whose size (20, 50, 100 or 200 words) is
// nearest the text's length, from the quantiles in the norms (Norms); it is
// null without norms for the language.
//
// The mindset is scored the same way with growth as the positive pole and
// fixed as the negative. Its label is "unknown" when the evidence mass G+F is
// below 0.5, "mixed" when the weaker side holds at least a third of it, and
// otherwise "growth" or "fixed" by the stronger side.
//
// # Flags
//
// Uncertainty is reported, never hidden: short_text (fewer than 15 words),
// low_coverage (under 2% of words matched), repetitive (distinct words under
// 30% of words, or one word over half of them, in 10 words or more),
// unsupported_language (detected but no lexicon: nothing scored),
// undetermined_language (language "und": nothing scored), truncated (only the
// first 256 KiB were scored).
//
// # Errors
//
// Analyze returns *Error for input the caller must fix (empty text, invalid
// UTF-8, a text over the size limit, an unknown language hint), with the
// field at fault. Everything else is a result with flags.
package classifier
