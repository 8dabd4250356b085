package api_test

import (
	"context"
	"errors"
	"io"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/ingest"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

func TestBreakdownAPI(t *testing.T) {
	s := newTestServer(t, func(cfg *api.Config) { cfg.Breakdown = cfg.Feedback.(*store.DB) })
	sp := loadSpec(t, s)
	f, err := os.Open("../testdata/breakdown_feedback.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := ingest.NewReader(f, "breakdown_feedback.csv", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var items []*models.Feedback
	for {
		it, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		a := &models.Analysis{Sentiment: models.Sentiment{Label: models.SentimentNeutral}, Severity: models.SeverityLow, ModelVersion: "t"}
		if strings.Contains(it.Text, "售后") {
			a.Tags = []models.TagScore{{Tag: "售后退换", Score: 1, Source: models.TagSourceRule}}
		}
		it.Analysis = a
		items = append(items, it)
	}
	if _, err := s.db.CreateFeedback(context.Background(), items); err != nil {
		t.Fatal(err)
	}

	tag := url.QueryEscape("售后退换")
	res := sp.check(t, s, "GET", "/v1/breakdown?tag="+tag+"&by=meta.region", "")
	wantStatus(t, "by region", res, 200)
	var b models.Breakdown
	res.decode(t, &b)
	if b.Total != 60 || len(b.Slices) == 0 || b.Slices[0].Value != "华南" {
		t.Errorf("region breakdown: %s", res.body)
	}
	res = sp.check(t, s, "GET", "/v1/breakdown?tag="+tag+"&by=weekday&tz=UTC&min_support=1", "")
	wantStatus(t, "by weekday in UTC", res, 200)
	res.decode(t, &b)
	if b.TZ != "UTC" || b.MinSupport != 1 || b.Omitted != 0 {
		t.Errorf("weekday breakdown in UTC: %s", res.body)
	}

	for _, tt := range []struct {
		query  string
		status int
		field  string
	}{
		{"tag=" + tag, 422, "by"},
		{"tag=" + tag + "&by=weekday&tz=Mars/Base", 422, "tz"},
		{"tag=" + tag + "&by=colour", 422, "by"},
		{"tag=" + tag + "&by=hour&min_support=0", 422, "min_support"},
		{"tag=" + tag + "&by=hour&from=yesterday", 422, "from"},
		{"tag=" + tag + "&by=hour&sort=lift", 400, "sort"},
		{"by=hour", 422, "tag"},
		{"tag=" + url.QueryEscape("没有") + "&by=hour", 404, ""},
		{"theme=x&by=hour", 422, "theme"},
	} {
		res := sp.check(t, s, "GET", "/v1/breakdown?"+tt.query, "")
		if res.status != tt.status {
			t.Errorf("%s: status %d, want %d: %s", tt.query, res.status, tt.status, res.body)
			continue
		}
		if _, msg := res.apiError(t); !strings.HasPrefix(msg, tt.field) {
			t.Errorf("%s: message %q does not name %q", tt.query, msg, tt.field)
		}
	}
}
