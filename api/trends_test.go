package api_test

import (
	"strings"
	"testing"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/insights"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

// withTrends serves the trends and the overview from the test server's
// own store.
func withTrends(cfg *api.Config) {
	db := cfg.Feedback.(*store.DB)
	cfg.Trends = &insights.Service{Store: db, Tags: db, Themes: db}
}

// TestOpenAPITrendRoutes holds the trends and the overview, answers and
// refusals, against the document.
func TestOpenAPITrendRoutes(t *testing.T) {
	s := newTestServer(t, withKeys, withTaxonomy, withTrends)
	sp := loadSpec(t, s)
	_, ingest := s.newKey(t, models.RoleIngest)
	_, analyst := s.newKey(t, models.RoleAnalyst)
	I, N := bearer(ingest), bearer(analyst)
	if _, err := s.db.SeedTags(t.Context(), models.Taxonomy{Tags: []models.Tag{{Name: "物流配送", Keywords: []string{"慢"}, SeverityWeight: 0.4}}}); err != nil {
		t.Fatal(err)
	}
	var items []string
	for i := range 12 {
		items = append(items, `{"source":"app","text":"太慢了 垃圾","created_at":"2026-10-2`+string(rune('0'+i%8))+`T08:00:00Z"}`)
	}
	items = append(items, `{"source":"web","text":"很好","created_at":"2026-10-05T08:00:00Z"}`)
	wantStatus(t, "feedback", sp.check(t, s, "POST", "/v1/feedback", `{"items":[`+strings.Join(items, ",")+`]}`, I...), 201)

	res := sp.check(t, s, "GET", "/v1/trends?by=tag&key=物流配送&from=2026-10-01&to=2026-10-31", "", N...)
	wantStatus(t, "trends", res, 200)
	var tr models.Trends
	res.decode(t, &tr)
	if len(tr.Series) != 1 || len(tr.Series[0].Points) != 31 || tr.Series[0].Total != 12 || len(tr.Series[0].Spikes) != 1 {
		t.Errorf("trends = %+v", tr)
	}
	wantStatus(t, "trends weekly by source", sp.check(t, s, "GET", "/v1/trends?by=source&interval=week&limit=1", "", N...), 200)
	wantStatus(t, "trends by theme without a run", sp.check(t, s, "GET", "/v1/trends?by=theme", "", N...), 200)
	wantStatus(t, "trends as ingest", sp.check(t, s, "GET", "/v1/trends", "", I...), 403)
	wantStatus(t, "trends unknown tag", sp.check(t, s, "GET", "/v1/trends?key=没有", "", N...), 404)
	for _, bad := range []struct{ query, field string }{
		{"by=customer", "by:"},
		{"interval=month", "interval:"},
		{"from=2026-13-01", "from:"},
		{"to=yesterday", "to:"},
		{"from=2026-10-31&to=2026-10-01", "from:"},
		{"limit=0", "limit:"},
		{"limit=101", "limit:"},
		{"limit=ten", "limit:"},
		{"tag=物流配送", "tag:"},
	} {
		res := sp.check(t, s, "GET", "/v1/trends?"+bad.query, "", N...)
		wantStatus(t, "trends "+bad.query, res, 422)
		if !strings.Contains(string(res.body), `"message":"`+bad.field) {
			t.Errorf("trends %s: %s does not name %s", bad.query, res.body, bad.field)
		}
	}

	res = sp.check(t, s, "GET", "/v1/overview?from=2026-10-01&to=2026-10-31", "", N...)
	wantStatus(t, "overview", res, 200)
	var o models.Overview
	res.decode(t, &o)
	if o.Total != 13 || len(o.Days) != 31 || len(o.Sources) != 2 || len(o.TopTags) != 1 || len(o.Spikes) != 1 {
		t.Errorf("overview = %+v", o)
	}
	wantStatus(t, "overview default range", sp.check(t, s, "GET", "/v1/overview", "", N...), 200)
	wantStatus(t, "overview bad date", sp.check(t, s, "GET", "/v1/overview?from=10/01/2026", "", N...), 422)
	wantStatus(t, "overview unknown parameter", sp.check(t, s, "GET", "/v1/overview?source=app", "", N...), 422)
	wantStatus(t, "overview as ingest", sp.check(t, s, "GET", "/v1/overview", "", I...), 403)
}
