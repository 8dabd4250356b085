package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/jobs"
	"github.com/voclens/voclens/models"
)

// newJobServer is a test server whose job runner rescoring with
// keywordAnalyzer (slowed by delay per text), over n stored items.
func newJobServer(t *testing.T, n int, delay time.Duration, edit ...func(*api.Config)) (*testServer, *jobs.Runner) {
	t.Helper()
	r := &jobs.Runner{}
	s := newTestServer(t, append(edit, func(c *api.Config) { c.Jobs = r })...)
	slow := fakeAnalyzer{analyze: func(text string) *models.Analysis {
		time.Sleep(delay)
		return keywordAnalyzer.Analyze(text)
	}}
	r.Store = s.db
	r.Kinds = map[string]jobs.Kind{
		models.JobRescore: {Run: jobs.Rescore(s.db, func() models.Analyzer { return slow }), Params: jobs.CheckRescoreParams, Resumable: true},
		models.JobReindex: {Run: func(ctx context.Context, run *jobs.Run) (any, error) {
			return map[string]int{"indexed": 0}, run.Progress(ctx, 1, 1)
		}},
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop) // before the store closes: cleanups run last first
	for start := 0; start < n; start += 1000 {
		var items []*models.Feedback
		for i := start; i < min(n, start+1000); i++ {
			items = append(items, &models.Feedback{Source: "app", Text: fmt.Sprintf("第%d条 快递太慢", i)})
		}
		if _, err := s.db.CreateFeedback(context.Background(), items); err != nil {
			t.Fatal(err)
		}
	}
	return s, r
}

type jobBody struct {
	Job *models.Job `json:"job"`
}

