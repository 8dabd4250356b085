package api_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
)

// metricValue returns the value of the series whose line starts with
// series (name and labels exactly as exposed), failing if it is absent.
func metricValue(t *testing.T, exposition, series string) float64 {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`)
	m := re.FindStringSubmatch(exposition)
	if m == nil {
		t.Fatalf("no series %s in:\n%s", series, exposition)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMetricsCount(t *testing.T) {
	s := newTestServer(t)
	s.do(t, "POST", "/v1/analyze", `{"texts":["好","太慢了","垃圾"]}`)
	s.do(t, "POST", "/v1/analyze", `{"text":""}`) // 422: nothing analyzed
	s.do(t, "POST", "/v1/feedback", `{"items":[{"external_id":"m1","text":"慢"},{"external_id":"m2","text":"好"}]}`)
	s.do(t, "POST", "/v1/feedback", `{"items":[{"external_id":"m1","text":"慢"}]}`) // already stored
	s.do(t, "GET", "/v1/feedback/424242", "")
	s.do(t, "GET", "/no/such/path/"+strings.Repeat("x", 50), "")

	res := s.do(t, "GET", "/metrics", "")
	if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("metrics: %d %s", res.status, res.header.Get("Content-Type"))
	}
	text := string(res.body)
	for series, want := range map[string]float64{
		`voclens_items_analyzed_total{endpoint="analyze"}`:                                              3,
		`voclens_items_analyzed_total{endpoint="feedback"}`:                                             3,
		`voclens_feedback_stored_total`:                                                                 2,
		`voclens_http_request_duration_seconds_count{code="2xx",method="POST",route="/v1/analyze"}`:     1,
		`voclens_http_request_duration_seconds_count{code="4xx",method="POST",route="/v1/analyze"}`:     1,
		`voclens_http_request_duration_seconds_count{code="2xx",method="POST",route="/v1/feedback"}`:    2,
		`voclens_http_request_duration_seconds_count{code="4xx",method="GET",route="/v1/feedback/:id"}`: 1,
		`voclens_http_request_duration_seconds_count{code="4xx",method="GET",route="unmatched"}`:        1,
		`voclens_http_requests_in_flight`:                                                               1, // this scrape
	} {
		if got := metricValue(t, text, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if strings.Contains(text, "/no/such/path") {
		t.Error("a raw path became a label")
	}
	// The runtime and process collectors are there for memory and CPU.
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if !strings.Contains(text, "\n"+name+" ") {
			t.Errorf("no %s", name)
		}
	}
}

// Each handler owns its registry: two servers count apart, and a
// collector registered by cmd (job progress, say) is served beside ours.
func TestMetricsRegistryPerHandler(t *testing.T) {
	m := api.NewMetrics()
	progress := prometheus.NewGauge(prometheus.GaugeOpts{Name: "voclens_job_progress_ratio", Help: "test"})
	m.Registry.MustRegister(progress)
	progress.Set(0.25)
	a := newTestServer(t, func(c *api.Config) { c.Metrics = m })
	b := newTestServer(t)
	if a.handler.Metrics() != m {
		t.Error("Handler.Metrics is not the one passed in")
	}

	a.do(t, "POST", "/v1/analyze", `{"text":"好"}`)
	textA := string(a.do(t, "GET", "/metrics", "").body)
	textB := string(b.do(t, "GET", "/metrics", "").body)
	if got := metricValue(t, textA, `voclens_items_analyzed_total{endpoint="analyze"}`); got != 1 {
		t.Errorf("server a analyzed %v", got)
	}
	if got := metricValue(t, textB, `voclens_items_analyzed_total{endpoint="analyze"}`); got != 0 {
		t.Errorf("server b saw server a's count: %v", got)
	}
	if got := metricValue(t, textA, "voclens_job_progress_ratio"); got != 0.25 {
		t.Errorf("registered gauge = %v", got)
	}
}

// /metrics needs a key once keys exist; any role will do.
func TestMetricsNeedAKey(t *testing.T) {
	s := newTestServer(t, withKeys)
	_, ingest := s.newKey(t, models.RoleIngest)
	if res := s.do(t, "GET", "/metrics", ""); res.status != http.StatusUnauthorized {
		t.Errorf("no key: %d, want 401", res.status)
	}
	if res := s.do(t, "GET", "/metrics", "", bearer(ingest)...); res.status != http.StatusOK {
		t.Errorf("ingest key: %d, want 200", res.status)
	}
}
