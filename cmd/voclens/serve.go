package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/voclens/voclens"
	"github.com/voclens/voclens/alerts"
	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/classifier"
	"github.com/voclens/voclens/jobs"
	"github.com/voclens/voclens/store"
	"github.com/voclens/voclens/textproc"
)

func newServeCmd() *cobra.Command {
	var (
		addr, dataDir  string
		demo           bool
		sec            securityFlags
		alertsInterval time.Duration
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP API",
		Example: `  voclens serve --demo          # with the sample data set, on 127.0.0.1:8080
  voclens serve --data /var/lib/voclens --addr 127.0.0.1:9000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := sec.check(); err != nil {
				return err
			}
			return serve(cmd.Context(), serveConfig{addr: addr, dataDir: dataDir, demo: demo, security: sec, alertsInterval: alertsInterval, log: newLogger(cmd.ErrOrStderr())})
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (other than loopback only once an API key exists)")
	dataDirFlag(cmd, &dataDir)
	cmd.Flags().BoolVar(&demo, "demo", false, "load the built-in sample feedback when the data dir is empty")
	cmd.Flags().DurationVar(&alertsInterval, "alerts-interval", alerts.DefaultInterval, "how often the alert rules are evaluated (also after each ingest batch); 0 turns alerts off")
	sec.register(cmd)
	return cmd
}

// modelWatchInterval is how soon a server notices a model that
// `voclens train` activated in another process.
const modelWatchInterval = 2 * time.Second

// serveConfig is what serve needs, read from flags by the command.
type serveConfig struct {
	addr, dataDir string
	demo          bool
	security      securityFlags
	// alertsInterval is how often the alert rules run; 0: not at all.
	alertsInterval time.Duration
	log            *slog.Logger
	// onListen, when set, is told the address the server bound (tests
	// listen on port 0).
	onListen func(addr string)
	// pipe, when set, is the text pipeline to use instead of building
	// one (tests share one per binary).
	pipe *textproc.Pipeline
	// themes is handed the theme service once it is loaded (serve sets it).
	themes *themePlacer
}

// serve listens first and loads the analyzer (seconds: gse's dictionary)
// and the demo data in the background, so probes get answers at once and
// /readyz tells an orchestrator when to send traffic. It returns when ctx
// ends, after in-flight requests have finished.
func serve(ctx context.Context, cfg serveConfig) error {
	addr, dataDir, log := cfg.addr, cfg.dataDir, cfg.log
	db, err := openStore(dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	auth, err := authMode(ctx, db)
	if err != nil {
		return err
	}
	// Without keys the API is open, so it may only listen where nothing
	// but this machine can reach it.
	if !auth.closed {
		if err := requireLoopback(addr); err != nil {
			return err
		}
	}
	// The taxonomy is seeded before the first request, so GET /v1/tags
	// answers while the pipeline loads.
	if _, err := db.SeedTags(ctx, classifier.DefaultTaxonomy()); err != nil {
		return err
	}
	an := newAnalyzers(db, nil)
	// Deferred here so it runs after the loader has stopped and before
	// the store closes: the Syncer reads the store's outbox.
	search := &serveIndex{}
	defer func() {
		if err := search.close(); err != nil {
			log.Error("closing the search index", "error", err)
		}
	}()
	// The runner takes jobs once loadForServe has given it its kinds and
	// started it; it stops before the index and the store close.
	runner := &jobs.Runner{Store: db, Logger: log}
	defer runner.Stop()
	cfg.themes = &themePlacer{}
	trends := newTrendService(db, cfg.themes)
	// Alerts run on their interval and after each ingest batch; Stop is
	// deferred after db.Close, so it runs before it.
	notify, alertsPoke := search.notify, func() {}
	if cfg.alertsInterval > 0 {
		ev := newAlertEvaluator(db, trends, log, cfg.alertsInterval)
		ev.Start(ctx)
		defer ev.Stop()
		notify, alertsPoke = func() { search.notify(); ev.Poke() }, ev.Poke
	}
	var ready atomic.Bool
	handler := api.NewHandler(api.Config{
		Feedback:    notifyingFeedback{DB: db, notify: notify},
		Search:      search,
		Keys:        db,
		Tags:        reloadingTags{TagService: db, an: an},
		Labels:      db,
		Models:      reloadingModels{ModelService: db, an: an},
		TagStats:    db,
		Breakdown:   db,
		Export:      db,
		Measures:    db,
		Trends:      trends,
		Alerts:      db,
		AlertsPoke:  alertsPoke,
		Logger:      log,
		Ready:       ready.Load,
		Rate:        cfg.security.rate,
		Burst:       cfg.security.burst,
		CORSOrigins: cfg.security.corsOrigins,
		Jobs:        runner,
	})
	// Deferred after the store's Close, so it runs first: imports still
	// running stop before the store they write to closes.
	defer handler.Close()
	an.set = handler.SetAnalyzer
	registerIndexLag(handler.Metrics().Registry, db, log)
	runner.OnProgress = newJobMetrics(handler.Metrics().Registry).observe
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	log.Info("listening", "url", "http://"+ln.Addr().String(), "data", dataDir)
	auth.log(log)
	cfg.security.log(log)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if cfg.onListen != nil {
		cfg.onListen(ln.Addr().String())
	}

	loadCtx, stopLoading := context.WithCancel(ctx)
	loaded := make(chan error, 1)
	go func() { loaded <- loadForServe(loadCtx, cfg, db, an, handler, search, runner, &ready) }()
	loading := loaded // nil once the loader has reported
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		an.watch(loadCtx, modelWatchInterval, log)
	}()
	defer func() {
		// Runs before the deferred db.Close: the loader and the watcher
		// must be done with the store first.
		stopLoading()
		<-watched
		if loading != nil {
			if err := <-loading; err != nil && !errors.Is(err, context.Canceled) {
				log.Warn("loading stopped by shutdown", "error", err)
			}
		}
	}()
	var runErr error
wait:
	for {
		select {
		case err := <-errc:
			// The listener failed; there is nothing to shut down.
			return err
		case err := <-loading:
			loading = nil
			if err != nil {
				runErr = err
				break wait
			}
		case <-ctx.Done():
			break wait
		}
	}

	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return errors.Join(runErr, err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return errors.Join(runErr, err)
	}
	return runErr
}

// loadForServe builds the pipeline and the analyzer over the stored
// taxonomy and active model (which hands it to the handler), loads the
// demo data if asked (and finds its themes), hands the theme service to
// the handler, opens the search index with the same pipeline and catches
// it up with the store, and then marks the server ready.
func loadForServe(ctx context.Context, cfg serveConfig, db *store.DB, az *analyzers, h *api.Handler, search *serveIndex, runner *jobs.Runner, ready *atomic.Bool) error {
	log := cfg.log
	started := time.Now()
	p := cfg.pipe
	if p == nil {
		var err error
		if p, err = seedAndPipeline(ctx, db, az.lex); err != nil {
			return fmt.Errorf("load analyzer: %w", err)
		}
	}
	an, err := az.start(ctx, p)
	if err != nil {
		return fmt.Errorf("load analyzer: %w", err)
	}
	log.Info("analyzer ready", "seconds", time.Since(started).Seconds(), "model_version", an.Version())
	if err := search.open(ctx, indexPath(cfg.dataDir), p, db, log); err != nil {
		return fmt.Errorf("open search index: %w", err)
	}
	if cfg.demo {
		rep, err := loadDemo(ctx, db, an, voclens.SampleFeedback, voclens.SampleFeedbackName)
		if err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		if rep != nil {
			log.Info("demo data loaded", "items", rep.Imported, "data", cfg.dataDir)
		}
	}
	// Themes need the pipeline too; accepting a proposal goes through
	// reloadingTags, so the new tag's keywords tag new items at once.
	themeSvc := newThemeService(db, p, reloadingTags{TagService: db, an: az}, db)
	if cfg.demo {
		if err := initialThemes(ctx, themeSvc, db, log); err != nil {
			return fmt.Errorf("find themes: %w", err)
		}
	}
	h.SetThemes(themeSvc, themeSvc)
	cfg.themes.set(themeSvc)
	n, err := search.catchUp(ctx)
	if err != nil {
		return fmt.Errorf("catch the search index up: %w", err)
	}
	log.Info("search index ready", "caught_up", n)
	// Jobs start last: a resumed rescore needs the analyzer, a reindex
	// the index.
	if err := startJobs(context.WithoutCancel(ctx), runner, db, p, az, themeSvc, search, log); err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	ready.Store(true)
	log.Info("ready")
	// The first themes list reads every member's analysis (seconds at
	// 100,000 items) and later ones reuse it until something changes;
	// reading it now spares the first analyst that wait.
	if _, _, err := themeSvc.ListThemes(ctx, ""); err != nil && ctx.Err() == nil {
		log.Warn("warming the themes list", "error", err)
	}
	return nil
}

// requireLoopback refuses an address that other machines could reach.
func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--addr %s: refusing to serve without API keys on an address other machines can reach; use 127.0.0.1 or ::1, or create a key first (voclens keys create --role admin)", addr)
}
