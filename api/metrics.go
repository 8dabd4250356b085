package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the Prometheus collectors of one API handler, on a registry
// of their own rather than the global default, so tests can build several
// servers and cmd decides what else is exported beside them.
type Metrics struct {
	// Registry is what /metrics serves. Register job progress, index lag
	// and the like here.
	Registry *prometheus.Registry

	requestDuration *prometheus.HistogramVec
	inFlight        prometheus.Gauge
	itemsAnalyzed   *prometheus.CounterVec
	feedbackStored  prometheus.Counter
	unrouted        *prometheus.CounterVec
}

// latencyBuckets reach down to a millisecond: a short text is analyzed in
// well under 10 ms (the p99 target), where the default buckets
// have only two bounds.
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// NewMetrics returns fresh collectors on a new registry, with the Go
// runtime's and the process's (memory, CPU, open files) beside them.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "voclens_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by method, route template and status class.",
			Buckets: latencyBuckets,
		}, []string{"method", "route", "code"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "voclens_http_requests_in_flight",
			Help: "HTTP requests being served now.",
		}),
		itemsAnalyzed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "voclens_items_analyzed_total",
			Help: "Texts the analyzer ran over, by the endpoint that asked.",
		}, []string{"endpoint"}),
		feedbackStored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "voclens_feedback_stored_total",
			Help: "Feedback items newly stored (not those already there under the same source and external id).",
		}),
		unrouted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "voclens_unrouted_severe_total",
			Help: "Items at the top severity (critical) whose tags have no owner, by the endpoint that saw them: nobody is routed the worst complaints, so alert on any increase.",
		}, []string{"endpoint"}),
	}
	// Both endpoints are exported from the start, at 0, so a rate() over
	// them has a series before the first item arrives.
	for _, e := range []string{endpointAnalyze, endpointFeedback} {
		m.itemsAnalyzed.WithLabelValues(e)
	}
	for _, e := range []string{endpointAnalyze, endpointFeedback, endpointImport} {
		m.unrouted.WithLabelValues(e)
	}
	m.Registry.MustRegister(m.requestDuration, m.inFlight, m.itemsAnalyzed, m.feedbackStored, m.unrouted,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Endpoint labels of voclens_items_analyzed_total.
const (
	endpointAnalyze  = "analyze"
	endpointFeedback = "feedback"
	endpointImport   = "import"
)

// unroutedSevere counts n critical items without an owner seen by endpoint.
func (m *Metrics) unroutedSevere(endpoint string, n int) {
	m.unrouted.WithLabelValues(endpoint).Add(float64(n))
}

// analyzed counts n texts analyzed for endpoint.
func (m *Metrics) analyzed(endpoint string, n int) {
	m.itemsAnalyzed.WithLabelValues(endpoint).Add(float64(n))
}

// stored counts n feedback items newly stored.
func (m *Metrics) stored(n int) { m.feedbackStored.Add(float64(n)) }

// middleware times every request. Labels come from a closed set, never
// from the raw path or method a client sent, so a scan of random URLs
// cannot blow up the number of series.
func (m *Metrics) middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		start := time.Now()
		c.Next()
		route, method := c.FullPath(), c.Request.Method
		if route == "" {
			route = "unmatched"
		}
		switch method {
		case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch,
			http.MethodDelete, http.MethodOptions, http.MethodHead:
		default:
			method = "other"
		}
		m.requestDuration.WithLabelValues(method, route, statusClass(c.Writer.Status())).
			Observe(time.Since(start).Seconds())
	}
}

// statusClass turns 404 into "4xx".
func statusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}

// serve is GET /metrics.
func (m *Metrics) serve(c *gin.Context) {
	promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}).ServeHTTP(c.Writer, c.Request)
}
