package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// crashItems is the size of TestCrashDuringIngest's ingest; the default
// keeps the test to seconds beyond building the binary.
// VOCLENS_CRASH_ITEMS=20000 (say) runs a large ingest.
func crashItems(t *testing.T) int {
	if v := os.Getenv("VOCLENS_CRASH_ITEMS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 {
			t.Fatalf("VOCLENS_CRASH_ITEMS=%q: want a number ≥ 100", v)
		}
		return n
	}
	return 2000
}

// serverProcess is `voclens serve` running as its own process.
type serverProcess struct {
	cmd  *exec.Cmd
	base string
	logs *syncBuffer
}

// startProcess runs the binary's serve on 127.0.0.1 (a port of its
// choosing) over dir and waits until it is ready.
func startProcess(t *testing.T, bin, dir string) *serverProcess {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProcess{cmd: cmd, logs: &syncBuffer{}}
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); _ = p.cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		listening := regexp.MustCompile(`msg=listening url=(http://\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(p.logs, sc.Text())
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case base, ok := <-found:
		if !ok {
			t.Fatalf("serve ended before listening:\n%s", p.logs.String())
		}
		p.base = base
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not listen:\n%s", p.logs.String())
	}
	waitReady(t, p.base)
	return p
}

// crashBatch is one POST /v1/feedback body and what the server said.
type crashBatch struct {
	body  []byte
	size  int
	acked bool
	ids   []int64
}

func postBatch(client *http.Client, base string, body []byte) (status int, res createResponse, err error) {
	resp, err := client.Post(base+"/v1/feedback", "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, res, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, res, err
	}
	if resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK {
		err = json.Unmarshal(raw, &res)
	}
	return resp.StatusCode, res, err
}

type createResponse struct {
	Created  int     `json:"created"`
	Existing int     `json:"existing"`
	IDs      []int64 `json:"ids"`
}

// TestCrashDuringIngest is issue 6's crash test on the real binary: SIGKILL
// the server while several clients post batches, start it again, and every
// item the API acknowledged is stored once and found by search; a batch cut
// off by the kill is stored whole or not at all.
func TestCrashDuringIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the voclens binary")
	}
	bin := filepath.Join(t.TempDir(), "voclens")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	srv := startProcess(t, bin, dir)

	const batchSize, workers = 100, 4
	n := crashItems(t)
	batches := make([]*crashBatch, (n+batchSize-1)/batchSize)
	for b := range batches {
		items := make([]map[string]string, 0, batchSize)
		for i := b * batchSize; i < min((b+1)*batchSize, n); i++ {
			items = append(items, map[string]string{
				"source": "crash", "external_id": fmt.Sprintf("c%06d", i),
				"text": fmt.Sprintf("第%d单快递太慢了，客服也不理人", i),
			})
		}
		body, err := json.Marshal(map[string]any{"items": items})
		if err != nil {
			t.Fatal(err)
		}
		batches[b] = &crashBatch{body: body, size: len(items)}
	}

	// Post until the kill; kill once half the items are acknowledged, so
	// requests are in flight when it lands.
	var (
		next, acked atomic.Int64
		killOnce    sync.Once
		wg          sync.WaitGroup
		mu          sync.Mutex
		cutOff      int
	)
	kill := func() {
		killOnce.Do(func() {
			if err := srv.cmd.Process.Kill(); err != nil { // SIGKILL
				t.Error(err)
			}
		})
	}
	client := &http.Client{Timeout: time.Minute}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				b := int(next.Add(1)) - 1
				if b >= len(batches) {
					return
				}
				status, res, err := postBatch(client, srv.base, batches[b].body)
				if err != nil || status != http.StatusCreated {
					mu.Lock()
					cutOff++
					mu.Unlock()
					return // the server is gone (or refused: checked below)
				}
				mu.Lock()
				batches[b].acked, batches[b].ids = true, res.IDs
				mu.Unlock()
				if acked.Add(int64(batches[b].size)) >= int64(n/2) {
					kill()
				}
			}
		}()
	}
	wg.Wait()
	kill()
	_ = srv.cmd.Wait()
	t.Logf("killed with %d of %d items acknowledged; %d requests cut off", acked.Load(), n, cutOff)
	if acked.Load() == int64(n) {
		t.Fatal("every batch was acknowledged before the kill: nothing was in flight")
	}

	// Start again: ready means the index caught up with the store.
	start := time.Now()
	srv = startProcess(t, bin, dir)
	t.Logf("restarted and ready in %.1fs", time.Since(start).Seconds())

	stored := listSource(t, srv.base, "crash")
	byExternal := map[string]int64{}
	for _, it := range stored {
		if _, dup := byExternal[it.ExternalID]; dup {
			t.Fatalf("external id %s stored twice", it.ExternalID)
		}
		byExternal[it.ExternalID] = it.ID
	}
	storedIDs := map[int64]bool{}
	for _, id := range byExternal {
		storedIDs[id] = true
	}
	for b, batch := range batches {
		if !batch.acked {
			continue
		}
		for _, id := range batch.ids {
			if !storedIDs[id] {
				t.Fatalf("batch %d was acknowledged but item %d is not stored", b, id)
			}
		}
	}
	total := searchTotal(t, srv.base, "快递", "crash")
	if total != len(stored) {
		t.Errorf("search finds %d items, the store holds %d", total, len(stored))
	}
	t.Logf("after the restart the store holds %d items (%d acknowledged), search finds %d", len(stored), acked.Load(), total)

	// Posting every batch again: the acknowledged ones exist, with the
	// same ids; a cut-off batch was stored whole or not at all.
	for b, batch := range batches {
		status, res, err := postBatch(client, srv.base, batch.body)
		if err != nil || (status != http.StatusOK && status != http.StatusCreated) {
			t.Fatalf("batch %d again: %d, %v", b, status, err)
		}
		switch {
		case batch.acked && (res.Existing != batch.size || fmt.Sprint(res.IDs) != fmt.Sprint(batch.ids)):
			t.Errorf("acknowledged batch %d again: %d created, %d existing, ids changed %v", b, res.Created, res.Existing, fmt.Sprint(res.IDs) != fmt.Sprint(batch.ids))
		case res.Created != 0 && res.Existing != 0:
			t.Errorf("batch %d was half stored: %d created, %d existing", b, res.Created, res.Existing)
		}
	}
	if got := len(listSource(t, srv.base, "crash")); got != n {
		t.Errorf("after posting everything again the store holds %d items, want %d", got, n)
	}
}

type listedItem struct {
	ID         int64  `json:"id"`
	ExternalID string `json:"external_id"`
}

// listSource pages through every stored item of source.
func listSource(t *testing.T, base, source string) []listedItem {
	t.Helper()
	var all []listedItem
	cursor := ""
	for {
		var page struct {
			Items      []listedItem `json:"items"`
			NextCursor string       `json:"next_cursor"`
		}
		u := base + "/v1/feedback?limit=500&source=" + url.QueryEscape(source)
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		if status, body := call(t, "GET", u, "", &page); status != http.StatusOK {
			t.Fatalf("list: %d %s", status, body)
		}
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all
		}
		cursor = page.NextCursor
	}
}

// searchTotal is the number of items of source a search for q finds.
func searchTotal(t *testing.T, base, q, source string) int {
	t.Helper()
	var res struct {
		Total int `json:"total"`
	}
	u := base + "/v1/feedback?limit=1&q=" + url.QueryEscape(q) + "&source=" + url.QueryEscape(source)
	if status, body := call(t, "GET", u, "", &res); status != http.StatusOK {
		t.Fatalf("search: %d %s", status, body)
	}
	return res.Total
}
