package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/voclens/voclens/models"
)

// Sender defaults.
const (
	DefaultMaxAttempts = 4
	DefaultBackoff     = time.Second
	DefaultMaxBackoff  = 30 * time.Second
	DefaultTimeout     = 10 * time.Second
)

// Sender delivers one message with retries: network errors, 5xx, 429 and
// the platforms' "too fast, try later" answers are retried after a backoff
// that doubles each time; any other refusal (4xx, a bad signature, a
// missing keyword) is final, since sending the same thing again cannot fix
// it.
type Sender struct {
	// Client sends the requests; nil means one with DefaultTimeout that
	// does not follow redirects.
	Client *http.Client
	// MaxAttempts bounds the tries of one message (0: DefaultMaxAttempts).
	MaxAttempts int
	// Backoff is the wait after the first failure, doubling after each
	// (0: DefaultBackoff), up to MaxBackoff (0: DefaultMaxBackoff).
	Backoff, MaxBackoff time.Duration
	// Now stamps signatures and attempts; nil means time.Now.
	Now func() time.Time
}

// attemptResult is what one try found out.
type attemptResult struct {
	status    int
	err       error
	retryable bool
}

// send tries d until it is delivered, refused for good, attempts run out
// or ctx ends; record is told about every attempt. It returns the final
// error (nil when delivered).
func (s *Sender) send(ctx context.Context, rule *models.AlertRule, d *models.AlertDelivery, first int, record func(models.AlertAttempt) error) error {
	maxAttempts := s.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	wait := s.Backoff
	if wait <= 0 {
		wait = DefaultBackoff
	}
	maxWait := s.MaxBackoff
	if maxWait <= 0 {
		maxWait = DefaultMaxBackoff
	}
	var last error
	for n := first; n < first+maxAttempts; n++ {
		if n > first {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return errors.Join(last, ctx.Err())
			case <-t.C:
			}
			wait = min(2*wait, maxWait)
		}
		start := s.now()
		res := s.try(ctx, rule, d, start)
		a := models.AlertAttempt{N: n, At: start, HTTPStatus: res.status, DurationMS: s.now().Sub(start).Milliseconds()}
		if res.err != nil {
			a.Error = res.err.Error()
		}
		if err := record(a); err != nil {
			return err
		}
		if res.err == nil {
			return nil
		}
		last = res.err
		if !res.retryable {
			return last
		}
	}
	return fmt.Errorf("gave up after %d attempts: %w", maxAttempts, last)
}

func (s *Sender) try(ctx context.Context, rule *models.AlertRule, d *models.AlertDelivery, now time.Time) attemptResult {
	req, err := buildRequest(rule, d, now)
	if err != nil {
		return attemptResult{err: err}
	}
	client := s.Client
	if client == nil {
		// A webhook that redirects is misconfigured, and following it
		// could carry the message (and a DingTalk signature) to a host
		// nobody checked: a 3xx is a final failure.
		client = &http.Client{Timeout: DefaultTimeout, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
	}
	res, err := client.Do(req.WithContext(ctx))
	if err != nil {
		// *url.Error holds the URL with the bot's key: say what failed
		// without it.
		var ue interface{ Unwrap() error }
		if errors.As(err, &ue) {
			err = ue.Unwrap()
		}
		return attemptResult{err: fmt.Errorf("POST %s: %v", models.RedactURL(rule.URL), err), retryable: ctx.Err() == nil}
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	out := attemptResult{status: res.StatusCode}
	switch {
	case res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests:
		out.err, out.retryable = fmt.Errorf("HTTP %d", res.StatusCode), true
	case res.StatusCode < 200 || res.StatusCode > 299:
		out.err = fmt.Errorf("HTTP %d: %s", res.StatusCode, snippet(body))
	default:
		out.err, out.retryable = platformError(rule.Channel, body)
	}
	return out
}

// platformError reads the answer a chat platform gives with HTTP 200:
// Feishu {"code":0}, DingTalk and WeCom {"errcode":0}. Their rate-limit
// and busy codes are worth retrying; other codes are configuration errors.
func platformError(channel string, body []byte) (error, bool) {
	var r struct {
		Code    *int   `json:"code"`
		Msg     string `json:"msg"`
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	switch channel {
	case models.ChannelFeishu:
		if json.Unmarshal(body, &r) != nil || r.Code == nil {
			return fmt.Errorf("feishu answered without a code: %s", snippet(body)), false
		}
		if *r.Code != 0 {
			// 9499: too many requests.
			return fmt.Errorf("feishu code %d: %s", *r.Code, r.Msg), *r.Code == 9499
		}
	case models.ChannelDingTalk, models.ChannelWeCom:
		if json.Unmarshal(body, &r) != nil || r.ErrCode == nil {
			return fmt.Errorf("%s answered without an errcode: %s", channel, snippet(body)), false
		}
		if c := *r.ErrCode; c != 0 {
			// -1: system busy (both); 130101: DingTalk's "sent too fast";
			// 45009: WeCom's frequency limit.
			return fmt.Errorf("%s errcode %d: %s", channel, c, r.ErrMsg), c == -1 || c == 130101 || c == 45009
		}
	}
	return nil, false
}

// snippet shows the start of a response body in an error.
func snippet(b []byte) string {
	const n = 200
	if len(b) > n {
		return truncateBytes(string(b), n) + "…"
	}
	return string(b)
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
