package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/themes"
)

// withThemes stores three kinds of complaints and clusters them, with
// words separated by spaces standing in for the segmenter (the real one is
// exercised by the themes and cmd tests).
func withThemes(t *testing.T, s *testServer) *themes.Service {
	t.Helper()
	ctx := context.Background()
	day := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	var items []*models.Feedback
	// Near-duplicates are fitted once but stay members.
	for i := range 12 {
		for _, text := range []string{
			"积分 清零 会员 垃圾 " + []string{"更新", "版本", "昨天"}[i%3],
			"物流 太慢 快递 " + []string{"三天", "包裹", "还没"}[i%3],
			"界面 清爽 下单 方便 " + []string{"好评", "喜欢", "推荐"}[i%3],
		} {
			items = append(items, &models.Feedback{Source: "app", Text: text, CreatedAt: day.AddDate(0, 0, i*2),
				Analysis: keywordAnalyzer.Analyze(text)})
		}
	}
	if _, err := s.db.CreateFeedback(ctx, items); err != nil {
		t.Fatal(err)
	}
	svc := themes.New(themes.Config{Store: s.db, Feedback: s.db, Tags: s.db, Labels: s.db, Segment: strings.Fields, Seed: 1})
	if _, err := svc.Recluster(ctx, models.ClusterFilter{K: 3}); err != nil {
		t.Fatal(err)
	}
	s.handler.SetThemes(svc, svc)
	return svc
}

func TestOpenAPIClusters(t *testing.T) {
	s := newTestServer(t, withKeys)
	sp := loadSpec(t, s)
	_, analyst := s.newKey(t, models.RoleAnalyst)
	_, ingest := s.newKey(t, models.RoleIngest)
	N, I := bearer(analyst), bearer(ingest)

	wantStatus(t, "clusters before themes load", sp.check(t, s, "GET", "/v1/clusters", "", N...), 503)
	svc := withThemes(t, s)

	res := sp.check(t, s, "GET", "/v1/clusters?sort=growth", "", N...)
	wantStatus(t, "clusters", res, 200)
	var list struct {
		Run      models.ClusterRun
		Clusters []models.Theme
	}
	res.decode(t, &list)
	if len(list.Clusters) != 3 || list.Run.Docs != 36 {
		t.Fatalf("clusters: %s", res.body)
	}
	var points, other *models.Theme
	for i := range list.Clusters {
		if strings.Contains(list.Clusters[i].Label, "积分") || strings.Contains(list.Clusters[i].Label, "清零") {
			points = &list.Clusters[i]
		} else if other == nil {
			other = &list.Clusters[i]
		}
	}
	if points == nil || points.Proposal == nil || other == nil {
		t.Fatalf("no proposed 积分 theme: %s", res.body)
	}
	id := itoa(points.ID)
	wantStatus(t, "clusters bad sort", sp.check(t, s, "GET", "/v1/clusters?sort=loud", "", N...), 422)
	wantStatus(t, "clusters unknown param", sp.check(t, s, "GET", "/v1/clusters?q=x", "", N...), 400)
	wantStatus(t, "clusters as ingest", sp.check(t, s, "GET", "/v1/clusters", "", I...), 403)
	wantStatus(t, "cluster", sp.check(t, s, "GET", "/v1/clusters/"+id, "", N...), 200)
	wantStatus(t, "cluster missing", sp.check(t, s, "GET", "/v1/clusters/999", "", N...), 404)
	wantStatus(t, "cluster bad id", sp.check(t, s, "GET", "/v1/clusters/x", "", N...), 422)

	wantStatus(t, "rename", sp.check(t, s, "POST", "/v1/clusters/"+id+"/rename", `{"name":"积分被清零"}`, N...), 200)
	wantStatus(t, "rename empty", sp.check(t, s, "POST", "/v1/clusters/"+id+"/rename", `{"name":" "}`, N...), 422)
	wantStatus(t, "rename bad body", sp.check(t, s, "POST", "/v1/clusters/"+id+"/rename", `{"nom":"x"}`, N...), 400)
	wantStatus(t, "rename missing", sp.check(t, s, "POST", "/v1/clusters/999/rename", `{"name":"x"}`, N...), 404)

	wantStatus(t, "proposals", sp.check(t, s, "GET", "/v1/proposals", "", N...), 200)
	wantStatus(t, "proposals all", sp.check(t, s, "GET", "/v1/proposals?status=all", "", N...), 200)
	wantStatus(t, "proposals bad status", sp.check(t, s, "GET", "/v1/proposals?status=maybe", "", N...), 422)
	pid := itoa(points.Proposal.ID)
	wantStatus(t, "accept bad body", sp.check(t, s, "POST", "/v1/proposals/"+pid+"/accept", `{"keywords":"积分"}`, N...), 400)
	wantStatus(t, "accept empty keyword", sp.check(t, s, "POST", "/v1/proposals/"+pid+"/accept", `{"keywords":[""]}`, N...), 422)
	wantStatus(t, "accept missing", sp.check(t, s, "POST", "/v1/proposals/999/accept", "", N...), 404)
	res = sp.check(t, s, "POST", "/v1/proposals/"+pid+"/accept", `{"name":"积分清零","keywords":["积分清零","积分没了"]}`, N...)
	wantStatus(t, "accept", res, 200)
	wantStatus(t, "accept again", sp.check(t, s, "POST", "/v1/proposals/"+pid+"/accept", "", N...), 409)
	wantStatus(t, "reject decided", sp.check(t, s, "POST", "/v1/proposals/"+pid+"/reject", "", N...), 409)
	wantStatus(t, "reject missing", sp.check(t, s, "POST", "/v1/proposals/999/reject", "", N...), 404)
	labels, err := s.db.FindLabels(context.Background(), models.LabelFilter{Tag: "积分清零", Source: models.LabelSourceWeak})
	if err != nil || len(labels) != points.Size {
		t.Errorf("weak labels: %d (%v), want %d", len(labels), err, points.Size)
	}

	oid := itoa(other.ID)
	wantStatus(t, "merge into itself", sp.check(t, s, "POST", "/v1/clusters/"+oid+"/merge", `{"into":`+oid+`}`, N...), 422)
	wantStatus(t, "merge bad body", sp.check(t, s, "POST", "/v1/clusters/"+oid+"/merge", `{"into":"x"}`, N...), 400)
	wantStatus(t, "merge into missing", sp.check(t, s, "POST", "/v1/clusters/"+oid+"/merge", `{"into":999}`, N...), 404)
	res = sp.check(t, s, "POST", "/v1/clusters/"+oid+"/merge", `{"into":`+id+`}`, N...)
	wantStatus(t, "merge", res, 200)
	wantStatus(t, "merge again", sp.check(t, s, "POST", "/v1/clusters/"+oid+"/merge", `{"into":`+id+`}`, N...), 409)
	var merged models.Theme
	res.decode(t, &merged)
	if merged.ID != points.ID || merged.Size != points.Size+other.Size || merged.Name != "积分被清零" {
		t.Errorf("merged theme: %s", res.body)
	}
	if _, err := svc.Recluster(context.Background(), models.ClusterFilter{K: 3}); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "clusters after a re-run", sp.check(t, s, "GET", "/v1/clusters", "", N...), 200)
}
