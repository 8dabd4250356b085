// taxonomy.js: the tag taxonomy editor: keywords, parent, severity weight,
// owner; add and delete tags. Changes need an admin key.
import { api } from './api.js';
import { h, mount, flash, refresh, enc } from './dom.js';

const split = s => s.split(/[,，、\n]+/).map(x => x.trim()).filter(Boolean);

export default async function taxonomy(root) {
  const { tags } = await api('/v1/tags');
  const names = tags.map(t => t.name);
  mount(root, h('h1', {}, '标签体系'),
    h('p', { class: 'muted small' }, '关键词命中即打标签（规则）；模型在足够多的人工确认后接手。修改需要管理员密钥。'),
    h('div', { class: 'tag-grid' }, tags.map(t => tagEditor(t, names)), tagEditor(null, names)));
}

function tagEditor(t, names) {
  const isNew = !t;
  t = t || { name: '', keywords: [], severity_weight: 0.5 };
  const f = {
    name: h('input', { name: 'name', value: t.name, required: true, maxlength: 50, disabled: !isNew, 'aria-label': '名称' }),
    parent: h('select', { name: 'parent', 'aria-label': '上级' }, h('option', { value: '' }, '（无）'),
      names.filter(n => n !== t.name).map(n => h('option', { value: n, selected: n === t.parent }, n))),
    keywords: h('textarea', { name: 'keywords', rows: 2, value: (t.keywords || []).join('，'), 'aria-label': '关键词' }),
    weight: h('input', { name: 'severity_weight', type: 'number', min: 0, max: 1, step: 0.05, value: String(t.severity_weight ?? 0.5), 'aria-label': '严重度权重' }),
    owner: h('input', { name: 'owner', value: t.owner || '', 'aria-label': '负责人' }),
    description: h('input', { name: 'description', value: t.description || '', 'aria-label': '说明' }),
  };
  const body = () => ({
    parent: f.parent.value, keywords: split(f.keywords.value), severity_weight: Number(f.weight.value),
    owner: f.owner.value.trim(), description: f.description.value.trim(),
  });
  return h('form', {
    class: 'card tag-editor' + (isNew ? ' new-tag' : ''), dataset: { tag: t.name },
    onsubmit: async e => {
      e.preventDefault();
      try {
        if (isNew) await api('/v1/tags', { method: 'POST', body: { name: f.name.value.trim(), ...body() } });
        else await api('/v1/tags/' + enc(t.name), { method: 'PATCH', body: body() });
        flash(isNew ? '已添加标签' : '已保存');
        refresh();
      } catch (err) { flash(err.message, 'error'); }
    },
  },
  h('h2', {}, isNew ? '新标签' : h('a', { href: '#/tags/' + enc(t.name) }, t.name)),
  isNew ? h('label', {}, '名称 ', f.name) : null,
  h('label', {}, '关键词 ', f.keywords),
  h('div', { class: 'row' }, h('label', {}, '上级 ', f.parent), h('label', {}, '严重度权重 ', f.weight)),
  h('div', { class: 'row' }, h('label', {}, '负责人 ', f.owner), h('label', {}, '说明 ', f.description)),
  h('div', { class: 'row' },
    h('button', { type: 'submit' }, isNew ? '添加' : '保存'),
    isNew ? null : h('button', {
      type: 'button', class: 'ghost reject', onclick: async () => {
        if (!confirm(`删除标签“${t.name}”？已有的人工判定会保留。`)) return;
        try { await api('/v1/tags/' + enc(t.name), { method: 'DELETE' }); flash('已删除'); refresh(); }
        catch (err) { flash(err.message, 'error'); }
      },
    }, '删除')));
}
