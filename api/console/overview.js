// overview.js: volume per day by channel, negative share, top tags, the
// frequency × severity quadrant, rising themes and spikes, all from one
// GET /v1/overview that the server aggregates.
import { api, missing, query } from './api.js';
import { h, mount, card, pct, num, table, badge, enc, signedPct } from './dom.js';
import { stackedBars, lineChart, quadrant, fitWidth } from './chart.js';

export default async function overview(root, _, params) {
  const range = { from: params.get('from') || '', to: params.get('to') || '' };
  let ov;
  try {
    ov = await api('/v1/overview' + query(range));
  } catch (err) {
    if (!missing(err)) throw err;
    return legacy(root);
  }
  const tags = ov.top_tags || [];
  mount(root,
    h('div', { class: 'title-row' }, h('h1', {}, '概览'), h('span', { class: 'muted' }, `${ov.from} 至 ${ov.to}`), rangePicker(ov)),
    volume(ov),
    h('div', { class: 'grid2' },
      card('频率 × 严重度（标签）', tags.length ? quadrantOf(tags) : h('p', { class: 'muted' }, '这段时间没有带标签的反馈。')),
      topTags(tags)),
    h('div', { class: 'grid2' }, risingThemes(ov.rising_themes || []), spikes(ov)));
}

// rangePicker offers the last 7, 28 and 90 days up to the overview's end.
function rangePicker(ov) {
  const to = ov.to;
  const back = n => new Date(Date.parse(to + 'T00:00:00Z') - (n - 1) * 864e5).toISOString().slice(0, 10);
  return h('span', { class: 'toolbar' }, [7, 28, 90].map(n => {
    const from = back(n);
    return h('a', { class: 'pill' + (from === ov.from ? ' active' : ''), href: '#/' + query({ from, to }) }, `近 ${n} 天`);
  }));
}

// quadrantOf draws the server's quadrants; the dividing lines sit between
// the tags it called frequent and rare, severe and mild.
function quadrantOf(tags) {
  const between = (hi, lo, f) => {
    const a = tags.filter(hi).map(f), b = tags.filter(lo).map(f);
    if (a.length && b.length) return (Math.min(...a) + Math.max(...b)) / 2;
    return a.length ? Math.min(...a) * 0.9 : Math.max(...b, 1) * 1.1;
  };
  const medianCount = between(t => t.quadrant.startsWith('高频'), t => t.quadrant.startsWith('低频'), t => t.count);
  const threshold = between(t => t.quadrant.endsWith('高危'), t => t.quadrant.endsWith('低危'), t => t.severity);
  return quadrant(tags, { medianCount, threshold, onPick: t => { location.hash = '#/tags/' + enc(t.tag); } });
}

// legacy is the overview of a server without /v1/overview: the tag
// quadrant from /v1/tags/stats and the rising themes from /v1/clusters.
async function legacy(root) {
  const [stats, themes] = await Promise.all([api('/v1/tags/stats'), api('/v1/clusters?sort=growth')]);
  const tags = (stats.tags || []).filter(t => t.count > 0).map(t => ({ tag: t.tag, count: t.count, negative_share: t.negative_share, severity: t.mean_severity, quadrant: t.quadrant }));
  const rising = (themes.clusters || []).filter(c => c.stats && (c.stats.rising || c.stats.spike))
    .map(c => ({ id: c.id, label: c.name, size: c.size, growth: c.stats.growth, spike: c.stats.spike }));
  mount(root, h('h1', {}, '概览'),
    card('每日声量', h('p', { class: 'muted' }, '本服务器还没有 /v1/overview 接口，暂不能显示每日声量。')),
    h('div', { class: 'grid2' },
      card('频率 × 严重度（标签）', quadrant(tags, { medianCount: stats.median_count, threshold: stats.severity_threshold, onPick: t => { location.hash = '#/tags/' + enc(t.tag); } })),
      topTags(tags)),
    h('div', { class: 'grid2' }, risingThemes(rising)));
}

function volume(ov) {
  const days = ov.days || [];
  const labels = days.map(d => d.date);
  const sources = (ov.sources || []).map(s => s.source);
  const series = sources.map(s => ({ name: s, values: days.map(d => (d.by_source || {})[s] || 0) }));
  const kpis = h('div', { class: 'kpis' },
    kpi('反馈总数', num(ov.total)),
    kpi('负面占比', pct(ov.negative_share)),
    kpi('渠道数', num(sources.length)),
    kpi('突增', num((ov.spikes || []).length)));
  const negShare = days.map(d => d.count ? d.negative / d.count : 0);
  return h('div', {},
    kpis,
    card('每日声量（按渠道）', stackedBars(labels, series, { title: '每日声量' })),
    h('div', { class: 'grid2' },
      card('每日负面占比', lineChart(labels, [{ name: '负面占比', values: negShare }], { height: 160, title: '负面占比', width: fitWidth(0.5) })),
      card('渠道', table(['渠道', '条数', '负面占比'], (ov.sources || []).map(s =>
        h('tr', {}, h('td', {}, h('a', { href: '#/search?source=' + enc(s.source) }, s.source)), h('td', { class: 'n' }, num(s.count)), h('td', { class: 'n' }, pct(s.negative_share))))))));
}

function kpi(label, value) {
  return h('div', { class: 'kpi' }, h('div', { class: 'kpi-v' }, value), h('div', { class: 'kpi-l' }, label));
}

function topTags(rows) {
  return card('热门标签', table(['标签', '条数', '负面', '严重度', '象限'], rows.slice(0, 12).map(t =>
    h('tr', {},
      h('td', {}, h('a', { href: '#/tags/' + enc(t.tag) }, t.tag)),
      h('td', { class: 'n' }, num(t.count)),
      h('td', { class: 'n' }, pct(t.negative_share)),
      h('td', { class: 'n' }, (t.severity ?? 0).toFixed(2)),
      h('td', {}, badge(t.quadrant, 'q ' + quadrantClass(t.quadrant)))))));
}

export function quadrantClass(q) {
  return { 高频高危: 'q-hh', 高频低危: 'q-hl', 低频高危: 'q-lh', 低频低危: 'q-ll' }[q] || '';
}

function risingThemes(rows) {
  if (!rows.length) return card('上升的主题', h('p', { class: 'muted' }, '近期没有明显上升的主题。'));
  return card('上升的主题', h('ul', { class: 'list' }, rows.slice(0, 8).map(t =>
    h('li', {}, h('a', { href: '#/themes/' + t.id, class: 'theme-link' }, t.label), ' ',
      t.spike ? badge('突增', 'spike') : null, ' ',
      h('span', { class: 'muted' }, `${num(t.size)} 条，周增长 ${signedPct(t.growth)}`)))));
}

function spikes(ov) {
  const s = ov.spikes || [];
  if (!s.length) return card('突增', h('p', { class: 'muted' }, '没有检测到突增。'));
  return card('突增', h('ul', { class: 'list' }, s.slice(0, 10).map(x => h('li', {},
    h('a', { href: x.kind === 'theme' ? '#/themes/' + enc(x.key) : '#/tags/' + enc(x.key) }, x.label || x.key),
    ' ', badge(x.kind === 'theme' ? '主题' : '标签'), ' ',
    h('span', { class: 'muted' }, `${x.date}：${num(x.count)} 条`)))));
}
