package api

import (
	"math"
	"sync"
	"time"
)

// rateLimiter is a token bucket per client: each key earns rate tokens per
// second up to burst, and every request spends one. Buckets that have
// refilled completely carry no state worth keeping and are swept when the map
// grows, so a stream of distinct client addresses cannot grow it without
// bound.
type rateLimiter struct {
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	sweepAt int // sweep when the map reaches this size
}

type bucket struct {
	tokens float64
	last   time.Time
}

// minSweep is the map size below which buckets are never swept.
const minSweep = 4096

// newRateLimiter returns a limiter, or nil (allow everything) when rate <= 0.
func newRateLimiter(rate float64, burst int, now func() time.Time) *rateLimiter {
	if rate <= 0 {
		return nil
	}
	if now == nil {
		now = time.Now
	}
	return &rateLimiter{rate: rate, burst: float64(max(burst, 1)), now: now, buckets: map[string]*bucket{}, sweepAt: minSweep}
}

// allow spends a token of key's bucket. When the bucket is empty it returns
// false and how long until a token is available.
func (l *rateLimiter) allow(key string) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.sweepAt {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	} else if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+elapsed*l.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// sweep drops buckets that would be full by now; l.mu is held.
func (l *rateLimiter) sweep(now time.Time) {
	full := time.Duration(l.burst / l.rate * float64(time.Second))
	for k, b := range l.buckets {
		if now.Sub(b.last) >= full {
			delete(l.buckets, k)
		}
	}
	// If most buckets are live, sweep again only after the map doubles, so a
	// busy server does not scan the map on every new client.
	l.sweepAt = max(minSweep, 2*len(l.buckets))
}

// retryAfterSeconds rounds a wait up to whole seconds for Retry-After.
func retryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
