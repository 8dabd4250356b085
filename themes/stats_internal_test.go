package themes

import (
	"testing"
	"time"

	"github.com/voclens/voclens/models"
)

// items makes n members on each of the given days (offsets back from ref).
func items(ref time.Time, perDay map[int]int) []models.MemberItem {
	var out []models.MemberItem
	for back, n := range perDay {
		for range n {
			out = append(out, models.MemberItem{CreatedAt: ref.AddDate(0, 0, -back)})
		}
	}
	return out
}

func TestTrendFlags(t *testing.T) {
	ref := time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name          string
		perDay        map[int]int
		rising, spike bool
		growth        float64
	}{
		{"quiet", map[int]int{1: 1, 9: 1, 20: 1}, false, false, 0},
		{"spike this week", map[int]int{0: 4, 2: 5, 10: 1}, true, true, 8},
		{"spike two weeks ago, cooled", map[int]int{14: 9, 12: 9, 3: 3, 30: 1}, false, true, -2.0 / 3},
		{"busy every week is no spike", map[int]int{1: 9, 8: 9, 15: 9, 22: 9, 29: 9, 36: 9, 43: 9}, false, false, 0},
		{"too few to spike", map[int]int{1: 7}, true, false, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := computeStats(items(ref, tt.perDay), ref, true)
			if st.Rising != tt.rising || st.Spike != tt.spike || st.Growth != tt.growth {
				t.Errorf("rising %v spike %v (%s) growth %v; want %v %v %v", st.Rising, st.Spike, st.SpikeDay, st.Growth, tt.rising, tt.spike, tt.growth)
			}
			if len(st.Trend) != trendDays || st.Trend[trendDays-1].Day != "2026-10-31" {
				t.Errorf("trend %v", st.Trend)
			}
		})
	}
}

func TestSameTheme(t *testing.T) {
	rejected := fingerprint([]string{"积分", "清零", "更新", "会员", "没了"})
	tests := []struct {
		terms []string
		want  bool
	}{
		{[]string{"积分", "更新", "清零", "恢复", "5.3"}, true}, // the theme back, terms reshuffled
		{[]string{"积分", "兑换", "商品", "希望", "运费"}, false},
		{[]string{"物流", "快递", "太慢", "骑手", "外卖"}, false},
	}
	for _, tt := range tests {
		if got := sameTheme(rejected, fingerprint(tt.terms)); got != tt.want {
			t.Errorf("sameTheme(%v) = %v, want %v", tt.terms, got, tt.want)
		}
	}
	if got := keywords([]string{"积分", "了", "更新 后", "积分"}); len(got) != 2 || got[1] != "更新后" {
		t.Errorf("keywords = %v", got)
	}
}
