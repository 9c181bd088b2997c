package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/mindprint/mindprint/api"
	"github.com/mindprint/mindprint/classifier"
)

const serveDescription = `Runs the HTTP service (see /openapi.json once it runs). It listens at once; /livez answers
200 and /readyz answers 503 until the language models and lexicons are loaded (a few seconds).
SIGTERM or Ctrl-C stops accepting connections and lets in-flight requests finish.

Every flag can be set by the environment variable named after it; a flag beats its variable,
which beats the default. API keys come from --keys-file and from MINDPRINT_API_KEYS
(name:secret:scope+scope, comma-separated; scopes analyze, copy:read, copy:write, admin).
Without keys the server runs open, which it allows only on a loopback address unless --insecure.

Keys files are YAML and hold only SHA-256 hashes of the secrets:

  keys:
    - name: crm-sync
      sha256: <output of: printf %s "$SECRET" | mindprint serve --hash-key>
      scopes: [analyze]

MINDPRINT_NORMS (a norms file instead of the embedded norms) is honoured as by analyze.

The copy library (copy.db and copy.bleve in the data folder; the embedded seed copy is loaded
on first use) opens before the server listens and closes after the last request: while serve
runs, mindprint copy on the same folder reports it in use. The web page is at / .

Logs are JSON lines on standard error; they never contain customer text.`

// serveOption is one setting of `mindprint serve`: a flag and the
// environment variable that sets it when the flag is absent.
type serveOption struct {
	flag, env string
}

// serveSettings is what `mindprint serve` was told, after flags, the
// environment and the defaults are merged.
type serveSettings struct {
	cfg      api.Config
	lexDir   string
	copySeed string
	logLevel slog.Level
	hashKey  bool
	// memLimit and gcPercent tune the Go runtime for a long-running
	// service; see applyRuntimeLimits.
	memLimit  int
	gcPercent int
}

// parseServe merges flags over MINDPRINT_* variables over api.DefaultConfig.
func parseServe(env *environ, args []string) (*serveSettings, error) {
	st := &serveSettings{cfg: api.DefaultConfig(), logLevel: slog.LevelInfo, memLimit: 200 << 20, gcPercent: 300}
	cfg := &st.cfg
	fs := newFlagSet(env, "serve", "[flags]", serveDescription)
	var opts []serveOption
	add := func(name, envName, usage string, v flag.Value) {
		fs.Var(v, name, usage+" [$"+envName+"]")
		opts = append(opts, serveOption{flag: name, env: envName})
	}
	add("addr", "MINDPRINT_ADDR", "`host:port` to listen on", (*stringFlag)(&cfg.Addr))
	add("data", "MINDPRINT_DATA", "data `folder` for the stores (created if missing)", (*stringFlag)(&cfg.DataDir))
	add("keys-file", "MINDPRINT_KEYS_FILE", "YAML `file` of API keys (name, sha256, scopes)", (*stringFlag)(&cfg.KeysFile))
	add("insecure", "MINDPRINT_INSECURE", "allow running without API keys on a non-loopback address", (*boolFlag)(&cfg.Insecure))
	add("lexicons", "MINDPRINT_LEXICONS", "lexicon `folder` to use instead of the embedded lexicons", (*stringFlag)(&st.lexDir))
	add("copy-seed", "MINDPRINT_COPY_SEED", "seed `folder` of <lang>.yaml copy files to load on first use instead of the embedded seed", (*stringFlag)(&st.copySeed))
	add("max-body", "MINDPRINT_MAX_BODY", "largest request `size` (e.g. 4MiB) except batches", (*sizeFlag)(&cfg.MaxBodyBytes))
	add("max-text", "MINDPRINT_MAX_TEXT", "largest text `size` in bytes (e.g. 1MiB)", (*sizeFlag)(&cfg.MaxTextBytes))
	add("batch-max-body", "MINDPRINT_BATCH_MAX_BODY", "largest batch request `size` (e.g. 32MiB)", (*sizeFlag)(&cfg.BatchMaxBodyBytes))
	add("batch-max-lines", "MINDPRINT_BATCH_MAX_LINES", "most `lines` in one batch request", (*intFlag)(&cfg.BatchMaxLines))
	add("workers", "MINDPRINT_WORKERS", "parallel `workers` per batch (0 = one per core)", (*intFlag)(&cfg.BatchWorkers))
	add("rate", "MINDPRINT_RATE", "`requests` per second per API key (per address when open); 0 = no limit", (*floatFlag)(&cfg.RatePerSecond))
	add("burst", "MINDPRINT_BURST", "`requests` a key may make at once above the rate", (*intFlag)(&cfg.RateBurst))
	add("timeout", "MINDPRINT_TIMEOUT", "time `limit` for one request", (*durationFlag)(&cfg.RequestTimeout))
	add("batch-timeout", "MINDPRINT_BATCH_TIMEOUT", "time `limit` for one batch request, streaming included", (*durationFlag)(&cfg.BatchTimeout))
	add("read-timeout", "MINDPRINT_READ_TIMEOUT", "time `limit` for reading a request", (*durationFlag)(&cfg.ReadTimeout))
	add("idle-timeout", "MINDPRINT_IDLE_TIMEOUT", "close keep-alive connections idle this `long`", (*durationFlag)(&cfg.IdleTimeout))
	add("shutdown-timeout", "MINDPRINT_SHUTDOWN_TIMEOUT", "how `long` in-flight requests may finish after SIGTERM", (*durationFlag)(&cfg.ShutdownTimeout))
	add("log-level", "MINDPRINT_LOG_LEVEL", "`level` of logs: debug, info, warn or error", (*levelFlag)(&st.logLevel))
	add("memory-limit", "MINDPRINT_MEMORY_LIMIT", "soft limit on the Go heap `size` (e.g. 200MiB; 0 = none): the collector works harder near it, keeping the process under ~300 MB resident", (*sizeFlag)(&st.memLimit))
	add("gc-percent", "MINDPRINT_GC_PERCENT", "garbage collector target `percent` (GOGC); higher trades memory, capped by --memory-limit, for fewer collections and a shorter latency tail", (*intFlag)(&st.gcPercent))
	fs.BoolVar(&st.hashKey, "hash-key", false, "read an API key secret from standard input, print its SHA-256 for a keys file, and exit")
	if err := parseFlags(env, fs, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.stderr, "mindprint serve: unexpected argument %q; settings are flags (see --help)\n", fs.Arg(0))
		return nil, errUsage
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, o := range opts {
		v := env.getenv(o.env)
		if set[o.flag] || v == "" {
			continue
		}
		if err := fs.Lookup(o.flag).Value.Set(v); err != nil {
			fmt.Fprintf(env.stderr, "mindprint serve: %s=%q: %v\n", o.env, v, err)
			return nil, errUsage
		}
	}
	if st.hashKey {
		return st, nil
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(env.stderr, "mindprint serve: %v\n", err)
		return nil, errUsage
	}
	return st, nil
}

