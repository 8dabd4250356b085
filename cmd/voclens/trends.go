package main

import (
	"context"
	"sync/atomic"

	"github.com/voclens/voclens/insights"
	"github.com/voclens/voclens/store"
	"github.com/voclens/voclens/themes"
)

// newTrendService answers GET /v1/trends and /v1/overview from db. The
// theme service loads after the server listens; until placer has it, the
// trends count the themes' members as the latest run left them.
func newTrendService(db *store.DB, placer *themePlacer) *insights.Service {
	return &insights.Service{Store: db, Tags: db, Themes: db, PlaceThemes: placer.place}
}

// themePlacer places the items stored since the latest clustering run in
// its themes, once the theme service is there.
type themePlacer struct {
	svc atomic.Pointer[themes.Service]
}

func (p *themePlacer) set(s *themes.Service) {
	if p != nil {
		p.svc.Store(s)
	}
}

func (p *themePlacer) place(ctx context.Context) error {
	if s := p.svc.Load(); s != nil {
		return s.PlaceNew(ctx)
	}
	return nil
}
