package themes_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voclens/voclens"
	"github.com/voclens/voclens/classifier"
	"github.com/voclens/voclens/ingest"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
	"github.com/voclens/voclens/textproc"
	"github.com/voclens/voclens/textproc/textproctest"
	"github.com/voclens/voclens/themes"
)

// pipeline builds the real text pipeline once per test binary.
func pipeline(t testing.TB) *textproc.Pipeline {
	return textproctest.Pipeline(t, textproc.Options{ExtraWords: classifier.DictionaryWords(classifier.DefaultTaxonomy(), classifier.DefaultLexicon())})
}

// demoItems reads the sample feedback set, analyzed by the real classifier.
func demoItems(t testing.TB) []*models.Feedback {
	t.Helper()
	an := classifier.NewAnalyzer(pipeline(t), classifier.DefaultTaxonomy(), classifier.DefaultLexicon())
	rd, err := ingest.NewReader(bytes.NewReader(voclens.SampleFeedback), voclens.SampleFeedbackName, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []*models.Feedback
	for {
		f, err := rd.Next()
		var re *ingest.RowError
		if errors.Is(err, io.EOF) {
			return out
		} else if errors.As(err, &re) {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		f.Analysis = an.Analyze(f.Text)
		out = append(out, f)
	}
}

// fakeTaxonomy records what AcceptProposal does to the taxonomy and labels.
type fakeTaxonomy struct {
	models.TagService
	created []models.Tag
	labels  []models.Label
}

func (f *fakeTaxonomy) CreateTag(_ context.Context, tag models.Tag) (models.Tag, error) {
	f.created = append(f.created, tag)
	return tag, nil
}
func (f *fakeTaxonomy) AddLabels(_ context.Context, l []models.Label) error {
	f.labels = append(f.labels, l...)
	return nil
}
func (f *fakeTaxonomy) FindLabels(context.Context, models.LabelFilter) ([]models.Label, error) {
	return f.labels, nil
}

func newService(t testing.TB, items []*models.Feedback) (*themes.Service, *store.DB, *fakeTaxonomy) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "voclens.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.CreateFeedback(context.Background(), items); err != nil {
		t.Fatal(err)
	}
	p := pipeline(t)
	tax := &fakeTaxonomy{}
	svc := themes.New(themes.Config{
		Store: db, Feedback: db, Tags: tax, Labels: tax, Analyses: db, Seed: 1,
		Segment: func(s string) []string { return p.Process(s).Words() },
	})
	return svc, db, tax
}

