package classifier

import (
	"testing"

	"github.com/voclens/voclens/models"
)

func TestSeverity(t *testing.T) {
	a := newTestAnalyzer(t)
	rank := map[string]int{models.SeverityLow: 0, models.SeverityMedium: 1, models.SeverityHigh: 2, models.SeverityCritical: 3}
	tests := []struct {
		text     string
		min, max string
	}{
		// A calm privacy complaint is serious because of what it is about.
		{"我的手机号被泄露了，天天接到骚扰电话", models.SeverityHigh, models.SeverityCritical},
		{"充电器漏电，差点起火，太危险了！", models.SeverityHigh, models.SeverityCritical},
		{"包装有点简陋", models.SeverityLow, models.SeverityLow},
		{"物流有点慢", models.SeverityLow, models.SeverityMedium},
		{"垃圾客服，气死我了！！！再也不买了", models.SeverityHigh, models.SeverityCritical},
		// Praise stays low whatever it is about.
		{"账号安全做得很好，很放心", models.SeverityLow, models.SeverityLow},
		{"送餐很快，很好吃", models.SeverityLow, models.SeverityLow},
	}
	for _, tt := range tests {
		an := a.Analyze(tt.text)
		if r := rank[an.Severity]; r < rank[tt.min] || r > rank[tt.max] {
			t.Errorf("severity(%q) = %s (%v), want %s–%s", tt.text, an.Severity, an.SeverityScore, tt.min, tt.max)
		}
	}
}

func TestSeverityFunction(t *testing.T) {
	tax := DefaultTaxonomy()
	calm := models.Sentiment{Label: models.SentimentNegative, Score: -0.4, Anger: 0.05}
	angry := models.Sentiment{Label: models.SentimentNegative, Score: -0.9, Anger: 0.9}
	tag := func(name string) []models.TagScore {
		return []models.TagScore{{Tag: name, Score: 0.6, Source: models.TagSourceRule}}
	}

	_, privacy := Severity(calm, tag("账户与信息安全"), tax)
	_, pack := Severity(calm, tag("包装"), tax)
	if privacy <= pack {
		t.Errorf("calm privacy %v not above calm packaging %v", privacy, pack)
	}
	_, packAngry := Severity(angry, tag("包装"), tax)
	if packAngry <= pack {
		t.Errorf("angry packaging %v not above calm packaging %v", packAngry, pack)
	}
	// The most serious tag decides, whatever the order.
	both := append(tag("包装"), tag("安全隐患")...)
	_, s1 := Severity(calm, both, tax)
	_, s2 := Severity(calm, tag("安全隐患"), tax)
	if s1 != s2 {
		t.Errorf("severity with an extra mild tag %v, alone %v", s1, s2)
	}
	// Unknown tags count as untagged, not as an error.
	if level, s := Severity(calm, tag("不存在"), tax); level == "" || s < 0 || s > 1 {
		t.Errorf("unknown tag: %s %v", level, s)
	}
}
