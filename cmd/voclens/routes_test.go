package main

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
)

// routeClient calls the real server with a key and remembers nothing: the
// server's own access log says which routes answered.
type routeClient struct {
	t     *testing.T
	base  string
	token string
}

// do sends one request and fails the test unless the status is want.
func (c *routeClient) do(method, path, body string, want int, out any) string {
	c.t.Helper()
	var auth []string
	if c.token != "" {
		auth = []string{"Authorization", "Bearer " + c.token}
	}
	status, raw := call(c.t, method, c.base+path, body, out, auth...)
	if status != want {
		c.t.Fatalf("%s %s: %d, want %d: %.300s", method, path, status, want, raw)
	}
	return raw
}

// upload posts a small CSV file as multipart "file", with fields' name,
// value pairs.
func (c *routeClient) upload(path string, fields []string, want int, out any) string {
	c.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := w.WriteField(fields[i], fields[i+1]); err != nil {
			c.t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", "门店.csv")
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := fw.Write([]byte("编号,评论\nr1,快递太慢了\nr2,客服态度很好\n")); err != nil {
		c.t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		c.t.Fatal(err)
	}
	status, raw := call(c.t, "POST", c.base+path, buf.String(), out, "Content-Type", w.FormDataContentType(), "Authorization", "Bearer "+c.token)
	if status != want {
		c.t.Fatalf("POST %s: %d, want %d: %.300s", path, status, want, raw)
	}
	return raw
}

// accessLine is an access log line of the text handler serve logs with.
var accessLine = regexp.MustCompile(`msg="http request" .*method=(\S+) route=(\S+) path=\S+ status=(\d+)`)

// TestEveryRoute is issue 6's "drives every endpoint": the real server
// (serve, with the demo data, its themes and proposals), every route it
// registers called with a request it accepts, over an admin key. It fails
// when a registered route never answered a 2xx, so a new route cannot
// land without a call here; the auth matrix and the bad-input table are
// api's TestAuthMatrix and the OpenAPI tests.
func TestEveryRoute(t *testing.T) {
	dir := t.TempDir()
	base, logs, stop := startServe(t, serveConfig{addr: "127.0.0.1:0", dataDir: dir, demo: true, pipe: testPipeline(t)})
	t.Cleanup(stop)
	waitReady(t, base)
	c := &routeClient{t: t, base: base}

	// Open mode until the first key; from then on every call carries it.
	var created struct {
		Key   models.Key `json:"key"`
		Token string     `json:"token"`
	}
	c.do("POST", "/v1/keys", `{"role":"admin","name":"every-route"}`, http.StatusCreated, &created)
	c.token = created.Token
	var other struct {
		Key models.Key `json:"key"`
	}
	c.do("POST", "/v1/keys", `{"role":"ingest","name":"to revoke"}`, http.StatusCreated, &other)
	c.do("GET", "/v1/keys", "", http.StatusOK, nil)
	c.do("DELETE", fmt.Sprintf("/v1/keys/%d", other.Key.ID), "", http.StatusNoContent, nil)

	c.do("GET", "/healthz", "", http.StatusOK, nil)
	c.do("GET", "/readyz", "", http.StatusOK, nil)
	c.do("GET", "/metrics", "", http.StatusOK, nil)
	c.do("GET", "/openapi.json", "", http.StatusOK, nil)
	c.do("GET", "/", "", http.StatusOK, nil)
	c.do("GET", "/assets/app.js", "", http.StatusOK, nil)

	c.do("POST", "/v1/analyze", `{"text":"快递太慢了，客服态度还差"}`, http.StatusOK, nil)
	var stored struct {
		IDs []int64 `json:"ids"`
	}
	c.do("POST", "/v1/feedback", `{"items":[{"source":"app","external_id":"route-1","text":"更新之后积分清零了，客服不理人"}]}`, http.StatusCreated, &stored)
	id := stored.IDs[0]
	c.do("GET", "/v1/feedback?limit=5", "", http.StatusOK, nil)
	c.do("GET", fmt.Sprintf("/v1/feedback/%d", id), "", http.StatusOK, nil)
	c.do("PUT", fmt.Sprintf("/v1/feedback/%d/tags", id), `{"confirm":["服务态度"]}`, http.StatusOK, nil)

	c.do("GET", "/v1/tags", "", http.StatusOK, nil)
	c.do("GET", "/v1/tags/stats", "", http.StatusOK, nil)
	c.do("POST", "/v1/tags", `{"name":"路由测试","keywords":["路由"],"severity_weight":0.2}`, http.StatusCreated, nil)
	c.do("PATCH", "/v1/tags/路由测试", `{"owner":"测试组"}`, http.StatusOK, nil)
	c.do("DELETE", "/v1/tags/路由测试", "", http.StatusNoContent, nil)

	// Themes and proposals from the demo's clustering run.
	var clusters struct {
		Clusters []models.Theme `json:"clusters"`
	}
	c.do("GET", "/v1/clusters", "", http.StatusOK, &clusters)
	if len(clusters.Clusters) < 3 {
		t.Fatalf("the demo found %d themes", len(clusters.Clusters))
	}
	th := clusters.Clusters
	c.do("GET", fmt.Sprintf("/v1/clusters/%d", th[0].ID), "", http.StatusOK, nil)
	c.do("POST", fmt.Sprintf("/v1/clusters/%d/rename", th[0].ID), `{"name":"改过的名字"}`, http.StatusOK, nil)
	c.do("POST", fmt.Sprintf("/v1/clusters/%d/merge", th[len(th)-1].ID), fmt.Sprintf(`{"into":%d}`, th[len(th)-2].ID), http.StatusOK, nil)
	// The demo's run proposes one theme; a finer run proposes more.
	var job jobAnswer
	c.do("POST", "/v1/jobs", `{"kind":"recluster","params":{"k":14}}`, http.StatusAccepted, &job)
	if done := waitJobWith(c, job.Job.ID); done.Job.Status != models.JobSucceeded {
		t.Fatalf("recluster: %+v %s", done.Job, done.Job.Result)
	}
	var proposals struct {
		Proposals []models.Proposal `json:"proposals"`
	}
	c.do("GET", "/v1/proposals", "", http.StatusOK, &proposals)
	if len(proposals.Proposals) < 2 {
		t.Fatalf("the demo made %d proposals; two are needed to accept one and reject one", len(proposals.Proposals))
	}
	c.do("POST", fmt.Sprintf("/v1/proposals/%d/reject", proposals.Proposals[1].ID), "", http.StatusOK, nil)
	c.do("POST", fmt.Sprintf("/v1/proposals/%d/accept", proposals.Proposals[0].ID), "", http.StatusOK, nil)

	// The trends and the overview see the demo's planted spike.
	var overview models.Overview
	c.do("GET", "/v1/overview", "", http.StatusOK, &overview)
	if overview.Total == 0 || len(overview.Spikes) == 0 {
		t.Errorf("overview of the demo: %d items, spikes %+v", overview.Total, overview.Spikes)
	}
	c.do("GET", "/v1/trends?by=theme&interval=week", "", http.StatusOK, nil)
	c.do("GET", "/v1/breakdown?tag=物流配送&by=source", "", http.StatusOK, nil)

	// Measures against a tag, with their effect.
	var m struct {
		ID int64 `json:"id"`
	}
	c.do("POST", "/v1/measures", `{"target_kind":"tag","target":"物流配送","what":"加开周末仓","owner":"物流组","date":"2026-10-20"}`, http.StatusCreated, &m)
	c.do("GET", "/v1/measures?tag=物流配送", "", http.StatusOK, nil)
	c.do("GET", fmt.Sprintf("/v1/measures/%d", m.ID), "", http.StatusOK, nil)
	c.do("PATCH", fmt.Sprintf("/v1/measures/%d", m.ID), `{"status":"done"}`, http.StatusOK, nil)
	c.do("DELETE", fmt.Sprintf("/v1/measures/%d", m.ID), "", http.StatusNoContent, nil)

	// An alert rule to a loopback webhook, switched off, then removed.
	var rule struct {
		ID int64 `json:"id"`
	}
	c.do("POST", "/v1/alerts", `{"name":"本机","kind":"new_theme","channel":"webhook","url":"http://127.0.0.1:9/hook"}`, http.StatusCreated, &rule)
	c.do("PATCH", fmt.Sprintf("/v1/alerts/%d", rule.ID), `{"enabled":false}`, http.StatusOK, nil)
	c.do("GET", "/v1/alerts", "", http.StatusOK, nil)
	c.do("GET", "/v1/alerts/deliveries", "", http.StatusOK, nil)
	c.do("DELETE", fmt.Sprintf("/v1/alerts/%d", rule.ID), "", http.StatusNoContent, nil)

	// Import a file over HTTP, then export what is stored.
	c.upload("/v1/imports/preview", nil, http.StatusOK, nil)
	var imp struct {
		Import struct {
			ID string `json:"id"`
		} `json:"import"`
	}
	c.upload("/v1/imports", []string{"text_col", "评论", "id_col", "编号", "source", "门店"}, http.StatusAccepted, &imp)
	c.do("GET", "/v1/imports/"+imp.Import.ID, "", http.StatusOK, nil)
	c.do("GET", "/v1/export?format=csv", "", http.StatusOK, nil)

	// Jobs: a retrain that does not activate, then its model activated.
	c.do("POST", "/v1/jobs", `{"kind":"retrain","params":{"activate":false}}`, http.StatusAccepted, &job)
	c.do("GET", "/v1/jobs", "", http.StatusOK, nil)
	done := waitJobWith(c, job.Job.ID)
	if done.Job.Status != models.JobSucceeded {
		t.Fatalf("retrain: %+v %s", done.Job, done.Job.Result)
	}
	var mv struct {
		Models []struct {
			Version string `json:"version"`
		} `json:"models"`
	}
	c.do("GET", "/v1/models", "", http.StatusOK, &mv)
	if len(mv.Models) == 0 {
		t.Fatal("no model version after a retrain")
	}
	c.do("POST", "/v1/models/"+mv.Models[0].Version+"/activate", "", http.StatusOK, nil)
	c.do("POST", "/v1/jobs", `{"kind":"recluster"}`, http.StatusAccepted, &job)
	c.do("DELETE", fmt.Sprintf("/v1/jobs/%d", job.Job.ID), "", http.StatusOK, nil)

	// Every registered route answered a 2xx at least once.
	answered := map[string]bool{}
	for _, m := range accessLine.FindAllStringSubmatch(logs.String(), -1) {
		if strings.HasPrefix(m[3], "2") {
			answered[m[1]+" "+m[2]] = true
		}
	}
	for _, r := range api.NewHandler(api.Config{}).Routes() {
		if !answered[r.Method+" "+r.Path] {
			t.Errorf("%s %s was never driven to a 2xx: add a call to TestEveryRoute", r.Method, r.Path)
		}
	}
}

// waitJobWith polls a job with the client's key until it is finished.
func waitJobWith(c *routeClient, id int64) jobAnswer {
	c.t.Helper()
	for range 6000 {
		var ja jobAnswer
		c.do("GET", fmt.Sprintf("/v1/jobs/%d", id), "", http.StatusOK, &ja)
		if ja.Job.Finished() {
			return ja
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.t.Fatalf("job %d did not finish", id)
	return jobAnswer{}
}
