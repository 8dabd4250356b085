package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voclens/voclens/classifier"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/textproc"
	"github.com/voclens/voclens/textproc/textproctest"
)

// The pipeline takes seconds to build; the tests of this file share one,
// as every analyzer of a running server does.
func testPipeline(t *testing.T) *textproc.Pipeline {
	return textproctest.Pipeline(t, textproc.Options{ExtraWords: classifier.DictionaryWords(classifier.DefaultTaxonomy(), classifier.DefaultLexicon())})
}

// startServer runs serve on a loopback port over dir, with the shared
// pipeline, until the test ends.
func startServer(t *testing.T, dir string) string {
	t.Helper()
	base, _, stop := startServe(t, serveConfig{addr: "127.0.0.1:0", dataDir: dir, pipe: testPipeline(t)})
	t.Cleanup(stop)
	waitReady(t, base)
	return base
}

// call sends a JSON request, with header's name, value pairs, and decodes
// the JSON answer into out (if not nil); it returns the status and the raw
// body.
func call(t *testing.T, method, url, body string, out any, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, raw)
		}
	}
	return res.StatusCode, string(raw)
}

type fixtureRow struct {
	text string
	tags []string
}

func readFixture(t *testing.T) []fixtureRow {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "teach_tags.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []fixtureRow
	for _, r := range recs[1:] {
		row := fixtureRow{text: r[0]}
		if r[1] != "" {
			row.tags = strings.Split(r[1], "|")
		}
		rows = append(rows, row)
	}
	return rows
}

// storeFixture posts the fixture's texts and returns their ids.
func storeFixture(t *testing.T, base string, rows []fixtureRow) []int64 {
	t.Helper()
	type item struct {
		ExternalID string `json:"external_id"`
		Text       string `json:"text"`
	}
	var req struct {
		Items []item `json:"items"`
	}
	for i, r := range rows {
		req.Items = append(req.Items, item{ExternalID: strconv.Itoa(i), Text: r.text})
	}
	body, _ := json.Marshal(req)
	var res models.CreateFeedbackResult
	if status, raw := call(t, "POST", base+"/v1/feedback", string(body), &res); status != http.StatusCreated {
		t.Fatalf("store fixture: %d %s", status, raw)
	}
	return res.IDs
}

// label confirms tag on the fixture items that carry it and rejects it on
// the others, as an analyst going through the list would.
func label(t *testing.T, base string, rows []fixtureRow, ids []int64, tag string) {
	t.Helper()
	for i, r := range rows {
		verdict := "reject"
		if slices.Contains(r.tags, tag) {
			verdict = "confirm"
		}
		body, _ := json.Marshal(map[string][]string{verdict: {tag}})
		if status, raw := call(t, "PUT", base+"/v1/feedback/"+strconv.FormatInt(ids[i], 10)+"/tags", string(body), nil); status != http.StatusOK {
			t.Fatalf("label %d: %d %s", ids[i], status, raw)
		}
	}
}

// trainBeside trains as `voclens train --no-activate` does, on its own
// connection to the server's data dir, and returns the new version.
func trainBeside(t *testing.T, dir string) string {
	return trainBesideActivate(t, dir, false)
}

func trainBesideActivate(t *testing.T, dir string, activate bool) string {
	t.Helper()
	db, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep, err := trainTags(context.Background(), db, testPipeline(t), activate)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := printTrainReport(&buf, rep, false); err != nil {
		t.Fatal(err)
	}
	t.Logf("train:\n%s", buf.String())
	return rep.Version.Version
}

func analyze(t *testing.T, base, text string) *models.Analysis {
	t.Helper()
	var a models.Analysis
	body, _ := json.Marshal(map[string]string{"text": text})
	if status, raw := call(t, "POST", base+"/v1/analyze", string(body), &a); status != http.StatusOK {
		t.Fatalf("analyze: %d %s", status, raw)
	}
	return &a
}

func tagSource(a *models.Analysis, tag string) string {
	for _, t := range a.Tags {
		if t.Tag == tag {
			return t.Source
		}
	}
	return ""
}

