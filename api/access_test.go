package api_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

// withKeys turns authentication on, over the test server's own store.
func withKeys(c *api.Config) { c.Keys = c.Feedback.(*store.DB) }

// newKey makes a key in the server's store and returns its token.
func (s *testServer) newKey(t *testing.T, role string) (*models.Key, string) {
	t.Helper()
	k, token, err := s.db.CreateKey(context.Background(), role, "test "+role)
	if err != nil {
		t.Fatalf("CreateKey(%s): %v", role, err)
	}
	return k, token
}

func bearer(token string) []string { return []string{"Authorization", "Bearer " + token} }

// pathParam fills gin's :name segments with an id no row has, so the
// matrix below reaches each handler without changing anything (DELETE
// /v1/keys/:id must not revoke the key making the request).
var pathParam = regexp.MustCompile(`:[a-z_]+`)

func concretePath(template string) string { return pathParam.ReplaceAllString(template, "999999") }

func TestEveryRouteHasAnAccessRule(t *testing.T) {
	s := newTestServer(t, withKeys)
	seen := map[string]bool{}
	for _, r := range s.handler.Routes() {
		if r.Access == "" {
			t.Errorf("%s %s has no row in routeAccess: it is refused to everyone", r.Method, r.Path)
			continue
		}
		seen[r.Access] = true
	}
	// Every route class exists, so the matrix below covers them all.
	for _, a := range append([]string{api.AccessPublic}, models.Roles...) {
		if !seen[a] {
			t.Errorf("no registered route needs %q", a)
		}
	}
}

// TestAuthMatrix sends every registered route each role's key, no key, a
// revoked key and a malformed header: a role below the route's answers
// 403, one at or above it gets past authorization (whatever the handler
// then says about the empty input), and no valid key is 401.
func TestAuthMatrix(t *testing.T) {
	s := newTestServer(t, withKeys)
	tokens := map[string]string{}
	for _, role := range models.Roles {
		_, tokens[role] = s.newKey(t, role)
	}
	revokedKey, revoked := s.newKey(t, models.RoleAdmin)
	if err := s.db.RevokeKey(context.Background(), revokedKey.ID); err != nil {
		t.Fatal(err)
	}
	rank := func(r string) int { return slices.Index(models.Roles, r) }

	for _, r := range s.handler.Routes() {
		path := concretePath(r.Path)
		body := ""
		if r.Method == "POST" || r.Method == "PUT" || r.Method == "PATCH" {
			body = "{}"
		}
		name := r.Method + " " + r.Path
		if r.Access == api.AccessPublic {
			if res := s.do(t, r.Method, path, body); res.status == 401 || res.status == 403 {
				t.Errorf("%s is public but answered %d without a key", name, res.status)
			}
			continue
		}
		for _, role := range models.Roles {
			res := s.do(t, r.Method, path, body, bearer(tokens[role])...)
			allowed := rank(role) >= rank(r.Access)
			switch {
			case allowed && (res.status == 401 || res.status == 403):
				t.Errorf("%s as %s: %d %s, want it allowed", name, role, res.status, res.body)
			case !allowed && res.status != http.StatusForbidden:
				t.Errorf("%s as %s: %d, want 403", name, role, res.status)
			case !allowed:
				if code, msg := res.apiError(t); code != models.EFORBIDDEN || !strings.Contains(msg, r.Access) {
					t.Errorf("%s as %s: %s %q", name, role, code, msg)
				}
			}
		}
		for _, tc := range []struct {
			what      string
			header    []string
			challenge string
		}{
			{"no key", nil, `Bearer realm="voclens"`},
			{"revoked key", bearer(revoked), `Bearer realm="voclens", error="invalid_token"`},
			{"unknown key", bearer("vl_AAAAAAAAAAAAAAAAAAAAAAAAAA"), `Bearer realm="voclens", error="invalid_token"`},
			{"basic auth", []string{"Authorization", "Basic dm9jbGVuczpzZWNyZXQ="}, `Bearer realm="voclens", error="invalid_request"`},
			{"empty bearer", []string{"Authorization", "Bearer "}, `Bearer realm="voclens", error="invalid_request"`},
		} {
			res := s.do(t, r.Method, path, body, tc.header...)
			if res.status != http.StatusUnauthorized {
				t.Errorf("%s with %s: %d, want 401", name, tc.what, res.status)
				continue
			}
			if code, _ := res.apiError(t); code != models.EUNAUTHORIZED {
				t.Errorf("%s with %s: code %q", name, tc.what, code)
			}
			if got := res.header.Get("WWW-Authenticate"); got != tc.challenge {
				t.Errorf("%s with %s: WWW-Authenticate %q, want %q", name, tc.what, got, tc.challenge)
			}
		}
	}
}

