package main

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

// startDemo runs `voclens serve --demo` on a loopback port over dir.
func startDemo(t *testing.T, dir string) string {
	t.Helper()
	base, _, stop := startServe(t, serveConfig{addr: "127.0.0.1:0", dataDir: dir, demo: true, pipe: testPipeline(t)})
	t.Cleanup(stop)
	waitReady(t, base)
	return base
}

// The demo's planted theme (积分清零 after app 5.3.0) is found at start,
// flagged and proposed; accepting it over the API creates the tag, labels
// its members for training and tags new items by rule.
func TestDemoThemesEndToEnd(t *testing.T) {
	dir := t.TempDir()
	base := startDemo(t, dir)

	var list struct {
		Run      *models.ClusterRun `json:"run"`
		Clusters []*models.Theme    `json:"clusters"`
	}
	if status, body := call(t, "GET", base+"/v1/clusters?sort=growth", "", &list); status != 200 || list.Run == nil {
		t.Fatalf("clusters: %d %s", status, body)
	}
	var th *models.Theme
	for _, c := range list.Clusters {
		if strings.Contains(c.Label, "积分") {
			th = c
		}
	}
	if th == nil {
		t.Fatalf("no 积分 theme among %d", len(list.Clusters))
	}
	if !th.Stats.Spike || !th.Stats.Rising || th.Proposal == nil {
		t.Fatalf("planted theme %q: spike %v rising %v proposal %+v", th.Name, th.Stats.Spike, th.Stats.Rising, th.Proposal)
	}
	var one models.Theme
	if status, body := call(t, "GET", base+"/v1/clusters/"+itoa(th.ID), "", &one); status != 200 || len(one.Stats.Trend) != 28 || len(one.Stats.Examples) == 0 {
		t.Fatalf("cluster: %d %s", status, body)
	}
	if status, _ := call(t, "GET", base+"/v1/clusters/9999", "", nil); status != 404 {
		t.Errorf("unknown cluster: %d", status)
	}
	if status, _ := call(t, "POST", base+"/v1/clusters/"+itoa(th.ID)+"/rename", `{"name":`, nil); status != 400 {
		t.Errorf("bad rename body: %d", status)
	}

	var p models.Proposal
	status, body := call(t, "POST", base+"/v1/proposals/"+itoa(th.Proposal.ID)+"/accept",
		`{"name":"积分清零","keywords":["积分清零","积分没了","积分显示0"]}`, &p)
	if status != 200 || p.Tag != "积分清零" || p.Status != models.ProposalAccepted {
		t.Fatalf("accept: %d %s", status, body)
	}
	if _, body := call(t, "GET", base+"/v1/tags", "", nil); !strings.Contains(body, "积分清零") {
		t.Errorf("tag not in the taxonomy: %s", body)
	}
	db, err := store.Open(filepath.Join(dir, "voclens.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	labels, err := db.FindLabels(context.Background(), models.LabelFilter{Tag: "积分清零", Source: models.LabelSourceWeak})
	if err != nil || len(labels) != th.Size {
		t.Errorf("weak labels: %d (%v), want %d", len(labels), err, th.Size)
	}

	// A new item mentioning 积分清零 gets the tag by rule, and joins the theme.
	var a models.Analysis
	call(t, "POST", base+"/v1/analyze", `{"text":"刚更新APP，积分清零了，太坑了"}`, &a)
	if !slices.ContainsFunc(a.Tags, func(s models.TagScore) bool { return s.Tag == "积分清零" }) {
		t.Errorf("new item not tagged 积分清零: %+v", a.Tags)
	}
	call(t, "POST", base+"/v1/feedback", `{"items":[{"source":"app_review","text":"更新5.3之后积分清零了，会员积分没了","created_at":"2026-11-01T10:00:00+08:00"}]}`, nil)
	if status, body := call(t, "GET", base+"/v1/clusters/"+itoa(th.ID), "", &one); status != 200 || one.Size != th.Size+1 {
		t.Errorf("new item not placed in the theme (size %d → %d): %.300s", th.Size, one.Size, body)
	}

	// voclens cluster on the same data dir prints the themes.
	var out, errOut bytes.Buffer
	root := newRootCmd(&out, &errOut)
	root.SetArgs([]string{"cluster", "--data", dir})
	if err := root.Execute(); err != nil {
		t.Fatalf("voclens cluster: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "积分") || !strings.Contains(out.String(), "spike") {
		t.Errorf("voclens cluster printed:\n%s", out.String())
	}

	// Accepting tagged the theme's members in the store.
	tagged, err := db.FindFeedback(context.Background(), models.FeedbackFilter{Tag: "积分清零", Limit: 1000})
	if err != nil || len(tagged) < th.Size {
		t.Errorf("%d stored items tagged 积分清零 (%v), want the %d members", len(tagged), err, th.Size)
	}

	// A retrain learns the accepted tag from its weak labels: once the
	// server has the new model, a phrasing the keywords miss gets the tag
	// from the model.
	version := trainBesideActivate(t, dir, true)
	const unseen = "新版本把我攒了两年的积分全吞了"
	var got *models.Analysis
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if got = analyze(t, base, unseen); got.ModelVersion == version {
			break
		}
	}
	if got.ModelVersion != version || !slices.ContainsFunc(got.Tags, func(s models.TagScore) bool {
		return s.Tag == "积分清零" && s.Source == models.TagSourceModel
	}) {
		t.Errorf("after retraining (%s), %q: %+v", version, unseen, got)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
