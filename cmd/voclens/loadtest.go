package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

// Bounds that no flag can lift: the load generator stops by itself.
const (
	loadMaxDuration = 10 * time.Minute
	loadMaxRate     = 5000
	loadMaxInFlight = 512
	loadMaxItems    = 2_000_000
	// loadIndexWait is how long ingest waits after its last batch for the
	// index to find everything it stored.
	loadIndexWait = 2 * time.Minute
)

// loadTexts are short complaints written by the team for load tests. They
// are not taken from any corpus.
var loadTexts = []string{
	"快递太慢了，等了一个星期才到",
	"客服态度很差，问了三遍都没人回",
	"衣服洗了一次就掉色，质量太差",
	"退款申请了五天还没到账",
	"手机屏幕有划痕，明显是二手的",
	"包装破了，里面的杯子碎了两个",
	"尺码偏小，穿不上，换货又要自己出运费",
	"外卖送到的时候汤都洒了",
	"菜是凉的，米饭还夹生",
	"说好的赠品没有发，联系商家也不理",
	"充电器用了两天就坏了",
	"物流信息一直不更新，不知道货在哪",
	"价格比别家贵了不少，还不包邮",
	"电池续航很差，半天就没电",
	"味道太咸了，根本吃不下",
	"配送员态度恶劣，还让我自己下楼拿",
	"发票一直开不出来，很耽误报销",
	"鞋子穿了一周就开胶了",
	"耳机左边没有声音，刚买的",
	"酒店房间有烟味，空调也不制冷",
	"订单被无故取消，优惠券也没退回",
	"页面一直加载不出来，付款失败好几次",
	"商品和图片差别太大，颜色完全不一样",
	"安装师傅迟到两个小时，还多收钱",
	"会员自动续费没有提醒，太坑了",
	"面膜用了过敏，脸上起了红疙瘩",
	"书页有破损，还有几页印刷模糊",
	"电话打了十几次客服都占线",
	"快递放在门口被偷了，商家不管",
	"还行吧，就是发货有点慢",
}

// loadQueries rotate through the search scenario.
var loadQueries = []string{
	"快递", "客服", "退款", "质量", "物流", "态度", "包装", "价格",
	"快递 慢", "客服 态度", "退款 到账", "质量 差", "外卖", "电池",
	"尺码", "发票", "耳机", "酒店", "优惠券", "过敏",
}

type loadOptions struct {
	target, scenario, key string
	rate                  float64
	duration              time.Duration
	batch, concurrency    int
	requests, items       int
}

// loadReport is the one JSON object loadtest prints.
type loadReport struct {
	Scenario        string         `json:"scenario"`
	Target          string         `json:"target"`
	Seconds         float64        `json:"seconds"`
	Rate            float64        `json:"rate,omitempty"`
	Concurrency     int            `json:"concurrency,omitempty"`
	Sent            int64          `json:"sent"`
	OK              int64          `json:"ok"`
	Errors          int64          `json:"errors"`
	ErrorKinds      map[string]int `json:"error_kinds,omitempty"`
	LatencyMS       *latencyMS     `json:"latency_ms,omitempty"`
	Batch           int            `json:"batch,omitempty"`
	ItemsStored     int64          `json:"items_stored,omitempty"`
	StoredPerSec    float64        `json:"items_per_sec_stored,omitempty"`
	IndexedSeconds  float64        `json:"indexed_seconds,omitempty"`
	IndexedPerSec   float64        `json:"items_per_sec_indexed,omitempty"`
	IndexedBy       string         `json:"indexed_by,omitempty"`
	IndexNote       string         `json:"index_note,omitempty"`
	SearchTotalSeen uint64         `json:"search_total_seen,omitempty"`
}

type latencyMS struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