// TestTeachingANewTag walks issue 4 as an analyst and an operator would:
// two tags the rules know nothing of are created, confirmed on items,
// trained, activated, and then predicted by the model; activating the
// older version rolls the prediction back.
func TestTeachingANewTag(t *testing.T) {
	dir := t.TempDir()
	base := startServer(t, dir)
	rows := readFixture(t)

	for _, tag := range []string{"自动续费", "噪音"} {
		if status, raw := call(t, "POST", base+"/v1/tags", `{"name":"`+tag+`","severity_weight":0.5}`, nil); status != http.StatusCreated {
			t.Fatalf("create %s: %d %s", tag, status, raw)
		}
	}
	ids := storeFixture(t, base, rows)
	renewal := "月卡到期后又被悄悄扣费了，根本没有提醒我"
	noise := "这台除湿机晚上嗡嗡响，吵得全家睡不着"
	if a := analyze(t, base, renewal); tagSource(a, "自动续费") != "" || a.ModelVersion != classifier.ModelVersion {
		t.Fatalf("before training: %+v", a)
	}

	label(t, base, rows, ids, "自动续费")
	v1 := trainBeside(t, dir)
	// Trained but not active: the rules still answer.
	if a := analyze(t, base, renewal); a.ModelVersion != classifier.ModelVersion {
		t.Fatalf("an inactive model predicts: %+v", a)
	}
	if status, raw := call(t, "POST", base+"/v1/models/"+v1+"/activate", "", nil); status != http.StatusOK {
		t.Fatalf("activate: %d %s", status, raw)
	}
	a := analyze(t, base, renewal)
	if a.ModelVersion != v1 || tagSource(a, "自动续费") != models.TagSourceModel {
		t.Fatalf("after activating %s: %+v", v1, a)
	}
	if a := analyze(t, base, noise); tagSource(a, "自动续费") != "" {
		t.Errorf("a noise complaint got 自动续费: %+v", a.Tags)
	}

	label(t, base, rows, ids, "噪音")
	v2 := trainBeside(t, dir)
	if status, raw := call(t, "POST", base+"/v1/models/"+v2+"/activate", "", nil); status != http.StatusOK {
		t.Fatalf("activate: %d %s", status, raw)
	}
	if a := analyze(t, base, noise); a.ModelVersion != v2 || tagSource(a, "噪音") != models.TagSourceModel {
		t.Fatalf("after activating %s: %+v", v2, a)
	}

	// Roll back: v1 never learnt 噪音, and it is v1 that answers now.
	if status, raw := call(t, "POST", base+"/v1/models/"+v1+"/activate", "", nil); status != http.StatusOK {
		t.Fatalf("rollback: %d %s", status, raw)
	}
	if a := analyze(t, base, noise); a.ModelVersion != v1 || tagSource(a, "噪音") != "" {
		t.Fatalf("after rolling back to %s: %+v", v1, a)
	}
	if a := analyze(t, base, renewal); a.ModelVersion != v1 || tagSource(a, "自动续费") != models.TagSourceModel {
		t.Fatalf("after rolling back to %s: %+v", v1, a)
	}

	var list struct {
		Models []struct {
			Version string `json:"version"`
			Active  bool   `json:"active"`
			Metrics struct {
				Tags []tagMetric `json:"tags"`
			} `json:"metrics"`
		} `json:"models"`
	}
	if status, raw := call(t, "GET", base+"/v1/models", "", &list); status != http.StatusOK || len(list.Models) != 2 {
		t.Fatalf("models: %d %s", status, raw)
	}
	if list.Models[0].Version != v2 || list.Models[0].Active || !list.Models[1].Active {
		t.Errorf("models: want %s inactive then %s active: %+v", v2, v1, list.Models)
	}
	if status, _ := call(t, "POST", base+"/v1/models/m-19990101-9/activate", "", nil); status != http.StatusNotFound {
		t.Errorf("activate unknown version: %d", status)
	}

	// `voclens train` beside the server activates its model in the
	// store; the server notices within modelWatchInterval.
	v3 := trainBesideActivate(t, dir, true)
	deadline := time.Now().Add(5 * modelWatchInterval)
	for analyze(t, base, noise).ModelVersion != v3 {
		if time.Now().After(deadline) {
			t.Fatalf("the server did not pick up %s, activated by another process", v3)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestPutTagsValidation: every refused request leaves the labels as they
// were.
func TestPutTagsValidation(t *testing.T) {
	dir := t.TempDir()
	base := startServer(t, dir)
	ids := storeFixture(t, base, []fixtureRow{{text: "快递三天了还没到，包装也破了"}})
	url := base + "/v1/feedback/" + strconv.FormatInt(ids[0], 10) + "/tags"

	cases := []struct {
		name, url, body string
		status          int
		msg             string
	}{
		{"unknown tag", url, `{"confirm":["物流配送"],"reject":["没有这个标签"]}`, 422, "没有这个标签"},
		{"unknown item", base + "/v1/feedback/999999/tags", `{"confirm":["物流配送"]}`, 404, "999999"},
		{"bad id", base + "/v1/feedback/abc/tags", `{"confirm":["物流配送"]}`, 422, "id"},
		{"malformed JSON", url, `{"confirm":["物流配送"`, 400, ""},
		{"wrong type", url, `{"confirm":"物流配送"}`, 400, "confirm"},
		{"unknown field", url, `{"confirmed":["物流配送"]}`, 400, "confirmed"},
		{"nothing", url, `{}`, 422, ""},
		{"both ways", url, `{"confirm":["包装"],"reject":["包装"]}`, 422, "包装"},
	}
	for _, c := range cases {
		var e struct {
			Error struct{ Code, Message string }
		}
		status, raw := call(t, "PUT", c.url, c.body, &e)
		if status != c.status || !strings.Contains(e.Error.Message, c.msg) {
			t.Errorf("%s: %d %s, want %d mentioning %q", c.name, status, raw, c.status, c.msg)
		}
	}
	db, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if ls, err := db.FindLabels(context.Background(), models.LabelFilter{}); err != nil || len(ls) != 0 {
		t.Fatalf("refused requests stored labels: %v %v", ls, err)
	}

	var got struct {
		Labels []models.Label `json:"labels"`
	}
	if status, raw := call(t, "PUT", url, `{"confirm":["物流配送"],"reject":["包装"]}`, &got); status != http.StatusOK || len(got.Labels) != 2 {
		t.Fatalf("valid PUT: %d %s", status, raw)
	}
	// Changing one's mind: the newest verdict counts.
	if status, raw := call(t, "PUT", url, `{"confirm":["包装"]}`, &got); status != http.StatusOK {
		t.Fatalf("second PUT: %d %s", status, raw)
	}
	for _, l := range got.Labels {
		if l.Verdict != models.LabelConfirm || l.Source != models.LabelSourceHuman {
			t.Errorf("label after the change: %+v", l)
		}
	}
}

// TestTagsCRUD edits the taxonomy over HTTP; a new tag tags the next text
// by its keywords at once.
func TestTagsCRUD(t *testing.T) {
	base := startServer(t, t.TempDir())
	var list struct {
		Tags []models.Tag `json:"tags"`
	}
	if status, raw := call(t, "GET", base+"/v1/tags", "", &list); status != 200 || len(list.Tags) != len(classifier.DefaultTaxonomy().Tags) {
		t.Fatalf("seeded taxonomy: %d %s", status, raw)
	}
	text := "会员被偷偷续费扣款，找不到取消入口"
	if a := analyze(t, base, text); tagSource(a, "会员续费") != "" {
		t.Fatalf("tag before it exists: %+v", a.Tags)
	}

	steps := []struct {
		method, path, body string
		status             int
	}{
		{"POST", "/v1/tags", `{"name":"会员续费","keywords":["续费扣款"],"severity_weight":0.6,"owner":"会员组"}`, 201},
		{"POST", "/v1/tags", `{"name":"会员续费","keywords":["x"],"severity_weight":0.6}`, 409},
		{"POST", "/v1/tags", `{"name":"太重","severity_weight":2}`, 422},
		{"POST", "/v1/tags", `{"name":" 空格"}`, 422},
		{"POST", "/v1/tags", `{"name":"孤儿","parent":"没有"}`, 422},
		{"POST", "/v1/tags", `{"name":"子标签","parent":"会员续费","keywords":["取消入口"]}`, 201},
		{"PATCH", "/v1/tags/没有", `{"owner":"x"}`, 404},
		{"PATCH", "/v1/tags/会员续费", `{"severity_weight":-1}`, 422},
		{"DELETE", "/v1/tags/会员续费", "", 409}, // it has a child
	}
	for _, s := range steps {
		if status, raw := call(t, s.method, base+s.path, s.body, nil); status != s.status {
			t.Errorf("%s %s %s: %d %s, want %d", s.method, s.path, s.body, status, raw, s.status)
		}
	}
	a := analyze(t, base, text)
	if tagSource(a, "会员续费") != models.TagSourceRule || tagSource(a, "子标签") != models.TagSourceRule {
		t.Fatalf("new tags do not tag at once: %+v", a.Tags)
	}

	var tag models.Tag
	if status, raw := call(t, "PATCH", base+"/v1/tags/会员续费", `{"keywords":["自动续订"]}`, &tag); status != 200 || tag.Owner != "会员组" || len(tag.Keywords) != 1 {
		t.Fatalf("patch: %d %s", status, raw)
	}
	if a := analyze(t, base, text); tagSource(a, "会员续费") != "" {
		t.Errorf("old keyword still tags: %+v", a.Tags)
	}
	for _, name := range []string{"子标签", "会员续费"} {
		if status, raw := call(t, "DELETE", base+"/v1/tags/"+name, "", nil); status != http.StatusNoContent {
			t.Fatalf("delete %s: %d %s", name, status, raw)
		}
	}
	if status, _ := call(t, "DELETE", base+"/v1/tags/会员续费", "", nil); status != http.StatusNotFound {
		t.Errorf("delete twice: %d", status)
	}
	if a := analyze(t, base, text); tagSource(a, "子标签") != "" {
		t.Errorf("deleted tag still tags: %+v", a.Tags)
	}

	var stats models.TagStats
	if status, raw := call(t, "GET", base+"/v1/tags/stats?from=2020-01-01T00:00:00Z", "", &stats); status != 200 || stats.SeverityThreshold != models.QuadrantSeverityThreshold {
		t.Fatalf("stats: %d %s", status, raw)
	}
	if status, _ := call(t, "GET", base+"/v1/tags/stats?from=yesterday", "", nil); status != 422 {
		t.Errorf("stats with a bad from: %d", status)
	}
}
