package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/valyala/fasthttp"
)

// HeaderRequestID carries the request id: taken from the request when it is
// a sane token, otherwise generated, and always sent back.
const HeaderRequestID = "X-Request-ID"

// localKey names the values middleware leaves in fiber.Ctx.Locals.
type localKey int

const (
	localRequestID localKey = iota
	localStart
	localRoute
	localPrincipal // the *Key of an authenticated request
	localStreaming
)

// openKey stands for every request when the server runs without keys.
var openKey = &Key{Name: "", Scopes: []Scope{ScopeAdmin}}

// RequestID returns the id of the request c, as logged and sent in
// X-Request-ID.
func RequestID(c fiber.Ctx) string {
	if id, ok := c.Locals(localRequestID).(string); ok {
		return id
	}
	return ""
}

// Principal returns the API key the request authenticated with, nil for a
// public route; on an open server it is a key named "" with every scope.
func Principal(c fiber.Ctx) *Key {
	k, _ := c.Locals(localPrincipal).(*Key)
	return k
}

// newIDPrefix returns a random prefix that makes request ids unique across
// restarts; a counter makes them unique within a process.
func newIDPrefix() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	return hex.EncodeToString(b[:])
}

func (s *Server) newRequestID() string {
	return s.idPrefix + "-" + strconv.FormatUint(s.idSeq.Add(1), 36)
}

// saneRequestID accepts a client's id only when it is 1-128 characters of a
// safe alphabet, so it can be logged and echoed without escaping.
func saneRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("-_.:/+=", b) >= 0) {
			return false
		}
	}
	return true
}

// observe is the outermost middleware: request id, in-flight gauge, panic
// recovery. Successful requests are logged and counted here; failed ones by
// handleError, which writes their problem first, so each request is logged
// once with its final status.
func (s *Server) observe(c fiber.Ctx) (err error) {
	id := c.Get(HeaderRequestID)
	if saneRequestID(id) {
		// Fiber's header strings point into the request buffer; the id
		// outlives it in batch streams and logs.
		id = strings.Clone(id)
	} else {
		id = s.newRequestID()
	}
	c.Locals(localRequestID, id)
	c.Locals(localStart, time.Now())
	c.Set(HeaderRequestID, id)
	s.metrics.inflight.Inc()
	defer s.metrics.inflight.Dec()
	defer func() {
		if r := recover(); r != nil {
			err = s.recovered(id, routeLabel(c), r)
		}
	}()
	if err = c.Next(); err != nil {
		return err
	}
	if streaming, _ := c.Locals(localStreaming).(bool); !streaming {
		s.finish(c, nil)
	}
	return nil
}

// errPanic is what a recovered panic turns into: an internal error.
type errPanic struct{ value string }

func (e *errPanic) Error() string { return "panic: " + e.value }

// recovered logs a panic with its stack and request id and returns the
// error that answers it as an internal error.
func (s *Server) recovered(id, route string, r any) error {
	s.metrics.panics.Inc()
	s.log.Error("panic recovered", "request_id", id, "route", route,
		"panic", fmt.Sprintf("%.200v", r), "stack", string(debug.Stack()))
	return &errPanic{value: fmt.Sprintf("%.200v", r)}
}

// handleError is the app's error handler: it answers every error as
// problem+json and logs the request.
func (s *Server) handleError(c fiber.Ctx, err error) error {
	p, internal := problemFor(err)
	id := RequestID(c)
	if id == "" {
		id = s.newRequestID()
		c.Locals(localRequestID, id)
		c.Set(HeaderRequestID, id)
	}
	if internal {
		s.log.Error("internal error", "request_id", id, "route", routeLabel(c), "error", err.Error())
	}
	if _, ok := c.Locals(localRoute).(string); !ok {
		// No route handler ran (wrong method, or a body refused while it was
		// read): name the route when the path is a registered one.
		s.mu.Lock()
		_, known := s.bodyLimits[c.Path()]
		s.mu.Unlock()
		if known {
			c.Locals(localRoute, strings.Clone(c.Path()))
		}
	}
	cp := *p
	cp.Instance = id
	werr := writeProblem(c, &cp)
	s.finish(c, &cp)
	return werr
}

// finish logs the request and records its metrics. It never logs bodies,
// query strings or texts: only ids, the route pattern, sizes and timings.
func (s *Server) finish(c fiber.Ctx, p *Problem) {
	start, ok := c.Locals(localStart).(time.Time)
	if !ok {
		start = time.Now()
	}
	status := c.Response().StatusCode()
	s.record(requestRecord{
		id:       RequestID(c),
		route:    routeLabel(c),
		method:   c.Method(),
		status:   status,
		duration: time.Since(start),
		bytesIn:  len(c.Request().Body()),
		bytesOut: len(c.Response().Body()),
		key:      keyName(c),
		problem:  p,
	})
}

// requestRecord is what one log line and one observation hold.
type requestRecord struct {
	id, route, method, key string
	status                 int
	duration               time.Duration
	bytesIn, bytesOut      int
	problem                *Problem
	extra                  []slog.Attr
}

