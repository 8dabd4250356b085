package alerts_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voclens/voclens/alerts"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "voclens.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// receiver is a local stand-in for a chat platform: it checks each
// request the way the platform would (format, signature) and counts the
// messages it accepted.
type receiver struct {
	t    *testing.T
	srv  *httptest.Server
	mu   sync.Mutex
	hits int      // requests, accepted or not
	got  []string // titles of accepted messages
	// fail answers the first requests with this status (then succeeds).
	failFirst, failStatus int
	check                 func(r *http.Request, body []byte) (title string, err error)
	ok                    string // the platform's success body
}

func newReceiver(t *testing.T, ok string, check func(r *http.Request, body []byte) (string, error)) *receiver {
	rc := &receiver{t: t, check: check, ok: ok}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.hits++
		if rc.hits <= rc.failFirst {
			w.WriteHeader(rc.failStatus)
			return
		}
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s with Content-Type %q", r.Method, r.Header.Get("Content-Type"))
		}
		title, err := rc.check(r, body)
		if err != nil {
			t.Errorf("receiver refused %s: %v\n%s", r.URL.Path, err, body)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		rc.got = append(rc.got, title)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, rc.ok)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) counts() (hits int, got []string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.hits, append([]string(nil), rc.got...)
}

func hmacSHA256(key, msg string) []byte {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// fresh checks a signature's timestamp is within an hour, as the
// platforms require.
func fresh(ts int64, unit time.Duration) error {
	if d := time.Since(time.Unix(0, ts*int64(unit))); d > time.Hour || d < -time.Hour {
		return fmt.Errorf("timestamp %d is %v off", ts, d)
	}
	return nil
}

const secret = "SECtest-secret-不要外传"

// feishuReceiver checks a custom-bot message: msg_type and content, and
// sign = base64(HMAC-SHA256 keyed by "timestamp\nsecret" over nothing).
func feishuReceiver(t *testing.T) *receiver {
	return newReceiver(t, `{"code":0,"msg":"success","data":{}}`, func(r *http.Request, body []byte) (string, error) {
		var m struct {
			Timestamp string `json:"timestamp"`
			Sign      string `json:"sign"`
			MsgType   string `json:"msg_type"`
			Content   struct {
				Post map[string]struct {
					Title   string                `json:"title"`
					Content [][]map[string]string `json:"content"`
				} `json:"post"`
			} `json:"content"`
		}
		if err := json.Unmarshal(body, &m); err != nil {
			return "", err
		}
		ts, err := strconv.ParseInt(m.Timestamp, 10, 64)
		if err != nil {
			return "", fmt.Errorf("timestamp %q", m.Timestamp)
		}
		if err := fresh(ts, time.Second); err != nil {
			return "", err
		}
		if want := base64.StdEncoding.EncodeToString(hmacSHA256(m.Timestamp+"\n"+secret, "")); m.Sign != want {
			return "", fmt.Errorf("sign %q, want %q", m.Sign, want)
		}
		zh, ok := m.Content.Post["zh_cn"]
		if m.MsgType != "post" || !ok || zh.Title == "" || len(zh.Content) == 0 || zh.Content[0][0]["tag"] != "text" {
			return "", fmt.Errorf("not a post message")
		}
		return zh.Title, nil
	})
}

// dingTalkReceiver checks a robot message: timestamp (ms) and sign in the
// URL, sign = base64(HMAC-SHA256(secret, "timestamp\nsecret")), markdown.
func dingTalkReceiver(t *testing.T) *receiver {
	return newReceiver(t, `{"errcode":0,"errmsg":"ok"}`, func(r *http.Request, body []byte) (string, error) {
		q := r.URL.Query()
		if q.Get("access_token") != "dt-token" {
			return "", fmt.Errorf("access_token %q", q.Get("access_token"))
		}
		ts, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
		if err != nil {
			return "", fmt.Errorf("timestamp %q", q.Get("timestamp"))
		}
		if err := fresh(ts, time.Millisecond); err != nil {
			return "", err
		}
		if want := base64.StdEncoding.EncodeToString(hmacSHA256(secret, q.Get("timestamp")+"\n"+secret)); q.Get("sign") != want {
			return "", fmt.Errorf("sign %q, want %q", q.Get("sign"), want)
		}
		var m struct {
			MsgType  string `json:"msgtype"`
			Markdown struct{ Title, Text string }
		}
		if err := json.Unmarshal(body, &m); err != nil {
			return "", err
		}
		if m.MsgType != "markdown" || m.Markdown.Title == "" || !strings.Contains(m.Markdown.Text, m.Markdown.Title) {
			return "", fmt.Errorf("not a markdown message")
		}
		return m.Markdown.Title, nil
	})
}

// weComReceiver checks a group-bot message: the key in the URL, markdown
// content.
func weComReceiver(t *testing.T) *receiver {
	return newReceiver(t, `{"errcode":0,"errmsg":"ok"}`, func(r *http.Request, body []byte) (string, error) {
		if r.URL.Query().Get("key") != "wecom-key" {
			return "", fmt.Errorf("key %q", r.URL.Query().Get("key"))
		}
		var m struct {
			MsgType  string `json:"msgtype"`
			Markdown struct {
				Content string `json:"content"`
			} `json:"markdown"`
		}
		if err := json.Unmarshal(body, &m); err != nil {
			return "", err
		}
		title, _, ok := strings.Cut(strings.TrimPrefix(m.Markdown.Content, "**"), "**\n")
		if m.MsgType != "markdown" || !ok || len(m.Markdown.Content) > 4096 {
			return "", fmt.Errorf("not a markdown message")
		}
		return title, nil
	})
}

// plainReceiver checks our own webhook: the HMAC of timestamp.body.
func plainReceiver(t *testing.T) *receiver {
	return newReceiver(t, `{}`, func(r *http.Request, body []byte) (string, error) {
		ts := r.Header.Get(alerts.HeaderTimestamp)
		n, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return "", fmt.Errorf("timestamp %q", ts)
		}
		if err := fresh(n, time.Second); err != nil {
			return "", err
		}
		want := "sha256=" + hex.EncodeToString(hmacSHA256(secret, ts+"."+string(body)))
		if got := r.Header.Get(alerts.HeaderSignature); !hmac.Equal([]byte(got), []byte(want)) {
			return "", fmt.Errorf("signature %q, want %q", got, want)
		}
		var p alerts.WebhookPayload
		if err := json.Unmarshal(body, &p); err != nil {
			return "", err
		}
		if p.Delivery == 0 || p.Key == "" || r.Header.Get(alerts.HeaderDelivery) != strconv.FormatInt(p.Delivery, 10) {
			return "", fmt.Errorf("payload %+v", p)
		}
		return p.Title, nil
	})
}

func addRule(t *testing.T, db *store.DB, name, kind, channel, url, sec string) *models.AlertRule {
	t.Helper()
	in := models.AlertRuleInput{Name: &name, Kind: &kind, Channel: &channel, URL: &url}
	if sec != "" {
		in.Secret = &sec
	}
	r, err := db.CreateAlertRule(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// fastSender retries at once, so the tests do not sleep.
func fastSender() *alerts.Sender {
	return &alerts.Sender{Backoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond, MaxAttempts: 4, Now: time.Now}
}
