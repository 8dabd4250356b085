// measures.js: improvement measures on a theme or tag (what, owner, due
// date, status) and, from the measure's date, volume and negative share in
// the windows before and after it: did the fix work?
import { api, query, missing } from './api.js';
import { h, mount, card, badge, flash, errorBox, enc, refresh } from './dom.js';
import { beforeAfter } from './chart.js';

const statusNames = { planned: '计划中', in_progress: '进行中', done: '已完成' };
const today = () => new Date().toISOString().slice(0, 10);

// measuresPanel lists the measures on one target and a form to add one.
export async function measuresPanel(kind, target, label) {
  const box = h('div', { class: 'measures', dataset: { kind, target } });
  let list;
  try {
    list = (await api('/v1/measures' + query({ [kind]: target }))).measures || [];
  } catch (err) {
    box.append(missing(err) ? h('p', { class: 'muted' }, '本服务器还没有改进措施接口（/v1/measures）。') : errorBox(err));
    return box;
  }
  box.append(list.length ? h('ul', { class: 'measure-list' }, list.map(measureItem)) : h('p', { class: 'muted' }, '还没有措施。'));
  box.append(measureForm(kind, target, label));
  return box;
}

function measureItem(m) {
  const status = h('select', {
    'aria-label': '状态', onchange: async () => {
      try { await api('/v1/measures/' + m.id, { method: 'PATCH', body: { status: status.value } }); flash('状态已更新'); }
      catch (err) { flash(err.message, 'error'); }
    },
  }, Object.entries(statusNames).map(([k, v]) => h('option', { value: k, selected: k === m.status }, v)));
  return h('li', { class: 'measure', dataset: { id: String(m.id) } },
    h('div', { class: 'measure-head' },
      h('strong', {}, m.what), ' ', badge(statusNames[m.status] || m.status, 'st-' + m.status)),
    h('div', { class: 'muted small' },
      m.target_kind === 'theme' ? '主题 ' : '标签 ',
      h('a', { href: m.target_kind === 'theme' ? '#/themes/' + enc(m.target) : '#/tags/' + enc(m.target) }, m.target),
      ` · 负责人 ${m.owner || '—'} · 生效 ${m.date || '—'} · 截止 ${m.due_date || '—'}`),
    beforeAfter(m.effect),
    h('div', { class: 'row' }, h('label', {}, '状态 ', status),
      h('button', {
        type: 'button', class: 'ghost small', onclick: async () => {
          if (!confirm('删除这条措施？')) return;
          try { await api('/v1/measures/' + m.id, { method: 'DELETE' }); refresh(); } catch (err) { flash(err.message, 'error'); }
        },
      }, '删除')));
}

function measureForm(kind, target, label) {
  const what = h('input', { name: 'what', required: true, placeholder: '例如：5.3.1 修复积分显示', 'aria-label': '措施' });
  const owner = h('input', { name: 'owner', placeholder: '负责人或团队', 'aria-label': '负责人' });
  const date = h('input', { name: 'date', type: 'date', value: today(), 'aria-label': '生效日期' });
  const due = h('input', { name: 'due_date', type: 'date', 'aria-label': '截止日期' });
  const status = h('select', { name: 'status', 'aria-label': '状态' }, Object.entries(statusNames).map(([k, v]) => h('option', { value: k }, v)));
  return h('form', {
    class: 'measure-form', id: 'measure-form', onsubmit: async e => {
      e.preventDefault();
      const body = { target_kind: kind, target, what: what.value.trim(), owner: owner.value.trim(), status: status.value, date: date.value };
      if (due.value) body.due_date = due.value;
      try {
        await api('/v1/measures', { method: 'POST', body });
        flash('已记录措施');
        refresh();
      } catch (err) { flash(err.message, 'error'); }
    },
  },
  h('h3', {}, `为“${label}”记录一条措施`),
  h('label', {}, '措施 ', what), h('label', {}, '负责人 ', owner),
  h('label', {}, '生效日期 ', date), h('label', {}, '截止 ', due), h('label', {}, '状态 ', status),
  h('button', { type: 'submit' }, '记录措施'));
}

export default async function measures(root) {
  let list;
  try {
    list = (await api('/v1/measures')).measures || [];
  } catch (err) {
    mount(root, h('h1', {}, '改进措施'), missing(err) ? h('p', { class: 'muted' }, '本服务器还没有改进措施接口（/v1/measures）。') : errorBox(err));
    return;
  }
  mount(root, h('h1', {}, '改进措施'),
    h('p', { class: 'muted small' }, '在主题页或标签页记录措施；这里汇总全部措施及其前后对比。'),
    list.length ? card(null, h('ul', { class: 'measure-list' }, list.map(measureItem))) : h('p', { class: 'muted' }, '还没有措施。'));
}
