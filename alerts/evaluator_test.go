package alerts_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voclens/voclens/alerts"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

// TestOneMessagePerPlatformForASpike (plant_test.go) and this test are
// issue 8's bar: for one planted occurrence, a Feishu, a DingTalk, a WeCom
// and a plain receiver each get exactly one message in their format with a
// valid signature; a receiver failing twice gets it once, on the third
// try; evaluating again, or from two evaluators at once, sends nothing new.

// TestOneMessagePerPlatformForASpike is issue 8's bar: for one planted
// spike, a Feishu, a DingTalk, a WeCom and a plain receiver each get
// exactly one message in their format with a valid signature; a receiver
// failing twice gets it once, on the third try; evaluating again, or from
// two evaluators at once, sends nothing new.
func TestOneMessagePerPlatformForACriticalItem(t *testing.T) {
	oneMessagePerPlatform(t, models.AlertTopSeverity, plantCritical, "严重反馈")
}

// oneMessagePerPlatform plants an occurrence for rules of kind on the
// four platforms (and a flaky plain receiver), and checks each receiver
// gets one message whose title holds want.
func oneMessagePerPlatform(t *testing.T, kind string, plant func(*testing.T, *store.DB) alerts.SpikeSource, want string) {
	ctx := context.Background()
	db := openDB(t)
	fs, dt, wc, pl := feishuReceiver(t), dingTalkReceiver(t), weComReceiver(t), plainReceiver(t)
	flaky := plainReceiver(t)
	flaky.failFirst, flaky.failStatus = 2, 503
	addRule(t, db, "飞书", kind, models.ChannelFeishu, fs.srv.URL+"/open-apis/bot/v2/hook/tok", secret)
	addRule(t, db, "钉钉", kind, models.ChannelDingTalk, dt.srv.URL+"/robot/send?access_token=dt-token", secret)
	addRule(t, db, "企微", kind, models.ChannelWeCom, wc.srv.URL+"/cgi-bin/webhook/send?key=wecom-key", "")
	addRule(t, db, "webhook", kind, models.ChannelWebhook, pl.srv.URL+"/hook", secret)
	flakyRule := addRule(t, db, "不稳定", kind, models.ChannelWebhook, flaky.srv.URL+"/hook", secret)
	spikes := plant(t, db)

	ev := alerts.New(alerts.Config{Store: db, Spikes: spikes, Sender: fastSender()})
	rep, err := ev.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rules != 5 || rep.Found != 5 || rep.Sent != 5 || rep.Failed != 0 || len(rep.Errors) != 0 {
		t.Fatalf("report %+v", rep)
	}
	for name, rc := range map[string]*receiver{"feishu": fs, "dingtalk": dt, "wecom": wc, "plain": pl, "flaky": flaky} {
		hits, got := rc.counts()
		wantHits := 1
		if rc == flaky {
			wantHits = 3
		}
		if hits != wantHits || len(got) != 1 || !strings.Contains(got[0], want) {
			t.Errorf("%s: %d requests, accepted %q; want %d requests and one message about %s", name, hits, got, wantHits, want)
		}
	}

	// Again, and from two evaluators at once (as after a restart beside a
	// CLI check): the store's claim lets nothing through twice.
	var wg sync.WaitGroup
	reps := make([]*alerts.Report, 3)
	for i := range reps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := ev
			if i > 0 {
				e = alerts.New(alerts.Config{Store: db, Spikes: spikes, Sender: fastSender()})
			}
			var err error
			if reps[i], err = e.Check(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for i, r := range reps {
		if r != nil && (r.Sent != 0 || r.Failed != 0 || r.AlreadyHandled != r.Found) {
			t.Errorf("evaluation %d again: %+v", i, r)
		}
	}
	for _, rc := range []*receiver{fs, dt, wc, pl} {
		if hits, _ := rc.counts(); hits != 1 {
			t.Errorf("%s got %d requests after re-evaluation", rc.srv.URL, hits)
		}
	}

	// The log shows every attempt, the flaky receiver's failures included.
	ds, err := db.FindAlertDeliveries(ctx, models.DeliveryFilter{RuleID: flakyRule.ID})
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries %v, %v", ds, err)
	}
	d := ds[0]
	if d.Status != models.DeliverySent || len(d.Attempts) != 3 || d.Attempts[0].HTTPStatus != 503 || d.Attempts[2].HTTPStatus != 200 || d.Attempts[2].N != 3 {
		t.Errorf("flaky delivery %+v", d)
	}
	all, _ := db.FindAlertDeliveries(ctx, models.DeliveryFilter{})
	if len(all) != 5 {
		t.Errorf("%d deliveries, want 5", len(all))
	}
}

