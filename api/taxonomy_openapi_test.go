package api_test

import (
	"context"
	"testing"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
)

// withTaxonomy serves the taxonomy, label, model and statistics routes
// from the test server's own store.
func withTaxonomy(cfg *api.Config) {
	db := cfg.Feedback.(interface {
		models.TagService
		models.LabelService
		models.ModelService
		models.TagStatsService
	})
	cfg.Tags, cfg.Labels, cfg.Models, cfg.TagStats = db, db, db, db
}

// TestOpenAPITaxonomyRoutes holds the answers of the routes issue 4 added
// against the document, with the roles access.go gives them.
func TestOpenAPITaxonomyRoutes(t *testing.T) {
	s := newTestServer(t, withKeys, withTaxonomy)
	ctx := context.Background()
	if _, err := s.db.SeedTags(ctx, models.Taxonomy{Tags: []models.Tag{
		{Name: "物流配送", Keywords: []string{"慢"}, SeverityWeight: 0.4},
		{Name: "包装", Keywords: []string{"破"}, SeverityWeight: 0.2},
	}}); err != nil {
		t.Fatal(err)
	}
	mv, err := s.db.CreateModelVersion(ctx, models.ModelVersion{Kind: models.ModelKindTags, Metrics: []byte(`{"tags":[]}`), Blob: []byte{1}})
	if err != nil {
		t.Fatal(err)
	}
	sp := loadSpec(t, s)
	_, admin := s.newKey(t, models.RoleAdmin)
	_, analyst := s.newKey(t, models.RoleAnalyst)
	A, N := bearer(admin), bearer(analyst)

	wantStatus(t, "feedback", sp.check(t, s, "POST", "/v1/feedback", `{"items":[{"text":"太慢了","created_at":"2024-05-01T08:30:00+08:00"}]}`, A...), 201)
	wantStatus(t, "labels", sp.check(t, s, "PUT", "/v1/feedback/1/tags", `{"confirm":["物流配送"],"reject":["包装"]}`, N...), 200)
	wantStatus(t, "labels unknown tag", sp.check(t, s, "PUT", "/v1/feedback/1/tags", `{"confirm":["无"]}`, N...), 422)
	wantStatus(t, "labels unknown item", sp.check(t, s, "PUT", "/v1/feedback/9/tags", `{"confirm":["包装"]}`, N...), 404)
	wantStatus(t, "labels malformed", sp.check(t, s, "PUT", "/v1/feedback/1/tags", `{"confirm":`, N...), 400)

	wantStatus(t, "tags", sp.check(t, s, "GET", "/v1/tags", "", N...), 200)
	wantStatus(t, "tags create as analyst", sp.check(t, s, "POST", "/v1/tags", `{"name":"噪音"}`, N...), 403)
	wantStatus(t, "tags create", sp.check(t, s, "POST", "/v1/tags", `{"name":"噪音","keywords":["吵"],"severity_weight":0.3}`, A...), 201)
	wantStatus(t, "tags conflict", sp.check(t, s, "POST", "/v1/tags", `{"name":"噪音"}`, A...), 409)
	wantStatus(t, "tags patch", sp.check(t, s, "PATCH", "/v1/tags/噪音", `{"owner":"家电组"}`, A...), 200)
	wantStatus(t, "tags patch missing", sp.check(t, s, "PATCH", "/v1/tags/无", `{"owner":"x"}`, A...), 404)
	wantStatus(t, "tags delete", sp.check(t, s, "DELETE", "/v1/tags/噪音", "", A...), 204)
	wantStatus(t, "tags stats", sp.check(t, s, "GET", "/v1/tags/stats?from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z", "", N...), 200)
	wantStatus(t, "tags stats bad range", sp.check(t, s, "GET", "/v1/tags/stats?from=2025-01-01T00:00:00Z&to=2024-01-01T00:00:00Z", "", N...), 422)

	wantStatus(t, "models", sp.check(t, s, "GET", "/v1/models", "", N...), 200)
	wantStatus(t, "activate as analyst", sp.check(t, s, "POST", "/v1/models/"+mv.Version+"/activate", "", N...), 403)
	wantStatus(t, "activate", sp.check(t, s, "POST", "/v1/models/"+mv.Version+"/activate", "", A...), 200)
	wantStatus(t, "activate missing", sp.check(t, s, "POST", "/v1/models/m-1/activate", "", A...), 404)
}
