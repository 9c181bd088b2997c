package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/valyala/fasthttp"

	"github.com/mindprint/mindprint/classifier"
	"github.com/mindprint/mindprint/corpora/copylib"
)

// RecommendFunc adds copy recommendations to an analysis. The copy library
// provides one; when Deps.Recommend is set, POST /v1/analyze answers carry
// its value under "recommendations". An error is logged and the analysis is
// answered without recommendations, so a copy-library failure never loses an
// analysis. What the request asked for in its "recommend" member is in ctx
// (RecommendOptions); the copy library's hook adds nothing when it asked
// for nothing.
type RecommendFunc func(ctx context.Context, in classifier.Input, res *classifier.Result) (any, error)

// Deps are the services a Server uses. Only Logger is needed to start; the
// analyzer may arrive later (SetAnalyzer), and the rest are optional.
type Deps struct {
	// Logger receives one JSON line per request and the server's own events.
	// nil discards them.
	Logger *slog.Logger
	// Keys are the accepted API keys; nil or empty runs the server open,
	// which New allows only on loopback or with Config.Insecure.
	Keys *Keyring
	// Analyzer serves the analysis routes at once when set; otherwise the
	// server answers 503 on them until SetAnalyzer is called.
	Analyzer *classifier.Analyzer
	// Recommend, when set, adds recommendations to /v1/analyze answers.
	Recommend RecommendFunc
	// Routes are extra endpoints (the copy library, quizzes) registered after
	// the built-in ones, with the same auth, limits, logs, metrics and
	// OpenAPI document.
	Routes []Route
	// Quizzes configures the /v1/quizzes routes (quiz.go); nil serves the
	// embedded instruments without a copy library.
	Quizzes *QuizService
	// Copy, when set, serves the copy library: /v1/copy routes and
	// /v1/recommend (copy.go), and, unless Recommend is set, the
	// recommendations /v1/analyze requests ask for (recommend.go). The
	// caller opens and closes it.
	Copy *copylib.Library
}

// Server is the Mindprint HTTP service: a Fiber app with its routes,
// middleware, metrics and readiness. Build it with New, serve it with Serve
// (or use App with app.Test in tests).
type Server struct {
	cfg       Config
	log       *slog.Logger
	keys      *Keyring
	app       *fiber.App
	metrics   *metrics
	limiter   *rateLimiter
	recommend RecommendFunc
	analyzer  atomic.Pointer[classifier.Analyzer]

	mu         sync.Mutex
	routes     []Route
	bodyLimits map[string]int // static route path -> body limit
	// longWrites are the static paths whose answers may take as long as a
	// batch to write: streams (Timeout < 0) and routes taking batch-sized
	// bodies.
	longWrites map[string]bool
	openapi    []byte // cached document; nil after a change
	// extraSchemas are component schemas added by extensions.
	extraSchemas map[string]Schema

	idPrefix string
	idSeq    atomic.Uint64
}

// New builds a server. It fails on an invalid configuration, and when no API
// keys are configured while Addr is not loopback and Insecure is not set.
func New(cfg Config, deps Deps) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("api: invalid configuration: %w", err)
	}
	if deps.Keys.Len() == 0 && !IsLoopback(cfg.Addr) && !cfg.Insecure {
		return nil, fmt.Errorf("api: refusing to serve %s without API keys: anyone who can reach it could use it; "+
			"configure keys (keys file or MINDPRINT_API_KEYS), bind to 127.0.0.1, or pass --insecure to run open on purpose", cfg.Addr)
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		cfg:        cfg,
		log:        log,
		keys:       deps.Keys,
		metrics:    newMetrics(),
		limiter:    newRateLimiter(cfg.RatePerSecond, cfg.RateBurst, nil),
		recommend:  deps.Recommend,
		bodyLimits: map[string]int{},
		longWrites: map[string]bool{},
		idPrefix:   newIDPrefix(),
	}
	s.app = fiber.New(fiber.Config{
		AppName:      "mindprint",
		BodyLimit:    cfg.BatchMaxBodyBytes,
		ReadTimeout:  cfg.ReadTimeout,
		WriteTimeout: cfg.RequestTimeout + 30*time.Second,
		IdleTimeout:  cfg.IdleTimeout,
		ErrorHandler: s.handleError,
		// Customer texts are decoded into fresh strings; nothing keeps a
		// reference to the request buffers after a handler returns.
		Immutable:     false,
		CaseSensitive: true,
	})
	srv := s.app.Server()
	srv.HeaderReceived = s.requestConfig
	inner := srv.Handler
	methods := s.app.Config().RequestMethods
	srv.Handler = func(fctx *fasthttp.RequestCtx) {
		if !slices.Contains(methods, string(fctx.Method())) {
			s.unknownMethod(fctx)
			return
		}
		inner(fctx)
	}
	s.app.Use(s.observe)
	if err := s.Handle(s.builtinRoutes()...); err != nil {
		return nil, err
	}
	if err := s.addQuizRoutes(deps.Quizzes); err != nil {
		return nil, err
	}
	if err := s.addCopyRoutes(deps.Copy); err != nil {
		return nil, err
	}
	if err := s.addWebRoutes(); err != nil {
		return nil, err
	}
	if err := s.Handle(deps.Routes...); err != nil {
		return nil, err
	}
	if deps.Analyzer != nil {
		s.SetAnalyzer(deps.Analyzer)
	}
	return s, nil
}

