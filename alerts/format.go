package alerts

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/voclens/voclens/models"
)

// Headers of the plain webhook. The signature is
// "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)), so a
// receiver checks the body it got and can refuse old timestamps (replays).
const (
	HeaderSignature = "X-Voclens-Signature"
	HeaderTimestamp = "X-Voclens-Timestamp"
	HeaderDelivery  = "X-Voclens-Delivery"
)

// WebhookPayload is the body of the plain webhook.
type WebhookPayload struct {
	Delivery  int64           `json:"delivery"`
	RuleID    int64           `json:"rule_id"`
	Rule      string          `json:"rule"`
	Kind      string          `json:"kind"`
	Key       string          `json:"key"`
	Subject   string          `json:"subject"`
	Title     string          `json:"title"`
	Text      string          `json:"text"`
	Data      json.RawMessage `json:"data"`
	CreatedAt time.Time       `json:"created_at"`
}

// buildRequest makes the HTTP request that delivers d through rule's
// channel, signed as of now. It is rebuilt for every attempt: the
// platforms refuse a signature more than an hour old.
func buildRequest(rule *models.AlertRule, d *models.AlertDelivery, now time.Time) (*http.Request, error) {
	target, header := rule.URL, http.Header{}
	var body any
	switch rule.Channel {
	case models.ChannelFeishu:
		body = feishuBody(d, rule.Secret, now)
	case models.ChannelDingTalk:
		if rule.Secret != "" {
			var err error
			if target, err = dingTalkSignedURL(rule.URL, rule.Secret, now); err != nil {
				return nil, err
			}
		}
		body = dingTalkBody(d)
	case models.ChannelWeCom:
		body = weComBody(d)
	case models.ChannelWebhook:
		data := json.RawMessage(d.Data)
		if len(data) == 0 {
			data = json.RawMessage(`{}`)
		}
		body = WebhookPayload{Delivery: d.ID, RuleID: rule.ID, Rule: rule.Name, Kind: d.Kind, Key: d.Key,
			Subject: d.Subject, Title: d.Title, Text: d.Text, Data: data, CreatedAt: d.CreatedAt}
	default:
		return nil, fmt.Errorf("unknown channel %q", rule.Channel)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	if rule.Channel == models.ChannelWebhook {
		ts := strconv.FormatInt(now.Unix(), 10)
		header.Set(HeaderTimestamp, ts)
		header.Set(HeaderDelivery, strconv.FormatInt(d.ID, 10))
		if rule.Secret != "" {
			header.Set(HeaderSignature, WebhookSignature(rule.Secret, ts, b))
		}
	}
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(b))
	if err != nil {
		// url.Error quotes the URL, which holds the bot's key.
		return nil, fmt.Errorf("build request for %s", models.RedactURL(rule.URL))
	}
	req.Header = header
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "voclens-alerts/1")
	return req, nil
}

// FeishuSign is a Feishu custom bot's signature: the HMAC-SHA256 of an
// empty message keyed by "timestamp\nsecret", in base64. The timestamp is
// in seconds.
func FeishuSign(secret string, timestamp int64) string {
	mac := hmac.New(sha256.New, []byte(strconv.FormatInt(timestamp, 10)+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// DingTalkSign is a DingTalk robot's signature before URL encoding:
// base64(HMAC-SHA256(secret, "timestamp\nsecret")), timestamp in
// milliseconds.
func DingTalkSign(secret string, timestampMillis int64) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestampMillis, 10) + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// WebhookSignature signs a plain webhook body.
func WebhookSignature(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// feishuBody is a rich-text ("post") message: a title and one paragraph
// per line.
func feishuBody(d *models.AlertDelivery, secret string, now time.Time) map[string]any {
	var paragraphs [][]map[string]string
	for _, line := range strings.Split(d.Text, "\n") {
		paragraphs = append(paragraphs, []map[string]string{{"tag": "text", "text": line}})
	}
	body := map[string]any{
		"msg_type": "post",
		"content": map[string]any{"post": map[string]any{"zh_cn": map[string]any{
			"title":   d.Title,
			"content": paragraphs,
		}}},
	}
	if secret != "" {
		ts := now.Unix()
		body["timestamp"] = strconv.FormatInt(ts, 10)
		body["sign"] = FeishuSign(secret, ts)
	}
	return body
}

// dingTalkSignedURL appends timestamp and sign to the robot's URL.
func dingTalkSignedURL(raw, secret string, now time.Time) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("dingtalk url %s does not parse", models.RedactURL(raw))
	}
	ts := now.UnixMilli()
	q := u.Query()
	q.Set("timestamp", strconv.FormatInt(ts, 10))
	q.Set("sign", DingTalkSign(secret, ts)) // Encode does the URL encoding
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func dingTalkBody(d *models.AlertDelivery) map[string]any {
	return map[string]any{
		"msgtype": "markdown",
		"markdown": map[string]string{
			"title": d.Title,
			"text":  "### " + d.Title + "\n\n" + markdownLines(d.Text),
		},
	}
}

// weComMaxBytes keeps a WeCom markdown message under its 4096-byte limit.
const weComMaxBytes = 4000

func weComBody(d *models.AlertDelivery) map[string]any {
	content := "**" + d.Title + "**\n" + markdownLines(d.Text)
	if len(content) > weComMaxBytes {
		content = truncateBytes(content, weComMaxBytes-len("…")) + "…"
	}
	return map[string]any{
		"msgtype":  "markdown",
		"markdown": map[string]string{"content": content},
	}
}

// markdownLines keeps the text's line breaks in chat markdown, where a
// single newline is not always one.
func markdownLines(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return strings.Join(lines, "\n\n")
}

// truncateBytes cuts s to at most n bytes without splitting a character.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
