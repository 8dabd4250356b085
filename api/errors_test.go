package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/voclens/voclens/models"
)

// TestBadInput sends every kind of bad request we know of and checks the
// status, the one error shape, a message that names the field, and that
// nothing stored changed.
func TestBadInput(t *testing.T) {
	s := newTestServer(t)
	seed := s.do(t, "POST", "/v1/feedback", `{"items":[{"external_id":"a","text":"太慢了"},{"external_id":"b","text":"很好"}]}`)
	if seed.status != http.StatusCreated {
		t.Fatalf("seed: status %d: %s", seed.status, seed.body)
	}

	texts := func(n int) string {
		ts := make([]string, n)
		for i := range ts {
			ts[i] = "快递太慢"
		}
		return mustJSON(t, map[string]any{"texts": ts})
	}
	items := func(n int) string {
		its := make([]map[string]string, n)
		for i := range its {
			its[i] = map[string]string{"text": "快递太慢", "external_id": fmt.Sprint("bulk-", i)}
		}
		return mustJSON(t, map[string]any{"items": its})
	}
	tooLong := mustJSON(t, map[string]string{"text": strings.Repeat("好", models.MaxTextRunes+1)})
	tenMB := `{"text":"` + strings.Repeat("a", 10<<20) + `"}`

	tests := []struct {
		name         string
		method, path string
		body         string
		status       int
		code         string
		message      string // the message must start with this
	}{
		// Bodies that are not JSON at all.
		{"truncated JSON", "POST", "/v1/analyze", `{"text": "好"`, 400, models.EMALFORMED, "body: invalid JSON at offset 14"},
		{"syntax error", "POST", "/v1/analyze", `{"text": '好'}`, 400, models.EMALFORMED, "body: invalid JSON at offset 9: invalid character '\\'' looking for beginning of value"},
		{"garbage after the object", "POST", "/v1/analyze", `{"text":"好"} x`, 400, models.EMALFORMED, "body: invalid JSON at offset 15"},
		{"empty body", "POST", "/v1/analyze", ``, 400, models.EMALFORMED, "body: empty"},
		{"two objects", "POST", "/v1/analyze", `{"text":"好"} {"text":"好"}`, 400, models.EMALFORMED, "body: unexpected data after the JSON object at offset 15"},
		{"array body", "POST", "/v1/analyze", `["好"]`, 400, models.EMALFORMED, "body: expected JSON object"},

		// Wrong JSON types name the field and what it should be.
		{"texts is a string", "POST", "/v1/analyze", `{"texts":"好"}`, 400, models.EMALFORMED, "texts: expected array of strings"},
		{"texts holds a number", "POST", "/v1/analyze", `{"texts":["好",1]}`, 400, models.EMALFORMED, "texts: expected array of strings"},
		{"text is a number", "POST", "/v1/analyze", `{"text":5}`, 400, models.EMALFORMED, "text: expected string"},
		{"items is an object", "POST", "/v1/feedback", `{"items":{"text":"好"}}`, 400, models.EMALFORMED, "items: expected array"},
		{"item is a string", "POST", "/v1/feedback", `{"items":[{"text":"好"},"好"]}`, 400, models.EMALFORMED, "items[1]: expected JSON object"},
		{"item is null", "POST", "/v1/feedback", `{"items":[null]}`, 400, models.EMALFORMED, "items[0]: expected JSON object"},
		{"meta value is a number", "POST", "/v1/feedback", `{"items":[{"text":"好","meta":{"order":1}}]}`, 400, models.EMALFORMED, "items[0].meta: expected object with string values"},

		// Unknown fields are refused, not ignored.
		{"unknown field", "POST", "/v1/analyze", `{"txt":"好"}`, 400, models.EMALFORMED, "txt: unknown field"},
		{"unknown item field", "POST", "/v1/feedback", `{"items":[{"text":"好"},{"text":"好","create_at":"2024-05-01T00:00:00Z"}]}`, 400, models.EMALFORMED, "items[1].create_at: unknown field"},

		// Values that parse but are not acceptable.
		{"empty text", "POST", "/v1/analyze", `{"text":""}`, 422, models.EINVALID, "text: must not be empty"},
		{"whitespace-only text", "POST", "/v1/analyze", `{"text":" \n\t\u3000 "}`, 422, models.EINVALID, "text: must not be empty"},
		{"empty text in batch", "POST", "/v1/analyze", `{"texts":["好","好","好","  "]}`, 422, models.EINVALID, "texts[3]: must not be empty"},
		{"text and texts", "POST", "/v1/analyze", `{"text":"好","texts":["好"]}`, 422, models.EINVALID, "texts: give either text or texts, not both"},
		{"neither text nor texts", "POST", "/v1/analyze", `{}`, 422, models.EINVALID, "text: required"},
		{"null text", "POST", "/v1/analyze", `{"text":null}`, 422, models.EINVALID, "text: required"},
		{"empty texts", "POST", "/v1/analyze", `{"texts":[]}`, 422, models.EINVALID, "texts: must contain at least one text"},
		{"1001 texts", "POST", "/v1/analyze", texts(1001), 422, models.EINVALID, "texts: at most 1000 texts per request (got 1001)"},
		{"text over the rune limit", "POST", "/v1/analyze", tooLong, 422, models.EINVALID, "text: must be at most 20000 characters (got 20001)"},
		{"10 MB body", "POST", "/v1/analyze", tenMB, 413, models.ETOOLARGE, "body: larger than the limit of 8388608 bytes"},
		{"10 MB feedback body", "POST", "/v1/feedback", tenMB, 413, models.ETOOLARGE, "body: larger than"},
		{"10 MB that is not even JSON", "POST", "/v1/analyze", strings.Repeat("a", 10<<20), 413, models.ETOOLARGE, "body: larger than the limit of 8388608 bytes"},

		// POST /v1/feedback: a bad item anywhere stores nothing.
		{"no items", "POST", "/v1/feedback", `{"items":[]}`, 422, models.EINVALID, "items: must contain at least one item"},
		{"items missing", "POST", "/v1/feedback", `{}`, 422, models.EINVALID, "items: must contain at least one item"},
		{"1001 items", "POST", "/v1/feedback", items(1001), 422, models.EINVALID, "items: at most 1000 items per request (got 1001)"},
		{"bad created_at", "POST", "/v1/feedback", `{"items":[{"text":"好"},{"text":"好"},{"text":"好","created_at":"2024-05-01 08:00"}]}`, 422, models.EINVALID, "items[2].created_at: not RFC 3339"},
		{"empty item text", "POST", "/v1/feedback", `{"items":[{"text":"好","external_id":"new-1"},{"text":" "}]}`, 422, models.EINVALID, "items[1].text: must not be empty"},
		{"source too long", "POST", "/v1/feedback", `{"items":[{"text":"好","source":"` + strings.Repeat("s", models.MaxSourceLen+1) + `"}]}`, 422, models.EINVALID, "items[0].source: must be at most 64 characters"},
		{"external_id too long", "POST", "/v1/feedback", `{"items":[{"text":"好","external_id":"` + strings.Repeat("x", models.MaxExternalIDLen+1) + `"}]}`, 422, models.EINVALID, "items[0].external_id: must be at most 256 characters"},
		{"empty meta key", "POST", "/v1/feedback", `{"items":[{"text":"好","meta":{"":"x"}}]}`, 422, models.EINVALID, "items[0].meta: keys must not be empty"},

		// Reads.
		{"unknown id", "GET", "/v1/feedback/999999", ``, 404, models.ENOTFOUND, "feedback 999999 not found"},
		{"non-numeric id", "GET", "/v1/feedback/abc", ``, 422, models.EINVALID, "id: must be a positive integer"},
		{"zero id", "GET", "/v1/feedback/0", ``, 422, models.EINVALID, "id: must be a positive integer"},
		{"bad cursor", "GET", "/v1/feedback?cursor=not-a-cursor", ``, 422, models.EINVALID, "cursor: "},
		{"cursor of another scheme", "GET", "/v1/feedback?cursor=MTI", ``, 422, models.EINVALID, "cursor: "},
		{"limit zero", "GET", "/v1/feedback?limit=0", ``, 422, models.EINVALID, "limit: must be an integer from 1 to 500"},
		{"limit not a number", "GET", "/v1/feedback?limit=ten", ``, 422, models.EINVALID, "limit: "},
		{"bad from", "GET", "/v1/feedback?from=yesterday", ``, 422, models.EINVALID, "from: not RFC 3339 or YYYY-MM-DD"},
		{"from after to", "GET", "/v1/feedback?from=2024-05-02&to=2024-05-01", ``, 422, models.EINVALID, "from: "},
		{"bad sentiment", "GET", "/v1/feedback?sentiment=angry", ``, 422, models.EINVALID, "sentiment: must be one of"},
		{"unknown query parameter", "GET", "/v1/feedback?query=退款", ``, 400, models.EMALFORMED, "query: unknown query parameter"},

		// Routing.
		{"unknown route", "GET", "/v1/nothing", ``, 404, models.ENOTFOUND, "no route for GET /v1/nothing"},
		{"trailing slash", "POST", "/v1/analyze/", `{"text":"好"}`, 404, models.ENOTFOUND, "no route for POST /v1/analyze/"},
		{"wrong method", "DELETE", "/v1/analyze", ``, 405, "method_not_allowed", "method DELETE not allowed on /v1/analyze"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.count(t)
			res := s.do(t, tt.method, tt.path, tt.body)
			if res.status != tt.status {
				t.Errorf("status = %d, want %d (body %.300s)", res.status, tt.status, res.body)
			}
			code, msg := res.apiError(t)
			if code != tt.code {
				t.Errorf("code = %q, want %q", code, tt.code)
			}
			if !strings.HasPrefix(msg, tt.message) {
				t.Errorf("message = %q, want it to start with %q", msg, tt.message)
			}
			if res.header.Get("X-Request-ID") == "" {
				t.Error("no X-Request-ID on the error response")
			}
			if after := s.count(t); after != before {
				t.Errorf("stored items changed from %d to %d", before, after)
			}
		})
	}
}

func TestMethodNotAllowedListsAllowedMethods(t *testing.T) {
	s := newTestServer(t)
	res := s.do(t, "PUT", "/v1/feedback", `{}`)
	if res.status != http.StatusMethodNotAllowed {
		t.Fatalf("status = %d, want 405", res.status)
	}
	if got := res.header.Get("Allow"); !strings.Contains(got, "GET") || !strings.Contains(got, "POST") {
		t.Errorf("Allow = %q, want GET and POST", got)
	}
}