func list(t *testing.T, svc *themes.Service) []*models.Theme {
	t.Helper()
	_, ts, err := svc.ListThemes(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// planted is the theme of the demo's 积分清零 spike.
func planted(t *testing.T, ts []*models.Theme) *models.Theme {
	t.Helper()
	for _, th := range ts {
		if strings.Contains(th.Label, "积分") {
			return th
		}
	}
	t.Fatalf("no theme labelled with 积分 among %d", len(ts))
	return nil
}

func TestDemoThemeFoundProposedAccepted(t *testing.T) {
	ctx := context.Background()
	svc, db, tax := newService(t, demoItems(t))
	if _, err := svc.Recluster(ctx, models.ClusterFilter{}); err != nil {
		t.Fatal(err)
	}
	ts := list(t, svc)
	th := planted(t, ts)
	if !th.Stats.Spike || th.Stats.SpikeDay < "2026-10-15" || !th.Stats.Rising {
		t.Errorf("planted theme %q: spike %v on %s, rising %v", th.Name, th.Stats.Spike, th.Stats.SpikeDay, th.Stats.Rising)
	}
	if th.Proposal == nil || !slices.Contains(th.Proposal.Keywords, "积分") {
		t.Fatalf("planted theme not proposed: %+v", th.Proposal)
	}
	for _, o := range ts {
		if o.Proposal != nil && o.ID != th.ID {
			t.Logf("also proposed: %d %s (coverage %.2f)", o.ID, o.Name, o.Stats.TagCoverage)
		}
	}

	// Items stored after the run are placed when themes are next read.
	day := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	if _, err := svc.Recluster(ctx, models.ClusterFilter{K: -1}); models.ErrorCode(err) != models.EINVALID {
		t.Errorf("k -1: %v", err)
	}
	if _, err := db.CreateFeedback(ctx, []*models.Feedback{{Source: "app_review", Text: "更新5.3之后积分清零了，会员积分没了", CreatedAt: day}}); err != nil {
		t.Fatal(err)
	}
	after := planted(t, list(t, svc))
	if after.Size != th.Size+1 || after.ID != th.ID {
		t.Errorf("new item not placed in the planted theme: size %d → %d", th.Size, after.Size)
	}

	p, err := svc.AcceptProposal(ctx, th.Proposal.ID, "积分清零", []string{"积分清零", "积分没了", "积分显示0"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != models.ProposalAccepted || p.Tag != "积分清零" || p.Name != "积分清零" || p.Keywords[0] != "积分清零" || len(tax.created) != 1 {
		t.Fatalf("accept: %+v, created %v", p, tax.created)
	}
	if len(tax.labels) != after.Size {
		t.Errorf("weak labels %d, members %d", len(tax.labels), after.Size)
	}
	// Its members carry the tag in the store at once.
	tagged, err := db.FindFeedback(ctx, models.FeedbackFilter{Tag: "积分清零", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(tagged) != after.Size {
		t.Errorf("%d stored items tagged 积分清零, want the %d members", len(tagged), after.Size)
	}
	for _, l := range tax.labels {
		if l.Source != models.LabelSourceWeak || l.Verdict != models.LabelConfirm || l.Tag != "积分清零" {
			t.Fatalf("label %+v", l)
		}
	}
	if _, err := svc.AcceptProposal(ctx, th.Proposal.ID, "", nil); models.ErrorCode(err) != models.ECONFLICT {
		t.Errorf("accept twice: %v", err)
	}
	// The accepted tag's keywords tag new items by rule.
	taxo := classifier.DefaultTaxonomy()
	taxo.Tags = append(taxo.Tags, tax.created[0])
	an := classifier.NewAnalyzer(pipeline(t), taxo, classifier.DefaultLexicon())
	if a := an.Analyze("刚更新完APP，积分清零了，客服也说不清楚"); !slices.ContainsFunc(a.Tags, func(s models.TagScore) bool { return s.Tag == "积分清零" }) {
		t.Errorf("new item not tagged 积分清零: %+v", a.Tags)
	}
	// An accepted theme is not proposed again.
	if _, err := svc.Recluster(ctx, models.ClusterFilter{}); err != nil {
		t.Fatal(err)
	}
	open, _ := svc.FindProposals(ctx, models.ProposalProposed)
	for _, o := range open {
		if o.ThemeID == th.ID {
			t.Errorf("accepted theme proposed again: %+v", o)
		}
	}
}

func TestEditsAndIDsSurviveReruns(t *testing.T) {
	ctx := context.Background()
	all := demoItems(t)
	var first, rest []*models.Feedback
	for i, f := range all {
		if i%10 == 9 {
			rest = append(rest, f)
		} else {
			first = append(first, f)
		}
	}
	svc, db, _ := newService(t, first)
	if _, err := svc.Recluster(ctx, models.ClusterFilter{}); err != nil {
		t.Fatal(err)
	}
	before := list(t, svc)
	members1 := membersByTheme(t, db)

	// Reject the planted proposal; rename one theme, merge two others.
	th := planted(t, before)
	if th.Proposal == nil {
		t.Fatal("planted theme not proposed on 90 % of the demo")
	}
	if _, err := svc.RejectProposal(ctx, th.Proposal.ID); err != nil {
		t.Fatal(err)
	}
	var others []*models.Theme
	for _, o := range before {
		if o.ID != th.ID {
			others = append(others, o)
		}
	}
	renamed, from, into := others[0], others[len(others)-1], others[1]
	if _, err := svc.RenameTheme(ctx, renamed.ID, "  售后与来电  "); err != nil {
		t.Fatal(err)
	}
	if got, err := svc.MergeTheme(ctx, from.ID, into.ID); err != nil || got.ID != into.ID || got.Size != into.Size+from.Size {
		t.Fatalf("merge: %+v, %v", got, err)
	}

	// Add the held-back 10 % and cluster again.
	if _, err := db.CreateFeedback(ctx, rest); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Recluster(ctx, models.ClusterFilter{}); err != nil {
		t.Fatal(err)
	}
	after := list(t, svc)
	for _, b := range before {
		t.Logf("before: %d %s size %d", b.ID, b.Name, b.Size)
	}
	for _, a := range after {
		t.Logf("after: %d %s size %d new %v", a.ID, a.Name, a.Size, a.New)
	}
	byID := map[int64]*models.Theme{}
	for _, a := range after {
		byID[a.ID] = a
	}
	if r := byID[renamed.ID]; r == nil || r.Name != "售后与来电" || !r.Renamed {
		t.Errorf("renamed theme after a re-run: %+v", r)
	}
	if byID[from.ID] != nil {
		t.Errorf("merged theme %d is back", from.ID)
	}
	if got, err := svc.FindTheme(ctx, from.ID); err != nil || got.ID != into.ID {
		t.Errorf("merged theme reads as %+v, %v; want theme %d", got, err, into.ID)
	}
	open, _ := svc.FindProposals(ctx, models.ProposalProposed)
	for _, o := range open {
		if strings.Contains(o.Name, "积分") {
			t.Errorf("rejected theme proposed again: %+v", o)
		}
	}

	// Themes whose members barely changed keep their IDs.
	members2 := membersByTheme(t, db)
	var lastOld int64 // the held-back items were stored after all others
	for _, m := range members1 {
		lastOld = max(lastOld, maxKey(m))
	}
	var stable, kept int
	for id, m1 := range members1 {
		if id == from.ID || id == into.ID {
			continue
		}
		best, bestJ := int64(0), 0.0
		for id2, m2 := range members2 {
			if j := jaccard(m1, m2, lastOld); j > bestJ {
				best, bestJ = id2, j
			}
		}
		t.Logf("theme %d: best match %d at %.2f", id, best, bestJ)
		if bestJ >= 0.8 {
			stable++
			if best == id {
				kept++
			}
		}
	}
	t.Logf("%d of %d stable themes kept their ID", kept, stable)
	if stable == 0 || float64(kept) < 0.9*float64(stable) {
		t.Errorf("%d of %d stable themes kept their ID", kept, stable)
	}
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	svc, _, _ := newService(t, demoItems(t)[:60])
	if _, ts, err := svc.ListThemes(ctx, ""); err != nil || len(ts) != 0 {
		t.Errorf("before any run: %v, %v", ts, err)
	}
	if _, err := svc.Recluster(ctx, models.ClusterFilter{Source: "nowhere"}); models.ErrorCode(err) != models.EINVALID {
		t.Errorf("empty selection: %v", err)
	}
	if _, err := svc.Recluster(ctx, models.ClusterFilter{}); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"unknown theme": second(svc.FindTheme(ctx, 9999)),
		"empty name":    second(svc.RenameTheme(ctx, 1, " ")),
		"merge into 0":  second(svc.MergeTheme(ctx, 1, 0)),
		"merge unknown": second(svc.MergeTheme(ctx, 1, 9999)),
		"accept none":   second(svc.AcceptProposal(ctx, 9999, "", nil)),
		"status":        second(svc.FindProposals(ctx, "maybe")),
	} {
		want := models.EINVALID
		if strings.Contains(name, "unknown") || strings.Contains(name, "none") {
			want = models.ENOTFOUND
		}
		if got := models.ErrorCode(err); got != want {
			t.Errorf("%s: %v, want %s", name, err, want)
		}
	}
	if _, _, err := svc.ListThemes(ctx, "loudness"); models.ErrorCode(err) != models.EINVALID {
		t.Errorf("bad sort: %v", err)
	}
}

func second[T any](_ T, err error) error { return err }

func membersByTheme(t *testing.T, db *store.DB) map[int64]map[int64]bool {
	t.Helper()
	run, err := db.LatestClusterRun(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	items, err := db.FindMemberItems(context.Background(), run.Run.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]map[int64]bool{}
	for _, m := range items {
		if out[m.ThemeID] == nil {
			out[m.ThemeID] = map[int64]bool{}
		}
		out[m.ThemeID][m.FeedbackID] = true
	}
	return out
}

// jaccard compares a run's members with a later run's, counting only the
// items stored before the first run (IDs up to lastOld).
func jaccard(a, b map[int64]bool, lastOld int64) float64 {
	var inter, union int
	for id := range a {
		union++
		if b[id] {
			inter++
		}
	}
	for id := range b {
		if !a[id] && id <= lastOld {
			union++
		}
	}
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

func maxKey(m map[int64]bool) int64 {
	var k int64
	for id := range m {
		k = max(k, id)
	}
	return k
}

// Themes stay readable while a run fits, and concurrent runs do not hand
// out an ID twice (run with -race).
func TestReadsDuringRuns(t *testing.T) {
	ctx := context.Background()
	svc, _, _ := newService(t, demoItems(t))
	if _, err := svc.Recluster(ctx, models.ClusterFilter{}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 2 {
		wg.Go(func() {
			if _, err := svc.Recluster(ctx, models.ClusterFilter{}); err != nil {
				errs <- err
			}
		})
		wg.Go(func() {
			if _, _, err := svc.ListThemes(ctx, ""); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	seen := map[int64]bool{}
	for _, th := range list(t, svc) {
		if seen[th.ID] {
			t.Errorf("theme id %d twice", th.ID)
		}
		seen[th.ID] = true
	}
}