// The scheme is case-insensitive (RFC 7235) and an admin may act on every
// class of route for real, not only get past the check.
func TestAuthAllowsRealWork(t *testing.T) {
	s := newTestServer(t, withKeys)
	_, admin := s.newKey(t, models.RoleAdmin)
	_, ingest := s.newKey(t, models.RoleIngest)

	res := s.do(t, "POST", "/v1/feedback", `{"items":[{"text":"太慢了"}]}`, "Authorization", "bearer "+ingest)
	if res.status != http.StatusCreated {
		t.Fatalf("ingest stores feedback: %d %s", res.status, res.body)
	}
	if res := s.do(t, "GET", "/v1/feedback/1", "", bearer(ingest)...); res.status != http.StatusForbidden {
		t.Errorf("ingest reads feedback: %d, want 403", res.status)
	}
	if res := s.do(t, "GET", "/v1/feedback/1", "", bearer(admin)...); res.status != http.StatusOK {
		t.Errorf("admin reads feedback: %d %s", res.status, res.body)
	}
}

// With keys configured but none ever made, the server is in open mode:
// keyless requests pass. The first key ends it at once, even one made
// behind the server's back (by the CLI, in another process).
func TestOpenModeEndsWithTheFirstKey(t *testing.T) {
	s := newTestServer(t, withKeys)
	for _, path := range []string{"/v1/feedback", "/v1/keys", "/metrics"} {
		if res := s.do(t, "GET", path, ""); res.status != http.StatusOK {
			t.Errorf("open mode: GET %s = %d %s", path, res.status, res.body)
		}
	}
	// A key that is sent is checked even now.
	if res := s.do(t, "GET", "/v1/feedback", "", bearer("vl_NOTAKEY")...); res.status != http.StatusUnauthorized {
		t.Errorf("open mode, bad key: %d, want 401", res.status)
	}

	_, token := s.newKey(t, models.RoleAnalyst)
	if res := s.do(t, "GET", "/v1/feedback", ""); res.status != http.StatusUnauthorized {
		t.Errorf("after the first key, no key: %d, want 401", res.status)
	}
	if res := s.do(t, "GET", "/v1/feedback", "", bearer(token)...); res.status != http.StatusOK {
		t.Errorf("after the first key, with it: %d", res.status)
	}
	if !strings.Contains(s.logs.String(), "open mode is over") {
		t.Error("the end of open mode was not logged")
	}
	// Revoking every key does not reopen the server.
	keys, _ := s.db.ListKeys(context.Background())
	for _, k := range keys {
		s.db.RevokeKey(context.Background(), k.ID)
	}
	if res := s.do(t, "GET", "/v1/feedback", ""); res.status != http.StatusUnauthorized {
		t.Errorf("all keys revoked, no key: %d, want 401", res.status)
	}
}

// Without a key service at all (Config.Keys nil) every route is open, and
// a key header changes nothing: there is nothing to check it against.
func TestNoKeyServiceIsOpen(t *testing.T) {
	s := newTestServer(t)
	for _, h := range [][]string{nil, bearer("vl_ANYTHING")} {
		if res := s.do(t, "GET", "/v1/feedback", "", h...); res.status != http.StatusOK {
			t.Errorf("GET /v1/feedback %v: %d", h, res.status)
		}
	}
	if res := s.do(t, "GET", "/v1/keys", ""); res.status != http.StatusServiceUnavailable {
		t.Errorf("GET /v1/keys without a key store: %d, want 503", res.status)
	}
}

// The keys routes: the token is in the create answer and nowhere after.
func TestKeysRoutes(t *testing.T) {
	s := newTestServer(t, withKeys)
	_, admin := s.newKey(t, models.RoleAdmin)

	res := s.do(t, "POST", "/v1/keys", `{"role":"ingest","name":"crm"}`, bearer(admin)...)
	if res.status != http.StatusCreated {
		t.Fatalf("create: %d %s", res.status, res.body)
	}
	if cc := res.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	var created struct {
		Key   models.Key `json:"key"`
		Token string     `json:"token"`
	}
	res.decode(t, &created)
	if created.Key.Role != models.RoleIngest || created.Key.Name != "crm" || !strings.HasPrefix(created.Token, "vl_") {
		t.Fatalf("created = %+v", created)
	}
	if res := s.do(t, "POST", "/v1/analyze", `{"text":"好"}`, bearer(created.Token)...); res.status != http.StatusOK {
		t.Errorf("the new key cannot analyze: %d", res.status)
	}

	res = s.do(t, "GET", "/v1/keys", "", bearer(admin)...)
	if res.status != http.StatusOK || strings.Contains(string(res.body), created.Token) {
		t.Fatalf("list: %d %s", res.status, res.body)
	}
	var list struct{ Keys []models.Key }
	res.decode(t, &list)
	if len(list.Keys) != 2 || list.Keys[1].LastUsedAt.IsZero() {
		t.Errorf("list = %+v", list.Keys)
	}

	for _, tc := range []struct {
		body string
		code string
	}{
		{`{"role":"root"}`, models.EINVALID},
		{`{"name":"x"}`, models.EINVALID},
		{`{"role":"admin","token":"vl_MINE"}`, models.EMALFORMED},
	} {
		res := s.do(t, "POST", "/v1/keys", tc.body, bearer(admin)...)
		if code, _ := res.apiError(t); code != tc.code {
			t.Errorf("create %s: %d %s, want %s", tc.body, res.status, code, tc.code)
		}
	}

	path := "/v1/keys/" + strconv.FormatInt(created.Key.ID, 10)
	if res := s.do(t, "DELETE", path, "", bearer(admin)...); res.status != http.StatusNoContent || len(res.body) != 0 {
		t.Fatalf("revoke: %d %s", res.status, res.body)
	}
	if res := s.do(t, "POST", "/v1/analyze", `{"text":"好"}`, bearer(created.Token)...); res.status != http.StatusUnauthorized {
		t.Errorf("revoked key: %d, want 401", res.status)
	}
	if res := s.do(t, "DELETE", path, "", bearer(admin)...); res.status != http.StatusNoContent {
		t.Errorf("revoking again: %d, want 204", res.status)
	}
	for p, want := range map[string]int{"/v1/keys/424242": 404, "/v1/keys/abc": 422, "/v1/keys/0": 422} {
		if res := s.do(t, "DELETE", p, "", bearer(admin)...); res.status != want {
			t.Errorf("DELETE %s: %d, want %d", p, res.status, want)
		}
	}
}

