package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// xssText is a review an attacker might submit: if the console ever put
// feedback into the page as HTML, the script or the onerror handler would
// run and set window.__xss or open an alert.
const xssText = `积分清零了<script>window.__xss=1;alert("script")</script><img src=x onerror="window.__xss=2;alert('img')">太坑了`

// The analyst's loop in a real browser over the demo data: the overview,
// the spiking 积分 theme, accepting its proposal, finding the new tag on
// an item through search and confirming it there, recording a measure,
// and a review carrying markup that stays text.
func TestConsoleInBrowser(t *testing.T) {
	dir := t.TempDir()
	base := startDemo(t, dir)
	if status, _ := call(t, "POST", base+"/v1/feedback", `{"items":[{"source":"app_review","external_id":"xss-1","text":`+jsonString(xssText)+`,"created_at":"2026-11-02T09:00:00+08:00"}]}`, nil); status != 201 {
		t.Fatalf("storing the XSS fixture: %d", status)
	}

	res, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("console CSP %q", csp)
	}

	b := newBrowser(t, 1280, 800)
	shots := t.TempDir()
	type css = chromedp.CSS

	// Overview: the quadrant of tags and the rising 积分 theme.
	b.do(t, "overview",
		chromedp.Navigate(base+"/#/"),
		chromedp.WaitVisible(css(`svg .dot`)),
		chromedp.WaitVisible(css(`a.theme-link`)))
	text := b.text(t, "#app")
	for _, want := range []string{"频率 × 严重度", "高频", "上升的主题", "积分"} {
		if !strings.Contains(text, want) {
			t.Errorf("overview lacks %q:\n%.1500s", want, text)
		}
	}
	b.screenshot(t, shots, "overview", false)

	// The themes list, by growth; open the spiking 积分 theme.
	b.do(t, "themes list",
		chromedp.Navigate(base+"/#/themes?sort=growth"),
		chromedp.WaitVisible(css(`table.themes`)))
	eval[bool](t, b, `[...document.querySelectorAll('a.theme-link')].find(a => a.textContent.includes('积分')).click() || true`)
	b.do(t, "theme page",
		chromedp.WaitVisible(css(`#theme-name`)),
		chromedp.WaitVisible(css(`form.proposal`)))
	text = b.text(t, "#app")
	for _, want := range []string{"积分", "突增", "近 28 天趋势", "影响"} {
		if !strings.Contains(text, want) {
			t.Errorf("theme page lacks %q:\n%.1500s", want, text)
		}
	}
	if n := eval[int](t, b, `document.querySelectorAll('mark.angry').length`); n == 0 {
		t.Errorf("no angry word marked among the theme's examples")
	}
	b.screenshot(t, shots, "theme", false)

	// Accept its proposal under an edited name and keywords.
	b.do(t, "accept the proposal",
		chromedp.SetValue(css(`form.proposal input[name=name]`), "积分清零"),
		chromedp.SetValue(css(`form.proposal input[name=keywords]`), "积分清零，积分没了，积分显示0"),
		chromedp.Click(css(`form.proposal button.accept`)),
		chromedp.WaitVisible(css(`#flash.ok`)))
	if text := b.text(t, "#flash"); !strings.Contains(text, "已接受") || !strings.Contains(text, "积分清零") {
		t.Errorf("after accepting: %q", text)
	}
	// The page shows the theme again, now covered by the new tag.
	b.do(t, "theme after accepting", chromedp.WaitVisible(css(`a.chip[href="#/tags/%E7%A7%AF%E5%88%86%E6%B8%85%E9%9B%B6"]`)))

	// Search finds the tag on items; open one and confirm the tag there.
	// The index learns of the newly tagged items a moment after the store
	// (through its outbox), so wait for it as an analyst would.
	waitIndexed(t, base, "tag=%E7%A7%AF%E5%88%86%E6%B8%85%E9%9B%B6")
	b.do(t, "search",
		chromedp.Navigate(base+"/#/search"),
		chromedp.WaitVisible(css(`.searchbar input`)),
		chromedp.SendKeys(css(`.searchbar input`), "积分\n"),
		chromedp.WaitVisible(css(`.results li.item mark.hl`)))
	eval[bool](t, b, `[...document.querySelectorAll('.facet a')].find(a => a.textContent === '积分清零').click() || true`)
	b.do(t, "search by the new tag",
		chromedp.WaitVisible(css(`a.chip.removable`)),
		chromedp.WaitVisible(css(`.results li.item mark.hl`)))
	if text := b.text(t, ".results"); !strings.Contains(text, "积分清零") || !strings.Contains(text, "共 ") {
		t.Errorf("search results: %.1000s", text)
	}
	b.screenshot(t, shots, "search", false)
	b.do(t, "item page",
		chromedp.Click(css(`.results li.item a.item-link`)),
		chromedp.WaitVisible(css(`tr[data-tag="积分清零"] button.accept`)),
		chromedp.Click(css(`tr[data-tag="积分清零"] button.accept`)),
		chromedp.WaitVisible(css(`#verdicts li[data-tag="积分清零"][data-verdict="confirm"]`)))
	b.screenshot(t, shots, "item", false)

	// Record a measure on the new tag; its before/after comparison shows.
	b.do(t, "measure",
		chromedp.Navigate(base+"/#/tags/积分清零"),
		chromedp.WaitVisible(css(`#measure-form`)),
		chromedp.SetValue(css(`#measure-form input[name=what]`), "5.3.1 修复积分清零"),
		chromedp.SetValue(css(`#measure-form input[name=owner]`), "会员组"),
		chromedp.SetValue(css(`#measure-form input[name=date]`), "2026-10-20"),
		chromedp.Click(css(`#measure-form button[type=submit]`)),
		chromedp.WaitVisible(css(`li.measure .ba-row`)))
	if text := b.text(t, "li.measure"); !strings.Contains(text, "5.3.1 修复积分清零") || !strings.Contains(text, "会员组") || !strings.Contains(text, "之后") {
		t.Errorf("measure: %q", text)
	}
	b.screenshot(t, shots, "tag", false)

	// Import a small CSV: upload, the columns guessed from their names,
	// progress, and the report (one row without text is skipped).
	csvPath := filepath.Join(t.TempDir(), "问卷.csv")
	csvText := "编号,评价,时间\nQ-1,客服态度太差了，等了半小时没人理,2026-10-30 10:00:00\nQ-2,,2026-10-30 11:00:00\nQ-3,物流很快，包装也好,2026-10-31 09:30:00\n"
	if err := os.WriteFile(csvPath, []byte(csvText), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do(t, "import",
		chromedp.Navigate(base+"/#/import"),
		chromedp.WaitVisible(css(`input[type=file]`)),
		chromedp.SetUploadFiles(css(`input[type=file]`), []string{csvPath}),
		chromedp.WaitVisible(css(`form.import-form select[name=text_col]`)),
		chromedp.SetValue(css(`form.import-form input[name=source]`), "survey_upload"),
		chromedp.Click(css(`form.import-form button[type=submit]`)),
		chromedp.WaitVisible(css(`#import-status .report`)))
	if text := b.text(t, "#import-status"); !strings.Contains(text, "完成") || !strings.Contains(text, "新导入") {
		t.Errorf("import status: %q", text)
	}
	if n := eval[string](t, b, `document.querySelector('form.import-form select[name=text_col]').value`); n != "评价" {
		t.Errorf("text column guessed as %q", n)
	}
	var imported struct {
		Items []struct {
			ExternalID string `json:"external_id"`
		} `json:"items"`
	}
	call(t, "GET", base+"/v1/feedback?source=survey_upload", "", &imported)
	if len(imported.Items) != 2 || imported.Items[0].ExternalID != "Q-1" {
		t.Errorf("imported through the console: %+v, want Q-1 and Q-3", imported.Items)
	}

	// The review with markup is found and shown as text, and nothing ran.
	b.do(t, "xss fixture",
		chromedp.Navigate(base+"/#/search?q=太坑了"),
		chromedp.WaitVisible(css(`.results li.item`)),
		chromedp.Navigate(base+"/#/items/"+itoa(xssItemID(t, base))),
		chromedp.WaitVisible(css(`#feedback-text`)),
		chromedp.Sleep(300*time.Millisecond)) // an onerror would have fired by now
	if text := b.text(t, "#feedback-text"); !strings.Contains(text, "<script>") || !strings.Contains(text, "onerror") {
		t.Errorf("the fixture is not shown as text: %q", text)
	}
	if n := eval[int](t, b, `document.querySelectorAll('#app img, #app script, script:not([src])').length`); n != 0 {
		t.Errorf("%d injected elements in the page", n)
	}
	if x := eval[string](t, b, `String(window.__xss)`); x != "undefined" {
		t.Errorf("window.__xss = %s: the fixture's code ran", x)
	}
	if d := b.dialogsSeen(); len(d) != 0 {
		t.Errorf("dialogs opened: %q", d)
	}
	t.Logf("screenshots in %s", shots)
}

