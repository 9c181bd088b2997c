package api

import (
	"github.com/gofiber/fiber/v3"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/mindprint/mindprint/classifier"
)

// LanguageEntry describes one language in GET /v1/languages.
type LanguageEntry struct {
	classifier.LanguageInfo
	// Name is the language's English name, NativeName its own.
	Name       string `json:"name"`
	NativeName string `json:"native_name"`
}

// LanguagesResponse is the answer of GET /v1/languages.
type LanguagesResponse struct {
	Languages      []LanguageEntry `json:"languages"`
	LexiconVersion string          `json:"lexicon_version"`
}

// LexiconFile is the header of one lexicon file in GET /v1/lexicons.
type LexiconFile struct {
	Path        string `json:"path"`
	ID          string `json:"id"`
	Version     string `json:"version"`
	License     string `json:"license"`
	Source      string `json:"source"`
	Description string `json:"description,omitempty"`
}

// LexiconSummary is one language's lexicon in GET /v1/lexicons.
type LexiconSummary struct {
	Lang string `json:"lang"`
	// Entries is the number of entries over all categories.
	Entries int `json:"entries"`
	// Counts maps category to pole to number of entries.
	Counts map[string]map[string]int `json:"counts"`
	Files  []LexiconFile             `json:"files"`
}

// LexiconsResponse is the answer of GET /v1/lexicons.
type LexiconsResponse struct {
	// Version is the lexicon_version results carry.
	Version  string           `json:"version"`
	Lexicons []LexiconSummary `json:"lexicons"`
}

// languagesOf builds the GET /v1/languages answer.
func languagesOf(an *classifier.Analyzer) LanguagesResponse {
	out := LanguagesResponse{Languages: []LanguageEntry{}, LexiconVersion: an.Lexicons().Version()}
	names := display.English.Languages()
	for _, li := range an.Languages() {
		e := LanguageEntry{LanguageInfo: li}
		if tag, err := language.Parse(li.Code); err == nil {
			e.Name = names.Name(tag)
			e.NativeName = display.Self.Name(tag)
		}
		out.Languages = append(out.Languages, e)
	}
	return out
}

// lexiconsOf builds the GET /v1/lexicons answer.
func lexiconsOf(an *classifier.Analyzer) LexiconsResponse {
	set := an.Lexicons()
	out := LexiconsResponse{Version: set.Version(), Lexicons: []LexiconSummary{}}
	for _, lang := range set.Languages() {
		lex := set.Lexicon(lang)
		if lex == nil {
			continue
		}
		sum := LexiconSummary{Lang: lang, Counts: map[string]map[string]int{}, Files: []LexiconFile{}}
		for cat, poles := range lex.Counts() {
			m := map[string]int{}
			for pole, n := range poles {
				m[string(pole)] = n
				sum.Entries += n
			}
			sum.Counts[string(cat)] = m
		}
		for _, f := range lex.Files {
			sum.Files = append(sum.Files, LexiconFile{Path: f.Path, ID: f.ID, Version: f.Version,
				License: f.License, Source: f.Source, Description: f.Description})
		}
		out.Lexicons = append(out.Lexicons, sum)
	}
	return out
}

func (s *Server) handleLanguages(c fiber.Ctx) error {
	return writeJSON(c, fiber.StatusOK, languagesOf(s.analyzer.Load()))
}

func (s *Server) handleLexicons(c fiber.Ctx) error {
	return writeJSON(c, fiber.StatusOK, lexiconsOf(s.analyzer.Load()))
}

// Health is the answer of /livez and of a ready /readyz.
type Health struct {
	Status         string `json:"status"`
	LexiconVersion string `json:"lexicon_version,omitempty"`
}

// handleLivez answers 200 while the process can answer at all.
func (s *Server) handleLivez(c fiber.Ctx) error {
	return writeJSON(c, fiber.StatusOK, Health{Status: "ok"})
}

// handleReadyz answers 200 once models and lexicons are loaded, 503 before.
func (s *Server) handleReadyz(c fiber.Ctx) error {
	an := s.analyzer.Load()
	if an == nil {
		return NotReady()
	}
	return writeJSON(c, fiber.StatusOK, Health{Status: "ready", LexiconVersion: an.Lexicons().Version()})
}

func (s *Server) handleOpenAPI(c fiber.Ctx) error {
	doc, err := s.OpenAPI()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Status(fiber.StatusOK).Send(doc)
}
