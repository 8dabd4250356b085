package alerts_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/voclens/voclens/alerts"
	"github.com/voclens/voclens/models"
)

// The other three rule kinds, each once per occurrence: a critical item
// arriving after the rule (duplicates of another channel's item left
// out), a measure past its due date and not done, a new theme over the
// threshold.
func TestRuleKinds(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if _, err := db.SeedTags(ctx, models.Taxonomy{Tags: []models.Tag{{Name: "安全隐患", SeverityWeight: 1}}}); err != nil {
		t.Fatal(err)
	}
	pl := plainReceiver(t)
	addRule(t, db, "严重", models.AlertTopSeverity, models.ChannelWebhook, pl.srv.URL, secret)
	addRule(t, db, "逾期", models.AlertMeasureOverdue, models.ChannelWebhook, pl.srv.URL, secret)
	name, kind, ch, u, n := "新主题", models.AlertNewTheme, models.ChannelWebhook, pl.srv.URL, 2
	if _, err := db.CreateAlertRule(ctx, models.AlertRuleInput{Name: &name, Kind: &kind, Channel: &ch, URL: &u, Secret: ptr(secret), MinItems: &n}); err != nil {
		t.Fatal(err)
	}

	critical := func(id, text string) *models.Feedback {
		return &models.Feedback{Source: "app", ExternalID: id, Text: text, CreatedAt: time.Now(), Analysis: &models.Analysis{
			Tags:      []models.TagScore{{Tag: "安全隐患", Score: 1, Source: models.TagSourceRule}},
			Sentiment: models.Sentiment{Label: models.SentimentNegative}, Severity: models.SeverityCritical, SeverityScore: 0.95, ModelVersion: "t"}}
	}
	res, err := db.CreateFeedback(ctx, []*models.Feedback{critical("1", "充电器冒烟了,差点着火"), critical("2", "漏电,孩子被电了一下")})
	if err != nil {
		t.Fatal(err)
	}
	dup := critical("3", "充电器冒烟了,差点着火")
	dup.Source, dup.DuplicateOf = "hotline", res.IDs[0]
	if _, err := db.CreateFeedback(ctx, []*models.Feedback{dup}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateMeasure(ctx, models.Measure{TargetKind: "tag", Target: "安全隐患", What: "召回批次 A 充电器", Owner: "质量部",
		DueDate: time.Now().UTC().AddDate(0, 0, -2).Format(time.DateOnly), Status: models.MeasureInProgress}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateMeasure(ctx, models.Measure{TargetKind: "tag", Target: "安全隐患", What: "已完成的",
		DueDate: "2020-01-01", Status: models.MeasureDone}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	saved := &models.SavedRun{Run: models.ClusterRun{StartedAt: now, FinishedAt: now, K: 1, Docs: 2}, Model: []byte(`{}`), ModelThemes: []int{0}, AssignedThrough: res.IDs[1]}
	if err := db.CreateClusterRun(ctx, saved, []*models.ThemeRecord{{Theme: models.Theme{Label: "充电器冒烟", Terms: []string{"充电器"}, Size: 2},
		Centroid: []byte(`{}`), Members: []models.ThemeMember{{FeedbackID: res.IDs[0], Sim: 0.9}, {FeedbackID: res.IDs[1], Sim: 0.8}}}}); err != nil {
		t.Fatal(err)
	}

	ev := alerts.New(alerts.Config{Store: db, Sender: fastSender()})
	rep, err := ev.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sent != 4 || rep.Failed != 0 || len(rep.Errors) != 0 {
		t.Fatalf("report %+v", rep)
	}
	_, got := pl.counts()
	joined := strings.Join(got, "\n")
	for _, want := range []string{"严重反馈 #1", "严重反馈 #2", "改进措施已逾期:召回批次 A 充电器", "发现新主题「充电器冒烟」(2 条)"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no message %q in\n%s", want, joined)
		}
	}
	if rep, _ := ev.Check(ctx); rep.Sent != 0 {
		t.Errorf("again: %+v", rep)
	}
	ds, _ := db.FindAlertDeliveries(ctx, models.DeliveryFilter{})
	for _, d := range ds {
		if d.Kind == models.AlertMeasureOverdue && (!strings.Contains(d.Text, "质量部") || !strings.Contains(d.Text, "已逾期 2 天") || !strings.Contains(d.Text, "进行中")) {
			t.Errorf("overdue text: %s", d.Text)
		}
	}
}

func ptr[T any](v T) *T { return &v }
