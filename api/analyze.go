package api

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/voclens/voclens/models"
)

// analyzeRequest holds exactly one of Text and Texts. Text is a pointer so
// that `"text": ""` (present, empty: 422) differs from an absent field.
type analyzeRequest struct {
	Text  *string  `json:"text"`
	Texts []string `json:"texts"`
}

type analyzeBatchResponse struct {
	Results []routedAnalysis `json:"results"`
}

// analyze is POST /v1/analyze: stateless, nothing is stored.
func (h *handler) analyze(c *gin.Context) {
	var req analyzeRequest
	if err := h.decodeBody(c, &req); err != nil {
		h.respondError(c, err)
		return
	}
	texts, err := req.validate()
	if err != nil {
		h.respondError(c, err)
		return
	}
	results, err := h.analyzeAll(c.Request.Context(), texts)
	if err != nil {
		h.respondError(c, err)
		return
	}
	h.metrics.analyzed(endpointAnalyze, len(results))
	routes, err := h.route(c.Request.Context(), endpointAnalyze, results)
	if err != nil {
		h.respondError(c, err)
		return
	}
	out := make([]routedAnalysis, len(results))
	for i, a := range results {
		out[i] = routedAnalysis{Analysis: a, Routing: routes[i]}
	}
	if req.Text != nil {
		respond(c, http.StatusOK, out[0])
		return
	}
	respond(c, http.StatusOK, analyzeBatchResponse{Results: out})
}

// validate returns the texts to analyze, or a 422 naming the first bad
// field.
func (r *analyzeRequest) validate() ([]string, error) {
	switch {
	case r.Text != nil && r.Texts != nil:
		return nil, invalid("texts", "give either text or texts, not both")
	case r.Text != nil:
		return []string{*r.Text}, checkText("text", *r.Text)
	case r.Texts == nil:
		return nil, invalid("text", "required (or texts for a batch)")
	case len(r.Texts) == 0:
		return nil, invalid("texts", "must contain at least one text")
	case len(r.Texts) > models.MaxAnalyzeBatch:
		return nil, invalid("texts", "at most %d texts per request (got %d)", models.MaxAnalyzeBatch, len(r.Texts))
	}
	for i, t := range r.Texts {
		if err := checkText(fmt.Sprintf("texts[%d]", i), t); err != nil {
			return nil, err
		}
	}
	return r.Texts, nil
}

// checkText applies the limits every entry point enforces on one text. The
// text itself is analyzed and stored untrimmed: response offsets point into
// exactly what the client sent.
func checkText(field, s string) error {
	if strings.TrimSpace(s) == "" {
		return invalid(field, "must not be empty")
	}
	if len(s) > models.MaxTextRunes { // cheap bound: a rune is at least one byte
		if n := utf8.RuneCountInString(s); n > models.MaxTextRunes {
			return invalid(field, "must be at most %d characters (got %d)", models.MaxTextRunes, n)
		}
	}
	return nil
}

// analyzeAll runs the analyzer over texts on up to GOMAXPROCS goroutines and
// returns the results in input order. A panic inside the analyzer becomes an
// error: it would otherwise kill the process, since gin's recovery only
// covers the request's own goroutine. It stops early when ctx ends, so an
// abandoned batch does not keep the cores busy.
func (h *handler) analyzeAll(ctx context.Context, texts []string) ([]*models.Analysis, error) {
	out := make([]*models.Analysis, len(texts))
	var (
		next     atomic.Int64
		errOnce  sync.Once
		firstErr error
		failed   atomic.Bool
	)
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err })
		failed.Store(true)
	}
	work := func() {
		for !failed.Load() {
			i := int(next.Add(1) - 1)
			if i >= len(texts) {
				return
			}
			if err := ctx.Err(); err != nil {
				fail(err)
				return
			}
			a, err := h.analyzeOne(texts[i])
			if err != nil {
				fail(fmt.Errorf("text %d: %w", i, err))
				return
			}
			out[i] = a
		}
	}

	workers := min(runtime.GOMAXPROCS(0), len(texts))
	if workers <= 1 {
		work() // no goroutine for the common single-text request
	} else {
		var wg sync.WaitGroup
		for range workers {
			wg.Go(work)
		}
		wg.Wait()
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

// analyzeOne calls the analyzer and turns its panics and nil results into
// internal errors, and gives the result the JSON shape clients rely on.
func (h *handler) analyzeOne(text string) (a *models.Analysis, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("analyzer panicked: %v\n%s", p, debug.Stack())
		}
	}()
	a = h.loadedAnalyzer().Analyze(text)
	if a == nil {
		return nil, fmt.Errorf("analyzer returned no analysis")
	}
	return withEmptyLists(a), nil
}

// withEmptyLists returns a with nil lists replaced by empty ones, so clients
// always get `"tags": []` and never `null`. a is copied, not modified: an
// analyzer may hand out shared values.
func withEmptyLists(a *models.Analysis) *models.Analysis {
	if a.Tags != nil && a.AngryWords != nil && a.Keywords != nil {
		return a
	}
	cp := *a
	if cp.Tags == nil {
		cp.Tags = []models.TagScore{}
	}
	if cp.AngryWords == nil {
		cp.AngryWords = []models.Span{}
	}
	if cp.Keywords == nil {
		cp.Keywords = []string{}
	}
	return &cp
}
