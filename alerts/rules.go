package alerts

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/voclens/voclens/models"
)

// Spike is a tag's or theme's spike as the project's one detector (package
// trend, through the trends service) reports it: Date is the first day of
// the burst, Count the items in its window, Expected the baseline.
type Spike struct {
	Kind     string  `json:"kind"`
	Key      string  `json:"key"`
	Label    string  `json:"label"`
	Date     string  `json:"date"`
	Count    int     `json:"count"`
	Expected float64 `json:"expected"`
}

// SpikeSource lists the spikes of kind ("tag" or "theme"; key "" for
// every one) whose first day falls within [from, to], UTC days.
type SpikeSource func(ctx context.Context, kind, key string, from, to time.Time) ([]Spike, error)

// finding is one occurrence a rule found: Key identifies it for
// de-duplication, the rest is the message.
type finding struct {
	key, subject, title, text string
	data                      any
}

// burstHistoryDays is how far before the lookback a spike query reaches
// to find where a burst began.
const burstHistoryDays = 35

// severeBatch bounds the top-severity messages of one evaluation; the
// rest go out on the next one (the store skips items already sent or
// given up on, whose key it knows as "top_severity:feedback:ID").
const severeBatch = 20

// find runs one rule.
func (e *Evaluator) find(ctx context.Context, rule *models.AlertRule, now time.Time) ([]finding, error) {
	today := now.UTC().Truncate(24 * time.Hour)
	switch rule.Kind {
	case models.AlertSpike:
		return e.findSpikes(ctx, rule, today)
	case models.AlertNewTheme:
		themes, err := e.cfg.Store.FindNewThemes(ctx, now.Add(-e.newThemeAge()), rule.MinItems)
		if err != nil {
			return nil, err
		}
		var out []finding
		for _, t := range themes {
			out = append(out, finding{
				key:     fmt.Sprintf("new_theme:%d", t.ID),
				subject: fmt.Sprintf("theme:%d", t.ID),
				title:   fmt.Sprintf("【voclens】发现新主题「%s」(%d 条)", t.Name, t.Size),
				text: fmt.Sprintf("新主题 #%d「%s」已有 %d 条反馈(规则阈值 %d 条)。\n请在控制台查看它的例子和标签提案。\n规则:%s",
					t.ID, t.Name, t.Size, rule.MinItems, rule.Name),
				data: map[string]any{"theme_id": t.ID, "name": t.Name, "size": t.Size},
			})
		}
		return out, nil
	case models.AlertTopSeverity:
		items, err := e.cfg.Store.FindSevereFeedback(ctx, models.SeverityCritical, rule.CreatedAt, rule.ID, severeBatch)
		if err != nil {
			return nil, err
		}
		var out []finding
		for _, f := range items {
			out = append(out, severeFinding(rule, f))
		}
		return out, nil
	case models.AlertMeasureOverdue:
		ms, err := e.cfg.Store.FindOverdueMeasures(ctx, today.Format(time.DateOnly))
		if err != nil {
			return nil, err
		}
		var out []finding
		for _, m := range ms {
			out = append(out, overdueFinding(rule, m, today))
		}
		return out, nil
	}
	return nil, fmt.Errorf("rule %d: unknown kind %q", rule.ID, rule.Kind)
}

func (e *Evaluator) findSpikes(ctx context.Context, rule *models.AlertRule, today time.Time) ([]finding, error) {
	if e.cfg.Spikes == nil {
		return nil, fmt.Errorf("rule %d: this process has no spike source", rule.ID)
	}
	kinds := []string{models.TargetTag, models.TargetTheme}
	if rule.TargetKind != "" {
		kinds = []string{rule.TargetKind}
	}
	// A burst's first day is its identity, so the query reaches back well
	// before the lookback: asked only for the last few days, a burst that
	// began earlier would seem to begin anew on each day of the range.
	since := today.AddDate(0, 0, -e.spikeLookback()).Format(time.DateOnly)
	from := today.AddDate(0, 0, -e.spikeLookback()-burstHistoryDays)
	var out []finding
	for _, kind := range kinds {
		spikes, err := e.cfg.Spikes(ctx, kind, rule.Target, from, today)
		if err != nil {
			return nil, err
		}
		for _, s := range spikes {
			if s.Date < since {
				continue // old news, announced then or before the rule existed
			}
			what := "标签"
			if s.Kind == models.TargetTheme {
				what = "主题"
			}
			ratio := ""
			if s.Expected > 0 {
				ratio = fmt.Sprintf(",约为基线的 %.1f 倍", float64(s.Count)/s.Expected)
			}
			out = append(out, finding{
				// One burst, one message: the key is the burst's first day.
				key:     fmt.Sprintf("spike:%s:%s:%s", s.Kind, s.Key, s.Date),
				subject: s.Kind + ":" + s.Key,
				title:   fmt.Sprintf("【voclens】%s「%s」反馈量激增", what, s.Label),
				text: fmt.Sprintf("%s「%s」7 天内 %d 条反馈(基线约 %.1f 条%s)。\n激增开始:%s\n规则:%s",
					what, s.Label, s.Count, s.Expected, ratio, s.Date, rule.Name),
				data: s,
			})
		}
	}
	return out, nil
}

func severeFinding(rule *models.AlertRule, f *models.Feedback) finding {
	var tags []string
	score := 0.0
	if f.Analysis != nil {
		for _, t := range f.Analysis.Tags {
			tags = append(tags, t.Tag)
		}
		score = f.Analysis.SeverityScore
	}
	tagText := "无"
	if len(tags) > 0 {
		tagText = strings.Join(tags, "、")
	}
	return finding{
		key:     fmt.Sprintf("top_severity:feedback:%d", f.ID),
		subject: fmt.Sprintf("feedback:%d", f.ID),
		title:   fmt.Sprintf("【voclens】严重反馈 #%d(%s)", f.ID, f.Source),
		text: fmt.Sprintf("严重程度:最高(critical,%.2f)\n标签:%s\n时间:%s\n原文:%s\n规则:%s",
			score, tagText, f.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"), excerpt(f.Text, 200), rule.Name),
		data: map[string]any{"feedback_id": f.ID, "source": f.Source, "tags": tags, "severity_score": score},
	}
}

func overdueFinding(rule *models.AlertRule, m *models.Measure, today time.Time) finding {
	due, _ := time.Parse(time.DateOnly, m.DueDate)
	days := int(today.Sub(due).Hours() / 24)
	target := "标签「" + m.Target + "」"
	if m.TargetKind == models.TargetTheme {
		target = "主题 #" + m.Target
	}
	status := map[string]string{models.MeasurePlanned: "计划中", models.MeasureInProgress: "进行中"}[m.Status]
	owner := m.Owner
	if owner == "" {
		owner = "未指定"
	}
	return finding{
		// A due date moved and passed again is a new occurrence.
		key:     fmt.Sprintf("measure_overdue:%d:%s", m.ID, m.DueDate),
		subject: "measure:" + strconv.FormatInt(m.ID, 10),
		title:   "【voclens】改进措施已逾期:" + excerpt(m.What, 40),
		text: fmt.Sprintf("措施:%s\n对象:%s\n负责人:%s\n截止日期:%s(已逾期 %d 天)\n状态:%s\n规则:%s",
			m.What, target, owner, m.DueDate, days, status, rule.Name),
		data: map[string]any{"measure_id": m.ID, "target_kind": m.TargetKind, "target": m.Target, "due_date": m.DueDate, "status": m.Status},
	}
}

// excerpt keeps the first n characters of s on one line.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

func marshalData(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte("{}")
	}
	return b
}
