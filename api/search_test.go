package api_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/index"
	"github.com/voclens/voclens/textproc"
)

// Search answers, real ones from a real index, hold against the document:
// a page with highlights and facets, the next page, an empty result, and
// a query the index cannot parse (422 naming q).
func TestSearchResponsesMatchTheDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("building the segmenter takes seconds")
	}
	p, err := textproc.New(textproc.Options{})
	if err != nil {
		t.Fatalf("textproc.New: %v", err)
	}
	idx, err := index.Open(filepath.Join(t.TempDir(), "index.bleve"), p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := idx.Close(); err != nil {
			t.Error(err)
		}
	})
	s := newTestServer(t, func(c *api.Config) { c.Search = idx })
	sp := loadSpec(t, s)

	body := `{"items":[{"text":"快递太慢了，客服也不理人"},{"text":"客服态度很好"},{"text":"物流慢得离谱"}]}`
	wantStatus(t, "store", sp.check(t, s, "POST", "/v1/feedback", body), 201)
	if _, err := index.NewSyncer(idx, s.db).Sync(context.Background()); err != nil {
		t.Fatal(err)
	}

	q := "/v1/feedback?q=" + url.QueryEscape("客服")
	res := sp.check(t, s, "GET", q+"&limit=1", "")
	wantStatus(t, "search", res, http.StatusOK)
	var page struct {
		Items []struct {
			Text       string `json:"text"`
			Highlights []struct{ Start, End int }
		} `json:"items"`
		Total      int                           `json:"total"`
		Facets     map[string][]index.FacetCount `json:"facets"`
		NextCursor string                        `json:"next_cursor"`
	}
	res.decode(t, &page)
	if page.Total != 2 || len(page.Items) != 1 || len(page.Items[0].Highlights) == 0 || page.NextCursor == "" {
		t.Fatalf("search page = %+v", page)
	}
	if got := page.Facets["tag"]; len(got) == 0 {
		t.Errorf("no tag facet: %v", page.Facets)
	}
	wantStatus(t, "search page 2", sp.check(t, s, "GET", q+"&limit=1&cursor="+page.NextCursor, ""), http.StatusOK)
	wantStatus(t, "search, filtered", sp.check(t, s, "GET", q+"&severity=high&sentiment=negative", ""), http.StatusOK)
	wantStatus(t, "search, nothing found", sp.check(t, s, "GET", "/v1/feedback?q="+url.QueryEscape("发票"), ""), http.StatusOK)
	wantStatus(t, "bad query", sp.check(t, s, "GET", "/v1/feedback?q="+url.QueryEscape(`"客服`), ""), http.StatusBadRequest)
	wantStatus(t, "list cursor on a search", sp.check(t, s, "GET", q+"&cursor=nonsense", ""), http.StatusUnprocessableEntity)
	wantStatus(t, "plain list still", sp.check(t, s, "GET", "/v1/feedback?limit=2", ""), http.StatusOK)

	// The theme filter under both names; the index test holds what it finds.
	wantStatus(t, "cluster filter", sp.check(t, s, "GET", q+"&cluster=1", ""), http.StatusOK)
	wantStatus(t, "cluster alone is a search", sp.check(t, s, "GET", "/v1/feedback?cluster=1&theme=1", ""), http.StatusOK)
	for _, bad := range []string{"cluster=abc", "cluster=0", "theme=名字", "cluster=1&theme=2"} {
		res := sp.check(t, s, "GET", "/v1/feedback?"+bad, "")
		wantStatus(t, bad, res, http.StatusUnprocessableEntity)
		if field := strings.SplitN(bad, "=", 2)[0]; !strings.Contains(string(res.body), `"message":"`+field+":") {
			t.Errorf("%s: %s does not name %s", bad, res.body, field)
		}
	}
}
