package jobs

import (
	"encoding/json"
	"maps"
	"slices"
	"sort"

	"github.com/voclens/voclens/models"
)

// RescoreReport is a rescore's diff report: what the new analyses changed
// compared with the analyses they replaced. While the job runs it is the
// partial report of the committed batches, kept with the checkpoint, so a
// resumed job's report covers the whole run.
type RescoreReport struct {
	Items int64 `json:"items"` // items scored
	// Changed counts items whose tags, sentiment label or severity level
	// changed; the three counts below break it down (an item can be in
	// several).
	Changed          int64 `json:"changed"`
	TagsChanged      int64 `json:"tags_changed"`
	SentimentChanged int64 `json:"sentiment_changed"`
	SeverityChanged  int64 `json:"severity_changed"`
	// Unscored counts items that had no analysis before.
	Unscored int64 `json:"unscored"`
	// ModelVersions counts the items by the version that scored them now.
	ModelVersions map[string]int64 `json:"model_versions"`
	// ByTag: per tag, the items that gained it and the items that lost
	// it; the most changed tags first.
	ByTag []TagDiff `json:"by_tag"`
	// Examples are the ids of up to MaxExamples changed items, lowest
	// first, to look at.
	Examples []int64 `json:"examples"`
	// Resumes counts the times the job continued from a checkpoint after
	// an interruption.
	Resumes int `json:"resumes"`
}

// TagDiff is one tag's change in a rescore.
type TagDiff struct {
	Tag     string `json:"tag"`
	Added   int64  `json:"added"`
	Removed int64  `json:"removed"`
}

// MaxExamples bounds RescoreReport.Examples.
const MaxExamples = 20

// diff accumulates a RescoreReport.
type diff struct {
	RescoreReport
	tags map[string]*TagDiff
}

func newDiff() *diff {
	return &diff{RescoreReport: RescoreReport{ModelVersions: map[string]int64{}}, tags: map[string]*TagDiff{}}
}

// load continues from a partial report (an empty or {} one is a start).
func (d *diff) load(raw json.RawMessage) error {
	if len(raw) == 0 {
		return nil
	}
	var r RescoreReport
	if err := json.Unmarshal(raw, &r); err != nil {
		return err
	}
	if r.ModelVersions == nil {
		r.ModelVersions = map[string]int64{}
	}
	d.RescoreReport = r
	for _, t := range r.ByTag {
		d.tags[t.Tag] = &t
	}
	return nil
}

func (d *diff) clone() *diff {
	c := &diff{RescoreReport: d.RescoreReport, tags: make(map[string]*TagDiff, len(d.tags))}
	c.ModelVersions = maps.Clone(d.ModelVersions)
	c.Examples = slices.Clone(d.Examples)
	for k, v := range d.tags {
		t := *v
		c.tags[k] = &t
	}
	return c
}

// add counts item f, whose current analysis is f.Analysis, rescored as a.
func (d *diff) add(f *models.Feedback, a *models.Analysis) {
	d.Items++
	d.ModelVersions[a.ModelVersion]++
	old := f.Analysis
	if old == nil {
		d.Unscored++
		old = &models.Analysis{}
	}
	changed := false
	if old.Sentiment.Label != a.Sentiment.Label {
		d.SentimentChanged++
		changed = true
	}
	if old.Severity != a.Severity {
		d.SeverityChanged++
		changed = true
	}
	before, after := tagSet(old), tagSet(a)
	tagsChanged := false
	for t := range after {
		if !before[t] {
			d.tag(t).Added++
			tagsChanged = true
		}
	}
	for t := range before {
		if !after[t] {
			d.tag(t).Removed++
			tagsChanged = true
		}
	}
	if tagsChanged {
		d.TagsChanged++
		changed = true
	}
	if changed {
		d.Changed++
		if len(d.Examples) < MaxExamples {
			d.Examples = append(d.Examples, f.ID)
		}
	}
}

func (d *diff) tag(t string) *TagDiff {
	if d.tags[t] == nil {
		d.tags[t] = &TagDiff{Tag: t}
	}
	return d.tags[t]
}

func tagSet(a *models.Analysis) map[string]bool {
	s := make(map[string]bool, len(a.Tags))
	for _, t := range a.Tags {
		s[t.Tag] = true
	}
	return s
}

// report is the RescoreReport so far.
func (d *diff) report() *RescoreReport {
	r := d.RescoreReport
	r.ModelVersions = maps.Clone(d.ModelVersions)
	r.Examples = slices.Clone(d.Examples)
	if r.Examples == nil {
		r.Examples = []int64{}
	}
	r.ByTag = make([]TagDiff, 0, len(d.tags))
	for _, t := range d.tags {
		r.ByTag = append(r.ByTag, *t)
	}
	sort.Slice(r.ByTag, func(i, j int) bool {
		a, b := r.ByTag[i], r.ByTag[j]
		if a.Added+a.Removed != b.Added+b.Removed {
			return a.Added+a.Removed > b.Added+b.Removed
		}
		return a.Tag < b.Tag
	})
	return &r
}
