package alerts

import (
	"context"
	"time"

	"github.com/voclens/voclens/models"
)

// maxSeries is how many keys one spike query asks the trends service for:
// its limit, which keeps the keys with the most items in the range.
const maxSeries = 100

// TrendSpikes finds spikes through the trends service, so an alert and the
// trend chart agree on what a spike is (package trend decides, once).
// Without a clustering run there are no themes to spike, which is not an
// error.
func TrendSpikes(svc models.TrendService) SpikeSource {
	return func(ctx context.Context, kind, key string, from, to time.Time) ([]Spike, error) {
		tr, err := svc.Trends(ctx, models.TrendQuery{By: kind, Key: key, Interval: "day", From: from, To: to, Limit: maxSeries})
		if kind == models.TargetTheme && key == "" && models.ErrorCode(err) == models.ENOTFOUND {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		var out []Spike
		for _, s := range tr.Series {
			for _, sp := range s.Spikes {
				out = append(out, Spike{Kind: kind, Key: s.Key, Label: s.Label, Date: sp.Date, Count: sp.Count, Expected: sp.Expected})
			}
		}
		return out, nil
	}
}
