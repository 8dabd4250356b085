// tag.js: one tag: its figures, daily trend with spikes, where it comes
// from (breakdown with lift), and the measures taken on it.
import { api, query, missing } from './api.js';
import { h, mount, card, pct, num, badge, table, enc, errorBox } from './dom.js';
import { lineChart } from './chart.js';
import { measuresPanel } from './measures.js';
import { quadrantClass } from './overview.js';

export default async function tag(root, [name]) {
  const [stats, trends, breakdown] = await Promise.allSettled([
    api('/v1/tags/stats'),
    api('/v1/trends' + query({ by: 'tag', key: name, interval: 'day' })),
    api('/v1/breakdown' + query({ tag: name, by: 'source' }))]);
  const st = stats.status === 'fulfilled' ? (stats.value.tags || []).find(t => t.tag === name) : null;
  const parts = [h('div', { class: 'title-row' }, h('h1', {}, name), st ? badge(st.quadrant, 'q ' + quadrantClass(st.quadrant)) : null),
    h('p', {}, h('a', { href: '#/search?tag=' + enc(name) }, '查看带这个标签的反馈 →'))];
  if (st) parts.push(h('div', { class: 'kpis' },
    kpi('条数', num(st.count)), kpi('占比', pct(st.share)), kpi('负面占比', pct(st.negative_share)),
    kpi('平均严重度', st.mean_severity.toFixed(2)), kpi('高/严重', num(st.high_or_critical))));

  parts.push(card('每日趋势', unavailable(trends) || trendChart(trends.value)));
  parts.push(h('div', { class: 'grid2' },
    card('按渠道拆分', unavailable(breakdown) || breakdownTable(breakdown.value)),
    card('改进措施', await measuresPanel('tag', name, name))));
  mount(root, parts);
}

function kpi(label, value) {
  return h('div', { class: 'kpi' }, h('div', { class: 'kpi-v' }, value), h('div', { class: 'kpi-l' }, label));
}

function unavailable(r) {
  if (r.status === 'fulfilled') return null;
  return missing(r.reason) ? h('p', { class: 'muted' }, '本服务器还没有这个接口。') : errorBox(r.reason);
}

export function trendChart(tr) {
  const s = (tr.series || [])[0];
  if (!s) return h('p', { class: 'muted' }, '这段时间没有数据。');
  const labels = s.points.map(p => p.date);
  const spikes = (s.spikes || []).map(x => labels.indexOf(x.date)).filter(i => i >= 0);
  return lineChart(labels, [
    { name: '条数', values: s.points.map(p => p.count), dots: spikes },
    { name: '负面', values: s.points.map(p => p.negative) }], { title: '趋势' });
}

function breakdownTable(b) {
  return table(['渠道', '条数', '占比', '负面', '提升度'], (b.slices || []).map(x => h('tr', {},
    h('td', {}, x.value), h('td', { class: 'n' }, num(x.count)), h('td', { class: 'n' }, pct(x.share)),
    h('td', { class: 'n' }, pct(x.negative_share)), h('td', { class: 'n' + (x.lift > 1.5 ? ' up' : '') }, (x.lift ?? 0).toFixed(2) + '×'))));
}
