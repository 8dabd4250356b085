package models

import (
	"net/url"
	"testing"
)

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://open.feishu.cn/open-apis/bot/v2/hook/3f2a9c1e-0b7d-4e55-9a1c-2f6e8d0b1a77": "https://open.feishu.cn/open-apis/bot/v2/hook/***",
		"https://oapi.dingtalk.com/robot/send?access_token=abc123":                          "https://oapi.dingtalk.com/robot/send?access_token=***",
		"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx":                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***",
		"http://127.0.0.1:8080/hook":                                                        "http://127.0.0.1:8080/hook",
		"https://user:pw@h.example.com/a?x=1&b=2":                                           "https://h.example.com/a?b=***&x=***",
		"::": "(unparsable url)",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckWebhookURL(t *testing.T) {
	for in, ok := range map[string]bool{
		"https://open.feishu.cn/open-apis/bot/v2/hook/x": true,
		"http://127.0.0.1:9000/hook":                     true,
		"http://[::1]:9000/hook":                         true,
		"http://localhost/hook":                          true,
		"http://hooks.example.com/x":                     false,
		"ftp://h.example.com/x":                          false,
		"https://u:p@h.example.com/x":                    false,
		"/relative":                                      false,
		"":                                               false,
	} {
		if err := CheckWebhookURL(in); (err == nil) != ok {
			t.Errorf("CheckWebhookURL(%q) = %v, want ok %v", in, err, ok)
		}
	}
}

// Whatever a webhook URL holds, its redacted form shows no query value.
func FuzzRedactURL(f *testing.F) {
	for _, s := range []string{
		"https://oapi.dingtalk.com/robot/send?access_token=abc123",
		"https://h.example.com/a?x=1&x=2&b=%zz",
		"http://127.0.0.1/hook/12345678?key=k#frag",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		out := RedactURL(raw)
		u, err := url.Parse(out)
		if out == "(unparsable url)" {
			return
		}
		if err != nil {
			t.Fatalf("RedactURL(%q) = %q, which does not parse: %v", raw, out, err)
		}
		for k, vs := range u.Query() {
			for _, v := range vs {
				if v != "***" {
					t.Fatalf("RedactURL(%q) = %q shows %s=%q", raw, out, k, v)
				}
			}
		}
	})
}
