package api

import (
	"context"

	"github.com/voclens/voclens/models"
)

// routedAnalysis is an analysis with the owners of its tags, as
// POST /v1/analyze answers: the JSON of both, side by side.
type routedAnalysis struct {
	*models.Analysis
	models.Routing
}

// itemRouting is one stored item's id with the owners of its tags, as
// POST /v1/feedback answers per input item.
type itemRouting struct {
	ID int64 `json:"id"`
	// DuplicateOf is the other channel's item this new one was linked to
	// as a near-duplicate.
	DuplicateOf int64 `json:"duplicate_of,omitempty"`
	models.Routing
}

// ownerTable reads the owners from the taxonomy. A server without a
// taxonomy routes nothing (every item has no owners) rather than failing
// the analysis a caller asked for.
func (h *handler) ownerTable(ctx context.Context) (models.OwnerTable, error) {
	if h.tags == nil {
		return models.OwnerTable{}, nil
	}
	tags, err := h.tags.FindTags(ctx, models.TagFilter{})
	if err != nil {
		return nil, err
	}
	return models.NewOwnerTable(tags), nil
}

// route returns the routing of each analysis and counts the critical items
// nobody owns on endpoint's unrouted counter.
func (h *handler) route(ctx context.Context, endpoint string, analyses []*models.Analysis) ([]models.Routing, error) {
	table, err := h.ownerTable(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]models.Routing, len(analyses))
	unrouted := 0
	for i, a := range analyses {
		out[i] = table.Route(a)
		if out[i].Unrouted {
			unrouted++
		}
	}
	if unrouted > 0 {
		h.metrics.unroutedSevere(endpoint, unrouted)
	}
	return out, nil
}