// runServe implements `mindprint serve`.
func runServe(ctx context.Context, env *environ, args []string) (err error) {
	st, err := parseServe(env, args)
	if err != nil {
		return err
	}
	if st.hashKey {
		return printKeyHash(env)
	}
	cfg, lexDir := st.cfg, st.lexDir

	logger := slog.New(slog.NewJSONHandler(env.stderr, &slog.HandlerOptions{Level: st.logLevel}))
	applyRuntimeLimits(st, logger)
	keys, err := loadKeys(cfg.KeysFile, env.getenv("MINDPRINT_API_KEYS"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	// The lead's analyzerOptions reads MINDPRINT_LEXICONS; hand it the
	// resolved folder so --lexicons wins over the variable. A bad lexicon
	// folder stops start-up here, before listening.
	anOpts, err := analyzerOptions(&environ{getenv: func(k string) string {
		if k == "MINDPRINT_LEXICONS" {
			return lexDir
		}
		return env.getenv(k)
	}})
	if err != nil {
		return err
	}
	anOpts = append(anOpts, classifier.WithMaxTextBytes(cfg.MaxTextBytes))

	// The copy library holds the data folder until serve ends; a folder in
	// use by another process or a bad seed file stops start-up here.
	lib, err := openCopyLibrary(libraryFlags{data: &cfg.DataDir, seed: &st.copySeed})
	if err != nil {
		return fmt.Errorf("copy library: %w", err)
	}
	defer func() {
		// Serve returns once in-flight requests have finished.
		if cerr := lib.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("closing the copy library: %w", cerr))
		}
	}()
	logger.Info("copy library", "variants", lib.Len(), "index_rebuilt", lib.Rebuilt(), "seed_imports", len(lib.SeedImports()))

	srv, err := api.New(cfg, api.Deps{Logger: logger, Keys: keys, Copy: lib, Quizzes: &api.QuizService{Copy: lib}})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	logger.Info("starting", "data", cfg.DataDir, "rate", cfg.RatePerSecond, "burst", cfg.RateBurst,
		"max_body", cfg.MaxBodyBytes, "batch_max_body", cfg.BatchMaxBodyBytes, "batch_max_lines", cfg.BatchMaxLines,
		"max_text", cfg.MaxTextBytes, "timeout", cfg.RequestTimeout.String())
	return srv.Serve(ctx, ln, func() (*classifier.Analyzer, error) { return classifier.New(anOpts...) })
}

