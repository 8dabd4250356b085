package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/voclens/voclens/index"
	"github.com/voclens/voclens/models"
)

type searchPage struct {
	Items []struct {
		ID         int64         `json:"id"`
		Text       string        `json:"text"`
		Highlights []models.Span `json:"highlights"`
	} `json:"items"`
	Total      int                           `json:"total"`
	Facets     map[string][]index.FacetCount `json:"facets"`
	NextCursor string                        `json:"next_cursor"`
}

func search(t *testing.T, base, params string) searchPage {
	t.Helper()
	var page searchPage
	if status, raw := call(t, "GET", base+"/v1/feedback?"+params, "", &page); status != http.StatusOK {
		t.Fatalf("search %s: %d %s", params, status, raw)
	}
	return page
}

// searchAll walks every page of a search and fails on a repeated item.
func searchAll(t *testing.T, base, params string) (ids []int64, total int) {
	t.Helper()
	seen := map[int64]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		p := params
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		page := search(t, base, p)
		for _, it := range page.Items {
			if seen[it.ID] {
				t.Fatalf("item %d on two pages", it.ID)
			}
			seen[it.ID] = true
			ids = append(ids, it.ID)
		}
		total = page.Total
		if cursor = page.NextCursor; cursor == "" || pages > 1000 {
			return ids, total
		}
	}
}

// Searching the demo data over a real server: matches with highlights
// that are exactly the text's runes, facets, pages without repeats, and
// a bad query answered as the client's error.
func TestServeSearch(t *testing.T) {
	base := startDemo(t, t.TempDir())
	q := "q=" + url.QueryEscape("客服")

	page := search(t, base, q+"&limit=5")
	if len(page.Items) == 0 || page.Total == 0 {
		t.Fatalf("客服 found nothing: %+v", page)
	}
	for _, it := range page.Items {
		if len(it.Highlights) == 0 {
			t.Errorf("item %d: no highlights", it.ID)
		}
		runes := []rune(it.Text)
		for _, h := range it.Highlights {
			if h.Start < 0 || h.End > len(runes) || h.Start >= h.End || string(runes[h.Start:h.End]) != h.Word {
				t.Errorf("item %d: highlight %+v does not slice %q", it.ID, h, it.Text)
			}
		}
	}
	for _, f := range []string{"tag", "source", "sentiment", "severity", "theme"} {
		if _, ok := page.Facets[f]; !ok {
			t.Errorf("no %s facet in %v", f, page.Facets)
		}
	}
	if len(page.Facets["sentiment"]) == 0 {
		t.Errorf("sentiment facet empty over %d matches", page.Total)
	}

	ids, total := searchAll(t, base, q+"&limit=7")
	if len(ids) != total || total != page.Total {
		t.Errorf("pages hold %d items, total says %d (first page said %d)", len(ids), total, page.Total)
	}

	// A filter narrows the same search.
	neg := search(t, base, q+"&sentiment=negative&limit=1")
	if neg.Total == 0 || neg.Total > page.Total {
		t.Errorf("negative 客服: %d of %d", neg.Total, page.Total)
	}

	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	for _, bad := range []string{`"客服 态度`, "客服 +", "tag:", "/[/", "anger:>"} {
		status, raw := call(t, "GET", base+"/v1/feedback?q="+url.QueryEscape(bad), "", &e)
		if status != 400 || e.Error.Code != "malformed_request" || !strings.HasPrefix(e.Error.Message, "q:") {
			t.Errorf("bad query %q: %d %s", bad, status, raw)
		}
	}
	status, raw := call(t, "GET", base+"/v1/feedback?"+q+"&cursor=nonsense", "", &e)
	if status/100 != 4 || !strings.HasPrefix(e.Error.Message, "cursor") {
		t.Errorf("bad cursor: %d %s", status, raw)
	}
}

// storeDirect writes n items straight to the store, as a server that
// stored them and died before indexing them would leave them.
func storeDirect(t *testing.T, dir, word string, n int) {
	t.Helper()
	db, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	items := make([]*models.Feedback, n)
	for i := range items {
		items[i] = &models.Feedback{Source: "direct", ExternalID: fmt.Sprintf("d%d", i), Text: fmt.Sprintf("第%d次申请%s，还是没有处理", i, word), CreatedAt: time.Now()}
	}
	if _, err := db.CreateFeedback(context.Background(), items); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// Items the API acknowledged and items stored but never indexed (a crash
// between the two writes) are all findable after a restart, once each.
func TestSearchCatchesUpAfterRestart(t *testing.T) {
	dir := t.TempDir()
	const word = "发票"
	base, _, stop := startServe(t, serveConfig{addr: "127.0.0.1:0", dataDir: dir, pipe: testPipeline(t)})
	waitReady(t, base)
	storeFixture(t, base, []fixtureRow{{text: "开发票太慢了"}, {text: "发票抬头错了"}, {text: "要求重开发票"}})
	deadline := time.Now().Add(10 * time.Second)
	for search(t, base, "q="+url.QueryEscape(word)).Total < 3 {
		if time.Now().After(deadline) {
			t.Fatal("stored items never became searchable")
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()

	storeDirect(t, dir, word, 5)

	base, _, stop = startServe(t, serveConfig{addr: "127.0.0.1:0", dataDir: dir, pipe: testPipeline(t)})
	defer stop()
	waitReady(t, base) // ready means caught up: no waiting for the Syncer
	ids, total := searchAll(t, base, "q="+url.QueryEscape(word)+"&limit=3")
	if total != 8 || len(ids) != 8 {
		t.Errorf("after restart %s finds %d (total %d), want 8", word, len(ids), total)
	}
}

// reindex rebuilds the index from the store, and refuses while another
// process holds it.
func TestReindex(t *testing.T) {
	dir := t.TempDir()
	storeDirect(t, dir, "退款", 12)

	out, _, err := run(t, "reindex", "--data", dir)
	if err != nil {
		t.Fatalf("reindex: %v", err)
	}
	if !strings.Contains(out, "indexed 12 items (12 stored)") || !strings.Contains(out, "the index holds 12") {
		t.Errorf("reindex said %q", out)
	}

	idx, err := index.Open(indexPath(dir), testPipeline(t))
	if err != nil {
		t.Fatal(err)
	}
	res, err := idx.Search(context.Background(), index.SearchRequest{Query: "退款"})
	if err != nil || res.Total != 12 {
		t.Errorf("search after reindex: %v %v", res, err)
	}
	_, _, err = run(t, "reindex", "--data", dir)
	if err == nil || !strings.Contains(userMessage(err), "held by another process") {
		t.Errorf("reindex beside a holder: %v", err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
}
