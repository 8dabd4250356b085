package themes_test

import (
	"context"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
)

// The list's statistics are computed once per state of the run, and every
// change shows at once: a new item, an analysis another writer changed,
// this service's accept.
func TestListStatsFollowChanges(t *testing.T) {
	ctx := context.Background()
	svc, db, _ := newService(t, demoItems(t))
	if _, err := svc.Recluster(ctx, models.ClusterFilter{}); err != nil {
		t.Fatal(err)
	}
	th := planted(t, list(t, svc))

	// A new item is placed and counted at once.
	if _, err := db.CreateFeedback(ctx, []*models.Feedback{{Source: "app_review", Text: "更新5.3之后积分清零了，会员积分没了",
		CreatedAt: time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)}}); err != nil {
		t.Fatal(err)
	}
	if got := planted(t, list(t, svc)); got.Size != th.Size+1 {
		t.Fatalf("after a new item: size %d, want %d", got.Size, th.Size+1)
	}

	// Another writer (a re-score, say) makes one member's analysis positive.
	before := planted(t, list(t, svc)).Stats.NegativeShare
	f, err := db.FindFeedbackByID(ctx, th.Proposal.Examples[0])
	if err != nil {
		t.Fatal(err)
	}
	if f.Analysis == nil || f.Analysis.Sentiment.Label != models.SentimentNegative {
		t.Fatalf("example %d is not negative: %+v", f.ID, f.Analysis)
	}
	a := *f.Analysis
	a.Sentiment.Label = models.SentimentPositive
	if err := db.UpdateAnalysis(ctx, f.ID, &a); err != nil {
		t.Fatal(err)
	}
	if got := planted(t, list(t, svc)).Stats.NegativeShare; got >= before {
		t.Errorf("after another writer's change: negative share %v, want below %v", got, before)
	}

	// Accepting the proposal tags the members: the list shows it at once.
	if _, err := svc.AcceptProposal(ctx, th.Proposal.ID, "积分清零", []string{"积分清零", "积分没了"}); err != nil {
		t.Fatal(err)
	}
	got := planted(t, list(t, svc))
	if len(got.Stats.DominantTags) == 0 || got.Stats.DominantTags[0].Tag != "积分清零" {
		t.Errorf("after accepting: dominant tags %+v", got.Stats.DominantTags)
	}
}