func (s *Server) record(r requestRecord) {
	status := strconv.Itoa(r.status)
	s.metrics.requests.WithLabelValues(r.route, r.method, status).Inc()
	s.metrics.duration.WithLabelValues(r.route, r.method, status).Observe(r.duration.Seconds())
	level := slog.LevelInfo
	switch {
	case r.status >= 500:
		level = slog.LevelError
	case r.status >= 400:
		level = slog.LevelWarn
	}
	ctx := context.Background()
	if !s.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 12)
	attrs = append(attrs,
		slog.String("request_id", r.id),
		slog.String("method", r.method),
		slog.String("route", r.route),
		slog.Int("status", r.status),
		slog.Float64("duration_ms", float64(r.duration.Microseconds())/1000),
		slog.Int("bytes_in", r.bytesIn),
		slog.Int("bytes_out", r.bytesOut),
	)
	if r.key != "" {
		attrs = append(attrs, slog.String("key", r.key))
	}
	if r.problem != nil {
		attrs = append(attrs, slog.String("problem", strings.TrimPrefix(r.problem.Type, ProblemTypePrefix)))
	}
	attrs = append(attrs, r.extra...)
	s.log.LogAttrs(ctx, level, "request", attrs...)
}

// routeLabel is the route pattern of the request, or "unmatched", so metrics
// and logs never carry raw paths (which could hold ids or typos without
// bound).
func routeLabel(c fiber.Ctx) string {
	if r, ok := c.Locals(localRoute).(string); ok {
		return r
	}
	return "unmatched"
}

func keyName(c fiber.Ctx) string {
	if k := Principal(c); k != nil {
		return k.Name
	}
	return ""
}

// unknownMethod answers a method Fiber does not route at all (e.g. "FOO")
// with 405 instead of a bare 501.
func (s *Server) unknownMethod(fctx *fasthttp.RequestCtx) {
	start := time.Now()
	id := s.newRequestID()
	p := NewProblem(fiber.StatusMethodNotAllowed, TypeMethodNotAllowed, "Method not allowed",
		"unknown HTTP method; this API uses GET, POST, PUT and DELETE")
	p.Instance = id
	body, _ := json.Marshal(p)
	fctx.Response.Header.Set(HeaderRequestID, id)
	fctx.Response.Header.Set(fiber.HeaderAllow, "GET, HEAD, POST, PUT, DELETE")
	fctx.Response.Header.SetContentType(ProblemContentType)
	fctx.Response.SetStatusCode(p.Status)
	fctx.Response.SetBody(body)
	s.record(requestRecord{id: id, route: "unmatched", method: "other", status: p.Status,
		duration: time.Since(start), bytesOut: len(body), problem: p})
}

// authorize checks the API key for scope: 401 without a valid key, 403 when
// the key lacks the scope. On an open server every request passes.
func (s *Server) authorize(scope Scope) fiber.Handler {
	return func(c fiber.Ctx) error {
		if s.keys.Len() == 0 {
			c.Locals(localPrincipal, openKey)
			return c.Next()
		}
		secret := presentedKey(c)
		if secret == "" {
			return NewProblem(fiber.StatusUnauthorized, TypeUnauthorized, "Unauthorized",
				"missing API key; send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'").
				WithHeader(fiber.HeaderWWWAuthenticate, `Bearer realm="mindprint"`)
		}
		k := s.keys.Lookup(secret)
		if k == nil {
			return NewProblem(fiber.StatusUnauthorized, TypeUnauthorized, "Unauthorized", "unknown API key").
				WithHeader(fiber.HeaderWWWAuthenticate, `Bearer realm="mindprint", error="invalid_token"`)
		}
		c.Locals(localPrincipal, k)
		if !k.Allows(scope) {
			return NewProblem(fiber.StatusForbidden, TypeForbidden, "Forbidden",
				fmt.Sprintf("API key %q lacks the scope %q this route needs", k.Name, scope))
		}
		return c.Next()
	}
}

// presentedKey returns the secret from Authorization: Bearer or X-API-Key.
func presentedKey(c fiber.Ctx) string {
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		if scheme, rest, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(rest)
		}
		return ""
	}
	return strings.TrimSpace(c.Get("X-API-Key"))
}

// rateLimit spends one token of the caller's bucket: the key's name, or the
// client address on an open server.
func (s *Server) rateLimit(c fiber.Ctx) error {
	if s.limiter == nil {
		return c.Next()
	}
	who := "addr:" + c.IP()
	if k := Principal(c); k != nil && k != openKey {
		who = "key:" + k.Name
	}
	ok, wait := s.limiter.allow(who)
	if !ok {
		secs := retryAfterSeconds(wait)
		return NewProblem(fiber.StatusTooManyRequests, TypeRateLimited, "Too many requests",
			fmt.Sprintf("the rate limit is %g requests per second with bursts of %d; retry in %d s",
				s.cfg.RatePerSecond, s.cfg.RateBurst, secs)).WithRetryAfter(secs)
	}
	return c.Next()
}

// requireAnalyzer answers 503 until the analyzer is loaded.
func (s *Server) requireAnalyzer(c fiber.Ctx) error {
	if s.analyzer.Load() == nil {
		return NotReady()
	}
	return c.Next()
}

// limitBody answers 413 for a body over the route's limit. (The server
// itself refuses bodies over Config.BatchMaxBodyBytes while reading them.)
func limitBody(limit int) fiber.Handler {
	return func(c fiber.Ctx) error {
		if len(c.Request().Body()) > limit {
			return TooLarge(limit)
		}
		return c.Next()
	}
}

// withTimeout gives the rest of the chain a context that ends after d;
// handlers that wait on work select on it and answer 503 timeout.
func withTimeout(d time.Duration) fiber.Handler {
	return func(c fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(c.Context(), d)
		defer cancel()
		c.SetContext(ctx)
		return c.Next()
	}
}

// timeoutProblem answers a request whose work did not finish in time.
func timeoutProblem(d time.Duration) *Problem {
	return NewProblem(fiber.StatusServiceUnavailable, TypeTimeout, "Timeout",
		fmt.Sprintf("the request did not finish within %s; the server is busy, retry later", d)).WithRetryAfter(1)
}
