package models

import (
	"context"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Alert rule kinds.
const (
	// AlertSpike fires when a tag's or a theme's daily volume spikes
	// (the project's one spike rule, package trend).
	AlertSpike = "spike"
	// AlertNewTheme fires once for a new theme of at least MinItems items.
	AlertNewTheme = "new_theme"
	// AlertTopSeverity fires once for each item arriving at the top
	// severity (critical).
	AlertTopSeverity = "top_severity"
	// AlertMeasureOverdue fires once for a measure past its due date and
	// not done (again if its due date moves and passes again).
	AlertMeasureOverdue = "measure_overdue"
)

// Alert channels: the outgoing webhook formats voclens speaks.
const (
	ChannelFeishu   = "feishu"   // 飞书 custom bot
	ChannelDingTalk = "dingtalk" // 钉钉 custom robot
	ChannelWeCom    = "wecom"    // 企业微信 group bot
	ChannelWebhook  = "webhook"  // plain JSON, signed by voclens
)

// Alert delivery statuses.
const (
	DeliveryPending = "pending" // claimed, being sent
	DeliverySent    = "sent"
	DeliveryFailed  = "failed" // attempts exhausted or refused for good
)

// DefaultNewThemeMinItems is a new_theme rule's threshold when it sets none.
const DefaultNewThemeMinItems = 20

// AlertRule says what to watch and where to send the message.
type AlertRule struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	// TargetKind and Target narrow a spike rule: "tag" or "theme" (""
	// watches both) and one tag name or theme ID ("" watches all).
	TargetKind string `json:"target_kind"`
	Target     string `json:"target"`
	// MinItems is a new_theme rule's threshold.
	MinItems int    `json:"min_items"`
	Channel  string `json:"channel"`
	// URL and Secret are credentials (the platforms put the bot's key in
	// the URL): the API answers with RedactedURL and HasSecret instead.
	URL    string `json:"-"`
	Secret string `json:"-"`
	// RedactedURL is URL with its credentials masked (RedactURL), and
	// HasSecret says whether a signing secret is set.
	RedactedURL string    `json:"url"`
	HasSecret   bool      `json:"has_secret"`
	Enabled     bool      `json:"enabled"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// AlertRuleInput is a rule as a client writes it. Pointers distinguish
// "not sent" from zero in an update.
type AlertRuleInput struct {
	Name       *string `json:"name,omitempty"`
	Kind       *string `json:"kind,omitempty"`
	TargetKind *string `json:"target_kind,omitempty"`
	Target     *string `json:"target,omitempty"`
	MinItems   *int    `json:"min_items,omitempty"`
	Channel    *string `json:"channel,omitempty"`
	URL        *string `json:"url,omitempty"`
	Secret     *string `json:"secret,omitempty"`
	Enabled    *bool   `json:"enabled,omitempty"`
}

// AlertDelivery is one message for one rule and one occurrence (its Key,
// e.g. a spike's tag and onset day): stored once, whatever happens, so an
// occurrence is announced once. Attempts lists every try.
type AlertDelivery struct {
	ID      int64  `json:"id"`
	RuleID  int64  `json:"rule_id"`
	Channel string `json:"channel"`
	Kind    string `json:"kind"`
	Key     string `json:"key"`
	Subject string `json:"subject"`
	Title   string `json:"title"`
	Text    string `json:"text"`
	// Data is what the plain webhook sends as data (JSON object).
	Data      []byte         `json:"-"`
	Status    string         `json:"status"`
	Error     string         `json:"error,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
	SentAt    time.Time      `json:"sent_at,omitzero"`
	Attempts  []AlertAttempt `json:"attempts"`
	// ClaimedAt is when a sender last took the delivery on: a pending one
	// whose claim is old was left by a process that died mid-send.
	ClaimedAt time.Time `json:"-"`
}

// AlertAttempt is one try at sending a delivery.
type AlertAttempt struct {
	N          int       `json:"n"`
	At         time.Time `json:"at"`
	HTTPStatus int       `json:"http_status,omitempty"` // 0: no answer
	Error      string    `json:"error,omitempty"`
	DurationMS int64     `json:"duration_ms"`
}

// DeliveryFilter selects deliveries, newest first; zero values mean "any".
type DeliveryFilter struct {
	RuleID int64
	Status string
	Limit  int
}

// AlertService keeps alert rules and shows their delivery log.
type AlertService interface {
	FindAlertRules(ctx context.Context) ([]*AlertRule, error)
	FindAlertRuleByID(ctx context.Context, id int64) (*AlertRule, error)
	// CreateAlertRule validates and stores a rule (EINVALID naming the
	// field).
	CreateAlertRule(ctx context.Context, in AlertRuleInput) (*AlertRule, error)
	UpdateAlertRule(ctx context.Context, id int64, in AlertRuleInput) (*AlertRule, error)
	// DeleteAlertRule removes a rule; its deliveries stay in the log.
	DeleteAlertRule(ctx context.Context, id int64) error
	FindAlertDeliveries(ctx context.Context, filter DeliveryFilter) ([]*AlertDelivery, error)
}

// CheckWebhookURL accepts an absolute https URL, or http to a loopback
// address (a local relay, and tests). Alert messages carry customer text,
// and the URLs carry the bots' keys: neither may cross a network in clear.
func CheckWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return Errorf(EINVALID, "url: must be an absolute http(s) URL")
	}
	if u.User != nil {
		return Errorf(EINVALID, "url: must not carry a user name or password")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
			return nil
		}
		return Errorf(EINVALID, "url: must be https (plain http only to a loopback address)")
	}
	return Errorf(EINVALID, "url: must be an absolute http(s) URL")
}

// RedactURL shows where a webhook points without its credentials: the
// scheme, host and path with every token-like path segment (Feishu's hook
// token) and every query value (DingTalk's access_token, WeCom's key)
// masked. It is what logs and API answers show.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Scheme == "" {
		return "(unparsable url)"
	}
	out := u.Scheme + "://" + u.Host
	segs := strings.Split(u.EscapedPath(), "/")
	for i, seg := range segs {
		if looksLikeToken(seg) {
			segs[i] = "***"
		}
	}
	out += strings.Join(segs, "/")
	if u.RawQuery != "" {
		q := u.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			keys[i] = url.QueryEscape(k) + "=***"
		}
		out += "?" + strings.Join(keys, "&")
	}
	return out
}

// looksLikeToken tells a path segment that may be a credential (long, or
// holding several digits, like a UUID or an id) from a word like "send".
func looksLikeToken(seg string) bool {
	digits := 0
	for _, r := range seg {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return len(seg) >= 16 || digits >= 4
}
