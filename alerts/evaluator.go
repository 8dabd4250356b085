package alerts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/voclens/voclens/models"
)

// Evaluator defaults.
const (
	DefaultInterval      = time.Minute
	DefaultSpikeLookback = 3                   // days: a burst older than that is news no longer
	DefaultNewThemeAge   = 14 * 24 * time.Hour // a theme is new for two weeks after its run
	DefaultLease         = 5 * time.Minute     // longer than any send with its retries
	// MinPokeGap is the least time between two evaluations Poke asks for.
	MinPokeGap = 10 * time.Second
)

// Store is what the evaluator reads and writes; *store.DB implements it.
type Store interface {
	FindAlertRules(ctx context.Context) ([]*models.AlertRule, error)
	ClaimAlertDelivery(ctx context.Context, d *models.AlertDelivery, staleBefore time.Time) (bool, int, error)
	RecordAlertAttempt(ctx context.Context, deliveryID int64, a models.AlertAttempt) error
	FinishAlertDelivery(ctx context.Context, deliveryID int64, status, errMsg string) error
	FindNewThemes(ctx context.Context, since time.Time, minItems int) ([]*models.Theme, error)
	FindSevereFeedback(ctx context.Context, severity string, since time.Time, ruleID int64, limit int) ([]*models.Feedback, error)
	FindOverdueMeasures(ctx context.Context, today string) ([]*models.Measure, error)
}

// Config is what an Evaluator needs; cmd fills it.
type Config struct {
	Store Store
	// Spikes finds the spikes; nil makes spike rules fail (logged).
	Spikes SpikeSource
	// Sender delivers; nil means a Sender with its defaults.
	Sender *Sender
	// Interval between evaluations (0: DefaultInterval).
	Interval time.Duration
	// SpikeLookback is how many days back a spike's first day may lie
	// (0: DefaultSpikeLookback).
	SpikeLookback int
	// NewThemeAge is how long a theme counts as new (0: DefaultNewThemeAge).
	NewThemeAge time.Duration
	// Lease is how long a claimed delivery is left to its sender before
	// another evaluation takes it over (0: DefaultLease).
	Lease time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log receives what was sent and what failed; nil discards it.
	Log *slog.Logger
}

// Report says what one evaluation did.
type Report struct {
	Rules int `json:"rules"` // enabled rules evaluated
	Found int `json:"found"` // occurrences the rules found
	// AlreadyHandled counts occurrences another evaluation had claimed
	// (sent, failed or being sent): no message from this one.
	AlreadyHandled int      `json:"already_handled"`
	Sent           int      `json:"sent"`
	Failed         int      `json:"failed"`
	Errors         []string `json:"errors,omitempty"`
}

// Evaluator runs the alert rules on an interval and on demand. One
// evaluation runs at a time in a process; the store's claim makes
// evaluators in several processes safe too.
type Evaluator struct {
	cfg  Config
	mu   sync.Mutex // one evaluation at a time
	poke chan struct{}

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New returns an Evaluator; Start runs it in the background, Check once.
func New(cfg Config) *Evaluator {
	if cfg.Sender == nil {
		cfg.Sender = &Sender{}
	}
	if cfg.Sender.Now == nil {
		cfg.Sender.Now = cfg.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Evaluator{cfg: cfg, poke: make(chan struct{}, 1)}
}

// Start evaluates every Interval and whenever Poke is called, until Stop.
func (e *Evaluator) Start(ctx context.Context) {
	ctx, e.cancel = context.WithCancel(ctx)
	interval := e.cfg.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		gap := min(MinPokeGap, interval)
		var last time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-e.poke:
				// Under a steady stream of ingest batches, evaluate at
				// most every gap rather than after each one.
				if wait := gap - time.Since(last); wait > 0 {
					select {
					case <-ctx.Done():
						return
					case <-time.After(wait):
					}
				}
			}
			last = time.Now()
			if _, err := e.Check(ctx); err != nil && ctx.Err() == nil {
				e.cfg.Log.Warn("alerts: evaluation failed", "error", err)
			}
		}
	}()
}

