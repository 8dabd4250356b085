package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
)

type createResult struct {
	Created  int     `json:"created"`
	Existing int     `json:"existing"`
	IDs      []int64 `json:"ids"`
}

func TestCreateFeedbackIsIdempotent(t *testing.T) {
	s := newTestServer(t)
	batch := `{"items":[
		{"external_id":"t-1","source":"zendesk","text":"快递太慢了"},
		{"external_id":"t-2","source":"zendesk","text":"客服态度很好"},
		{"external_id":"t-1","source":"app","text":"同一个号，不同渠道"}]}`

	first := s.do(t, "POST", "/v1/feedback", batch)
	if first.status != http.StatusCreated {
		t.Fatalf("first: status %d: %s", first.status, first.body)
	}
	var r1 createResult
	first.decode(t, &r1)
	if r1.Created != 3 || r1.Existing != 0 || len(r1.IDs) != 3 {
		t.Fatalf("first = %+v, want 3 created", r1)
	}

	second := s.do(t, "POST", "/v1/feedback", batch)
	if second.status != http.StatusOK {
		t.Fatalf("second: status %d, want 200 when nothing is new: %s", second.status, second.body)
	}
	var r2 createResult
	second.decode(t, &r2)
	if r2.Created != 0 || r2.Existing != 3 || !slices.Equal(r2.IDs, r1.IDs) {
		t.Errorf("second = %+v, want 0 created, 3 existing, ids %v", r2, r1.IDs)
	}
	if n := s.count(t); n != 3 {
		t.Errorf("%d items stored, want 3", n)
	}
}

func TestCreateAndGetFeedback(t *testing.T) {
	s := newTestServer(t)
	before := time.Now().Add(-time.Second)
	res := s.do(t, "POST", "/v1/feedback", `{"items":[
		{"external_id":"o-9","text":"送货慢，垃圾","created_at":"2024-05-01T08:30:00+08:00","customer_id":"c-7","meta":{"channel":"微信","order":"A1"}},
		{"text":"挺好的"}]}`)
	if res.status != http.StatusCreated {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	var cr createResult
	res.decode(t, &cr)

	var f models.Feedback
	got := s.do(t, "GET", fmt.Sprintf("/v1/feedback/%d", cr.IDs[0]), "")
	if got.status != http.StatusOK {
		t.Fatalf("get: status %d: %s", got.status, got.body)
	}
	got.decode(t, &f)
	if f.ID != cr.IDs[0] || f.Source != "api" || f.ExternalID != "o-9" || f.Text != "送货慢，垃圾" || f.CustomerID != "c-7" {
		t.Errorf("stored item = %+v", f)
	}
	if want := time.Date(2024, 5, 1, 0, 30, 0, 0, time.UTC); !f.CreatedAt.Equal(want) {
		t.Errorf("created_at = %v, want %v", f.CreatedAt, want)
	}
	if f.Meta["channel"] != "微信" || f.Meta["order"] != "A1" {
		t.Errorf("meta = %v", f.Meta)
	}
	a := f.Analysis
	if a == nil || a.ModelVersion != "fake-1" || len(a.Tags) != 1 || a.Tags[0].Tag != "物流配送" ||
		len(a.AngryWords) != 1 || a.AngryWords[0] != (models.Span{Word: "垃圾", Start: 4, End: 6}) {
		t.Errorf("analysis = %+v", a)
	}

	// Without created_at the item is dated when it arrived.
	s.do(t, "GET", fmt.Sprintf("/v1/feedback/%d", cr.IDs[1]), "").decode(t, &f)
	if f.CreatedAt.Before(before) || f.CreatedAt.After(time.Now().Add(time.Second)) {
		t.Errorf("created_at of an undated item = %v, want about now", f.CreatedAt)
	}
	if f.Analysis == nil || f.Analysis.Tags == nil || f.Analysis.AngryWords == nil {
		t.Errorf("analysis lists must be [] not null: %+v", f.Analysis)
	}
}

type listPage struct {
	Items      []models.Feedback `json:"items"`
	NextCursor *string           `json:"next_cursor"`
}

func TestListFeedback(t *testing.T) {
	s := newTestServer(t)
	res := s.do(t, "POST", "/v1/feedback", `{"items":[
		{"external_id":"1","source":"app","text":"太慢","created_at":"2024-05-01T00:00:00Z"},
		{"external_id":"2","source":"app","text":"很好","created_at":"2024-05-01T23:59:59Z"},
		{"external_id":"3","source":"web","text":"垃圾，太慢","created_at":"2024-05-02T00:00:00Z"},
		{"external_id":"4","source":"web","text":"一般","created_at":"2024-05-03T12:00:00+08:00"},
		{"external_id":"5","source":"app","text":"好评","created_at":"2024-05-04T00:00:00Z"}]}`)
	if res.status != http.StatusCreated {
		t.Fatalf("seed: %d %s", res.status, res.body)
	}

	list := func(query string) listPage {
		t.Helper()
		res := s.do(t, "GET", "/v1/feedback?"+query, "")
		if res.status != http.StatusOK {
			t.Fatalf("%s: status %d: %s", query, res.status, res.body)
		}
		var p listPage
		res.decode(t, &p)
		return p
	}
	externalIDs := func(p listPage) []string {
		var ids []string
		for _, f := range p.Items {
			ids = append(ids, f.ExternalID)
		}
		return ids
	}

	// Paging visits every item once, in ID order, and the last page has
	// no cursor.
	var seen []string
	q := url.Values{"limit": {"2"}}
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		p := list(q.Encode())
		seen = append(seen, externalIDs(p)...)
		if p.NextCursor == nil {
			break
		}
		q.Set("cursor", *p.NextCursor)
	}
	if want := []string{"1", "2", "3", "4", "5"}; !slices.Equal(seen, want) {
		t.Errorf("paged through %v, want %v", seen, want)
	}
	if p := list("limit=5"); p.NextCursor != nil {
		t.Errorf("a page holding the last item has next_cursor %q", *p.NextCursor)
	}

	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"", []string{"1", "2", "3", "4", "5"}},
		{"source=web", []string{"3", "4"}},
		{"tag=物流配送", []string{"1", "3"}},
		{"sentiment=positive", []string{"2", "5"}},
		{"sentiment=negative&source=web", []string{"3"}},
		// A bare date covers the whole UTC day, on either end.
		{"from=2024-05-01&to=2024-05-01", []string{"1", "2"}},
		{"from=2024-05-02", []string{"3", "4", "5"}},
		{"to=2024-05-02T00:00:00Z", []string{"1", "2"}},
		// 2024-05-03T12:00+08:00 is 04:00 UTC.
		{"from=2024-05-03T05:00:00%2B08:00&to=2024-05-03T13:00:00%2B08:00", []string{"4"}},
		{"source=none", nil},
	} {
		if got := externalIDs(list(tt.query)); !slices.Equal(got, tt.want) {
			t.Errorf("?%s → %v, want %v", tt.query, got, tt.want)
		}
	}

	// An empty result is [] not null.
	if res := s.do(t, "GET", "/v1/feedback?source=none", ""); !contains(res.body, `"items":[]`) {
		t.Errorf("empty list body = %s", res.body)
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }

