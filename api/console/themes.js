// themes.js: the themes of the latest clustering run, sortable by size,
// growth, anger and severity; the server sorts (GET /v1/clusters?sort=).
import { api } from './api.js';
import { h, mount, pct, num, signedPct, badge, table, when } from './dom.js';

const sorts = [['size', '规模'], ['growth', '增长'], ['anger', '愤怒度'], ['severity', '严重度']];

export default async function themes(root, _, params) {
  const sort = params.get('sort') || 'size';
  const data = await api('/v1/clusters?sort=' + sort);
  if (!data.run) {
    mount(root, h('h1', {}, '主题'), h('p', { class: 'muted' }, '还没有聚类结果：导入反馈后运行 voclens cluster，或在“任务”页启动重新聚类。'));
    return;
  }
  const head = h('div', { class: 'toolbar' },
    h('span', {}, '排序：'),
    sorts.map(([k, label]) => h('a', { class: 'pill' + (k === sort ? ' active' : ''), href: '#/themes?sort=' + k }, label)),
    h('span', { class: 'muted small' }, `第 ${data.run.id} 次聚类，${when(data.run.finished_at)}，${num(data.run.docs)} 条，${data.run.k} 个主题`));
  const rows = data.clusters.map(c => {
    const s = c.stats || {};
    return h('tr', { dataset: { theme: String(c.id) } },
      h('td', {}, h('a', { href: '#/themes/' + c.id, class: 'theme-link' }, c.name), ' ',
        c.new ? badge('新', 'new') : null, ' ',
        s.spike ? badge('突增', 'spike') : null, ' ',
        s.rising ? badge('上升', 'rising') : null, ' ',
        c.proposal && c.proposal.status === 'proposed' ? badge('有提议', 'proposal') : null,
        h('div', { class: 'muted small' }, (c.terms || []).slice(0, 6).join(' · '))),
      h('td', { class: 'n' }, num(c.size), h('div', { class: 'muted small' }, pct(c.share))),
      h('td', { class: 'n' + (s.growth > 0.2 ? ' up' : '') }, signedPct(s.growth ?? 0)),
      h('td', { class: 'n' }, pct(s.negative_share)),
      h('td', { class: 'n' }, (s.mean_anger ?? 0).toFixed(2)),
      h('td', { class: 'n' }, (s.severity_score ?? 0).toFixed(2)),
      h('td', { class: 'n' }, `${num(s.last_7d ?? 0)} / ${num(s.prev_7d ?? 0)}`));
  });
  mount(root, h('h1', {}, '主题'), head,
    table(['主题', '规模', '周增长', '负面', '愤怒', '严重度', '近7天/前7天'], rows, 'themes'));
}
