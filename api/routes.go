package api

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"
)

// Route is one endpoint. Every route, built-in or added through Deps.Routes
// or Handle, gets the same chain: request id, logging and metrics; then,
// unless Public, the API key check for Scope and the rate limit; the body
// limit; the analyzer gate when NeedsAnalyzer; the timeout; the handler. Its
// Op becomes the route's entry in /openapi.json.
type Route struct {
	// Method is GET, POST, PUT or DELETE.
	Method string
	// Path is in OpenAPI form: /v1/copy/{id}.
	Path string
	// Scope is what the API key must carry; ScopeAny needs just a valid key.
	Scope Scope
	// Public routes need no key and are not rate limited (health, docs).
	Public bool
	// NeedsAnalyzer routes answer 503 until the analyzer is loaded.
	NeedsAnalyzer bool
	// MaxBody bounds the request body; 0 means Config.MaxBodyBytes.
	MaxBody int
	// Timeout bounds the handler's work through its context; 0 means
	// Config.RequestTimeout, negative means none (the handler manages its
	// own, as streaming routes do).
	Timeout time.Duration
	// Handler answers the request; it returns *Problem (or any error, which
	// becomes an internal error) to fail.
	Handler fiber.Handler
	// Op documents the route in the OpenAPI document. Handle adds the
	// security requirement and the error answers the chain can give.
	Op Operation
}

var (
	pathParam = regexp.MustCompile(`\{([a-zA-Z_][a-zA-Z0-9_]*)\}`)
	validPath = regexp.MustCompile(`^/$|^(/[a-zA-Z0-9._\-{}]+)+$`)
)

// fiberPath turns /v1/copy/{id} into Fiber's /v1/copy/:id.
func fiberPath(p string) string { return pathParam.ReplaceAllString(p, ":$1") }

// Handle registers routes. Call it before Serve; extensions (the copy
// library, quizzes) add their endpoints this way or through Deps.Routes.
func (s *Server) Handle(routes ...Route) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range routes {
		switch r.Method {
		case fiber.MethodGet, fiber.MethodPost, fiber.MethodPut, fiber.MethodDelete, fiber.MethodPatch:
		default:
			return fmt.Errorf("api: route %s %s: unsupported method", r.Method, r.Path)
		}
		if !validPath.MatchString(r.Path) {
			return fmt.Errorf("api: route %s %q: want an absolute path like /v1/copy/{id}", r.Method, r.Path)
		}
		if r.Handler == nil {
			return fmt.Errorf("api: route %s %s: no handler", r.Method, r.Path)
		}
		for _, have := range s.routes {
			if have.Method == r.Method && have.Path == r.Path {
				return fmt.Errorf("api: route %s %s is registered twice", r.Method, r.Path)
			}
		}
		limit := r.MaxBody
		if limit <= 0 {
			limit = s.cfg.MaxBodyBytes
		}
		limit = min(limit, s.cfg.BatchMaxBodyBytes)
		if !strings.Contains(r.Path, "{") {
			if prev, ok := s.bodyLimits[r.Path]; !ok || limit > prev {
				s.bodyLimits[r.Path] = limit
			}
			if r.Timeout < 0 || limit > s.cfg.MaxBodyBytes {
				s.longWrites[r.Path] = true
			}
		}
		label := r.Path
		chain := []any{func(c fiber.Ctx) error {
			c.Locals(localRoute, label)
			return c.Next()
		}}
		if !r.Public {
			chain = append(chain, s.authorize(r.Scope), s.rateLimit)
		}
		chain = append(chain, limitBody(limit))
		if r.NeedsAnalyzer {
			chain = append(chain, s.requireAnalyzer)
		}
		timeout := r.Timeout
		if timeout == 0 {
			timeout = s.cfg.RequestTimeout
		}
		if timeout > 0 {
			chain = append(chain, withTimeout(timeout))
		}
		chain = append(chain, r.Handler)
		s.app.Add([]string{r.Method}, fiberPath(r.Path), chain[0], chain[1:]...)
		r.MaxBody = limit
		s.routes = append(s.routes, r)
		s.openapi = nil
	}
	return nil
}

// Routes returns the registered routes in registration order.
func (s *Server) Routes() []Route {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Route(nil), s.routes...)
}

// builtinRoutes is the visible table of this package's own endpoints.
func (s *Server) builtinRoutes() []Route {
	return []Route{
		{
			Method: fiber.MethodPost, Path: "/v1/analyze", Scope: ScopeAnalyze, NeedsAnalyzer: true,
			Handler: s.handleAnalyze, Op: opAnalyze(s.cfg),
		},
		{
			Method: fiber.MethodPost, Path: "/v1/analyze/batch", Scope: ScopeAnalyze, NeedsAnalyzer: true,
			MaxBody: s.cfg.BatchMaxBodyBytes, Timeout: -1,
			Handler: s.handleBatch, Op: opBatch(s.cfg),
		},
		{
			Method: fiber.MethodGet, Path: "/v1/languages", Scope: ScopeAny, NeedsAnalyzer: true,
			Handler: s.handleLanguages, Op: opLanguages(),
		},
		{
			Method: fiber.MethodGet, Path: "/v1/lexicons", Scope: ScopeAny, NeedsAnalyzer: true,
			Handler: s.handleLexicons, Op: opLexicons(),
		},
		{Method: fiber.MethodGet, Path: "/livez", Public: true, Handler: s.handleLivez, Op: opLivez()},
		{Method: fiber.MethodGet, Path: "/readyz", Public: true, Handler: s.handleReadyz, Op: opReadyz()},
		{Method: fiber.MethodGet, Path: "/metrics", Scope: ScopeAdmin, Handler: s.metrics.handler(), Op: opMetrics()},
		{Method: fiber.MethodGet, Path: "/openapi.json", Public: true, Handler: s.handleOpenAPI, Op: opOpenAPI()},
	}
}
