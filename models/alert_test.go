package models

import "testing"

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
