// theme.js: one theme: label, terms, trend, examples with angry words
// marked, dominant tags, rename and merge, its proposal, and measures.
import { api } from './api.js';
import { h, mount, card, pct, num, signedPct, badge, feedbackText, flash, enc, refresh } from './dom.js';
import { lineChart, fitWidth } from './chart.js';
import { proposalEditor } from './proposals.js';
import { measuresPanel } from './measures.js';

export default async function theme(root, [id]) {
  const [t, all] = await Promise.all([api('/v1/clusters/' + id), api('/v1/clusters')]);
  if (String(t.id) !== id) { location.hash = '#/themes/' + t.id; return; } // merged away
  const s = t.stats || {};
  const reload = refresh;

  const trend = s.trend || [];
  const spikeAt = trend.findIndex(p => p.day === s.spike_day);
  const title = h('div', { class: 'title-row' },
    h('h1', { id: 'theme-name' }, t.name),
    t.new ? badge('新', 'new') : null, s.spike ? badge('突增', 'spike') : null, s.rising ? badge('上升', 'rising') : null);

  const facts = h('div', { class: 'kpis' },
    kpi('条数', num(t.size)), kpi('占比', pct(t.share)), kpi('周增长', signedPct(s.growth ?? 0)),
    kpi('负面占比', pct(s.negative_share)), kpi('平均愤怒', (s.mean_anger ?? 0).toFixed(2)), kpi('严重度', (s.severity_score ?? 0).toFixed(2)));

  const about = card('关键词',
    t.label !== t.name ? h('p', {}, '自动标签：', t.label) : null,
    t.phrase ? h('p', {}, '代表短语：', t.phrase) : null,
    h('p', { class: 'chips' }, (t.terms || []).map(w => h('a', { class: 'chip', href: '#/search?q=' + enc(w) }, w))),
    h('p', {}, '主要标签：', (s.dominant_tags || []).length ? (s.dominant_tags).map(d =>
      h('a', { class: 'chip', href: '#/tags/' + enc(d.tag) }, `${d.tag} ${pct(d.share)}`)) : h('span', { class: 'muted' }, '无（现有标签覆盖不到这个主题）')),
    h('p', { class: 'muted small' }, '标签覆盖率 ', pct(s.tag_coverage), '。 ', h('a', { href: '#/search?theme=' + enc(t.name) }, '查看全部条目 →')));

  const chart = card('近 28 天趋势',
    lineChart(trend.map(p => p.day), [{ name: '条数', values: trend.map(p => p.count), dots: spikeAt >= 0 ? [spikeAt] : [] }],
      { title: '趋势', marks: s.spike_day ? [{ at: s.spike_day, label: '突增' }] : [], width: fitWidth(0.5) }));

  const examples = card('典型反馈（愤怒词已标出）', h('ul', { class: 'items' }, (s.examples || []).map(it =>
    h('li', { class: 'item' },
      h('a', { href: '#/items/' + it.id, class: 'item-link' }, '#' + it.id), ' ',
      h('span', { class: 'muted small' }, it.source, ' · ', String(it.created_at).slice(0, 10)), h('br'),
      feedbackText(it)))));

  const edit = card('编辑主题', renameForm(t, reload), mergeForm(t, all.clusters, reload));
  const prop = t.proposal ? card('标签提议', proposalEditor(t.proposal, reload)) : null;
  const measures = card('改进措施', await measuresPanel('theme', String(t.id), t.name));

  mount(root, title, facts, h('div', { class: 'grid2' }, chart, about), prop, examples, h('div', { class: 'grid2' }, edit, measures));
}

function kpi(label, value) {
  return h('div', { class: 'kpi' }, h('div', { class: 'kpi-v' }, value), h('div', { class: 'kpi-l' }, label));
}

function renameForm(t, reload) {
  const input = h('input', { name: 'name', value: t.name, maxlength: 64, 'aria-label': '新名称' });
  return h('form', {
    class: 'row', id: 'rename-form', onsubmit: async e => {
      e.preventDefault();
      try {
        await api(`/v1/clusters/${t.id}/rename`, { method: 'POST', body: { name: input.value.trim() } });
        flash('已重命名');
        reload();
      } catch (err) { flash(err.message, 'error'); }
    },
  }, h('label', {}, '名称 ', input), h('button', { type: 'submit' }, '重命名'));
}

function mergeForm(t, clusters, reload) {
  const others = clusters.filter(c => c.id !== t.id);
  const sel = h('select', { name: 'into', 'aria-label': '合并到' }, others.map(c => h('option', { value: String(c.id) }, `${c.name}（${c.size}）`)));
  return h('form', {
    class: 'row', onsubmit: async e => {
      e.preventDefault();
      const into = Number(sel.value);
      if (!confirm(`把“${t.name}”的 ${t.size} 条并入所选主题？以后的聚类也会保持合并。`)) return;
      try {
        const res = await api(`/v1/clusters/${t.id}/merge`, { method: 'POST', body: { into } });
        flash('已合并');
        location.hash = '#/themes/' + res.id;
      } catch (err) { flash(err.message, 'error'); reload(); }
    },
  }, h('label', {}, '合并到 ', sel), h('button', { type: 'submit', disabled: !others.length }, '合并'));
}

