package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/voclens/voclens/index"
	"github.com/voclens/voclens/jobs"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
	"github.com/voclens/voclens/textproc"
	"github.com/voclens/voclens/themes"
)

// rescoreKind is the rescore job over db with az's current analyzer (the
// stored taxonomy and the active model).
func rescoreKind(db *store.DB, az *analyzers) jobs.Kind {
	return jobs.Kind{
		Run: jobs.Rescore(db, func() models.Analyzer {
			// A nil *Combined must not become a non-nil interface.
			if c := az.Current(); c != nil {
				return c
			}
			return nil
		}),
		Params:    jobs.CheckRescoreParams,
		Resumable: true,
	}
}

// reclusterParams mirror `voclens cluster`'s flags.
type reclusterParams struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Source   string `json:"source"`
	Tag      string `json:"tag"`
	Negative bool   `json:"negative"`
	K        int    `json:"k"`
}

func (p reclusterParams) filter() (models.ClusterFilter, error) {
	f := models.ClusterFilter{Source: p.Source, Tag: p.Tag, NegativeOnly: p.Negative, K: p.K}
	var err error
	if f.From, err = models.ParseRangeBound(p.From, false); err != nil {
		return f, models.Errorf(models.EINVALID, "params.from: not YYYY-MM-DD or RFC 3339")
	}
	if f.To, err = models.ParseRangeBound(p.To, true); err != nil {
		return f, models.Errorf(models.EINVALID, "params.to: not YYYY-MM-DD or RFC 3339")
	}
	if p.K < 0 || p.K > 200 {
		return f, models.Errorf(models.EINVALID, "params.k: must be from 0 (choose) to 200")
	}
	return f, nil
}

func reclusterKind(svc *themes.Service) jobs.Kind {
	parse := func(run *jobs.Run) (models.ClusterFilter, error) {
		var p reclusterParams
		if err := jobs.DecodeParams(run.Job.Params, &p); err != nil {
			return models.ClusterFilter{}, err
		}
		return p.filter()
	}
	return jobs.Kind{
		Params: func(raw json.RawMessage) error {
			var p reclusterParams
			if err := jobs.DecodeParams(raw, &p); err != nil {
				return err
			}
			_, err := p.filter()
			return err
		},
		Run: func(ctx context.Context, run *jobs.Run) (any, error) {
			f, err := parse(run)
			if err != nil {
				return nil, err
			}
			res, err := svc.Recluster(ctx, f)
			if err != nil {
				return nil, err
			}
			return res, run.Progress(ctx, 1, 1)
		},
	}
}

// retrainParams: activate the new model (as `voclens train` does unless
// --no-activate), and then rescore the stored items with it.
type retrainParams struct {
	Activate *bool `json:"activate"`
	Rescore  bool  `json:"rescore"`
}

type retrainResult struct {
	Version string `json:"version"`
	Active  bool   `json:"active"`
	*trainReport
	// RescoreJob is the rescore this retrain submitted, 0 when none.
	RescoreJob int64 `json:"rescore_job,omitempty"`
}

// retrainKind trains a tag model from the labels, stores it, activates it
// unless asked not to (swapping the serving analyzer at once), and may
// submit a rescore so the stored items get the new model's tags.
func retrainKind(db *store.DB, p *textproc.Pipeline, az *analyzers, runner *jobs.Runner) jobs.Kind {
	return jobs.Kind{
		Params: func(raw json.RawMessage) error {
			var rp retrainParams
			if err := jobs.DecodeParams(raw, &rp); err != nil {
				return err
			}
			if rp.Rescore && rp.Activate != nil && !*rp.Activate {
				return models.Errorf(models.EINVALID, "params.rescore: rescoring needs the new model active (activate: true)")
			}
			return nil
		},
		Run: func(ctx context.Context, run *jobs.Run) (any, error) {
			var rp retrainParams
			if err := jobs.DecodeParams(run.Job.Params, &rp); err != nil {
				return nil, err
			}
			activate := rp.Activate == nil || *rp.Activate
			rep, err := trainTags(ctx, db, p, activate)
			if err != nil {
				return nil, err
			}
			if activate {
				if err := az.Reload(ctx); err != nil {
					return nil, fmt.Errorf("model %s activated, but the analyzer could not load it: %w", rep.Version.Version, err)
				}
			}
			out := retrainResult{Version: rep.Version.Version, Active: rep.Active, trainReport: rep}
			if rp.Rescore {
				j, err := runner.SubmitJob(ctx, models.JobRescore, nil)
				if err != nil {
					return out, fmt.Errorf("model %s trained, but the rescore could not start: %w", rep.Version.Version, err)
				}
				out.RescoreJob = j.ID
			}
			return out, run.Progress(ctx, 1, 1)
		},
	}
}

