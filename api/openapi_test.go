package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	legacyrouter "github.com/getkin/kin-openapi/routers/legacy"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
)

// spec is the OpenAPI document as a server serves it, ready to check
// requests and responses against.
type spec struct {
	doc    *openapi3.T
	router routers.Router
}

func loadSpec(t *testing.T, s *testServer) *spec {
	t.Helper()
	res := s.do(t, "GET", "/openapi.json", "")
	if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
		t.Fatalf("openapi.json: %d %s", res.status, res.header.Get("Content-Type"))
	}
	doc, err := openapi3.NewLoader().LoadFromData(res.body)
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI 3 document: %v", err)
	}
	router, err := legacyrouter.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &spec{doc: doc, router: router}
}

// check sends a request to s and holds the real response against the
// document: its status must be documented for the operation, its headers
// and body must match. A request the server accepted (2xx) must also be
// one the document accepts.
func (sp *spec) check(t *testing.T, s *testServer, method, path, body string, header ...string) response {
	t.Helper()
	if body != "" {
		header = append([]string{"Content-Type", "application/json"}, header...)
	}
	res := s.do(t, method, path, body, header...)

	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	route, params, err := sp.router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s: not in the document: %v", method, path, err)
	}
	opts := &openapi3filter.Options{
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true, // an undocumented status is an error
		MultiError:            true,
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if res.status/100 == 2 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Errorf("%s %s was accepted by the server but not by the document: %v", method, path, err)
		}
	}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 res.status,
		Header:                 res.header,
		Body:                   io.NopCloser(bytes.NewReader(res.body)),
		Options:                opts,
	})
	if err != nil {
		t.Errorf("%s %s → %d does not match the document: %v\nbody: %s", method, path, res.status, err, res.body)
	}
	return res
}

// wantStatus fails unless res has status, so each case below is known to
// exercise the answer it is about.
func wantStatus(t *testing.T, what string, res response, status int) {
	t.Helper()
	if res.status != status {
		t.Errorf("%s: status %d, want %d: %s", what, res.status, status, res.body)
	}
}

// The document describes exactly the routes the server registers.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	s := newTestServer(t)
	sp := loadSpec(t, s)
	param := regexp.MustCompile(`:([a-z_]+)`)
	var registered []string
	for _, r := range s.handler.Routes() {
		registered = append(registered, r.Method+" "+param.ReplaceAllString(r.Path, "{$1}"))
	}
	var documented []string
	for path, item := range sp.doc.Paths.Map() {
		for method, op := range item.Operations() {
			documented = append(documented, method+" "+path)
			public := op.Security != nil && len(*op.Security) == 0
			wantPublic := false
			for _, r := range s.handler.Routes() {
				if r.Method+" "+param.ReplaceAllString(r.Path, "{$1}") == method+" "+path {
					wantPublic = r.Access == api.AccessPublic
				}
			}
			if public != wantPublic {
				t.Errorf("%s %s: documented public=%v, the access table says %v", method, path, public, wantPublic)
			}
		}
	}
	slices.Sort(registered)
	slices.Sort(documented)
	if !slices.Equal(registered, documented) {
		t.Errorf("routes and document differ:\nregistered %v\ndocumented %v", registered, documented)
	}
}

