package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
)

type jobAnswer struct {
	Job struct {
		models.Job
		Result json.RawMessage `json:"result"`
	} `json:"job"`
}

// waitJob polls GET /v1/jobs/{id} until the job is finished.
func waitJob(t *testing.T, base string, id int64) jobAnswer {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var ja jobAnswer
		if status, raw := call(t, "GET", fmt.Sprintf("%s/v1/jobs/%d", base, id), "", &ja); status != http.StatusOK {
			t.Fatalf("GET job %d: %d %s", id, status, raw)
		}
		if ja.Job.Finished() {
			return ja
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d did not finish: %+v", id, ja.Job)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func submit(t *testing.T, base, body string) int64 {
	t.Helper()
	var ja jobAnswer
	if status, raw := call(t, "POST", base+"/v1/jobs", body, &ja); status != http.StatusAccepted {
		t.Fatalf("POST /v1/jobs %s: %d %s", body, status, raw)
	}
	return ja.Job.ID
}

// TestServeJobs drives the four kinds through a real server: retrain
// learns a tag from people's labels and submits a rescore, which gives
// every stored item the new model's analysis while keeping the labels;
// recluster and reindex run too, and /metrics shows the progress.
func TestServeJobs(t *testing.T) {
	dir := t.TempDir()
	base := startServer(t, dir)
	rows := readFixture(t)
	if status, raw := call(t, "POST", base+"/v1/tags", `{"name":"自动续费","severity_weight":0.5}`, nil); status != http.StatusCreated {
		t.Fatalf("create tag: %d %s", status, raw)
	}
	ids := storeFixture(t, base, rows)
	label(t, base, rows, ids, "自动续费")

	if status, raw := call(t, "POST", base+"/v1/jobs", `{"kind":"retrain","params":{"activate":false,"rescore":true}}`, nil); status != http.StatusUnprocessableEntity || !strings.Contains(raw, "params.rescore") {
		t.Fatalf("retrain that cannot rescore: %d %s", status, raw)
	}
	retrain := waitJob(t, base, submit(t, base, `{"kind":"retrain","params":{"rescore":true}}`))
	var tr struct {
		Version    string `json:"version"`
		Active     bool   `json:"active"`
		RescoreJob int64  `json:"rescore_job"`
	}
	if err := json.Unmarshal(retrain.Job.Result, &tr); err != nil || retrain.Job.Status != models.JobSucceeded || !tr.Active || tr.RescoreJob == 0 {
		t.Fatalf("retrain = %+v %s", retrain.Job, retrain.Job.Result)
	}
	rs := waitJob(t, base, tr.RescoreJob)
	var rep struct {
		Items         int64            `json:"items"`
		ModelVersions map[string]int64 `json:"model_versions"`
	}
	if err := json.Unmarshal(rs.Job.Result, &rep); err != nil || rs.Job.Status != models.JobSucceeded {
		t.Fatalf("rescore = %+v %s", rs.Job, rs.Job.Result)
	}
	if rep.Items != int64(len(ids)) || rep.ModelVersions[tr.Version] != int64(len(ids)) || rs.Job.Done != int64(len(ids)) {
		t.Fatalf("rescore report %s, want all %d items scored by %s", rs.Job.Result, len(ids), tr.Version)
	}
	// Stored items now carry the new model's analysis; a confirmed label
	// holds whatever the model says.
	for i, r := range rows {
		var f models.Feedback
		call(t, "GET", fmt.Sprintf("%s/v1/feedback/%d", base, ids[i]), "", &f)
		if f.Analysis == nil || f.Analysis.ModelVersion != tr.Version {
			t.Fatalf("item %d after the rescore: %+v", ids[i], f.Analysis)
		}
		has := false
		for _, tg := range f.Analysis.Tags {
			if tg.Tag == "自动续费" {
				has = tg.Source == models.TagSourceHuman
			}
		}
		if want := slices.Contains(r.tags, "自动续费"); has != want {
			t.Fatalf("item %d (%s): human 自动续费 = %v, want %v (labels survive the rescore)", ids[i], r.text, has, want)
		}
	}

	rc := waitJob(t, base, submit(t, base, `{"kind":"recluster","params":{"k":3}}`))
	if rc.Job.Status != models.JobSucceeded || !strings.Contains(string(rc.Job.Result), `"k":3`) {
		t.Fatalf("recluster = %+v %s", rc.Job, rc.Job.Result)
	}
	ri := waitJob(t, base, submit(t, base, `{"kind":"reindex"}`))
	if ri.Job.Status != models.JobSucceeded || string(ri.Job.Result) != fmt.Sprintf(`{"indexed":%d}`, len(ids)) || ri.Job.Done != int64(len(ids)) {
		t.Fatalf("reindex = %+v %s", ri.Job, ri.Job.Result)
	}
	// Search still answers from the rebuilt index.
	var page struct {
		Items []json.RawMessage `json:"items"`
	}
	if status, raw := call(t, "GET", base+"/v1/feedback?q=续费", "", &page); status != http.StatusOK || len(page.Items) == 0 {
		t.Fatalf("search after reindex: %d %s", status, raw)
	}

	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		fmt.Sprintf(`voclens_job_done_items{kind="rescore"} %d`, len(ids)),
		fmt.Sprintf(`voclens_job_total_items{kind="rescore"} %d`, len(ids)),
		`voclens_job_done_items{kind="retrain"} 1`,
		`voclens_job_running{kind="rescore"} 0`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	var list struct {
		Jobs []models.Job `json:"jobs"`
	}
	call(t, "GET", base+"/v1/jobs", "", &list)
	if len(list.Jobs) != 4 {
		t.Fatalf("GET /v1/jobs: %d jobs, want 4", len(list.Jobs))
	}
}

// TestServeRecoversJobs: jobs a killed server left "running" are resumed
// (rescore) or failed with the reason (the others) when it starts again.
func TestServeRecoversJobs(t *testing.T) {
	dir := t.TempDir()
	seedRescore(t, dir, 300)
	db, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	host, _ := os.Hostname()
	dead := host + ":4194305" // above Linux's pid_max: no such process
	rj, _ := db.CreateJob(ctx, models.JobRescore, json.RawMessage(`{"batch":50}`))
	cj, _ := db.CreateJob(ctx, models.JobRecluster, nil)
	for _, id := range []int64{rj.ID, cj.ID} {
		if _, err := db.ClaimJob(ctx, id, dead, ""); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	base := startServer(t, dir)
	rs := waitJob(t, base, rj.ID)
	if rs.Job.Status != models.JobSucceeded || rs.Job.Done != 300 {
		t.Fatalf("resumed rescore = %+v", rs.Job)
	}
	rc := waitJob(t, base, cj.ID)
	if rc.Job.Status != models.JobFailed || !strings.Contains(rc.Job.Error, "interrupted") {
		t.Fatalf("recluster left running = %+v, want failed as interrupted", rc.Job)
	}
}