// Stop ends the background evaluation and waits for it; a send in
// progress is abandoned (its claim expires and a later evaluation
// finishes it).
func (e *Evaluator) Stop() {
	if e.cancel != nil {
		e.cancel()
	}
	e.wg.Wait()
}

// Poke asks the running evaluator for an evaluation soon, e.g. after an
// ingest batch; pokes while one is pending are merged.
func (e *Evaluator) Poke() {
	select {
	case e.poke <- struct{}{}:
	default:
	}
}

// Check evaluates every enabled rule once and sends what is new. A rule
// that fails is reported and the others still run.
func (e *Evaluator) Check(ctx context.Context) (*Report, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rules, err := e.cfg.Store.FindAlertRules(ctx)
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	now := e.now()
	for _, rule := range rules {
		if !rule.Enabled {
			continue
		}
		rep.Rules++
		found, err := e.find(ctx, rule, now)
		if err != nil {
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
			rep.Errors = append(rep.Errors, fmt.Sprintf("rule %d (%s): %v", rule.ID, rule.Name, err))
			e.cfg.Log.Warn("alerts: rule failed", "rule", rule.ID, "error", err)
			continue
		}
		rep.Found += len(found)
		for _, f := range found {
			if err := e.deliver(ctx, rule, f, rep); err != nil {
				return rep, err
			}
		}
	}
	return rep, nil
}

// deliver claims one occurrence and, if this evaluation won the claim,
// sends it. Only a store failure or the end of ctx is returned; a failed
// send is recorded and counted.
func (e *Evaluator) deliver(ctx context.Context, rule *models.AlertRule, f finding, rep *Report) error {
	d := &models.AlertDelivery{RuleID: rule.ID, Channel: rule.Channel, Kind: rule.Kind, Key: f.key,
		Subject: f.subject, Title: f.title, Text: f.text, Data: marshalData(f.data)}
	claimed, attempts, err := e.cfg.Store.ClaimAlertDelivery(ctx, d, e.now().Add(-e.lease()))
	if err != nil {
		return err
	}
	if !claimed {
		rep.AlreadyHandled++
		return nil
	}
	sendErr := e.cfg.Sender.send(ctx, rule, d, attempts+1, func(a models.AlertAttempt) error {
		return e.cfg.Store.RecordAlertAttempt(ctx, d.ID, a)
	})
	if ctx.Err() != nil {
		return ctx.Err() // left pending: the lease hands it to a later evaluation
	}
	if sendErr != nil && errors.Is(sendErr, context.Canceled) {
		return sendErr
	}
	status, msg := models.DeliverySent, ""
	if sendErr != nil {
		status, msg = models.DeliveryFailed, sendErr.Error()
	}
	if err := e.cfg.Store.FinishAlertDelivery(ctx, d.ID, status, msg); err != nil {
		return err
	}
	if sendErr != nil {
		rep.Failed++
		e.cfg.Log.Warn("alerts: delivery failed", "rule", rule.ID, "channel", rule.Channel,
			"url", models.RedactURL(rule.URL), "key", d.Key, "error", msg)
	} else {
		rep.Sent++
		e.cfg.Log.Info("alerts: sent", "rule", rule.ID, "channel", rule.Channel,
			"url", models.RedactURL(rule.URL), "key", d.Key)
	}
	return nil
}

func (e *Evaluator) now() time.Time {
	if e.cfg.Now != nil {
		return e.cfg.Now()
	}
	return time.Now()
}

func (e *Evaluator) lease() time.Duration {
	if e.cfg.Lease > 0 {
		return e.cfg.Lease
	}
	return DefaultLease
}

func (e *Evaluator) spikeLookback() int {
	if e.cfg.SpikeLookback > 0 {
		return e.cfg.SpikeLookback
	}
	return DefaultSpikeLookback
}

func (e *Evaluator) newThemeAge() time.Duration {
	if e.cfg.NewThemeAge > 0 {
		return e.cfg.NewThemeAge
	}
	return DefaultNewThemeAge
}