// App returns the Fiber app, for app.Test in tests and for mounting.
func (s *Server) App() *fiber.App { return s.app }

// Config returns the configuration the server was built with.
func (s *Server) Config() Config { return s.cfg }

// SetAnalyzer makes the analysis routes and /readyz available.
func (s *Server) SetAnalyzer(a *classifier.Analyzer) {
	if a == nil {
		return
	}
	s.analyzer.Store(a)
	s.metrics.ready.Set(1)
}

// Analyzer returns the analyzer, or nil while it is still loading.
func (s *Server) Analyzer() *classifier.Analyzer { return s.analyzer.Load() }

// Ready reports whether /readyz answers 200.
func (s *Server) Ready() bool { return s.analyzer.Load() != nil }

// Serve answers requests on ln until ctx is done, then shuts down
// gracefully: it stops accepting connections and lets in-flight requests
// (streaming batches included) finish for up to Config.ShutdownTimeout.
//
// When load is not nil it runs in the background while the server already
// answers /livez (and 503 elsewhere); its analyzer makes the server ready.
// If load fails, Serve shuts down and returns its error.
func (s *Server) Serve(ctx context.Context, ln net.Listener, load func() (*classifier.Analyzer, error)) error {
	served := make(chan error, 1)
	go func() {
		served <- s.app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true})
	}()
	s.log.Info("listening", "addr", ln.Addr().String(), "keys", s.keys.Len(), "key_names", s.keys.Names())
	if s.keys.Len() == 0 {
		s.log.Warn("NO API KEYS CONFIGURED: the API is open to every client that can reach " + ln.Addr().String() +
			"; configure keys with a keys file or MINDPRINT_API_KEYS before exposing it")
	}
	loaded := make(chan error, 1)
	if load != nil && !s.Ready() {
		go func() {
			start := time.Now()
			a, err := load()
			if err != nil {
				loaded <- err
				return
			}
			s.SetAnalyzer(a)
			s.log.Info("ready", "lexicon_version", a.Lexicons().Version(), "load_seconds", time.Since(start).Seconds())
		}()
	}
	var result error
	select {
	case <-ctx.Done():
		s.log.Info("shutting down", "reason", context.Cause(ctx).Error(), "grace_seconds", s.cfg.ShutdownTimeout.Seconds())
	case err := <-loaded:
		result = fmt.Errorf("loading models and lexicons: %w", err)
		s.log.Error("start-up failed; shutting down", "error", err.Error())
	case err := <-served:
		if err == nil {
			return nil
		}
		return fmt.Errorf("serving: %w", err)
	}
	if err := s.app.ShutdownWithTimeout(s.cfg.ShutdownTimeout); err != nil {
		s.log.Error("shutdown did not finish in time", "error", err.Error())
		result = errors.Join(result, fmt.Errorf("shutdown: %w", err))
	}
	// If shutdown began before the server was accepting (a load that failed
	// at once), the server does not know the listener yet; closing it ends
	// the accept loop either way.
	_ = ln.Close()
	if err := <-served; err != nil && !errors.Is(err, net.ErrClosed) {
		result = errors.Join(result, fmt.Errorf("serving: %w", err))
	}
	s.log.Info("stopped")
	return result
}

// requestConfig gives streaming routes (batches, the copy export) and
// routes whose body limit exceeds Config.MaxBodyBytes a write timeout as long
// as their batch timeout, as soon as a request's headers are read: fasthttp
// sets the write deadline once, before a streamed answer is written. Body limits are enforced
// per route by limitBody; the server-wide limit, Config.BatchMaxBodyBytes,
// stops anything larger while it is being read. (A per-route server limit
// would not lower the worst case: any body is read before its key is
// checked, and the batch route accepts the largest.)
func (s *Server) requestConfig(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	path := string(h.RequestURI())
	if i := strings.Index(path, "://"); i >= 0 { // absolute form: http://host/path
		path = path[i+3:]
		if j := strings.IndexByte(path, '/'); j >= 0 {
			path = path[j:]
		}
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	s.mu.Lock()
	long := s.longWrites[path]
	s.mu.Unlock()
	if long {
		return fasthttp.RequestConfig{WriteTimeout: s.cfg.BatchTimeout + 30*time.Second}
	}
	return fasthttp.RequestConfig{}
}