// No key, valid or not, ever reaches the log: not in access lines, not in
// error lines, not when it is malformed, not when it is created through
// the API, not when the store fails behind it.
func TestKeysNeverLogged(t *testing.T) {
	s := newTestServer(t, withKeys, withFaultyFeedback)
	_, admin := s.newKey(t, models.RoleAdmin)
	revokedKey, revoked := s.newKey(t, models.RoleIngest)
	s.db.RevokeKey(context.Background(), revokedKey.ID)

	res := s.do(t, "POST", "/v1/keys", `{"role":"analyst"}`, bearer(admin)...)
	var created struct{ Token string }
	res.decode(t, &created)
	secrets := []string{admin, revoked, created.Token, "vl_GUESSEDGUESSEDGUESSED", "NotEvenAKey"}

	for _, r := range []struct {
		method, path, body string
		header             []string
	}{
		{"GET", "/v1/feedback", "", bearer(admin)},     // store fails: 500 with an error line
		{"GET", "/v1/feedback/1", "", bearer(admin)},   // store panics
		{"GET", "/v1/keys", "", bearer(created.Token)}, // 403
		{"GET", "/v1/keys", "", bearer(revoked)},       // 401
		{"GET", "/v1/keys", "", bearer(secrets[3])},    // 401
		{"GET", "/v1/keys", "", []string{"Authorization", "Token " + secrets[4]}},
		{"GET", "/v1/keys?key=" + admin, "", bearer(admin)},
		{"POST", "/v1/analyze", `{"text":"好"}`, bearer(created.Token)},
		{"GET", "/nowhere", "", bearer(admin)},
	} {
		s.do(t, r.method, r.path, r.body, r.header...)
	}
	logs := s.logs.String()
	if !strings.Contains(logs, `"key_id"`) {
		t.Error("the access log does not say which key acted")
	}
	for _, secret := range secrets {
		// The random part alone, in case something trimmed the prefix.
		if strings.Contains(logs, strings.TrimPrefix(secret, "vl_")) {
			t.Errorf("the log holds a key:\n%s", logs)
		}
	}
}

// TestRouteClasses pins the decisions the matrix above takes as given:
// who may call the routes that exist today, and the rule that an analyst
// reads everything but the keys.
func TestRouteClasses(t *testing.T) {
	want := map[string]string{
		"GET /healthz":         api.AccessPublic,
		"GET /readyz":          api.AccessPublic,
		"GET /openapi.json":    api.AccessPublic,
		"GET /metrics":         models.RoleIngest,
		"POST /v1/analyze":     models.RoleIngest,
		"POST /v1/feedback":    models.RoleIngest,
		"GET /v1/feedback":     models.RoleAnalyst,
		"GET /v1/feedback/:id": models.RoleAnalyst,
		"GET /v1/keys":         models.RoleAdmin,
		"POST /v1/keys":        models.RoleAdmin,
		"DELETE /v1/keys/:id":  models.RoleAdmin,
	}
	s := newTestServer(t)
	for _, r := range s.handler.Routes() {
		name := r.Method + " " + r.Path
		if w, ok := want[name]; ok && r.Access != w {
			t.Errorf("%s needs %q, want %q", name, r.Access, w)
		}
		readsData := r.Method == "GET" && strings.HasPrefix(r.Path, "/v1/") && !strings.HasPrefix(r.Path, "/v1/keys")
		if readsData && r.Access != models.RoleAnalyst && r.Access != models.RoleIngest {
			t.Errorf("%s needs %q: an analyst must be able to read it", name, r.Access)
		}
	}
}
