package api

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"time"
)

// Config is everything the HTTP service can be told. cmd/mindprint fills it
// from flags and MINDPRINT_* environment variables over DefaultConfig; this
// package never reads the environment itself.
type Config struct {
	// Addr is the host:port to listen on.
	Addr string
	// DataDir is the folder where stateful parts (the copy library's store
	// and index) keep their files.
	DataDir string

	// MaxBodyBytes bounds the body of a single request such as
	// POST /v1/analyze; a larger body is answered 413.
	MaxBodyBytes int
	// BatchMaxBodyBytes bounds the body of POST /v1/analyze/batch. It is also
	// the hard limit the HTTP server enforces while reading any request.
	BatchMaxBodyBytes int
	// BatchMaxLines bounds the lines of one batch request; more is 413.
	BatchMaxLines int
	// BatchWorkers is how many lines of a batch are analysed in parallel;
	// <= 0 means GOMAXPROCS.
	BatchWorkers int
	// MaxTextBytes bounds one text in bytes; a longer one is 422 text_too_long.
	MaxTextBytes int

	// RatePerSecond is the sustained number of requests each API key (or,
	// without keys, each client address) may make per second; 0 disables
	// rate limiting.
	RatePerSecond float64
	// RateBurst is how many requests a key may make at once above the rate.
	RateBurst int

	// RequestTimeout bounds the work of one ordinary request.
	RequestTimeout time.Duration
	// BatchTimeout bounds a whole batch request, streaming included.
	BatchTimeout time.Duration
	// ReadTimeout bounds reading one request, headers and body.
	ReadTimeout time.Duration
	// IdleTimeout closes keep-alive connections idle this long.
	IdleTimeout time.Duration
	// ShutdownTimeout bounds the graceful shutdown: in-flight requests get
	// this long to finish after SIGTERM.
	ShutdownTimeout time.Duration

	// KeysFile is a YAML file of API keys (see LoadKeysFile); "" for none.
	KeysFile string
	// Insecure allows serving without API keys on an address other than
	// loopback. Without it New refuses such a configuration.
	Insecure bool
}

// DefaultConfig returns the configuration `mindprint serve` runs with when
// nothing is set: loopback only, 4 MiB requests, batches of up to 10,000
// lines and 32 MiB, texts of up to 1 MiB, 50 requests per second per key
// with bursts of 100, and a 10-second request timeout.
func DefaultConfig() Config {
	return Config{
		Addr:              "127.0.0.1:8080",
		DataDir:           "./mindprint-data",
		MaxBodyBytes:      4 << 20,
		BatchMaxBodyBytes: 32 << 20,
		BatchMaxLines:     10000,
		BatchWorkers:      0,
		MaxTextBytes:      1 << 20,
		RatePerSecond:     50,
		RateBurst:         100,
		RequestTimeout:    10 * time.Second,
		BatchTimeout:      5 * time.Minute,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ShutdownTimeout:   30 * time.Second,
	}
}

// workers returns the effective batch worker count.
func (c Config) workers() int {
	if c.BatchWorkers > 0 {
		return c.BatchWorkers
	}
	return runtime.GOMAXPROCS(0)
}

// Validate checks the configuration's values, reporting every problem.
// It does not check keys against the address; New does that.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		bad("addr %q: want host:port (%v)", c.Addr, err)
	}
	if c.MaxBodyBytes <= 0 {
		bad("max body %d: must be positive", c.MaxBodyBytes)
	}
	if c.BatchMaxBodyBytes <= 0 {
		bad("batch max body %d: must be positive", c.BatchMaxBodyBytes)
	}
	if c.BatchMaxBodyBytes < c.MaxBodyBytes {
		bad("batch max body %d is below max body %d; it must be at least as large", c.BatchMaxBodyBytes, c.MaxBodyBytes)
	}
	if c.BatchMaxLines <= 0 {
		bad("batch max lines %d: must be positive", c.BatchMaxLines)
	}
	if c.MaxTextBytes <= 0 {
		bad("max text %d: must be positive", c.MaxTextBytes)
	}
	if c.RatePerSecond < 0 {
		bad("rate %g: must be 0 (off) or positive", c.RatePerSecond)
	}
	if c.RatePerSecond > 0 && c.RateBurst < 1 {
		bad("burst %d: must be at least 1 when a rate is set", c.RateBurst)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"timeout", c.RequestTimeout}, {"batch timeout", c.BatchTimeout}, {"read timeout", c.ReadTimeout},
		{"idle timeout", c.IdleTimeout}, {"shutdown timeout", c.ShutdownTimeout},
	} {
		if d.v <= 0 {
			bad("%s %s: must be positive", d.name, d.v)
		}
	}
	return errors.Join(errs...)
}

// IsLoopback reports whether addr (host:port) listens on the loopback
// interface only: localhost, 127.0.0.0/8 or ::1. An empty host means every
// interface and is not loopback.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
