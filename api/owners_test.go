package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

// routingAnalyzer tags 慢 as 快递时效 (a child of 物流配送) and 泄露 as
// 隐私安全 at critical severity.
var routingAnalyzer = fakeAnalyzer{analyze: func(text string) *models.Analysis {
	a := &models.Analysis{Sentiment: models.Sentiment{Label: models.SentimentNeutral}, Severity: models.SeverityLow, ModelVersion: "fake-1"}
	if strings.Contains(text, "慢") {
		a.Tags = append(a.Tags, models.TagScore{Tag: "快递时效", Score: 0.9, Source: models.TagSourceRule})
	}
	if strings.Contains(text, "泄露") {
		a.Tags = append(a.Tags, models.TagScore{Tag: "隐私安全", Score: 0.9, Source: models.TagSourceRule})
		a.Severity = models.SeverityCritical
	}
	return a
}}

func newRoutingServer(t *testing.T) (*testServer, *spec) {
	t.Helper()
	s := newTestServer(t, func(cfg *api.Config) {
		cfg.Analyzer = routingAnalyzer
		cfg.Tags = cfg.Feedback.(*store.DB)
	})
	if _, err := s.db.SeedTags(context.Background(), models.Taxonomy{Tags: []models.Tag{
		{Name: "物流配送", SeverityWeight: 0.3},
		{Name: "快递时效", Parent: "物流配送", SeverityWeight: 0.3},
		{Name: "隐私安全", SeverityWeight: 1},
	}}); err != nil {
		t.Fatal(err)
	}
	return s, loadSpec(t, s)
}

func TestOwnersRouteAnalyzeAndFeedback(t *testing.T) {
	s, sp := newRoutingServer(t)
	// The owner is set on the parent, with a contact, through the API.
	res := sp.check(t, s, "PATCH", "/v1/tags/物流配送", `{"owner":"物流组","owner_contact":"wuliu@example.com"}`)
	wantStatus(t, "set owner", res, 200)
	var tag models.Tag
	res.decode(t, &tag)
	if tag.OwnerContact != "wuliu@example.com" {
		t.Fatalf("PATCH answered %+v, want the contact", tag)
	}

	res = sp.check(t, s, "POST", "/v1/analyze", `{"texts":["快递太慢了","我的信息被泄露了","还行"]}`)
	wantStatus(t, "analyze", res, 200)
	var out struct {
		Results []struct {
			Owners   []models.Owner `json:"owners"`
			Unrouted bool           `json:"unrouted"`
		} `json:"results"`
	}
	res.decode(t, &out)
	want := models.Owner{Tag: "快递时效", Owner: "物流组", Contact: "wuliu@example.com"}
	if len(out.Results) != 3 || len(out.Results[0].Owners) != 1 || out.Results[0].Owners[0] != want {
		t.Fatalf("a child tag without an owner must route to its parent's: %s", res.body)
	}
	if !out.Results[1].Unrouted || len(out.Results[1].Owners) != 0 {
		t.Errorf("a critical item with no owner must be unrouted: %s", res.body)
	}
	if out.Results[0].Unrouted || out.Results[2].Unrouted {
		t.Errorf("only critical items are unrouted: %s", res.body)
	}

	res = sp.check(t, s, "POST", "/v1/feedback", `{"items":[{"text":"快递太慢了"},{"text":"信息泄露"}]}`)
	wantStatus(t, "feedback", res, 201)
	var fb struct {
		IDs   []int64 `json:"ids"`
		Items []struct {
			ID       int64          `json:"id"`
			Owners   []models.Owner `json:"owners"`
			Unrouted bool           `json:"unrouted"`
		} `json:"items"`
	}
	res.decode(t, &fb)
	if len(fb.Items) != 2 || fb.Items[0].ID != fb.IDs[0] || len(fb.Items[0].Owners) != 1 || fb.Items[0].Owners[0] != want || !fb.Items[1].Unrouted {
		t.Fatalf("feedback routing: %s", res.body)
	}

	metrics := s.do(t, "GET", "/metrics", "")
	for _, line := range []string{
		`voclens_unrouted_severe_total{endpoint="analyze"} 1`,
		`voclens_unrouted_severe_total{endpoint="feedback"} 1`,
	} {
		if !strings.Contains(string(metrics.body), line) {
			t.Errorf("metrics lack %q", line)
		}
	}

	// Once the tag has an owner, the severe item is routed.
	wantStatus(t, "own privacy", sp.check(t, s, "PATCH", "/v1/tags/隐私安全", `{"owner":"安全组"}`), 200)
	res = sp.check(t, s, "POST", "/v1/analyze", `{"text":"我的信息被泄露了"}`)
	var one struct {
		Owners   []models.Owner `json:"owners"`
		Unrouted bool           `json:"unrouted"`
	}
	res.decode(t, &one)
	if one.Unrouted || len(one.Owners) != 1 || one.Owners[0].Owner != "安全组" {
		t.Errorf("owned critical item: %s", res.body)
	}
}