// waitIndexed waits until a search with the query string qs finds items.
func waitIndexed(t *testing.T, base, qs string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var page struct {
			Total int `json:"total"`
		}
		call(t, "GET", base+"/v1/feedback?q=&"+qs, "", &page)
		if page.Total > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("search for %s finds nothing after 30 s", qs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// xssItemID finds the fixture through the API.
func xssItemID(t *testing.T, base string) int64 {
	var page struct {
		Items []struct {
			ID         int64  `json:"id"`
			ExternalID string `json:"external_id"`
		} `json:"items"`
	}
	call(t, "GET", base+"/v1/feedback?source=app_review&limit=500", "", &page)
	for _, it := range page.Items {
		if it.ExternalID == "xss-1" {
			return it.ID
		}
	}
	t.Fatal("the XSS fixture is not stored")
	return 0
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// prepareScreenshots accepts the 积分 proposal, trains and activates a
// model through a retrain job, and records a measure, so the pages have
// something to show.
func prepareScreenshots(t *testing.T, base string) {
	t.Helper()
	var props struct {
		Proposals []struct {
			ID int64 `json:"id"`
		} `json:"proposals"`
	}
	call(t, "GET", base+"/v1/proposals", "", &props)
	for _, p := range props.Proposals {
		if status, body := call(t, "POST", base+"/v1/proposals/"+itoa(p.ID)+"/accept", `{"name":"积分清零","keywords":["积分清零","积分没了","积分显示0"]}`, nil); status != 200 {
			t.Fatalf("accept: %d %s", status, body)
		}
		break
	}
	var job struct {
		Job struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
			Error  string `json:"error"`
		} `json:"job"`
	}
	if status, body := call(t, "POST", base+"/v1/jobs", `{"kind":"retrain","params":{}}`, &job); status != 202 {
		t.Fatalf("retrain: %d %s", status, body)
	}
	for deadline := time.Now().Add(2 * time.Minute); job.Job.Status != "succeeded"; time.Sleep(200 * time.Millisecond) {
		call(t, "GET", base+"/v1/jobs/"+itoa(job.Job.ID), "", &job)
		if job.Job.Status == "failed" || job.Job.Status == "canceled" || time.Now().After(deadline) {
			t.Fatalf("retrain job: %s %s", job.Job.Status, job.Job.Error)
		}
	}
	m := `{"target_kind":"tag","target":"积分清零","what":"5.3.1 修复积分显示并补发积分","owner":"会员组","due_date":"2026-10-25","status":"done","date":"2026-10-20"}`
	if status, body := call(t, "POST", base+"/v1/measures", m, nil); status != 201 {
		t.Fatalf("measure: %d %s", status, body)
	}
}

// screenshotPages are the console's pages as the README shows them.
var screenshotPages = []struct{ name, route, ready string }{
	{"overview", "#/", "svg .dot"},
	{"themes", "#/themes?sort=growth", "table.themes"},
	{"theme", "", "#theme-name"}, // filled in with the 积分 theme
	{"proposals", "#/proposals", "h1"},
	{"search", "#/search?q=积分", ".results li.item"},
	{"item", "", "#feedback-text"},
	{"tag", "#/tags/积分清零", ".measures"},
	{"measures", "#/measures", "h1"},
	{"taxonomy", "#/taxonomy", ".tag-editor"},
	{"models", "#/models", "h1"},
	{"jobs", "#/jobs", "h1"},
	{"import", "#/import", "input[type=file]"},
}

// With VOCLENS_SCREENSHOTS=docs/screenshots (relative to the repository),
// every page is saved at 1280×800 and 390×844 for the README; otherwise
// into a temporary directory, so the run still proves each page renders
// at both sizes.
func TestConsoleScreenshots(t *testing.T) {
	dir, small := t.TempDir(), false
	if d := os.Getenv("VOCLENS_SCREENSHOTS"); d != "" {
		dir, small = d, true
		if !filepath.IsAbs(dir) {
			dir = filepath.Join("..", "..", dir)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	base := startDemo(t, t.TempDir())
	var themes struct {
		Clusters []struct {
			ID       int64  `json:"id"`
			Label    string `json:"label"`
			Proposal *struct {
				ID       int64   `json:"id"`
				Examples []int64 `json:"examples"`
			} `json:"proposal"`
		} `json:"clusters"`
	}
	call(t, "GET", base+"/v1/clusters", "", &themes)
	themeRoute, itemRoute := "", ""
	for _, c := range themes.Clusters {
		if strings.Contains(c.Label, "积分") && c.Proposal != nil {
			themeRoute = "#/themes/" + itoa(c.ID)
			itemRoute = "#/items/" + itoa(c.Proposal.Examples[0])
		}
	}
	if themeRoute == "" {
		t.Fatal("no 积分 theme with a proposal in the demo")
	}
	// The pages show the state after an analyst's first round: the theme
	// accepted as a tag, a model trained on it, a measure recorded.
	prepareScreenshots(t, base)
	for _, size := range []struct {
		suffix string
		w, h   int
	}{{"1280", 1280, 800}, {"390", 390, 844}} {
		b := newBrowser(t, size.w, size.h)
		for _, p := range screenshotPages {
			route := p.route
			switch p.name {
			case "theme":
				route = themeRoute
			case "item":
				route = itemRoute
			}
			b.do(t, p.name+" at "+size.suffix,
				chromedp.Navigate(base+"/"+route),
				chromedp.WaitVisible(chromedp.CSS(p.ready)),
				chromedp.Sleep(150*time.Millisecond)) // late parts (examples) settle
			if eval[bool](t, b, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
				t.Errorf("%s at %dpx: the page scrolls sideways", p.name, size.w)
			}
			b.screenshot(t, dir, p.name+"-"+size.suffix, small)
		}
	}
	t.Logf("screenshots in %s", dir)
}
