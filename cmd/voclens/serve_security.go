package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"

	"github.com/spf13/cobra"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

// startAuth is what serve knows about keys when it starts.
type startAuth struct {
	// closed: the store has had a key, so every request needs one. It
	// counts revoked keys too: revoking the last key must not reopen a
	// server that others can reach.
	closed bool
	active int
}

func authMode(ctx context.Context, db *store.DB) (startAuth, error) {
	keys, err := db.ListKeys(ctx)
	if err != nil {
		return startAuth{}, err
	}
	a := startAuth{closed: len(keys) > 0}
	for _, k := range keys {
		if !k.Revoked() {
			a.active++
		}
	}
	return a, nil
}

// log says plainly which mode the server is in: the first thing to check
// when a client gets 401, or when a server should not be open.
func (a startAuth) log(log *slog.Logger) {
	switch {
	case !a.closed:
		log.Warn("auth: OPEN MODE: no API keys exist, so every request is allowed; listening on loopback only. " +
			"Create a key (voclens keys create --role admin) to require keys and serve other machines.")
	case a.active == 0:
		log.Warn("auth: keys required, but every key is revoked: all requests except /healthz, /readyz and /openapi.json will be refused until you create one")
	default:
		log.Info("auth: API keys required", "active_keys", a.active)
	}
}

// securityFlags are serve's rate limit and CORS settings.
type securityFlags struct {
	rate        float64
	burst       int
	corsOrigins []string
}

func (f *securityFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.Float64Var(&f.rate, "rate", api.DefaultRate, "requests per second each API key (in open mode each client IP) may send; 0 turns the limit off")
	fl.IntVar(&f.burst, "burst", api.DefaultBurst, "requests a key may send at once above --rate")
	fl.StringArrayVar(&f.corsOrigins, "cors-origin", nil, "a browser origin allowed to call the API, e.g. https://console.example.com (repeat for more); CORS is off without one")
}

func (f *securityFlags) check() error {
	if math.IsNaN(f.rate) || math.IsInf(f.rate, 0) || f.rate < 0 {
		return models.Errorf(models.EINVALID, "--rate %v: must be a number of requests per second, 0 for no limit", f.rate)
	}
	if f.rate > 0 && f.burst < 1 {
		return models.Errorf(models.EINVALID, "--burst %d: must be at least 1", f.burst)
	}
	for _, o := range f.corsOrigins {
		if !api.CheckCORSOrigin(o) {
			return models.Errorf(models.EINVALID, "--cors-origin %q: must be scheme://host[:port] in lower case, as a browser sends it, with no path or wildcard", o)
		}
	}
	return nil
}

func (f securityFlags) log(log *slog.Logger) {
	if f.rate > 0 {
		log.Info("rate limit", "per_second", f.rate, "burst", f.burst)
	} else {
		log.Warn("rate limit: off")
	}
	if len(f.corsOrigins) > 0 {
		log.Info("CORS on", "origins", fmt.Sprint(f.corsOrigins))
	}
}
