package themes

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/voclens/voclens/models"
)

// When a theme becomes a proposal. A theme is proposed when
//   - it has at least proposeMinSize members: fewer is an anecdote;
//   - at least proposeMinNegative of them are negative: tags name what
//     customers complain about, and praise themes ("好评 方便") would
//     otherwise be proposed first, since no complaint tag covers them;
//   - existing tags cover it poorly: fewer than proposeMaxCoverage of its
//     members carry any tag scored ≥ 0.5, and its dominant tag is on fewer
//     than proposeMaxDominant of them. A theme that is mostly one tag
//     already has a name. On the demo data the themes the taxonomy names
//     have 76–93 % of members tagged, the planted 积分清零 theme 62 %
//     (its items are tagged 功能使用 at most, by 更新 or 显示).
const (
	proposeMinSize     = 5
	proposeMinNegative = 0.5
	proposeMaxDominant = 0.5
	proposeMaxCoverage = 0.7
	// proposalKeywords is how many top terms a proposal suggests, and
	// fingerprintOverlap how many of them a theme must share with a decided
	// proposal to count as the same theme come back.
	proposalKeywords   = 5
	fingerprintOverlap = 3
	proposalExamples   = 3
)

// propose turns the run's poorly covered themes into proposals, refreshes
// the open proposals of themes that continue, and never proposes again a
// theme already decided, under its ID or its fingerprint.
func (s *Service) propose(ctx context.Context, run int64) error {
	recs, err := s.cfg.Store.FindThemeRecords(ctx, run)
	if err != nil {
		return err
	}
	members, err := s.cfg.Store.FindMemberItems(ctx, run)
	if err != nil {
		return err
	}
	all, err := s.cfg.Store.FindProposals(ctx, "")
	if err != nil {
		return err
	}
	byTheme := make(map[int64]*models.Proposal)
	var decided []*models.Proposal
	for _, p := range all {
		if _, seen := byTheme[p.ThemeID]; !seen || p.Status != models.ProposalProposed {
			byTheme[p.ThemeID] = p
		}
		if p.Status != models.ProposalProposed {
			decided = append(decided, p)
		}
	}
	by := groupMembers(members)
	ref := newestItem(members)
	for _, rec := range recs {
		t := rec.Theme
		if t.MergedInto != 0 {
			continue
		}
		st := computeStats(by[t.ID], ref, false)
		dominant := 0.0
		if len(st.DominantTags) > 0 {
			dominant = st.DominantTags[0].Share
		}
		if len(by[t.ID]) < proposeMinSize || st.NegativeShare < proposeMinNegative ||
			dominant >= proposeMaxDominant || st.TagCoverage >= proposeMaxCoverage {
			continue
		}
		p := &models.Proposal{
			ThemeID:     t.ID,
			Name:        t.Name,
			Keywords:    keywords(t.Terms),
			Examples:    rec.Examples[:min(len(rec.Examples), proposalExamples)],
			Support:     len(by[t.ID]),
			Coverage:    dominant,
			Fingerprint: fingerprint(t.Terms),
		}
		if old := byTheme[t.ID]; old != nil {
			if old.Status != models.ProposalProposed {
				continue
			}
			p.ID = old.ID
		} else if slices.ContainsFunc(decided, func(d *models.Proposal) bool { return sameTheme(d.Fingerprint, p.Fingerprint) }) {
			continue
		}
		if err := s.cfg.Store.SaveProposal(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// keywords are the theme's top terms worth matching as rule keywords:
// single characters fire inside too many words.
func keywords(terms []string) []string {
	var out []string
	for _, t := range terms {
		t = strings.ReplaceAll(t, " ", "")
		if utf8.RuneCountInString(t) < 2 || slices.Contains(out, t) {
			continue
		}
		out = append(out, t)
		if len(out) == proposalKeywords {
			break
		}
	}
	return out
}

func fingerprint(terms []string) []string {
	fp := slices.Clone(terms[:min(len(terms), proposalKeywords)])
	slices.Sort(fp)
	return fp
}

func sameTheme(a, b []string) bool {
	n := 0
	for _, t := range a {
		if slices.Contains(b, t) {
			n++
		}
	}
	return n >= min(fingerprintOverlap, len(a), len(b)) && n > 0
}

// openProposals maps theme IDs to their open proposal.
func (s *Service) openProposals(ctx context.Context) (map[int64]*models.Proposal, error) {
	ps, err := s.cfg.Store.FindProposals(ctx, models.ProposalProposed)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*models.Proposal, len(ps))
	for _, p := range ps {
		out[p.ThemeID] = p
	}
	return out, nil
}

// FindProposals lists proposals with status (all when "").
func (s *Service) FindProposals(ctx context.Context, status string) ([]*models.Proposal, error) {
	switch status {
	case "", models.ProposalProposed, models.ProposalAccepted, models.ProposalRejected:
	default:
		return nil, models.Errorf(models.EINVALID, "status: must be proposed, accepted or rejected")
	}
	return s.cfg.Store.FindProposals(ctx, status)
}

// AcceptProposal creates the proposed tag and records the theme's members
// in the latest run as weak labels of it, so the next training run learns
// the tag from them.
func (s *Service) AcceptProposal(ctx context.Context, id int64, name string, kws []string) (*models.Proposal, error) {
	if s.cfg.Tags == nil || s.cfg.Labels == nil {
		return nil, models.Errorf(models.EUNAVAILABLE, "the taxonomy is not stored on this server; accepting proposals needs it")
	}
	p, err := s.cfg.Store.FindProposalByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Status != models.ProposalProposed {
		return nil, models.Errorf(models.ECONFLICT, "proposal %d was already %s", id, p.Status)
	}
	if name = strings.TrimSpace(name); name == "" {
		name = p.Name
	}
	if err := checkName("name", name); err != nil {
		return nil, err
	}
	if kws == nil {
		kws = p.Keywords
	}
	var clean []string
	for i, k := range kws {
		k = strings.TrimSpace(k)
		if err := checkName("keywords["+itoa(i)+"]", k); err != nil {
			return nil, err
		}
		clean = append(clean, k)
	}
	if len(clean) == 0 {
		return nil, models.Errorf(models.EINVALID, "keywords: must not be empty")
	}
	run, members, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	themeID := p.ThemeID
	if rec, err := s.cfg.Store.FindThemeRecord(ctx, themeID); err == nil && rec.Theme.MergedInto != 0 {
		themeID = rec.Theme.MergedInto
	}
	tag, err := s.cfg.Tags.CreateTag(ctx, models.Tag{
		Name:           name,
		Keywords:       clean,
		Description:    "accepted from theme " + itoa(int(themeID)) + " of clustering run " + itoa(int(run.Run.ID)),
		SeverityWeight: 0.5,
	})
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	var labels []models.Label
	for _, m := range members {
		if m.ThemeID == themeID {
			labels = append(labels, models.Label{FeedbackID: m.FeedbackID, Tag: tag.Name, Verdict: models.LabelConfirm, Source: models.LabelSourceWeak, CreatedAt: now})
		}
	}
	if len(labels) > 0 {
		if err := s.cfg.Labels.AddLabels(ctx, labels); err != nil {
			return nil, err
		}
	}
	err = s.tagMembers(ctx, labels, tag.Name, themeID)
	s.forgetListStats() // even half done, some members' tags changed
	if err != nil {
		return nil, err
	}
	// The proposal records what was accepted, edits included.
	p.Name, p.Keywords = tag.Name, tag.Keywords
	if err := s.cfg.Store.SaveProposal(ctx, p); err != nil {
		return nil, err
	}
	p, err = s.cfg.Store.DecideProposal(ctx, id, models.ProposalAccepted, tag.Name)
	if err != nil {
		return nil, err
	}
	if s.cfg.OnTagCreated != nil {
		s.cfg.OnTagCreated(tag)
	}
	return p, nil
}

// tagMembers adds tag to the current analysis of each labelled member. A
// person accepted the theme, so the tag carries source "human" at full
// score, with the theme as its evidence.
func (s *Service) tagMembers(ctx context.Context, labels []models.Label, tag string, themeID int64) error {
	if s.cfg.Analyses == nil || s.cfg.Feedback == nil {
		return nil
	}
	evidence := []string{"theme " + itoa(int(themeID))}
	for _, l := range labels {
		f, err := s.cfg.Feedback.FindFeedbackByID(ctx, l.FeedbackID)
		if err != nil {
			return err
		}
		a := models.Analysis{}
		if f.Analysis != nil {
			a = *f.Analysis
		}
		if slices.ContainsFunc(a.Tags, func(t models.TagScore) bool { return t.Tag == tag }) {
			continue
		}
		a.Tags = append(slices.Clone(a.Tags), models.TagScore{Tag: tag, Score: 1, Source: models.TagSourceHuman, Evidence: evidence})
		if err := s.cfg.Analyses.UpdateAnalysis(ctx, l.FeedbackID, &a); err != nil {
			return err
		}
	}
	return nil
}

// RejectProposal closes a proposal; its theme, and any theme with the same
// fingerprint, is not proposed again.
func (s *Service) RejectProposal(ctx context.Context, id int64) (*models.Proposal, error) {
	return s.cfg.Store.DecideProposal(ctx, id, models.ProposalRejected, "")
}

func itoa(n int) string { return strconv.Itoa(n) }