// A refusal that sending again cannot fix (4xx, a platform error code) is
// tried once and recorded as failed; a receiver down for good is tried
// MaxAttempts times.
func TestFailuresAreRecordedNotRepeated(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	refusing := plainReceiver(t)
	refusing.failFirst, refusing.failStatus = 1000, 403
	down := plainReceiver(t)
	down.failFirst, down.failStatus = 1000, 502
	// Feishu answers 200 with a code when the signature is wrong.
	badSign := newReceiver(t, `{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}`,
		func(r *http.Request, body []byte) (string, error) { return "x", nil })
	r1 := addRule(t, db, "拒绝", models.AlertTopSeverity, models.ChannelWebhook, refusing.srv.URL, secret)
	r2 := addRule(t, db, "宕机", models.AlertTopSeverity, models.ChannelWebhook, down.srv.URL, secret)
	r3 := addRule(t, db, "签名错", models.AlertTopSeverity, models.ChannelFeishu, badSign.srv.URL+"/hook/x", "wrong")
	moved := httptest.NewServer(http.RedirectHandler(down.srv.URL, http.StatusFound))
	defer moved.Close()
	r4 := addRule(t, db, "跳转", models.AlertTopSeverity, models.ChannelWebhook, moved.URL, secret)
	spikes := plantCritical(t, db)

	rep, err := alerts.New(alerts.Config{Store: db, Spikes: spikes, Sender: fastSender()}).Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed != 4 || rep.Sent != 0 {
		t.Fatalf("report %+v", rep)
	}
	for rule, want := range map[int64]int{r1.ID: 1, r2.ID: 4, r3.ID: 1, r4.ID: 1} {
		ds, err := db.FindAlertDeliveries(ctx, models.DeliveryFilter{RuleID: rule})
		if err != nil || len(ds) != 1 || ds[0].Status != models.DeliveryFailed || len(ds[0].Attempts) != want || ds[0].Error == "" {
			t.Errorf("rule %d: %+v, %v; want failed after %d attempts", rule, ds[0], err, want)
		}
	}
	// Failed is final: the next evaluation does not hammer the receivers.
	if rep, _ := alerts.New(alerts.Config{Store: db, Spikes: spikes, Sender: fastSender()}).Check(ctx); rep.Sent != 0 || rep.Failed != 0 {
		t.Errorf("again: %+v", rep)
	}
	if hits, _ := down.counts(); hits != 4 { // the redirect was not followed
		t.Errorf("down receiver hit %d times", hits)
	}
}

// A delivery claimed by a process that died before sending is taken over
// once its lease has run out, and sent once.
func TestAStaleClaimIsTakenOver(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	pl := plainReceiver(t)
	rule := addRule(t, db, "接管", models.AlertTopSeverity, models.ChannelWebhook, pl.srv.URL, secret)
	spikes := plantCritical(t, db)
	key := "top_severity:feedback:1"
	if ok, _, err := db.ClaimAlertDelivery(ctx, &models.AlertDelivery{RuleID: rule.ID, Channel: rule.Channel, Kind: rule.Kind, Key: key, Title: "t"}, time.Now()); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	ev := alerts.New(alerts.Config{Store: db, Spikes: spikes, Sender: fastSender(), Lease: time.Hour})
	if rep, _ := ev.Check(ctx); rep.Sent != 0 || rep.AlreadyHandled != 1 {
		t.Fatalf("within the lease: %+v", rep)
	}
	later := alerts.New(alerts.Config{Store: db, Spikes: spikes, Sender: fastSender(), Now: func() time.Time { return time.Now().Add(2 * time.Hour) }, Lease: time.Hour})
	if rep, _ := later.Check(ctx); rep.Sent != 1 {
		t.Fatalf("after the lease: %+v", rep)
	}
	if hits, got := pl.counts(); hits != 1 || len(got) != 1 {
		t.Errorf("receiver: %d, %v", hits, got)
	}
}

// plantCritical stores one item at the top severity (and its duplicate
// from another channel, which must not be announced again). Rules see
// items stored after they were made.
func plantCritical(t *testing.T, db *store.DB) alerts.SpikeSource {
	t.Helper()
	ctx := context.Background()
	f := func(source string) *models.Feedback {
		return &models.Feedback{Source: source, ExternalID: "c1", Text: "充电器冒烟,差点着火,太危险了", CreatedAt: time.Now(), Analysis: &models.Analysis{
			Sentiment: models.Sentiment{Label: models.SentimentNegative}, Severity: models.SeverityCritical, SeverityScore: 0.97, ModelVersion: "t"}}
	}
	res, err := db.CreateFeedback(ctx, []*models.Feedback{f("app")})
	if err != nil {
		t.Fatal(err)
	}
	dup := f("hotline")
	dup.DuplicateOf = res.IDs[0]
	if _, err := db.CreateFeedback(ctx, []*models.Feedback{dup}); err != nil {
		t.Fatal(err)
	}
	return nil
}
