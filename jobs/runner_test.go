package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voclens/voclens/jobs"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

// analyzerFunc is a fake analyzer: a struct of one function field.
type analyzerFunc struct {
	analyze func(text string) *models.Analysis
}

func (a analyzerFunc) Analyze(text string) *models.Analysis { return a.analyze(text) }

// newVersion tags a text 物流 when it contains 快递, and 价格 when it
// contains 贵; it scores every text negative with version v.
func newVersion(v string) func(string) *models.Analysis {
	return func(text string) *models.Analysis {
		a := &models.Analysis{
			Sentiment:    models.Sentiment{Label: models.SentimentNegative, Score: -0.5},
			Severity:     models.SeverityMedium,
			AngryWords:   []models.Span{},
			Keywords:     []string{},
			ModelVersion: v,
		}
		if strings.Contains(text, "快递") {
			a.Tags = append(a.Tags, models.TagScore{Tag: "物流", Score: 0.9, Source: models.TagSourceRule})
		}
		if strings.Contains(text, "贵") {
			a.Tags = append(a.Tags, models.TagScore{Tag: "价格", Score: 0.8, Source: models.TagSourceModel})
		}
		return a
	}
}

func openDB(t *testing.T) (*store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "voclens.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.SeedTags(context.Background(), models.Taxonomy{Tags: []models.Tag{
		{Name: "物流", SeverityWeight: 0.5}, {Name: "价格", SeverityWeight: 0.3}, {Name: "服务", SeverityWeight: 0.3},
	}}); err != nil {
		t.Fatal(err)
	}
	return db, path
}

// seedItems stores n items analyzed by version "v1", whose texts mention
// 快递 on even items and 贵 on every third.
func seedItems(t *testing.T, db *store.DB, n int) []int64 {
	t.Helper()
	v1 := newVersion("v1")
	var ids []int64
	for start := 0; start < n; start += 1000 {
		var items []*models.Feedback
		for i := start; i < min(n, start+1000); i++ {
			text := fmt.Sprintf("第%d条", i)
			if i%2 == 0 {
				text += "快递太慢"
			}
			items = append(items, &models.Feedback{Source: "app", ExternalID: fmt.Sprint(i), Text: text, Analysis: v1(text)})
		}
		res, err := db.CreateFeedback(context.Background(), items)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.IDs...)
	}
	return ids
}

// withPrices makes every third text mention 贵 for version v2, so a
// rescore adds the 价格 tag to those.
func v2WithPrices(calls *atomic.Int64, hook func(n int64)) func(string) *models.Analysis {
	v2 := newVersion("v2")
	return func(text string) *models.Analysis {
		n := calls.Add(1)
		if hook != nil {
			hook(n)
		}
		var i int
		fmt.Sscanf(text, "第%d条", &i)
		if i%3 == 0 {
			text += "贵"
		}
		return v2(text)
	}
}

func newRunner(db *store.DB, an models.Analyzer, extra map[string]jobs.Kind) *jobs.Runner {
	kinds := map[string]jobs.Kind{
		models.JobRescore: {Run: jobs.Rescore(db, func() models.Analyzer { return an }), Params: jobs.CheckRescoreParams, Resumable: true},
	}
	for k, v := range extra {
		kinds[k] = v
	}
	return &jobs.Runner{Store: db, Kinds: kinds}
}

