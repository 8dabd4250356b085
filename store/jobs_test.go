package store

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/voclens/voclens/models"
)

func TestJobLifecycle(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	j, err := db.CreateJob(ctx, models.JobRescore, json.RawMessage(`{"batch":100}`))
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != models.JobQueued || j.Kind != models.JobRescore || string(j.Params) != `{"batch":100}` || j.StartedAt != nil {
		t.Fatalf("created job = %+v", j)
	}
	// One unfinished job per kind; other kinds are free.
	_, err = db.CreateJob(ctx, models.JobRescore, nil)
	wantCode(t, err, models.ECONFLICT)
	if _, err := db.CreateJob(ctx, models.JobReindex, nil); err != nil {
		t.Fatal(err)
	}

	j, err = db.ClaimJob(ctx, j.ID, "host:1", "")
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != models.JobRunning || j.Owner != "host:1" || j.StartedAt == nil {
		t.Fatalf("claimed job = %+v", j)
	}
	// A second claimant naming the wrong previous owner loses.
	_, err = db.ClaimJob(ctx, j.ID, "host:2", "host:9")
	wantCode(t, err, models.ECONFLICT)

	j, err = db.CheckpointJob(ctx, j.ID, models.JobProgress{Done: 10, Total: 40, Rate: 5, Checkpoint: 77, Result: json.RawMessage(`{"changed":3}`)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if j.Done != 10 || j.Total != 40 || j.Checkpoint != 77 || j.ETASeconds != 6 || string(j.Result) != `{"changed":3}` {
		t.Fatalf("checkpointed job = %+v", j)
	}
	// Taking over from a dead owner keeps the checkpoint.
	j, err = db.ClaimJob(ctx, j.ID, "host:2", "host:1")
	if err != nil {
		t.Fatal(err)
	}
	if j.Owner != "host:2" || j.Checkpoint != 77 || j.Done != 10 {
		t.Fatalf("taken-over job = %+v", j)
	}

	j, err = db.FinishJob(ctx, j.ID, models.JobSucceeded, json.RawMessage(`{"changed":5}`), "")
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != models.JobSucceeded || j.FinishedAt == nil || string(j.Result) != `{"changed":5}` || j.ETASeconds != 0 {
		t.Fatalf("finished job = %+v", j)
	}
	_, err = db.FinishJob(ctx, j.ID, models.JobFailed, nil, "late")
	wantCode(t, err, models.ECONFLICT)
	_, err = db.CheckpointJob(ctx, j.ID, models.JobProgress{Done: 11}, nil)
	wantCode(t, err, models.ECONFLICT)
	// The kind is free again.
	if _, err := db.CreateJob(ctx, models.JobRescore, nil); err != nil {
		t.Fatal(err)
	}

	all, err := db.FindJobs(ctx, models.JobFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].ID < all[1].ID {
		t.Fatalf("FindJobs = %d jobs, want 3 newest first", len(all))
	}
	unfinished, err := db.FindJobs(ctx, models.JobFilter{Status: []string{models.JobQueued, models.JobRunning}})
	if err != nil {
		t.Fatal(err)
	}
	if len(unfinished) != 2 {
		t.Fatalf("unfinished = %d, want 2", len(unfinished))
	}
	_, err = db.FindJobByID(ctx, 999)
	wantCode(t, err, models.ENOTFOUND)
}

func TestCreateJobValidation(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	_, err := db.CreateJob(ctx, "", nil)
	wantCode(t, err, models.EINVALID)
	for _, p := range []string{`[]`, `1`, `null`, `{`} {
		_, err := db.CreateJob(ctx, models.JobRescore, json.RawMessage(p))
		wantCode(t, err, models.EINVALID)
	}
}

func TestCancelJob(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	q, _ := db.CreateJob(ctx, models.JobRescore, nil)
	r, _ := db.CreateJob(ctx, models.JobReindex, nil)
	if _, err := db.ClaimJob(ctx, r.ID, "h:1", ""); err != nil {
		t.Fatal(err)
	}
	q, err := db.CancelJob(ctx, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if q.Status != models.JobCanceled || q.FinishedAt == nil {
		t.Fatalf("canceled queued job = %+v", q)
	}
	r, err = db.CancelJob(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != models.JobRunning || !r.CancelRequested {
		t.Fatalf("running job after cancel = %+v, want running with the request flagged", r)
	}
	r, err = db.CheckpointJob(ctx, r.ID, models.JobProgress{Done: 1}, nil)
	if err != nil || !r.CancelRequested {
		t.Fatalf("checkpoint = %+v, %v: the owner must see the request", r, err)
	}
}

// TestCheckpointJobWritesAnalysesAtomically: the batch's analyses and the
// checkpoint commit together, and a job no longer running writes neither.
func TestCheckpointJobWritesAnalysesAtomically(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	ids := seed(t, db, 4)
	j, _ := db.CreateJob(ctx, models.JobRescore, nil)
	j, _ = db.ClaimJob(ctx, j.ID, "h:1", "")
	a := sampleAnalysis()
	batch := []models.ItemAnalysis{{FeedbackID: ids[0], Analysis: a}, {FeedbackID: ids[1], Analysis: a}}
	if _, err := db.CheckpointJob(ctx, j.ID, models.JobProgress{Done: 2, Total: 4, Checkpoint: ids[1]}, batch); err != nil {
		t.Fatal(err)
	}
	f, err := db.FindFeedbackByID(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if f.Analysis == nil || f.Analysis.ModelVersion != "v1-test" {
		t.Fatalf("item 1's current analysis = %+v", f.Analysis)
	}
	tagged, err := db.FindFeedback(ctx, models.FeedbackFilter{Tag: "物流配送"})
	if err != nil {
		t.Fatal(err)
	}
	if len(tagged) != 2 {
		t.Fatalf("items tagged 物流配送 = %d, want 2 (tag rows follow the new analysis)", len(tagged))
	}
	// An invalid analysis rolls the checkpoint back too.
	bad := *a
	bad.Sentiment.Label = "furious"
	_, err = db.CheckpointJob(ctx, j.ID, models.JobProgress{Done: 3, Checkpoint: ids[2]}, []models.ItemAnalysis{{FeedbackID: ids[2], Analysis: &bad}})
	wantCode(t, err, models.EINVALID)
	if j, _ = db.FindJobByID(ctx, j.ID); j.Done != 2 || j.Checkpoint != ids[1] {
		t.Fatalf("job after a refused batch = %+v", j)
	}
	// Canceled meanwhile: ECONFLICT and no analysis row.
	if _, err := db.FinishJob(ctx, j.ID, models.JobCanceled, nil, ""); err != nil {
		t.Fatal(err)
	}
	_, err = db.CheckpointJob(ctx, j.ID, models.JobProgress{Done: 3, Checkpoint: ids[2]}, []models.ItemAnalysis{{FeedbackID: ids[2], Analysis: a}})
	wantCode(t, err, models.ECONFLICT)
	var n int
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM analyses WHERE feedback_id = ? AND model_version = 'v1-test'`, ids[2]).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("analyses written by a refused checkpoint: %d", n)
	}
}

// TestCreateJobRace: of many processes' worth of concurrent submissions,
// exactly one gets the kind.
func TestCreateJobRace(t *testing.T) {
	db, path := openTestDB(t)
	other, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := db
			if i%2 == 1 {
				d = other
			}
			_, errs[i] = d.CreateJob(ctx, models.JobRetrain, nil)
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case models.ErrorCode(err) != models.ECONFLICT:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d submissions won, want 1", won)
	}
}

func TestFindLabelsOfSeveralItems(t *testing.T) {
	db, _ := openTestDB(t)
	ctx := context.Background()
	if _, err := db.SeedTags(ctx, models.Taxonomy{Tags: []models.Tag{{Name: "物流", SeverityWeight: 0.5}}}); err != nil {
		t.Fatal(err)
	}
	ids := seed(t, db, 3)
	var labels []models.Label
	for _, id := range ids {
		labels = append(labels, models.Label{FeedbackID: id, Tag: "物流", Verdict: models.LabelConfirm, Source: models.LabelSourceHuman})
	}
	if err := db.AddLabels(ctx, labels); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindLabels(ctx, models.LabelFilter{FeedbackIDs: []int64{ids[0], ids[2]}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].FeedbackID != ids[0] || got[1].FeedbackID != ids[2] {
		t.Fatalf("labels = %+v", got)
	}
}
