// Package api is Mindprint's HTTP adapter: a Fiber v3 app that serves the
// analysis library (package classifier), the copy library (corpora/copylib),
// the onboarding quizzes (corpora/quizzes) and the copywriters' web page,
// with one uniform chain of middleware, errors and docs.
//
// # Use
//
//	srv, err := api.New(api.DefaultConfig(), api.Deps{Logger: logger, Keys: keys})
//	ln, err := net.Listen("tcp", cfg.Addr)
//	err = srv.Serve(ctx, ln, func() (*classifier.Analyzer, error) { return classifier.New() })
//
// Serve answers at once: /livez is 200 and the analysis routes and /readyz
// are 503 problem+json with Retry-After until the analyzer has loaded. When
// ctx ends (SIGTERM in `mindprint serve`) it stops accepting connections and
// lets in-flight requests, streaming batches included, finish within
// Config.ShutdownTimeout. Tests use New with Deps.Analyzer and App().Test.
//
// # Routes
//
//	POST /v1/analyze        one text (JSON, or text/plain + ?id=&lang=&source=)   scope analyze
//	POST /v1/analyze/batch  NDJSON in, NDJSON streamed out, in input order        scope analyze
//	GET  /v1/languages      languages detected and scored                         any key
//	GET  /v1/lexicons       lexicon version, files and entry counts               any key
//	GET  /livez, /readyz    liveness, readiness                                   public
//	GET  /metrics           Prometheus text format                                scope admin
//	GET  /openapi.json      OpenAPI 3.1 document of every route                   public
//	GET  /v1/copy           search copy: q, filters, facets, cursor               scope copy:read
//	POST /v1/copy           add a variant (201, Location, ETag)                   scope copy:write
//	GET  /v1/copy/{id}      one variant, ETag = its version                       scope copy:read
//	PUT  /v1/copy/{id}      edit; If-Match required (428), 412 on a lost race     scope copy:write
//	DELETE /v1/copy/{id}    delete; If-Match required                             scope copy:write
//	POST /v1/copy/import    NDJSON upsert; bad lines reported, good ones kept     scope copy:write
//	GET  /v1/copy/export    NDJSON, streamed                                      scope copy:read
//	POST /v1/recommend      ranked copy, split pair and strategy for a profile    scope copy:read
//	GET  /v1/quizzes        the instruments                                       any key
//	GET  /v1/quizzes/{id}   one instrument in one language, ready to render       any key
//	POST /v1/quizzes/{id}/responses  answers and free text in, profile out       scope analyze
//	GET  /, /ui/*           the web page (no key needed to load it)               public
//
// The table is builtinRoutes in routes.go. Other parts add endpoints as
// Route values (Deps.Routes or Server.Handle): each gets the request id,
// logging, metrics, API-key scope check, rate limit, body limit, analyzer
// gate and timeout its fields ask for, and its Operation is merged into
// /openapi.json with the error answers that chain can give. AddSchemas adds
// the component schemas their operations refer to. Deps.Recommend is the
// hook through which the copy library adds "recommendations" to
// /v1/analyze answers.
//
// # Errors
//
// Every error answer is application/problem+json (RFC 9457) with a stable
// type URI (the Type* constants, urn:mindprint:problem:<slug>), a title, a
// detail, the request id as instance and, for 422 validation problems, an
// errors list naming each field with a stable code. Malformed JSON is 400,
// a missing or unknown key 401, a missing scope 403, an unknown route 404, a
// wrong method 405 (with Allow), a body over its limit 413, too many batch
// lines 413, a wrong Content-Type or any Content-Encoding 415, an invalid
// field 422 (empty text, text too long, invalid UTF-8, unknown language, bad
// id or source, unknown field, wrong type), the rate limit 429 with
// Retry-After, and loading or a timeout 503 with Retry-After. A panic is
// recovered, logged with its stack and request id, counted in
// mindprint_panics_total and answered 500 "internal error"; no request
// input is meant to reach that path, and the tests check none does.
//
// # Security
//
// API keys carry scopes (analyze, copy:read, copy:write, admin; admin
// implies all). They come from a YAML keys file (ParseKeysFile) holding only
// SHA-256 hashes, or from MINDPRINT_API_KEYS (ParseKeysEnv), whose secrets
// are hashed at once. A presented key is hashed and compared with every
// stored hash in constant time. Without keys the server runs open, which New
// allows only on a loopback address or with Config.Insecure, and Serve warns
// about at start. Compressed request bodies are refused (no zip bombs); the
// server stops reading any body over the batch limit, and each route then
// checks its own limit.
//
// # Limits
//
// Per key (or per client address when open) a token bucket allows
// Config.RatePerSecond requests per second with bursts of Config.RateBurst.
// Bodies are bounded by Config.MaxBodyBytes (batch: BatchMaxBodyBytes),
// texts by MaxTextBytes, batches by BatchMaxLines, and work by
// RequestTimeout (batch: BatchTimeout).
//
// # Operations
//
// Every request is logged once, as JSON through log/slog, with request_id,
// method, route pattern, status, duration_ms, bytes_in, bytes_out, the key
// name and, on errors, the problem slug. Logs never contain texts, bodies,
// query strings or raw paths. X-Request-ID is taken from the client when it
// is a sane token and is always sent back.
package api