func newLoadtestCmd() *cobra.Command {
	var o loadOptions
	cmd := &cobra.Command{
		Use:   "loadtest",
		Short: "Drive a voclens server on this machine with a bounded load and report latency and throughput",
		Long: `loadtest sends a bounded load to a running voclens server and prints one JSON
object with what it measured. It only talks to loopback addresses (127.0.0.0/8,
::1, localhost) and stops by itself after --duration (at most 10m) or its
request/item count, whichever comes first.

Scenarios:
  analyze  POST /v1/analyze with one short text, open loop at --rate requests/s
  ingest   POST /v1/feedback in batches of --batch, closed loop with --concurrency
           workers; then waits until search finds every stored item
  search   GET /v1/feedback?q=… rotating a fixed set of queries, closed loop
           with --concurrency workers`,
		Example: `  voclens loadtest --scenario analyze --rate 200 --duration 60s
  voclens loadtest --scenario ingest --batch 500 --items 20000
  voclens loadtest --scenario search --duration 30s --key "$VOCLENS_KEY"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			rep, err := runLoad(cmd.Context(), o)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.ErrOrStderr(), rep.human())
			enc := json.NewEncoder(cmd.OutOrStdout())
			return enc.Encode(rep)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.target, "target", "http://127.0.0.1:8080", "base URL of the server (loopback only)")
	f.StringVar(&o.scenario, "scenario", "analyze", "analyze, ingest or search")
	f.StringVar(&o.key, "key", "", "API key sent as a Bearer token (needed when the server has keys)")
	f.Float64Var(&o.rate, "rate", 200, "analyze: requests per second, open loop")
	f.DurationVar(&o.duration, "duration", 60*time.Second, "how long to send (at most 10m)")
	f.IntVar(&o.batch, "batch", 500, "ingest: items per POST /v1/feedback")
	f.IntVar(&o.concurrency, "concurrency", 2, "ingest and search: requests in flight")
	f.IntVar(&o.requests, "requests", 0, "stop after this many requests (0: rate × duration for analyze, 1,000,000 otherwise)")
	f.IntVar(&o.items, "items", 100_000, "ingest: stop after this many items")
	return cmd
}

func (o *loadOptions) check() error {
	switch {
	case o.duration <= 0 || o.duration > loadMaxDuration:
		return fmt.Errorf("--duration %v: must be above 0 and at most %v", o.duration, loadMaxDuration)
	case o.scenario == "analyze" && (!(o.rate > 0) || o.rate > loadMaxRate):
		return fmt.Errorf("--rate %v: must be above 0 and at most %d", o.rate, loadMaxRate)
	case o.concurrency < 1 || o.concurrency > 64:
		return fmt.Errorf("--concurrency %d: must be 1..64", o.concurrency)
	case o.batch < 1 || o.batch > 1000:
		return fmt.Errorf("--batch %d: must be 1..1000", o.batch)
	case o.items < 1 || o.items > loadMaxItems:
		return fmt.Errorf("--items %d: must be 1..%d", o.items, loadMaxItems)
	case o.requests < 0 || o.requests > 10_000_000:
		return fmt.Errorf("--requests %d: must be 0..10000000", o.requests)
	}
	switch o.scenario {
	case "analyze", "ingest", "search":
	default:
		return fmt.Errorf("--scenario %q: must be analyze, ingest or search", o.scenario)
	}
	return nil
}

// checkLoopbackTarget refuses a base URL whose host is not this machine's
// loopback: a literal must be loopback, a name must resolve only to
// loopback addresses. The dialer checks again what it connects to.
func checkLoopbackTarget(ctx context.Context, target string) (*url.URL, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("--target %q: %w", target, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("--target %q: must be an http:// or https:// URL", target)
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("--target %q: no host", target)
	}
	refuse := fmt.Errorf("--target %s: refusing a host that is not loopback (127.0.0.0/8, ::1, localhost): loadtest only drives a server on this machine", target)
	if ip := net.ParseIP(host); ip != nil {
		if !ip.IsLoopback() {
			return nil, refuse
		}
		return u, nil
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupIPAddr(rctx, host)
	if err != nil || len(addrs) == 0 {
		return nil, fmt.Errorf("%w (%s did not resolve: %v)", refuse, host, err)
	}
	for _, a := range addrs {
		if !a.IP.IsLoopback() {
			return nil, refuse
		}
	}
	return u, nil
}

// loopbackClient is an HTTP client that cannot connect anywhere but
// loopback (whatever a name resolves to at dial time) and does not follow
// redirects.
func loopbackClient(conns int) *http.Client {
	d := &net.Dialer{
		Timeout: 5 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("loadtest: refusing to connect to %s: not loopback", address)
			}
			return nil
		},
	}
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         d.DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     30 * time.Second,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// loadRun holds what one run counts, safe for the workers to share.
type loadRun struct {
	base   string
	key    string
	client *http.Client

	sent, ok, errs atomic.Int64
	mu             sync.Mutex
	lat            []time.Duration
	kinds          map[string]int
}

func (r *loadRun) record(d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.errs.Add(1)
		k := err.Error()
		if len(k) > 80 {
			k = k[:80]
		}
		if len(r.kinds) < 20 || r.kinds[k] > 0 {
			r.kinds[k]++
		}
		return
	}
	r.ok.Add(1)
	r.lat = append(r.lat, d)
}

// do sends one request and reads the whole answer; a status outside 2xx
// is an error named by its code.
func (r *loadRun) do(ctx context.Context, method, path string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.key != "" {
		req.Header.Set("Authorization", "Bearer "+r.key)
	}
	res, err := r.client.Do(req)
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return errors.New("transport: canceled or timed out")
		}
		return fmt.Errorf("transport: %v", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return fmt.Errorf("read body: %v", err)
	}
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("HTTP %d", res.StatusCode)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("decode answer: %v", err)
		}
	}
	return nil
}

func (r *loadRun) report(scenario string, elapsed time.Duration) *loadReport {
	rep := &loadReport{
		Scenario: scenario,
		Target:   r.base,
		Seconds:  round3(elapsed.Seconds()),
		Sent:     r.sent.Load(),
		OK:       r.ok.Load(),
		Errors:   r.errs.Load(),
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.kinds) > 0 {
		rep.ErrorKinds = r.kinds
	}
	if len(r.lat) > 0 {
		slices.Sort(r.lat)
		q := func(p float64) float64 {
			i := int(math.Ceil(p*float64(len(r.lat)))) - 1
			i = max(0, min(i, len(r.lat)-1))
			return round3(float64(r.lat[i]) / float64(time.Millisecond))
		}
		rep.LatencyMS = &latencyMS{P50: q(0.50), P95: q(0.95), P99: q(0.99), Max: q(1)}
	}
	return rep
}

func runLoad(ctx context.Context, o loadOptions) (*loadReport, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	u, err := checkLoopbackTarget(ctx, o.target)
	if err != nil {
		return nil, err
	}
	conns := o.concurrency + 2
	if o.scenario == "analyze" {
		conns = loadMaxInFlight
	}
	r := &loadRun{
		base:   strings.TrimSuffix(u.String(), "/"),
		key:    o.key,
		client: loopbackClient(conns),
		kinds:  map[string]int{},
	}
	defer r.client.CloseIdleConnections()
	// One probe first: a server that is down or refuses the key is a
	// setup mistake, not a load figure.
	if err := r.do(ctx, http.MethodGet, "/readyz", nil, nil); err != nil {
		return nil, fmt.Errorf("%s/readyz: %v (is `voclens serve` running and ready?)", r.base, err)
	}
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	switch o.scenario {
	case "analyze":
		return r.analyze(ctx, o), nil
	case "ingest":
		return r.ingest(ctx, o)
	default:
		return r.search(ctx, o), nil
	}
}

// analyze is open loop: request i is due at start + i/rate whether or not
// earlier ones have answered, and its latency counts from when it was due,
// so a stalled server shows in the tail instead of slowing the sender.
func (r *loadRun) analyze(ctx context.Context, o loadOptions) *loadReport {
	n := o.requests
	if n == 0 {
		n = int(math.Ceil(o.rate * o.duration.Seconds()))
	}
	bodies := make([][]byte, len(loadTexts))
	for i, t := range loadTexts {
		bodies[i], _ = json.Marshal(map[string]string{"text": t})
	}
	interval := time.Duration(float64(time.Second) / o.rate)
	sem := make(chan struct{}, loadMaxInFlight)
	var wg sync.WaitGroup
	start := time.Now()
	// Requests in flight get a little time past --duration to answer.
	reqCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.duration+10*time.Second)
	defer cancel()
loop:
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				break loop
			case <-t.C:
			}
		} else if ctx.Err() != nil {
			break loop
		}
		r.sent.Add(1)
		select {
		case sem <- struct{}{}:
		default:
			r.record(0, fmt.Errorf("client: over %d requests in flight", loadMaxInFlight))
			continue
		}
		body := bodies[i%len(bodies)]
		wg.Go(func() {
			defer func() { <-sem }()
			err := r.do(reqCtx, http.MethodPost, "/v1/analyze", body, nil)
			r.record(time.Since(due), err)
		})
	}
	wg.Wait()
	rep := r.report("analyze", time.Since(start))
	rep.Rate = o.rate
	return rep
}

type loadCreateResult struct {
	Created int64 `json:"created"`
}

// ingest posts batches from --concurrency workers until --duration or
// --items, then measures when search finds every item it stored: each
// item carries a token unique to this run.
func (r *loadRun) ingest(ctx context.Context, o loadOptions) (*loadReport, error) {
	var idb [6]byte
	if _, err := rand.Read(idb[:]); err != nil {
		return nil, err
	}
	run := hex.EncodeToString(idb[:])
	token := "lt" + run
	batches := (o.items + o.batch - 1) / o.batch
	if o.requests > 0 {
		batches = min(batches, o.requests)
	}
	var next atomic.Int64
	var stored atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range o.concurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				b := int(next.Add(1)) - 1
				if b >= batches {
					return
				}
				body := ingestBody(run, token, b, o.batch, o.items)
				r.sent.Add(1)
				t0 := time.Now()
				var res loadCreateResult
				err := r.do(ctx, http.MethodPost, "/v1/feedback", body, &res)
				if err != nil && ctx.Err() != nil {
					// Cut off by --duration: not the server's error, and
					// what it did store is counted below through search.
					r.sent.Add(-1)
					return
				}
				r.record(time.Since(t0), err)
				if err == nil {
					stored.Add(res.Created)
				}
			}
		})
	}
	wg.Wait()
	storedFor := time.Since(start)
	rep := r.report("ingest", storedFor)
	rep.Concurrency = o.concurrency
	rep.Batch = o.batch
	rep.ItemsStored = stored.Load()
	if s := storedFor.Seconds(); s > 0 {
		rep.StoredPerSec = math.Round(float64(rep.ItemsStored) / s)
	}
	if rep.ItemsStored == 0 {
		return rep, nil
	}
	// Indexed: the time from the first batch until search counts every
	// stored item of this run; if search is not there, until /metrics
	// shows no index lag.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), loadIndexWait)
	defer cancel()
	by, seen, err := r.waitIndexed(wctx, token, rep.ItemsStored)
	if err != nil {
		rep.IndexNote = err.Error()
		return rep, nil
	}
	indexedFor := time.Since(start)
	rep.IndexedBy = by
	rep.SearchTotalSeen = seen
	rep.IndexedSeconds = round3(indexedFor.Seconds())
	rep.IndexedPerSec = math.Round(float64(rep.ItemsStored) / indexedFor.Seconds())
	return rep, nil
}

func ingestBody(run, token string, b, batch, limit int) []byte {
	type item struct {
		ExternalID string `json:"external_id"`
		Source     string `json:"source"`
		Text       string `json:"text"`
	}
	items := make([]item, 0, batch)
	for i := b * batch; i < min((b+1)*batch, limit); i++ {
		items = append(items, item{
			ExternalID: "loadtest-" + run + "-" + strconv.Itoa(i),
			Source:     "loadtest",
			Text:       ingestText(i) + " " + token + " 第" + strconv.Itoa(i) + "条",
		})
	}
	body, _ := json.Marshal(map[string]any{"items": items})
	return body
}

// ingestText joins two of the team's texts, so a large ingest holds 900
// different complaints rather than 30.
func ingestText(i int) string {
	n := len(loadTexts)
	a, b := i%n, (i/n)%n
	if a == b {
		return loadTexts[a]
	}
	return loadTexts[a] + "。" + loadTexts[b]
}

func (r *loadRun) waitIndexed(ctx context.Context, token string, want int64) (by string, seen uint64, err error) {
	q := "/v1/feedback?limit=1&q=" + url.QueryEscape(token)
	for {
		var res struct {
			Total uint64 `json:"total"`
		}
		serr := r.do(ctx, http.MethodGet, q, nil, &res)
		if serr == nil && res.Total >= uint64(want) {
			return "search", res.Total, nil
		}
		if serr != nil {
			lag, merr := r.indexLag(ctx)
			if merr == nil && lag == 0 {
				return "metrics voclens_index_lag_items", 0, nil
			}
			if merr != nil && ctx.Err() == nil {
				return "", 0, fmt.Errorf("neither search (%v) nor /metrics (%v) can tell when the items are indexed", serr, merr)
			}
		}
		select {
		case <-ctx.Done():
			return "", res.Total, fmt.Errorf("search found %d of %d stored items within %v", res.Total, want, loadIndexWait)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// indexLag reads voclens_index_lag_items from /metrics.
func (r *loadRun) indexLag(ctx context.Context) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	if r.key != "" {
		req.Header.Set("Authorization", "Bearer "+r.key)
	}
	res, err := r.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("HTTP %d", res.StatusCode)
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "voclens_index_lag_items "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, errors.New("no voclens_index_lag_items in /metrics")
}

// search is closed loop: --concurrency workers each send the next query as
// soon as the last one answered.
func (r *loadRun) search(ctx context.Context, o loadOptions) *loadReport {
	n := int64(o.requests)
	if n == 0 {
		n = 1_000_000
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range o.concurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= n {
					return
				}
				q := "/v1/feedback?limit=20&q=" + url.QueryEscape(loadQueries[int(i)%len(loadQueries)])
				r.sent.Add(1)
				t0 := time.Now()
				err := r.do(ctx, http.MethodGet, q, nil, nil)
				if err != nil && ctx.Err() != nil {
					r.sent.Add(-1)
					return
				}
				r.record(time.Since(t0), err)
			}
		})
	}
	wg.Wait()
	rep := r.report("search", time.Since(start))
	rep.Concurrency = o.concurrency
	return rep
}

// human is the one line loadtest writes to stderr.
func (rep *loadReport) human() string {
	var b strings.Builder
	fmt.Fprintf(&b, "loadtest %s: %d sent, %d ok, %d errors in %.1fs", rep.Scenario, rep.Sent, rep.OK, rep.Errors, rep.Seconds)
	if l := rep.LatencyMS; l != nil {
		fmt.Fprintf(&b, "; latency ms p50 %.2f p95 %.2f p99 %.2f max %.2f", l.P50, l.P95, l.P99, l.Max)
	}
	if rep.Scenario == "ingest" {
		fmt.Fprintf(&b, "; %d items stored at %.0f/s", rep.ItemsStored, rep.StoredPerSec)
		if rep.IndexedPerSec > 0 {
			fmt.Fprintf(&b, ", indexed at %.0f/s (%s)", rep.IndexedPerSec, rep.IndexedBy)
		} else if rep.IndexNote != "" {
			fmt.Fprintf(&b, ", indexed: %s", rep.IndexNote)
		}
	}
	return b.String()
}