func waitFinished(t *testing.T, r *jobs.Runner, id int64) *models.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	j, err := r.Wait(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func report(t *testing.T, j *models.Job) jobs.RescoreReport {
	t.Helper()
	var rep jobs.RescoreReport
	if err := json.Unmarshal(j.Result, &rep); err != nil {
		t.Fatalf("result %s: %v", j.Result, err)
	}
	return rep
}

func TestRescoreWritesOneAnalysisPerItemAndReportsTheDiff(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	ids := seedItems(t, db, 1200)
	var calls atomic.Int64
	var seen []*models.Job
	r := newRunner(db, analyzerFunc{v2WithPrices(&calls, nil)}, nil)
	r.OnProgress = func(j *models.Job) { seen = append(seen, j) }
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	j, err := r.SubmitJob(ctx, models.JobRescore, json.RawMessage(`{"batch":100}`))
	if err != nil {
		t.Fatal(err)
	}
	j = waitFinished(t, r, j.ID)
	if j.Status != models.JobSucceeded || j.Done != 1200 || j.Total != 1200 || j.FinishedAt == nil {
		t.Fatalf("job = %+v", j)
	}
	if len(seen) < 12 {
		t.Errorf("progress seen %d times, want one per batch of 100", len(seen))
	}
	rep := report(t, j)
	// Items 0, 3, 6, … (400 of them) gain 价格; nothing else changes.
	want := jobs.RescoreReport{Items: 1200, Changed: 400, TagsChanged: 400, ModelVersions: map[string]int64{"v2": 1200},
		ByTag: []jobs.TagDiff{{Tag: "价格", Added: 400}}}
	rep.Examples = nil
	if !reflect.DeepEqual(rep, want) {
		t.Fatalf("report = %+v\nwant     %+v", rep, want)
	}
	perItem, err := db.AnalysesPerItem(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(perItem, map[int]int{2: 1200}) {
		t.Fatalf("analyses per item = %v, want every item with 2", perItem)
	}
	f, err := db.FindFeedbackByID(ctx, ids[3])
	if err != nil {
		t.Fatal(err)
	}
	if f.Analysis.ModelVersion != "v2" || len(f.Analysis.Tags) != 1 || f.Analysis.Tags[0].Tag != "价格" {
		t.Fatalf("item 3's current analysis = %+v", f.Analysis)
	}
	tagged, err := db.FindFeedback(ctx, models.FeedbackFilter{Tag: "价格", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(tagged) != 400 {
		t.Fatalf("items found by tag 价格 = %d, want 400", len(tagged))
	}
	if calls.Load() != 1200 {
		t.Fatalf("analyzer calls = %d, want 1200", calls.Load())
	}
}

// TestRescoreResumesAfterStop: a server stopping mid-rescore hands the job
// back as queued; the next Start resumes it after the last committed
// batch, and no item is scored twice.
func TestRescoreResumesAfterStop(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	seedItems(t, db, 1000)
	var calls atomic.Int64
	var r1 *jobs.Runner
	stopped := make(chan struct{})
	an := analyzerFunc{v2WithPrices(&calls, func(n int64) {
		if n == 450 {
			go func() { r1.Stop(); close(stopped) }()
			time.Sleep(50 * time.Millisecond) // let Stop cancel mid-batch
		}
	})}
	r1 = newRunner(db, an, nil)
	if err := r1.Start(ctx); err != nil {
		t.Fatal(err)
	}
	j, err := r1.SubmitJob(ctx, models.JobRescore, json.RawMessage(`{"batch":100}`))
	if err != nil {
		t.Fatal(err)
	}
	<-stopped
	j, err = db.FindJobByID(ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != models.JobQueued || j.Done%100 != 0 || j.Done < 100 || j.Done > 500 {
		t.Fatalf("job after Stop = %+v, want queued at a batch boundary", j)
	}
	committed := j.Done

	var calls2 atomic.Int64
	r2 := newRunner(db, analyzerFunc{v2WithPrices(&calls2, nil)}, nil)
	if err := r2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r2.Stop()
	j = waitFinished(t, r2, j.ID)
	if j.Status != models.JobSucceeded || j.Done != 1000 {
		t.Fatalf("resumed job = %+v", j)
	}
	if got := calls2.Load(); got != 1000-committed {
		t.Fatalf("the resumed run analyzed %d items, want %d (the rest after the checkpoint)", got, 1000-committed)
	}
	rep := report(t, j)
	if rep.Items != 1000 || rep.TagsChanged != 334 || rep.Resumes != 1 {
		t.Fatalf("report = %+v, want 1000 items, 334 changed over both runs, 1 resume", rep)
	}
	perItem, _ := db.AnalysesPerItem(ctx)
	if !reflect.DeepEqual(perItem, map[int]int{2: 1000}) {
		t.Fatalf("analyses per item = %v, want every item with exactly 2", perItem)
	}
}

// TestRecoverJobOfDeadProcess: a row left running by a process that died
// (SIGKILL: nothing recorded the end) is resumed from its checkpoint when
// its kind can resume, and failed with the reason otherwise.
func TestRecoverJobOfDeadProcess(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	ids := seedItems(t, db, 300)
	dead := "gone:4194305" // no such pid: above Linux's pid_max
	alive := func(owner string) bool { return owner != dead }

	rj, _ := db.CreateJob(ctx, models.JobRescore, json.RawMessage(`{"batch":50}`))
	if _, err := db.ClaimJob(ctx, rj.ID, dead, ""); err != nil {
		t.Fatal(err)
	}
	// The dead process committed the first 100 items.
	v2 := analyzerFunc{v2WithPrices(new(atomic.Int64), nil)}
	var first []models.ItemAnalysis
	for _, id := range ids[:100] {
		f, _ := db.FindFeedbackByID(ctx, id)
		first = append(first, models.ItemAnalysis{FeedbackID: id, Analysis: v2.Analyze(f.Text)})
	}
	if _, err := db.CheckpointJob(ctx, rj.ID, models.JobProgress{Done: 100, Total: 300, Checkpoint: ids[99]}, first); err != nil {
		t.Fatal(err)
	}
	cj, _ := db.CreateJob(ctx, models.JobRecluster, nil)
	if _, err := db.ClaimJob(ctx, cj.ID, dead, ""); err != nil {
		t.Fatal(err)
	}
	// A job whose owner still runs is left to it.
	oj, _ := db.CreateJob(ctx, models.JobRetrain, nil)
	if _, err := db.ClaimJob(ctx, oj.ID, "elsewhere:1", ""); err != nil {
		t.Fatal(err)
	}

	never := jobs.Kind{Run: func(ctx context.Context, run *jobs.Run) (any, error) {
		t.Error("a non-resumable job was run again")
		return nil, nil
	}}
	var calls atomic.Int64
	r := newRunner(db, analyzerFunc{v2WithPrices(&calls, nil)}, map[string]jobs.Kind{models.JobRecluster: never, models.JobRetrain: never})
	r.Alive = alive
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	rj = waitFinished(t, r, rj.ID)
	if rj.Status != models.JobSucceeded || rj.Done != 300 || calls.Load() != 200 {
		t.Fatalf("resumed rescore = %+v after %d analyses, want succeeded after 200", rj, calls.Load())
	}
	perItem, _ := db.AnalysesPerItem(ctx)
	if !reflect.DeepEqual(perItem, map[int]int{2: 300}) {
		t.Fatalf("analyses per item = %v", perItem)
	}
	cj, _ = db.FindJobByID(ctx, cj.ID)
	if cj.Status != models.JobFailed || !strings.Contains(cj.Error, "interrupted") || cj.FinishedAt == nil {
		t.Fatalf("interrupted recluster = %+v, want failed with the reason", cj)
	}
	oj, _ = db.FindJobByID(ctx, oj.ID)
	if oj.Status != models.JobRunning {
		t.Fatalf("a live process's job = %+v, want left running", oj)
	}
}

// startSlowRescore starts a rescore in batches of 50 that takes 200 µs an
// item, so a test can act while it runs.
func startSlowRescore(t *testing.T, db *store.DB) (*jobs.Runner, *models.Job) {
	t.Helper()
	slow := analyzerFunc{func(text string) *models.Analysis {
		time.Sleep(200 * time.Microsecond)
		return newVersion("v2")(text)
	}}
	r := newRunner(db, slow, nil)
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	j, err := r.SubmitJob(context.Background(), models.JobRescore, json.RawMessage(`{"batch":50}`))
	if err != nil {
		t.Fatal(err)
	}
	return r, j
}

func TestCancelAndOneJobOfAKind(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	seedItems(t, db, 2000)
	r, j := startSlowRescore(t, db)
	_, err := r.SubmitJob(ctx, models.JobRescore, nil)
	if models.ErrorCode(err) != models.ECONFLICT {
		t.Fatalf("second rescore: %v, want conflict", err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		cur, _ := db.FindJobByID(ctx, j.ID)
		if cur.Done > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no progress")
		}
		time.Sleep(10 * time.Millisecond)
	}
	j, err = r.CancelJob(ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != models.JobCanceled || j.Done >= 2000 || j.FinishedAt == nil {
		t.Fatalf("canceled job = %+v", j)
	}
	if rep := report(t, j); rep.Items != j.Done {
		t.Fatalf("canceled job's report covers %d items, its progress %d", rep.Items, j.Done)
	}
	// The kind is free again, and a new job starts from the beginning.
	j2, err := r.SubmitJob(ctx, models.JobRescore, json.RawMessage(`{"batch":500}`))
	if err != nil {
		t.Fatal(err)
	}
	if j2 = waitFinished(t, r, j2.ID); j2.Status != models.JobSucceeded || j2.Done != 2000 {
		t.Fatalf("second job = %+v", j2)
	}
}

// TestCancelFromAnotherProcess: DELETE on a server whose job runs in a CLI
// flags the row; the CLI's runner stops at its next checkpoint.
func TestCancelFromAnotherProcess(t *testing.T) {
	db, path := openDB(t)
	ctx := context.Background()
	seedItems(t, db, 2000)
	other, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	r, j := startSlowRescore(t, db)
	if _, err := other.CancelJob(ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	if j = waitFinished(t, r, j.ID); j.Status != models.JobCanceled {
		t.Fatalf("job = %+v, want canceled", j)
	}
}

func TestRescoreKeepsPeoplesLabels(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	ids := seedItems(t, db, 4)
	// Item 0 mentions 快递 (物流 by rule): a person rejects 物流 and
	// confirms 服务, which no rule finds; item 1 is confirmed weakly.
	if err := db.AddLabels(ctx, []models.Label{
		{FeedbackID: ids[0], Tag: "物流", Verdict: models.LabelReject, Source: models.LabelSourceHuman},
		{FeedbackID: ids[0], Tag: "服务", Verdict: models.LabelConfirm, Source: models.LabelSourceHuman},
		{FeedbackID: ids[1], Tag: "服务", Verdict: models.LabelConfirm, Source: models.LabelSourceWeak},
	}); err != nil {
		t.Fatal(err)
	}
	r := newRunner(db, analyzerFunc{newVersion("v2")}, nil)
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	j, err := r.SubmitJob(ctx, models.JobRescore, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitFinished(t, r, j.ID)
	tagsOf := func(id int64) map[string]string {
		f, err := db.FindFeedbackByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, tg := range f.Analysis.Tags {
			out[tg.Tag] = tg.Source
		}
		return out
	}
	if got := tagsOf(ids[0]); !reflect.DeepEqual(got, map[string]string{"服务": models.TagSourceHuman}) {
		t.Fatalf("item 0's tags = %v, want only the confirmed 服务 (物流 was rejected)", got)
	}
	if got := tagsOf(ids[1]); !reflect.DeepEqual(got, map[string]string{"服务": models.TagSourceHuman}) {
		t.Fatalf("item 1's tags = %v, want the weakly confirmed 服务", got)
	}
	if got := tagsOf(ids[2]); !reflect.DeepEqual(got, map[string]string{"物流": models.TagSourceRule}) {
		t.Fatalf("item 2's tags = %v", got)
	}
}

func TestSubmitValidation(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	r := newRunner(db, analyzerFunc{newVersion("v2")}, map[string]jobs.Kind{
		models.JobReindex: {Run: func(context.Context, *jobs.Run) (any, error) { return nil, nil }},
	})
	if _, err := r.SubmitJob(ctx, models.JobRescore, nil); models.ErrorCode(err) != models.EUNAVAILABLE {
		t.Fatalf("submit before Start: %v, want unavailable", err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	for _, c := range []struct {
		kind, params, field string
	}{
		{"rescores", `{}`, "kind"},
		{"", `{}`, "kind"},
		{models.JobRescore, `{"batch":"big"}`, "params.batch"},
		{models.JobRescore, `{"batch":-1}`, "params.batch"},
		{models.JobRescore, `{"batch":5000}`, "params.batch"},
		{models.JobRescore, `{"bach":5}`, "params.bach"},
		{models.JobRescore, `[1]`, "params"},
		{models.JobReindex, `{"full":true}`, "params.full"},
	} {
		_, err := r.SubmitJob(ctx, c.kind, json.RawMessage(c.params))
		if models.ErrorCode(err) != models.EINVALID || !strings.HasPrefix(models.ErrorMessage(err), c.field+":") {
			t.Errorf("submit %q %s: %v, want invalid_input naming %s", c.kind, c.params, err, c.field)
		}
	}
	if js, _ := db.FindJobs(ctx, models.JobFilter{}); len(js) != 0 {
		t.Fatalf("refused submissions stored %d jobs", len(js))
	}
}

func TestFailedJobKeepsTheError(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	r := &jobs.Runner{Store: db, Kinds: map[string]jobs.Kind{
		models.JobRetrain: {Run: func(context.Context, *jobs.Run) (any, error) {
			return nil, models.Errorf(models.EINVALID, "no labels yet")
		}},
		models.JobReindex: {Run: func(context.Context, *jobs.Run) (any, error) { panic("boom") }},
	}}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	for kind, want := range map[string]string{models.JobRetrain: "no labels yet", models.JobReindex: "boom"} {
		j, err := r.SubmitJob(ctx, kind, nil)
		if err != nil {
			t.Fatal(err)
		}
		j = waitFinished(t, r, j.ID)
		if j.Status != models.JobFailed || !strings.Contains(j.Error, want) {
			t.Errorf("%s job = %+v, want failed with %q", kind, j, want)
		}
	}
}
