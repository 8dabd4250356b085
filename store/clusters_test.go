package store

import (
	"context"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
)

func TestClusterRunsThemesAndProposals(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	res, err := db.CreateFeedback(ctx, []*models.Feedback{
		{Source: "app", Text: "积分清零了", Analysis: &models.Analysis{Sentiment: models.Sentiment{Label: models.SentimentNegative, Anger: 0.6},
			Tags: []models.TagScore{{Tag: "功能使用", Score: 0.6, Source: models.TagSourceRule}}}},
		{Source: "app", Text: "快递太慢"},
		{Source: "app", Text: "物流慢"},
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := res.IDs
	now := time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
	saved := &models.SavedRun{
		Run:   models.ClusterRun{StartedAt: now, FinishedAt: now, Filter: models.ClusterFilter{Source: "app"}, K: 2, Docs: 3},
		Model: []byte(`{}`), ModelThemes: []int{1, 0}, AssignedThrough: ids[1],
	}
	recs := []*models.ThemeRecord{
		{Theme: models.Theme{Label: "积分清零", Terms: []string{"积分", "清零"}, Size: 1}, Centroid: []byte(`{"Terms":["积分"]}`), Examples: []int64{ids[0]},
			Members: []models.ThemeMember{{FeedbackID: ids[0], Sim: 0.9}}},
		{Theme: models.Theme{Label: "物流", Terms: []string{"物流"}, Size: 1}, Centroid: []byte(`{}`),
			Members: []models.ThemeMember{{FeedbackID: ids[1], Sim: 0.8}}},
	}
	if err := db.CreateClusterRun(ctx, saved, recs); err != nil {
		t.Fatal(err)
	}
	a, b := recs[0].Theme.ID, recs[1].Theme.ID
	if a == 0 || b == 0 || a == b || !recs[0].Theme.New {
		t.Fatalf("new themes got ids %d, %d (new %v)", a, b, recs[0].Theme.New)
	}
	latest, err := db.LatestClusterRun(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if latest.Run.ID != saved.Run.ID || latest.Run.Filter.Source != "app" || len(latest.ThemeIDs) != 2 || latest.ThemeIDs[0] != b {
		t.Fatalf("latest run = %+v", latest)
	}
	if err := db.AddThemeMembers(ctx, latest.Run.ID, []models.ThemeMember{{FeedbackID: ids[2], ThemeID: b, Sim: 0.5, Assigned: true}}, ids[2]); err != nil {
		t.Fatal(err)
	}
	items, err := db.FindMemberItems(ctx, latest.Run.ID)
	if err != nil || len(items) != 3 {
		t.Fatalf("members: %v, %v", items, err)
	}
	if items[0].Sentiment != models.SentimentNegative || items[0].Tags[0].Tag != "功能使用" || !items[2].Assigned {
		t.Errorf("member items = %+v", items)
	}
	ofB, err := db.FindThemeMemberItems(ctx, latest.Run.ID, b)
	if err != nil {
		t.Fatal(err)
	}
	var wantB []int64
	for _, m := range items {
		if m.ThemeID == b {
			wantB = append(wantB, m.FeedbackID)
		}
	}
	if len(ofB) != len(wantB) || len(ofB) == 0 || ofB[len(ofB)-1].FeedbackID != wantB[len(wantB)-1] || !ofB[len(ofB)-1].Assigned {
		t.Errorf("theme %d's members = %+v, want ids %v", b, ofB, wantB)
	}
	n, newest, err := db.SummarizeMembers(ctx, latest.Run.ID)
	var wantNewest time.Time
	for _, m := range items {
		if m.CreatedAt.After(wantNewest) {
			wantNewest = m.CreatedAt
		}
	}
	if err != nil || n != 3 || !newest.Equal(wantNewest) {
		t.Errorf("SummarizeMembers = %d, %v, %v; want 3, %v", n, newest, err, wantNewest)
	}
	if n, newest, err := db.SummarizeMembers(ctx, 999); err != nil || n != 0 || !newest.IsZero() {
		t.Errorf("SummarizeMembers(no such run) = %d, %v, %v", n, newest, err)
	}

	// A rename survives the next run's update; a merge moves members.
	if err := db.RenameTheme(ctx, a, "积分被清零"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.RenameTheme(ctx, 999, "x"), models.ENOTFOUND)
	again := &models.SavedRun{Run: models.ClusterRun{StartedAt: now, FinishedAt: now}, Model: []byte(`{}`)}
	recs[0].Members, recs[1].Members = nil, nil
	if err := db.CreateClusterRun(ctx, again, recs); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindThemeRecord(ctx, a)
	if err != nil || got.Theme.Name != "积分被清零" || !got.Theme.Renamed || got.Theme.New || got.Theme.LastRun != again.Run.ID {
		t.Fatalf("after a second run: %+v, %v", got, err)
	}
	wantCode(t, db.MergeTheme(ctx, a, a), models.EINVALID)
	wantCode(t, db.MergeTheme(ctx, a, 999), models.ENOTFOUND)
	if err := db.MergeTheme(ctx, b, a); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.MergeTheme(ctx, b, a), models.ECONFLICT)
	if got, _ := db.FindThemeRecord(ctx, b); got.Theme.MergedInto != a {
		t.Errorf("merged_into = %d, want %d", got.Theme.MergedInto, a)
	}

	p := &models.Proposal{ThemeID: a, Name: "积分清零", Keywords: []string{"积分", "清零"}, Examples: []int64{ids[0]}, Support: 1, Fingerprint: []string{"积分", "清零"}}
	if err := db.SaveProposal(ctx, p); err != nil || p.ID == 0 {
		t.Fatalf("save proposal: %v", err)
	}
	open, err := db.FindProposals(ctx, models.ProposalProposed)
	if err != nil || len(open) != 1 || open[0].Fingerprint[1] != "清零" {
		t.Fatalf("open proposals = %+v, %v", open, err)
	}
	dec, err := db.DecideProposal(ctx, p.ID, models.ProposalRejected, "")
	if err != nil || dec.Status != models.ProposalRejected || dec.DecidedAt.IsZero() {
		t.Fatalf("reject: %+v, %v", dec, err)
	}
	_, err = db.DecideProposal(ctx, p.ID, models.ProposalAccepted, "积分清零")
	wantCode(t, err, models.ECONFLICT)
	_, err = db.FindProposalByID(ctx, 999)
	wantCode(t, err, models.ENOTFOUND)
}

func TestLatestClusterRunNone(t *testing.T) {
	db, _ := openTestDB(t)
	_, err := db.LatestClusterRun(context.Background())
	wantCode(t, err, models.ENOTFOUND)
}
