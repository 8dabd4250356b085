package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/voclens/voclens"
	"github.com/voclens/voclens/api"
)

func newServeCmd() *cobra.Command {
	var (
		addr, dataDir string
		demo          bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP API",
		Example: `  voclens serve --demo          # with the sample data set, on 127.0.0.1:8080
  voclens serve --data /var/lib/voclens --addr 127.0.0.1:9000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return serve(cmd.Context(), serveConfig{addr: addr, dataDir: dataDir, demo: demo, log: newLogger(cmd.ErrOrStderr())})
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	dataDirFlag(cmd, &dataDir)
	cmd.Flags().BoolVar(&demo, "demo", false, "load the built-in sample feedback when the data dir is empty")
	return cmd
}

// serveConfig is what serve needs, read from flags by the command.
type serveConfig struct {
	addr, dataDir string
	demo          bool
	log           *slog.Logger
	// onListen, when set, is told the address the server bound (tests
	// listen on port 0).
	onListen func(addr string)
}

func serve(ctx context.Context, cfg serveConfig) error {
	addr, dataDir, demo, log := cfg.addr, cfg.dataDir, cfg.demo, cfg.log
	// API keys arrive with a later version; until then the API is open, so
	// it may only listen where nothing but this machine can reach it.
	if err := requireLoopback(addr); err != nil {
		return err
	}
	db, err := openStore(dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	started := time.Now()
	an, err := newAnalyzer()
	if err != nil {
		return err
	}
	log.Info("analyzer ready", "seconds", time.Since(started).Seconds())
	if demo {
		rep, err := loadDemo(ctx, db, an, voclens.SampleFeedback, voclens.SampleFeedbackName)
		if err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		if rep != nil {
			log.Info("demo data loaded", "items", rep.Imported, "data", dataDir)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: api.NewHandler(api.Config{
			Analyzer: an,
			Feedback: db,
			Logger:   log,
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	log.Info("listening", "url", "http://"+ln.Addr().String(), "data", dataDir,
		"auth", "none: open mode, loopback only")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if cfg.onListen != nil {
		cfg.onListen(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
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
	return fmt.Errorf("--addr %s: refusing to serve without API keys on an address other machines can reach; use 127.0.0.1 or ::1", addr)
}