// reindexKind rebuilds the serving index in place: searches keep getting
// answers from the old index until the new one is swapped in.
func reindexKind(db *store.DB, search *serveIndex) jobs.Kind {
	return jobs.Kind{
		Run: func(ctx context.Context, run *jobs.Run) (any, error) {
			total, err := db.CountFeedback(ctx)
			if err != nil {
				return nil, err
			}
			search.mu.RLock()
			idx := search.idx
			search.mu.RUnlock()
			if idx == nil {
				return nil, models.Errorf(models.EUNAVAILABLE, "the search index is not open")
			}
			all := index.AllFeedback(ctx, db)
			var done int64
			n, err := idx.Rebuild(ctx, func(yield func(index.Item) error) error {
				return all(func(it index.Item) error {
					done++
					if err := run.Progress(ctx, done, int64(total)); err != nil {
						return err
					}
					return yield(it)
				})
			})
			if err != nil {
				return nil, err
			}
			search.notify() // changes stored meanwhile wait in the outbox
			return map[string]int{"indexed": n}, run.Progress(ctx, int64(n), int64(n))
		},
	}
}

// jobMetrics exports each kind's latest progress as
// voclens_job_done_items and voclens_job_total_items, and whether a job of
// the kind runs as voclens_job_running.
type jobMetrics struct {
	done, total, running *prometheus.GaugeVec
}

func newJobMetrics(reg *prometheus.Registry) *jobMetrics {
	m := &jobMetrics{
		done: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "voclens_job_done_items",
			Help: "Items the latest job of each kind has processed.",
		}, []string{"kind"}),
		total: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "voclens_job_total_items",
			Help: "Items the latest job of each kind has to process.",
		}, []string{"kind"}),
		running: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "voclens_job_running",
			Help: "1 while a job of the kind runs in this server.",
		}, []string{"kind"}),
	}
	for _, k := range models.JobKinds {
		m.done.WithLabelValues(k)
		m.total.WithLabelValues(k)
		m.running.WithLabelValues(k)
	}
	reg.MustRegister(m.done, m.total, m.running)
	return m
}

func (m *jobMetrics) observe(j *models.Job) {
	m.done.WithLabelValues(j.Kind).Set(float64(j.Done))
	m.total.WithLabelValues(j.Kind).Set(float64(j.Total))
	running := 0.0
	if j.Status == models.JobRunning {
		running = 1
	}
	m.running.WithLabelValues(j.Kind).Set(running)
}

// startJobs registers the four kinds with the server's runner and starts
// it, which resumes or fails what a previous process left unfinished.
func startJobs(ctx context.Context, runner *jobs.Runner, db *store.DB, p *textproc.Pipeline, az *analyzers, svc *themes.Service, search *serveIndex, log *slog.Logger) error {
	runner.Kinds = map[string]jobs.Kind{
		models.JobRescore:   rescoreKind(db, az),
		models.JobRecluster: reclusterKind(svc),
		models.JobRetrain:   retrainKind(db, p, az, runner),
		models.JobReindex:   reindexKind(db, search),
	}
	runner.Logger = log
	return runner.Start(ctx)
}
