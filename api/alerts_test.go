package api_test

import (
	"strings"
	"testing"

	"github.com/voclens/voclens/api"
	"github.com/voclens/voclens/models"
	"github.com/voclens/voclens/store"
)

func withAlerts(c *api.Config) { c.Alerts = c.Feedback.(*store.DB) }

// TestAlertsAPI manages rules as an admin and reads them as an analyst,
// holding every answer against the document: the bot's key in the URL and
// the signing secret never come back, and a refused rule stores nothing.
func TestAlertsAPI(t *testing.T) {
	s := newTestServer(t, withKeys, withAlerts)
	sp := loadSpec(t, s)
	_, admin := s.newKey(t, models.RoleAdmin)
	_, analyst := s.newKey(t, models.RoleAnalyst)
	A, N := bearer(admin), bearer(analyst)

	rule := `{"name":"物流激增","kind":"spike","target_kind":"tag","channel":"dingtalk",
		"url":"https://oapi.dingtalk.com/robot/send?access_token=tok-123456","secret":"SECabcdef"}`
	wantStatus(t, "create as analyst", sp.check(t, s, "POST", "/v1/alerts", rule, N...), 403)
	res := sp.check(t, s, "POST", "/v1/alerts", rule, A...)
	wantStatus(t, "create", res, 201)
	if body := string(res.body); strings.Contains(body, "tok-123456") || strings.Contains(body, "SECabcdef") ||
		!strings.Contains(body, `"url":"https://oapi.dingtalk.com/robot/send?access_token=***"`) || !strings.Contains(body, `"has_secret":true`) {
		t.Errorf("created rule shows its credentials or hides too much: %s", body)
	}
	var r models.AlertRule
	res.decode(t, &r)

	for name, body := range map[string]string{
		"plain http":   `{"name":"x","kind":"top_severity","channel":"webhook","url":"http://hooks.example.com/x"}`,
		"wecom secret": `{"name":"x","kind":"top_severity","channel":"wecom","url":"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k","secret":"s"}`,
		"unknown kind": `{"name":"x","kind":"sometimes","channel":"webhook","url":"https://h.example.com/x"}`,
		"unknown tag":  `{"name":"x","kind":"spike","target_kind":"tag","target":"不存在","channel":"webhook","url":"https://h.example.com/x"}`,
		"no url":       `{"name":"x","kind":"top_severity","channel":"webhook"}`,
	} {
		wantStatus(t, name, sp.check(t, s, "POST", "/v1/alerts", body, A...), 422)
	}
	wantStatus(t, "loopback http", sp.check(t, s, "POST", "/v1/alerts",
		`{"name":"本机","kind":"new_theme","channel":"webhook","url":"http://127.0.0.1:9/hook"}`, A...), 201)

	res = sp.check(t, s, "GET", "/v1/alerts", "", N...)
	wantStatus(t, "list", res, 200)
	var list struct{ Rules []models.AlertRule }
	res.decode(t, &list)
	if len(list.Rules) != 2 || list.Rules[1].MinItems != models.DefaultNewThemeMinItems || strings.Contains(string(res.body), "tok-123456") {
		t.Errorf("list: %s", res.body)
	}
	wantStatus(t, "patch", sp.check(t, s, "PATCH", "/v1/alerts/"+itoa(r.ID), `{"enabled":false}`, A...), 200)
	wantStatus(t, "patch bad", sp.check(t, s, "PATCH", "/v1/alerts/"+itoa(r.ID), `{"channel":"pager"}`, A...), 422)
	wantStatus(t, "patch missing", sp.check(t, s, "PATCH", "/v1/alerts/999", `{"enabled":false}`, A...), 404)
	wantStatus(t, "deliveries", sp.check(t, s, "GET", "/v1/alerts/deliveries?rule="+itoa(r.ID)+"&status=sent", "", N...), 200)
	wantStatus(t, "deliveries bad status", sp.check(t, s, "GET", "/v1/alerts/deliveries?status=lost", "", N...), 422)
	wantStatus(t, "delete as analyst", sp.check(t, s, "DELETE", "/v1/alerts/"+itoa(r.ID), "", N...), 403)
	wantStatus(t, "delete", sp.check(t, s, "DELETE", "/v1/alerts/"+itoa(r.ID), "", A...), 204)
	wantStatus(t, "delete again", sp.check(t, s, "DELETE", "/v1/alerts/"+itoa(r.ID), "", A...), 404)
}
