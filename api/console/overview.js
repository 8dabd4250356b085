// overview.js: volume per day by channel, negative share, top tags, the
// frequency × severity quadrant, rising themes and spikes. Every figure is
// aggregated by the server (/v1/overview, /v1/tags/stats, /v1/clusters).
import { api, missing } from './api.js';
import { h, mount, card, pct, num, table, badge, enc, signedPct, errorBox } from './dom.js';
import { stackedBars, lineChart, quadrant } from './chart.js';

export default async function overview(root) {
  const [ov, stats, themes] = await Promise.allSettled([
    api('/v1/overview'), api('/v1/tags/stats'), api('/v1/clusters?sort=growth')]);
  const parts = [h('h1', {}, '概览')];

  if (ov.status === 'fulfilled') parts.push(...volume(ov.value));
  else parts.push(card('每日声量', missing(ov.reason)
    ? h('p', { class: 'muted' }, '本服务器还没有 /v1/overview 接口，暂不能显示每日声量。')
    : errorBox(ov.reason)));

  const grid = h('div', { class: 'grid2' });
  if (stats.status === 'fulfilled') grid.append(quadrantCard(stats.value), topTags(stats.value, ov.value));
  else grid.append(card('频率 × 严重度', errorBox(stats.reason)));
  parts.push(grid);

  const grid2 = h('div', { class: 'grid2' });
  grid2.append(risingThemes(themes.status === 'fulfilled' ? themes.value : null, ov.value));
  if (ov.status === 'fulfilled') grid2.append(spikes(ov.value));
  parts.push(grid2);
  mount(root, parts);
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
  return [
    kpis,
    card('每日声量（按渠道）', stackedBars(labels, series, { title: '每日声量' })),
    h('div', { class: 'grid2' },
      card('每日负面占比', lineChart(labels, [{ name: '负面占比', values: negShare }], { height: 160, title: '负面占比' })),
      card('渠道', table(['渠道', '条数', '负面占比'], (ov.sources || []).map(s =>
        h('tr', {}, h('td', {}, h('a', { href: '#/search?source=' + enc(s.source) }, s.source)), h('td', { class: 'n' }, num(s.count)), h('td', { class: 'n' }, pct(s.negative_share)))))))];
}

function kpi(label, value) {
  return h('div', { class: 'kpi' }, h('div', { class: 'kpi-v' }, value), h('div', { class: 'kpi-l' }, label));
}

function quadrantCard(stats) {
  const tags = (stats.tags || []).filter(t => t.count > 0).map(t => ({ ...t, severity: t.mean_severity }));
  return card('频率 × 严重度（标签）',
    h('p', { class: 'muted small' }, `高频：条数高于中位数 ${num(stats.median_count)}；高危：平均严重度 ≥ ${stats.severity_threshold}`),
    quadrant(tags, { medianCount: stats.median_count, threshold: stats.severity_threshold, onPick: t => { location.hash = '#/tags/' + enc(t.tag); } }));
}

function topTags(stats, ov) {
  const rows = ov && ov.top_tags ? ov.top_tags : (stats.tags || []).map(t => ({ tag: t.tag, count: t.count, negative_share: t.negative_share, severity: t.mean_severity, quadrant: t.quadrant }));
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

function risingThemes(list, ov) {
  let rows;
  if (ov && ov.rising_themes) rows = ov.rising_themes.map(t => ({ id: t.id, name: t.label, size: t.size, growth: t.growth, spike: t.spike }));
  else if (list) rows = list.clusters.filter(c => c.stats && (c.stats.rising || c.stats.spike))
    .map(c => ({ id: c.id, name: c.name, size: c.size, growth: c.stats.growth, spike: c.stats.spike }));
  else return card('上升的主题', h('p', { class: 'muted' }, '还没有主题。'));
  if (!rows.length) return card('上升的主题', h('p', { class: 'muted' }, '近期没有明显上升的主题。'));
  return card('上升的主题', h('ul', { class: 'list' }, rows.slice(0, 8).map(t =>
    h('li', {}, h('a', { href: '#/themes/' + t.id, class: 'theme-link' }, t.name), ' ',
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
