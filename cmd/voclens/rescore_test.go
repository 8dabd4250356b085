package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/voclens/voclens/classifier"
	"github.com/voclens/voclens/jobs"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

// rescoreTexts are variations on a few team-written complaints.
var rescoreTexts = []string{
	"快递三天还没到，客服也不回消息",
	"价格太贵了，和宣传的不一样",
	"包装破损，里面的东西都碎了，气死我了",
	"质量不错，物流也快，好评",
	"退款申请一周了还没处理",
	"App更新后一打开就闪退",
}

// seedRescore stores n analyzed items in dir, then adds a tag whose keyword
// (快递) the stored analyses do not know yet, so a rescore has something to
// change. It returns the number of items the new tag should reach.
func seedRescore(t *testing.T, dir string, n int) int {
	t.Helper()
	ctx := context.Background()
	db, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SeedTags(ctx, classifier.DefaultTaxonomy()); err != nil {
		t.Fatal(err)
	}
	tax, err := db.Taxonomy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	an := classifier.NewCombined(testPipeline(t), tax, classifier.DefaultLexicon(), nil)
	want := 0
	for start := 0; start < n; start += 1000 {
		var items []*models.Feedback
		for i := start; i < min(n, start+1000); i++ {
			text := fmt.Sprintf("%s（订单%d）", rescoreTexts[i%len(rescoreTexts)], i)
			if strings.Contains(text, "快递") {
				want++
			}
			items = append(items, &models.Feedback{Source: "app", ExternalID: strconv.Itoa(i), Text: text, Analysis: an.Analyze(text)})
		}
		if _, err := db.CreateFeedback(ctx, items); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.CreateTag(ctx, models.Tag{Name: "快递时效", Keywords: []string{"快递"}, SeverityWeight: 0.4}); err != nil {
		t.Fatal(err)
	}
	return want
}

// TestRescoreHelperProcess is `voclens rescore` in a child process for
// TestRescoreSurvivesSIGKILL; it pauses after each batch so the parent can
// kill it mid-way. It does nothing in a normal test run.
func TestRescoreHelperProcess(t *testing.T) {
	dir := os.Getenv("VOCLENS_RESCORE_HELPER_DIR")
	if dir == "" {
		t.Skip("only run as a child of TestRescoreSurvivesSIGKILL")
	}
	err := rescore(context.Background(), rescoreConfig{
		dataDir: dir, batch: 100, stdout: os.Stdout, stderr: os.Stderr, pipe: testPipeline(t),
		onProgress: func(*models.Job) { time.Sleep(20 * time.Millisecond) },
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "rescore:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// TestRescoreSurvivesSIGKILL kills `voclens rescore` mid-way with SIGKILL,
// runs it again, and counts the analyses of every item: each has exactly
// its original one and one from the rescore, so the rerun scored nothing
// the killed run had committed, and skipped nothing.
func TestRescoreSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	const n = 3000
	dir := t.TempDir()
	wantTagged := seedRescore(t, dir, n)

	child := exec.Command(os.Args[0], "-test.run=^TestRescoreHelperProcess$")
	child.Env = append(os.Environ(), "VOCLENS_RESCORE_HELPER_DIR="+dir)
	var childErr strings.Builder
	child.Stderr = &childErr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	db, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	var killedAt int64
	for deadline := time.Now().Add(2 * time.Minute); ; {
		js, err := db.FindJobs(ctx, models.JobFilter{Kind: models.JobRescore})
		if err != nil {
			t.Fatal(err)
		}
		if len(js) == 1 && js[0].Done >= n/3 {
			if js[0].Done >= n {
				t.Fatalf("the child finished before it could be killed: %+v", js[0])
			}
			if err := child.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killedAt = js[0].Done
			break
		}
		if time.Now().After(deadline) {
			child.Process.Kill()
			t.Fatalf("no progress from the child; its stderr: %s", childErr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	_ = child.Wait() // reap it: a zombie's pid still looks alive
	js, _ := db.FindJobs(ctx, models.JobFilter{Kind: models.JobRescore})
	killed := js[0]
	if killed.Status != models.JobRunning || killed.Done < killedAt || killed.Done >= n || killed.Done%100 != 0 {
		t.Fatalf("job after SIGKILL = %+v, want left running at a batch boundary", killed)
	}
	if !strings.HasSuffix(killed.Owner, ":"+strconv.Itoa(child.Process.Pid)) {
		t.Fatalf("owner %q, want the child's pid %d", killed.Owner, child.Process.Pid)
	}
	perItem, err := db.AnalysesPerItem(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if perItem[2] != int(killed.Done) || perItem[1] != n-int(killed.Done) {
		t.Fatalf("analyses per item after the kill = %v, want %d items with 2 (the committed batches) and the rest with 1", perItem, killed.Done)
	}

	// The rerun resumes after the checkpoint.
	var first *models.Job
	stderr := &syncBuffer{}
	var stdout strings.Builder
	err = rescore(ctx, rescoreConfig{dataDir: dir, batch: 500, stdout: &stdout, stderr: stderr, pipe: testPipeline(t),
		onProgress: func(j *models.Job) {
			if first == nil {
				first = j
			}
		}})
	if err != nil {
		t.Fatalf("rerun: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), fmt.Sprintf("resuming rescore job %d", killed.ID)) {
		t.Errorf("rerun's stderr does not say it resumes: %q", stderr.String())
	}
	if first == nil || first.Done != killed.Done {
		t.Fatalf("the rerun started at %+v, want at the killed run's %d", first, killed.Done)
	}
	perItem, err = db.AnalysesPerItem(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(perItem, map[int]int{2: n}) {
		t.Fatalf("analyses per item = %v, want all %d items with exactly 2", perItem, n)
	}
	done, err := db.FindJobByID(ctx, killed.ID)
	if err != nil {
		t.Fatal(err)
	}
	var rep jobs.RescoreReport
	if err := json.Unmarshal(done.Result, &rep); err != nil {
		t.Fatal(err)
	}
	added := 0
	for _, d := range rep.ByTag {
		if d.Tag == "快递时效" {
			added = int(d.Added)
		}
	}
	if done.Status != models.JobSucceeded || rep.Items != n || rep.Resumes != 1 || added != wantTagged {
		t.Fatalf("job %+v, report %+v: want succeeded, %d items, 1 resume, 快递时效 added to %d", done, rep, n, wantTagged)
	}
	if !strings.Contains(stdout.String(), "快递时效") || !strings.Contains(stdout.String(), fmt.Sprintf("%d items scored", n)) {
		t.Errorf("report printed:\n%s", stdout.String())
	}
	tagged, err := db.FindFeedback(ctx, models.FeedbackFilter{Tag: "快递时效", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(tagged) != wantTagged {
		t.Fatalf("items found by the new tag: %d, want %d", len(tagged), wantTagged)
	}
	// Every change is queued for the search index (the outbox triggers).
	if lag, err := db.IndexLag(ctx); err != nil || lag != n {
		t.Fatalf("index lag = %d, %v; want all %d items queued", lag, err, n)
	}
}

// TestRescoreRefusesWhileAnotherProcessRuns: a rescore running elsewhere
// (its owner alive) is not taken over.
func TestRescoreRefusesWhileAnotherProcessRuns(t *testing.T) {
	dir := t.TempDir()
	seedRescore(t, dir, 10)
	db, err := store.Open(dir + "/voclens.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	j, err := db.CreateJob(ctx, models.JobRescore, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The parent of this test process is alive and is not this process.
	host, _ := os.Hostname()
	if _, err := db.ClaimJob(ctx, j.ID, host+":"+strconv.Itoa(os.Getppid()), ""); err != nil {
		t.Fatal(err)
	}
	err = rescore(ctx, rescoreConfig{dataDir: dir, batch: 100, stdout: &strings.Builder{}, stderr: &syncBuffer{}, pipe: testPipeline(t)})
	if models.ErrorCode(err) != models.ECONFLICT {
		t.Fatalf("rescore beside a running one: %v, want conflict", err)
	}
	if j, _ = db.FindJobByID(ctx, j.ID); j.Status != models.JobRunning {
		t.Fatalf("the other process's job = %+v", j)
	}
}

func TestRescoreBatchFlag(t *testing.T) {
	for _, b := range []string{"0", "1001", "-3"} {
		_, _, err := run(t, "rescore", "--data", t.TempDir(), "--batch", b)
		if err == nil || !strings.Contains(err.Error(), "--batch") {
			t.Errorf("--batch %s: %v", b, err)
		}
	}
}
