// jobs.js: background jobs (rescore, recluster, retrain, reindex) with
// their progress; start one or cancel a running one. Polls while any runs.
import { api, missing } from './api.js';
import { h, mount, card, badge, flash, when, table, errorBox } from './dom.js';
import { progress } from './chart.js';

const kinds = { rescore: '重新打分', recluster: '重新聚类', retrain: '重新训练', reindex: '重建索引' };
const statuses = { queued: '排队中', running: '运行中', succeeded: '已完成', failed: '失败', canceled: '已取消' };

export default async function jobs(root) {
  let timer = null;
  const body = h('div', {});
  const draw = async () => {
    let list;
    try { list = (await api('/v1/jobs')).jobs || []; }
    catch (err) {
      body.replaceChildren(missing(err) ? h('p', { class: 'muted' }, '本服务器还没有任务接口（/v1/jobs）。') : errorBox(err));
      return;
    }
    body.replaceChildren(list.length ? table(['任务', '状态', '进度', '速度', '预计剩余', '开始', ''], list.map(row), 'jobs') : h('p', { class: 'muted' }, '还没有任务。'));
    const busy = list.some(j => j.status === 'running' || j.status === 'queued');
    timer = setTimeout(draw, busy ? 1000 : 5000);
  };
  const start = kind => h('button', {
    type: 'button', dataset: { kind }, onclick: async () => {
      try { await api('/v1/jobs', { method: 'POST', body: { kind, params: {} } }); flash(`已开始：${kinds[kind]}`); clearTimeout(timer); draw(); }
      catch (err) { flash(err.status === 409 ? `${kinds[kind]}已在运行` : err.message, 'error'); }
    },
  }, kinds[kind]);
  mount(root, h('h1', {}, '任务'), card('启动任务', h('div', { class: 'row' }, Object.keys(kinds).map(start)),
    h('p', { class: 'muted small' }, '需要管理员密钥。同一种任务同时只能运行一个。')), card('任务列表', body));
  await draw();
  return () => clearTimeout(timer);

  function row(j) {
    const running = j.status === 'running' || j.status === 'queued';
    return h('tr', { dataset: { job: String(j.id), status: j.status } },
      h('td', {}, `#${j.id} ${kinds[j.kind] || j.kind}`),
      h('td', {}, badge(statuses[j.status] || j.status, 'job-' + j.status), j.error ? h('div', { class: 'error small' }, j.error) : null),
      h('td', {}, progress(j.done || 0, j.total || 0)),
      h('td', { class: 'n' }, j.rate ? j.rate.toFixed(0) + '/秒' : '–'),
      h('td', { class: 'n' }, running && j.eta_s ? Math.ceil(j.eta_s) + ' 秒' : '–'),
      h('td', {}, when(j.started_at || j.created_at)),
      h('td', {}, running ? h('button', {
        type: 'button', class: 'ghost small', onclick: async () => {
          try { await api('/v1/jobs/' + j.id, { method: 'DELETE' }); flash('已取消'); clearTimeout(timer); draw(); }
          catch (err) { flash(err.message, 'error'); }
        },
      }, '取消') : null));
  }
}