// TestOpenAPIResponses drives every endpoint, success and error cases,
// through the real server and validates each answer against the document.
func TestOpenAPIResponses(t *testing.T) {
	s := newTestServer(t, withKeys)
	sp := loadSpec(t, s)
	_, admin := s.newKey(t, models.RoleAdmin)
	_, analyst := s.newKey(t, models.RoleAnalyst)
	_, ingest := s.newKey(t, models.RoleIngest)
	A, N, I := bearer(admin), bearer(analyst), bearer(ingest)

	wantStatus(t, "healthz", sp.check(t, s, "GET", "/healthz", ""), 200)
	wantStatus(t, "readyz", sp.check(t, s, "GET", "/readyz", ""), 200)
	wantStatus(t, "openapi", sp.check(t, s, "GET", "/openapi.json", ""), 200)
	wantStatus(t, "metrics", sp.check(t, s, "GET", "/metrics", "", I...), 200)
	wantStatus(t, "metrics without key", sp.check(t, s, "GET", "/metrics", ""), 401)

	wantStatus(t, "analyze text", sp.check(t, s, "POST", "/v1/analyze", `{"text":"垃圾，太慢了"}`, I...), 200)
	wantStatus(t, "analyze texts", sp.check(t, s, "POST", "/v1/analyze", `{"texts":["好","垃圾"]}`, I...), 200)
	wantStatus(t, "analyze empty", sp.check(t, s, "POST", "/v1/analyze", `{"text":" "}`, I...), 422)
	wantStatus(t, "analyze malformed", sp.check(t, s, "POST", "/v1/analyze", `{"text":`, I...), 400)
	wantStatus(t, "analyze unknown field", sp.check(t, s, "POST", "/v1/analyze", `{"txt":"a"}`, I...), 400)
	wantStatus(t, "analyze no key", sp.check(t, s, "POST", "/v1/analyze", `{"text":"好"}`), 401)
	wantStatus(t, "analyze bad key", sp.check(t, s, "POST", "/v1/analyze", `{"text":"好"}`, bearer("vl_WRONG")...), 401)

	items := `{"items":[{"external_id":"o1","source":"app","text":"快递太慢了","created_at":"2024-05-01T08:30:00+08:00","customer_id":"c9","meta":{"store":"上海"}},{"text":"好"}]}`
	wantStatus(t, "feedback create", sp.check(t, s, "POST", "/v1/feedback", items, I...), 201)
	wantStatus(t, "feedback again", sp.check(t, s, "POST", "/v1/feedback", `{"items":[{"external_id":"o1","source":"app","text":"快递太慢了"}]}`, I...), 200)
	wantStatus(t, "feedback bad time", sp.check(t, s, "POST", "/v1/feedback", `{"items":[{"text":"a","created_at":"yesterday"}]}`, I...), 422)
	wantStatus(t, "feedback wrong type", sp.check(t, s, "POST", "/v1/feedback", `{"items":[{"text":1}]}`, I...), 400)

	wantStatus(t, "list", sp.check(t, s, "GET", "/v1/feedback?limit=1&source=app", "", N...), 200)
	res := sp.check(t, s, "GET", "/v1/feedback?limit=1", "", N...)
	var page struct {
		NextCursor string `json:"next_cursor"`
	}
	res.decode(t, &page)
	if page.NextCursor == "" {
		t.Fatal("no next_cursor on a first page of one")
	}
	wantStatus(t, "list page 2", sp.check(t, s, "GET", "/v1/feedback?limit=1&cursor="+page.NextCursor, "", N...), 200)
	wantStatus(t, "list unknown param", sp.check(t, s, "GET", "/v1/feedback?query=x", "", N...), 400)
	wantStatus(t, "search without an index", sp.check(t, s, "GET", "/v1/feedback?q=x", "", N...), 503)
	wantStatus(t, "list bad limit", sp.check(t, s, "GET", "/v1/feedback?limit=0", "", N...), 422)
	wantStatus(t, "list as ingest", sp.check(t, s, "GET", "/v1/feedback", "", I...), 403)

	wantStatus(t, "get", sp.check(t, s, "GET", "/v1/feedback/1", "", N...), 200)
	wantStatus(t, "get missing", sp.check(t, s, "GET", "/v1/feedback/999", "", N...), 404)
	wantStatus(t, "get bad id", sp.check(t, s, "GET", "/v1/feedback/x", "", N...), 422)

	wantStatus(t, "keys list", sp.check(t, s, "GET", "/v1/keys", "", A...), 200)
	wantStatus(t, "keys list as analyst", sp.check(t, s, "GET", "/v1/keys", "", N...), 403)
	res = sp.check(t, s, "POST", "/v1/keys", `{"role":"ingest","name":"crm"}`, A...)
	wantStatus(t, "keys create", res, 201)
	var created struct{ Key models.Key }
	res.decode(t, &created)
	wantStatus(t, "keys create bad role", sp.check(t, s, "POST", "/v1/keys", `{"role":"root"}`, A...), 422)
	wantStatus(t, "keys revoke", sp.check(t, s, "DELETE", "/v1/keys/"+itoa(created.Key.ID), "", A...), 204)
	wantStatus(t, "keys revoke missing", sp.check(t, s, "DELETE", "/v1/keys/999", "", A...), 404)
	wantStatus(t, "keys revoke bad id", sp.check(t, s, "DELETE", "/v1/keys/x", "", A...), 422)
	wantStatus(t, "keys list after", sp.check(t, s, "GET", "/v1/keys", "", A...), 200) // with revoked_at, last_used_at
}

// The answers that need a differently configured server: too large,
// rate limited, still loading, and internal failures.
func TestOpenAPIOtherErrors(t *testing.T) {
	small := newTestServer(t, func(c *api.Config) { c.MaxBodyBytes = 64; c.Rate, c.Burst = 0.01, 2 })
	sp := loadSpec(t, small)
	wantStatus(t, "too large", sp.check(t, small, "POST", "/v1/analyze", `{"text":"`+strings.Repeat("好", 100)+`"}`), 413)
	sp.check(t, small, "GET", "/v1/feedback", "")
	wantStatus(t, "rate limited", sp.check(t, small, "GET", "/v1/feedback", ""), 429)

	loading := newTestServer(t, func(c *api.Config) { c.Analyzer = nil })
	wantStatus(t, "readyz loading", sp.check(t, loading, "GET", "/readyz", ""), 503)
	wantStatus(t, "analyze loading", sp.check(t, loading, "POST", "/v1/analyze", `{"text":"好"}`), 503)
	wantStatus(t, "feedback loading", sp.check(t, loading, "POST", "/v1/feedback", `{"items":[{"text":"好"}]}`), 503)

	faulty := newTestServer(t, withFaultyFeedback)
	wantStatus(t, "list fails", sp.check(t, faulty, "GET", "/v1/feedback", ""), 500)
	wantStatus(t, "get panics", sp.check(t, faulty, "GET", "/v1/feedback/1", ""), 500)

	noStore := newTestServer(t, func(c *api.Config) { c.Feedback = nil })
	wantStatus(t, "no store", sp.check(t, noStore, "GET", "/v1/feedback", ""), 503)
	wantStatus(t, "no key store", sp.check(t, noStore, "GET", "/v1/keys", ""), 503)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
