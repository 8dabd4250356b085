package api

import (
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/voclens/voclens/models"
)

// Suggested limits for cmd's flags: far above what one integration needs
// for live traffic, low enough that one runaway client cannot take both
// cores from the others. Bulk loads belong in `voclens import`.
const (
	DefaultRate  = 50
	DefaultBurst = 100
)

// limiterSweepEvery is how often full buckets are dropped.
const limiterSweepEvery = time.Minute

// limiter is a token bucket per client (key id, or IP in open mode).
type limiter struct {
	rate  rate.Limit
	burst int
	now   func() time.Time

	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	nextSweep time.Time
}

// newLimiter returns nil, no limit, unless perSecond is a positive number.
func newLimiter(perSecond float64, burst int) *limiter {
	if !(perSecond > 0) || math.IsInf(perSecond, 0) {
		return nil
	}
	if burst <= 0 {
		burst = int(math.Ceil(perSecond))
	}
	return &limiter{
		rate:    rate.Limit(perSecond),
		burst:   burst,
		now:     time.Now,
		buckets: map[string]*rate.Limiter{},
	}
}

// allow takes a token from client's bucket, or says how long until one
// will be there.
func (l *limiter) allow(client string) (ok bool, wait time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if !now.Before(l.nextSweep) {
		l.sweep(now)
		l.nextSweep = now.Add(limiterSweepEvery)
	}
	b := l.buckets[client]
	if b == nil {
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[client] = b
	}
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		// Give the token back: a refused request must not push the
		// client's next chance further away.
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep drops every bucket that has filled up again. A full bucket is
// exactly what a new client gets, so forgetting it changes no answer, and
// the map holds only clients seen within the last burst/rate seconds or
// so, however many come and go.
func (l *limiter) sweep(now time.Time) {
	for client, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.buckets, client)
		}
	}
}

// size is the number of buckets held, for tests.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// rateLimit charges the client authorize identified. Public routes and
// unmatched requests carry no client and are not limited: probes and
// scrapers must never see a 429.
func (h *handler) rateLimit(c *gin.Context) {
	client := c.GetString(ctxKeyClient)
	if h.limiter == nil || client == "" {
		c.Next()
		return
	}
	if ok, wait := h.limiter.allow(client); !ok {
		secs := max(1, int(math.Ceil(wait.Seconds())))
		c.Header("Retry-After", strconv.Itoa(secs))
		h.respondError(c, models.Errorf(models.ERATELIMIT,
			"more than %g requests per second (burst %d); retry after %d s", float64(h.limiter.rate), h.limiter.burst, secs))
		return
	}
	c.Next()
}