// loadKeys merges the keys file and MINDPRINT_API_KEYS into one keyring.
func loadKeys(file, envKeys string) (*api.Keyring, error) {
	var keys []api.Key
	if file != "" {
		k, err := api.LoadKeysFile(file)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k...)
	}
	if envKeys != "" {
		k, err := api.ParseKeysEnv(envKeys)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k...)
	}
	return api.NewKeyring(keys...)
}

// printKeyHash reads a secret (its first line) from standard input and
// prints its hex SHA-256.
func printKeyHash(env *environ) error {
	line, err := bufio.NewReader(io.LimitReader(env.stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading the key: %w", err)
	}
	secret := strings.TrimRight(line, "\r\n")
	if len(secret) < api.MinKeyLength {
		return fmt.Errorf("the key is %d characters; use at least %d (e.g. openssl rand -hex 24)", len(secret), api.MinKeyLength)
	}
	fmt.Fprintln(env.stdout, api.HashKey(secret))
	return nil
}

// Flag values that write straight into api.Config fields.

type stringFlag string

func (f *stringFlag) String() string     { return string(*f) }
func (f *stringFlag) Set(v string) error { *f = stringFlag(v); return nil }

type boolFlag bool

func (f *boolFlag) String() string { return strconv.FormatBool(bool(*f)) }
func (f *boolFlag) Set(v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	*f = boolFlag(b)
	return nil
}
func (f *boolFlag) IsBoolFlag() bool { return true }

type intFlag int

func (f *intFlag) String() string { return strconv.Itoa(int(*f)) }
func (f *intFlag) Set(v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return fmt.Errorf("want a whole number")
	}
	*f = intFlag(n)
	return nil
}

type floatFlag float64

func (f *floatFlag) String() string { return strconv.FormatFloat(float64(*f), 'g', -1, 64) }
func (f *floatFlag) Set(v string) error {
	x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return fmt.Errorf("want a number")
	}
	*f = floatFlag(x)
	return nil
}

type durationFlag time.Duration

func (f *durationFlag) String() string { return time.Duration(*f).String() }
func (f *durationFlag) Set(v string) error {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		return fmt.Errorf("want a duration such as 10s or 2m")
	}
	*f = durationFlag(d)
	return nil
}

type levelFlag slog.Level

func (f *levelFlag) String() string { return strings.ToLower(slog.Level(*f).String()) }
func (f *levelFlag) Set(v string) error {
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		return fmt.Errorf("want debug, info, warn or error")
	}
	*f = levelFlag(l)
	return nil
}

// sizeFlag is a byte count written as a number with an optional unit:
// B, KB/MB/GB (powers of 1000) or KiB/MiB/GiB (powers of 1024).
type sizeFlag int

var sizeUnits = []struct {
	suffix string
	mult   int
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"kb", 1000}, {"mb", 1000 * 1000}, {"gb", 1000 * 1000 * 1000},
	{"b", 1},
}

func (f *sizeFlag) String() string {
	n := int(*f)
	switch {
	case n > 0 && n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + "MiB"
	case n > 0 && n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + "KiB"
	}
	return strconv.Itoa(n)
}

func (f *sizeFlag) Set(v string) error {
	s := strings.ToLower(strings.TrimSpace(v))
	mult := 1
	for _, u := range sizeUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > (1<<40)/mult {
		return fmt.Errorf("want a size such as 4MiB, 512KiB or 1000000")
	}
	*f = sizeFlag(n * mult)
	return nil
}

// applyRuntimeLimits sets the collector for a service whose live heap is
// mostly language models that never die (~110 MB): a high GC percentage
// means far fewer collections (and a shorter latency tail), and the soft
// memory limit keeps that from growing the process past its memory budget.
// GOGC and GOMEMLIMIT in the environment, the runtime's own knobs, win.
func applyRuntimeLimits(st *serveSettings, logger *slog.Logger) {
	gc, limit := "GOGC", "GOMEMLIMIT"
	if os.Getenv("GOGC") == "" && st.gcPercent > 0 {
		debug.SetGCPercent(st.gcPercent)
		gc = strconv.Itoa(st.gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" && st.memLimit > 0 {
		debug.SetMemoryLimit(int64(st.memLimit))
		limit = strconv.Itoa(st.memLimit)
	}
	// Report what is in effect: the flag's value, or that the runtime's own
	// variable decided.
	logger.Info("runtime", "gc_percent", gc, "memory_limit_bytes", limit)
}
