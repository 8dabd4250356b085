// models.js: trained model versions with their held-out metrics; an admin
// activates one, and activating an older one is the rollback.
import { api } from './api.js';
import { h, mount, card, badge, flash, when, table, num, refresh } from './dom.js';

export default async function modelsPage(root) {
  const { models } = await api('/v1/models');
  const retrain = h('button', {
    type: 'button', onclick: async () => {
      try { await api('/v1/jobs', { method: 'POST', body: { kind: 'retrain', params: {} } }); flash('已开始重新训练，见“任务”页'); }
      catch (err) { flash(err.message, 'error'); }
    },
  }, '重新训练');
  mount(root, h('div', { class: 'title-row' }, h('h1', {}, '模型版本'), retrain),
    models.length ? models.map(modelCard) : h('p', { class: 'muted' }, '还没有训练过模型：确认一些标签后运行 voclens train。'));
}

function modelCard(m) {
  const met = m.metrics || {};
  const tags = met.tags || [];
  const macro = tags.length ? tags.reduce((s, t) => s + (t.f1 || 0), 0) / tags.length : null;
  const activate = h('button', {
    type: 'button', disabled: m.active, onclick: async () => {
      try {
        await api(`/v1/models/${encodeURIComponent(m.version)}/activate`, { method: 'POST' });
        flash(`已启用 ${m.version}`);
        refresh();
      } catch (err) { flash(err.message, 'error'); }
    },
  }, m.active ? '使用中' : '启用（回滚到此版本）');
  return card(null,
    h('div', { class: 'title-row' }, h('h2', {}, m.version), m.active ? badge('使用中', 'accepted') : null,
      h('span', { class: 'muted small' }, `${m.kind} · ${when(m.created_at)}`), activate),
    h('p', { class: 'muted small' },
      `训练 ${num(met.n_train)} 条（背景 ${num(met.n_background)}），留出 ${num(met.n_test)} 条，用时 ${met.train_s ? met.train_s.toFixed(1) : '–'} 秒`,
      macro !== null ? `，宏平均 F1 ${macro.toFixed(3)}` : ''),
    tags.length ? table(['标签', '确认', '弱标签', '否认', '精确率', '召回率', 'F1', '决定方'], tags.map(t => h('tr', {},
      h('td', {}, t.tag), h('td', { class: 'n' }, num(t.confirmations)), h('td', { class: 'n' }, num(t.weak)),
      h('td', { class: 'n' }, num(t.rejections)), h('td', { class: 'n' }, f(t.precision)), h('td', { class: 'n' }, f(t.recall)),
      h('td', { class: 'n' }, f(t.f1)), h('td', {}, t.decides ? '模型' : t.model_adds ? '规则 + 模型补充' : '规则')))) : null);
}

const f = x => x === undefined ? '–' : x.toFixed(2);