func TestJobsAPI(t *testing.T) {
	s, _ := newJobServer(t, 3000, 100*time.Microsecond)
	sp := loadSpec(t, s)

	res := sp.check(t, s, "POST", "/v1/jobs", `{"kind":"rescore","params":{"batch":100}}`)
	if res.status != http.StatusAccepted {
		t.Fatalf("POST /v1/jobs: %d %s", res.status, res.body)
	}
	var jb jobBody
	res.decode(t, &jb)
	id := jb.Job.ID
	if jb.Job.Kind != models.JobRescore || (jb.Job.Status != models.JobRunning && jb.Job.Status != models.JobQueued) {
		t.Fatalf("submitted job = %+v", jb.Job)
	}
	// A second rescore while the first runs: 409, naming the running job.
	res = sp.check(t, s, "POST", "/v1/jobs", `{"kind":"rescore"}`)
	if code, msg := res.apiError(t); res.status != http.StatusConflict || !strings.Contains(msg, fmt.Sprintf("job %d", id)) {
		t.Fatalf("second rescore: %d %s %s", res.status, code, msg)
	}
	// Watch progress to the end.
	sawProgress := false
	deadline := time.Now().Add(60 * time.Second)
	for {
		res = sp.check(t, s, "GET", fmt.Sprintf("/v1/jobs/%d", id), "")
		res.decode(t, &jb)
		if jb.Job.Status == models.JobRunning && jb.Job.Done > 0 && jb.Job.Done < jb.Job.Total && jb.Job.Rate > 0 && jb.Job.ETASeconds > 0 {
			sawProgress = true
		}
		if jb.Job.Status == models.JobSucceeded {
			break
		}
		if time.Now().After(deadline) || jb.Job.Status == models.JobFailed {
			t.Fatalf("job = %+v", jb.Job)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !sawProgress {
		t.Error("never saw the job mid-way with done < total, a rate and an ETA")
	}
	if jb.Job.Done != 3000 || jb.Job.Total != 3000 || jb.Job.FinishedAt == nil || !strings.Contains(string(jb.Job.Result), `"items":3000`) {
		t.Fatalf("finished job = %+v, result %s", jb.Job, jb.Job.Result)
	}

	res = sp.check(t, s, "POST", "/v1/jobs", `{"kind":"reindex"}`)
	if res.status != http.StatusAccepted {
		t.Fatalf("reindex: %d %s", res.status, res.body)
	}
	var list struct {
		Jobs []*models.Job `json:"jobs"`
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		res = sp.check(t, s, "GET", "/v1/jobs?kind=reindex", "")
		res.decode(t, &list)
		if len(list.Jobs) == 1 && list.Jobs[0].Status == models.JobSucceeded {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("reindex jobs = %s", res.body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	res = sp.check(t, s, "GET", "/v1/jobs", "")
	res.decode(t, &list)
	if len(list.Jobs) != 2 || list.Jobs[0].Kind != models.JobReindex {
		t.Fatalf("GET /v1/jobs = %s", res.body)
	}
	// Canceling a finished job changes nothing.
	res = sp.check(t, s, "DELETE", fmt.Sprintf("/v1/jobs/%d", id), "")
	res.decode(t, &jb)
	if res.status != http.StatusOK || jb.Job.Status != models.JobSucceeded {
		t.Fatalf("DELETE a finished job: %d %s", res.status, res.body)
	}

	for _, c := range []struct {
		method, path, body string
		status             int
		field              string
	}{
		{"POST", "/v1/jobs", `{"kind":"rescores"}`, 422, "kind"},
		{"POST", "/v1/jobs", `{}`, 422, "kind"},
		{"POST", "/v1/jobs", `{"kind":"rescore","params":{"batch":"x"}}`, 422, "params.batch"},
		{"POST", "/v1/jobs", `{"kind":"rescore","params":{"batch":0.5}}`, 422, "params.batch"},
		{"POST", "/v1/jobs", `{"kind":"rescore","params":{"speed":1}}`, 422, "params.speed"},
		{"POST", "/v1/jobs", `{"kind":"rescore","params":[1]}`, 422, "params"},
		{"POST", "/v1/jobs", `{"kind":"reindex","params":{"x":1}}`, 422, "params.x"},
		{"POST", "/v1/jobs", `{"kind":`, 400, ""},
		{"GET", "/v1/jobs/999", "", 404, ""},
		{"GET", "/v1/jobs/abc", "", 422, "id"},
		{"DELETE", "/v1/jobs/0", "", 422, "id"},
		{"DELETE", "/v1/jobs/999", "", 404, ""},
		{"GET", "/v1/jobs?kind=nope", "", 422, "kind"},
		{"GET", "/v1/jobs?status=done", "", 422, "status"},
		{"GET", "/v1/jobs?limit=0", "", 422, "limit"},
	} {
		res := sp.check(t, s, c.method, c.path, c.body)
		_, msg := res.apiError(t)
		if res.status != c.status || !strings.HasPrefix(msg, c.field) {
			t.Errorf("%s %s %s: %d %q, want %d naming %q", c.method, c.path, c.body, res.status, msg, c.status, c.field)
		}
	}
	res = sp.check(t, s, "GET", "/v1/jobs", "")
	res.decode(t, &list)
	if len(list.Jobs) != 2 {
		t.Fatalf("refused submissions stored jobs: %s", res.body)
	}
}

func TestJobsAPICancel(t *testing.T) {
	s, _ := newJobServer(t, 3000, 500*time.Microsecond)
	sp := loadSpec(t, s)
	res := sp.check(t, s, "POST", "/v1/jobs", `{"kind":"rescore","params":{"batch":50}}`)
	var jb jobBody
	res.decode(t, &jb)
	id := jb.Job.ID
	for deadline := time.Now().Add(30 * time.Second); ; {
		res = s.do(t, "GET", fmt.Sprintf("/v1/jobs/%d", id), "")
		res.decode(t, &jb)
		if jb.Job.Done > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no progress: %+v", jb.Job)
		}
		time.Sleep(5 * time.Millisecond)
	}
	res = sp.check(t, s, "DELETE", fmt.Sprintf("/v1/jobs/%d", id), "")
	res.decode(t, &jb)
	if res.status != http.StatusOK || jb.Job.Status != models.JobCanceled || jb.Job.Done >= 3000 {
		t.Fatalf("DELETE a running rescore: %d %+v", res.status, jb.Job)
	}
	// Canceled, the kind is free.
	if res = sp.check(t, s, "POST", "/v1/jobs", `{"kind":"rescore"}`); res.status != http.StatusAccepted {
		t.Fatalf("rescore after cancel: %d %s", res.status, res.body)
	}
}

func TestJobsAPIWithoutRunner(t *testing.T) {
	s := newTestServer(t)
	res := s.do(t, "GET", "/v1/jobs", "")
	if code, _ := res.apiError(t); res.status != http.StatusServiceUnavailable || code != models.EUNAVAILABLE {
		t.Fatalf("GET /v1/jobs without a runner: %d %s", res.status, res.body)
	}
}

// TestActivateWithRescore: ?rescore=true activates the version and starts
// a rescore; while that rescore runs, a second activation with a rescore
// is refused before anything changes.
func TestActivateWithRescore(t *testing.T) {
	s, _ := newJobServer(t, 2000, 300*time.Microsecond, withTaxonomy)
	ctx := context.Background()
	var versions []string
	for range 2 {
		mv, err := s.db.CreateModelVersion(ctx, models.ModelVersion{Kind: models.ModelKindTags, Metrics: []byte(`{"tags":[]}`), Blob: []byte{1}})
		if err != nil {
			t.Fatal(err)
		}
		versions = append(versions, mv.Version)
	}
	sp := loadSpec(t, s)
	res := sp.check(t, s, "POST", "/v1/models/"+versions[0]+"/activate?rescore=maybe", "")
	if _, msg := res.apiError(t); res.status != 422 || !strings.HasPrefix(msg, "rescore") {
		t.Fatalf("rescore=maybe: %d %s", res.status, msg)
	}
	res = sp.check(t, s, "POST", "/v1/models/"+versions[0]+"/activate?rescore=true", "")
	var out struct {
		Version    string      `json:"version"`
		Active     bool        `json:"active"`
		RescoreJob *models.Job `json:"rescore_job"`
	}
	res.decode(t, &out)
	if res.status != 200 || !out.Active || out.RescoreJob == nil || out.RescoreJob.Kind != models.JobRescore {
		t.Fatalf("activate?rescore=true: %d %s", res.status, res.body)
	}
	res = sp.check(t, s, "POST", "/v1/models/"+versions[1]+"/activate?rescore=true", "")
	if code, _ := res.apiError(t); res.status != 409 || code != models.ECONFLICT {
		t.Fatalf("second activate?rescore=true while the first rescore runs: %d %s", res.status, res.body)
	}
	if active, _ := s.db.ActiveModelVersion(ctx, models.ModelKindTags); active == nil || active.Version != versions[0] {
		t.Fatalf("active version = %+v, want %s unchanged by the refused activation", active, versions[0])
	}
	// Without rescore, activation answers the version alone.
	res = sp.check(t, s, "POST", "/v1/models/"+versions[1]+"/activate", "")
	if res.status != 200 || strings.Contains(string(res.body), "rescore_job") {
		t.Fatalf("plain activate: %d %s", res.status, res.body)
	}
}
