// Package alerts watches the stored feedback for what a team must hear about
// at once (a spike in a tag or theme, a new theme, an item at the top
// severity, a measure past its due date) and sends each occurrence once to
// team chat: 飞书 (Feishu) custom bots, 钉钉 (DingTalk) robots, 企业微信 (WeCom)
// group bots, or a plain JSON webhook, each in the platform's own message
// format and signed where the platform signs. Retries back off; the store's
// UNIQUE key on (rule, occurrence) makes a message go out once across
// restarts and concurrent evaluators.
package alerts
