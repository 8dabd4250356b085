package api_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

func withMeasures(c *api.Config) { c.Measures = c.Feedback.(*store.DB) }

// TestMeasuresAPI records, reads, changes and removes a measure as an
// analyst, holding every answer against the document, and checks that a
// refused write changes nothing.
func TestMeasuresAPI(t *testing.T) {
	s := newTestServer(t, withKeys, withMeasures)
	ctx := context.Background()
	if _, err := s.db.SeedTags(ctx, models.Taxonomy{Tags: []models.Tag{{Name: "物流配送", Keywords: []string{"慢"}, SeverityWeight: 0.4}}}); err != nil {
		t.Fatal(err)
	}
	sp := loadSpec(t, s)
	_, ingest := s.newKey(t, models.RoleIngest)
	_, analyst := s.newKey(t, models.RoleAnalyst)
	I, N := bearer(ingest), bearer(analyst)

	// Two slow-delivery complaints before the 20th (one angry), one calm after.
	wantStatus(t, "feedback", sp.check(t, s, "POST", "/v1/feedback", `{"items":[
		{"text":"太慢了,垃圾","created_at":"2026-10-12T08:00:00Z"},
		{"text":"有点慢","created_at":"2026-10-15T08:00:00Z"},
		{"text":"还是慢","created_at":"2026-10-22T08:00:00Z"}]}`, I...), 201)

	wantStatus(t, "create as ingest", sp.check(t, s, "POST", "/v1/measures", `{"target_kind":"tag","target":"物流配送","what":"加开周末仓"}`, I...), 403)
	res := sp.check(t, s, "POST", "/v1/measures", `{"target_kind":"tag","target":"物流配送","what":"加开周末仓","owner":"物流组","due_date":"2026-10-31","date":"2026-10-20"}`, N...)
	wantStatus(t, "create", res, 201)
	var m models.Measure
	res.decode(t, &m)
	if m.Status != "planned" || m.Effect == nil || m.Effect.Before.Count != 2 || m.Effect.Before.NegativeShare != 0.5 || m.Effect.After.Count != 1 {
		t.Errorf("created %s", res.body)
	}
	id := itoa(m.ID)

	for name, body := range map[string]string{
		"unknown tag": `{"target_kind":"tag","target":"不存在","what":"x"}`,
		"bad date":    `{"target_kind":"tag","target":"物流配送","what":"x","date":"2026-02-30"}`,
		"bad status":  `{"target_kind":"tag","target":"物流配送","what":"x","status":"finished"}`,
	} {
		res := sp.check(t, s, "POST", "/v1/measures", body, N...)
		wantStatus(t, name, res, 422)
		if _, msg := res.apiError(t); name == "unknown tag" && msg != `target: "不存在" is not a tag` {
			t.Errorf("unknown tag: message %q", msg)
		}
	}
	wantStatus(t, "malformed", sp.check(t, s, "POST", "/v1/measures", `{"target_kind":"tag","whom":"x"}`, N...), 400)
	wantStatus(t, "patch bad status", sp.check(t, s, "PATCH", "/v1/measures/"+id, `{"status":"finished"}`, N...), 422)

	var list struct{ Measures []models.Measure }
	res = sp.check(t, s, "GET", "/v1/measures?tag="+url.QueryEscape("物流配送")+"&window=30", "", N...)
	wantStatus(t, "list", res, 200)
	res.decode(t, &list)
	if len(list.Measures) != 1 || list.Measures[0].Status != "planned" || list.Measures[0].Effect.WindowDays != 30 {
		t.Fatalf("after refused writes: %s", res.body)
	}
	wantStatus(t, "list bad window", sp.check(t, s, "GET", "/v1/measures?window=0", "", N...), 422)
	wantStatus(t, "list other theme", sp.check(t, s, "GET", "/v1/measures?theme=3", "", N...), 200)

	res = sp.check(t, s, "PATCH", "/v1/measures/"+id, `{"status":"done"}`, N...)
	wantStatus(t, "patch", res, 200)
	res.decode(t, &m)
	if m.Status != "done" || m.What != "加开周末仓" {
		t.Errorf("patched %s", res.body)
	}
	wantStatus(t, "get", sp.check(t, s, "GET", "/v1/measures/"+id+"?window=7", "", N...), 200)
	wantStatus(t, "get missing", sp.check(t, s, "GET", "/v1/measures/999", "", N...), 404)
	wantStatus(t, "delete", sp.check(t, s, "DELETE", "/v1/measures/"+id, "", N...), 204)
	wantStatus(t, "delete again", sp.check(t, s, "DELETE", "/v1/measures/"+id, "", N...), 404)
	if res := s.do(t, "GET", "/v1/measures", "", N...); res.status != http.StatusOK || string(res.body) != `{"measures":[]}` {
		t.Errorf("empty list: %d %s", res.status, res.body)
	}
}
