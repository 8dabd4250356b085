package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/voclens/voclens/classifier"
	"github.com/voclens/voclens/classifier/linear"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
	"github.com/voclens/voclens/textproc"
)

// analyzers keeps a process's analyzer in step with the store: the
// taxonomy people edit and the active tag model. Every analyzer it builds
// shares the one pipeline (gse's dictionary is the expensive part, and a
// second copy would double the memory); only the rule tagger and the model
// are rebuilt on a change.
type analyzers struct {
	db  *store.DB
	lex *classifier.Lexicon
	// set receives each new analyzer, e.g. api.Handler.SetAnalyzer; nil
	// for the CLI, which only asks for Current.
	set func(models.Analyzer)

	mu        sync.Mutex
	pipe      *textproc.Pipeline // nil until start
	model     *classifier.TagModel
	sentiment *classifier.SentimentModel // nil: the lexicon decides polarity
	current   *classifier.Combined
}

func newAnalyzers(db *store.DB, set func(models.Analyzer)) *analyzers {
	return &analyzers{db: db, lex: classifier.DefaultLexicon(), set: set}
}

// seedAndPipeline seeds the taxonomy on a fresh store and builds the
// process's one pipeline (about 1.5 s), with the stored taxonomy's keywords
// kept whole by the segmenter.
func seedAndPipeline(ctx context.Context, db *store.DB, lex *classifier.Lexicon) (*textproc.Pipeline, error) {
	if _, err := db.SeedTags(ctx, classifier.DefaultTaxonomy()); err != nil {
		return nil, err
	}
	tax, err := db.Taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	return textproc.New(textproc.Options{ExtraWords: classifier.DictionaryWords(tax, lex)})
}

// start gives the service its pipeline and builds the first analyzer.
// Changes made before start are picked up by it.
func (s *analyzers) start(ctx context.Context, p *textproc.Pipeline) (*classifier.Combined, error) {
	s.mu.Lock()
	s.pipe = p
	s.mu.Unlock()
	if err := s.Reload(ctx); err != nil {
		return nil, err
	}
	return s.Current(), nil
}

// Current is the analyzer now in use, nil before start.
func (s *analyzers) Current() *classifier.Combined {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current
}

// Reload rebuilds the analyzer from the stored taxonomy and the active
// tag model and hands it on. Before start it does nothing: start will.
func (s *analyzers) Reload(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pipe == nil {
		return nil
	}
	tax, err := s.db.Taxonomy(ctx)
	if err != nil {
		return err
	}
	mv, err := s.db.ActiveModelVersion(ctx, models.ModelKindTags)
	if err != nil {
		return err
	}
	switch {
	case mv == nil:
		s.model = nil
	case s.model == nil || s.model.Version != mv.Version:
		tm, err := loadTagModel(mv)
		if err != nil {
			return err
		}
		s.model = tm
	}
	smv, err := s.db.ActiveModelVersion(ctx, models.ModelKindSentiment)
	if err != nil {
		return err
	}
	switch {
	case smv == nil:
		s.sentiment = nil
	case s.sentiment == nil || s.sentiment.Version != smv.Version:
		m, err := classifier.LoadSentimentModel(smv.Blob, s.lex)
		if err != nil {
			return fmt.Errorf("sentiment model %s: %w", smv.Version, err)
		}
		s.sentiment = &classifier.SentimentModel{Version: smv.Version, Model: m, Positive: models.SentimentPositive}
	}
	cur, err := classifier.NewCombined(s.pipe, tax, s.lex, s.model).WithSentiment(s.sentiment)
	if err != nil {
		return err
	}
	s.current = cur
	if s.set != nil {
		s.set(s.current)
	}
	return nil
}

// loadTagModel decodes a stored tag model and the confirmation counts
// its metrics carry.
func loadTagModel(mv *models.ModelVersion) (*classifier.TagModel, error) {
	m, err := linear.Load(mv.Blob)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", mv.Version, err)
	}
	var met tagModelMetrics
	if err := json.Unmarshal(mv.Metrics, &met); err != nil {
		return nil, fmt.Errorf("model %s metrics: %w", mv.Version, err)
	}
	conf := make(map[string]int, len(met.Tags))
	for _, t := range met.Tags {
		conf[t.Tag] = t.Confirmations
	}
	return &classifier.TagModel{Version: mv.Version, Model: m, Confirmations: conf}, nil
}

// reloadingTags is the store's TagService that swaps the analyzer after
// each change, so the next text is tagged by the new taxonomy.
type reloadingTags struct {
	models.TagService
	an *analyzers
}

func (t reloadingTags) CreateTag(ctx context.Context, tag models.Tag) (models.Tag, error) {
	out, err := t.TagService.CreateTag(ctx, tag)
	if err != nil {
		return out, err
	}
	return out, t.reload(ctx)
}

func (t reloadingTags) UpdateTag(ctx context.Context, name string, upd models.TagUpdate) (models.Tag, error) {
	out, err := t.TagService.UpdateTag(ctx, name, upd)
	if err != nil {
		return out, err
	}
	return out, t.reload(ctx)
}

func (t reloadingTags) DeleteTag(ctx context.Context, name string) error {
	if err := t.TagService.DeleteTag(ctx, name); err != nil {
		return err
	}
	return t.reload(ctx)
}

func (t reloadingTags) reload(ctx context.Context) error {
	if err := t.an.Reload(ctx); err != nil {
		return fmt.Errorf("taxonomy saved, but the analyzer could not be rebuilt: %w", err)
	}
	return nil
}

// reloadingModels is the store's ModelService that swaps the analyzer
// after an activation, so the activated version predicts from the next
// request on.
type reloadingModels struct {
	models.ModelService
	an *analyzers
}

func (m reloadingModels) ActivateModelVersion(ctx context.Context, version string) (models.ModelVersion, error) {
	out, err := m.ModelService.ActivateModelVersion(ctx, version)
	if err != nil {
		return out, err
	}
	if err := m.an.Reload(ctx); err != nil {
		return out, fmt.Errorf("model %s activated, but the analyzer could not load it: %w", version, err)
	}
	return out, nil
}

// activeVersion is the active tag model's version and, after a "+", the
// active sentiment model's; "" for a kind with none.
func (s *analyzers) activeVersion(ctx context.Context) (string, error) {
	var out [2]string
	for i, kind := range []string{models.ModelKindTags, models.ModelKindSentiment} {
		ms, err := s.db.FindModelVersions(ctx, models.ModelFilter{Kind: kind})
		if err != nil {
			return "", err
		}
		for _, m := range ms {
			if m.Active {
				out[i] = m.Version
			}
		}
	}
	return out[0] + "+" + out[1], nil
}

// watch reloads the analyzer when another process (`voclens train`)
// changes the active model, checking every interval until ctx ends. An
// activation through the API reloads at once; this covers the CLI.
func (s *analyzers) watch(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		v, err := s.activeVersion(ctx)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("checking the active model", "error", err)
			}
			continue
		}
		s.mu.Lock()
		loaded, cur := "", s.current
		if s.model != nil {
			loaded = s.model.Version
		}
		loaded += "+"
		if s.sentiment != nil {
			loaded += s.sentiment.Version
		}
		s.mu.Unlock()
		if cur == nil || v == loaded {
			continue
		}
		if err := s.Reload(ctx); err != nil {
			log.Warn("loading the newly activated model", "version", v, "error", err)
			continue
		}
		log.Info("analyzer swapped: another process activated a model", "model_version", v)
	}
}