// Without storage the server still analyzes, and says plainly why the
// feedback routes do not work.
func TestFeedbackWithoutStorage(t *testing.T) {
	s := newTestServer(t, func(c *api.Config) { c.Feedback = nil })
	for _, r := range []struct{ method, path, body string }{
		{"POST", "/v1/feedback", `{"items":[{"text":"好"}]}`},
		{"GET", "/v1/feedback", ""},
		{"GET", "/v1/feedback/1", ""},
	} {
		res := s.do(t, r.method, r.path, r.body)
		if res.status != http.StatusServiceUnavailable {
			t.Errorf("%s %s: status %d, want 503", r.method, r.path, res.status)
		}
		if code, _ := res.apiError(t); code != models.EUNAVAILABLE {
			t.Errorf("%s %s: code %q", r.method, r.path, code)
		}
	}
	if res := s.do(t, "POST", "/v1/analyze", `{"text":"好"}`); res.status != http.StatusOK {
		t.Errorf("analyze without storage: status %d", res.status)
	}
}

// The same customer's complaint through a second channel is stored, and
// the answer says which item it duplicates.
func TestCreateFeedbackLinksCrossChannelDuplicates(t *testing.T) {
	s := newTestServer(t)
	sp := loadSpec(t, s)
	res := sp.check(t, s, "POST", "/v1/feedback", `{"items":[
		{"source":"app","external_id":"1","customer_id":"C9","text":"发货太慢了，等了一个星期还没到","created_at":"2026-11-02T10:00:00+08:00"},
		{"source":"电话","external_id":"1","customer_id":"C9","text":"发货太慢了，等了一个星期还没到！","created_at":"2026-11-03T10:00:00+08:00"}]}`)
	wantStatus(t, "two channels", res, 201)
	var out struct {
		Created int     `json:"created"`
		Linked  int     `json:"linked"`
		IDs     []int64 `json:"ids"`
		Items   []struct {
			DuplicateOf int64 `json:"duplicate_of"`
		} `json:"items"`
	}
	res.decode(t, &out)
	if out.Created != 2 || out.Linked != 1 || out.Items[0].DuplicateOf != 0 || out.Items[1].DuplicateOf != out.IDs[0] {
		t.Errorf("answer %s", res.body)
	}
}
